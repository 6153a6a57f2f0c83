//! Wire protocol: envelope, query checks, UserSig refusals, routing.

mod common;

use common::{assert_code, assert_ok, Harness};
use serde_json::json;
use trtc_room::usersig::SigningKey;
use trtc_room_emulator::EmulatorConfig;

fn query(app: u64, identifier: &str, sig: &str, random: &str, contenttype: &str) -> String {
    let mut q = url_encode(&[
        ("sdkappid", app.to_string()),
        ("identifier", identifier.to_owned()),
        ("usersig", sig.to_owned()),
        ("random", random.to_owned()),
    ]);
    q.push_str("&contenttype=");
    q.push_str(contenttype);
    q
}

fn url_encode(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

const PATH: &str = "/v4/room_engine_http_srv/get_room_info";

async fn get_info_with(h: &Harness, q: &str) -> serde_json::Value {
    h.call_path(&format!("{PATH}?{q}"), json!({"RoomId": "r"}).to_string())
        .await
}

#[tokio::test]
async fn success_envelope_and_unique_request_ids() {
    let h = Harness::new().await;
    h.create_room("r1", json!({})).await;
    let a = h.srv("get_room_info", json!({"RoomId": "r1"})).await;
    let b = h.srv("get_room_info", json!({"RoomId": "r1"})).await;
    assert_ok(&a);
    assert_eq!(a["ErrorInfo"], "");
    assert_eq!(a["Response"]["RoomInfo"]["RoomId"], "r1");
    assert_ne!(a["RequestId"], b["RequestId"]);
    // Envelope-only commands carry no Response.
    let d = h.srv("destroy_room", json!({"RoomId": "r1"})).await;
    assert_ok(&d);
    assert!(d.get("Response").is_none(), "{d}");
}

#[tokio::test]
async fn usersig_refusals_use_documented_codes() {
    let h = Harness::new().await;
    let app = h.emu.sdk_app_id();
    let admin = h.emu.admin().to_owned();
    let key = SigningKey::new(app, h.emu.secret_key());
    let good = key.generate(&admin, 3600).expect("sig");

    // Missing / wrong SDKAppID.
    let v = h
        .call_path(
            &format!("{PATH}?identifier={admin}&usersig=x&random=1&contenttype=json"),
            "{}",
        )
        .await;
    assert_code(&v, 60012);
    assert_code(
        &get_info_with(&h, &query(app + 1, &admin, &good, "1", "json")).await,
        60006,
    );
    // Empty sig.
    assert_code(
        &get_info_with(&h, &query(app, &admin, "", "1", "json")).await,
        70002,
    );
    // Not a sig at all (tampered beyond decoding).
    assert_code(
        &get_info_with(&h, &query(app, &admin, "eJxxxxnotasig", "1", "json")).await,
        70003,
    );
    // Signed with another key.
    let other = SigningKey::new(
        app,
        "0000000000000000000000000000000000000000000000000000000000000000",
    )
    .generate(&admin, 3600)
    .expect("sig");
    assert_code(
        &get_info_with(&h, &query(app, &admin, &other, "1", "json")).await,
        70009,
    );
    // Signed for another app.
    let other_app = SigningKey::new(app + 7, h.emu.secret_key())
        .generate(&admin, 3600)
        .expect("sig");
    assert_code(
        &get_info_with(&h, &query(app, &admin, &other_app, "1", "json")).await,
        70014,
    );
    // Signed for another identifier.
    let bob = key.generate("bob", 3600).expect("sig");
    assert_code(
        &get_info_with(&h, &query(app, &admin, &bob, "1", "json")).await,
        70013,
    );
    // Expired.
    let old = key.generate_at(&admin, 60, 1_000_000_000).expect("sig");
    assert_code(
        &get_info_with(&h, &query(app, &admin, &old, "1", "json")).await,
        70001,
    );
    // A valid sig of a user who is not the admin.
    assert_code(
        &get_info_with(&h, &query(app, "bob", &bob, "1", "json")).await,
        60010,
    );
    // The good one passes auth (the room does not exist).
    assert_code(
        &get_info_with(&h, &query(app, &admin, &good, "1", "json")).await,
        100004,
    );
}

#[tokio::test]
async fn tampered_signature_is_refused() {
    let h = Harness::new().await;
    let app = h.emu.sdk_app_id();
    let admin = h.emu.admin().to_owned();
    let good = SigningKey::new(app, h.emu.secret_key())
        .generate(&admin, 3600)
        .expect("sig");
    // Flip one character in the middle: the zlib stream or the HMAC breaks.
    let mut bytes = good.into_bytes();
    let mid = bytes.len() / 2;
    bytes[mid] = if bytes[mid] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).expect("ascii");
    let v = get_info_with(&h, &query(app, &admin, &tampered, "1", "json")).await;
    let code = v["ErrorCode"].as_i64().unwrap_or_default();
    assert!([70003, 70009].contains(&code), "{v}");
}

#[tokio::test]
async fn random_contenttype_and_body_checks() {
    let h = Harness::new().await;
    let app = h.emu.sdk_app_id();
    let admin = h.emu.admin().to_owned();
    let sig = h.emu.user_sig(&admin, 3600);
    assert_code(
        &get_info_with(&h, &query(app, &admin, &sig, "4294967296", "json")).await,
        60002,
    );
    assert_code(
        &get_info_with(&h, &query(app, &admin, &sig, "-1", "json")).await,
        60002,
    );
    assert_code(
        &get_info_with(&h, &query(app, &admin, &sig, "4294967295", "xml")).await,
        60002,
    );
    let q = query(app, &admin, &sig, "7", "json");
    let bad = h.call_path(&format!("{PATH}?{q}"), "{\"RoomId\": ").await;
    assert_code(&bad, 60003);
    let arr = h.call_path(&format!("{PATH}?{q}"), "[1,2]").await;
    assert_code(&arr, 60003);
    let empty = h.call_path(&format!("{PATH}?{q}"), "").await;
    assert_code(&empty, 60003);
    // Wrong field type is a parameter error.
    let wrong = h
        .call_path(&format!("{PATH}?{q}"), r#"{"RoomId": 5}"#)
        .await;
    assert_code(&wrong, 100002);
}

#[tokio::test]
async fn unknown_paths_answer_the_envelope() {
    let h = Harness::new().await;
    let v = h
        .call("room_engine_http_srv", "no_such_command", json!({}))
        .await;
    assert_code(&v, 60009);
    let v = h.call("no_such_service", "create_room", json!({})).await;
    assert_code(&v, 60009);
    let v = h.call_path("/totally/elsewhere", "{}").await;
    assert_ne!(v["ErrorCode"], 0);
    let resp = h
        .http
        .get(format!(
            "{}/v4/room_engine_http_srv/get_room_info",
            h.emu.base_url()
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 200);
    let v: serde_json::Value =
        serde_json::from_str(&resp.text().await.expect("text")).expect("json");
    assert_code(&v, 60002);
}

#[tokio::test]
async fn rate_limit_is_off_by_default_and_answers_60007_when_on() {
    let h = Harness::new().await;
    for _ in 0..30 {
        assert_code(
            &h.srv("get_room_info", json!({"RoomId": "x"})).await,
            100004,
        );
    }
    // With a limit of one call per second, 20 back-to-back calls cannot all
    // land in different seconds.
    let h = Harness::with(EmulatorConfig {
        rate_limit: true,
        rate_limit_override: Some(1),
        ..EmulatorConfig::default()
    })
    .await;
    let mut limited = 0;
    for _ in 0..20 {
        let v = h.srv("get_room_info", json!({"RoomId": "x"})).await;
        if v["ErrorCode"] == 60007 {
            limited += 1;
        } else {
            assert_code(&v, 100004);
        }
    }
    assert!(limited > 0, "no call was rate limited");
}

#[tokio::test]
async fn whole_numbers_written_with_a_fraction_are_integers() {
    let h = Harness::new().await;
    h.create_room("r", json!({})).await;
    h.enter("r", &["alice", "bob", "carol"]);
    // JSON Schema's `integer` accepts 2.0 and 2e0; so does the service.
    let page = h
        .srv("get_room_member_list", json!({"RoomId": "r", "Count": 2.0}))
        .await;
    assert_ok(&page);
    assert_eq!(
        page["Response"]["MemberList"].as_array().map(Vec::len),
        Some(2)
    );
    let ban = h
        .srv(
            "ban_room_member",
            json!({"RoomId": "r", "MemberList_Account": ["bob"], "Reason": "r", "Duration": 6e1}),
        )
        .await;
    assert_ok(&ban);
    // A real fraction is still refused, naming the field's type.
    let v = h
        .srv("get_room_member_list", json!({"RoomId": "r", "Count": 2.5}))
        .await;
    assert_code(&v, 100002);
}
