//! Seats: list, pick, kick off, lock flags, switch, move with each policy.

mod common;

use common::{assert_code, assert_ok, Harness};
use serde_json::{json, Value};

async fn seated_room(h: &Harness) {
    h.create_room("r", json!({"IsSeatEnabled": true, "MaxSeatCount": 3}))
        .await;
    h.enter("r", &["a", "b", "c", "d"]);
}

async fn occupant(h: &Harness, index: usize) -> Option<String> {
    let v = h.mic("get_seat_list", json!({"RoomId": "r"})).await;
    assert_ok(&v);
    v["Response"]["SeatList"][index]["Member_Account"]
        .as_str()
        .map(str::to_owned)
}

async fn seat(h: &Harness, index: usize) -> Value {
    h.mic("get_seat_list", json!({"RoomId": "r"})).await["Response"]["SeatList"][index].clone()
}

#[tokio::test]
async fn seat_list_follows_the_room() {
    let h = Harness::new().await;
    seated_room(&h).await;
    let v = h.mic("get_seat_list", json!({"RoomId": "r"})).await;
    let list = v["Response"]["SeatList"].as_array().expect("list").clone();
    assert_eq!(list.len(), 3);
    assert_eq!(list[2]["Index"], 2);
    assert_eq!(list[0]["IsTakenDisabled"], false);
    h.create_room("noseats", json!({})).await;
    let pick = h
        .mic(
            "pick_user_on_seat",
            json!({"RoomId": "noseats", "Index": 0, "Member_Account": "a"}),
        )
        .await;
    assert_code(&pick, 100211);
    assert_code(
        &h.mic(
            "lock_seat",
            json!({"RoomId": "noseats", "Index": 0, "ForbidTaken": true}),
        )
        .await,
        100211,
    );
}

#[tokio::test]
async fn pick_and_its_refusals() {
    let h = Harness::new().await;
    seated_room(&h).await;
    assert_ok(
        &h.mic(
            "pick_user_on_seat",
            json!({"RoomId": "r", "Index": 1, "Member_Account": "a"}),
        )
        .await,
    );
    assert_eq!(occupant(&h, 1).await.as_deref(), Some("a"));
    for (body, code) in [
        (
            json!({"RoomId": "r", "Index": 0, "Member_Account": "a"}),
            100203,
        ),
        (
            json!({"RoomId": "r", "Index": 1, "Member_Account": "b"}),
            100210,
        ),
        (
            json!({"RoomId": "r", "Index": 3, "Member_Account": "b"}),
            100002,
        ),
        (
            json!({"RoomId": "r", "Index": 0, "Member_Account": "zz"}),
            100005,
        ),
        (
            json!({"RoomId": "nope", "Index": 0, "Member_Account": "b"}),
            100004,
        ),
    ] {
        assert_code(&h.mic("pick_user_on_seat", body).await, code);
    }
    assert_ok(
        &h.mic(
            "lock_seat",
            json!({"RoomId": "r", "Index": 0, "ForbidTaken": true}),
        )
        .await,
    );
    assert_code(
        &h.mic(
            "pick_user_on_seat",
            json!({"RoomId": "r", "Index": 0, "Member_Account": "b"}),
        )
        .await,
        100200,
    );
    h.emu.take_seat("r", "b", -1).expect("first free seat");
    assert_eq!(occupant(&h, 2).await.as_deref(), Some("b"));
    let full = h.emu.take_seat("r", "c", -1).expect_err("no free seat");
    assert_eq!(full.code, 100205);
}

#[tokio::test]
async fn kick_off_and_lock_flags() {
    let h = Harness::new().await;
    seated_room(&h).await;
    h.emu.take_seat("r", "a", 0).expect("seat");
    assert_ok(
        &h.mic(
            "kick_user_off_seat",
            json!({"RoomId": "r", "Member_Account": "a", "Data": "time over"}),
        )
        .await,
    );
    assert_eq!(occupant(&h, 0).await, None);
    assert_code(
        &h.mic(
            "kick_user_off_seat",
            json!({"RoomId": "r", "Member_Account": "a", "Data": "x"}),
        )
        .await,
        100002,
    );

    h.emu.take_seat("r", "b", 2).expect("seat");
    let lock = json!({"RoomId": "r", "Index": 2, "ForbidTaken": true, "ForbidVideo": true, "ForbidAudio": false});
    assert_ok(&h.mic("lock_seat", lock).await);
    let s = seat(&h, 2).await;
    assert_eq!(
        (
            s["IsTakenDisabled"].clone(),
            s["IsVideoDisabled"].clone(),
            s["IsAudioDisabled"].clone()
        ),
        (json!(true), json!(true), json!(false))
    );
    assert!(
        s.get("Member_Account").is_none(),
        "locking removes the occupant: {s}"
    );
    // Absent flags stay as they are.
    assert_ok(
        &h.mic(
            "lock_seat",
            json!({"RoomId": "r", "Index": 2, "ForbidAudio": true}),
        )
        .await,
    );
    let s = seat(&h, 2).await;
    assert_eq!(
        (s["IsTakenDisabled"].clone(), s["IsAudioDisabled"].clone()),
        (json!(true), json!(true))
    );
    assert_ok(
        &h.mic(
            "lock_seat",
            json!({"RoomId": "r", "Index": 2, "ForbidTaken": false}),
        )
        .await,
    );
    assert_eq!(seat(&h, 2).await["IsTakenDisabled"], false);
    assert_code(
        &h.mic(
            "lock_seat",
            json!({"RoomId": "r", "Index": 9, "ForbidTaken": true}),
        )
        .await,
        100002,
    );
}

#[tokio::test]
async fn switch_seat_moves_to_an_empty_seat() {
    let h = Harness::new().await;
    seated_room(&h).await;
    h.emu.take_seat("r", "a", 0).expect("seat");
    h.emu.take_seat("r", "b", 1).expect("seat");
    assert_code(
        &h.mic(
            "switch_seat",
            json!({"RoomId": "r", "ToIndex": 1, "Member_Account": "a"}),
        )
        .await,
        100210,
    );
    assert_code(
        &h.mic(
            "switch_seat",
            json!({"RoomId": "r", "ToIndex": 2, "Member_Account": "c"}),
        )
        .await,
        100002,
    );
    assert_ok(
        &h.mic(
            "switch_seat",
            json!({"RoomId": "r", "ToIndex": 2, "Member_Account": "a"}),
        )
        .await,
    );
    assert_eq!(occupant(&h, 0).await, None);
    assert_eq!(occupant(&h, 2).await.as_deref(), Some("a"));
}

#[tokio::test]
async fn move_user_to_seat_policies() {
    let h = Harness::new().await;
    seated_room(&h).await;
    h.emu.take_seat("r", "a", 0).expect("seat");
    h.emu.take_seat("r", "b", 1).expect("seat");
    let mv = |policy: i64| json!({"RoomId": "r", "SeatIndex": 1, "Member_Account": "a", "Policy": policy});
    assert_code(&h.mic("move_user_to_seat", mv(0)).await, 100210);
    assert_code(&h.mic("move_user_to_seat", mv(3)).await, 100002);
    // Swap.
    assert_ok(&h.mic("move_user_to_seat", mv(2)).await);
    assert_eq!(occupant(&h, 0).await.as_deref(), Some("b"));
    assert_eq!(occupant(&h, 1).await.as_deref(), Some("a"));
    // Force: b moves onto a's seat, a leaves the seats.
    let force = json!({"RoomId": "r", "SeatIndex": 1, "Member_Account": "b", "Policy": 1});
    assert_ok(&h.mic("move_user_to_seat", force).await);
    assert_eq!(occupant(&h, 0).await, None);
    assert_eq!(occupant(&h, 1).await.as_deref(), Some("b"));
    // A locked target is unlocked by the move.
    assert_ok(
        &h.mic(
            "lock_seat",
            json!({"RoomId": "r", "Index": 2, "ForbidTaken": true}),
        )
        .await,
    );
    let to_locked = json!({"RoomId": "r", "SeatIndex": 2, "Member_Account": "b", "Policy": 0});
    assert_ok(&h.mic("move_user_to_seat", to_locked).await);
    assert_eq!(seat(&h, 2).await["IsTakenDisabled"], false);
    assert_eq!(occupant(&h, 2).await.as_deref(), Some("b"));
    let stranger = json!({"RoomId": "r", "SeatIndex": 0, "Member_Account": "zz", "Policy": 0});
    assert_code(&h.mic("move_user_to_seat", stranger).await, 100005);
}

#[tokio::test]
async fn leaving_frees_the_seat() {
    let h = Harness::new().await;
    seated_room(&h).await;
    h.emu.take_seat("r", "a", 0).expect("seat");
    let v = h
        .control("leave_room", json!({"RoomId": "r", "Member_Account": "a"}))
        .await;
    assert_ok(&v);
    assert_eq!(occupant(&h, 0).await, None);
    let again = h
        .control("leave_room", json!({"RoomId": "r", "Member_Account": "a"}))
        .await;
    assert_code(&again, 100005);
}
