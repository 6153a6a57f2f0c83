//! Randomized robustness of the client's answer decoding, through a loopback
//! server that answers whatever the test sets: every bad answer becomes
//! `Error::Decode`, `Error::Service` or `Error::HttpStatus` (never a panic),
//! and the body kept by those errors is bounded. Seeded, so every run checks
//! the same cases.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{json, Map, Value};
use trtc_room::error::BODY_EXCERPT_LIMIT;
use trtc_room::{
    Client, DestroyRoom, Error, GetRoomInfo, GetRoomMemberList, GetSeatList, QueryOnlineStatus,
    RetryPolicy,
};

const APP: u64 = 1400000000;
const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const MAX_BODY: usize = 8 * 1024 * 1024;

/// The next answer: status and body bytes.
type Next = Arc<Mutex<(u16, Bytes)>>;

async fn answer(State(next): State<Next>) -> Response {
    let (status, body) = next.lock().expect("not poisoned").clone();
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    (status, [("content-type", "application/json")], body).into_response()
}

struct TestServer {
    addr: SocketAddr,
    next: Next,
}

impl TestServer {
    async fn start() -> TestServer {
        let next: Next = Arc::new(Mutex::new((200, Bytes::new())));
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(next.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("bound address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TestServer { addr, next }
    }

    fn set(&self, status: u16, body: impl Into<Bytes>) {
        *self.next.lock().expect("not poisoned") = (status, body.into());
    }

    fn client(&self) -> Client {
        Client::builder()
            .sdk_app_id(APP)
            .secret_key(KEY)
            .admin("administrator")
            .base_url(format!("http://{}", self.addr))
            .attempt_timeout(Duration::from_secs(20))
            .retry_policy(
                RetryPolicy::default()
                    .max_attempts(1)
                    .base_delay(Duration::from_millis(1))
                    .max_delay(Duration::from_millis(1))
                    .jitter(false)
                    .deadline(None),
            )
            .build()
            .expect("valid client settings")
    }
}

/// The calls exercised, one per payload location (plus the raw escape hatch).
#[derive(Debug, Clone, Copy)]
enum Call {
    RoomInfo,
    MemberList,
    SeatList,
    Destroy,
    Online,
    Raw,
}

const CALLS: [Call; 6] = [
    Call::RoomInfo,
    Call::MemberList,
    Call::SeatList,
    Call::Destroy,
    Call::Online,
    Call::Raw,
];

impl Call {
    /// The documented sample answer of this call.
    fn sample(self) -> Value {
        let name = match self {
            Call::RoomInfo => "room_engine_http_srv.get_room_info.response.json",
            Call::MemberList => "room_engine_http_srv.get_room_member_list.response.json",
            Call::SeatList => "room_engine_http_mic.get_seat_list.response.json",
            Call::Destroy | Call::Raw => "room_engine_http_srv.destroy_room.response.json",
            Call::Online => "openim.query_online_status.response.json",
        };
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../api-spec/samples")
            .join(name);
        serde_json::from_str(&std::fs::read_to_string(path).expect("sample file"))
            .expect("sample JSON")
    }

    fn wrapped(self) -> bool {
        matches!(self, Call::RoomInfo | Call::MemberList | Call::SeatList)
    }

    async fn run(self, client: &Client) -> Result<(), Error> {
        match self {
            Call::RoomInfo => client.get_room_info(GetRoomInfo::new("r1")).await.map(drop),
            Call::MemberList => client
                .get_room_member_list(GetRoomMemberList::new("r1"))
                .await
                .map(drop),
            Call::SeatList => client.get_seat_list(GetSeatList::new("r1")).await.map(drop),
            Call::Destroy => client.destroy_room(DestroyRoom::new("r1")).await.map(drop),
            Call::Online => client
                .query_online_status(QueryOnlineStatus::new(["a", "b"]))
                .await
                .map(drop),
            Call::Raw => client.call_raw("svc", "cmd", &json!({})).await.map(drop),
        }
    }
}

/// What an answer must produce.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Decode,
    Service(i64),
    HttpStatus(u16),
    /// A successful envelope whose payload may or may not fit the type.
    OkOrDecode,
    /// Anything typed (random JSON envelopes).
    AnyTyped,
}

fn random_bytes(rng: &mut StdRng, max: usize) -> Vec<u8> {
    (0..rng.random_range(0..=max))
        .map(|_| rng.random())
        .collect()
}

fn random_scalar(rng: &mut StdRng) -> Value {
    match rng.random_range(0..7) {
        0 => Value::Null,
        1 => json!(rng.random::<bool>()),
        2 => json!(rng.random::<i64>()),
        3 => json!(rng.random::<u64>()),
        4 => json!(rng.random::<f64>() * 1e30 - 5e29),
        5 => json!(String::from_utf8_lossy(&random_bytes(rng, 20))),
        _ => json!("@@HUGE@@"),
    }
}

fn random_json(rng: &mut StdRng, depth: u32) -> Value {
    match if depth == 0 {
        0
    } else {
        rng.random_range(0..3)
    } {
        0 => random_scalar(rng),
        1 => Value::Array(
            (0..rng.random_range(0..4))
                .map(|_| random_json(rng, depth - 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.random_range(0..4))
                .map(|i| (format!("k{i}"), random_json(rng, depth - 1)))
                .collect(),
        ),
    }
}

/// JSON text, with marked values replaced by numbers no integer type holds.
fn render(value: &Value, rng: &mut StdRng) -> Vec<u8> {
    let huge = [
        "18446744073709551616",
        "-9223372036854775809",
        "1e400",
        "1e308",
        "-0",
    ];
    value
        .to_string()
        .replace("\"@@HUGE@@\"", huge[rng.random_range(0..huge.len())])
        .into_bytes()
}

/// Replaces one random node below the top level of `value` with `by`.
fn replace_random_node(rng: &mut StdRng, value: &mut Value, by: Value) {
    let children = match value {
        Value::Array(items) => items.len(),
        Value::Object(map) => map.len(),
        _ => 0,
    };
    if children == 0 {
        *value = by;
        return;
    }
    let at = rng.random_range(0..children);
    let child = match value {
        Value::Array(items) => &mut items[at],
        Value::Object(map) => map.values_mut().nth(at).expect("index in range"),
        _ => unreachable!(),
    };
    if rng.random_bool(0.4) {
        *child = by;
    } else {
        replace_random_node(rng, child, by);
    }
}

fn envelope_keys(map: &mut Map<String, Value>, status: &str, code: Value) {
    map.insert("ActionStatus".into(), json!(status));
    map.insert("ErrorCode".into(), code);
    map.insert("ErrorInfo".into(), json!("info"));
    map.insert("RequestId".into(), json!("rid"));
}

/// A random answer for `call`, with what it must produce.
fn random_answer(rng: &mut StdRng, call: Call) -> (u16, Vec<u8>, Expect) {
    let wrong_code = |rng: &mut StdRng| match rng.random_range(0..6) {
        0 => json!("abc"),
        1 => json!(1.5),
        2 => json!(true),
        3 => json!([0]),
        4 => json!({"Code": 0}),
        _ => json!(null),
    };
    match rng.random_range(0..12) {
        0 => (200, random_bytes(rng, 500), Expect::Decode),
        1 => {
            let v = match rng.random_range(0..4) {
                0 => Value::Array(
                    (0..rng.random_range(0..5))
                        .map(|_| random_json(rng, 2))
                        .collect(),
                ),
                _ => random_scalar(rng),
            };
            (200, render(&v, rng), Expect::Decode)
        }
        2 => {
            let mut map = Map::new();
            let code = wrong_code(rng);
            envelope_keys(&mut map, if rng.random() { "OK" } else { "FAIL" }, code);
            (200, render(&Value::Object(map), rng), Expect::Decode)
        }
        3 => {
            // ErrorCode beyond i64, or a float.
            let mut map = Map::new();
            envelope_keys(&mut map, "FAIL", json!("@@HUGE@@"));
            let text = Value::Object(map).to_string();
            let huge = [
                "18446744073709551616",
                "1e400",
                "2.5",
                "-9223372036854775809",
            ][rng.random_range(0..4)];
            (
                200,
                text.replace("\"@@HUGE@@\"", huge).into_bytes(),
                Expect::Decode,
            )
        }
        4 => {
            let code = match rng.random_range(0..4) {
                0 => i64::MAX,
                1 => i64::MIN,
                2 => -rng.random_range(1..1000),
                _ => rng.random_range(1..200_000),
            };
            let mut map = Map::new();
            // As a number or as a numeric string, with a FAIL or even an OK
            // status (a non-zero code wins).
            let wire = if rng.random() {
                json!(code)
            } else {
                json!(format!(" {code} "))
            };
            envelope_keys(&mut map, if rng.random() { "FAIL" } else { "OK" }, wire);
            if rng.random() {
                map.insert("ErrorInfo".into(), random_json(rng, 2));
                map.insert("RequestId".into(), random_json(rng, 2));
            }
            // (Marked values stay strings here: `1e400` would make it not JSON.)
            let text = Value::Object(map).to_string().into_bytes();
            (200, text, Expect::Service(code))
        }
        5 => {
            // A successful envelope without the payload.
            let mut map = Map::new();
            envelope_keys(&mut map, "OK", json!(0));
            let expect = if call.wrapped() {
                Expect::Decode
            } else {
                Expect::OkOrDecode
            };
            (200, render(&Value::Object(map), rng), expect)
        }
        6 => {
            // `Response` of a wrong type.
            let mut v = call.sample();
            v["Response"] = random_scalar(rng);
            let expect = if call.wrapped() {
                Expect::Decode
            } else {
                Expect::OkOrDecode
            };
            (200, render(&v, rng), expect)
        }
        7 | 8 => {
            // The sample with random parts replaced (keeping the envelope).
            let mut v = call.sample();
            for _ in 0..rng.random_range(1..4) {
                let by = random_json(rng, 2);
                replace_random_node(rng, &mut v, by);
            }
            if let Value::Object(map) = &mut v {
                envelope_keys(map, "OK", json!(0));
            }
            (200, render(&v, rng), Expect::OkOrDecode)
        }
        9 => {
            // Random envelope values.
            let mut map = Map::new();
            for key in [
                "ActionStatus",
                "ErrorCode",
                "ErrorInfo",
                "RequestId",
                "Response",
            ] {
                if rng.random_bool(0.7) {
                    map.insert(key.into(), random_json(rng, 2));
                }
            }
            (200, render(&Value::Object(map), rng), Expect::AnyTyped)
        }
        10 => {
            let status =
                [400, 401, 403, 404, 418, 429, 500, 502, 503, 504][rng.random_range(0..10)];
            let body = if rng.random() {
                random_bytes(rng, 5000)
            } else {
                call.sample().to_string().into_bytes()
            };
            (status, body, Expect::HttpStatus(status))
        }
        _ => {
            // Deep nesting.
            let depth = rng.random_range(100..20_000);
            let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let text = if rng.random() {
                deep
            } else {
                format!(r#"{{"ActionStatus":"OK","ErrorCode":0,"Response":{deep}}}"#)
            };
            let expect = if depth > 127 {
                Expect::Decode
            } else {
                Expect::OkOrDecode
            };
            (200, text.into_bytes(), expect)
        }
    }
}

/// Checks the bound on a kept body: the lossy text of at most
/// `BODY_EXCERPT_LIMIT` leading bytes, then `…` when cut.
fn check_excerpt(kept: &str, raw: &[u8], case: usize) {
    let cut = raw.len().min(BODY_EXCERPT_LIMIT);
    let mut expected = String::from_utf8_lossy(&raw[..cut]).into_owned();
    if raw.len() > cut {
        expected.push('…');
    }
    assert_eq!(kept, expected, "case {case}: kept body");
    assert!(
        kept.chars().count() <= BODY_EXCERPT_LIMIT + 1,
        "case {case}"
    );
}

fn check(case: usize, call: Call, raw: &[u8], expect: Expect, got: Result<(), Error>) {
    let what = || {
        format!(
            "case {case} {call:?} expecting {expect:?}, body {:?}",
            String::from_utf8_lossy(&raw[..raw.len().min(300)])
        )
    };
    match (&got, expect) {
        (
            Err(Error::Decode { body, .. }),
            Expect::Decode | Expect::OkOrDecode | Expect::AnyTyped,
        ) => check_excerpt(body, raw, case),
        (Err(Error::Service { code, .. }), Expect::Service(want)) => {
            assert_eq!(code.code(), want, "{}", what())
        }
        (Err(Error::Service { .. }), Expect::AnyTyped) => {}
        (
            Err(Error::HttpStatus {
                status,
                body_excerpt,
                ..
            }),
            Expect::HttpStatus(want),
        ) => {
            assert_eq!(*status, want, "{}", what());
            check_excerpt(body_excerpt, raw, case);
        }
        (Ok(()), Expect::OkOrDecode | Expect::AnyTyped) => {}
        _ => panic!("{}: got {got:?}", what()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_answers_give_typed_errors() {
    let server = TestServer::start().await;
    let client = server.client();
    let mut rng = StdRng::seed_from_u64(0xDEC0_0001);
    let mut seen = [0usize; 3];
    for case in 0..3000 {
        let call = CALLS[case % CALLS.len()];
        let (status, body, expect) = random_answer(&mut rng, call);
        server.set(status, body.clone());
        let got = call.run(&client).await;
        seen[match &got {
            Ok(()) => 0,
            Err(Error::Decode { .. }) => 1,
            Err(_) => 2,
        }] += 1;
        check(case, call, &body, expect, got);
    }
    assert!(seen.iter().all(|n| *n > 100), "outcomes {seen:?}");
    // The samples themselves decode: the refusals above are not blanket ones.
    for call in CALLS {
        server.set(200, call.sample().to_string());
        call.run(&client)
            .await
            .unwrap_or_else(|e| panic!("{call:?}: {e}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enormous_bodies_are_refused_with_a_bounded_excerpt() {
    let server = TestServer::start().await;
    let client = server.client();
    // Just over the cap: refused without decoding, whatever the content.
    let mut junk = vec![b' '; MAX_BODY + 1];
    junk[0] = b'{';
    for (status, fill) in [(200u16, b'x'), (200, 0xff), (500, b'y')] {
        let mut body = vec![fill; MAX_BODY + 1 + 4096];
        body[..4].copy_from_slice(b"{\"a\"");
        server.set(status, body.clone());
        for call in [Call::RoomInfo, Call::Raw] {
            match call.run(&client).await {
                Err(Error::Decode {
                    what, body: kept, ..
                }) => {
                    assert!(what.contains("larger than"), "{what}");
                    assert!(kept.chars().count() <= BODY_EXCERPT_LIMIT + 1);
                    assert!(kept.len() <= 3 * BODY_EXCERPT_LIMIT + 3);
                    assert!(kept.starts_with("{\"a\""), "{kept:.20}");
                }
                other => panic!("{status} {fill}: {other:?}"),
            }
        }
    }
    server.set(200, junk);
    assert!(matches!(
        Call::Destroy.run(&client).await,
        Err(Error::Decode { .. })
    ));
    // Exactly at the cap: read, then refused as JSON of the wrong shape.
    let mut at_cap = b"{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"Pad\":\"".to_vec();
    at_cap.resize(MAX_BODY - 2, b'p');
    at_cap.extend_from_slice(b"\"}");
    assert_eq!(at_cap.len(), MAX_BODY);
    server.set(200, at_cap);
    Call::Destroy
        .run(&client)
        .await
        .expect("an 8 MiB answer is read whole");
    match Call::RoomInfo.run(&client).await {
        Err(Error::Decode { what, body, .. }) => {
            assert!(what.contains("Response"), "{what}");
            assert!(body.chars().count() <= BODY_EXCERPT_LIMIT + 1);
        }
        other => panic!("{other:?}"),
    }
}
