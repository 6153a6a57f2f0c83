//! The published description (`api-spec/openapi.json`, `api-spec/schema/`,
//! `api-spec/catalog.json`) accepts every documented sample, refuses what the
//! service refuses, stays portable, and says the same thing in its two forms.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use trtc_room_codegen::ir::{self, Payload};
use trtc_room_codegen::publish::schema;

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every schema file, by file name.
fn schema_files() -> BTreeMap<String, Value> {
    let dir = spec_dir().join("schema");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("api-spec/schema exists") {
        let path = entry.expect("readable").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.insert(name, read_json(&path));
    }
    out
}

struct Validators {
    files: BTreeMap<String, Value>,
}

impl Validators {
    fn new() -> Self {
        Validators {
            files: schema_files(),
        }
    }

    fn for_file(&self, name: &str) -> jsonschema::Validator {
        let root = self
            .files
            .get(name)
            .unwrap_or_else(|| panic!("no schema file {name}"));
        let resources = self.files.values().map(|schema| {
            let id = schema["$id"]
                .as_str()
                .expect("every file has an $id")
                .to_owned();
            (id, schema)
        });
        let registry = jsonschema::Registry::new()
            .draft(jsonschema::Draft::Draft202012)
            .extend(resources)
            .and_then(|builder| builder.prepare())
            .unwrap_or_else(|e| panic!("the schema files do not form a registry: {e}"));
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .with_registry(&registry)
            .build(root)
            .unwrap_or_else(|e| panic!("{name} does not compile: {e}"))
    }

    fn errors(&self, name: &str, instance: &Value) -> Vec<String> {
        self.for_file(name)
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }
}

fn sample(name: &str) -> Value {
    read_json(&spec_dir().join("samples").join(name))
}

#[test]
fn every_documented_sample_matches_its_schema() {
    let spec = ir::load(&spec_dir()).expect("spec loads");
    let v = Validators::new();
    let mut checked = 0;
    let mut problems = Vec::new();
    let mut check = |file: String, sample_name: &str| {
        let errors = v.errors(&file, &sample(sample_name));
        if !errors.is_empty() {
            problems.push(format!("{sample_name} against {file}: {errors:?}"));
        }
        checked += 1;
    };
    for c in spec.services.iter().flat_map(|s| &s.commands) {
        for s in &c.samples {
            if let Some(r) = &s.request {
                check(schema::request_file(c), r);
            }
            if let Some(r) = &s.response {
                check(schema::response_file(c), r);
            }
        }
    }
    for w in &spec.webhooks {
        for s in &w.samples {
            check(schema::webhook_file(w), s);
        }
    }
    if let Some(ack) = &spec.webhook_ack_sample {
        check(format!("{}.schema.json", schema::CALLBACK_ACK), ack);
    }
    check(
        format!("{}.schema.json", schema::ENVELOPE),
        "common.envelope.response.json",
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked > 60, "only {checked} samples checked");
}

#[test]
fn requests_the_service_refuses_are_refused() {
    let v = Validators::new();
    let create = "room_engine_http_srv.create_room.request.schema.json";
    let room = |extra: Value| {
        let mut info = json!({ "RoomId": "room-1", "RoomType": "Conference" });
        for (k, val) in extra.as_object().unwrap() {
            info[k] = val.clone();
        }
        json!({ "RoomInfo": info })
    };
    // The baseline passes, so each refusal below is about its one change.
    assert_eq!(v.errors(create, &room(json!({}))), Vec::<String>::new());
    let cjk_48_chars: String = "房".repeat(48);
    let refused = [
        (
            create,
            room(json!({ "RoomName": null })),
            "null for an optional field",
        ),
        (create, room(json!({ "Colour": "red" })), "an unknown field"),
        (
            create,
            room(json!({ "RoomType": "Banana" })),
            "an unknown enum value",
        ),
        (
            create,
            room(json!({ "RoomType": "Meeting" })),
            "a response-only RoomType",
        ),
        (
            create,
            room(json!({ "TakeSeatMode": "None" })),
            "a response-only TakeSeatMode",
        ),
        (
            create,
            room(json!({ "RoomId": cjk_48_chars })),
            "48 CJK characters (144 bytes)",
        ),
        (
            create,
            room(json!({ "RoomId": "a".repeat(49) })),
            "49 bytes",
        ),
        (
            create,
            room(json!({ "MaxMemberCount": "50" })),
            "a number as a string",
        ),
        (
            create,
            room(json!({ "MaxMemberCount": -1 })),
            "a negative count",
        ),
        (create, json!({}), "a missing required field"),
        (
            create,
            json!({ "RoomInfo": { "RoomId": "r" } }),
            "a missing nested required field",
        ),
        (create, json!([]), "an array body"),
        (
            "room_engine_http_srv.update_room_member_info.request.schema.json",
            json!({ "RoomId": "r", "MemberList": [{ "Member_Account": "bob", "Role": "Owner" }] }),
            "assigning the owner role",
        ),
        (create, room(json!({ "RoomId": "" })), "an empty RoomId"),
        (
            "room_engine_http_srv.mark_room_member.request.schema.json",
            json!({ "RoomId": "r", "CommandType": 1, "MemberList": [{ "Member_Account": "bob", "Marks": [999] }] }),
            "a mark below 1000",
        ),
        (
            "room_config.set_callback.request.schema.json",
            json!({ "Url": "ftp://example.com/cb", "CallbackCommandList": ["Room.CallbackAfterCreateRoom"] }),
            "a callback URL that is not http(s)",
        ),
        (
            "im_open_login_svc.account_check.request.schema.json",
            json!({ "CheckItem": [] }),
            "an empty batch",
        ),
        (
            "im_open_login_svc.account_import.request.schema.json",
            json!({ "UserID": "用户" }),
            "a user ID outside printable ASCII",
        ),
        (
            "im_open_login_svc.multiaccount_import.request.schema.json",
            json!({ "Accounts": ["a"], "AccountList": [{ "UserID": "b" }] }),
            "both import forms at once",
        ),
        (
            "im_open_login_svc.multiaccount_import.request.schema.json",
            json!({}),
            "neither import form",
        ),
        (
            "room_engine_http_srv.kick_user_out.request.schema.json",
            json!({ "RoomId": "r", "MemberList_Account": (0..21).map(|i| format!("u{i}")).collect::<Vec<_>>() }),
            "more accounts than allowed",
        ),
    ];
    for (file, body, what) in refused {
        assert!(
            !v.errors(file, &body).is_empty(),
            "{file} accepts {what}: {body}"
        );
    }
}

#[test]
fn answers_and_webhooks_stay_open() {
    let v = Validators::new();
    let info = "room_engine_http_srv.get_room_info.response.schema.json";
    let body = json!({
        "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "r-1",
        "Response": { "RoomInfo": {
            "RoomId": "r", "RoomType": "Hologram", "TakeSeatMode": "None",
            "IsVideoDisabled": "false", "Owner_Account": 144115212345678901_u64,
            "SomethingNew": { "a": 1 }
        }},
        "AlsoNew": true
    });
    assert_eq!(v.errors(info, &body), Vec::<String>::new());
    // A failed call carries no payload, also for commands whose payload sits
    // beside the envelope.
    let fail = json!({ "ActionStatus": "FAIL", "ErrorCode": 70107, "ErrorInfo": "not imported" });
    let spec = ir::load(&spec_dir()).expect("spec loads");
    let mut top_level = 0;
    for c in spec.services.iter().flat_map(|s| &s.commands) {
        if c.payload == Payload::TopLevel {
            top_level += 1;
            let file = schema::response_file(c);
            assert_eq!(v.errors(&file, &fail), Vec::<String>::new(), "{file}");
        }
    }
    assert!(top_level > 0);
    // The envelope itself is required.
    assert!(!v.errors(info, &json!({ "Response": {} })).is_empty());
}

/// Rewrites `#/components/schemas/X` references to the file of X.
fn to_files(v: &Value, files: &BTreeMap<String, String>) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v.as_str()) {
                        ("$ref", Some(r)) => {
                            let name = r.trim_start_matches("#/components/schemas/");
                            Value::String(files.get(name).cloned().unwrap_or_else(|| r.into()))
                        }
                        _ => to_files(v, files),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|v| to_files(v, files)).collect()),
        other => other.clone(),
    }
}

#[test]
fn schema_files_and_openapi_components_agree() {
    let openapi = read_json(&spec_dir().join("openapi.json"));
    let components = openapi["components"]["schemas"]
        .as_object()
        .expect("components/schemas");
    let files = schema_files();
    let file_of: BTreeMap<String, String> = files
        .iter()
        .filter_map(|(f, s)| Some((s["title"].as_str()?.to_owned(), f.clone())))
        .collect();
    for (name, component) in components {
        let file = file_of
            .get(name)
            .unwrap_or_else(|| panic!("component {name} has no schema file"));
        let mut published = files[file].clone();
        let obj = published.as_object_mut().unwrap();
        for key in ["$schema", "$id", "title"] {
            assert!(obj.remove(key).is_some(), "{file} lacks {key}");
        }
        assert_eq!(published, to_files(component, &file_of), "{file} vs {name}");
    }
    // Files that are not components only refer to one (a command answering
    // with the bare envelope).
    for (file, s) in &files {
        let title = s["title"].as_str().unwrap();
        if !components.contains_key(title) {
            assert_eq!(s["$ref"], json!("Envelope.schema.json"), "{file}");
        }
    }
}

fn walk<'a>(v: &'a Value, path: &str, out: &mut Vec<(String, &'a Value)>) {
    out.push((path.to_owned(), v));
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, v)| walk(v, &format!("{path}/{k}"), out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| walk(v, &format!("{path}/{i}"), out)),
        _ => {}
    }
}

#[test]
fn everything_is_portable() {
    let openapi = read_json(&spec_dir().join("openapi.json"));
    let mut docs: Vec<(String, Value)> = schema_files().into_iter().collect();
    docs.push(("openapi.json".into(), openapi.clone()));
    for (name, doc) in &docs {
        let mut nodes = Vec::new();
        walk(doc, "", &mut nodes);
        for (path, node) in nodes {
            let Some(obj) = node.as_object() else {
                continue;
            };
            // Only schema objects are checked; an OpenAPI parameter also has
            // a `schema` child but no `type` of its own.
            assert!(
                !obj.contains_key("format"),
                "{name}{path}: non-portable `format`"
            );
            assert!(
                !matches!(obj.get("type"), Some(Value::Array(_))),
                "{name}{path}: union `type`; use anyOf"
            );
            assert_ne!(
                obj.get("type"),
                Some(&json!("null")),
                "{name}{path}: null type"
            );
            assert!(!obj.contains_key("nullable"), "{name}{path}: nullable");
            if let Some(Value::String(r)) = obj.get("$ref") {
                if let Some(target) = r.strip_prefix("#/") {
                    let pointer = format!("/{target}");
                    assert!(
                        openapi.pointer(&pointer).is_some() && name == "openapi.json",
                        "{name}{path}: dangling {r}"
                    );
                }
            }
        }
    }
}

#[test]
fn openapi_has_every_command_and_webhook() {
    let spec = ir::load(&spec_dir()).expect("spec loads");
    let openapi = read_json(&spec_dir().join("openapi.json"));
    assert_eq!(openapi["openapi"], json!("3.1.0"));
    let mut ids = BTreeSet::new();
    for c in spec.services.iter().flat_map(|s| &s.commands) {
        let op = &openapi["paths"][format!("/v4/{}/{}", c.service, c.command)]["post"];
        assert_eq!(op["operationId"], json!(c.method));
        assert!(ids.insert(c.method.clone()));
        assert_eq!(op["x-rate-limit"], json!(c.rate_limit));
        assert_eq!(op["x-idempotent"], json!(c.idempotent));
        assert_eq!(
            op["x-paging"].is_object(),
            c.paging.is_some(),
            "{}",
            c.command
        );
        let codes: Vec<i64> = op["x-error-codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_i64().unwrap())
            .collect();
        assert_eq!(codes, c.errors.iter().map(|e| e.0).collect::<Vec<_>>());
        let answer = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap();
        assert_eq!(
            answer.ends_with("/Envelope"),
            c.payload == Payload::None,
            "{}",
            c.command
        );
    }
    for w in &spec.webhooks {
        assert!(
            openapi["webhooks"][&w.command]["post"].is_object(),
            "{}",
            w.command
        );
    }
    let table = openapi["x-error-codes"].as_array().unwrap();
    assert_eq!(table.len(), spec.error_codes.len());
    let rate_limited: BTreeSet<i64> = table
        .iter()
        .filter(|e| e["rate_limited"] == json!(true))
        .map(|e| e["code"].as_i64().unwrap())
        .collect();
    // The REST rate codes, and Live's per-target frequency limit (100012:
    // the same room ID created more than once a second).
    assert_eq!(
        rate_limited,
        BTreeSet::from([60007, 60011, 60018, 60019, 100012])
    );
    // Every region is a server.
    assert_eq!(
        openapi["servers"].as_array().unwrap().len(),
        spec.regions.len()
    );
    // The catalog lists the same commands.
    let catalog = read_json(&spec_dir().join("catalog.json"));
    assert_eq!(catalog["commands"].as_array().unwrap().len(), ids.len());
}
