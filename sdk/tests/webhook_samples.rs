//! Every documented webhook sample parses into its typed event, through the
//! same path a receiver uses, and serializes again without losing a field.

use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};

use serde_json::Value;
use trtc_room::webhook::{Delivery, OptPlatform, WebhookError, WebhookQuery, WebhookVerifier};
use trtc_room::WebhookEvent;

const APP: u64 = 1_400_000_000;
const TOKEN: &str = "sample-token";

fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api-spec/samples")
}

/// `(command, file name, bytes)` of every `callback.<Command>[.zh].json`.
fn samples() -> Vec<(String, String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(samples_dir()).expect("api-spec/samples") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let Some(rest) = name.strip_prefix("callback.") else {
            continue;
        };
        if name == "callback.reply.json" {
            continue;
        }
        let stem = rest.strip_suffix(".json").expect("json file");
        // Variants of one callback's sample: `.zh` (Chinese page), `.live`
        // (the Live page of a callback Room shares).
        let command = [".zh", ".live"]
            .iter()
            .find_map(|suffix| stem.strip_suffix(suffix))
            .unwrap_or(stem)
            .to_owned();
        let bytes = std::fs::read(samples_dir().join(&name)).expect("read sample");
        out.push((command, name, bytes));
    }
    out.sort();
    out
}

/// The payload of a typed event, serialized again.
fn reserialize(event: &WebhookEvent) -> Value {
    event.to_json().expect("serialize")
}

/// `again` carries every field of `original`, with the same value, and no
/// others. Two normalizations are allowed, both documented Tencent
/// inconsistencies the SDK smooths over: an integer user ID (`*_Account`) is
/// written back as the same digits in a string, and a boolean sent as the
/// string `"true"`/`"false"` is written back as a JSON boolean.
fn assert_same(original: &Value, again: &Value, path: &str) {
    match (original, again) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys_a: Vec<_> = a.keys().collect();
            let mut keys_b: Vec<_> = b.keys().collect();
            keys_a.sort();
            keys_b.sort();
            assert_eq!(keys_a, keys_b, "keys at {path}");
            for (key, value) in a {
                assert_same(value, &b[key], &format!("{path}.{key}"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "length at {path}");
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                assert_same(x, y, &format!("{path}[{i}]"));
            }
        }
        (Value::Number(n), Value::String(s)) if path.ends_with("_Account") => {
            assert_eq!(n.to_string(), *s, "account at {path}");
        }
        (Value::String(s), Value::Bool(b)) if s == "true" || s == "false" => {
            assert_eq!(s == "true", *b, "boolean at {path}");
        }
        _ => assert_eq!(original, again, "value at {path}"),
    }
}

#[test]
fn every_sample_parses_and_round_trips() {
    let samples = samples();
    let mut commands: Vec<&str> = samples.iter().map(|(c, _, _)| c.as_str()).collect();
    commands.dedup();
    // Every documented callback has a sample (English and Chinese variants).
    assert_eq!(
        commands,
        WebhookEvent::COMMANDS
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>(),
        "{commands:?}"
    );
    assert!(samples
        .iter()
        .any(|(_, name, _)| name.ends_with(".zh.json")));

    let verifier = WebhookVerifier::new(APP).with_token(TOKEN);
    let now = 1_700_000_000;
    for (command, name, bytes) in &samples {
        let query = WebhookQuery::new(APP, command.clone())
            .client_ip("203.0.113.9")
            .opt_platform(OptPlatform::RestApi)
            .signed(TOKEN, now)
            .to_query_string();
        let delivery = verifier
            .receive_at(&query, bytes, UNIX_EPOCH + Duration::from_secs(now))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(delivery.command, *command, "{name}");
        assert_eq!(delivery.event.command(), command, "{name}");
        assert!(
            !matches!(delivery.event, WebhookEvent::Unknown { .. }),
            "{name} is a documented callback"
        );
        let original: Value = serde_json::from_slice(bytes).expect("sample json");
        assert_same(&original, &reserialize(&delivery.event), name);

        // Without the command in the query, the body's CallbackCommand is used.
        let from_body = Delivery::parse(&format!("SdkAppid={APP}"), bytes).expect(name);
        assert_eq!(from_body.event, delivery.event, "{name}");
    }
}

#[test]
fn large_integer_account_is_kept_exactly() {
    let bytes = std::fs::read(samples_dir().join("callback.Mic.CallbackAfterSeatInfoChanged.json"))
        .expect("sample");
    let delivery = Delivery::parse(
        &format!("SdkAppid={APP}&CallbackCommand=Mic.CallbackAfterSeatInfoChanged"),
        &bytes,
    )
    .expect("parse");
    let WebhookEvent::AfterSeatInfoChanged(event) = delivery.event else {
        panic!("wrong event: {:?}", delivery.event);
    };
    let seats = event.seat_list.expect("seats");
    // 144115233775727695 > 2^53: an f64 round trip would change the digits.
    assert_eq!(
        seats[0].member_account.as_deref(),
        Some("144115233775727695")
    );
    assert_eq!(event.operator_account.as_deref(), Some("user1"));
}

#[test]
fn string_boolean_is_read_as_boolean() {
    let bytes = std::fs::read(samples_dir().join("callback.Room.CallbackAfterUpdateRoomInfo.json"))
        .expect("sample");
    let delivery = Delivery::parse(&format!("SdkAppid={APP}"), &bytes).expect("parse");
    let WebhookEvent::AfterUpdateRoomInfo(event) = delivery.event else {
        panic!("wrong event: {:?}", delivery.event);
    };
    assert_eq!(event.room_info.is_cloud_recording_disabled, Some(false));
    assert_eq!(event.room_info.room_id, "rid-123");
}

#[test]
fn command_in_query_and_body_must_agree() {
    let body = br#"{"CallbackCommand":"Room.CallbackAfterDestroyRoom","RoomId":"r1"}"#;
    let err = Delivery::parse(
        &format!("SdkAppid={APP}&CallbackCommand=Room.CallbackAfterMemberEnter"),
        body,
    )
    .unwrap_err();
    match err {
        WebhookError::CommandMismatch { query, body } => {
            assert_eq!(query, "Room.CallbackAfterMemberEnter");
            assert_eq!(body, "Room.CallbackAfterDestroyRoom");
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
    assert_eq!(err_status(body, "Room.CallbackAfterMemberEnter"), 400);
}

fn err_status(body: &[u8], command: &str) -> u16 {
    Delivery::parse(&format!("SdkAppid={APP}&CallbackCommand={command}"), body)
        .map(|_| 200)
        .unwrap_or_else(|e| e.http_status())
}

#[test]
fn two_spellings_of_the_update_callback_agree() {
    let body =
        br#"{"CallbackCommand":"Room.CallbackAfterUpdateRoomInfo","RoomInfo":{"RoomId":"r1"}}"#;
    let delivery = Delivery::parse(
        &format!("SdkAppid={APP}&CallbackCommand=Room.CallbackUpdateRoomInfo"),
        body,
    )
    .expect("alias accepted");
    assert!(matches!(
        delivery.event,
        WebhookEvent::AfterUpdateRoomInfo(_)
    ));
    assert_eq!(delivery.command, "Room.CallbackUpdateRoomInfo");
}

#[test]
fn unknown_command_is_kept() {
    let body = br#"{"CallbackCommand":"Room.CallbackAfterSomethingNew","RoomId":"r1","N":144115233775727695}"#;
    let delivery = Delivery::parse(&format!("SdkAppid={APP}"), body).expect("parse");
    match &delivery.event {
        WebhookEvent::Unknown { command, body } => {
            assert_eq!(command, "Room.CallbackAfterSomethingNew");
            assert_eq!(body["N"].as_u64(), Some(144_115_233_775_727_695));
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
}

#[test]
fn bad_bodies_are_refused() {
    let query = format!("SdkAppid={APP}&CallbackCommand=Room.CallbackAfterDestroyRoom");
    for body in [
        &b"not json"[..],
        b"",
        b"[1,2]",
        br#"{"CallbackCommand":5}"#,
        br#"{"Operator_Account":"a"}"#,
    ] {
        assert!(
            matches!(
                Delivery::parse(&query, body),
                Err(WebhookError::InvalidBody(_))
            ),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    // No command anywhere.
    assert!(matches!(
        Delivery::parse(&format!("SdkAppid={APP}"), br#"{"RoomId":"r1"}"#),
        Err(WebhookError::MissingParameter("CallbackCommand"))
    ));
}

#[test]
fn query_is_verified_before_the_body_is_read() {
    let verifier = WebhookVerifier::new(APP).with_token(TOKEN);
    let query = WebhookQuery::new(APP, "Room.CallbackAfterDestroyRoom")
        .signed("forged", 1_700_000_000)
        .to_query_string();
    let err = verifier
        .receive_at(
            &query,
            b"not json",
            UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        )
        .unwrap_err();
    assert!(matches!(err, WebhookError::SignMismatch), "{err:?}");
}
