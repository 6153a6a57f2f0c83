//! The published description for other languages: `api-spec/openapi.json`,
//! `api-spec/catalog.json` and one JSON Schema file per type under
//! `api-spec/schema/`, all built from the IR (no Rust compilation needed).

mod catalog;
mod openapi;
pub mod schema;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::ir::{Payload, Spec};
use crate::GeneratedFile;

/// Folder (relative to the repository root) of the per-type schema files.
pub const SCHEMA_DIR: &str = "api-spec/schema";
/// The OpenAPI document (relative to the repository root).
pub const OPENAPI_FILE: &str = "api-spec/openapi.json";
/// The plain command catalog (relative to the repository root).
pub const CATALOG_FILE: &str = "api-spec/catalog.json";

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("JSON values always serialize");
    s.push('\n');
    s
}

/// Every published file.
pub fn files(spec: &Spec) -> Vec<GeneratedFile> {
    let components = schema::Builder::new(spec).components();
    let names: BTreeMap<String, String> = components
        .iter()
        .map(|c| (c.name.clone(), c.file.clone()))
        .collect();
    let mut out = vec![
        GeneratedFile {
            path: OPENAPI_FILE.to_owned(),
            contents: pretty(&openapi::document(spec, &components)),
        },
        GeneratedFile {
            path: CATALOG_FILE.to_owned(),
            contents: pretty(&catalog::catalog(spec)),
        },
    ];
    for c in &components {
        out.push(GeneratedFile {
            path: format!("{SCHEMA_DIR}/{}", c.file),
            contents: pretty(&schema::file_form(c, &names, &spec.publish.schema_id_base)),
        });
    }
    // Commands answering with the bare envelope still get their own response
    // file, so every command has both; it refers to the envelope.
    for c in spec.services.iter().flat_map(|s| &s.commands) {
        if c.payload == Payload::None {
            let alias = schema::Component {
                name: format!("{}Response", c.type_name),
                file: schema::response_file(c),
                schema: serde_json::json!({
                    "description": format!(
                        "Whole answer of `{}/{}`: the envelope alone.",
                        c.service, c.command
                    ),
                    "$ref": format!("#/components/schemas/{}", schema::ENVELOPE),
                }),
            };
            out.push(GeneratedFile {
                path: format!("{SCHEMA_DIR}/{}", alias.file),
                contents: pretty(&schema::file_form(
                    &alias,
                    &names,
                    &spec.publish.schema_id_base,
                )),
            });
        }
    }
    out
}
