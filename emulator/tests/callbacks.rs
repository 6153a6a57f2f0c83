//! room_config commands and the state-change events they would deliver.

mod common;

use common::{assert_code, assert_ok, Harness};
use serde_json::json;

#[tokio::test]
async fn callback_config_lifecycle() {
    let h = Harness::new().await;
    assert_code(&h.cfg("get_callback", json!({})).await, 100301);
    assert_code(
        &h.cfg(
            "update_callback",
            json!({"Url": "http://a", "CallbackCommandList": []}),
        )
        .await,
        100301,
    );
    assert_code(&h.cfg("delete_callback", json!({})).await, 100301);
    let set = json!({"Url": "http://www.example.com/callback", "CallbackCommandList": ["Room.CallbackAfterCreateRoom", "Room.CallbackUpdateRoomInfo"]});
    assert_ok(&h.cfg("set_callback", set.clone()).await);
    assert_code(&h.cfg("set_callback", set).await, 100300);
    let got = h.cfg("get_callback", json!({})).await;
    assert_ok(&got);
    assert_eq!(got["Response"]["Url"], "http://www.example.com/callback");
    assert_eq!(
        got["Response"]["CallbackCommandList"][1],
        "Room.CallbackUpdateRoomInfo"
    );
    let upd = json!({"Url": "https://example.org/cb", "CallbackCommandList": ["Mic.CallbackAfterSeatInfoChanged"]});
    assert_ok(&h.cfg("update_callback", upd).await);
    let cfg = h.emu.callback_config().expect("configured");
    assert_eq!(cfg.url, "https://example.org/cb");
    assert_code(
        &h.cfg(
            "update_callback",
            json!({"Url": "ftp://x", "CallbackCommandList": []}),
        )
        .await,
        100002,
    );
    assert_code(
        &h.cfg(
            "update_callback",
            json!({"Url": "http://x", "CallbackCommandList": ["Room.Nope"]}),
        )
        .await,
        100002,
    );
    assert_ok(&h.cfg("delete_callback", json!({})).await);
    assert!(h.emu.callback_config().is_none());
}

#[tokio::test]
async fn state_changes_emit_the_documented_callbacks() {
    let h = Harness::new().await;
    let mut rx = h.emu.subscribe_events();
    h.create_room("r", json!({"IsSeatEnabled": true, "MaxSeatCount": 2}))
        .await;
    h.enter("r", &["u1"]);
    h.emu.take_seat("r", "u1", 1).expect("seat");
    assert_ok(
        &h.srv(
            "update_room_info",
            json!({"RoomInfo": {"RoomId": "r", "RoomName": "n"}}),
        )
        .await,
    );
    assert_ok(
        &h.srv(
            "kick_user_out",
            json!({"RoomId": "r", "MemberList_Account": ["u1"], "Reason": "x"}),
        )
        .await,
    );
    assert_ok(&h.srv("destroy_room", json!({"RoomId": "r"})).await);
    let mut got = Vec::new();
    while let Ok(e) = rx.try_recv() {
        assert_eq!(e.payload["CallbackCommand"], e.command);
        assert!(e.payload["EventTime"]
            .as_u64()
            .is_some_and(|t| t > 1_000_000_000_000));
        got.push(e);
    }
    let names: Vec<&str> = got.iter().map(|e| e.command).collect();
    assert_eq!(
        names,
        [
            "Room.CallbackAfterCreateRoom",
            "Room.CallbackAfterMemberEnter",
            "Mic.CallbackAfterSeatInfoChanged",
            "Room.CallbackAfterUpdateRoomInfo",
            "Mic.CallbackAfterSeatInfoChanged",
            "Room.CallbackAfterMemberLeave",
            "Room.CallbackAfterDestroyRoom",
        ]
    );
    assert_eq!(got[0].payload["RoomInfo"]["RoomId"], "r");
    assert_eq!(got[0].payload["Operator_Account"], h.emu.admin());
    assert_eq!(got[2].payload["SeatList"][0]["Member_Account"], "u1");
    assert_eq!(got[5].payload["Type"], "Kicked");
    assert_eq!(got[5].payload["MemberList_Account"], json!(["u1"]));
    // The webhook payloads parse with the SDK's typed webhook enum.
    for e in &got {
        let bytes = serde_json::to_vec(&e.payload).expect("bytes");
        let parsed = trtc_room::WebhookEvent::parse(e.command, &bytes).expect("parse");
        assert_eq!(parsed.command(), e.command);
    }
}
