//! The published JSON Schema (`api-spec/schema/`) is fresh, accepts every
//! documented sample and actually constrains its documents.
#![cfg(feature = "json-schema")]

use std::path::PathBuf;

use serde_json::{json, Value};
use trtc_room::generated::schemas;

fn spec_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api-spec")
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("schema serializes");
    s.push('\n');
    s
}

fn validator(schema: &Value, name: &str) -> jsonschema::Validator {
    jsonschema::validator_for(schema)
        .unwrap_or_else(|e| panic!("{name} is not a valid schema: {e}"))
}

#[test]
fn committed_schema_is_fresh() {
    let dir = spec_dir().join("schema");
    let all = schemas::all();
    let mut problems = Vec::new();
    for (name, schema) in &all {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(text) if text == pretty(schema) => {}
            Ok(_) => problems.push(format!("stale: api-spec/schema/{name}")),
            Err(_) => problems.push(format!("missing: api-spec/schema/{name}")),
        }
    }
    for entry in std::fs::read_dir(&dir).expect("api-spec/schema exists") {
        let name = entry
            .expect("readable")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !all.iter().any(|(n, _)| *n == name) && name != ".gitkeep" {
            problems.push(format!("orphan: api-spec/schema/{name}"));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\nrun `cargo xtask codegen` and commit",
        problems.join("\n")
    );
}

#[test]
fn every_schema_is_draft_2020_12() {
    for (name, schema) in schemas::all() {
        assert_eq!(
            schema.get("$schema").and_then(Value::as_str),
            Some("https://json-schema.org/draft/2020-12/schema"),
            "{name}"
        );
        validator(&schema, &name);
    }
}

#[test]
fn every_documented_sample_matches_its_schema() {
    assert!(!schemas::SAMPLES.is_empty());
    let all = schemas::all();
    for (schema_name, sample_name) in schemas::SAMPLES {
        let (_, schema) = all
            .iter()
            .find(|(n, _)| n == schema_name)
            .unwrap_or_else(|| panic!("no schema {schema_name}"));
        let text = std::fs::read_to_string(spec_dir().join("samples").join(sample_name))
            .unwrap_or_else(|e| panic!("sample {sample_name}: {e}"));
        let sample: Value = serde_json::from_str(&text).expect("sample is JSON");
        let v = validator(schema, schema_name);
        let errors: Vec<String> = v.iter_errors(&sample).map(|e| e.to_string()).collect();
        assert!(
            errors.is_empty(),
            "sample {sample_name} does not match {schema_name}: {errors:?}"
        );
    }
}

#[test]
fn schemas_reject_wrong_documents() {
    let mut with_required = 0;
    for (name, schema) in schemas::all() {
        let v = validator(&schema, &name);
        for bad in [json!([]), json!("text"), json!(42), json!(null)] {
            assert!(!v.is_valid(&bad), "{name} accepts {bad}");
        }
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| !r.is_empty());
        if required {
            with_required += 1;
            assert!(!v.is_valid(&json!({})), "{name} accepts an empty object");
        }
    }
    // Response bodies require the envelope, so this cannot pass vacuously.
    assert!(with_required > 0);
}

#[test]
fn request_schema_rejects_a_missing_required_field_and_a_wrong_type() {
    let all = schemas::all();
    let (_, schema) = all
        .iter()
        .find(|(n, _)| n == "room_engine_http_srv.create_room.request.schema.json")
        .expect("create_room request schema");
    let v = validator(schema, "create_room");
    let sample: Value = serde_json::from_str(
        &std::fs::read_to_string(
            spec_dir().join("samples/room_engine_http_srv.create_room.request.json"),
        )
        .expect("sample"),
    )
    .expect("JSON");
    assert!(v.is_valid(&sample));
    let mut missing = sample.clone();
    missing.as_object_mut().expect("object").remove("RoomInfo");
    assert!(!v.is_valid(&missing), "RoomInfo is required");
    let mut wrong = sample;
    wrong["RoomInfo"] = json!("not an object");
    assert!(!v.is_valid(&wrong), "RoomInfo must be an object");
}

#[test]
fn response_schema_requires_the_envelope() {
    let all = schemas::all();
    let (_, schema) = all
        .iter()
        .find(|(n, _)| n == "room_engine_http_srv.get_room_info.response.schema.json")
        .expect("get_room_info response schema");
    let v = validator(schema, "get_room_info");
    assert!(v.is_valid(&json!({"ActionStatus": "FAIL", "ErrorCode": 100004, "ErrorInfo": "x"})));
    assert!(!v.is_valid(&json!({"ErrorCode": 0})));
    assert!(!v.is_valid(&json!({"ActionStatus": "OK", "ErrorCode": "zero"})));
}
