//! IR -> Rust tokens for the shared pieces: docs, field types, objects, enums.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Field, NamedType, Spec, Ty, TypeKind};
use crate::spec::{EnumKind, WireValue};

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// An identifier, raw if it is a keyword.
pub fn ident(name: &str) -> Ident {
    if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// `#[doc = "..."]` lines for a block of text.
pub fn doc(text: &str) -> TokenStream {
    let lines: Vec<String> = text
        .trim_end()
        .lines()
        .map(|l| {
            let l = l.trim_end();
            if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        })
        .collect();
    quote! { #( #[doc = #lines] )* }
}

/// Inner `#![doc]` lines (module docs).
pub fn inner_doc(text: &str) -> TokenStream {
    let lines: Vec<String> = text
        .trim_end()
        .lines()
        .map(|l| format!(" {}", l.trim_end()))
        .collect();
    quote! { #( #![doc = #lines] )* }
}

/// Path to a named type as seen from module `from`.
pub fn type_path(spec: &Spec, name: &str, from: &str) -> TokenStream {
    let id = ident(name);
    match spec.types.get(name) {
        Some(t) if t.module != from => {
            let m = ident(&t.module);
            quote! { super::#m::#id }
        }
        _ => quote! { #id },
    }
}

/// The Rust type of a field (without `Option`).
pub fn rust_ty(spec: &Spec, ty: &Ty, from: &str) -> TokenStream {
    match ty {
        Ty::String | Ty::Account => quote! { String },
        Ty::Bool | Ty::FlexBool => quote! { bool },
        Ty::I32 => quote! { i32 },
        Ty::U32 => quote! { u32 },
        Ty::I64 => quote! { i64 },
        Ty::U64 => quote! { u64 },
        Ty::Json => quote! { serde_json::Value },
        Ty::List(inner) => {
            let i = rust_ty(spec, inner, from);
            quote! { Vec<#i> }
        }
        Ty::Named(n) => type_path(spec, n, from),
    }
}

fn field_ty(spec: &Spec, f: &Field, from: &str) -> TokenStream {
    let t = rust_ty(spec, &f.ty, from);
    if f.required {
        t
    } else {
        quote! { Option<#t> }
    }
}

/// Serde `with` module of adapter fields.
fn adapter(f: &Field) -> Option<String> {
    let module = match &f.ty {
        Ty::Account => "account",
        Ty::FlexBool => "flex_bool",
        Ty::List(i) if **i == Ty::Account => "vec_account",
        _ => return None,
    };
    if f.required {
        Some(format!("crate::wire::{module}"))
    } else {
        Some(format!("crate::wire::option_{module}"))
    }
}

/// Description of a field for docs: doc, default, limits.
pub fn field_doc(f: &Field) -> String {
    let mut s = f.doc.clone();
    let mut facts = Vec::new();
    facts.push(format!("Wire name `{}`", f.wire));
    if !f.aliases.is_empty() {
        let a: Vec<String> = f.aliases.iter().map(|a| format!("`{a}`")).collect();
        facts.push(format!(
            "also accepted as {} on input (always sent as `{}`)",
            a.join(", "),
            f.wire
        ));
    }
    if f.required {
        facts.push("required".to_owned());
    }
    if let Some(d) = &f.default {
        facts.push(format!("server default `{d}`"));
    }
    if let Some(n) = f.max_bytes {
        facts.push(format!("at most {n} bytes"));
    }
    if let Some(n) = f.min_bytes {
        facts.push(format!("at least {n} bytes"));
    }
    if let Some(n) = f.max_items {
        facts.push(format!("at most {n} items"));
    }
    if let Some(n) = f.min_items {
        facts.push(format!("at least {n} items"));
    }
    match (f.min, f.max) {
        (Some(a), Some(b)) => facts.push(format!("range {a}..={b}")),
        (Some(a), None) => facts.push(format!("minimum {a}")),
        (None, Some(b)) => facts.push(format!("maximum {b}")),
        _ => {}
    }
    match f.ty {
        Ty::Account => facts.push("also accepted as a JSON integer on input".to_owned()),
        Ty::FlexBool => {
            facts.push("also accepted as the string \"true\"/\"false\" on input".to_owned())
        }
        _ => {}
    }
    s.push_str(&format!("\n\n{}.", facts.join("; ")));
    if let Some(src) = f.source {
        s.push_str(&format!("\n\n{}", src.note()));
    }
    s
}

/// Parameter type and conversion for a constructor argument or setter.
fn param(spec: &Spec, ty: &Ty, from: &str, value: &Ident) -> (TokenStream, TokenStream) {
    match ty {
        Ty::String | Ty::Account => (quote! { impl Into<String> }, quote! { #value.into() }),
        Ty::List(i) if i.is_stringy() => (
            quote! { impl IntoIterator<Item = impl Into<String>> },
            quote! { #value.into_iter().map(Into::into).collect() },
        ),
        Ty::List(i) => {
            let item = rust_ty(spec, i, from);
            (
                quote! { impl IntoIterator<Item = #item> },
                quote! { #value.into_iter().collect() },
            )
        }
        other => (rust_ty(spec, other, from), quote! { #value }),
    }
}

fn opt_i64(v: Option<i64>) -> TokenStream {
    match v {
        Some(m) => quote! { Some(#m) },
        None => quote! { None },
    }
}

fn validate_checks(spec: &Spec, f: &Field) -> TokenStream {
    let wire = &f.wire;
    let mut checks = Vec::new();
    let usize_lit = |n: u64| Literal::usize_unsuffixed(n as usize);
    if f.ty.is_stringy() {
        if let Some(n) = f.max_bytes {
            let n = usize_lit(n);
            checks.push(quote! { crate::validate::max_bytes(path, #wire, v, #n)?; });
        }
        if let Some(n) = f.min_bytes {
            let n = usize_lit(n);
            checks.push(quote! { crate::validate::min_bytes(path, #wire, v, #n)?; });
        }
        if f.printable_ascii {
            checks.push(quote! { crate::validate::printable_ascii(path, #wire, v)?; });
        }
        if !f.starts_with.is_empty() {
            let prefixes = &f.starts_with;
            checks
                .push(quote! { crate::validate::starts_with(path, #wire, v, &[#(#prefixes),*])?; });
        }
    }
    if let Ty::List(inner) = &f.ty {
        if let Some(n) = f.max_items {
            let n = usize_lit(n);
            checks.push(quote! { crate::validate::max_items(path, #wire, v, #n)?; });
        }
        if let Some(n) = f.min_items {
            let n = usize_lit(n);
            checks.push(quote! { crate::validate::min_items(path, #wire, v, #n)?; });
        }
        if inner.is_stringy()
            && (f.max_bytes.is_some()
                || f.min_bytes.is_some()
                || f.printable_ascii
                || !f.starts_with.is_empty())
        {
            let mut per = Vec::new();
            if let Some(n) = f.max_bytes {
                let n = usize_lit(n);
                per.push(quote! { crate::validate::max_bytes(path, &item_field, item, #n)?; });
            }
            if let Some(n) = f.min_bytes {
                let n = usize_lit(n);
                per.push(quote! { crate::validate::min_bytes(path, &item_field, item, #n)?; });
            }
            if f.printable_ascii {
                per.push(quote! { crate::validate::printable_ascii(path, &item_field, item)?; });
            }
            if !f.starts_with.is_empty() {
                let prefixes = &f.starts_with;
                per.push(quote! { crate::validate::starts_with(path, &item_field, item, &[#(#prefixes),*])?; });
            }
            checks.push(quote! {
                for (i, item) in v.iter().enumerate() {
                    let item_field = format!("{}[{}]", #wire, i);
                    #(#per)*
                }
            });
        }
    }
    if let Ty::List(inner) = &f.ty {
        if inner.is_integer() && (f.min.is_some() || f.max.is_some()) {
            let conv = match inner.as_ref() {
                Ty::I64 => quote! { *item },
                Ty::U64 => quote! { i64::try_from(*item).unwrap_or(i64::MAX) },
                _ => quote! { i64::from(*item) },
            };
            let min = opt_i64(f.min);
            let max = opt_i64(f.max);
            checks.push(quote! {
                for (i, item) in v.iter().enumerate() {
                    let item_field = format!("{}[{}]", #wire, i);
                    crate::validate::range(path, &item_field, #conv, #min, #max)?;
                }
            });
        }
    }
    if f.ty.is_integer() && (f.min.is_some() || f.max.is_some()) {
        let conv = match f.ty {
            Ty::I64 => quote! { *v },
            Ty::U64 => quote! { i64::try_from(*v).unwrap_or(i64::MAX) },
            _ => quote! { i64::from(*v) },
        };
        let min = match f.min {
            Some(m) => quote! { Some(#m) },
            None => quote! { None },
        };
        let max = match f.max {
            Some(m) => quote! { Some(#m) },
            None => quote! { None },
        };
        checks.push(quote! { crate::validate::range(path, #wire, #conv, #min, #max)?; });
    }
    if innermost_validated(spec, &f.ty) {
        checks.push(quote! {
            crate::validate::Validate::validate_at(v, &crate::validate::join(path, #wire))?;
        });
    }
    if checks.is_empty() {
        return quote! {};
    }
    let name = ident(&f.name);
    if f.required {
        quote! { { let v = &self.#name; #(#checks)* } }
    } else {
        quote! { if let Some(v) = &self.#name { #(#checks)* } }
    }
}

/// Whether the innermost type of `ty` implements `Validate`: objects, and
/// enums with values the service refuses in requests.
fn innermost_validated(spec: &Spec, ty: &Ty) -> bool {
    match ty {
        Ty::List(i) => innermost_validated(spec, i),
        Ty::Named(n) => match spec.types.get(n).map(|t| &t.kind) {
            Some(TypeKind::Object(_)) => true,
            Some(TypeKind::Enum(_, values)) => values.iter().any(|v| v.response_only),
            None => false,
        },
        _ => false,
    }
}

/// A struct with `new`, setters and `Validate`.
pub fn object(spec: &Spec, t: &NamedType, fields: &[Field], type_doc: TokenStream) -> TokenStream {
    let from = t.module.as_str();
    let name = ident(&t.name);
    let mut decls = Vec::new();
    for f in fields {
        let fname = ident(&f.name);
        let fdoc = doc(&field_doc(f));
        let ty = field_ty(spec, f, from);
        let wire = &f.wire;
        let with = adapter(f).map(|m| quote! { with = #m, });
        let aliases = &f.aliases;
        let alias = quote! { #(alias = #aliases,)* };
        let serde_attr = if f.required {
            quote! { #[serde(rename = #wire, #alias #with)] }
        } else {
            quote! { #[serde(rename = #wire, #alias #with default, skip_serializing_if = "Option::is_none")] }
        };
        decls.push(quote! {
            #fdoc
            #serde_attr
            pub #fname: #ty,
        });
    }
    let extra_decl = if t.extra {
        quote! {
            /// Fields this SDK version does not know, kept as received so nothing is lost
            /// when the value is serialized again.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }
    } else {
        quote! {}
    };
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let optional: Vec<&Field> = fields.iter().filter(|f| !f.required).collect();
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for f in &required {
        let fname = ident(&f.name);
        let (pty, conv) = param(spec, &f.ty, from, &fname);
        params.push(quote! { #fname: #pty });
        if fname == conv.to_string() {
            inits.push(quote! { #fname, });
        } else {
            inits.push(quote! { #fname: #conv, });
        }
    }
    for f in &optional {
        let fname = ident(&f.name);
        inits.push(quote! { #fname: None, });
    }
    if t.extra {
        inits.push(quote! { extra: serde_json::Map::new(), });
    }
    let derive_default = if required.is_empty() {
        quote! { Default, }
    } else {
        quote! {}
    };
    let many = if params.len() > 7 {
        quote! { #[allow(clippy::too_many_arguments)] }
    } else {
        quote! {}
    };
    let new_doc = if required.is_empty() {
        "Creates a value with every field unset.".to_owned()
    } else {
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire)).collect();
        format!(
            "Creates a value from its required fields ({}); optional fields start unset.",
            names.join(", ")
        )
    };
    let new_doc = doc(&new_doc);
    let mut setters = Vec::new();
    for f in &optional {
        let fname = ident(&f.name);
        let value = format_ident!("value");
        let (pty, conv) = param(spec, &f.ty, from, &value);
        let sdoc = doc(&format!("Sets `{}`: {}", f.wire, f.doc));
        setters.push(quote! {
            #sdoc
            #[must_use]
            pub fn #fname(mut self, value: #pty) -> Self {
                self.#fname = Some(#conv);
                self
            }
        });
    }
    let mut limits = Vec::new();
    for f in fields {
        if let (Ty::List(_), Some(n)) = (&f.ty, f.max_items) {
            let cname = format_ident!(
                "{}_MAX_ITEMS",
                heck::ToShoutySnakeCase::to_shouty_snake_case(f.name.as_str())
            );
            let n = Literal::usize_unsuffixed(n as usize);
            let cdoc = doc(&format!(
                "Most items `{}` may hold in one call (documented limit).",
                f.wire
            ));
            limits.push(quote! {
                #cdoc
                pub const #cname: usize = #n;
            });
        }
    }
    let checks: Vec<TokenStream> = fields.iter().map(|f| validate_checks(spec, f)).collect();
    let mut checks = checks;
    if !t.exactly_one_of.is_empty() {
        let present: Vec<TokenStream> = t
            .exactly_one_of
            .iter()
            .filter_map(|w| fields.iter().find(|f| &f.wire == w))
            .map(|f| {
                let n = ident(&f.name);
                let w = &f.wire;
                quote! { (#w, self.#n.is_some()) }
            })
            .collect();
        checks.push(quote! {
            crate::validate::exactly_one_of(path, &[#(#present),*])?;
        });
    }
    let any_check = checks.iter().any(|c| !c.is_empty());
    let path_arg = if any_check {
        quote! { path }
    } else {
        quote! { _path }
    };
    let (derive_debug, debug_impl) = debug_impl(t, fields);
    quote! {
        #type_doc
        #[derive(#derive_debug Clone, PartialEq, #derive_default serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#decls)*
            #extra_decl
        }


        impl #name {
            #(#limits)*
            #new_doc
            #many
            #[must_use]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits)* }
            }
            #(#setters)*
        }

        impl crate::validate::Validate for #name {
            fn validate_at(&self, #path_arg: &str) -> Result<(), crate::validate::InvalidRequest> {
                #(#checks)*
                Ok(())
            }
        }

        #debug_impl
    }
}

/// `Debug` of an object: derived, unless a field is `secret`; then written
/// out with the secret values shown as `<redacted>` (only whether they are
/// set is visible).
fn debug_impl(t: &NamedType, fields: &[Field]) -> (TokenStream, TokenStream) {
    if !fields.iter().any(|f| f.secret) {
        return (quote! { Debug, }, quote! {});
    }
    let name = ident(&t.name);
    let type_name = &t.name;
    let entries: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let fname = ident(&f.name);
            let label = &f.name;
            match (f.secret, f.required) {
                (false, _) => quote! { .field(#label, &self.#fname) },
                (true, true) => quote! { .field(#label, &"<redacted>") },
                (true, false) => {
                    quote! { .field(#label, &self.#fname.as_ref().map(|_| "<redacted>")) }
                }
            }
        })
        .collect();
    let extra = if t.extra {
        quote! { .field("extra", &self.extra) }
    } else {
        quote! {}
    };
    (
        quote! {},
        quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(#type_name)
                        #(#entries)*
                        #extra
                        .finish()
                }
            }
        },
    )
}

/// An open enum: the type, its wire-value tables and its request check;
/// `Display` and serde come from `open_str_enum!`/`open_int_enum!` in the
/// sdk's `wire` module.
pub fn open_enum(t: &NamedType, kind: EnumKind, values: &[crate::ir::EnumValue]) -> TokenStream {
    let name = ident(&t.name);
    let tdoc = doc(&format!(
        "{}\n\nThis enum is open: a value this SDK version does not know is kept in `Unknown` and sent back unchanged.",
        t.doc
    ));
    let variants: Vec<TokenStream> = values
        .iter()
        .map(|v| {
            let vn = ident(&v.variant);
            let wire = match &v.wire {
                WireValue::Int(i) => i.to_string(),
                WireValue::Str(s) => s.clone(),
            };
            let only = if v.response_only {
                "; reported by the service, refused in requests"
            } else {
                ""
            };
            let aliases: Vec<String> = v
                .aliases
                .iter()
                .map(|a| match a {
                    WireValue::Int(i) => format!("`{i}`"),
                    WireValue::Str(s) => format!("`{s:?}`"),
                })
                .collect();
            let also = if aliases.is_empty() {
                String::new()
            } else {
                format!("; also read from {}", aliases.join(", "))
            };
            let source = v
                .source
                .map(|s| format!("\n\n{}", s.note()))
                .unwrap_or_default();
            let d = doc(&format!(
                "{} (wire value `{wire}`{only}{also}){source}",
                v.doc
            ));
            quote! { #d #vn, }
        })
        .collect();
    let vns: Vec<Ident> = values.iter().map(|v| ident(&v.variant)).collect();
    let reported: Vec<Ident> = values
        .iter()
        .filter(|v| v.response_only)
        .map(|v| ident(&v.variant))
        .collect();
    let response_only_fn = if reported.is_empty() {
        quote! {}
    } else {
        quote! {
            /// Whether the service only reports this value and refuses it in requests.
            pub fn is_response_only(&self) -> bool {
                matches!(self, #(Self::#reported)|*)
            }
        }
    };
    let validate = if reported.is_empty() {
        quote! {}
    } else {
        quote! {
            impl crate::validate::Validate for #name {
                fn validate_at(&self, path: &str) -> Result<(), crate::validate::InvalidRequest> {
                    crate::validate::accepted_value(path, self.is_response_only(), &self.to_string())
                }
            }
        }
    };
    let parts = EnumParts {
        name,
        tdoc,
        variants,
        vns,
        response_only_fn,
        validate,
    };
    match kind {
        EnumKind::String => string_enum(values, parts),
        EnumKind::Integer => integer_enum(values, parts),
    }
}

/// The tokens both kinds of open enum share.
struct EnumParts {
    name: Ident,
    tdoc: TokenStream,
    variants: Vec<TokenStream>,
    vns: Vec<Ident>,
    response_only_fn: TokenStream,
    validate: TokenStream,
}

/// An open enum over strings (`as_str`, `from_wire`, and `from_number` for
/// values the service also writes as numbers).
fn string_enum(values: &[crate::ir::EnumValue], parts: EnumParts) -> TokenStream {
    let EnumParts {
        name,
        tdoc,
        variants,
        vns,
        response_only_fn,
        validate,
    } = parts;
    let wires: Vec<String> = values
        .iter()
        .map(|v| match &v.wire {
            WireValue::Str(s) => s.clone(),
            WireValue::Int(i) => i.to_string(),
        })
        .collect();
    // Aliases: other strings, and numbers, read as a value.
    let mut str_alias = Vec::new();
    let mut str_alias_v = Vec::new();
    let mut num_alias = Vec::new();
    let mut num_alias_v = Vec::new();
    for v in values {
        for a in &v.aliases {
            match a {
                WireValue::Str(s) => {
                    str_alias.push(s.clone());
                    str_alias_v.push(ident(&v.variant));
                }
                WireValue::Int(i) => {
                    num_alias.push(proc_macro2::Literal::i64_unsuffixed(*i));
                    num_alias_v.push(ident(&v.variant));
                }
            }
        }
    }
    let (from_number, serde_impl) = if num_alias.is_empty() {
        (quote! {}, quote! { crate::wire::open_str_enum!(#name); })
    } else {
        (
            quote! {
                /// The variant for a number the service writes instead of the string;
                /// numbers this SDK does not know become `Unknown` (as their decimal text).
                pub fn from_number(value: i64) -> Self {
                    match value {
                        #(#num_alias => Self::#num_alias_v,)*
                        other => Self::Unknown(other.to_string()),
                    }
                }
            },
            quote! { crate::wire::open_str_enum!(#name, numbers); },
        )
    };
    quote! {
        #tdoc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this SDK version does not know, kept as received.
            Unknown(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#vns => #wires,)*
                    Self::Unknown(value) => value,
                }
            }

            /// The variant for a wire value; values this SDK does not know become `Unknown`.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    #(#wires => Self::#vns,)*
                    #(#str_alias => Self::#str_alias_v,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
            #from_number
            #response_only_fn
        }

        #serde_impl
        #validate
    }
}

/// An open enum over integers (`value`, `from_value`).
fn integer_enum(values: &[crate::ir::EnumValue], parts: EnumParts) -> TokenStream {
    let EnumParts {
        name,
        tdoc,
        variants,
        vns,
        response_only_fn,
        validate,
    } = parts;
    let nums: Vec<proc_macro2::Literal> = values
        .iter()
        .map(|v| match &v.wire {
            WireValue::Int(i) => proc_macro2::Literal::i64_unsuffixed(*i),
            WireValue::Str(_) => proc_macro2::Literal::i64_unsuffixed(0),
        })
        .collect();
    let (int_alias, int_alias_v): (Vec<_>, Vec<_>) = values
        .iter()
        .flat_map(|v| {
            v.aliases.iter().filter_map(move |a| match a {
                WireValue::Int(i) => {
                    Some((proc_macro2::Literal::i64_unsuffixed(*i), ident(&v.variant)))
                }
                WireValue::Str(_) => None,
            })
        })
        .unzip();
    quote! {
        #tdoc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this SDK version does not know, kept as received.
            Unknown(i64),
        }

        impl #name {
            /// The number sent on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    #(Self::#vns => #nums,)*
                    Self::Unknown(value) => *value,
                }
            }

            /// The variant for a wire number; numbers this SDK does not know become `Unknown`.
            pub fn from_value(value: i64) -> Self {
                match value {
                    #(#nums => Self::#vns,)*
                    #(#int_alias => Self::#int_alias_v,)*
                    other => Self::Unknown(other),
                }
            }
            #response_only_fn
        }

        crate::wire::open_int_enum!(#name);
        #validate
    }
}

/// Emits a named type (object or enum).
pub fn named(spec: &Spec, t: &NamedType, type_doc: Option<TokenStream>) -> TokenStream {
    match &t.kind {
        TypeKind::Object(fields) => {
            let d = type_doc.unwrap_or_else(|| doc(&t.doc));
            object(spec, t, fields, d)
        }
        TypeKind::Enum(kind, values) => open_enum(t, *kind, values),
    }
}
