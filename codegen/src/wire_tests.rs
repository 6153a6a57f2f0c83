//! Emits `wire_tests.rs`: tests of the SDK's JSON against the documented
//! samples in `api-spec/samples/`, embedded verbatim so the published crate
//! needs no file outside the package.
//!
//! The generated tests check, for every sample the spec lists:
//!
//! - **requests**: building the sample through the typed API serializes to
//!   exactly the sample's JSON;
//! - **responses**: the whole HTTP body (envelope + payload) parses and is
//!   written back without loss;
//! - **aliases**: the sample with its aliased fields renamed to alias number
//!   `k` parses to the same value (one test per alias index the spec uses);
//! - **webhooks**: the callback parses to its `WebhookEvent` variant and its
//!   payload is written back without loss;
//!
//! and, for every enum, that each known value round-trips and an unknown one
//! is kept.
//!
//! When a sample writes a value in a form the SDK accepts but does not send,
//! the expected JSON is the normalized sample and the test also parses the
//! original (see [`NORMAL_NOTE`]).

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::{doc, ident, type_path};
use crate::error::{Ctx, SpecError};
use crate::files::{body_name, read_sample, sample_text};
use crate::ir::{
    Command, EnumValue, Field, NamedType, Payload, Service, Spec, Ty, TypeKind, Webhook,
};
use crate::samples;
use crate::spec::{EnumKind, WireValue};

const NORMAL_NOTE: &str = "The sample writes some values in a form the SDK accepts but does not \
send (an integer account, a boolean or number as a string); the expected JSON is the sample in \
the SDK's own form, and parsing the original sample must give the same value.";

/// The contents of `wire_tests.rs`: per command its request and response
/// sample tests, then the webhook sample tests, then the enum tests.
pub fn wire_tests_rs(spec: &Spec) -> Result<TokenStream, SpecError> {
    let mut w = WireTests::new(spec);
    for svc in &spec.services {
        for c in &svc.commands {
            w.command(svc, c)?;
        }
    }
    for hook in &spec.webhooks {
        w.webhook(hook)?;
    }
    w.tests
        .extend(spec.types.values().filter_map(|t| enum_test(spec, t)));
    let tests = w.tests;
    Ok(quote! {
        //! Wire tests generated from the documented samples in `api-spec/samples/`.
        #(#tests)*
    })
}

/// The tests emitted so far and what keeps them unique.
struct WireTests<'a> {
    spec: &'a Spec,
    tests: Vec<TokenStream>,
    /// Samples already tested: a sample listed twice by the same command
    /// (paired with different halves) is tested once.
    done: BTreeSet<String>,
    /// Test function names already taken.
    used: BTreeSet<String>,
    /// How many alias-variant tests a sample can get.
    alias_count: usize,
}

impl<'a> WireTests<'a> {
    fn new(spec: &'a Spec) -> Self {
        WireTests {
            spec,
            tests: Vec::new(),
            done: BTreeSet::new(),
            used: BTreeSet::new(),
            alias_count: max_aliases(spec),
        }
    }

    /// The request and response sample tests of one command.
    fn command(&mut self, svc: &Service, c: &Command) -> Result<(), SpecError> {
        let ctx = Ctx::file(&svc.file).at(format!("command {}", c.command));
        let TypeKind::Object(req_fields) = &self.spec.types[&c.type_name].kind else {
            return Ok(());
        };
        for s in &c.samples {
            if let Some(name) = s
                .request
                .as_ref()
                .filter(|n| self.done.insert(format!("request {} {n}", c.type_name)))
            {
                self.request_sample(c, req_fields, &ctx.at(format!("sample {name}")), name)?;
            }
            if let Some(name) = s
                .response
                .as_ref()
                .filter(|n| self.done.insert(format!("response {} {n}", c.type_name)))
            {
                self.response_sample(c, &ctx.at(format!("sample {name}")), name)?;
            }
        }
        Ok(())
    }

    /// A request sample: its alias variants parse to the built value, and
    /// building it through the typed API gives the sample's JSON.
    fn request_sample(
        &mut self,
        c: &Command,
        fields: &[Field],
        ctx: &Ctx,
        name: &str,
    ) -> Result<(), SpecError> {
        let spec = self.spec;
        let req_ty = type_path(spec, &c.type_name, "wire_tests");
        let sample = read_sample(spec, ctx, name)?;
        let normal =
            samples::normalize_object(spec, &sample, fields, false, &c.type_name, ctx, "")?;
        let build = samples::build_object(spec, &normal, fields, &req_ty, ctx, "")?;
        let (exp, original) = expected(spec, ctx, name, &sample, &normal)?;
        let fname = self.unique(ctx, test_ident("request", name))?;
        for k in 0..self.alias_count {
            if let Some(aliased) = samples::object_with_alias(spec, &normal, fields, k) {
                let text = serde_json::to_string_pretty(&aliased).unwrap_or_default();
                let check = quote! {
                    crate::wire::check_parses_as(#text, &#build);
                };
                self.alias_test(ctx, &fname, name, k, check)?;
            }
        }
        let d = sample_doc(
            format!("Builds the documented sample `{name}` through the typed API."),
            original.is_some(),
        );
        let parse_original = original.map(|inc| {
            quote! {
                crate::wire::check_parses_as(#inc, &built);
            }
        });
        self.tests.push(quote! {
            #d
            #[test]
            fn #fname() {
                let built = #build;
                crate::wire::check_request_sample(#exp, &built);
                #parse_original
            }
        });
        Ok(())
    }

    /// A response sample: its alias variants parse to the same body, and the
    /// whole body parses and is written back without loss.
    fn response_sample(&mut self, c: &Command, ctx: &Ctx, name: &str) -> Result<(), SpecError> {
        let spec = self.spec;
        let sample = read_sample(spec, ctx, name)?;
        let normal = normalize_body(spec, c, &sample, ctx)?;
        let (exp, original) = expected(spec, ctx, name, &sample, &normal)?;
        let body = body_name(c);
        let fname = self.unique(ctx, test_ident("response", name))?;
        for k in 0..self.alias_count {
            if let Some(aliased) = body_with_alias(spec, c, &normal, k) {
                let text = serde_json::to_string_pretty(&aliased).unwrap_or_default();
                let exp_text = serde_json::to_string_pretty(&normal).unwrap_or_default();
                let check = quote! {
                    let parsed: super::bodies::#body = crate::wire::check_response_sample(crate::wire::sample_json(#exp_text));
                    crate::wire::check_parses_as(#text, &parsed);
                };
                self.alias_test(ctx, &fname, name, k, check)?;
            }
        }
        let d = sample_doc(
            format!("Parses the documented sample `{name}` and writes it back without loss."),
            original.is_some(),
        );
        let check = match original {
            Some(inc) => quote! {
                let parsed: super::bodies::#body = crate::wire::check_response_sample(#exp);
                crate::wire::check_parses_as(#inc, &parsed);
            },
            None => quote! {
                crate::wire::check_response_sample::<super::bodies::#body>(#exp);
            },
        };
        self.tests.push(quote! {
            #d
            #[test]
            fn #fname() {
                #check
            }
        });
        Ok(())
    }

    /// The test `<fname>_alias_<k+1>` running `check` on a sample whose
    /// aliased fields are renamed to alias number `k`.
    fn alias_test(
        &mut self,
        ctx: &Ctx,
        fname: &Ident,
        name: &str,
        k: usize,
        check: TokenStream,
    ) -> Result<(), SpecError> {
        let tname = self.unique(ctx, format_ident!("{}_alias_{}", fname, k + 1))?;
        let d = doc(&format!(
            "The documented sample `{name}` with aliased fields under alias number {} parses to the same value and is written back under the wire names.",
            k + 1
        ));
        self.tests.push(quote! {
            #d
            #[test]
            fn #tname() {
                #check
            }
        });
        Ok(())
    }

    /// The sample tests of one webhook: each callback parses to the webhook's
    /// variant and its payload is written back without loss.
    fn webhook(&mut self, w: &Webhook) -> Result<(), SpecError> {
        let spec = self.spec;
        let ctx = Ctx::file(&spec.webhooks_file).at(format!("command {}", w.command));
        let TypeKind::Object(fields) = &spec.types[&w.type_name].kind else {
            return Ok(());
        };
        let variant = ident(&w.name);
        let command = &w.command;
        for name in w.samples.iter() {
            if !self.done.insert(format!("webhook {name}")) {
                continue;
            }
            let sctx = ctx.at(format!("sample {name}"));
            let sample = read_sample(spec, &sctx, name)?;
            let normal =
                samples::normalize_object(spec, &sample, fields, true, &w.type_name, &sctx, "")?;
            let (exp, _) = expected(spec, &sctx, name, &sample, &normal)?;
            let raw = sample_text(spec, &sctx, name)?;
            let fname = self.unique(&sctx, test_ident("webhook", name))?;
            let d = doc(&format!(
                "Parses the documented callback `{name}` and writes it back without loss."
            ));
            self.tests.push(quote! {
                #d
                #[test]
                fn #fname() {
                    let event = crate::wire::check_webhook_sample(#command, #raw.as_bytes());
                    let super::webhooks::WebhookEvent::#variant(payload) = &event else {
                        panic!("wrong variant: {event:?}");
                    };
                    let expected = #exp;
                    assert_eq!(serde_json::to_value(payload).expect("serializes"), expected);
                }
            });
        }
        Ok(())
    }

    /// Keeps generated test names unique: two sample files whose names map to
    /// the same identifier are a spec error (a file listed twice is tested once).
    fn unique(&mut self, ctx: &Ctx, ident: Ident) -> Result<Ident, SpecError> {
        if self.used.insert(ident.to_string()) {
            Ok(ident)
        } else {
            Err(ctx.err(format!(
                "the wire test name `{ident}` derived from this sample's file name is already taken by another sample; rename one of the files"
            )))
        }
    }
}

/// The doc of a sample test: `text`, plus [`NORMAL_NOTE`] when the expected
/// JSON is the normalized sample rather than the sample itself.
fn sample_doc(mut text: String, normalized: bool) -> TokenStream {
    if normalized {
        text.push_str(&format!("\n\n{NORMAL_NOTE}"));
    }
    doc(&text)
}

/// The test that enum `t` round-trips every known value and keeps unknown
/// ones (`None` for an object type).
fn enum_test(spec: &Spec, t: &NamedType) -> Option<TokenStream> {
    let TypeKind::Enum(kind, values) = &t.kind else {
        return None;
    };
    let p = type_path(spec, &t.name, "wire_tests");
    let fname = format_ident!(
        "open_enum_{}",
        heck::ToSnakeCase::to_snake_case(t.name.as_str())
    );
    let d = doc(&format!(
        "`{}` round-trips every known value and keeps unknown ones.",
        t.name
    ));
    let body = match kind {
        EnumKind::String => {
            let pairs = enum_pairs(&p, values, |w| match w {
                WireValue::Str(s) => quote! { #s },
                WireValue::Int(i) => {
                    let s = i.to_string();
                    quote! { #s }
                }
            });
            quote! {
                crate::wire::check_open_str_enum(
                    &[#(#pairs),*],
                    #p::Unknown(String::from("NotInTheSpec")),
                );
            }
        }
        EnumKind::Integer => {
            let pairs = enum_pairs(&p, values, |w| {
                let i = match w {
                    WireValue::Int(i) => *i,
                    WireValue::Str(_) => 0,
                };
                let lit = Literal::i64_unsuffixed(i);
                quote! { #lit }
            });
            quote! {
                crate::wire::check_open_int_enum(&[#(#pairs),*], #p::Unknown(987654));
            }
        }
    };
    Some(quote! {
        #d
        #[test]
        fn #fname() {
            #body
        }
    })
}

/// `(Enum::Variant, wire)` for every known value of an enum at path `p`.
fn enum_pairs(
    p: &TokenStream,
    values: &[EnumValue],
    wire: impl Fn(&WireValue) -> TokenStream,
) -> Vec<TokenStream> {
    values
        .iter()
        .map(|v| {
            let vn = ident(&v.variant);
            let w = wire(&v.wire);
            quote! { (#p::#vn, #w) }
        })
        .collect()
}

/// The test name `<prefix>_<sample file stem>`, lowercased with runs of other
/// characters turned into one `_`.
fn test_ident(prefix: &str, file: &str) -> Ident {
    let stem = file.trim_end_matches(".json");
    let mut s: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while s.contains("__") {
        s = s.replace("__", "_");
    }
    format_ident!("{}_{}", prefix, s.trim_matches('_'))
}

/// The expected JSON in a test: the sample itself when the SDK sends it back
/// verbatim, otherwise the normalized form embedded as a literal.
///
/// The second value is the sample's own text when it differs from the
/// expected JSON (tests also parse it).
fn expected(
    spec: &Spec,
    ctx: &Ctx,
    name: &str,
    sample: &Value,
    normal: &Value,
) -> Result<(TokenStream, Option<String>), SpecError> {
    let raw = sample_text(spec, ctx, name)?;
    Ok(if sample == normal {
        (quote! { crate::wire::sample_json(#raw) }, None)
    } else {
        let text = serde_json::to_string_pretty(normal).unwrap_or_default();
        (quote! { crate::wire::sample_json(#text) }, Some(raw))
    })
}

/// Most aliases any field of the spec has (one alias-variant test per alias index).
fn max_aliases(spec: &Spec) -> usize {
    spec.types
        .values()
        .filter_map(|t| match &t.kind {
            TypeKind::Object(fields) => fields.iter().map(|f| f.aliases.len()).max(),
            TypeKind::Enum(..) => None,
        })
        .max()
        .unwrap_or(0)
}

/// A normalized answer body with its payload's aliased fields renamed to alias number `n`.
fn body_with_alias(spec: &Spec, c: &Command, body: &Value, n: usize) -> Option<Value> {
    let TypeKind::Object(fields) = &spec.types[&c.response_name].kind else {
        return None;
    };
    match &c.payload {
        Payload::TopLevel => samples::object_with_alias(spec, body, fields, n),
        Payload::Wrapped(w) => {
            let inner = body.get(w)?;
            let aliased = samples::object_with_alias(spec, inner, fields, n)?;
            let mut out = body.clone();
            out[w.as_str()] = aliased;
            Some(out)
        }
        Payload::None => None,
    }
}

/// The envelope fields of every response body: wire name, type, required.
const ENVELOPE: [(&str, Ty, bool); 4] = [
    ("ActionStatus", Ty::String, true),
    ("ErrorCode", Ty::I64, true),
    ("ErrorInfo", Ty::String, false),
    ("RequestId", Ty::String, false),
];

/// A response sample in the SDK's own form: the envelope, then the payload
/// normalized as the command's response type (where the command puts it).
fn normalize_body(spec: &Spec, c: &Command, sample: &Value, ctx: &Ctx) -> Result<Value, SpecError> {
    let TypeKind::Object(fields) = &spec.types[&c.response_name].kind else {
        return Err(ctx.err("payload is not an object"));
    };
    let Value::Object(map) = sample else {
        return Err(ctx.err("a response body must be a JSON object"));
    };
    let mut out = serde_json::Map::new();
    for (k, ty, req) in &ENVELOPE {
        match map.get(*k) {
            Some(v) => {
                out.insert((*k).to_owned(), samples::normalize(spec, v, ty, ctx, k)?);
            }
            None if *req => return Err(ctx.err(format!("envelope field `{k}` is missing"))),
            None => {}
        }
    }
    let rest: serde_json::Map<String, Value> = map
        .iter()
        .filter(|(k, _)| !ENVELOPE.iter().any(|e| e.0 == k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    normalize_payload(spec, c, fields, rest, &mut out, ctx)?;
    Ok(Value::Object(out))
}

/// Adds to `out` the non-envelope keys `rest` of a response body, with the
/// payload normalized.
fn normalize_payload(
    spec: &Spec,
    c: &Command,
    fields: &[Field],
    rest: serde_json::Map<String, Value>,
    out: &mut serde_json::Map<String, Value>,
    ctx: &Ctx,
) -> Result<(), SpecError> {
    match &c.payload {
        Payload::Wrapped(w) => {
            for (k, v) in rest {
                if &k == w {
                    if !v.is_null() {
                        let n = samples::normalize_object(
                            spec,
                            &v,
                            fields,
                            true,
                            &c.response_name,
                            ctx,
                            w,
                        )?;
                        out.insert(k, n);
                    }
                } else {
                    out.insert(k, v);
                }
            }
        }
        Payload::TopLevel => {
            let n = samples::normalize_object(
                spec,
                &Value::Object(rest),
                fields,
                true,
                &c.response_name,
                ctx,
                "",
            )?;
            if let Value::Object(m) = n {
                out.extend(m);
            }
        }
        Payload::None => out.extend(rest),
    }
    Ok(())
}
