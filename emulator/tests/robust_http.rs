//! Randomized robustness of the emulator's REST endpoint: random paths,
//! query strings, methods and bodies, sent as raw HTTP/1.1. Every answer is
//! HTTP 200 with an `ActionStatus`/`ErrorCode` envelope (FAIL with a non-zero
//! code, or OK with 0), never a 500, an internal error (a handler panic) or
//! a dropped connection, and a valid call still succeeds afterwards. Seeded,
//! so every run sends the same requests.

use std::path::PathBuf;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use trtc_room_emulator::{Emulator, EmulatorConfig};

/// The emulator's "internal server error" code: what a panicking handler
/// turns into.
const INTERNAL: i64 = 100001;

/// Sends one raw request on a fresh connection; returns (status, body).
async fn send_raw(emu: &Emulator, method: &str, target: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let exchange = async {
        let sock = tokio::net::TcpStream::connect(emu.addr())
            .await
            .expect("connect");
        let head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            emu.addr(),
            body.len()
        );
        let (mut reader, mut writer) = sock.into_split();
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        // The server may answer (and close) before reading a large body
        // whole, so write and read at the same time, and let the write fail.
        let writing = tokio::spawn(async move {
            let _ = writer.write_all(&request).await;
            writer
        });
        let mut answer = Vec::new();
        let read = reader.read_to_end(&mut answer).await;
        drop(writing.await);
        if answer.is_empty() {
            panic!("{method} {target:.200}: connection closed without an answer ({read:?})");
        }
        answer
    };
    // A bound against a hung connection, not a timing assertion.
    let answer = tokio::time::timeout(Duration::from_secs(60), exchange)
        .await
        .unwrap_or_else(|_| panic!("no answer to {method} {target}"));
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("{method} {target}: not an HTTP answer: {text:?}"));
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(answer.len(), |at| at + 4);
    (status, answer[split..].to_vec())
}

/// Checks the envelope; returns its ErrorCode.
fn check_envelope(status: u16, body: &[u8], what: &str) -> i64 {
    let text = String::from_utf8_lossy(body);
    assert_eq!(status, 200, "{what}: {text:.300}");
    let v: Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {text:.300}"));
    let code = v["ErrorCode"]
        .as_i64()
        .unwrap_or_else(|| panic!("{what}: no integer ErrorCode: {text:.300}"));
    match v["ActionStatus"].as_str() {
        Some("OK") => assert_eq!(code, 0, "{what}: {text:.300}"),
        Some("FAIL") => assert_ne!(code, 0, "{what}: {text:.300}"),
        _ => panic!("{what}: bad ActionStatus: {text:.300}"),
    }
    assert_ne!(code, INTERNAL, "{what}: internal error: {text:.300}");
    code
}

/// `(service, command, sample request body)` of every documented request.
fn request_samples() -> Vec<(String, String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api-spec/samples");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("samples dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let parts: Vec<&str> = name.split('.').collect();
        if let [service, command, "request", "json"] = parts.as_slice() {
            let text = std::fs::read_to_string(dir.join(&name)).expect("read sample");
            let body = serde_json::from_str(&text).expect("sample JSON");
            out.push((service.to_string(), command.to_string(), body));
        }
    }
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    assert!(out.len() > 20, "only {} request samples", out.len());
    out
}

fn random_bytes(rng: &mut StdRng, max: usize) -> Vec<u8> {
    (0..rng.random_range(0..=max))
        .map(|_| rng.random())
        .collect()
}

/// Text that is legal in a request target, including bad percent escapes
/// and escapes that decode to invalid UTF-8.
fn random_target_text(rng: &mut StdRng, max: usize) -> String {
    const SAFE: &[u8] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$'()*+,;:@";
    let mut out = String::new();
    for _ in 0..rng.random_range(0..=max) {
        match rng.random_range(0..8) {
            0 => out.push('%'),
            1 => out.push_str(&format!("%{:02X}", rng.random::<u8>())),
            2 => out.push_str(
                ["%zz", "%4", "%%", "%ff%fe", "%c3%28", "%00", "%2F"][rng.random_range(0..7)],
            ),
            3 => out.push(['=', '&', '/', '?'][rng.random_range(0..4)]),
            _ => out.push(char::from(SAFE[rng.random_range(0..SAFE.len())])),
        }
    }
    out
}

fn random_path(rng: &mut StdRng, samples: &[(String, String, Value)]) -> String {
    let (service, command, _) = &samples[rng.random_range(0..samples.len())];
    let segment = |rng: &mut StdRng| match rng.random_range(0..6) {
        0 => "v4".to_owned(),
        1 => service.clone(),
        2 => command.clone(),
        3 => String::new(),
        4 => "..".to_owned(),
        _ => random_target_text(rng, 12).replace(['?', '/'], ""),
    };
    let path = match rng.random_range(0..4) {
        0 => format!("/v4/{service}/{command}"),
        1 => format!("/v4/{service}/{}", segment(rng)),
        _ => {
            let n = rng.random_range(0..6);
            let mut p = String::new();
            for _ in 0..n {
                p.push('/');
                p.push_str(&segment(rng));
            }
            if p.is_empty() {
                p.push('/');
            }
            p
        }
    };
    // The control API (`/emulator/v1/...`) is the emulator's own surface,
    // not the REST endpoint under test here.
    if path.starts_with("/emulator/") {
        "/v4".to_owned()
    } else {
        path
    }
}

fn random_query(rng: &mut StdRng, emu: &Emulator) -> String {
    let sig_for = |id: &str, expire: u64| emu.user_sig(id, expire);
    let mut pairs: Vec<String> = Vec::new();
    let mut push = |k: &str, v: String| pairs.push(format!("{k}={v}"));
    if rng.random_bool(0.7) {
        let v = match rng.random_range(0..6) {
            0 => emu.sdk_app_id().to_string(),
            1 => String::new(),
            2 => "9".repeat(rng.random_range(1..40)),
            3 => format!("-{}", emu.sdk_app_id()),
            _ => random_target_text(rng, 12),
        };
        push("sdkappid", v);
    }
    if rng.random_bool(0.7) {
        let v = match rng.random_range(0..3) {
            0 => emu.admin().to_owned(),
            1 => "someone".to_owned(),
            _ => random_target_text(rng, 12),
        };
        push("identifier", v);
    }
    if rng.random_bool(0.7) {
        let v = match rng.random_range(0..6) {
            0 => sig_for(emu.admin(), 86_400),
            1 => sig_for("someone", 86_400),
            2 => {
                let mut s = sig_for(emu.admin(), 86_400);
                let at = rng.random_range(0..s.len());
                s.replace_range(at..=at, "A");
                s
            }
            // Longer than a sig may be (URIs beyond 64 kB are refused by
            // the HTTP layer with 414 before the emulator sees them).
            3 => "A".repeat(rng.random_range(16_000..30_000)),
            _ => random_target_text(rng, 60),
        };
        push("usersig", v);
    }
    if rng.random_bool(0.7) {
        let v = match rng.random_range(0..3) {
            0 => rng.random::<u32>().to_string(),
            1 => u64::MAX.to_string(),
            _ => random_target_text(rng, 10),
        };
        push("random", v);
    }
    if rng.random_bool(0.7) {
        let v = if rng.random_bool(0.6) {
            "json".to_owned()
        } else {
            random_target_text(rng, 6)
        };
        push("contenttype", v);
    }
    for _ in 0..rng.random_range(0..3) {
        let (k, v) = (random_target_text(rng, 8), random_target_text(rng, 8));
        push(&k, v);
    }
    // Repeated keys sometimes.
    if rng.random_bool(0.2) && !pairs.is_empty() {
        let again = pairs[rng.random_range(0..pairs.len())].clone();
        pairs.push(again);
    }
    let n = pairs.len();
    for i in 0..n {
        let j = rng.random_range(i..n);
        pairs.swap(i, j);
    }
    pairs.join("&")
}

/// Replaces one random node of `value` with `by`.
fn replace_random_node(rng: &mut StdRng, value: &mut Value, by: Value) {
    let children = match value {
        Value::Array(items) => items.len(),
        Value::Object(map) => map.len(),
        _ => 0,
    };
    if children == 0 || rng.random_bool(0.25) {
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

fn wrong_value(rng: &mut StdRng) -> Value {
    match rng.random_range(0..12) {
        0 => Value::Null,
        1 => json!(rng.random::<bool>()),
        2 => json!(rng.random::<i64>()),
        3 => json!(rng.random::<u64>()),
        4 => json!(-rng.random_range(1..100)),
        5 => json!(rng.random::<f64>() * 1e20),
        6 => json!(""),
        7 => json!("x".repeat(rng.random_range(1..300))),
        8 => json!([null, 1, "a", {}]),
        9 => json!({"RoomId": 1, "Index": "0"}),
        10 => json!(String::from_utf8_lossy(&random_bytes(rng, 20))),
        _ => json!(rng.random_range(0..40)),
    }
}

fn random_body(rng: &mut StdRng, sample: &Value) -> Vec<u8> {
    match rng.random_range(0..10) {
        0 => random_bytes(rng, 400),
        1 => {
            let depth = rng.random_range(100..100_000);
            let open = if rng.random() { "[" } else { "{\"a\":" };
            let mut s = open.repeat(depth);
            if rng.random() {
                s.push_str(&"]".repeat(depth));
            }
            s.into_bytes()
        }
        2 => Vec::new(),
        3 => wrong_value(rng).to_string().into_bytes(),
        4 => {
            // Deep nesting inside a field of an otherwise good body.
            let depth = rng.random_range(100..5_000);
            let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let text = sample.to_string();
            match text.strip_suffix('}') {
                Some(head) if head.len() > 1 => format!("{head},\"Junk\":{deep}}}").into_bytes(),
                _ => format!("{{\"Junk\":{deep}}}").into_bytes(),
            }
        }
        5 => {
            // Integers no field type holds.
            let huge = [
                "18446744073709551616",
                "-9223372036854775809",
                "1e400",
                "1e19",
            ][rng.random_range(0..4)];
            let mut v = sample.clone();
            replace_random_node(rng, &mut v, json!("@@HUGE@@"));
            v.to_string().replace("\"@@HUGE@@\"", huge).into_bytes()
        }
        _ => {
            let mut v = sample.clone();
            for _ in 0..rng.random_range(1..4) {
                let by = wrong_value(rng);
                replace_random_node(rng, &mut v, by);
            }
            v.to_string().into_bytes()
        }
    }
}

fn config() -> EmulatorConfig {
    EmulatorConfig {
        rate_limit: false,
        ..EmulatorConfig::default()
    }
}

/// A valid admin call succeeds (the server still works).
async fn valid_call_succeeds(emu: &Emulator, room: &str) {
    let target = format!("/v4/room_engine_http_srv/create_room?{}", emu.admin_query());
    let body = json!({"RoomInfo": {"RoomId": room, "RoomType": "Conference"}}).to_string();
    let (status, answer) = send_raw(emu, "POST", &target, body.as_bytes()).await;
    assert_eq!(check_envelope(status, &answer, "valid create_room"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_requests_get_an_envelope() {
    let emu = Emulator::start(config()).await.expect("start emulator");
    let samples = request_samples();
    let mut rng = StdRng::seed_from_u64(0xE3B0_0001);
    let methods = [
        "POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS", "FOO",
    ];
    let mut codes = std::collections::BTreeMap::new();
    for case in 0..2500 {
        let (_, _, sample) = &samples[rng.random_range(0..samples.len())];
        let method = methods[rng.random_range(0..methods.len())];
        let target = format!(
            "{}?{}",
            random_path(&mut rng, &samples),
            random_query(&mut rng, &emu)
        );
        let body = random_body(&mut rng, sample);
        let (status, answer) = send_raw(&emu, method, &target, &body).await;
        let what = format!("case {case}: {method} {target:.200}");
        *codes
            .entry(check_envelope(status, &answer, &what))
            .or_insert(0) += 1;
    }
    // Many different refusals were reached (auth, routing, parsing).
    assert!(codes.len() >= 6, "codes reached: {codes:?}");
    valid_call_succeeds(&emu, "after-random").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junk_bodies_on_every_command_get_an_envelope() {
    // Valid auth on every documented command, so the handlers themselves
    // see the junk.
    let emu = Emulator::start(config()).await.expect("start emulator");
    valid_call_succeeds(&emu, "r1").await;
    let samples = request_samples();
    let mut rng = StdRng::seed_from_u64(0xE3B0_0002);
    let mut ok = 0;
    for case in 0..3000 {
        let (service, command, sample) = &samples[case % samples.len()];
        let target = format!("/v4/{service}/{command}?{}", emu.admin_query());
        let body = if rng.random_bool(0.15) {
            sample.to_string().into_bytes()
        } else {
            random_body(&mut rng, sample)
        };
        let (status, answer) = send_raw(&emu, "POST", &target, &body).await;
        let what = format!(
            "case {case}: {service}/{command} body {:.200}",
            String::from_utf8_lossy(&body)
        );
        if check_envelope(status, &answer, &what) == 0 {
            ok += 1;
        }
    }
    assert!(ok > 50, "only {ok} successful calls");
    valid_call_succeeds(&emu, "after-junk").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_requests_get_an_envelope() {
    let emu = Emulator::start(config()).await.expect("start emulator");
    let target = format!("/v4/room_engine_http_srv/create_room?{}", emu.admin_query());
    for size in [3 << 20, 9 << 20] {
        let mut body =
            b"{\"RoomInfo\":{\"RoomId\":\"big\",\"RoomType\":\"Conference\",\"Pad\":\"".to_vec();
        body.resize(size, b'p');
        body.extend_from_slice(b"\"}}");
        let (status, answer) = send_raw(&emu, "POST", &target, &body).await;
        let code = check_envelope(status, &answer, &format!("{size}-byte body"));
        assert_ne!(code, 0);
    }
    // A huge query string.
    let long = format!("{target}&pad={}", "q".repeat(60_000));
    let (status, answer) = send_raw(&emu, "POST", &long, b"{}").await;
    check_envelope(status, &answer, "60 kB query string");
    valid_call_succeeds(&emu, "after-oversized").await;
}
