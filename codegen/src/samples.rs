//! Walks documented sample JSON along the IR types: checks it fits, computes the
//! form the SDK sends back (normalized), and builds typed constructor code.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::emit::{ident, type_path};
use crate::error::{Ctx, SpecError};
use crate::ir::{Field, Spec, Ty, TypeKind};
use crate::spec::EnumKind;

const FROM: &str = "wire_tests";

fn int_of(v: &Value) -> Option<i128> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from)),
        _ => None,
    }
}

fn int_in_range(ty: &Ty, n: i128) -> bool {
    match ty {
        Ty::I32 => i32::try_from(n).is_ok(),
        Ty::U32 => u32::try_from(n).is_ok(),
        Ty::I64 => i64::try_from(n).is_ok(),
        Ty::U64 => u64::try_from(n).is_ok(),
        _ => false,
    }
}

/// Checks `v` against `ty` and returns the JSON the SDK produces after parsing it.
pub fn normalize(
    spec: &Spec,
    v: &Value,
    ty: &Ty,
    ctx: &Ctx,
    path: &str,
) -> Result<Value, SpecError> {
    let bad = |what: &str| ctx.err(format!("at `{path}`: expected {what}, found {v}"));
    Ok(match ty {
        Ty::String => match v {
            Value::String(_) => v.clone(),
            _ => return Err(bad("a string")),
        },
        Ty::Account => match v {
            Value::String(_) => v.clone(),
            Value::Number(n) if n.is_u64() || n.is_i64() => Value::String(n.to_string()),
            _ => return Err(bad("an account (string or integer)")),
        },
        Ty::Bool => match v {
            Value::Bool(_) => v.clone(),
            _ => return Err(bad("a boolean")),
        },
        Ty::FlexBool => match v {
            Value::Bool(_) => v.clone(),
            Value::String(s) if s == "true" => Value::Bool(true),
            Value::String(s) if s == "false" => Value::Bool(false),
            _ => return Err(bad("a boolean or \"true\"/\"false\"")),
        },
        Ty::I32 | Ty::U32 | Ty::I64 | Ty::U64 => match int_of(v) {
            Some(n) if int_in_range(ty, n) => v.clone(),
            _ => return Err(bad(&format!("an integer fitting {ty:?}").to_lowercase())),
        },
        Ty::Json => v.clone(),
        Ty::List(inner) => match v {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| normalize(spec, item, inner, ctx, &format!("{path}[{i}]")))
                    .collect::<Result<_, _>>()?,
            ),
            _ => return Err(bad("a list")),
        },
        Ty::Named(n) => {
            let t = spec
                .types
                .get(n)
                .ok_or_else(|| ctx.err(format!("unknown type {n}")))?;
            match &t.kind {
                // A value written as one of its aliases is read as (and
                // written back as) the value itself.
                TypeKind::Enum(EnumKind::String, values) => match aliased(values, v) {
                    Some(wire) => wire,
                    None if v.is_string() => v.clone(),
                    None => return Err(bad(&format!("a string ({n})"))),
                },
                TypeKind::Enum(EnumKind::Integer, values) => match aliased(values, v) {
                    Some(wire) => wire,
                    None => match v {
                        Value::Number(_) if int_of(v).is_some_and(|i| i64::try_from(i).is_ok()) => {
                            v.clone()
                        }
                        Value::String(s) => match s.trim().parse::<i64>() {
                            Ok(i) => Value::from(i),
                            Err(_) => return Err(bad(&format!("an integer ({n})"))),
                        },
                        _ => return Err(bad(&format!("an integer ({n})"))),
                    },
                },
                TypeKind::Object(fields) => {
                    normalize_object(spec, v, fields, t.extra, n, ctx, path)?
                }
            }
        }
    })
}

/// The wire value of the enum value that `v` is an alias of, if any.
fn aliased(values: &[crate::ir::EnumValue], v: &Value) -> Option<Value> {
    let hit = |a: &crate::spec::WireValue| match (a, v) {
        (crate::spec::WireValue::Int(i), Value::Number(_)) => v.as_i64() == Some(*i),
        (crate::spec::WireValue::Str(s), Value::String(x)) => s == x,
        _ => false,
    };
    values
        .iter()
        .find(|val| val.aliases.iter().any(hit))
        .map(|val| match &val.wire {
            crate::spec::WireValue::Int(i) => Value::from(*i),
            crate::spec::WireValue::Str(s) => Value::from(s.clone()),
        })
}

/// Normalizes an object of `fields` (unknown keys kept if `extra`).
pub fn normalize_object(
    spec: &Spec,
    v: &Value,
    fields: &[Field],
    extra: bool,
    type_name: &str,
    ctx: &Ctx,
    path: &str,
) -> Result<Value, SpecError> {
    let Value::Object(map) = v else {
        return Err(ctx.err(format!(
            "at `{path}`: expected an object ({type_name}), found {v}"
        )));
    };
    let mut out = serde_json::Map::new();
    for f in fields {
        let fpath = join(path, &f.wire);
        // the wire name or one of its aliases (serde refuses both at once)
        let present: Vec<&String> = std::iter::once(&f.wire)
            .chain(&f.aliases)
            .filter(|k| map.contains_key(k.as_str()))
            .collect();
        if present.len() > 1 {
            return Err(ctx.err(format!(
                "at `{fpath}`: the field is given under several of its names ({})",
                present
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let key = present.first().map_or(&f.wire, |k| *k);
        match map.get(key) {
            None | Some(Value::Null) if f.required => {
                return Err(ctx.err(format!("required field `{fpath}` is missing")));
            }
            None | Some(Value::Null) => {}
            Some(fv) => {
                out.insert(f.wire.clone(), normalize(spec, fv, &f.ty, ctx, &fpath)?);
            }
        }
    }
    for (k, fv) in map {
        if !fields.iter().any(|f| &f.wire == k || f.aliases.contains(k)) {
            if !extra {
                return Err(ctx.err(format!(
                    "field `{}` is not declared in the spec for {type_name}",
                    join(path, k)
                )));
            }
            out.insert(k.clone(), fv.clone());
        }
    }
    Ok(Value::Object(out))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn str_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Rust expression building the value `v` (already normalized) of type `ty`
/// through the typed API.
pub fn build(
    spec: &Spec,
    v: &Value,
    ty: &Ty,
    ctx: &Ctx,
    path: &str,
) -> Result<TokenStream, SpecError> {
    Ok(match ty {
        Ty::String | Ty::Account => {
            let s = str_of(v);
            quote! { String::from(#s) }
        }
        Ty::Bool | Ty::FlexBool => {
            let b = v.as_bool().unwrap_or(false);
            quote! { #b }
        }
        Ty::I32 | Ty::U32 | Ty::I64 | Ty::U64 => {
            let n = int_of(v).unwrap_or(0);
            let lit = match ty {
                Ty::I32 => Literal::i32_suffixed(n as i32),
                Ty::U32 => Literal::u32_suffixed(n as u32),
                Ty::I64 => Literal::i64_suffixed(n as i64),
                _ => Literal::u64_suffixed(n as u64),
            };
            quote! { #lit }
        }
        Ty::Json => {
            let s = v.to_string();
            quote! { serde_json::from_str::<serde_json::Value>(#s).expect("literal JSON") }
        }
        Ty::List(inner) => {
            let items = v.as_array().cloned().unwrap_or_default();
            let elems = items
                .iter()
                .enumerate()
                .map(|(i, item)| build(spec, item, inner, ctx, &format!("{path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            if elems.is_empty() {
                let t = crate::emit::rust_ty(spec, inner, FROM);
                quote! { Vec::<#t>::new() }
            } else {
                quote! { vec![#(#elems),*] }
            }
        }
        Ty::Named(n) => {
            let t = spec
                .types
                .get(n)
                .ok_or_else(|| ctx.err(format!("unknown type {n}")))?;
            let p = type_path(spec, n, FROM);
            match &t.kind {
                TypeKind::Enum(EnumKind::String, values) => {
                    let s = str_of(v);
                    match values
                        .iter()
                        .find(|val| matches!(&val.wire, crate::spec::WireValue::Str(w) if *w == s))
                    {
                        Some(val) => {
                            let vn = ident(&val.variant);
                            quote! { #p::#vn }
                        }
                        None => quote! { #p::from_wire(#s) },
                    }
                }
                TypeKind::Enum(EnumKind::Integer, values) => {
                    let i = v.as_i64().unwrap_or(0);
                    match values
                        .iter()
                        .find(|val| matches!(&val.wire, crate::spec::WireValue::Int(w) if *w == i))
                    {
                        Some(val) => {
                            let vn = ident(&val.variant);
                            quote! { #p::#vn }
                        }
                        None => quote! { #p::from_value(#i) },
                    }
                }
                TypeKind::Object(fields) => build_object(spec, v, fields, &p, ctx, path)?,
            }
        }
    })
}

/// Constructor + setters (+ `extra` inserts) for an object value.
pub fn build_object(
    spec: &Spec,
    v: &Value,
    fields: &[Field],
    path_tokens: &TokenStream,
    ctx: &Ctx,
    path: &str,
) -> Result<TokenStream, SpecError> {
    let empty = serde_json::Map::new();
    let map = v.as_object().unwrap_or(&empty);
    let mut args = Vec::new();
    let mut setters = Vec::new();
    for f in fields {
        let fpath = join(path, &f.wire);
        match map.get(&f.wire) {
            Some(fv) => {
                let e = build(spec, fv, &f.ty, ctx, &fpath)?;
                if f.required {
                    args.push(e);
                } else {
                    let s = ident(&f.name);
                    setters.push(quote! { .#s(#e) });
                }
            }
            None if f.required => {
                return Err(ctx.err(format!("required field `{fpath}` is missing")))
            }
            None => {}
        }
    }
    let extras: Vec<TokenStream> = map
        .iter()
        .filter(|(k, _)| !fields.iter().any(|f| &f.wire == *k))
        .map(|(k, fv)| {
            let s = fv.to_string();
            quote! { value.extra.insert(String::from(#k), serde_json::from_str(#s).expect("literal JSON")); }
        })
        .collect();
    let base = quote! { #path_tokens::new(#(#args),*) #(#setters)* };
    if extras.is_empty() {
        Ok(base)
    } else {
        Ok(quote! { { let mut value = #base; #(#extras)* value } })
    }
}

/// `v` (already normalized, so every field is under its wire name) with each
/// field that has aliases renamed to its alias number `n`, if it has one.
/// `None` when nothing was renamed.
pub fn with_alias(spec: &Spec, v: &Value, ty: &Ty, n: usize) -> Option<Value> {
    match (ty, v) {
        (Ty::List(inner), Value::Array(items)) => {
            let mut changed = false;
            let out = items
                .iter()
                .map(|item| match with_alias(spec, item, inner, n) {
                    Some(x) => {
                        changed = true;
                        x
                    }
                    None => item.clone(),
                })
                .collect();
            changed.then_some(Value::Array(out))
        }
        (Ty::Named(name), Value::Object(_)) => match spec.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Object(fields)) => object_with_alias(spec, v, fields, n),
            _ => None,
        },
        _ => None,
    }
}

/// [`with_alias`] for an object of `fields`.
pub fn object_with_alias(spec: &Spec, v: &Value, fields: &[Field], n: usize) -> Option<Value> {
    let Value::Object(map) = v else {
        return None;
    };
    let mut changed = false;
    let mut out = serde_json::Map::new();
    for (k, fv) in map {
        match fields.iter().find(|f| &f.wire == k) {
            Some(f) => {
                let inner = with_alias(spec, fv, &f.ty, n);
                changed |= inner.is_some();
                let key = match f.aliases.get(n) {
                    Some(a) => {
                        changed = true;
                        a.clone()
                    }
                    None => k.clone(),
                };
                out.insert(key, inner.unwrap_or_else(|| fv.clone()));
            }
            None => {
                out.insert(k.clone(), fv.clone());
            }
        }
    }
    changed.then_some(Value::Object(out))
}

/// Rust expression building `v` (already normalized) of type `ty` the way an
/// application writes it: types by their crate-root names (collected in
/// `uses`), string literals where the parameter takes `impl Into<String>`,
/// arrays where it takes `impl IntoIterator`. `param` says whether the value
/// is passed straight to `new` or a setter.
pub fn user_build(
    spec: &Spec,
    v: &Value,
    ty: &Ty,
    param: bool,
    uses: &mut std::collections::BTreeSet<String>,
) -> TokenStream {
    match ty {
        Ty::String | Ty::Account => {
            let s = str_of(v);
            if param {
                quote! { #s }
            } else {
                quote! { String::from(#s) }
            }
        }
        Ty::Bool | Ty::FlexBool => {
            let b = v.as_bool().unwrap_or(false);
            quote! { #b }
        }
        Ty::I32 | Ty::U32 | Ty::I64 | Ty::U64 => {
            let n = int_of(v).unwrap_or(0);
            let lit = Literal::u128_unsuffixed(n.unsigned_abs());
            if n < 0 {
                quote! { -#lit }
            } else {
                quote! { #lit }
            }
        }
        Ty::Json => {
            let tokens: TokenStream = v.to_string().parse().unwrap_or_default();
            quote! { serde_json::json!(#tokens) }
        }
        Ty::List(inner) => {
            let items = v.as_array().cloned().unwrap_or_default();
            if items.is_empty() {
                let t = user_ty(spec, inner, uses);
                return quote! { Vec::<#t>::new() };
            }
            // an `impl IntoIterator<Item = impl Into<String>>` parameter takes
            // string literals; a nested list is a `Vec` field
            let elems: Vec<TokenStream> = items
                .iter()
                .map(|item| user_build(spec, item, inner, param && inner.is_stringy(), uses))
                .collect();
            if param {
                quote! { [#(#elems),*] }
            } else {
                quote! { vec![#(#elems),*] }
            }
        }
        Ty::Named(n) => {
            let Some(t) = spec.types.get(n) else {
                return quote! {};
            };
            let p = ident(n);
            match &t.kind {
                TypeKind::Enum(EnumKind::String, values) => {
                    uses.insert(n.clone());
                    let s = str_of(v);
                    match values
                        .iter()
                        .find(|val| matches!(&val.wire, crate::spec::WireValue::Str(w) if *w == s))
                    {
                        Some(val) => {
                            let vn = ident(&val.variant);
                            quote! { #p::#vn }
                        }
                        None => quote! { #p::from_wire(#s) },
                    }
                }
                TypeKind::Enum(EnumKind::Integer, values) => {
                    uses.insert(n.clone());
                    let i = v.as_i64().unwrap_or(0);
                    match values
                        .iter()
                        .find(|val| matches!(&val.wire, crate::spec::WireValue::Int(w) if *w == i))
                    {
                        Some(val) => {
                            let vn = ident(&val.variant);
                            quote! { #p::#vn }
                        }
                        None => quote! { #p::from_value(#i) },
                    }
                }
                TypeKind::Object(fields) => user_object(spec, v, n, fields, uses),
            }
        }
    }
}

/// `Name::new(required..)` with a setter per optional field present in `v`.
pub fn user_object(
    spec: &Spec,
    v: &Value,
    name: &str,
    fields: &[Field],
    uses: &mut std::collections::BTreeSet<String>,
) -> TokenStream {
    uses.insert(name.to_owned());
    let p = ident(name);
    let empty = serde_json::Map::new();
    let map = v.as_object().unwrap_or(&empty);
    let mut args = Vec::new();
    let mut setters = Vec::new();
    for f in fields {
        let Some(fv) = map.get(&f.wire) else { continue };
        let e = user_build(spec, fv, &f.ty, true, uses);
        if f.required {
            args.push(e);
        } else {
            let s = ident(&f.name);
            setters.push(quote! { .#s(#e) });
        }
    }
    quote! { #p::new(#(#args),*) #(#setters)* }
}

/// The Rust type of `ty` as an application names it.
fn user_ty(spec: &Spec, ty: &Ty, uses: &mut std::collections::BTreeSet<String>) -> TokenStream {
    match ty {
        Ty::Named(n) => {
            uses.insert(n.clone());
            let p = ident(n);
            quote! { #p }
        }
        Ty::List(inner) => {
            let i = user_ty(spec, inner, uses);
            quote! { Vec<#i> }
        }
        other => crate::emit::rust_ty(spec, other, FROM),
    }
}
