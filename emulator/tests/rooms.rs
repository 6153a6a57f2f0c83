//! Room lifecycle: create (defaults, limits, duplicates), update, info, destroy.

mod common;

use common::{assert_code, assert_ok, Harness};
use serde_json::json;

#[tokio::test]
async fn create_applies_documented_defaults() {
    let h = Harness::new().await;
    h.create_room("room-a", json!({})).await;
    let v = h.srv("get_room_info", json!({"RoomId": "room-a"})).await;
    assert_ok(&v);
    let info = &v["Response"]["RoomInfo"];
    assert_eq!(info["RoomName"], "room-a", "RoomName defaults to RoomId");
    assert_eq!(
        info["Owner_Account"],
        h.emu.admin(),
        "owner defaults to the admin"
    );
    assert_eq!(info["RoomType"], "Conference");
    assert_eq!(info["MaxMemberCount"], 300);
    assert_eq!(info["IsSeatEnabled"], false);
    assert_eq!(info["TakeSeatMode"], "None");
    assert_eq!(info["RoomStatus"], "Running");
    assert_eq!(info["MemberCount"], 0);
    let start = info["ScheduleStartTime"].as_u64().expect("start");
    let end = info["ScheduleEndTime"].as_u64().expect("end");
    assert_eq!(end - start, 3600, "end defaults to start + 1 h");
}

#[tokio::test]
async fn create_sample_request_round_trips_through_get() {
    let h = Harness::new().await;
    let sample = json!({
        "RoomInfo": {
            "RoomId": "room-test", "RoomName": "room-name-test", "RoomType": "Conference",
            "Owner_Account": "user2", "MaxMemberCount": 300,
            "ScheduleStartTime": 4_093_271_355u64, "ScheduleEndTime": 4_093_272_355u64,
            "IsVideoDisabled": true, "IsAudioDisabled": true, "IsMessageDisabled": true,
            "IsScreenSharingDisabled": true, "IsCloudRecordingDisabled": true,
            "CustomInfo": "custom123", "IsSeatEnabled": true, "MaxSeatCount": 16,
            "TakeSeatMode": "ApplyToTake"
        },
        "ScheduleInviteeList_Account": ["user1", "user2", "user3"]
    });
    assert_ok(&h.srv("create_room", sample).await);
    let info = h.srv("get_room_info", json!({"RoomId": "room-test"})).await["Response"]["RoomInfo"]
        .clone();
    assert_eq!(info["Owner_Account"], "user2");
    assert_eq!(info["MaxSeatCount"], 16);
    assert_eq!(info["TakeSeatMode"], "ApplyToTake");
    assert_eq!(info["IsCloudRecordingDisabled"], true);
    assert_eq!(info["RoomStatus"], "NotStarted", "scheduled in the future");
}

#[tokio::test]
async fn create_refuses_duplicates_and_bad_parameters() {
    let h = Harness::new().await;
    h.create_room("dup", json!({})).await;
    let again = h
        .srv(
            "create_room",
            json!({"RoomInfo": {"RoomId": "dup", "RoomType": "Conference"}}),
        )
        .await;
    // The engine's "exists with the same owner" code (documented on Live's
    // create_room): the admin created it, and the admin asks again.
    assert_code(&again, 100010);
    for (info, why) in [
        (
            json!({"RoomId": "x".repeat(49), "RoomType": "Conference"}),
            "RoomId > 48 bytes",
        ),
        (
            json!({"RoomId": "", "RoomType": "Conference"}),
            "empty RoomId",
        ),
        (
            json!({"RoomId": "n", "RoomType": "Conference", "RoomName": "n".repeat(101)}),
            "RoomName > 100",
        ),
        (json!({"RoomId": "t", "RoomType": "Live"}), "RoomType"),
        (
            json!({"RoomId": "m", "RoomType": "Conference", "MaxMemberCount": 301}),
            "above package",
        ),
        (
            json!({"RoomId": "c", "RoomType": "Conference", "CustomInfo": "c".repeat(501)}),
            "CustomInfo",
        ),
        (
            json!({"RoomId": "s", "RoomType": "Conference", "ScheduleStartTime": 2_000_000_000u64, "ScheduleEndTime": 2_000_000_100u64}),
            "< 5 min",
        ),
        (
            json!({"RoomId": "k", "RoomType": "Conference", "TakeSeatMode": "Whatever"}),
            "TakeSeatMode",
        ),
        (json!({"RoomType": "Conference"}), "missing RoomId"),
    ] {
        let v = h.srv("create_room", json!({"RoomInfo": info})).await;
        assert_eq!(v["ErrorCode"], 100002, "{why}: {v}");
    }
    assert_code(&h.srv("create_room", json!({})).await, 100002);
}

#[tokio::test]
async fn update_changes_only_given_fields() {
    let h = Harness::new().await;
    h.create_room("u", json!({"RoomName": "before", "CustomInfo": "keep"}))
        .await;
    let v = h
        .srv("update_room_info", json!({"RoomInfo": {"RoomId": "u", "RoomName": "after", "MaxMemberCount": 50, "IsMessageDisabled": true}}))
        .await;
    assert_ok(&v);
    let info = h.srv("get_room_info", json!({"RoomId": "u"})).await["Response"]["RoomInfo"].clone();
    assert_eq!(info["RoomName"], "after");
    assert_eq!(info["MaxMemberCount"], 50);
    assert_eq!(info["IsMessageDisabled"], true);
    assert_eq!(info["CustomInfo"], "keep");
    let long = h
        .srv(
            "update_room_info",
            json!({"RoomInfo": {"RoomId": "u", "CustomInfo": "x".repeat(501)}}),
        )
        .await;
    assert_code(&long, 100002);
    let missing = h
        .srv(
            "update_room_info",
            json!({"RoomInfo": {"RoomId": "nope", "RoomName": "x"}}),
        )
        .await;
    assert_code(&missing, 100004);
}

#[tokio::test]
async fn destroyed_room_is_gone_everywhere() {
    let h = Harness::new().await;
    h.create_room("gone", json!({"IsSeatEnabled": true})).await;
    assert_ok(&h.srv("destroy_room", json!({"RoomId": "gone"})).await);
    assert_code(
        &h.srv("destroy_room", json!({"RoomId": "gone"})).await,
        100004,
    );
    assert_code(
        &h.srv("get_room_info", json!({"RoomId": "gone"})).await,
        100004,
    );
    assert_code(
        &h.srv("get_room_member_list", json!({"RoomId": "gone"}))
            .await,
        100004,
    );
    assert_code(
        &h.mic("get_seat_list", json!({"RoomId": "gone"})).await,
        100004,
    );
    assert!(h.emu.enter_room("gone", "u1").is_err());
    // The ID can be used again.
    h.create_room("gone", json!({})).await;
    assert_eq!(h.emu.room_count(), 1);
}
