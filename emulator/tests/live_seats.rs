//! The seat commands (`room_engine_http_mic`) on live rooms, through the SDK
//! client: the same seats as a Room room's, with the seat callback sent to
//! the Live callback configuration.

mod sdk_support;

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use sdk_support::{expect_ok, expect_service, Setup};
use tokio::sync::mpsc;
use trtc_room::webhook::WebhookVerifier;
use trtc_room::{
    ErrorCode, GetSeatList, KickUserOffSeat, LiveCallbackCommand, LiveCreateRoom, LiveRoomInfo,
    LiveRoomType, LiveSetCallback, LockSeat, MoveSeatPolicy, MoveUserToSeat, PickUserOnSeat,
    WebhookEvent,
};

async fn record(
    State(deliveries): State<mpsc::UnboundedSender<(String, Bytes)>>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> &'static [u8] {
    let _ = deliveries.send((query.unwrap_or_default(), body));
    trtc_room::webhook::ack()
}

/// Who sits on each seat of `room`.
async fn occupants(s: &Setup, room: &str) -> Vec<Option<String>> {
    expect_ok(s.client.get_seat_list(GetSeatList::new(room)).await)
        .seat_list
        .into_iter()
        .flatten()
        .map(|seat| seat.member_account)
        .collect()
}

#[tokio::test]
async fn seat_commands_work_on_live_rooms() {
    let s = Setup::new().await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let app = axum::Router::new().fallback(record).with_state(tx);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    expect_ok(
        s.client
            .live_set_callback(LiveSetCallback::new(
                format!("http://{addr}/live"),
                [LiveCallbackCommand::AfterSeatInfoChanged],
            ))
            .await,
    );

    let info = LiveRoomInfo::new("stage", LiveRoomType::Live)
        .owner_account("host")
        .max_seat_count(4);
    expect_ok(s.client.live_create_room(LiveCreateRoom::new(info)).await);
    let none = || -> Option<String> { None };
    let sits = |who: &str| Some(who.to_owned());
    assert_eq!(occupants(&s, "stage").await, vec![none(); 4]);

    // Only users in the room take seats.
    expect_service(
        s.client
            .pick_user_on_seat(PickUserOnSeat::new("stage", 1, "alice"))
            .await,
        ErrorCode::from_code(100_005),
    );
    for user in ["alice", "bob", "carol"] {
        s.emu.enter_room("stage", user).expect("enter");
    }
    expect_ok(
        s.client
            .pick_user_on_seat(PickUserOnSeat::new("stage", 1, "alice"))
            .await,
    );
    s.emu
        .take_seat("stage", "bob", -1)
        .expect("bob takes a seat");
    assert_eq!(
        occupants(&s, "stage").await,
        vec![sits("bob"), sits("alice"), none(), none()]
    );

    expect_ok(
        s.client
            .move_user_to_seat(MoveUserToSeat::new(
                "stage",
                2,
                "alice",
                MoveSeatPolicy::Cancel,
            ))
            .await,
    );
    expect_ok(
        s.client
            .lock_seat(LockSeat::new("stage", 3).forbid_taken(true))
            .await,
    );
    expect_service(
        s.client
            .pick_user_on_seat(PickUserOnSeat::new("stage", 3, "carol"))
            .await,
        ErrorCode::from_code(100_200),
    );
    expect_ok(
        s.client
            .kick_user_off_seat(KickUserOffSeat::new("stage", "bob"))
            .await,
    );
    // Leaving frees the seat.
    s.emu.leave_room("stage", "alice").expect("alice leaves");
    assert_eq!(occupants(&s, "stage").await, vec![none(); 4]);

    // The seat callbacks went to the Live configuration: pick, take, move,
    // lock, kick, leave.
    let verifier = WebhookVerifier::new(s.emu.sdk_app_id());
    let mut seen = 0;
    while seen < 6 {
        let (query, body) = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("a delivery within 30 s")
            .expect("receiver alive");
        let delivery = verifier.receive(&query, &body).expect("valid delivery");
        match delivery.event {
            WebhookEvent::AfterSeatInfoChanged(seats) => assert_eq!(seats.room_id, "stage"),
            other => panic!("unexpected delivery {other:?}"),
        }
        seen += 1;
    }

    // A live room created with seats off answers the seats-disabled code.
    let info = LiveRoomInfo::new("talk", LiveRoomType::Live)
        .owner_account("host")
        .is_seat_enabled(false);
    expect_ok(s.client.live_create_room(LiveCreateRoom::new(info)).await);
    s.emu.enter_room("talk", "alice").expect("enter");
    expect_service(
        s.client
            .pick_user_on_seat(PickUserOnSeat::new("talk", 0, "alice"))
            .await,
        ErrorCode::from_code(100_211),
    );
    assert!(occupants(&s, "talk").await.is_empty());
}
