//! The spec as written in `api-spec/`: plain serde structs, unknown keys rejected.
#![allow(dead_code)] // `note` and `doc` keys are accepted but not published

use indexmap::IndexMap;
use serde::Deserialize;

/// `common.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonFile {
    #[serde(default)]
    pub doc: Option<String>,
    #[serde(default)]
    pub error_codes: Vec<ErrorCodeDef>,
    #[serde(default)]
    pub regions: Vec<RegionDef>,
    #[serde(default)]
    pub types: IndexMap<String, TypeDef>,
    /// What the published description (OpenAPI, JSON Schema, catalog) says of itself.
    pub publish: PublishDef,
    /// Query parameters of every command's URL.
    #[serde(default)]
    pub query: Vec<QueryParamDef>,
    /// The areas users manage (`cli.group` of the commands): one SDK module each.
    #[serde(default)]
    pub groups: Vec<GroupDef>,
    #[serde(default)]
    pub note: Option<String>,
}

/// One entry of `groups`: an area users manage, such as `rooms`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    /// The `cli.group` of its commands (kebab-case); the SDK module is its snake_case.
    pub name: String,
    /// Module documentation (Markdown); the generator adds the Tencent services and commands.
    pub doc: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// `publish:` of `common.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishDef {
    /// Title of the API description.
    pub title: String,
    /// Version of the API description (not of Tencent's service).
    pub version: String,
    /// Longer description (Markdown).
    pub doc: String,
    /// Tencent's overview page of the API.
    pub doc_url: String,
    /// Absolute URI that the `$id` of every published JSON Schema starts with.
    pub schema_id_base: String,
    /// SPDX license expression of the published description.
    pub license: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A query-string parameter of a request URL or of a webhook delivery.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryParamDef {
    /// Exact name in the query string.
    pub name: String,
    /// `string`, `u32` or `u64`.
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub required: bool,
    pub doc: String,
    /// The only values allowed, if the parameter is fixed (e.g. `contenttype=json`).
    #[serde(default)]
    pub values: Vec<String>,
    /// Name of the shared schema of a fixed-value parameter (`values`), so
    /// generators make one type of it instead of one per operation.
    #[serde(default)]
    pub schema: Option<String>,
    /// Part of the admin credentials (published as an API-key security scheme, not a parameter).
    #[serde(default)]
    pub auth: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// One entry of `error_codes`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCodeDef {
    pub code: i64,
    pub name: String,
    pub meaning: String,
    #[serde(default)]
    pub rate_limited: bool,
    #[serde(default)]
    pub transient: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// One entry of `regions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionDef {
    pub name: String,
    pub domain: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub doc: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A named type: an object (`fields`) or an open enum (`enum` + `values`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    pub doc: String,
    #[serde(default)]
    pub fields: Option<Vec<FieldDef>>,
    #[serde(default, rename = "enum")]
    pub enum_kind: Option<EnumKind>,
    #[serde(default)]
    pub values: Option<Vec<EnumValueDef>>,
    #[serde(default)]
    pub note: Option<String>,
}

/// The wire representation of an enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EnumKind {
    String,
    Integer,
}

/// A known value of an enum.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValueDef {
    pub wire: WireValue,
    #[serde(default)]
    pub name: Option<String>,
    pub doc: String,
    /// The service reports this value but refuses it in requests.
    #[serde(default)]
    pub response_only: bool,
    /// Other wire values read as this value (never sent), e.g. `1` for a
    /// string value the service also reports as a number.
    #[serde(default)]
    pub aliases: Vec<WireValue>,
    /// Where the value is known from, when not from a documented table.
    #[serde(default)]
    pub source: Option<Source>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Where a command, field, value or webhook is known from, when it is not
/// plainly documented (`source:`); absent means Tencent's documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Only in an official JSON sample, not in the field tables.
    Sample,
    /// Not in the documentation; seen in Tencent's public console code.
    ConsoleCode,
    /// A guess, from neighbouring commands or the service's behaviour.
    Inferred,
    /// Documented on a page that could not be read in full.
    DocsNotRead,
}

/// An enum value as written: a number or a string.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum WireValue {
    Int(i64),
    Str(String),
}

/// A field of an object, a request or a response.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub wire: String,
    /// Other JSON keys accepted for this field on input (never sent).
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub required: bool,
    pub doc: String,
    #[serde(default)]
    pub default: Option<serde_json::Value>,
    #[serde(default)]
    pub max_bytes: Option<u64>,
    #[serde(default)]
    pub min_bytes: Option<u64>,
    #[serde(default)]
    pub max_items: Option<u64>,
    #[serde(default)]
    pub min_items: Option<u64>,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    /// The string may only hold printable ASCII (0x20-0x7e), so bytes and characters agree.
    #[serde(default)]
    pub printable_ascii: bool,
    /// The string must start with one of these prefixes (e.g. `http://`, `https://`).
    #[serde(default)]
    pub starts_with: Vec<String>,
    /// A secret value (a password): redacted in the generated `Debug`.
    #[serde(default)]
    pub secret: bool,
    /// Where the field is known from, when not from a documented table.
    #[serde(default)]
    pub source: Option<Source>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `services/<name>.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceFile {
    pub servicename: String,
    pub doc: String,
    /// Prefix of the Rust names of the service's commands (`Live`:
    /// `LiveCreateRoom`, `LiveCreateRoomResponse`, `client.live_create_room`).
    #[serde(default)]
    pub rust_prefix: Option<String>,
    #[serde(default)]
    pub types: IndexMap<String, TypeDef>,
    #[serde(default)]
    pub commands: Vec<CommandDef>,
    #[serde(default)]
    pub note: Option<String>,
}

/// One command of a service.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandDef {
    pub command: String,
    pub summary: String,
    #[serde(default)]
    pub doc: Option<String>,
    #[serde(default)]
    pub doc_urls: Vec<String>,
    pub rate_limit: u32,
    pub idempotent: bool,
    pub request: RequestDef,
    #[serde(default)]
    pub response: Option<ResponseDef>,
    #[serde(default)]
    pub errors: Vec<ErrorRefDef>,
    #[serde(default)]
    pub samples: Vec<SampleDef>,
    /// How the command pages (generates a `<command>_all` client method).
    #[serde(default)]
    pub paging: Option<PagingDef>,
    /// Where the command sits in the `trtc-room` command-line tool.
    #[serde(default)]
    pub cli: Option<CliDef>,
    /// Error codes that, answered to a retry after an attempt that may have
    /// reached the server, mean the earlier attempt did the work.
    #[serde(default)]
    pub done_by_earlier_attempt: Vec<i64>,
    /// Where the command is known from, when not from its documentation page.
    #[serde(default)]
    pub source: Option<Source>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `cli:` of a command: its subcommand in the `trtc-room` tool
/// (`trtc-room <group> <name>`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CliDef {
    /// The area, e.g. `rooms`.
    pub group: String,
    /// The verb inside the area, e.g. `create`.
    pub name: String,
}

/// `paging:` of a command: which fields carry the cursor and the items.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagingDef {
    /// Wire name of the request field that takes the cursor.
    pub request_cursor: String,
    /// Wire name of the response field that returns the next cursor.
    pub response_cursor: String,
    /// Wire name of the response list field holding the page's items.
    pub items: String,
    /// When the returned cursor means "no more pages".
    pub end: PagingEnd,
}

/// The end-of-list rule of a paged command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PagingEnd {
    /// A string cursor: the list ends when it is empty or absent.
    Empty,
    /// An integer cursor: the list ends when it is 0 or absent.
    Zero,
}

/// The request body of a command.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestDef {
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    /// Wire names of fields of which a request must carry exactly one.
    #[serde(default)]
    pub exactly_one_of: Vec<String>,
}

/// The payload of a command's answer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseDef {
    #[serde(default)]
    pub wrapper: Option<String>,
    #[serde(default)]
    pub fields: Vec<FieldDef>,
}

/// A documented error code of a command.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorRefDef {
    pub code: i64,
    #[serde(default)]
    pub meaning: Option<String>,
}

/// A documented sample exchange.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleDef {
    #[serde(default)]
    pub request: Option<String>,
    #[serde(default)]
    pub response: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `webhooks.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhooksFile {
    #[serde(default)]
    pub doc: Option<String>,
    #[serde(default)]
    pub webhooks: Vec<WebhookDef>,
    /// Query parameters of every delivery.
    #[serde(default)]
    pub query: Vec<QueryParamDef>,
    /// The documented acknowledgement the receiver answers with (a sample file).
    #[serde(default)]
    pub ack_sample: Option<String>,
    #[serde(default)]
    pub types: IndexMap<String, TypeDef>,
    #[serde(default)]
    pub note: Option<String>,
}

/// One callback the service sends.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookDef {
    pub command: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub name: String,
    pub summary: String,
    #[serde(default)]
    pub doc: Option<String>,
    #[serde(default)]
    pub doc_urls: Vec<String>,
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    #[serde(default)]
    pub samples: Vec<String>,
    /// Where the callback is known from, when not from its documentation page.
    #[serde(default)]
    pub source: Option<Source>,
    /// A before-callback: the receiver's answer decides whether the action
    /// goes ahead.
    #[serde(default)]
    pub decision: Option<DecisionDef>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `decision:` of a before-callback: how the receiver's answer is read.
/// `ErrorCode` 0 allows the action; the listed codes refuse it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionDef {
    /// How long the service waits for the answer, in milliseconds.
    pub budget_ms: u64,
    /// What the decision means (Markdown).
    pub doc: String,
    /// The refusals a receiver may answer.
    pub refusals: Vec<RefusalDef>,
    #[serde(default)]
    pub note: Option<String>,
}

/// One way of refusing a before-callback: a single code or a range.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefusalDef {
    /// The one `ErrorCode` of this refusal.
    #[serde(default)]
    pub code: Option<i64>,
    /// The inclusive range of `ErrorCode`s of this refusal (the code is the receiver's choice).
    #[serde(default)]
    pub range: Option<[i64; 2]>,
    /// Rust variant name.
    pub name: String,
    pub doc: String,
    #[serde(default)]
    pub note: Option<String>,
}
