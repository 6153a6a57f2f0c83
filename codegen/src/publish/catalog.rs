//! `api-spec/catalog.json`: the commands, error codes, regions and webhooks as
//! plain JSON, for tools that do not read OpenAPI.

use serde_json::{json, Value};

use super::schema;
use crate::ir::{Payload, Spec};
use crate::spec::PagingEnd;

/// Builds the catalog.
pub fn catalog(spec: &Spec) -> Value {
    let commands: Vec<Value> = spec
        .services
        .iter()
        .flat_map(|s| &s.commands)
        .map(|c| {
            json!({
                "service": c.service,
                "command": c.command,
                "method": "POST",
                "path": format!("/v4/{}/{}", c.service, c.command),
                "summary": c.summary,
                "doc_urls": c.doc_urls,
                "rate_limit_per_second": c.rate_limit,
                "idempotent": c.idempotent,
                "payload": match &c.payload {
                    Payload::None => json!({ "location": "none" }),
                    Payload::Wrapped(key) => json!({ "location": "wrapped", "key": key }),
                    Payload::TopLevel => json!({ "location": "top_level" }),
                },
                "paging": c.paging.as_ref().map(|p| json!({
                    "request_cursor": p.request_cursor.wire,
                    "response_cursor": p.response_cursor.wire,
                    "items": p.items.wire,
                    "end": match p.end { PagingEnd::Empty => "empty", PagingEnd::Zero => "zero" },
                })),
                "errors": c.errors.iter().map(|(code, meaning)| json!({ "code": code, "meaning": meaning })).collect::<Vec<_>>(),
                "request_schema": schema::request_file(c),
                "response_schema": schema::response_file(c),
            })
        })
        .collect();
    json!({
        "title": spec.publish.title,
        "version": spec.publish.version,
        "query": spec.query.iter().map(|q| json!({
            "name": q.name,
            "required": q.required,
            "credential": q.auth,
            "doc": q.doc,
        })).collect::<Vec<_>>(),
        "commands": commands,
        "error_codes": spec.error_codes.iter().map(|e| json!({
            "code": e.code,
            "name": e.name,
            "meaning": e.meaning,
            "rate_limited": e.rate_limited,
            "transient": e.transient,
        })).collect::<Vec<_>>(),
        "regions": spec.regions.iter().map(|r| json!({
            "name": r.name,
            "domain": r.domain,
            "aliases": r.aliases,
            "doc": r.doc,
        })).collect::<Vec<_>>(),
        "webhooks": spec.webhooks.iter().map(|w| json!({
            "command": w.command,
            "aliases": w.aliases,
            "summary": w.summary,
            "doc_urls": w.doc_urls,
            "schema": schema::webhook_file(w),
        })).collect::<Vec<_>>(),
        "webhook_query": spec.webhook_query.iter().map(|q| json!({
            "name": q.name,
            "required": q.required,
            "doc": q.doc,
        })).collect::<Vec<_>>(),
        "webhook_ack_schema": format!("{}.schema.json", schema::CALLBACK_ACK),
    })
}
