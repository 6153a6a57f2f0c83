//! Named types and fields: type expressions, enums, objects and the
//! constraints a field may carry.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::names::{is_snake, is_upper_camel, is_wire_name, RESERVED_FIELDS};
use super::{EnumValue, Field, NamedType, Ty, TypeKind};
use crate::error::{Ctx, SpecError};
use crate::spec::{EnumKind, FieldDef, TypeDef, WireValue};

pub(super) fn collect_named(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        Ty::Named(n) => out.push(n.clone()),
        Ty::List(inner) => collect_named(inner, out),
        _ => {}
    }
}

pub(super) fn resolve_type_def(
    def: &TypeDef,
    ctx: &Ctx,
    known: &BTreeSet<String>,
) -> Result<TypeKind, SpecError> {
    match (&def.fields, &def.enum_kind, &def.values) {
        (Some(fields), None, None) => Ok(TypeKind::Object(resolve_fields(fields, ctx, known)?)),
        (None, Some(kind), Some(values)) => {
            let mut out = Vec::new();
            let mut wires = BTreeSet::new();
            let mut variants = BTreeSet::new();
            if values.is_empty() {
                return Err(ctx.err("an enum needs at least one value"));
            }
            for v in values {
                let (wire_str, vctx) = match &v.wire {
                    WireValue::Int(i) => (i.to_string(), ctx.at(format!("value {i}"))),
                    WireValue::Str(s) => (s.clone(), ctx.at(format!("value {s}"))),
                };
                match (kind, &v.wire) {
                    (EnumKind::String, WireValue::Str(_))
                    | (EnumKind::Integer, WireValue::Int(_)) => {}
                    _ => {
                        return Err(vctx
                            .err(format!("value does not match `enum: {kind:?}`").to_lowercase()))
                    }
                }
                let variant = match (&v.name, kind) {
                    (Some(n), _) => n.clone(),
                    (None, EnumKind::String) => wire_str.to_upper_camel_case(),
                    (None, EnumKind::Integer) => {
                        return Err(vctx.err("integer enum values need a `name`"));
                    }
                };
                if !is_upper_camel(&variant) || variant == "Unknown" {
                    return Err(vctx.err(format!(
                        "variant name {variant:?} must be UpperCamelCase and not `Unknown`"
                    )));
                }
                if !wires.insert(wire_str.clone()) {
                    return Err(vctx.err("duplicate value"));
                }
                if !variants.insert(variant.clone()) {
                    return Err(vctx.err(format!("duplicate variant name {variant}")));
                }
                for a in &v.aliases {
                    let alias = match a {
                        WireValue::Int(i) => i.to_string(),
                        WireValue::Str(s) => s.clone(),
                    };
                    if *kind == EnumKind::Integer && matches!(a, WireValue::Str(_)) {
                        return Err(vctx.err("an integer enum's aliases must be numbers"));
                    }
                    if !wires.insert(alias.clone()) {
                        return Err(vctx.err(format!("alias {alias} is already a value or alias")));
                    }
                }
                out.push(EnumValue {
                    wire: v.wire.clone(),
                    variant,
                    doc: v.doc.trim().to_owned(),
                    response_only: v.response_only,
                    aliases: v.aliases.clone(),
                    source: v.source,
                });
            }
            if out.iter().all(|v| v.response_only) {
                return Err(
                    ctx.err("every value is `response_only`: a request could not use the enum")
                );
            }
            Ok(TypeKind::Enum(*kind, out))
        }
        _ => Err(ctx.err("a type needs either `fields` (object) or `enum` and `values` (enum)")),
    }
}

pub(super) fn parse_ty(s: &str, known: &BTreeSet<String>) -> Option<Ty> {
    let s = s.trim();
    if let Some(inner) = s.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
        return parse_ty(inner, known).map(|t| Ty::List(Box::new(t)));
    }
    Some(match s {
        "string" => Ty::String,
        "bool" => Ty::Bool,
        "i32" => Ty::I32,
        "u32" => Ty::U32,
        "i64" => Ty::I64,
        "u64" => Ty::U64,
        "json" => Ty::Json,
        "account" => Ty::Account,
        "flex_bool" => Ty::FlexBool,
        other if known.contains(other) => Ty::Named(other.to_owned()),
        _ => return None,
    })
}

pub(super) fn resolve_fields(
    defs: &[FieldDef],
    ctx: &Ctx,
    known: &BTreeSet<String>,
) -> Result<Vec<Field>, SpecError> {
    let mut out = Vec::new();
    let mut wires = BTreeMap::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for d in defs {
        let fctx = ctx.at(format!("field {}", d.wire));
        if !is_wire_name(&d.wire) {
            return Err(fctx.err(format!(
                "bad wire name {:?}: expected a JSON key made of letters, digits and `_`",
                d.wire
            )));
        }
        if wires.insert(d.wire.clone(), ()).is_some() {
            return Err(fctx.err("duplicate wire name (or alias)"));
        }
        for a in &d.aliases {
            if !is_wire_name(a) {
                return Err(fctx.err(format!(
                    "bad alias {a:?}: expected a JSON key made of letters, digits and `_`"
                )));
            }
            if wires.insert(a.clone(), ()).is_some() {
                return Err(fctx.err(format!(
                    "alias {a:?} is also the wire name or an alias of another field"
                )));
            }
        }
        let name = match &d.name {
            Some(n) => {
                if !is_snake(n) {
                    return Err(fctx.err(format!("name {n:?} must be snake_case")));
                }
                n.clone()
            }
            None => d.wire.to_snake_case(),
        };
        if !is_snake(&name) || RESERVED_FIELDS.contains(&name.as_str()) {
            return Err(fctx.err(format!(
                "Rust name {name:?} is not usable (reserved: {RESERVED_FIELDS:?}); set `name`"
            )));
        }
        if let Some(prev) = names.get(&name) {
            return Err(fctx.err(format!(
                "Rust name {name:?} is also the name of field {prev}; set `name` on one of them"
            )));
        }
        names.insert(name.clone(), d.wire.clone());
        let Some(ty) = parse_ty(&d.ty, known) else {
            return Err(fctx.err(format!("unknown type {:?}", d.ty)));
        };
        // adapters only at the top or (account) directly in a list
        if let Ty::List(inner) = &ty {
            match inner.as_ref() {
                Ty::FlexBool => return Err(fctx.err("list<flex_bool> is not supported")),
                Ty::List(i2) if contains_adapter(i2) => {
                    return Err(fctx.err("wire adapters are not supported inside nested lists"));
                }
                _ => {}
            }
        }
        if d.doc.trim().is_empty() {
            return Err(fctx.err("empty doc"));
        }
        let stringy = ty.is_stringy() || matches!(&ty, Ty::List(i) if i.is_stringy());
        if (d.max_bytes.is_some() || d.min_bytes.is_some()) && !stringy {
            return Err(fctx.err("max_bytes/min_bytes apply to strings (or lists of strings) only"));
        }
        if (d.max_items.is_some() || d.min_items.is_some()) && !matches!(ty, Ty::List(_)) {
            return Err(fctx.err("max_items/min_items apply to lists only"));
        }
        let integer = ty.is_integer() || matches!(&ty, Ty::List(i) if i.is_integer());
        if (d.min.is_some() || d.max.is_some()) && !integer {
            return Err(fctx.err("min/max apply to integers (or lists of integers) only"));
        }
        if !d.starts_with.is_empty() && !stringy {
            return Err(fctx.err("starts_with applies to strings (or lists of strings) only"));
        }
        if d.printable_ascii && !stringy {
            return Err(fctx.err("printable_ascii applies to strings (or lists of strings) only"));
        }
        if d.secret && ty != Ty::String {
            return Err(fctx.err("secret applies to `string` fields only"));
        }
        out.push(Field {
            wire: d.wire.clone(),
            aliases: d.aliases.clone(),
            name,
            ty,
            required: d.required,
            doc: d.doc.trim().to_owned(),
            default: d.default.clone(),
            max_bytes: d.max_bytes,
            min_bytes: d.min_bytes,
            max_items: d.max_items,
            min_items: d.min_items,
            min: d.min,
            max: d.max,
            printable_ascii: d.printable_ascii,
            starts_with: d.starts_with.clone(),
            secret: d.secret,
            source: d.source,
        });
    }
    Ok(out)
}

fn contains_adapter(t: &Ty) -> bool {
    match t {
        Ty::Account | Ty::FlexBool => true,
        Ty::List(i) => contains_adapter(i),
        _ => false,
    }
}

/// Every named type declared in the spec, resolved.
pub(super) fn resolve_named_types(
    raw_types: &BTreeMap<String, super::names::RawType<'_>>,
    known: &BTreeSet<String>,
) -> Result<BTreeMap<String, NamedType>, SpecError> {
    let mut types = BTreeMap::new();
    for (name, raw) in raw_types {
        let kind = resolve_type_def(raw.def, &raw.ctx, known)?;
        types.insert(
            name.clone(),
            NamedType {
                name: name.clone(),
                module: raw.module.clone(),
                doc: raw.def.doc.trim().to_owned(),
                kind,
                extra: false,
                file: raw.ctx.file.clone(),
                exactly_one_of: Vec::new(),
            },
        );
    }
    Ok(types)
}

/// Objects reachable from an answer or a callback keep the fields this SDK
/// does not know (`extra`), so nothing is lost when they are sent on.
pub(super) fn mark_extra(types: &mut BTreeMap<String, NamedType>) {
    let mut stack: Vec<String> = types
        .values()
        .filter(|t| t.extra)
        .map(|t| t.name.clone())
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some(t) = types.get(&n) {
            if let TypeKind::Object(fields) = &t.kind {
                for f in fields {
                    collect_named(&f.ty, &mut stack);
                }
            }
        }
    }
    for n in seen {
        if let Some(t) = types.get_mut(&n) {
            if matches!(t.kind, TypeKind::Object(_)) {
                t.extra = true;
            }
        }
    }
}
