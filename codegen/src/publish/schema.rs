//! JSON Schema (Draft 2020-12) of the wire format, built from the IR.
//!
//! Every published type is a [`Component`]: one entry of the OpenAPI
//! document's `components/schemas` and one file under `api-spec/schema/`.
//! Component schemas are built once, with `#/components/schemas/<Name>`
//! references; the per-file form rewrites those references to file names.
//!
//! A named type of the spec reachable from both requests and answers is
//! published twice: the request side (closed objects, only the values the
//! service accepts) under its own name, the answer side (open objects, every
//! known value plus any new one) under `<Name>Reported`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::ir::{Command, EnumValue, Field, NamedType, Payload, Spec, Ty, TypeKind, Webhook};
use crate::spec::{EnumKind, WireValue};

/// Which way a value travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Sent by the client: exact and closed.
    Request,
    /// Sent by the service (answers and webhooks): lenient and open.
    Response,
}

/// One published schema.
#[derive(Debug, Clone)]
pub struct Component {
    /// Name under `components/schemas`.
    pub name: String,
    /// File name under `api-spec/schema/`.
    pub file: String,
    /// The schema, with `#/components/schemas/..` references.
    pub schema: Value,
}

/// Name of the shared envelope component.
pub const ENVELOPE: &str = "Envelope";
/// Name of the webhook acknowledgement component.
pub const CALLBACK_ACK: &str = "CallbackAck";
const ACCOUNT_ID: &str = "AccountId";
const FLEX_BOOL: &str = "FlexBool";
const REPORTED: &str = "Reported";
/// Regular expression (ECMA-262, as JSON Schema uses) of printable ASCII to the end.
const ASCII_CHARS: &str = "[ -~]*$";

/// Escapes the characters that are special in an ECMA-262 regular expression.
fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\^$.|?*+()[]{}/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Reference to a component.
pub fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// Published name of the request body of `c`.
pub fn request_name(c: &Command) -> String {
    format!("{}Request", c.type_name)
}

/// Published name of the whole answer body of `c` (envelope included), or
/// the envelope itself for commands without a payload.
pub fn response_name(c: &Command) -> String {
    match c.payload {
        Payload::None => ENVELOPE.to_owned(),
        _ => format!("{}Response", c.type_name),
    }
}

fn payload_name(c: &Command) -> String {
    format!("{}Payload", c.type_name)
}

/// File name of the request schema of `c`.
pub fn request_file(c: &Command) -> String {
    format!("{}.{}.request.schema.json", c.service, c.command)
}

/// File name of the answer schema of `c`.
pub fn response_file(c: &Command) -> String {
    format!("{}.{}.response.schema.json", c.service, c.command)
}

/// File name of the payload schema of `c`.
fn payload_file(c: &Command) -> String {
    format!("{}.{}.payload.schema.json", c.service, c.command)
}

/// File name of the payload schema of webhook `w`.
pub fn webhook_file(w: &Webhook) -> String {
    format!("webhook.{}.schema.json", w.command)
}

/// Builds every component of the spec, sorted by name.
pub struct Builder<'a> {
    spec: &'a Spec,
    /// Named types (not messages) reachable from requests.
    request_types: BTreeSet<String>,
    /// Named types (not messages) reachable from answers and webhooks.
    response_types: BTreeSet<String>,
}

impl<'a> Builder<'a> {
    /// Works out which named types each side reaches.
    pub fn new(spec: &'a Spec) -> Self {
        let messages: BTreeSet<&str> = spec
            .services
            .iter()
            .flat_map(|s| &s.commands)
            .flat_map(|c| [c.type_name.as_str(), c.response_name.as_str()])
            .chain(spec.webhooks.iter().map(|w| w.type_name.as_str()))
            .collect();
        let mut req_roots = Vec::new();
        let mut resp_roots = Vec::new();
        for c in spec.services.iter().flat_map(|s| &s.commands) {
            req_roots.push(c.type_name.clone());
            resp_roots.push(c.response_name.clone());
        }
        resp_roots.extend(spec.webhooks.iter().map(|w| w.type_name.clone()));
        let reach = |roots: Vec<String>| -> BTreeSet<String> {
            let mut seen = BTreeSet::new();
            let mut stack = roots;
            while let Some(n) = stack.pop() {
                if !seen.insert(n.clone()) {
                    continue;
                }
                if let Some(TypeKind::Object(fields)) = spec.types.get(&n).map(|t| &t.kind) {
                    for f in fields {
                        named_in(&f.ty, &mut stack);
                    }
                }
            }
            seen.retain(|n| !messages.contains(n.as_str()));
            seen
        };
        Builder {
            spec,
            request_types: reach(req_roots),
            response_types: reach(resp_roots),
        }
    }

    /// Published name of named type `name` as seen from `side`.
    fn type_name(&self, name: &str, side: Side) -> String {
        match side {
            Side::Response if self.request_types.contains(name) => format!("{name}{REPORTED}"),
            _ => name.to_owned(),
        }
    }

    /// Every component, sorted by name.
    pub fn components(&self) -> Vec<Component> {
        let mut out = vec![
            Component {
                name: ENVELOPE.into(),
                file: format!("{ENVELOPE}.schema.json"),
                schema: envelope(),
            },
            Component {
                name: CALLBACK_ACK.into(),
                file: format!("{CALLBACK_ACK}.schema.json"),
                schema: callback_ack(),
            },
            Component {
                name: ACCOUNT_ID.into(),
                file: format!("{ACCOUNT_ID}.schema.json"),
                schema: json!({
                    "description": "A user ID. Sent as a string; the service may report it as a bare JSON integer, which can exceed 2^53 (parse it as a string in JavaScript).",
                    "anyOf": [{ "type": "string" }, { "type": "integer" }],
                }),
            },
            Component {
                name: FLEX_BOOL.into(),
                file: format!("{FLEX_BOOL}.schema.json"),
                schema: json!({
                    "description": "A boolean, which the service sometimes writes as the string \"true\" or \"false\".",
                    "anyOf": [
                        { "type": "boolean" },
                        { "type": "string", "enum": ["true", "false"] },
                    ],
                }),
            },
        ];
        // Fixed-value query parameters with a schema name share one type.
        for q in self.spec.query.iter().chain(&self.spec.webhook_query) {
            if let Some(name) = &q.schema_name {
                if out.iter().any(|c| &c.name == name) {
                    continue;
                }
                out.push(Component {
                    name: name.clone(),
                    file: format!("{name}.schema.json"),
                    schema: json!({ "description": q.doc, "type": "string", "enum": q.values }),
                });
            }
        }
        for (side, names) in [
            (Side::Request, &self.request_types),
            (Side::Response, &self.response_types),
        ] {
            for n in names {
                let t = &self.spec.types[n];
                let name = self.type_name(n, side);
                out.push(Component {
                    file: format!("{name}.schema.json"),
                    schema: self.named(t, side),
                    name,
                });
            }
        }
        for c in self.spec.services.iter().flat_map(|s| &s.commands) {
            let req = &self.spec.types[&c.type_name];
            out.push(Component {
                name: request_name(c),
                file: request_file(c),
                schema: self.object_with(
                    fields_of(req),
                    Side::Request,
                    &format!(
                        "Request body of `{}/{}`: {}",
                        c.service,
                        c.command,
                        lower_first(&c.summary)
                    ),
                    &req.exactly_one_of,
                ),
            });
            let payload = fields_of(&self.spec.types[&c.response_name]);
            let envelope_ref = reference(ENVELOPE);
            match &c.payload {
                Payload::None => {}
                Payload::Wrapped(key) => {
                    out.push(Component {
                        name: payload_name(c),
                        file: payload_file(c),
                        schema: self.object(
                            payload,
                            Side::Response,
                            &format!("What `{}/{}` returns under `{key}`.", c.service, c.command),
                        ),
                    });
                    let mut props = Map::new();
                    props.insert(key.clone(), reference(&payload_name(c)));
                    // Envelope and payload are both members of `allOf`: some
                    // generators drop properties that sit beside an `allOf`.
                    out.push(Component {
                        name: response_name(c),
                        file: response_file(c),
                        schema: json!({
                            "description": format!(
                                "Whole answer of `{}/{}`: the envelope, and on success the payload under `{key}`.",
                                c.service, c.command
                            ),
                            "allOf": [envelope_ref, { "type": "object", "properties": props }],
                        }),
                    });
                }
                Payload::TopLevel => {
                    let description = format!(
                        "Whole answer of `{}/{}`: the envelope with the payload fields beside it. The payload's required fields are present when `ActionStatus` is `OK`.",
                        c.service, c.command
                    );
                    let mut fields = self.object(payload, Side::Response, "");
                    let obj = fields.as_object_mut().expect("object schema");
                    obj.remove("description");
                    if let Some(required) = obj.remove("required") {
                        obj.insert(
                            "if".into(),
                            json!({
                                "properties": { "ActionStatus": { "const": "OK" } },
                                "required": ["ActionStatus"],
                            }),
                        );
                        obj.insert("then".into(), json!({ "required": required }));
                    }
                    out.push(Component {
                        name: response_name(c),
                        file: response_file(c),
                        schema: json!({
                            "description": description,
                            "allOf": [envelope_ref, fields],
                        }),
                    });
                }
            }
        }
        for w in &self.spec.webhooks {
            let t = &self.spec.types[&w.type_name];
            out.push(Component {
                name: w.type_name.clone(),
                file: webhook_file(w),
                schema: self.object(
                    fields_of(t),
                    Side::Response,
                    &format!(
                        "Body of the `{}` callback: {}",
                        w.command,
                        lower_first(&w.summary)
                    ),
                ),
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    fn named(&self, t: &NamedType, side: Side) -> Value {
        match &t.kind {
            TypeKind::Object(fields) => self.object(fields, side, &t.doc),
            TypeKind::Enum(kind, values) => enum_schema(*kind, values, side, &t.doc),
        }
    }

    fn object(&self, fields: &[Field], side: Side, doc: &str) -> Value {
        self.object_with(fields, side, doc, &[])
    }

    /// An object; with `exactly_one_of` (requests), exactly one of those
    /// fields must be present.
    fn object_with(
        &self,
        fields: &[Field],
        side: Side,
        doc: &str,
        exactly_one_of: &[String],
    ) -> Value {
        let mut props = Map::new();
        let mut required = Vec::new();
        for f in fields {
            props.insert(f.wire.clone(), self.field(f, side));
            // The service spells a few fields two ways; answers may use either.
            if side == Side::Response {
                for a in &f.aliases {
                    let mut s = self.field(f, side);
                    if let Some(o) = s.as_object_mut() {
                        o.insert(
                            "description".into(),
                            Value::String(format!("Other spelling of `{}`.", f.wire)),
                        );
                    }
                    props.insert(a.clone(), s);
                }
            }
            // A required field that answers may spell two ways is left optional
            // in answers (which are lenient anyway): "one of these names" needs
            // `anyOf` branches, which client generators turn into one class per
            // branch.
            if f.required && (f.aliases.is_empty() || side == Side::Request) {
                required.push(Value::String(f.wire.clone()));
            }
        }
        let mut o = Map::new();
        o.insert("description".into(), Value::String(doc.trim().to_owned()));
        o.insert("type".into(), json!("object"));
        o.insert("properties".into(), Value::Object(props));
        if !required.is_empty() {
            o.insert("required".into(), Value::Array(required));
        }
        if !exactly_one_of.is_empty() {
            let all_fields = fields.len() == exactly_one_of.len()
                && fields.iter().all(|f| exactly_one_of.contains(&f.wire));
            if all_fields && side == Side::Request {
                // The object is closed and has only these fields: "exactly one
                // present" is "exactly one property", which client generators
                // keep as one class with optional fields.
                o.insert("minProperties".into(), json!(1));
                o.insert("maxProperties".into(), json!(1));
            } else {
                o.insert(
                    "oneOf".into(),
                    Value::Array(exactly_one_of.iter().map(|n| present(n)).collect()),
                );
            }
        }
        if side == Side::Request {
            o.insert("additionalProperties".into(), json!(false));
        }
        Value::Object(o)
    }

    fn field(&self, f: &Field, side: Side) -> Value {
        let mut s = self.ty(&f.ty, side, f);
        let mut doc = f.doc.clone();
        if let Some(d) = &f.default {
            let d = match d {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            doc.push_str(&format!(" Default: {d}."));
        }
        if let Some(src) = f.source {
            doc.push_str(&format!("\n\n{}", src.note()));
        }
        if let Some(o) = s.as_object_mut() {
            o.insert("description".into(), Value::String(doc));
        }
        s
    }

    fn ty(&self, ty: &Ty, side: Side, f: &Field) -> Value {
        let limits = side == Side::Request;
        match ty {
            Ty::String => string_schema(f, limits),
            Ty::Account if side == Side::Request => string_schema(f, limits),
            Ty::Account => reference(ACCOUNT_ID),
            Ty::Bool => json!({ "type": "boolean" }),
            Ty::FlexBool if side == Side::Request => json!({ "type": "boolean" }),
            Ty::FlexBool => reference(FLEX_BOOL),
            Ty::I32 | Ty::U32 | Ty::I64 | Ty::U64 => {
                let mut o = Map::new();
                o.insert("type".into(), json!("integer"));
                let (lo, hi): (Option<Value>, Option<Value>) = match ty {
                    Ty::I32 => (Some(json!(i32::MIN)), Some(json!(i32::MAX))),
                    Ty::U32 => (Some(json!(0)), Some(json!(u32::MAX))),
                    Ty::I64 => (Some(json!(i64::MIN)), Some(json!(i64::MAX))),
                    _ => (Some(json!(0)), Some(json!(u64::MAX))),
                };
                // The spec's documented range binds requests; answers keep the type's range.
                let (lo, hi) = if limits {
                    (
                        f.min.map(|m| json!(m)).or(lo),
                        f.max.map(|m| json!(m)).or(hi),
                    )
                } else {
                    (lo, hi)
                };
                if let Some(lo) = lo {
                    o.insert("minimum".into(), json!(lo));
                }
                if let Some(hi) = hi {
                    o.insert("maximum".into(), json!(hi));
                }
                Value::Object(o)
            }
            Ty::Json => json!({}),
            Ty::List(inner) => {
                let mut o = Map::new();
                o.insert("type".into(), json!("array"));
                // Per-item byte limits apply to the items of a list of strings.
                o.insert("items".into(), self.ty(inner, side, f));
                if limits {
                    if let Some(n) = f.min_items {
                        o.insert("minItems".into(), json!(n));
                    }
                    if let Some(n) = f.max_items {
                        o.insert("maxItems".into(), json!(n));
                    }
                }
                Value::Object(o)
            }
            Ty::Named(n) => reference(&self.type_name(n, side)),
        }
    }
}

/// "Property `name` is present", in a form strict validators accept inside
/// `anyOf`/`oneOf` (the property is declared where it is required).
fn present(name: &str) -> Value {
    // `{}` rather than `true`: some generators (openapi-python-client) take
    // only objects as schemas.
    json!({ "properties": { name: {} }, "required": [name] })
}

fn fields_of(t: &NamedType) -> &[Field] {
    match &t.kind {
        TypeKind::Object(f) => f,
        TypeKind::Enum(..) => &[],
    }
}

fn named_in(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        Ty::Named(n) => out.push(n.clone()),
        Ty::List(i) => named_in(i, out),
        _ => {}
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A string with the field's limits (on the request side).
fn string_schema(f: &Field, limits: bool) -> Value {
    let mut o = Map::new();
    o.insert("type".into(), json!("string"));
    if limits {
        if let Some(n) = f.min_bytes {
            // A UTF-8 character takes at most 4 bytes.
            o.insert("minLength".into(), json!(n.div_ceil(4)));
            o.insert("x-min-bytes".into(), json!(n));
        }
        if let Some(n) = f.max_bytes {
            // Characters never outnumber bytes; with printable ASCII they are equal.
            o.insert("maxLength".into(), json!(n));
            o.insert("x-max-bytes".into(), json!(n));
        }
        if f.printable_ascii || !f.starts_with.is_empty() {
            let prefix = if f.starts_with.is_empty() {
                String::new()
            } else {
                let alts: Vec<String> = f.starts_with.iter().map(|p| regex_escape(p)).collect();
                format!("(?:{})", alts.join("|"))
            };
            let rest = if f.printable_ascii { ASCII_CHARS } else { "" };
            o.insert("pattern".into(), json!(format!("^{prefix}{rest}")));
        }
    }
    Value::Object(o)
}

fn wire_json(v: &WireValue) -> Value {
    match v {
        WireValue::Int(i) => json!(i),
        WireValue::Str(s) => json!(s),
    }
}

fn enum_schema(kind: EnumKind, values: &[EnumValue], side: Side, doc: &str) -> Value {
    let shown: Vec<&EnumValue> = values
        .iter()
        .filter(|v| side == Side::Response || !v.response_only)
        .collect();
    let ty = match kind {
        EnumKind::String => "string",
        EnumKind::Integer => "integer",
    };
    let mut known = Map::new();
    known.insert("type".into(), json!(ty));
    known.insert(
        "enum".into(),
        Value::Array(shown.iter().map(|v| wire_json(&v.wire)).collect()),
    );
    known.insert(
        "x-enum-varnames".into(),
        Value::Array(shown.iter().map(|v| json!(v.variant)).collect()),
    );
    known.insert(
        "x-enum-descriptions".into(),
        Value::Array(shown.iter().map(|v| json!(v.doc)).collect()),
    );
    let list = shown
        .iter()
        .map(|v| {
            let shown = match &v.wire {
                WireValue::Int(i) => format!("`{i}` ({})", v.variant),
                WireValue::Str(s) => format!("`{s}`"),
            };
            if side == Side::Response && !v.aliases.is_empty() {
                let also: Vec<String> = v
                    .aliases
                    .iter()
                    .map(|a| match a {
                        WireValue::Int(i) => format!("`{i}`"),
                        WireValue::Str(s) => format!("`{s}`"),
                    })
                    .collect();
                format!("{shown} (also written {})", also.join(", "))
            } else {
                shown
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    // A string enum the service also writes as numbers.
    let numbers = kind == EnumKind::String
        && shown
            .iter()
            .any(|v| v.aliases.iter().any(|a| matches!(a, WireValue::Int(_))));
    match side {
        Side::Request => {
            known.insert(
                "description".into(),
                Value::String(format!("{}\n\nAccepted values: {list}.", doc.trim())),
            );
            Value::Object(known)
        }
        Side::Response => {
            let mut any = vec![Value::Object(known), json!({ "type": ty })];
            if kind == EnumKind::Integer {
                // Integer enums are sometimes written as strings ("1").
                any.push(json!({ "type": "string", "pattern": "^-?[0-9]+$" }));
            }
            if numbers {
                any.push(json!({ "type": "integer" }));
            }
            json!({
                "description": format!(
                    "{}\n\nKnown values: {list}. Values added to the service later are accepted too.",
                    doc.trim()
                ),
                "anyOf": any,
            })
        }
    }
}

fn envelope() -> Value {
    json!({
        "description": "Fields every answer carries. `ActionStatus` is `OK` and `ErrorCode` 0 on success; otherwise `ErrorCode` and `ErrorInfo` say what went wrong.",
        "type": "object",
        "properties": {
            "ActionStatus": {
                "description": "`OK` on success, `FAIL` otherwise.",
                "type": "string",
                "enum": ["OK", "FAIL"],
            },
            "ErrorCode": {
                "description": "0 on success; otherwise a code of the top-level `x-error-codes` table (or one not documented yet).",
                "type": "integer",
            },
            "ErrorInfo": { "description": "Description of the error; empty on success.", "type": "string" },
            "RequestId": {
                "description": "Unique ID of the request, for Tencent support (absent in some Chat account answers).",
                "type": "string",
            },
        },
        "required": ["ActionStatus", "ErrorCode"],
    })
}

fn callback_ack() -> Value {
    json!({
        "description": "What a webhook receiver answers (HTTP 200). The service does not act on it.",
        "type": "object",
        "properties": {
            "ActionStatus": { "description": "`OK` when the event was accepted.", "type": "string", "enum": ["OK", "FAIL"] },
            "ErrorCode": { "description": "0 when the event was accepted.", "type": "integer" },
            "ErrorInfo": { "description": "Description of a refusal; empty otherwise.", "type": "string" },
        },
        "required": ["ActionStatus", "ErrorCode"],
    })
}

/// The file form of `c`: `$schema`, `$id`, `title`, and references rewritten
/// to the files of the other components (relative to the same folder).
pub fn file_form(c: &Component, files: &BTreeMap<String, String>, id_base: &str) -> Value {
    let mut schema = rewrite_refs(&c.schema, files);
    let mut o = Map::new();
    o.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    o.insert("$id".into(), json!(format!("{id_base}{}", c.file)));
    o.insert("title".into(), json!(c.name));
    if let Some(obj) = schema.as_object_mut() {
        o.append(obj);
    }
    Value::Object(o)
}

fn rewrite_refs(v: &Value, files: &BTreeMap<String, String>) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v.as_str()) {
                        ("$ref", Some(r)) => {
                            let name = r.trim_start_matches("#/components/schemas/");
                            Value::String(files.get(name).cloned().unwrap_or_else(|| r.to_owned()))
                        }
                        _ => rewrite_refs(v, files),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|v| rewrite_refs(v, files)).collect()),
        other => other.clone(),
    }
}
