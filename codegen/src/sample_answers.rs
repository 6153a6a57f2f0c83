//! IR -> the emulator's table of documented sample answers
//! (`emulator/src/generated/sample_answers.rs`).
//!
//! For every command of the spec: its typed request (the SDK's generated
//! type, so the emulator checks a body exactly as the client would build
//! it) and the payload of its first documented response sample, if any. A
//! command the emulator has no handler for is answered from this table, so
//! a command added to `api-spec/` is served with no emulator code.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::emit::ident;
use crate::error::{Ctx, SpecError};
use crate::ir::{Command, Payload, Spec};

/// Folder (relative to the repository root) of the emulator's generated code.
pub const DIR: &str = "emulator/src/generated";

/// The envelope's members, never part of a payload.
const ENVELOPE: &[&str] = &["ActionStatus", "ErrorCode", "ErrorInfo", "RequestId"];

/// The payload of `c`'s first response sample, as compact JSON.
fn sample_payload(spec: &Spec, c: &Command) -> Result<Option<String>, SpecError> {
    let Some(name) = c.samples.iter().find_map(|s| s.response.as_ref()) else {
        return Ok(None);
    };
    let ctx = Ctx::file(&c.service).at(format!("command {}", c.command));
    let sample = crate::files::read_sample(spec, &ctx, name)?;
    let payload = match &c.payload {
        Payload::None => return Ok(None),
        Payload::Wrapped(key) => sample.get(key).cloned(),
        Payload::TopLevel => sample.as_object().map(|o| {
            Value::Object(
                o.iter()
                    .filter(|(k, _)| !ENVELOPE.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            )
        }),
    };
    Ok(payload.filter(Value::is_object).map(|p| p.to_string()))
}

/// The files of the emulator's generated folder: `(file name, tokens)`.
pub fn files(spec: &Spec) -> Result<Vec<(String, TokenStream)>, SpecError> {
    let mut arms = Vec::new();
    for c in spec.services.iter().flat_map(|s| &s.commands) {
        let (service, command) = (&c.service, &c.command);
        let ty = ident(&c.type_name);
        let payload = match sample_payload(spec, c)? {
            Some(json) => quote! { Some(#json) },
            None => quote! { None },
        };
        arms.push(quote! {
            (#service, #command) => super::SampleAnswer::new::<trtc_room::#ty>(#payload),
        });
    }
    let tokens = quote! {
        //! Every command of the spec with its typed request and the payload of
        //! its first documented response sample (see `handlers::sample`).

        /// The sample answer of `service`/`command`, if the spec has the command.
        pub(crate) fn sample_answer(service: &str, command: &str) -> Option<super::SampleAnswer> {
            Some(match (service, command) {
                #(#arms)*
                _ => return None,
            })
        }
    };
    Ok(vec![("sample_answers.rs".to_owned(), tokens)])
}
