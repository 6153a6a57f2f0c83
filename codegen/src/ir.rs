//! The validated intermediate representation: names resolved, types checked,
//! references followed.

mod commands;
mod common;
mod modules;
mod names;
mod paging;
mod read;
mod types;
mod webhooks;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::error::{Ctx, SpecError};
pub use crate::spec::Source;
use crate::spec::{self, EnumKind, WireValue};

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

impl Source {
    /// The spec's spelling (`console_code`), as published in `x-source`.
    pub fn key(self) -> &'static str {
        match self {
            Source::Sample => "sample",
            Source::ConsoleCode => "console_code",
            Source::Inferred => "inferred",
            Source::DocsNotRead => "docs_not_read",
        }
    }

    /// The sentence the generated docs and the published description
    /// carry for something known from this source.
    pub fn note(self) -> &'static str {
        match self {
            Source::Sample => {
                "*Source:* not in Tencent's field tables; seen only in a documented sample."
            }
            Source::ConsoleCode => {
                "*Source:* not in Tencent's docs; seen in Tencent's console code."
            }
            Source::Inferred => {
                "*Source:* not in Tencent's docs; inferred from related commands (a guess)."
            }
            Source::DocsNotRead => {
                "*Source:* documented by Tencent, on a page that could not be read in full; details may differ."
            }
        }
    }
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
    /// Other wire values read as this one (never sent).
    pub aliases: Vec<WireValue>,
    /// Where the value is known from, when not documented.
    pub source: Option<Source>,
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
    /// Where the field is known from, when not documented.
    pub source: Option<Source>,
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
    /// Client method name (`kick_user_out`, `live_create_room`).
    pub method: String,
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
    /// Where the command is known from, when not documented.
    pub source: Option<Source>,
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
    /// Where the callback is known from, when not documented.
    pub source: Option<Source>,
    /// A before-callback: how the receiver's answer decides.
    pub decision: Option<Decision>,
}

/// The answer a before-callback's receiver gives: `ErrorCode` 0 allows,
/// the refusals' codes refuse.
#[derive(Debug)]
pub struct Decision {
    /// Rust type of the answer (`<webhook name>Decision`).
    pub type_name: String,
    /// How long the service waits for the answer, in milliseconds.
    pub budget_ms: u64,
    pub doc: String,
    pub refusals: Vec<Refusal>,
}

/// One refusal of a [`Decision`]: the codes `lo..=hi` (one code when equal).
#[derive(Debug)]
pub struct Refusal {
    pub name: String,
    pub lo: i64,
    pub hi: i64,
    pub doc: String,
}

impl Refusal {
    /// A single fixed code (not a range the receiver picks from).
    pub fn code(&self) -> Option<i64> {
        (self.lo == self.hi).then_some(self.lo)
    }
}

/// Reads and validates the spec in `dir`.
pub fn load(dir: &Path) -> Result<Spec, SpecError> {
    let files = read::read_files(dir)?;
    let cctx = Ctx::file(&files.common_file);
    let error_codes = common::resolve_error_codes(&files.common.error_codes, &cctx)?;
    let regions = common::resolve_regions(&files.common.regions, &cctx)?;

    let raw_types = names::claim_names(&files)?;
    let known_types: BTreeSet<String> = raw_types.keys().cloned().collect();
    let mut types = types::resolve_named_types(&raw_types, &known_types)?;

    let samples = read::Samples::new(dir, &files.dir_name);
    let known = commands::Known {
        types: &known_types,
        codes: error_codes.iter().map(|e| (e.code, e)).collect(),
        samples: &samples,
    };
    let mut services = Vec::new();
    for (display, _, f) in &files.services {
        services.push(commands::resolve_service(f, display, &known, &mut types)?);
    }
    let hooks = webhooks::resolve_webhooks(
        &files.webhooks,
        &files.webhooks_file,
        &known_types,
        &samples,
        &mut types,
    )?;
    types::mark_extra(&mut types);

    let modules = modules::assign_modules(
        &files.common.groups,
        &cctx,
        &mut services,
        &hooks,
        &mut types,
    )?;

    let wctx = Ctx::file(&files.webhooks_file);
    let query = common::resolve_query(&files.common.query, &cctx)?;
    let webhook_query = common::resolve_query(&files.webhooks.query, &wctx)?;
    if let Some(ack) = &files.webhooks.ack_sample {
        samples.check(&wctx.at("ack_sample"), ack)?;
    }
    let publish = common::resolve_publish(&files.common.publish, &cctx.at("publish"))?;

    Ok(Spec {
        dir_name: files.dir_name.clone(),
        dir: dir.to_path_buf(),
        error_codes,
        regions,
        types,
        services,
        webhooks: hooks,
        webhooks_file: files.webhooks_file.clone(),
        publish,
        query,
        webhook_query,
        webhook_ack_sample: files.webhooks.ack_sample.clone(),
        modules,
    })
}
