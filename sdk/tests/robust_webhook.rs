//! Randomized robustness of `WebhookVerifier::receive_at`: malformed query
//! strings and bodies always give a typed `WebhookError`, never a panic, and
//! the error never repeats the token. Seeded, so every run checks the same
//! cases.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{json, Value};
use trtc_room::webhook::{Delivery, WebhookError, WebhookQuery, WebhookVerifier};

const APP: u64 = 1_400_000_000;
const TOKEN: &str = "robust-token-7f3a";
const NOW_SECS: u64 = 1_700_000_000;

const COMMANDS: [&str; 6] = [
    "Room.CallbackAfterCreateRoom",
    "Room.CallbackAfterDestroyRoom",
    "Room.CallbackAfterUpdateRoomInfo",
    "Room.CallbackAfterMemberEnter",
    "Room.CallbackAfterMemberLeave",
    "Mic.CallbackAfterSeatInfoChanged",
];

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_SECS)
}

fn verifiers() -> [WebhookVerifier; 2] {
    [
        WebhookVerifier::new(APP),
        WebhookVerifier::new(APP).with_token(TOKEN),
    ]
}

/// The documented sample body of `command`.
fn sample(command: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../api-spec/samples")
        .join(format!("callback.{command}.json"));
    let text = std::fs::read_to_string(&path).expect("sample file");
    serde_json::from_str(&text).expect("sample JSON")
}

fn signed_query(command: &str) -> String {
    WebhookQuery::new(APP, command)
        .signed(TOKEN, NOW_SECS)
        .to_query_string()
}

/// Receives with both verifiers, checking what every refusal must satisfy.
fn receive_all(query: &str, body: &[u8], case: usize) -> Vec<Result<Delivery, WebhookError>> {
    verifiers()
        .iter()
        .map(|v| {
            let got = v.receive_at(query, body, now());
            if let Err(e) = &got {
                let text = format!("{e} {e:?}");
                assert!(!text.contains(TOKEN), "case {case}: token in {text}");
                assert!(
                    matches!(e.http_status(), 400 | 401 | 413),
                    "case {case}: {e}"
                );
            }
            got
        })
        .collect()
}

fn random_bytes(rng: &mut StdRng, max: usize) -> Vec<u8> {
    (0..rng.random_range(0..=max))
        .map(|_| rng.random())
        .collect()
}

/// A query parameter name: one the verifier knows (in any case), or not.
fn random_name(rng: &mut StdRng) -> String {
    const KNOWN: [&str; 8] = [
        "SdkAppid",
        "CallbackCommand",
        "WebhookCommand",
        "contenttype",
        "ClientIP",
        "OptPlatform",
        "RequestTime",
        "Sign",
    ];
    if rng.random_bool(0.7) {
        KNOWN[rng.random_range(0..KNOWN.len())]
            .chars()
            .map(|c| {
                if rng.random_bool(0.2) {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    } else {
        random_raw(rng, 12)
    }
}

/// Raw (still encoded) query text: percent escapes good and bad, `+`, `=`,
/// `&`, bytes that decode to invalid UTF-8, non-ASCII.
fn random_raw(rng: &mut StdRng, max: usize) -> String {
    let mut out = String::new();
    for _ in 0..rng.random_range(0..=max) {
        match rng.random_range(0..10) {
            0 => out.push('%'),
            1 => out.push_str(&format!("%{:02X}", rng.random::<u8>())),
            2 => out.push_str(
                ["%zz", "%4", "%%", "%ff%fe", "%c3%28", "%ed%a0%80"][rng.random_range(0..6)],
            ),
            3 => out.push(['+', '=', '&', '?', '#', ';'][rng.random_range(0..6)]),
            4 => out.push(char::from_u32(rng.random_range(0x80..0x11_0000)).unwrap_or('é')),
            5 => out.push_str(&rng.random::<u64>().to_string()),
            _ => out.push(char::from(rng.random_range(0x21u8..0x7f))),
        }
    }
    out
}

fn random_value(rng: &mut StdRng) -> String {
    match rng.random_range(0..8) {
        0 => String::new(),
        1 => APP.to_string(),
        2 => COMMANDS[rng.random_range(0..COMMANDS.len())].to_owned(),
        3 => "9".repeat(rng.random_range(19..200)),
        // A huge value.
        4 => "x".repeat(rng.random_range(10_000..200_000)),
        5 => format!("-{}", rng.random::<u32>()),
        _ => random_raw(rng, 40),
    }
}

#[test]
fn random_query_strings_are_refused_with_a_typed_error() {
    let mut rng = StdRng::seed_from_u64(0x3EB0_0001);
    let body = serde_json::to_vec(&sample(COMMANDS[0])).expect("serialize");
    let mut outcomes = [0usize; 2];
    for case in 0..3000 {
        let mut query = String::new();
        if rng.random_bool(0.3) {
            query.push('?');
        }
        // Sometimes start from a valid query, so later checks are reached.
        if rng.random_bool(0.4) {
            query.push_str(&signed_query(COMMANDS[rng.random_range(0..COMMANDS.len())]));
        }
        for _ in 0..rng.random_range(0..8) {
            if !query.is_empty() && !query.ends_with('?') {
                query.push('&');
            }
            // Repeated keys arise naturally from the small name set.
            query.push_str(&random_name(&mut rng));
            if rng.random_bool(0.9) {
                query.push('=');
                query.push_str(&random_value(&mut rng));
            }
        }
        for got in receive_all(&query, &body, case) {
            outcomes[usize::from(got.is_ok())] += 1;
        }
    }
    // Both paths were exercised.
    assert!(outcomes[0] > 1000 && outcomes[1] > 100, "{outcomes:?}");
}

/// A check of the error a case must produce.
type ErrCheck = fn(&WebhookError) -> bool;

#[test]
fn query_errors_name_the_problem() {
    let body = serde_json::to_vec(&sample(COMMANDS[1])).expect("serialize");
    let [open, signed] = verifiers();
    let cases: Vec<(String, ErrCheck)> = vec![
        (String::new(), |e| {
            matches!(e, WebhookError::MissingParameter("SdkAppid"))
        }),
        ("SdkAppid=%zz".into(), |e| {
            matches!(e, WebhookError::MalformedSdkAppId { .. })
        }),
        (format!("SdkAppid={}", "9".repeat(30)), |e| {
            matches!(e, WebhookError::MalformedSdkAppId { .. })
        }),
        ("SdkAppid=%ff%fe".into(), |e| {
            matches!(e, WebhookError::MalformedSdkAppId { .. })
        }),
        (format!("SdkAppid={APP}&sdkappid=1"), |e| {
            matches!(e, WebhookError::ConflictingParameter("SdkAppid"))
        }),
        (format!("SdkAppid=1{APP}"), |e| {
            matches!(e, WebhookError::ForeignSdkAppId { .. })
        }),
    ];
    for (query, expected) in cases {
        for verifier in [&open, &signed] {
            match verifier.receive_at(&query, &body, now()) {
                Err(e) if expected(&e) => {}
                other => panic!("{query:?}: {other:?}"),
            }
        }
    }
    let bad_sign = format!("SdkAppid={APP}&SDKAPPID={APP}&RequestTime={NOW_SECS}&Sign=%zz");
    assert!(matches!(
        signed.receive_at(&bad_sign, &body, now()),
        Err(WebhookError::MalformedSign)
    ));
    let bad_time = format!(
        "SdkAppid={APP}&RequestTime=-5&Sign={}",
        trtc_room::webhook::compute_sign(TOKEN, "-5")
    );
    assert!(matches!(
        signed.receive_at(&bad_time, &body, now()),
        Err(WebhookError::MalformedRequestTime)
    ));
    let huge_time = format!(
        "SdkAppid={APP}&RequestTime={0}&Sign={1}",
        "9".repeat(40),
        trtc_room::webhook::compute_sign(TOKEN, &"9".repeat(40))
    );
    assert!(matches!(
        signed.receive_at(&huge_time, &body, now()),
        Err(WebhookError::MalformedRequestTime)
    ));
}

/// Replaces one randomly chosen node of `value` with `by`.
fn replace_random_node(rng: &mut StdRng, value: &mut Value, by: Value) {
    let children = match value {
        Value::Array(items) => items.len(),
        Value::Object(map) => map.len(),
        _ => 0,
    };
    if children == 0 || rng.random_bool(0.3) {
        *value = by;
        return;
    }
    let at = rng.random_range(0..children);
    let child = match value {
        Value::Array(items) => &mut items[at],
        Value::Object(map) => map.values_mut().nth(at).expect("index in range"),
        _ => unreachable!(),
    };
    replace_random_node(rng, child, by);
}

fn removes_random_key(rng: &mut StdRng, value: &mut Value) {
    if let Value::Object(map) = value {
        if map.is_empty() {
            return;
        }
        let at = rng.random_range(0..map.len());
        if rng.random_bool(0.5) {
            let key = map.keys().nth(at).expect("index in range").clone();
            map.remove(&key);
        } else if let Some(child) = map.values_mut().nth(at) {
            removes_random_key(rng, child);
        }
    } else if let Value::Array(items) = value {
        if let Some(child) = items.first_mut() {
            removes_random_key(rng, child);
        }
    }
}

/// A value of some type, often the wrong one for where it lands. Raw
/// number text (too big for any integer type) is marked for substitution.
fn wrong_value(rng: &mut StdRng) -> Value {
    match rng.random_range(0..11) {
        0 => Value::Null,
        1 => json!(rng.random::<bool>()),
        2 => json!(rng.random::<i64>()),
        3 => json!(rng.random::<u64>()),
        4 => json!(rng.random::<f64>() * 1e18),
        5 => json!("not a number"),
        6 => json!([1, "two", null]),
        7 => json!({"Nested": {"Deeper": [[]]}}),
        8 => json!("@@HUGE@@"),
        9 => json!("@@DEEP@@"),
        _ => json!(String::from_utf8_lossy(&random_bytes(rng, 30))),
    }
}

fn render(value: &Value, rng: &mut StdRng) -> Vec<u8> {
    let depth = rng.random_range(100..3000);
    value
        .to_string()
        .replace(
            "\"@@HUGE@@\"",
            [
                "18446744073709551616",
                "-9223372036854775809",
                "1e400",
                "123456789012345678901234567890",
            ][rng.random_range(0..4)],
        )
        .replace(
            "\"@@DEEP@@\"",
            &format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        )
        .into_bytes()
}

#[test]
fn wrong_shapes_of_every_callback_are_refused() {
    let mut rng = StdRng::seed_from_u64(0x3EB0_0002);
    let mut refused = 0;
    for case in 0..3000 {
        let command = COMMANDS[case % COMMANDS.len()];
        let mut body = sample(command);
        match rng.random_range(0..4) {
            0 => {
                for _ in 0..rng.random_range(1..4) {
                    let by = wrong_value(&mut rng);
                    replace_random_node(&mut rng, &mut body, by);
                }
            }
            1 => removes_random_key(&mut rng, &mut body),
            2 => body = wrong_value(&mut rng),
            _ => {
                let by = wrong_value(&mut rng);
                replace_random_node(&mut rng, &mut body, by);
                removes_random_key(&mut rng, &mut body);
            }
        }
        let bytes = render(&body, &mut rng);
        // With the command in the query, and only in the body.
        let query = if rng.random() {
            signed_query(command)
        } else {
            format!("SdkAppid={APP}&RequestTime={NOW_SECS}&Sign={}", {
                trtc_room::webhook::compute_sign(TOKEN, &NOW_SECS.to_string())
            })
        };
        for got in receive_all(&query, &bytes, case) {
            match got {
                Ok(_) => {}
                Err(
                    WebhookError::InvalidBody(_)
                    | WebhookError::CommandMismatch { .. }
                    | WebhookError::MissingParameter("CallbackCommand"),
                ) => refused += 1,
                Err(other) => panic!("case {case}: unexpected {other:?}"),
            }
        }
    }
    assert!(refused > 3000, "only {refused} refusals");
}

#[test]
fn random_bodies_are_invalid() {
    let mut rng = StdRng::seed_from_u64(0x3EB0_0003);
    for case in 0..3000 {
        let command = COMMANDS[case % COMMANDS.len()];
        let body = match case % 3 {
            0 => random_bytes(&mut rng, 300),
            // JSON-looking junk.
            1 => {
                let mut text = sample(command).to_string().into_bytes();
                let cut = rng.random_range(0..text.len());
                text.truncate(cut);
                text
            }
            _ => {
                let mut text = sample(command).to_string().into_bytes();
                let at = rng.random_range(0..text.len());
                text[at] = rng.random();
                text
            }
        };
        for got in receive_all(&signed_query(command), &body, case) {
            // A byte change inside a string value can leave valid JSON.
            if let Err(e) = got {
                assert!(
                    matches!(
                        e,
                        WebhookError::InvalidBody(_) | WebhookError::CommandMismatch { .. }
                    ),
                    "case {case}: {e:?}"
                );
            } else {
                assert_eq!(case % 3, 2, "case {case}: junk accepted");
            }
        }
    }
}

#[test]
fn deep_nesting_and_huge_bodies_are_invalid() {
    for command in COMMANDS {
        for depth in [200usize, 10_000, 100_000] {
            let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let in_field =
                format!(r#"{{"CallbackCommand":"{command}","RoomId":"r","Extra":{deep}}}"#);
            let wrapped = format!(r#"{{"Junk":{deep}}}"#);
            for body in [deep, in_field, wrapped] {
                for got in receive_all(&signed_query(command), body.as_bytes(), depth) {
                    assert!(
                        matches!(got, Err(WebhookError::InvalidBody(_))),
                        "{command} depth {depth}: {got:?}"
                    );
                }
            }
        }
        // Many megabytes of a string the payload does not know: over the
        // default limit it is refused unparsed; under a raised limit it is
        // accepted.
        let mut body = sample(command);
        body["Filler"] = json!("z".repeat(4 << 20));
        let bytes = serde_json::to_vec(&body).expect("serialize");
        for got in receive_all(&signed_query(command), &bytes, 0) {
            assert!(
                matches!(got, Err(WebhookError::BodyTooLarge { .. })),
                "{command}: {got:?}"
            );
        }
        for v in verifiers() {
            v.with_max_body(8 << 20)
                .receive_at(&signed_query(command), &bytes, now())
                .unwrap_or_else(|e| panic!("{command}: {e}"));
        }
    }
}
