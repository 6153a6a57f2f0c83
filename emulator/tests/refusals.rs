//! What the emulator refuses that a real service would not accept either
//! (the choice for each case, where Tencent documents none, is described on
//! the code that refuses it): a member cap below the members present,
//! empty or oversized accounts, schedule times beyond 32-bit Unix seconds,
//! and UserSigs no official signer produces.

mod common;

use common::{assert_code, assert_ok, Harness};
use serde_json::json;
use trtc_room::usersig::{tencent_b64_encode, SigningKey};

/// A UserSig signed like the official libraries, with any `expire`.
fn hand_signed(key: &str, app: u64, id: &str, expire: u64, time: u64) -> String {
    use base64::Engine as _;
    use hmac::{KeyInit as _, Mac as _};
    use std::io::Write as _;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(
        format!("TLS.identifier:{id}\nTLS.sdkappid:{app}\nTLS.time:{time}\nTLS.expire:{expire}\n")
            .as_bytes(),
    );
    let doc = json!({
        "TLS.ver": "2.0",
        "TLS.identifier": id,
        "TLS.sdkappid": app,
        "TLS.expire": expire,
        "TLS.time": time,
        "TLS.sig": base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()),
    });
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(doc.to_string().as_bytes()).unwrap();
    tencent_b64_encode(&z.finish().unwrap())
}

#[tokio::test]
async fn max_member_count_cannot_drop_below_the_members_present() {
    let h = Harness::new().await;
    h.create_room("cap", json!({})).await;
    h.enter("cap", &["u1", "u2", "u3", "u4", "u5"]);
    let v = h
        .srv(
            "update_room_info",
            json!({"RoomInfo": {"RoomId": "cap", "MaxMemberCount": 1}}),
        )
        .await;
    assert_code(&v, 100002);
    assert!(v["ErrorInfo"].as_str().unwrap().contains("below"), "{v}");
    // At the member count it is fine.
    assert_ok(
        &h.srv(
            "update_room_info",
            json!({"RoomInfo": {"RoomId": "cap", "MaxMemberCount": 5}}),
        )
        .await,
    );
}

#[tokio::test]
async fn owner_accounts_must_be_real_user_ids() {
    let h = Harness::new().await;
    for owner in [String::new(), "x".repeat(100 * 1024), "y".repeat(33)] {
        let v = h
            .srv(
                "create_room",
                json!({"RoomInfo": {"RoomId": "o", "RoomType": "Conference", "Owner_Account": owner}}),
            )
            .await;
        assert_code(&v, 100002);
        assert!(
            v["ErrorInfo"].as_str().unwrap().contains("Owner_Account"),
            "{v}"
        );
    }
    assert_ok(
        &h.srv(
            "create_room",
            json!({"RoomInfo": {"RoomId": "o", "RoomType": "Conference", "Owner_Account": "z".repeat(32)}}),
        )
        .await,
    );
}

#[tokio::test]
async fn the_control_api_refuses_oversized_member_ids() {
    let h = Harness::new().await;
    h.create_room("big", json!({})).await;
    let v = h
        .control(
            "enter_room",
            json!({"RoomId": "big", "Member_Account": "m".repeat(1024 * 1024)}),
        )
        .await;
    assert_code(&v, 100002);
    assert_code(
        &h.control("enter_room", json!({"RoomId": "big", "Member_Account": ""}))
            .await,
        100002,
    );
}

#[tokio::test]
async fn schedule_times_must_fit_unix_seconds() {
    let h = Harness::new().await;
    for (start, end) in [
        (i64::MAX, None),
        (1_700_000_000, Some(i64::MAX)),
        (-1, None),
    ] {
        let mut info = json!({"RoomId": "s", "RoomType": "Conference", "ScheduleStartTime": start});
        if let Some(end) = end {
            info["ScheduleEndTime"] = json!(end);
        }
        let v = h.srv("create_room", json!({"RoomInfo": info})).await;
        assert_code(&v, 100002);
    }
    assert_ok(
        &h.srv(
            "create_room",
            json!({"RoomInfo": {"RoomId": "s", "RoomType": "Conference", "ScheduleStartTime": 4_000_000_000_i64}}),
        )
        .await,
    );
}

#[tokio::test]
async fn sigs_no_official_signer_produces_are_invalid() {
    let h = Harness::new().await;
    let key = SigningKey::new(h.emu.sdk_app_id(), h.emu.secret_key());
    let admin = h.emu.admin().to_owned();
    let now = unix_now();
    let call = |sig: String| {
        format!(
            "/v4/room_engine_http_srv/get_room_info?sdkappid={}&identifier={admin}&usersig={sig}&random=1&contenttype=json",
            h.emu.sdk_app_id()
        )
    };
    // Issued ten years ahead.
    let future = key
        .generate_at(&admin, 86_400, now + 10 * 365 * 86_400)
        .unwrap();
    let v = h.call_path(&call(future), r#"{"RoomId":"x"}"#).await;
    assert_code(&v, 70003);
    // An expire of u64::MAX (signed by hand: the SDK refuses to produce it).
    let huge = hand_signed(
        h.emu.secret_key(),
        h.emu.sdk_app_id(),
        &admin,
        u64::MAX,
        now,
    );
    let v = h.call_path(&call(huge), r#"{"RoomId":"x"}"#).await;
    assert_code(&v, 70003);
    // A normal sig still works (the room does not exist: 100004).
    let ok = key.generate_at(&admin, 86_400, now).unwrap();
    assert_code(&h.call_path(&call(ok), r#"{"RoomId":"x"}"#).await, 100004);
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
