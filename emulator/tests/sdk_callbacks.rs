//! The `room_config` (callback configuration) commands through the SDK
//! client against the emulator.

mod sdk_support;

use sdk_support::{expect_ok, expect_service, Setup};
use trtc_room::{
    CallbackCommand, DeleteCallback, ErrorCode, GetCallback, SetCallback, UpdateCallback,
};

#[tokio::test]
async fn callback_configuration_life_cycle() {
    let s = Setup::new().await;
    let c = &s.client;

    // Nothing configured yet: get, update and delete answer 100301.
    expect_service(
        c.get_callback(GetCallback::new()).await,
        ErrorCode::CallbackConfigNotFound,
    );
    expect_service(
        c.update_callback(UpdateCallback::new(
            "https://hooks.example.com/a",
            vec![CallbackCommand::AfterCreateRoom],
        ))
        .await,
        ErrorCode::CallbackConfigNotFound,
    );
    expect_service(
        c.delete_callback(DeleteCallback::new()).await,
        ErrorCode::CallbackConfigNotFound,
    );

    let first = vec![
        CallbackCommand::AfterCreateRoom,
        CallbackCommand::AfterSeatInfoChanged,
    ];
    expect_ok(
        c.set_callback(SetCallback::new(
            "https://hooks.example.com/a",
            first.clone(),
        ))
        .await,
    );
    let got = expect_ok(c.get_callback(GetCallback::new()).await);
    assert_eq!(got.url.as_deref(), Some("https://hooks.example.com/a"));
    assert_eq!(got.callback_command_list, Some(first));
    assert!(s.emu.callback_config().is_some());

    // A second set is refused with 100300 and changes nothing.
    expect_service(
        c.set_callback(SetCallback::new(
            "https://hooks.example.com/b",
            vec![CallbackCommand::AfterDestroyRoom],
        ))
        .await,
        ErrorCode::CallbackConfigExists,
    );

    let second = vec![
        CallbackCommand::AfterMemberEnter,
        CallbackCommand::AfterMemberLeave,
        CallbackCommand::AfterDestroyRoom,
    ];
    expect_ok(
        c.update_callback(UpdateCallback::new(
            "https://hooks.example.com/b",
            second.clone(),
        ))
        .await,
    );
    let got = expect_ok(c.get_callback(GetCallback::new()).await);
    assert_eq!(got.url.as_deref(), Some("https://hooks.example.com/b"));
    assert_eq!(got.callback_command_list, Some(second));

    expect_ok(c.delete_callback(DeleteCallback::new()).await);
    assert!(s.emu.callback_config().is_none());
    expect_service(
        c.get_callback(GetCallback::new()).await,
        ErrorCode::CallbackConfigNotFound,
    );
}

#[tokio::test]
async fn set_callback_rejects_a_url_that_is_not_http() {
    let s = Setup::new().await;
    // The SDK refuses it before sending; a client without that check reaches
    // the service, which refuses it too.
    assert!(matches!(
        s.client
            .set_callback(SetCallback::new(
                "ftp://hooks.example.com",
                vec![CallbackCommand::AfterCreateRoom],
            ))
            .await,
        Err(trtc_room::Error::InvalidRequest(_))
    ));
    expect_service(
        s.client
            .call_raw(
                "room_config",
                "set_callback",
                &serde_json::json!({
                    "Url": "ftp://hooks.example.com",
                    "CallbackCommandList": ["Room.CallbackAfterCreateRoom"],
                }),
            )
            .await,
        ErrorCode::InvalidParameter,
    );
    assert!(s.emu.callback_config().is_none());
}
