//! Lost answers: the emulator performs a command and then closes the
//! connection without answering. An idempotent command is retried, the
//! retry meets the new state, and a code the spec declares under
//! `done_by_earlier_attempt` turns into a success marked as such. A
//! non-idempotent `create_room` is not retried; re-sent by the caller, its
//! "room ID in use" answer is recognisable without reading the text.

mod sdk_support;

use sdk_support::{expect_service, Setup};
use trtc_room::{
    BanRoomMember, CallbackCommand, CreateRoom, DeleteCallback, DestroyRoom, Error, ErrorCode,
    RoomInfo, RoomType, SetCallback, UnbanRoomMember,
};
use trtc_room_emulator::{Fault, FaultKind};

fn lose_answer(command: &str) -> Fault {
    Fault::new(FaultKind::LoseAnswer).command(command)
}

#[tokio::test]
async fn destroy_room_whose_answer_was_lost_succeeds_on_the_retry() {
    let s = Setup::new().await;
    s.room("lost-destroy", 0).await;
    s.emu.inject_fault(lose_answer("destroy_room"));
    let reply = s
        .client
        .destroy_room(DestroyRoom::new("lost-destroy"))
        .await
        .expect("the retry's 100004 means the first attempt dismissed the room");
    assert!(reply.completed_by_earlier_attempt());
    assert!(reply.request_id().is_some());
    assert_eq!(s.emu.room_count(), 0);
    assert_eq!(s.emu.requests_received("destroy_room"), 2);
}

#[tokio::test]
async fn the_same_code_on_a_first_attempt_is_still_an_error() {
    let s = Setup::new().await;
    expect_service(
        s.client
            .destroy_room(DestroyRoom::new("never-created"))
            .await,
        ErrorCode::RoomNotFound,
    );
    expect_service(
        s.client.delete_callback(DeleteCallback::new()).await,
        ErrorCode::CallbackConfigNotFound,
    );
    // A plain success is not marked.
    s.room("plain", 0).await;
    let reply = s
        .client
        .destroy_room(DestroyRoom::new("plain"))
        .await
        .unwrap();
    assert!(!reply.completed_by_earlier_attempt());
}

#[tokio::test]
async fn set_and_delete_callback_whose_answers_were_lost_succeed() {
    let s = Setup::new().await;
    s.emu.inject_fault(lose_answer("set_callback"));
    let reply = s
        .client
        .set_callback(SetCallback::new(
            "https://example.com/hook",
            [CallbackCommand::AfterCreateRoom],
        ))
        .await
        .expect("100300 on the retry means the first attempt created it");
    assert!(reply.completed_by_earlier_attempt());
    assert_eq!(
        s.emu.callback_config().map(|c| c.url).as_deref(),
        Some("https://example.com/hook")
    );

    s.emu.inject_fault(lose_answer("delete_callback"));
    let reply = s
        .client
        .delete_callback(DeleteCallback::new())
        .await
        .expect("100301 on the retry means the first attempt deleted it");
    assert!(reply.completed_by_earlier_attempt());
    assert!(s.emu.callback_config().is_none());
    assert_eq!(s.emu.requests_received("set_callback"), 2);
    assert_eq!(s.emu.requests_received("delete_callback"), 2);
}

#[tokio::test]
async fn unban_whose_answer_was_lost_succeeds() {
    let s = Setup::new().await;
    s.room_with("lost-unban", 0, &["alice"]).await;
    s.client
        .ban_room_member(BanRoomMember::new("lost-unban", ["alice"], "spam", 3600))
        .await
        .unwrap();
    s.emu.inject_fault(lose_answer("unban_room_member"));
    let reply = s
        .client
        .unban_room_member(UnbanRoomMember::new("lost-unban", ["alice"]))
        .await
        .expect("100005 on the retry means the first attempt lifted the ban");
    assert!(reply.completed_by_earlier_attempt());
    // alice may enter again: the ban is gone.
    s.emu.enter_room("lost-unban", "alice").unwrap();
}

#[tokio::test]
async fn a_create_room_whose_answer_was_lost_is_not_resent_and_a_resend_is_recognisable() {
    let s = Setup::new().await;
    s.emu.inject_fault(lose_answer("create_room"));
    let create = || CreateRoom::new(RoomInfo::new("lost-create", RoomType::Conference));
    match s.client.create_room(create()).await {
        Err(Error::Transport {
            may_have_reached_server: true,
            call,
            ..
        }) => assert_eq!(call.attempts, 1),
        other => {
            panic!("expected a transport error that may have reached the server, got {other:?}")
        }
    }
    assert_eq!(s.emu.requests_received("create_room"), 1);
    assert_eq!(s.emu.room_count(), 1);
    // The caller re-sends: the typed answer says the ID exists, with the
    // same owner (the first attempt created it).
    let err = expect_service(
        s.client.create_room(create()).await,
        ErrorCode::RoomIdExistsSameOwner,
    );
    assert!(err.is_room_id_in_use(), "{err}");
    // A different refusal is not mistaken for it.
    let other = s
        .client
        .destroy_room(DestroyRoom::new("nope"))
        .await
        .unwrap_err();
    assert!(!other.is_room_id_in_use());
}
