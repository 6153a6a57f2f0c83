//! `prop_tests.rs`: property tests of every generated type, from the spec.
//!
//! For each object and enum the generator writes a value builder driven by
//! a seeded random source (`crate::prop_support::Gen`); proptest picks the
//! seeds. The properties:
//!
//! * every generated value (request, response, webhook payload, shared
//!   type), unknown enum values and unknown fields included, survives a
//!   JSON round trip unchanged;
//! * arbitrary JSON fed to every whole-body decoder and to the webhook
//!   parser of every callback gives a value or a typed error (never a
//!   panic), and a value it gives survives a round trip.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::{ident, type_path};
use crate::files::body_name;
use crate::ir::{Spec, Ty, TypeKind};
use crate::spec::{EnumKind, WireValue};

/// Cases per property (kept modest: there is one property per type).
const CASES: u32 = 48;

fn gen_fn(name: &str) -> proc_macro2::Ident {
    format_ident!("gen_{}", heck::ToSnakeCase::to_snake_case(name))
}

/// An expression building a value of `ty` from `g`.
fn value(ty: &Ty) -> TokenStream {
    match ty {
        Ty::String | Ty::Account => quote! { g.string() },
        Ty::Bool | Ty::FlexBool => quote! { g.bool() },
        Ty::I32 => quote! { g.int::<i32>() },
        Ty::U32 => quote! { g.int::<u32>() },
        Ty::I64 => quote! { g.int::<i64>() },
        Ty::U64 => quote! { g.int::<u64>() },
        Ty::Json => quote! { g.json() },
        Ty::List(inner) => {
            let v = value(inner);
            quote! { g.list(|g| #v) }
        }
        Ty::Named(n) => {
            let f = gen_fn(n);
            quote! { #f(g) }
        }
    }
}

pub fn prop_tests_rs(spec: &Spec) -> TokenStream {
    let mut builders = Vec::new();
    let mut props = Vec::new();
    for t in spec.types.values() {
        let path = type_path(spec, &t.name, "");
        let f = gen_fn(&t.name);
        match &t.kind {
            TypeKind::Object(fields) => {
                let inits: Vec<TokenStream> = fields
                    .iter()
                    .map(|fld| {
                        let name = ident(&fld.name);
                        let v = value(&fld.ty);
                        if fld.required {
                            quote! { #name: #v, }
                        } else {
                            quote! { #name: g.opt(|g| #v), }
                        }
                    })
                    .collect();
                let extra = if t.extra {
                    quote! { extra: g.extra(), }
                } else {
                    quote! {}
                };
                let g_arg = if fields.is_empty() && !t.extra {
                    quote! { _g }
                } else {
                    quote! { g }
                };
                builders.push(quote! {
                    fn #f(#g_arg: &mut Gen) -> #path {
                        #path { #(#inits)* #extra }
                    }
                });
            }
            TypeKind::Enum(kind, values) => {
                let n = values.len();
                let arms: Vec<TokenStream> = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let vn = ident(&v.variant);
                        quote! { #i => #path::#vn, }
                    })
                    .collect();
                let unknown = match kind {
                    EnumKind::String => {
                        let known: Vec<String> = values
                            .iter()
                            .map(|v| match &v.wire {
                                WireValue::Str(s) => s.clone(),
                                WireValue::Int(i) => i.to_string(),
                            })
                            .collect();
                        quote! { #path::Unknown(g.unknown_string(&[#(#known),*])) }
                    }
                    EnumKind::Integer => {
                        let known: Vec<i64> = values
                            .iter()
                            .filter_map(|v| match &v.wire {
                                WireValue::Int(i) => Some(*i),
                                WireValue::Str(s) => s.parse().ok(),
                            })
                            .collect();
                        quote! { #path::Unknown(g.unknown_int(&[#(#known),*])) }
                    }
                };
                builders.push(quote! {
                    fn #f(g: &mut Gen) -> #path {
                        match g.below(#n + 1) {
                            #(#arms)*
                            _ => #unknown,
                        }
                    }
                });
            }
        }
        let test = format_ident!(
            "round_trip_{}",
            heck::ToSnakeCase::to_snake_case(t.name.as_str())
        );
        props.push(quote! {
            #[test]
            fn #test(seed in any::<u64>()) {
                round_trip(&#f(&mut Gen::new(seed)))?;
            }
        });
    }
    for c in spec.services.iter().flat_map(|s| &s.commands) {
        let body = body_name(c);
        let test = format_ident!("arbitrary_json_into_{}_body", c.method);
        props.push(quote! {
            #[test]
            fn #test(v in arbitrary_json()) {
                decode_any::<super::bodies::#body>(v)?;
            }
        });
    }
    for w in &spec.webhooks {
        let command = &w.command;
        let test = format_ident!(
            "arbitrary_json_into_webhook_{}",
            heck::ToSnakeCase::to_snake_case(w.name.as_str())
        );
        props.push(quote! {
            #[test]
            fn #test(v in arbitrary_json()) {
                parse_webhook_any(#command, &v)?;
            }
        });
    }
    quote! {
        //! Property tests of every generated type (see `codegen/src/props.rs`).
        #![allow(clippy::all)]

        use proptest::prelude::*;
        use crate::prop_support::{arbitrary_json, decode_any, parse_webhook_any, round_trip, Gen};

        #(#builders)*

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(#CASES))]
            #(#props)*
        }
    }
}
