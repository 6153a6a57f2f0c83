//! A spec command without a handler is answered with its documented sample
//! (after its request passes the SDK's typed checks), so a command added to
//! `api-spec/` is served with no emulator code. `--sample-answer` asks for
//! that answer for a command that has a handler, which is how this test
//! reaches the path.

use serde_json::{json, Value};
use trtc_room::{Client, LiveGetRoomStats};
use trtc_room_emulator::{Emulator, EmulatorConfig};

fn documented(name: &str) -> Value {
    let path = format!("{}/../api-spec/samples/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("sample")).expect("JSON")
}

async fn start() -> (Emulator, Client) {
    let emu = Emulator::start(EmulatorConfig {
        sample_answers: vec!["live_engine_http_srv/get_room_stats".to_owned()],
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator");
    let client = Client::builder()
        .sdk_app_id(emu.sdk_app_id())
        .secret_key(emu.secret_key())
        .admin(emu.admin())
        .base_url(emu.base_url())
        .build()
        .expect("client");
    (emu, client)
}

#[tokio::test]
async fn a_command_answered_from_its_sample_gets_the_documented_payload() {
    let (emu, client) = start().await;
    // No such room exists: the handler would answer 100004; the sample
    // answer is the documented one.
    let reply = client
        .live_get_room_stats(LiveGetRoomStats::new("no-such-room"))
        .await
        .expect("the sample answer");
    let sample = documented("live_engine_http_srv.get_room_stats.response.json");
    let got = serde_json::to_value(reply.into_inner()).expect("serialize");
    assert_eq!(got, sample["Response"]);
    // The request log (and the console) mark it as a sample answer.
    let log: Value = trtc_room::reqwest::get(format!(
        "{}/emulator/v1/requests?command=get_room_stats",
        emu.base_url()
    ))
    .await
    .expect("request log")
    .bytes()
    .await
    .map(|b| serde_json::from_slice(&b).expect("JSON"))
    .expect("body");
    let entries = log["Requests"].as_array().expect("a list");
    assert_eq!(entries.len(), 1, "{log}");
    assert_eq!(entries[0]["SampleAnswer"], true, "{log}");
    emu.shutdown().await;
}

#[tokio::test]
async fn the_typed_request_is_still_checked() {
    let (emu, client) = start().await;
    // Sent raw, so the SDK's own check does not stop it first.
    let err = client
        .call_raw("live_engine_http_srv", "get_room_stats", &json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.service_code(), Some(100_002), "{err}");
    assert!(err.to_string().contains("RoomId"), "{err}");
    emu.shutdown().await;
}
