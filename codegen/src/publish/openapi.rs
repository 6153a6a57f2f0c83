//! The OpenAPI 3.1 document of the whole API: operations, query parameters,
//! security, servers (regions), webhooks, components and vendor extensions.

use serde_json::{json, Map, Value};

use super::schema::{self, Component, CALLBACK_ACK};
use crate::ir::{Command, QueryParam, QueryTy, Spec};
use crate::spec::PagingEnd;

/// Builds the document from the spec and its components.
pub fn document(spec: &Spec, components: &[Component]) -> Value {
    let p = &spec.publish;
    let mut paths = Map::new();
    let mut tags = Vec::new();
    for svc in &spec.services {
        tags.push(json!({ "name": svc.name, "description": svc.doc }));
        for c in &svc.commands {
            paths.insert(
                format!("/v4/{}/{}", c.service, c.command),
                json!({ "post": operation(c) }),
            );
        }
    }
    let mut webhooks = Map::new();
    for w in &spec.webhooks {
        let mut description = w.doc.clone().unwrap_or_default();
        if !w.aliases.is_empty() {
            let list = w
                .aliases
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            description.push_str(&format!("\n\nAlso delivered with CallbackCommand {list}."));
        }
        if let Some(src) = w.source {
            description.push_str(&format!("\n\n{}", src.note()));
        }
        if let Some(d) = &w.decision {
            description.push_str(&format!(
                "\n\nA before-callback: the answer decides within {} ms. {}",
                d.budget_ms, d.doc
            ));
        }
        let mut op = Map::new();
        if let Some(src) = w.source {
            op.insert("x-source".into(), json!(src.key()));
        }
        if let Some(d) = &w.decision {
            op.insert("x-decision".into(), decision(d));
        }
        op.insert(
            "operationId".into(),
            json!(format!(
                "on_{}",
                heck::ToSnakeCase::to_snake_case(w.name.as_str())
            )),
        );
        op.insert("summary".into(), json!(w.summary));
        if !description.trim().is_empty() {
            op.insert("description".into(), json!(description.trim()));
        }
        op.insert("tags".into(), json!(["webhooks"]));
        if let Some(url) = w.doc_urls.first() {
            op.insert("externalDocs".into(), json!({ "url": url }));
        }
        op.insert(
            "parameters".into(),
            Value::Array(
                spec.webhook_query
                    .iter()
                    .map(|q| {
                        let mut param = parameter(q);
                        if q.name == "CallbackCommand" {
                            param["schema"] = json!({ "type": "string", "enum": std::iter::once(&w.command).chain(&w.aliases).collect::<Vec<_>>() });
                        }
                        param
                    })
                    .collect(),
            ),
        );
        op.insert(
            "requestBody".into(),
            json!({
                "required": true,
                "content": { "application/json": { "schema": schema::reference(&w.type_name) } },
            }),
        );
        op.insert(
            "responses".into(),
            json!({
                "200": {
                    "description": "The receiver took the event.",
                    "content": { "application/json": { "schema": schema::reference(CALLBACK_ACK) } },
                }
            }),
        );
        op.insert("security".into(), json!([]));
        webhooks.insert(w.command.clone(), json!({ "post": op }));
    }
    if !spec.webhooks.is_empty() {
        tags.push(json!({
            "name": "webhooks",
            "description": "Callbacks the service POSTs to the URL configured with room_config/set_callback (Room) or live_config/set_callback (Live).",
        }));
    }

    let mut security_schemes = Map::new();
    let mut security = Map::new();
    let mut parameters = Map::new();
    for q in &spec.query {
        if q.auth {
            let name = scheme_name(&q.name);
            security_schemes.insert(
                name.clone(),
                json!({ "type": "apiKey", "in": "query", "name": q.name, "description": q.doc }),
            );
            security.insert(name, json!([]));
        } else {
            parameters.insert(q.name.clone(), parameter(q));
        }
    }
    let mut schemas = Map::new();
    for c in components {
        schemas.insert(c.name.clone(), c.schema.clone());
    }

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": p.title,
            "version": p.version,
            "description": p.doc,
            "license": { "name": p.license, "identifier": p.license },
        },
        "externalDocs": { "description": "Tencent's documentation of the Room REST API", "url": p.doc_url },
        "servers": spec.regions.iter().map(|r| json!({
            "url": format!("https://{}", r.domain),
            "description": format!("{}: {}", r.name, r.doc),
        })).collect::<Vec<_>>(),
        "tags": tags,
        "security": [Value::Object(security)],
        "paths": paths,
        "webhooks": webhooks,
        "components": {
            "schemas": schemas,
            "parameters": parameters,
            "securitySchemes": security_schemes,
        },
        "x-error-codes": spec.error_codes.iter().map(|e| json!({
            "code": e.code,
            "name": e.name,
            "meaning": e.meaning,
            "rate_limited": e.rate_limited,
            "transient": e.transient,
        })).collect::<Vec<_>>(),
    })
}

/// Name of the security scheme carrying query parameter `name`.
fn scheme_name(name: &str) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(name)
}

fn parameter(q: &QueryParam) -> Value {
    let mut schema = match q.ty {
        QueryTy::String => json!({ "type": "string" }),
        QueryTy::U32 => json!({ "type": "integer", "minimum": 0, "maximum": u32::MAX }),
        QueryTy::U64 => json!({ "type": "integer", "minimum": 0 }),
    };
    if let Some(name) = &q.schema_name {
        schema = schema::reference(name);
    } else if !q.values.is_empty() {
        schema["enum"] = json!(q.values);
    }
    json!({
        "name": q.name,
        "in": "query",
        "required": q.required,
        "description": q.doc,
        "schema": schema,
    })
}

fn operation(c: &Command) -> Value {
    let mut desc = String::new();
    if let Some(d) = &c.doc {
        desc.push_str(d);
        desc.push_str("\n\n");
    }
    desc.push_str(&format!(
        "Rate limit: {} calls per second per app. {}",
        c.rate_limit,
        if c.idempotent {
            "Idempotent: safe to re-send after an attempt whose answer was lost."
        } else {
            "Not idempotent: do not re-send after an attempt that may have reached the server."
        }
    ));
    if !c.errors.is_empty() {
        desc.push_str("\n\nDocumented error codes:\n");
        for (code, meaning) in &c.errors {
            desc.push_str(&format!("\n- {code}: {meaning}"));
        }
    }
    let mut op = Map::new();
    if let Some(src) = c.source {
        desc.push_str(&format!("\n\n{}", src.note()));
        op.insert("x-source".into(), json!(src.key()));
    }
    op.insert("operationId".into(), json!(c.method));
    op.insert("summary".into(), json!(c.summary));
    op.insert("description".into(), json!(desc));
    op.insert("tags".into(), json!([c.service]));
    if let Some(url) = c.doc_urls.first() {
        op.insert(
            "externalDocs".into(),
            json!({ "description": "Tencent's page of this command", "url": url }),
        );
    }
    op.insert(
        "parameters".into(),
        json!([
            { "$ref": "#/components/parameters/random" },
            { "$ref": "#/components/parameters/contenttype" },
        ]),
    );
    op.insert(
        "requestBody".into(),
        json!({
            "required": true,
            "content": { "application/json": { "schema": schema::reference(&schema::request_name(c)) } },
        }),
    );
    op.insert(
        "responses".into(),
        json!({
            "200": {
                "description": "The outcome: `ActionStatus`/`ErrorCode` say whether the command succeeded.",
                "content": { "application/json": { "schema": schema::reference(&schema::response_name(c)) } },
            }
        }),
    );
    op.insert("x-rate-limit".into(), json!(c.rate_limit));
    op.insert("x-idempotent".into(), json!(c.idempotent));
    if let Some(pg) = &c.paging {
        op.insert(
            "x-paging".into(),
            json!({
                "request_cursor": pg.request_cursor.wire,
                "response_cursor": pg.response_cursor.wire,
                "items": pg.items.wire,
                "end": match pg.end {
                    PagingEnd::Empty => "empty",
                    PagingEnd::Zero => "zero",
                },
            }),
        );
    }
    op.insert(
        "x-error-codes".into(),
        Value::Array(
            c.errors
                .iter()
                .map(|(code, meaning)| json!({ "code": code, "meaning": meaning }))
                .collect(),
        ),
    );
    Value::Object(op)
}

/// `x-decision` of a before-callback: its budget and the refusal codes.
fn decision(d: &crate::ir::Decision) -> Value {
    let refusals: Vec<Value> = d
        .refusals
        .iter()
        .map(|r| match r.code() {
            Some(code) => json!({ "name": r.name, "code": code, "description": r.doc }),
            None => json!({ "name": r.name, "range": [r.lo, r.hi], "description": r.doc }),
        })
        .collect();
    json!({ "budget_ms": d.budget_ms, "allow": 0, "refusals": refusals })
}
