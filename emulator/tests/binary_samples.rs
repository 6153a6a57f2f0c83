//! The `room-emulator` binary, driven as a separate process by a plain HTTP
//! client: it answers Tencent's documented sample requests
//! (`api-spec/samples/`) signed with a UserSig from Tencent's official
//! library, with the documented envelope and response shapes, and refuses
//! forged, expired and foreign signatures with the documented codes.
//!
//! The official UserSig comes from the PyPI package `tls-sig-api-v2==1.1`
//! (CI installs it, see `.ci/run`). Without python3 or the package the test
//! prints a NOTICE and signs with the SDK's own `SigningKey` instead, unless
//! `TRTC_REQUIRE_INTEROP=1` is set (as in CI), which makes it fail.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use serde_json::{json, Value};
use trtc_room::usersig::{self, SigningKey};

const SDK_APP_ID: u64 = 1_400_654_321;
const SECRET_KEY: &str = "5f1c0a6e2b9d47c3a8e0f6b1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1";
const ADMIN: &str = "rest_admin";
/// The room every Room sample names.
const ROOM: &str = "room-test";
/// Sample files whose requests this test sends (the Room services).
const SERVICES: [&str; 3] = [
    "room_engine_http_srv",
    "room_engine_http_mic",
    "room_config",
];

// ---------------------------------------------------------------------------
// The emulator process.

/// A running `room-emulator` child process; killed when dropped.
struct EmulatorProcess {
    child: Child,
    base_url: String,
}

impl EmulatorProcess {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_room-emulator"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--sdk-app-id",
                &SDK_APP_ID.to_string(),
                "--secret-key",
                SECRET_KEY,
                "--admin",
                ADMIN,
            ])
            .env("RUST_LOG", "room_emulator=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn room-emulator");
        let stdout = child.stdout.take();
        // The guard exists from here on, so the child is killed even if
        // startup fails below.
        let mut guard = Self {
            child,
            base_url: String::new(),
        };
        let mut lines = BufReader::new(stdout.expect("stdout is piped"));
        loop {
            let mut line = String::new();
            match lines.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) if line.trim().starts_with("http://") => {
                    guard.base_url = line.trim().to_owned();
                    break;
                }
                Ok(_) => {}
            }
        }
        assert!(
            guard.base_url.starts_with("http://127.0.0.1:"),
            "room-emulator did not print its base URL (got {:?})",
            guard.base_url
        );
        // Keep draining stdout (log lines) so the child never blocks on a
        // full pipe; the thread ends when the child exits.
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut lines, &mut std::io::sink());
        });
        guard
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// UserSigs.

/// Whether python3 can import Tencent's official `TLSSigAPIv2` module.
fn official_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let ok = Command::new("python3")
            .args(["-c", "import TLSSigAPIv2"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok && std::env::var_os("TRTC_REQUIRE_INTEROP").is_some_and(|v| v == "1") {
            panic!(
                "TRTC_REQUIRE_INTEROP=1 but python3 with Tencent's tls-sig-api-v2==1.1 \
                 is not available"
            );
        }
        if !ok {
            eprintln!(
                "NOTICE: python3 with Tencent's tls-sig-api-v2==1.1 is not available \
                 (`python3 -m pip install tls-sig-api-v2==1.1`); binary_samples signs \
                 with the SDK's own SigningKey instead of the official library"
            );
        }
        ok
    })
}

/// A UserSig from Tencent's official Python library (installed: a failure
/// here is a test failure, not a fallback).
fn official_sig(sdk_app_id: u64, key: &str, identifier: &str, expire: u64) -> String {
    // PyPI 1.1 names the class `TLSSigAPIv2`; some releases call it `TLSSigAPI`.
    const SCRIPT: &str = "import os, sys, TLSSigAPIv2 as m\n\
        cls = getattr(m, 'TLSSigAPIv2', None) or getattr(m, 'TLSSigAPI')\n\
        api = cls(int(sys.argv[1]), os.environ['TRTC_TEST_SECRET_KEY'])\n\
        print(api.gen_sig(sys.argv[2], int(sys.argv[3])))\n";
    let out = Command::new("python3")
        .args([
            "-c",
            SCRIPT,
            &sdk_app_id.to_string(),
            identifier,
            &expire.to_string(),
        ])
        .env("TRTC_TEST_SECRET_KEY", key)
        .stdin(Stdio::null())
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "TLSSigAPIv2 gen_sig failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sig = String::from_utf8(out.stdout)
        .expect("UTF-8 sig")
        .trim()
        .to_owned();
    assert!(sig.starts_with("eJ"), "unexpected official sig {sig:?}");
    sig
}

/// A UserSig from the official library when available, else from the SDK.
fn sig(sdk_app_id: u64, key: &str, identifier: &str, expire: u64) -> String {
    if official_available() {
        return official_sig(sdk_app_id, key, identifier, expire);
    }
    SigningKey::new(sdk_app_id, key)
        .generate(identifier, expire)
        .expect("SDK UserSig")
}

/// A zlib stream (RFC 1950) of `data` in stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = data.chunks(0xFFFF).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        let len = u16::try_from(chunk.len()).expect("chunk fits u16");
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// `sig` with one character of its HMAC (`TLS.sig`) changed, repacked as a
/// well-formed UserSig: decodable, but the signature no longer matches.
fn forge_hmac(sig: &str) -> String {
    let mut doc = usersig::decode(sig).expect("decode UserSig");
    let hmac = doc
        .get("TLS.sig")
        .and_then(Value::as_str)
        .expect("TLS.sig")
        .to_owned();
    let mut chars: Vec<char> = hmac.chars().collect();
    chars[0] = if chars[0] == 'A' { 'B' } else { 'A' };
    doc.insert(
        "TLS.sig".into(),
        json!(chars.into_iter().collect::<String>()),
    );
    let json = serde_json::to_vec(&Value::Object(doc)).expect("JSON");
    usersig::tencent_b64_encode(&zlib_stored(&json))
}

// ---------------------------------------------------------------------------
// HTTP.

fn query(sdk_app_id: u64, identifier: &str, sig: &str) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("sdkappid", &sdk_app_id.to_string())
        .append_pair("identifier", identifier)
        .append_pair("usersig", sig)
        .append_pair("random", &rand::random::<u32>().to_string())
        .append_pair("contenttype", "json")
        .finish()
}

/// POSTs `body` (bytes as given) and returns the parsed answer; asserts HTTP 200.
async fn post(http: &reqwest::Client, url: &str, body: Vec<u8>) -> Value {
    let resp = http
        .post(url)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("answer body");
    assert_eq!(status, 200, "POST {url}: HTTP {status}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("answer is not JSON ({e}): {text}"))
}

#[track_caller]
fn assert_ok(what: &str, v: &Value) {
    assert_eq!(v["ActionStatus"], "OK", "{what}: {v}");
    assert_eq!(v["ErrorCode"], 0, "{what}: {v}");
    assert!(
        v["RequestId"].as_str().is_some_and(|s| !s.is_empty()),
        "{what}: RequestId missing or empty: {v}"
    );
}

#[track_caller]
fn assert_refused(what: &str, v: &Value, code: i64) {
    assert_eq!(v["ActionStatus"], "FAIL", "{what}: {v}");
    assert_eq!(v["ErrorCode"], code, "{what}: expected {code}: {v}");
    assert!(
        v["ErrorInfo"].as_str().is_some_and(|s| !s.is_empty()),
        "{what}: {v}"
    );
    assert!(
        v["RequestId"].as_str().is_some_and(|s| !s.is_empty()),
        "{what}: {v}"
    );
}

// ---------------------------------------------------------------------------
// Samples.

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec/samples")
}

fn read_sample(name: &str) -> Vec<u8> {
    let path = samples_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn sample_json(name: &str) -> Value {
    serde_json::from_slice(&read_sample(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every request sample of the Room services in `api-spec/samples/`.
fn room_request_samples() -> BTreeSet<String> {
    std::fs::read_dir(samples_dir())
        .expect("list api-spec/samples")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| {
            let mut parts = name.split('.');
            let service = parts.next().unwrap_or_default();
            let _command = parts.next();
            SERVICES.contains(&service)
                && parts.next() == Some("request")
                && name.ends_with(".json")
        })
        .collect()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every key of `doc` is in `got` with the same JSON type, recursively
/// (objects key by key, arrays by their first element).
fn assert_shape(path: &str, doc: &Value, got: &Value) {
    assert_eq!(
        kind(doc),
        kind(got),
        "{path}: documented a {}, the emulator answered {got}",
        kind(doc)
    );
    match (doc, got) {
        (Value::Object(d), Value::Object(g)) => {
            for (key, dv) in d {
                let gv = g
                    .get(key)
                    .unwrap_or_else(|| panic!("{path}.{key}: documented, missing in {got}"));
                assert_shape(&format!("{path}.{key}"), dv, gv);
            }
        }
        (Value::Array(d), Value::Array(g)) => {
            if let Some(first) = d.first() {
                let gfirst = g.first().unwrap_or_else(|| {
                    panic!("{path}: documented a non-empty list, the emulator answered []")
                });
                assert_shape(&format!("{path}[0]"), first, gfirst);
            }
        }
        _ => {}
    }
}

/// The answer has the documented response's top-level keys (exactly) and,
/// under `Response`, every documented key with the documented type.
fn assert_documented_shape(response_sample: &str, got: &Value) {
    let doc = sample_json(response_sample);
    let keys = |v: &Value| -> BTreeSet<String> {
        v.as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(
        keys(&doc),
        keys(got),
        "{response_sample}: top-level keys differ; answer {got}"
    );
    if let Some(resp) = doc.get("Response") {
        assert_shape("Response", resp, &got["Response"]);
    }
}

struct SampleRunner {
    http: reqwest::Client,
    base: String,
    admin_sig: String,
    sent: BTreeSet<String>,
}

impl SampleRunner {
    /// Sends `<service>.<command>.request<variant>.json` as is; asserts
    /// success and, when a `<service>.<command>.response.json` exists, its
    /// shape. Returns the answer.
    async fn send(&mut self, request_sample: &str) -> Value {
        let v = self.send_raw(request_sample).await;
        assert_ok(request_sample, &v);
        let (service, command) = split_sample(request_sample);
        let response_sample = format!("{service}.{command}.response.json");
        if samples_dir().join(&response_sample).exists() {
            assert_documented_shape(&response_sample, &v);
        }
        v
    }

    async fn send_raw(&mut self, request_sample: &str) -> Value {
        let (service, command) = split_sample(request_sample);
        let url = format!(
            "{}/v4/{service}/{command}?{}",
            self.base,
            query(SDK_APP_ID, ADMIN, &self.admin_sig)
        );
        let v = post(&self.http, &url, read_sample(request_sample)).await;
        self.sent.insert(request_sample.to_owned());
        v
    }

    /// A control API call (what a client SDK would do); asserts success.
    async fn control(&self, op: &str, body: Value) {
        let url = format!("{}/emulator/v1/{op}", self.base);
        let v = post(&self.http, &url, body.to_string().into_bytes()).await;
        assert_ok(&format!("control {op} {body}"), &v);
    }

    async fn enter(&self, account: &str) {
        self.control(
            "enter_room",
            json!({"RoomId": ROOM, "Member_Account": account}),
        )
        .await;
    }

    async fn take_seat(&self, account: &str, index: i64) {
        self.control(
            "take_seat",
            json!({"RoomId": ROOM, "Member_Account": account, "Index": index}),
        )
        .await;
    }
}

fn split_sample(name: &str) -> (&str, &str) {
    let mut parts = name.split('.');
    match (parts.next(), parts.next()) {
        (Some(service), Some(command)) => (service, command),
        _ => panic!("not a sample file name: {name}"),
    }
}

#[tokio::test]
async fn binary_answers_every_documented_room_sample() {
    let emu = EmulatorProcess::start();
    let mut run = SampleRunner {
        http: trtc_room::http_client_builder().unwrap().build().unwrap(),
        base: emu.base_url.clone(),
        admin_sig: sig(SDK_APP_ID, SECRET_KEY, ADMIN, 86_400),
        sent: BTreeSet::new(),
    };

    // Callback configuration first, ending with delete_callback: the sample
    // URL (www.example.com) then receives no deliveries from the room calls.
    run.send("room_config.set_callback.request.json").await;
    let v = run.send("room_config.get_callback.request.json").await;
    assert_eq!(v["Response"]["Url"], "http://www.example.com/callback");
    run.send("room_config.update_callback.request.json").await;
    run.send("room_config.delete_callback.request.json").await;

    // The room all samples name, owned by user2, 16 seats.
    run.send("room_engine_http_srv.create_room.request.json")
        .await;
    // The users the samples act on enter it (user2, the owner, first: the
    // documented member list starts with it).
    for user in ["user2", "user1", "user4", "user"] {
        run.enter(user).await;
    }
    let v = run
        .send("room_engine_http_srv.get_room_info.request.json")
        .await;
    let info = &v["Response"]["RoomInfo"];
    assert_eq!(info["RoomId"], ROOM, "{v}");
    assert_eq!(info["Owner_Account"], "user2", "{v}");
    assert_eq!(info["MaxSeatCount"], 16, "{v}");
    assert_eq!(info["MemberCount"], 4, "{v}");
    run.send("room_engine_http_srv.update_room_info.request.json")
        .await;

    // Marks on user2, then the member list shows them (as documented).
    run.send("room_engine_http_srv.mark_room_member.request.json")
        .await;
    let v = run
        .send("room_engine_http_srv.get_room_member_list.request.json")
        .await;
    let first = &v["Response"]["MemberList"][0];
    assert_eq!(first["Member_Account"], "user2", "{v}");
    assert_eq!(first["Marks"], json!([1000, 1002, 1003]), "{v}");

    // user4 becomes an admin, then the owner (a role change of the owner
    // would be refused, so this order).
    run.send("room_engine_http_srv.update_room_member_info.request.json")
        .await;
    run.send("room_engine_http_srv.change_room_owner.request.json")
        .await;

    // Ban user1, list the bans, unban; user1 comes back and is kicked out.
    run.send("room_engine_http_srv.ban_room_member.request.json")
        .await;
    let v = run
        .send("room_engine_http_srv.get_banned_member_list.request.json")
        .await;
    assert_eq!(
        v["Response"]["BannedAccountList"][0]["Member_Account"], "user1",
        "{v}"
    );
    run.send("room_engine_http_srv.unban_room_member.request.json")
        .await;
    run.enter("user1").await;
    run.send("room_engine_http_srv.kick_user_out.request.json")
        .await;

    // Seats: user4 on seat 0 (the documented list starts with an occupied
    // seat), user2 picked onto seat 1, listed, then kicked off.
    run.take_seat("user4", 0).await;
    run.send("room_engine_http_mic.pick_user_on_seat.request.json")
        .await;
    let v = run
        .send("room_engine_http_mic.get_seat_list.request.json")
        .await;
    assert_eq!(v["Response"]["SeatList"][1]["Member_Account"], "user2");
    run.send("room_engine_http_mic.kick_user_off_seat.request.json")
        .await;
    run.send("room_engine_http_mic.lock_seat.request.json")
        .await;
    // "user" sits on seat 3 and is moved to the free seat 1; then it goes
    // back to seat 3 (leave, enter, take) so switch_seat has a move to make.
    run.take_seat("user", 3).await;
    run.send("room_engine_http_mic.move_user_to_seat.request.json")
        .await;
    run.control(
        "leave_room",
        json!({"RoomId": ROOM, "Member_Account": "user"}),
    )
    .await;
    run.enter("user").await;
    run.take_seat("user", 3).await;
    run.send("room_engine_http_mic.switch_seat.request.json")
        .await;
    let v = run
        .send("room_engine_http_mic.get_seat_list.request.json")
        .await;
    let seats = &v["Response"]["SeatList"];
    assert_eq!(seats[1]["Member_Account"], "user", "{v}");
    assert!(seats[3].get("Member_Account").is_none(), "{v}");
    assert_eq!(seats[2]["IsTakenDisabled"], true, "{v}");

    // The destroy sample ends the room every other sample needs: last.
    run.send("room_engine_http_srv.destroy_room.request.json")
        .await;

    // The variants with a password (same RoomId, so after the destroy).
    run.send("room_engine_http_srv.create_room.request.zh.json")
        .await;
    run.enter("user2").await;
    let v = run
        .send("room_engine_http_srv.get_room_info.request.json")
        .await;
    assert_documented_shape("room_engine_http_srv.get_room_info.response.zh.json", &v);
    assert_eq!(v["Response"]["RoomInfo"]["Password"], "1234", "{v}");
    run.send("room_engine_http_srv.update_room_info.request.zh.json")
        .await;
    run.send("room_engine_http_srv.destroy_room.request.json")
        .await;
    // Gone: the documented error.
    let v = run
        .send_raw("room_engine_http_srv.get_room_info.request.json")
        .await;
    assert_refused("get_room_info after destroy", &v, 100004);

    let all = room_request_samples();
    assert!(all.len() >= 20, "too few samples found: {all:?}");
    let missed: Vec<&String> = all.difference(&run.sent).collect();
    assert!(missed.is_empty(), "request samples not sent: {missed:?}");
}

#[tokio::test]
async fn binary_refuses_forged_expired_and_foreign_signatures() {
    let emu = EmulatorProcess::start();
    let http = trtc_room::http_client_builder().unwrap().build().unwrap();
    let good = sig(SDK_APP_ID, SECRET_KEY, ADMIN, 86_400);
    let url = |sdk_app_id: u64, identifier: &str, sig: &str| {
        format!(
            "{}/v4/room_engine_http_srv/get_room_info?{}",
            emu.base_url,
            query(sdk_app_id, identifier, sig)
        )
    };
    let body = read_sample("room_engine_http_srv.get_room_info.request.json");

    // The same request with the good sig succeeds, so each refusal below is
    // down to its signature alone.
    let create = format!(
        "{}/v4/room_engine_http_srv/create_room?{}",
        emu.base_url,
        query(SDK_APP_ID, ADMIN, &good)
    );
    let v = post(
        &http,
        &create,
        read_sample("room_engine_http_srv.create_room.request.json"),
    )
    .await;
    assert_ok("create_room", &v);
    let v = post(&http, &url(SDK_APP_ID, ADMIN, &good), body.clone()).await;
    assert_ok("get_room_info with the official sig", &v);

    // Forged: one character of the HMAC changed, the rest intact.
    let forged = forge_hmac(&good);
    assert_ne!(forged, good);
    let v = post(&http, &url(SDK_APP_ID, ADMIN, &forged), body.clone()).await;
    assert_refused("forged HMAC", &v, 70009);

    // Forged on the wire: the first character changed breaks the zlib
    // header, so the sig no longer decodes.
    let mut corrupted: Vec<char> = good.chars().collect();
    corrupted[0] = if corrupted[0] == 'f' { 'g' } else { 'f' };
    let corrupted: String = corrupted.into_iter().collect();
    let v = post(&http, &url(SDK_APP_ID, ADMIN, &corrupted), body.clone()).await;
    assert_refused("sig with its first character changed", &v, 70003);

    // Expired: signed long ago for 60 seconds.
    let expired = SigningKey::new(SDK_APP_ID, SECRET_KEY)
        .generate_at(ADMIN, 60, 1_600_000_000)
        .expect("SDK UserSig");
    let v = post(&http, &url(SDK_APP_ID, ADMIN, &expired), body.clone()).await;
    assert_refused("expired sig", &v, 70001);

    // Foreign: signed for another app with the same key.
    let other_app = sig(SDK_APP_ID + 1, SECRET_KEY, ADMIN, 86_400);
    let v = post(&http, &url(SDK_APP_ID, ADMIN, &other_app), body.clone()).await;
    assert_refused("sig for another SDKAppID", &v, 70014);

    // Foreign: signed with another key.
    let other_key = sig(
        SDK_APP_ID,
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ADMIN,
        86_400,
    );
    let v = post(&http, &url(SDK_APP_ID, ADMIN, &other_key), body.clone()).await;
    assert_refused("sig by another key", &v, 70009);

    // Foreign: a valid sig of another user, presented as the admin's.
    let user_sig = sig(SDK_APP_ID, SECRET_KEY, "user1", 86_400);
    let v = post(&http, &url(SDK_APP_ID, ADMIN, &user_sig), body.clone()).await;
    assert_refused("sig of another identifier", &v, 70013);

    // A valid sig of a user who is not the App administrator.
    let v = post(&http, &url(SDK_APP_ID, "user1", &user_sig), body.clone()).await;
    assert_refused("non-admin identifier", &v, 60010);

    // The right sig sent to the wrong SDKAppID.
    let v = post(&http, &url(SDK_APP_ID + 1, ADMIN, &good), body.clone()).await;
    assert_refused("request for another SDKAppID", &v, 60006);

    // None of the refused calls changed anything: the room still answers.
    let v = post(&http, &url(SDK_APP_ID, ADMIN, &good), body).await;
    assert_ok("get_room_info after the refusals", &v);
}

#[test]
fn shape_check_accepts_other_values_and_refuses_other_shapes() {
    let doc = json!({"List": [{"Index": 0, "Name": "a"}], "Flag": true});
    // Other values, extra keys and extra list items are fine.
    assert_shape(
        "R",
        &doc,
        &json!({"List": [{"Index": 7, "Name": "b", "More": 1}, {}], "Flag": false, "X": 1}),
    );
    let refused = |got: Value| std::panic::catch_unwind(|| assert_shape("R", &doc, &got)).is_err();
    assert!(refused(json!({"List": [{"Index": 0}], "Flag": true})));
    assert!(refused(
        json!({"List": [{"Index": "0", "Name": "a"}], "Flag": true})
    ));
    assert!(refused(json!({"List": [], "Flag": true})));
    assert!(refused(
        json!({"List": [{"Index": 0, "Name": "a"}], "Flag": "true"})
    ));
    assert!(refused(json!({"List": [{"Index": 0, "Name": "a"}]})));
}
