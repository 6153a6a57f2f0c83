//! Commands of a service: names, request and answer, error codes, samples,
//! paging and retry semantics.

use std::collections::{BTreeMap, BTreeSet};

use super::names::{command_names, is_wire_name};
use super::paging::resolve_paging;
use super::read::Samples;
use super::types::resolve_fields;
use super::{Command, ErrorCode, Field, NamedType, Payload, Sample, Service, TypeKind};
use crate::error::{Ctx, SpecError};
use crate::spec;

/// What every command of a service is checked against.
pub(super) struct Known<'a> {
    /// Named types.
    pub types: &'a BTreeSet<String>,
    /// Declared error codes.
    pub codes: BTreeMap<i64, &'a ErrorCode>,
    pub samples: &'a Samples,
}

/// One service: its commands, and their request and answer types (added to `types`).
pub(super) fn resolve_service(
    f: &spec::ServiceFile,
    display: &str,
    known: &Known<'_>,
    types: &mut BTreeMap<String, NamedType>,
) -> Result<Service, SpecError> {
    let sctx = Ctx::file(display);
    let mut commands = Vec::new();
    for c in &f.commands {
        let ctx = sctx.at(format!("command {}", c.command));
        let (command, request, response) = resolve_command(f, c, display, &ctx, known)?;
        types.insert(request.name.clone(), request);
        types.insert(response.name.clone(), response);
        commands.push(command);
    }
    Ok(Service {
        name: f.servicename.clone(),
        module: f.servicename.clone(),
        doc: f.doc.trim().to_owned(),
        file: display.to_owned(),
        commands,
    })
}

fn resolve_command(
    f: &spec::ServiceFile,
    c: &spec::CommandDef,
    display: &str,
    ctx: &Ctx,
    known: &Known<'_>,
) -> Result<(Command, NamedType, NamedType), SpecError> {
    let (type_name, method) = command_names(f.rust_prefix.as_deref(), &c.command);
    let response_name = format!("{type_name}Response");
    let req_fields = resolve_fields(&c.request.fields, ctx, known.types)?;
    check_exactly_one_of(&c.request.exactly_one_of, &req_fields, ctx)?;
    let (payload, resp_fields) = resolve_payload(c.response.as_ref(), ctx, known)?;
    check_summary_and_urls(c, ctx)?;
    let errors = resolve_errors(&c.errors, ctx, known)?;
    let done_by_earlier_attempt = resolve_done_by_earlier_attempt(c, &errors, ctx)?;
    let mut samples = Vec::new();
    for s in &c.samples {
        for name in s.request.iter().chain(s.response.iter()) {
            known.samples.check(ctx, name)?;
        }
        samples.push(Sample {
            request: s.request.clone(),
            response: s.response.clone(),
        });
    }
    let paging = match &c.paging {
        None => None,
        Some(p) => Some(resolve_paging(
            p,
            &ctx.at("paging"),
            &req_fields,
            c.response.is_some().then_some(resp_fields.as_slice()),
        )?),
    };
    let request = NamedType {
        name: type_name.clone(),
        module: f.servicename.clone(),
        doc: String::new(),
        kind: TypeKind::Object(req_fields),
        extra: false,
        file: display.to_owned(),
        exactly_one_of: c.request.exactly_one_of.clone(),
    };
    let response = NamedType {
        name: response_name.clone(),
        module: f.servicename.clone(),
        doc: format!("What [`{type_name}`] returns on success."),
        kind: TypeKind::Object(resp_fields),
        extra: true,
        file: display.to_owned(),
        exactly_one_of: Vec::new(),
    };
    let command = Command {
        service: f.servicename.clone(),
        command: c.command.clone(),
        method,
        type_name,
        response_name,
        summary: c.summary.trim().to_owned(),
        doc: c.doc.as_ref().map(|d| d.trim().to_owned()),
        doc_urls: c.doc_urls.clone(),
        rate_limit: c.rate_limit,
        idempotent: c.idempotent,
        payload,
        errors: errors
            .into_iter()
            .map(|(code, meaning)| (code, meaning))
            .collect(),
        samples,
        paging,
        cli: c.cli.clone(),
        module: f.servicename.clone(),
        done_by_earlier_attempt,
        source: c.source,
    };
    Ok((command, request, response))
}

/// `exactly_one_of:` names at least two optional request fields.
fn check_exactly_one_of(one_of: &[String], fields: &[Field], ctx: &Ctx) -> Result<(), SpecError> {
    if one_of.is_empty() {
        return Ok(());
    }
    let octx = ctx.at("request").at("exactly_one_of");
    if one_of.len() < 2 {
        return Err(octx.err("name at least two fields"));
    }
    for w in one_of {
        match fields.iter().find(|f| &f.wire == w) {
            None => return Err(octx.err(format!("no request field {w:?}"))),
            Some(f) if f.required => {
                return Err(octx.err(format!(
                    "field {w} is required; it cannot be one of several"
                )))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Where the answer's payload sits, and its fields (never the envelope's).
fn resolve_payload(
    def: Option<&spec::ResponseDef>,
    ctx: &Ctx,
    known: &Known<'_>,
) -> Result<(Payload, Vec<Field>), SpecError> {
    let Some(r) = def else {
        return Ok((Payload::None, Vec::new()));
    };
    let rctx = ctx.at("response");
    let fields = resolve_fields(&r.fields, &rctx, known.types)?;
    let payload = match &r.wrapper {
        Some(w) if is_wire_name(w) => Payload::Wrapped(w.clone()),
        Some(w) => return Err(rctx.err(format!("bad wrapper name {w:?}"))),
        None => Payload::TopLevel,
    };
    if payload == Payload::TopLevel {
        for fld in &fields {
            if std::iter::once(&fld.wire).chain(&fld.aliases).any(|k| {
                ["ActionStatus", "ErrorCode", "ErrorInfo", "RequestId"].contains(&k.as_str())
            }) {
                return Err(rctx
                    .at(format!("field {}", fld.wire))
                    .err("envelope fields are implicit; do not declare them"));
            }
        }
    }
    Ok((payload, fields))
}

fn check_summary_and_urls(c: &spec::CommandDef, ctx: &Ctx) -> Result<(), SpecError> {
    if c.summary.trim().is_empty() || c.summary.trim().contains('\n') {
        return Err(ctx.err("summary must be one non-empty line"));
    }
    // A command only seen in Tencent's console code has no page of its own.
    let needs_url = c.source != Some(spec::Source::ConsoleCode);
    if needs_url && c.doc_urls.is_empty() {
        return Err(ctx.err("doc_urls must list at least one URL"));
    }
    for u in &c.doc_urls {
        if !u.starts_with("https://") && !u.starts_with("http://") {
            return Err(ctx.err(format!("doc_urls: {u:?} is not a URL")));
        }
    }
    Ok(())
}

/// `errors:`: declared codes, each once, with the command's own meaning or the shared one.
fn resolve_errors(
    defs: &[spec::ErrorRefDef],
    ctx: &Ctx,
    known: &Known<'_>,
) -> Result<Vec<(i64, String)>, SpecError> {
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    for e in defs {
        let ectx = ctx.at(format!("error {}", e.code));
        let Some(def) = known.codes.get(&e.code) else {
            return Err(ectx.err(format!(
                "error code {} is not declared in common.yaml",
                e.code
            )));
        };
        if !seen.insert(e.code) {
            return Err(ectx.err("listed twice"));
        }
        let meaning = e
            .meaning
            .as_deref()
            .map(str::trim)
            .unwrap_or(&def.meaning)
            .to_owned();
        errors.push((e.code, meaning));
    }
    Ok(errors)
}

/// `done_by_earlier_attempt:`: only for idempotent commands without a
/// payload, and only codes the command lists under `errors`.
fn resolve_done_by_earlier_attempt(
    c: &spec::CommandDef,
    errors: &[(i64, String)],
    ctx: &Ctx,
) -> Result<Vec<i64>, SpecError> {
    let mut out = Vec::new();
    for code in &c.done_by_earlier_attempt {
        let dctx = ctx.at(format!("done_by_earlier_attempt {code}"));
        if !c.idempotent {
            return Err(dctx.err(
                "only idempotent commands are retried after an attempt that may have reached the server",
            ));
        }
        if c.response.is_some() {
            return Err(dctx
                .err("the command has a response payload, which a retry's error cannot provide"));
        }
        if !errors.iter().any(|(e, _)| e == code) {
            return Err(dctx.err("the code must also be listed under `errors`"));
        }
        if out.contains(code) {
            return Err(dctx.err("listed twice"));
        }
        out.push(*code);
    }
    Ok(out)
}
