//! The validated intermediate representation: names resolved, types checked,
//! references followed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use heck::{ToSnakeCase, ToUpperCamelCase};
use indexmap::IndexMap;
use serde::de::DeserializeOwned;

use crate::error::{Ctx, SpecError};
use crate::spec::{self, EnumKind, FieldDef, TypeDef, WireValue};

/// The whole validated spec.
#[derive(Debug)]
pub struct Spec {
    /// Display prefix of spec files (`api-spec`).
    pub dir_name: String,
    /// Where the spec lives on disk.
    pub dir: PathBuf,
    pub error_codes: Vec<ErrorCode>,
    pub regions: Vec<Region>,
    /// Every object or enum, keyed by Rust name, in a stable order.
    pub types: BTreeMap<String, NamedType>,
    pub services: Vec<Service>,
    pub webhooks: Vec<Webhook>,
    /// Spec file that declares `webhooks`.
    pub webhooks_file: String,
    /// What the published description says of itself.
    pub publish: Publish,
    /// Query parameters of every command's URL.
    pub query: Vec<QueryParam>,
    /// Query parameters of every webhook delivery.
    pub webhook_query: Vec<QueryParam>,
    /// Sample file of the acknowledgement a webhook receiver answers with.
    pub webhook_ack_sample: Option<String>,
    /// The public SDK modules of the commands, in order: one per declared
    /// `groups:` entry, then one per service with commands outside any group.
    pub modules: Vec<Module>,
}

/// A public SDK module holding commands (and the types only they use).
#[derive(Debug)]
pub struct Module {
    /// Rust module name (`rooms`).
    pub name: String,
    /// Module documentation from the spec.
    pub doc: String,
}

/// `publish:` of `common.yaml`.
#[derive(Debug)]
pub struct Publish {
    pub title: String,
    pub version: String,
    pub doc: String,
    pub doc_url: String,
    pub schema_id_base: String,
    pub license: String,
}

/// A query-string parameter.
#[derive(Debug)]
pub struct QueryParam {
    pub name: String,
    pub ty: QueryTy,
    pub required: bool,
    pub doc: String,
    pub values: Vec<String>,
    /// Shared schema name of a fixed-value parameter.
    pub schema_name: Option<String>,
    pub auth: bool,
}

/// Type of a query-string parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryTy {
    String,
    U32,
    U64,
}

#[derive(Debug)]
pub struct ErrorCode {
    pub code: i64,
    pub name: String,
    pub meaning: String,
    pub rate_limited: bool,
    pub transient: bool,
}

#[derive(Debug)]
pub struct Region {
    pub name: String,
    pub domain: String,
    pub aliases: Vec<String>,
    pub doc: String,
}

/// A Rust type declared by the spec (named types, requests, payloads, callbacks).
#[derive(Debug)]
pub struct NamedType {
    pub name: String,
    /// Generated module that holds it (`types`, a service module, `webhooks`).
    pub module: String,
    pub doc: String,
    pub kind: TypeKind,
    /// Carries `extra` (unknown fields kept): reachable from a response or a webhook.
    pub extra: bool,
    /// Spec file declaring it.
    pub file: String,
    /// Wire names of fields of which exactly one must be present (requests).
    pub exactly_one_of: Vec<String>,
}

#[derive(Debug)]
pub enum TypeKind {
    Object(Vec<Field>),
    Enum(EnumKind, Vec<EnumValue>),
}

#[derive(Debug)]
pub struct EnumValue {
    pub wire: WireValue,
    pub variant: String,
    pub doc: String,
    /// Reported by the service, refused in requests.
    pub response_only: bool,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub wire: String,
    /// Other JSON keys accepted on input only (`aliases:`); `wire` is what is sent.
    pub aliases: Vec<String>,
    pub name: String,
    pub ty: Ty,
    pub required: bool,
    pub doc: String,
    pub default: Option<serde_json::Value>,
    pub max_bytes: Option<u64>,
    pub min_bytes: Option<u64>,
    pub max_items: Option<u64>,
    pub min_items: Option<u64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// Only printable ASCII (0x20-0x7e) is allowed.
    pub printable_ascii: bool,
    /// Allowed prefixes of the string (empty: any).
    pub starts_with: Vec<String>,
    /// `secret: true`: the value is redacted in `Debug`.
    pub secret: bool,
}

/// A resolved field type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    String,
    Bool,
    I32,
    U32,
    I64,
    U64,
    Json,
    Account,
    FlexBool,
    List(Box<Ty>),
    Named(String),
}

impl Ty {
    pub fn is_integer(&self) -> bool {
        matches!(self, Ty::I32 | Ty::U32 | Ty::I64 | Ty::U64)
    }
    pub fn is_stringy(&self) -> bool {
        matches!(self, Ty::String | Ty::Account)
    }
}

#[derive(Debug)]
pub struct Service {
    pub name: String,
    pub module: String,
    pub doc: String,
    pub file: String,
    pub commands: Vec<Command>,
}

#[derive(Debug)]
pub struct Command {
    pub service: String,
    pub command: String,
    /// Request type name (`KickUserOut`).
    pub type_name: String,
    /// Payload type name (`KickUserOutResponse`).
    pub response_name: String,
    pub summary: String,
    pub doc: Option<String>,
    pub doc_urls: Vec<String>,
    pub rate_limit: u32,
    pub idempotent: bool,
    pub payload: Payload,
    /// (code, meaning)
    pub errors: Vec<(i64, String)>,
    pub samples: Vec<Sample>,
    /// `paging:`: the command lists items page by page.
    pub paging: Option<Paging>,
    /// `cli:`: its subcommand in the command-line tool, when set.
    pub cli: Option<spec::CliDef>,
    /// The SDK module that holds its types: its `cli` group, else its service.
    pub module: String,
    /// `done_by_earlier_attempt:`: codes meaning "an earlier attempt did it"
    /// when they answer a retry.
    pub done_by_earlier_attempt: Vec<i64>,
}

/// A validated `paging:` of a command.
#[derive(Debug, Clone)]
pub struct Paging {
    /// The request field taking the cursor.
    pub request_cursor: Field,
    /// The response field returning the next cursor (same type as the request's).
    pub response_cursor: Field,
    /// The response list field holding the items.
    pub items: Field,
    /// Element type of `items`.
    pub item_ty: Ty,
    pub end: spec::PagingEnd,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    None,
    Wrapped(String),
    TopLevel,
}

#[derive(Debug)]
pub struct Sample {
    pub request: Option<String>,
    pub response: Option<String>,
}

#[derive(Debug)]
pub struct Webhook {
    pub command: String,
    pub aliases: Vec<String>,
    pub name: String,
    pub type_name: String,
    pub summary: String,
    pub doc: Option<String>,
    pub doc_urls: Vec<String>,
    pub samples: Vec<String>,
}

const RESERVED_MODULES: &[&str] = &[
    "types",
    "errors",
    "regions",
    "webhooks",
    "client",
    "catalog",
    "wire_tests",
    "schemas",
    "bodies",
    "prelude",
    "prop_tests",
    "groups",
    "mod",
];

const RESERVED_FIELDS: &[&str] = &["extra", "new", "validate", "validate_at"];

fn is_wire_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_upper_camel(s: &str) -> bool {
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
        && s.to_upper_camel_case() == s
}

fn is_snake(s: &str) -> bool {
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.to_snake_case() == s
}

fn read_yaml<T: DeserializeOwned>(path: &Path, display: &str) -> Result<T, SpecError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| SpecError::new(display, &[], format!("cannot read: {e}")))?;
    serde_norway::from_str(&text).map_err(|e| {
        let msg = e.to_string();
        let place = locate(&text, &msg);
        SpecError::new(display, &place, msg)
    })
}

/// Turns a serde path prefix like `commands[2].request.fields[0]: ...` into
/// human places (`command kick_user_out`, `field X`) where possible.
fn locate(text: &str, msg: &str) -> Vec<String> {
    let Some((path, _)) = msg.split_once(": ") else {
        return Vec::new();
    };
    let Ok(doc) = serde_norway::from_str::<serde_norway::Value>(text) else {
        return Vec::new();
    };
    let mut places = Vec::new();
    let mut cur = Some(&doc);
    for seg in path.split('.') {
        let (key, idx) = match seg.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (seg, None),
        };
        cur = cur.and_then(|v| v.get(key));
        if let Some(i) = idx {
            cur = cur.and_then(|v| v.get(i));
            let label = match key {
                "commands" | "webhooks" => Some(("command", "command")),
                "fields" => Some(("field", "wire")),
                "values" => Some(("value", "wire")),
                "error_codes" => Some(("error code", "code")),
                "regions" => Some(("region", "name")),
                _ => None,
            };
            if let (Some((what, k)), Some(v)) = (label, cur) {
                if let Some(name) = v.get(k) {
                    let name = match name {
                        serde_norway::Value::String(s) => s.clone(),
                        serde_norway::Value::Number(n) => n.to_string(),
                        _ => continue,
                    };
                    places.push(format!("{what} {name}"));
                }
            }
        } else if places.is_empty() && key != "types" && cur.is_some() {
            // inside a types map: the segment is the type name
        }
        if path.starts_with("types.") && places.is_empty() && key != "types" {
            places.push(format!("type {key}"));
        }
    }
    places
}

struct RawType<'a> {
    def: &'a TypeDef,
    module: String,
    ctx: Ctx,
}

/// Reads and validates the spec in `dir`.
pub fn load(dir: &Path) -> Result<Spec, SpecError> {
    let dir_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "api-spec".to_owned());
    let disp = |rel: &str| format!("{dir_name}/{rel}");

    let common_file = disp("common.yaml");
    let common: spec::CommonFile = read_yaml(&dir.join("common.yaml"), &common_file)?;

    let mut service_paths: BTreeMap<String, PathBuf> = BTreeMap::new();
    let services_dir = dir.join("services");
    let entries = std::fs::read_dir(&services_dir)
        .map_err(|e| SpecError::new(disp("services"), &[], format!("cannot read: {e}")))?;
    for entry in entries {
        let entry = entry
            .map_err(|e| SpecError::new(disp("services"), &[], format!("cannot read: {e}")))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".yaml") || name.ends_with(".yml") {
            service_paths.insert(name, entry.path());
        }
    }
    let mut service_files = Vec::new();
    for (name, path) in &service_paths {
        let display = disp(&format!("services/{name}"));
        let file: spec::ServiceFile = read_yaml(path, &display)?;
        service_files.push((display, name.clone(), file));
    }
    let webhooks_file = disp("webhooks.yaml");
    let webhooks: spec::WebhooksFile = if dir.join("webhooks.yaml").exists() {
        read_yaml(&dir.join("webhooks.yaml"), &webhooks_file)?
    } else {
        spec::WebhooksFile {
            doc: None,
            webhooks: Vec::new(),
            query: Vec::new(),
            ack_sample: None,
            types: IndexMap::new(),
            note: None,
        }
    };

    // ---- error codes
    let cctx = Ctx::file(&common_file);
    let mut error_codes = Vec::new();
    let mut code_seen = BTreeSet::new();
    let mut code_names = BTreeSet::new();
    for e in &common.error_codes {
        let ctx = cctx.at(format!("error code {}", e.code));
        if !code_seen.insert(e.code) {
            return Err(ctx.err("duplicate error code"));
        }
        if !is_upper_camel(&e.name) || e.name == "Other" {
            return Err(ctx.err(format!(
                "bad name {:?}: must be UpperCamelCase and not `Other`",
                e.name
            )));
        }
        if !code_names.insert(e.name.clone()) {
            return Err(ctx.err(format!("duplicate name {:?}", e.name)));
        }
        error_codes.push(ErrorCode {
            code: e.code,
            name: e.name.clone(),
            meaning: e.meaning.trim().to_owned(),
            rate_limited: e.rate_limited,
            transient: e.transient,
        });
    }

    // ---- regions
    let mut regions = Vec::new();
    let mut region_keys = BTreeSet::new();
    for r in &common.regions {
        let ctx = cctx.at(format!("region {}", r.name));
        if !is_upper_camel(&r.name) {
            return Err(ctx.err("name must be UpperCamelCase"));
        }
        for key in std::iter::once(&r.name)
            .chain(&r.aliases)
            .chain(std::iter::once(&r.domain))
        {
            if !region_keys.insert(key.to_ascii_lowercase()) {
                return Err(ctx.err(format!("duplicate region name, alias or domain {key:?}")));
            }
        }
        regions.push(Region {
            name: r.name.clone(),
            domain: r.domain.clone(),
            aliases: r.aliases.clone(),
            doc: r.doc.trim().to_owned(),
        });
    }

    // ---- collect every named type and generated type name
    let mut raw_types: BTreeMap<String, RawType<'_>> = BTreeMap::new();
    let mut taken: BTreeMap<String, String> = BTreeMap::new(); // rust type name -> where
    let mut all_type_maps: Vec<(&IndexMap<String, TypeDef>, String, String)> = Vec::new();
    all_type_maps.push((&common.types, "types".to_owned(), common_file.clone()));
    for (display, _, f) in &service_files {
        all_type_maps.push((&f.types, f.servicename.clone(), display.clone()));
    }
    all_type_maps.push((
        &webhooks.types,
        "webhooks".to_owned(),
        webhooks_file.clone(),
    ));
    for (map, module, file) in &all_type_maps {
        for (name, def) in map.iter() {
            let ctx = Ctx::file(file).at(format!("type {name}"));
            if !is_upper_camel(name) {
                return Err(ctx.err("type name must be UpperCamelCase"));
            }
            if let Some(prev) = taken.get(name) {
                return Err(ctx.err(format!("duplicate type name (also {prev})")));
            }
            taken.insert(name.clone(), format!("type {name} in {file}"));
            raw_types.insert(
                name.clone(),
                RawType {
                    def,
                    module: module.clone(),
                    ctx,
                },
            );
        }
    }
    // generated names of commands and webhooks
    let mut service_names = BTreeSet::new();
    let mut methods: BTreeMap<String, String> = BTreeMap::new();
    for (display, file_name, f) in &service_files {
        let ctx = Ctx::file(display);
        if !is_snake(&f.servicename) || RESERVED_MODULES.contains(&f.servicename.as_str()) {
            return Err(ctx.err(format!(
                "servicename {:?} must be snake_case and not one of {RESERVED_MODULES:?}",
                f.servicename
            )));
        }
        let stem = file_name.trim_end_matches(".yaml").trim_end_matches(".yml");
        if stem != f.servicename {
            return Err(ctx.err(format!(
                "file name must be the servicename: expected services/{}.yaml",
                f.servicename
            )));
        }
        if !service_names.insert(f.servicename.clone()) {
            return Err(ctx.err("duplicate servicename"));
        }
        let mut cmds = BTreeSet::new();
        for c in &f.commands {
            let cctx = ctx.at(format!("command {}", c.command));
            if !is_snake(&c.command) {
                return Err(cctx.err("command name must be snake_case"));
            }
            if !cmds.insert(c.command.clone()) {
                return Err(cctx.err("duplicate command"));
            }
            if let Some(prev) = methods.get(&c.command) {
                return Err(cctx.err(format!("client method name clashes with {prev}")));
            }
            methods.insert(
                c.command.clone(),
                format!("command {} in {display}", c.command),
            );
            if c.paging.is_some() {
                for suffix in ["all", "pages"] {
                    let name = format!("{}_{suffix}", c.command);
                    if let Some(prev) = methods.get(&name) {
                        return Err(cctx
                            .at("paging")
                            .err(format!("client method {name} clashes with {prev}")));
                    }
                    methods.insert(
                        name,
                        format!("the paging method of command {} in {display}", c.command),
                    );
                }
            }
            let t = c.command.to_upper_camel_case();
            for n in [t.clone(), format!("{t}Response")] {
                if let Some(prev) = taken.get(&n) {
                    return Err(cctx.err(format!("generated type name {n} clashes with {prev}")));
                }
                taken.insert(n, format!("command {} in {display}", c.command));
            }
        }
    }
    let mut webhook_keys = BTreeSet::new();
    for w in &webhooks.webhooks {
        let ctx = Ctx::file(&webhooks_file).at(format!("command {}", w.command));
        if !is_upper_camel(&w.name) || w.name == "Unknown" {
            return Err(ctx.err(format!(
                "name {:?} must be UpperCamelCase and not `Unknown`",
                w.name
            )));
        }
        if w.command.trim().is_empty() {
            return Err(ctx.err("empty command"));
        }
        for key in std::iter::once(&w.command).chain(&w.aliases) {
            if !webhook_keys.insert(key.clone()) {
                return Err(ctx.err(format!("duplicate callback command or alias {key:?}")));
            }
        }
        let n = format!("Callback{}", w.name);
        if let Some(prev) = taken.get(&n) {
            return Err(ctx.err(format!("generated type name {n} clashes with {prev}")));
        }
        taken.insert(n, format!("webhook {}", w.command));
    }

    let known: BTreeSet<String> = raw_types.keys().cloned().collect();

    // ---- resolve named types
    let mut types: BTreeMap<String, NamedType> = BTreeMap::new();
    for (name, raw) in &raw_types {
        let kind = resolve_type_def(raw.def, &raw.ctx, &known)?;
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

    let codes: BTreeMap<i64, &ErrorCode> = error_codes.iter().map(|e| (e.code, e)).collect();
    let samples_dir = dir.join("samples");
    let check_sample = |ctx: &Ctx, name: &str| -> Result<(), SpecError> {
        let p = samples_dir.join(name);
        if name.contains('/') || name.contains('\\') || !p.is_file() {
            return Err(ctx.err(format!(
                "sample file {dir_name}/samples/{name} does not exist"
            )));
        }
        let text = std::fs::read_to_string(&p)
            .map_err(|e| ctx.err(format!("sample {name}: cannot read: {e}")))?;
        serde_json::from_str::<serde_json::Value>(&text)
            .map_err(|e| ctx.err(format!("sample {name}: not JSON: {e}")))?;
        Ok(())
    };

    // ---- services
    let mut services = Vec::new();
    for (display, _, f) in &service_files {
        let sctx = Ctx::file(display);
        let mut commands = Vec::new();
        for c in &f.commands {
            let ctx = sctx.at(format!("command {}", c.command));
            let type_name = c.command.to_upper_camel_case();
            let response_name = format!("{type_name}Response");
            let req_fields = resolve_fields(&c.request.fields, &ctx, &known)?;
            let one_of = &c.request.exactly_one_of;
            if !one_of.is_empty() {
                let octx = ctx.at("request").at("exactly_one_of");
                if one_of.len() < 2 {
                    return Err(octx.err("name at least two fields"));
                }
                for w in one_of {
                    match req_fields.iter().find(|f| &f.wire == w) {
                        None => return Err(octx.err(format!("no request field {w:?}"))),
                        Some(f) if f.required => {
                            return Err(octx.err(format!(
                                "field {w} is required; it cannot be one of several"
                            )))
                        }
                        Some(_) => {}
                    }
                }
            }
            let (payload, resp_fields) = match &c.response {
                None => (Payload::None, Vec::new()),
                Some(r) => {
                    let fields = resolve_fields(&r.fields, &ctx.at("response"), &known)?;
                    match &r.wrapper {
                        Some(w) if is_wire_name(w) => (Payload::Wrapped(w.clone()), fields),
                        Some(w) => {
                            return Err(ctx.at("response").err(format!("bad wrapper name {w:?}")))
                        }
                        None => (Payload::TopLevel, fields),
                    }
                }
            };
            if let Payload::TopLevel = payload {
                for fld in &resp_fields {
                    if std::iter::once(&fld.wire).chain(&fld.aliases).any(|k| {
                        ["ActionStatus", "ErrorCode", "ErrorInfo", "RequestId"]
                            .contains(&k.as_str())
                    }) {
                        return Err(ctx
                            .at("response")
                            .at(format!("field {}", fld.wire))
                            .err("envelope fields are implicit; do not declare them"));
                    }
                }
            }
            if c.summary.trim().is_empty() || c.summary.trim().contains('\n') {
                return Err(ctx.err("summary must be one non-empty line"));
            }
            if c.doc_urls.is_empty() {
                return Err(ctx.err("doc_urls must list at least one URL"));
            }
            for u in &c.doc_urls {
                if !u.starts_with("https://") && !u.starts_with("http://") {
                    return Err(ctx.err(format!("doc_urls: {u:?} is not a URL")));
                }
            }
            let mut errors = Vec::new();
            let mut seen = BTreeSet::new();
            for e in &c.errors {
                let ectx = ctx.at(format!("error {}", e.code));
                let Some(def) = codes.get(&e.code) else {
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
            let mut done_by_earlier_attempt = Vec::new();
            for code in &c.done_by_earlier_attempt {
                let dctx = ctx.at(format!("done_by_earlier_attempt {code}"));
                if !c.idempotent {
                    return Err(dctx.err(
                        "only idempotent commands are retried after an attempt that may have reached the server",
                    ));
                }
                if c.response.is_some() {
                    return Err(dctx.err(
                        "the command has a response payload, which a retry's error cannot provide",
                    ));
                }
                if !seen.contains(code) {
                    return Err(dctx.err("the code must also be listed under `errors`"));
                }
                if done_by_earlier_attempt.contains(code) {
                    return Err(dctx.err("listed twice"));
                }
                done_by_earlier_attempt.push(*code);
            }
            let mut samples = Vec::new();
            for s in &c.samples {
                for name in s.request.iter().chain(s.response.iter()) {
                    check_sample(&ctx, name)?;
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
            types.insert(
                type_name.clone(),
                NamedType {
                    name: type_name.clone(),
                    module: f.servicename.clone(),
                    doc: String::new(),
                    kind: TypeKind::Object(req_fields),
                    extra: false,
                    file: display.clone(),
                    exactly_one_of: one_of.clone(),
                },
            );
            types.insert(
                response_name.clone(),
                NamedType {
                    name: response_name.clone(),
                    module: f.servicename.clone(),
                    doc: format!("What [`{type_name}`] returns on success."),
                    kind: TypeKind::Object(resp_fields),
                    extra: true,
                    file: display.clone(),
                    exactly_one_of: Vec::new(),
                },
            );
            commands.push(Command {
                service: f.servicename.clone(),
                command: c.command.clone(),
                type_name,
                response_name,
                summary: c.summary.trim().to_owned(),
                doc: c.doc.as_ref().map(|d| d.trim().to_owned()),
                doc_urls: c.doc_urls.clone(),
                rate_limit: c.rate_limit,
                idempotent: c.idempotent,
                payload,
                errors,
                samples,
                paging,
                cli: c.cli.clone(),
                module: f.servicename.clone(),
                done_by_earlier_attempt,
            });
        }
        services.push(Service {
            name: f.servicename.clone(),
            module: f.servicename.clone(),
            doc: f.doc.trim().to_owned(),
            file: display.clone(),
            commands,
        });
    }

    // ---- webhooks
    let mut hooks = Vec::new();
    for w in &webhooks.webhooks {
        let ctx = Ctx::file(&webhooks_file).at(format!("command {}", w.command));
        let fields = resolve_fields(&w.fields, &ctx, &known)?;
        for s in &w.samples {
            check_sample(&ctx, s)?;
        }
        let type_name = format!("Callback{}", w.name);
        types.insert(
            type_name.clone(),
            NamedType {
                name: type_name.clone(),
                module: "webhooks".to_owned(),
                doc: w.summary.trim().to_owned(),
                kind: TypeKind::Object(fields),
                extra: true,
                file: webhooks_file.clone(),
                exactly_one_of: Vec::new(),
            },
        );
        hooks.push(Webhook {
            command: w.command.clone(),
            aliases: w.aliases.clone(),
            name: w.name.clone(),
            type_name,
            summary: w.summary.trim().to_owned(),
            doc: w.doc.as_ref().map(|d| d.trim().to_owned()),
            doc_urls: w.doc_urls.clone(),
            samples: w.samples.clone(),
        });
    }

    // ---- which named types keep unknown fields: reachable from payloads
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

    let modules = assign_modules(&common.groups, &cctx, &mut services, &hooks, &mut types)?;

    let query = resolve_query(&common.query, &cctx)?;
    let webhook_query = resolve_query(&webhooks.query, &Ctx::file(&webhooks_file))?;
    if let Some(ack) = &webhooks.ack_sample {
        check_sample(&Ctx::file(&webhooks_file).at("ack_sample"), ack)?;
    }
    let p = &common.publish;
    let pctx = cctx.at("publish");
    for (key, value) in [
        ("doc_url", &p.doc_url),
        ("schema_id_base", &p.schema_id_base),
    ] {
        if !value.starts_with("https://") {
            return Err(pctx.err(format!("{key} {value:?} must be an https:// URL")));
        }
    }
    if !p.schema_id_base.ends_with('/') {
        return Err(pctx.err("schema_id_base must end with `/`"));
    }
    let publish = Publish {
        title: p.title.trim().to_owned(),
        version: p.version.trim().to_owned(),
        doc: p.doc.trim().to_owned(),
        doc_url: p.doc_url.clone(),
        schema_id_base: p.schema_id_base.clone(),
        license: p.license.trim().to_owned(),
    };

    Ok(Spec {
        dir_name,
        dir: dir.to_path_buf(),
        error_codes,
        regions,
        types,
        services,
        webhooks: hooks,
        webhooks_file,
        publish,
        query,
        webhook_query,
        webhook_ack_sample: webhooks.ack_sample.clone(),
        modules,
    })
}

/// Names the crate root of the SDK already uses for its own modules.
const ROOT_MODULES: &[&str] = &[
    "bulk",
    "client",
    "command",
    "error",
    "generated",
    "limit",
    "mock",
    "paging",
    "redact",
    "usersig",
    "validate",
    "webhook",
    "wire",
    "groups",
];

/// Places every command in its SDK module (its `cli` group, else its
/// service) and every other named type in the first module that uses it
/// (then `webhooks`, else `types`).
fn assign_modules(
    groups: &[spec::GroupDef],
    cctx: &Ctx,
    services: &mut [Service],
    hooks: &[Webhook],
    types: &mut BTreeMap<String, NamedType>,
) -> Result<Vec<Module>, SpecError> {
    let mut modules: Vec<Module> = Vec::new();
    let mut declared: BTreeSet<String> = BTreeSet::new();
    let check_name = |ctx: &Ctx, name: &str| -> Result<(), SpecError> {
        if RESERVED_MODULES.contains(&name) || ROOT_MODULES.contains(&name) {
            return Err(ctx.err(format!(
                "module name {name:?} is taken by the SDK (reserved: {RESERVED_MODULES:?}, {ROOT_MODULES:?})"
            )));
        }
        Ok(())
    };
    for g in groups {
        let gctx = cctx.at(format!("group {}", g.name));
        let module = g.name.replace('-', "_");
        if !is_snake(&module) || g.name.contains('_') {
            return Err(gctx.err("group name must be kebab-case"));
        }
        check_name(&gctx, &module)?;
        if !declared.insert(g.name.clone()) {
            return Err(gctx.err("duplicate group"));
        }
        if g.doc.trim().is_empty() {
            return Err(gctx.err("a group needs a `doc`"));
        }
        modules.push(Module {
            name: module,
            doc: g.doc.trim().to_owned(),
        });
    }
    let mut used: BTreeSet<String> = BTreeSet::new();
    for svc in services.iter_mut() {
        let mut own_module = false;
        for c in &mut svc.commands {
            match &c.cli {
                Some(cli) => {
                    if !declared.contains(&cli.group) {
                        return Err(Ctx::file(&svc.file)
                            .at(format!("command {}", c.command))
                            .at("cli")
                            .err(format!(
                                "group {:?} is not declared under `groups:` in common.yaml",
                                cli.group
                            )));
                    }
                    used.insert(cli.group.clone());
                    c.module = cli.group.replace('-', "_");
                }
                None => {
                    own_module = true;
                    c.module = svc.module.clone();
                }
            }
        }
        if own_module {
            let sctx = Ctx::file(&svc.file);
            check_name(&sctx, &svc.module)?;
            if modules.iter().any(|m| m.name == svc.module) {
                return Err(sctx.err(format!(
                    "commands without `cli` go to a module named after the service, and `{}` is also a group",
                    svc.module
                )));
            }
            modules.push(Module {
                name: svc.module.clone(),
                doc: svc.doc.clone(),
            });
        }
    }
    if let Some(g) = groups.iter().find(|g| !used.contains(&g.name)) {
        return Err(cctx
            .at(format!("group {}", g.name))
            .err("no command has this group"));
    }
    // command types live with their command; callbacks in `webhooks`
    let mut fixed: BTreeSet<String> = BTreeSet::new();
    let mut roots: Vec<(String, Vec<String>)> = modules
        .iter()
        .map(|m| (m.name.clone(), Vec::new()))
        .collect();
    for c in services.iter().flat_map(|s| &s.commands) {
        for n in [&c.type_name, &c.response_name] {
            if let Some(t) = types.get_mut(n) {
                t.module = c.module.clone();
            }
            fixed.insert(n.clone());
            if let Some(r) = roots.iter_mut().find(|r| r.0 == c.module) {
                r.1.push(n.clone());
            }
        }
    }
    let hooks: Vec<String> = hooks.iter().map(|w| w.type_name.clone()).collect();
    fixed.extend(hooks.iter().cloned());
    roots.push(("webhooks".to_owned(), hooks));
    let mut placed: BTreeSet<String> = fixed.clone();
    for (module, start) in roots {
        let mut stack = start;
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if !seen.insert(n.clone()) {
                continue;
            }
            let Some(t) = types.get_mut(&n) else { continue };
            if placed.insert(n.clone()) {
                t.module = module.clone();
            }
            if let TypeKind::Object(fields) = &t.kind {
                for f in fields {
                    collect_named(&f.ty, &mut stack);
                }
            }
        }
    }
    for t in types.values_mut() {
        if !placed.contains(&t.name) {
            t.module = "types".to_owned();
        }
    }
    Ok(modules)
}

fn collect_named(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        Ty::Named(n) => out.push(n.clone()),
        Ty::List(inner) => collect_named(inner, out),
        _ => {}
    }
}

fn resolve_type_def(
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
                out.push(EnumValue {
                    wire: v.wire.clone(),
                    variant,
                    doc: v.doc.trim().to_owned(),
                    response_only: v.response_only,
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

pub(crate) fn parse_ty(s: &str, known: &BTreeSet<String>) -> Option<Ty> {
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

fn resolve_fields(
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
        });
    }
    Ok(out)
}

fn resolve_query(defs: &[spec::QueryParamDef], ctx: &Ctx) -> Result<Vec<QueryParam>, SpecError> {
    let mut out: Vec<QueryParam> = Vec::new();
    for d in defs {
        let qctx = ctx.at(format!("query parameter {}", d.name));
        if d.name.is_empty()
            || !d
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(qctx.err("bad name: letters, digits and `_` only"));
        }
        if out.iter().any(|q| q.name == d.name) {
            return Err(qctx.err("duplicate query parameter"));
        }
        let ty = match d.ty.as_str() {
            "string" => QueryTy::String,
            "u32" => QueryTy::U32,
            "u64" => QueryTy::U64,
            other => {
                return Err(qctx.err(format!(
                    "unknown type {other:?}: expected string, u32 or u64"
                )))
            }
        };
        if !d.values.is_empty() && ty != QueryTy::String {
            return Err(qctx.err("`values` apply to string parameters only"));
        }
        if d.doc.trim().is_empty() {
            return Err(qctx.err("empty doc"));
        }
        if let Some(n) = &d.schema {
            if d.values.is_empty() || !is_upper_camel(n) {
                return Err(qctx.err("`schema` needs `values` and an UpperCamelCase name"));
            }
        }
        out.push(QueryParam {
            name: d.name.clone(),
            ty,
            required: d.required,
            doc: d.doc.trim().to_owned(),
            values: d.values.clone(),
            schema_name: d.schema.clone(),
            auth: d.auth,
        });
    }
    Ok(out)
}

/// Checks `paging:` against the command's request and response fields.
fn resolve_paging(
    def: &spec::PagingDef,
    ctx: &Ctx,
    request: &[Field],
    response: Option<&[Field]>,
) -> Result<Paging, SpecError> {
    let Some(response) = response else {
        return Err(ctx.err("a paged command needs a `response` with the cursor and the items"));
    };
    let find = |fields: &[Field], key: &str, wire: &str, side: &str| {
        fields
            .iter()
            .find(|f| f.wire == wire)
            .cloned()
            .ok_or_else(|| {
                ctx.at(format!("{key} {wire}"))
                    .err(format!("the {side} has no field with wire name {wire:?}"))
            })
    };
    let req = find(request, "request_cursor", &def.request_cursor, "request")?;
    let resp = find(
        response,
        "response_cursor",
        &def.response_cursor,
        "response",
    )?;
    let items = find(response, "items", &def.items, "response")?;
    let cursor_ok = match def.end {
        spec::PagingEnd::Empty => req.ty == Ty::String,
        spec::PagingEnd::Zero => req.ty.is_integer(),
    };
    if !cursor_ok {
        let want = match def.end {
            spec::PagingEnd::Empty => "`string` (for `end: empty`)",
            spec::PagingEnd::Zero => "an integer type (for `end: zero`)",
        };
        return Err(ctx
            .at(format!("request_cursor {}", req.wire))
            .err(format!("the cursor field must be {want}")));
    }
    if resp.ty != req.ty {
        return Err(ctx
            .at(format!("response_cursor {}", resp.wire))
            .err(format!(
                "type {:?} differs from the request cursor {} ({:?})",
                resp.ty, req.wire, req.ty
            )));
    }
    let Ty::List(inner) = &items.ty else {
        return Err(ctx
            .at(format!("items {}", items.wire))
            .err("items must be a `list<..>` field of the response"));
    };
    let item_ty = (**inner).clone();
    Ok(Paging {
        request_cursor: req,
        response_cursor: resp,
        items,
        item_ty,
        end: def.end,
    })
}

fn contains_adapter(t: &Ty) -> bool {
    match t {
        Ty::Account | Ty::FlexBool => true,
        Ty::List(i) => contains_adapter(i),
        _ => false,
    }
}
