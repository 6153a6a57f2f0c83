//! Authentication through the client: the emulator checks the admin
//! UserSig the same way the service does, and a refusal arrives as a typed
//! service error that the client does not retry.

mod sdk_support;

use sdk_support::{builder, expect_ok, expect_service, Setup};
use trtc_room::{ErrorCode, GetRoomInfo};

#[tokio::test]
async fn a_wrong_secret_key_gets_70009_and_is_not_retried() {
    let s = Setup::new().await;
    s.room("a", 0).await;
    let wrong = s.client_with(|b| b.secret_key("0".repeat(64)));
    let err = expect_service(
        wrong.get_room_info(GetRoomInfo::new("a")).await,
        ErrorCode::UserSigVerificationFailed,
    );
    assert_eq!(err.call().map(|c| c.attempts), Some(1), "{err}");
    // The key never shows in the error.
    assert!(!format!("{err} {err:?}").contains(&"0".repeat(64)));
    // The right key still works on the same emulator.
    expect_ok(s.client.get_room_info(GetRoomInfo::new("a")).await);
}

#[tokio::test]
async fn a_non_admin_identifier_gets_60010() {
    let s = Setup::new().await;
    let user = s.client_with(|b| b.admin("alice"));
    expect_service(
        user.get_room_info(GetRoomInfo::new("a")).await,
        ErrorCode::AdminRequired,
    );
}

#[tokio::test]
async fn a_wrong_sdk_app_id_gets_60006() {
    let s = Setup::new().await;
    let other_app = builder(&s.emu)
        .sdk_app_id(s.emu.sdk_app_id() + 1)
        .build()
        .expect("client");
    expect_service(
        other_app.get_room_info(GetRoomInfo::new("a")).await,
        ErrorCode::SdkAppIdInvalid,
    );
}
