//! The `room_engine_http_mic` (seat) commands through the SDK client
//! against the emulator.

mod sdk_support;

use sdk_support::{expect_ok, expect_service, Setup};
use trtc_room::{
    ErrorCode, GetSeatList, KickUserOffSeat, LockSeat, MoveSeatPolicy, MoveUserToSeat,
    PickUserOnSeat, SeatInfo, SwitchSeat,
};

async fn seats(s: &Setup, room: &str) -> Vec<SeatInfo> {
    expect_ok(s.client.get_seat_list(GetSeatList::new(room)).await)
        .seat_list
        .unwrap_or_default()
}

/// Who sits on each seat, `""` for a free one.
async fn occupants(s: &Setup, room: &str) -> Vec<String> {
    seats(s, room)
        .await
        .into_iter()
        .map(|seat| seat.member_account.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn get_seat_list_lists_every_seat_free_and_unlocked() {
    let s = Setup::new().await;
    s.room("s", 3).await;
    let list = seats(&s, "s").await;
    let indexes: Vec<u32> = list.iter().map(|seat| seat.index).collect();
    assert_eq!(indexes, [0, 1, 2]);
    for seat in &list {
        assert_eq!(seat.member_account, None);
        assert_eq!(seat.is_taken_disabled, Some(false));
    }
}

#[tokio::test]
async fn pick_user_on_seat_and_its_refusals() {
    let s = Setup::new().await;
    s.room_with("p", 3, &["alice", "bob"]).await;
    expect_ok(
        s.client
            .pick_user_on_seat(PickUserOnSeat::new("p", 1, "alice"))
            .await,
    );
    assert_eq!(occupants(&s, "p").await, ["", "alice", ""]);

    // Already seated: 100203.
    expect_service(
        s.client
            .pick_user_on_seat(PickUserOnSeat::new("p", 2, "alice"))
            .await,
        ErrorCode::AlreadyOnSeat,
    );
    // Someone else's seat: 100210.
    expect_service(
        s.client
            .pick_user_on_seat(PickUserOnSeat::new("p", 1, "bob"))
            .await,
        ErrorCode::SeatOccupied,
    );
    // Not in the room: 100005.
    expect_service(
        s.client
            .pick_user_on_seat(PickUserOnSeat::new("p", 0, "mallory"))
            .await,
        ErrorCode::NotRoomMember,
    );
    // A locked seat: 100200.
    expect_ok(
        s.client
            .lock_seat(LockSeat::new("p", 0).forbid_taken(true))
            .await,
    );
    expect_service(
        s.client
            .pick_user_on_seat(PickUserOnSeat::new("p", 0, "bob"))
            .await,
        ErrorCode::SeatLocked,
    );
    // Past the last seat: a parameter error.
    expect_service(
        s.client
            .pick_user_on_seat(PickUserOnSeat::new("p", 3, "bob"))
            .await,
        ErrorCode::InvalidParameter,
    );
    assert_eq!(occupants(&s, "p").await, ["", "alice", ""]);
}

#[tokio::test]
async fn seat_commands_in_a_room_without_seats_answer_100211() {
    let s = Setup::new().await;
    s.room_with("noseat", 0, &["alice"]).await;
    expect_service(
        s.client
            .pick_user_on_seat(PickUserOnSeat::new("noseat", 0, "alice"))
            .await,
        ErrorCode::SeatsNotSupported,
    );
    expect_service(
        s.client.lock_seat(LockSeat::new("noseat", 0)).await,
        ErrorCode::SeatsNotSupported,
    );
}

#[tokio::test]
async fn lock_seat_sets_flags_and_removes_the_occupant() {
    let s = Setup::new().await;
    s.room_with("l", 2, &["alice"]).await;
    s.emu.take_seat("l", "alice", 1).expect("alice sits");
    expect_ok(
        s.client
            .lock_seat(
                LockSeat::new("l", 1)
                    .forbid_taken(true)
                    .forbid_video(true)
                    .forbid_audio(false),
            )
            .await,
    );
    let seat = seats(&s, "l").await.remove(1);
    assert_eq!(seat.member_account, None);
    assert_eq!(seat.is_taken_disabled, Some(true));
    assert_eq!(seat.is_video_disabled, Some(true));
    assert_eq!(seat.is_audio_disabled, Some(false));

    // Unlocking keeps the other flags as they were.
    expect_ok(
        s.client
            .lock_seat(LockSeat::new("l", 1).forbid_taken(false))
            .await,
    );
    let seat = seats(&s, "l").await.remove(1);
    assert_eq!(seat.is_taken_disabled, Some(false));
    assert_eq!(seat.is_video_disabled, Some(true));
    s.emu
        .take_seat("l", "alice", 1)
        .expect("seat 1 is free again");
}

#[tokio::test]
async fn switch_seat_moves_to_a_free_seat_only() {
    let s = Setup::new().await;
    s.room_with("sw", 3, &["alice", "bob"]).await;
    s.emu.take_seat("sw", "alice", 0).expect("alice sits");
    s.emu.take_seat("sw", "bob", 2).expect("bob sits");
    expect_ok(
        s.client
            .switch_seat(SwitchSeat::new("sw", 1, "alice"))
            .await,
    );
    assert_eq!(occupants(&s, "sw").await, ["", "alice", "bob"]);

    expect_service(
        s.client
            .switch_seat(SwitchSeat::new("sw", 2, "alice"))
            .await,
        ErrorCode::SeatOccupied,
    );
    expect_ok(
        s.client
            .lock_seat(LockSeat::new("sw", 0).forbid_taken(true))
            .await,
    );
    expect_service(
        s.client
            .switch_seat(SwitchSeat::new("sw", 0, "alice"))
            .await,
        ErrorCode::SeatLocked,
    );
    assert_eq!(occupants(&s, "sw").await, ["", "alice", "bob"]);
}

/// `move_user_to_seat` in room `mv`.
async fn move_in_mv(
    s: &Setup,
    to: u32,
    who: &str,
    policy: MoveSeatPolicy,
) -> Result<trtc_room::Reply<trtc_room::MoveUserToSeatResponse>, trtc_room::Error> {
    s.client
        .move_user_to_seat(MoveUserToSeat::new("mv", to, who, policy))
        .await
}

#[tokio::test]
async fn move_user_to_seat_follows_its_policy() {
    let s = Setup::new().await;
    s.room_with("mv", 3, &["alice", "bob"]).await;
    s.emu.take_seat("mv", "alice", 0).expect("alice sits");
    s.emu.take_seat("mv", "bob", 1).expect("bob sits");

    // Cancel on an occupied seat: refused, nothing moves.
    expect_service(
        move_in_mv(&s, 1, "alice", MoveSeatPolicy::Cancel).await,
        ErrorCode::SeatOccupied,
    );
    assert_eq!(occupants(&s, "mv").await, ["alice", "bob", ""]);

    // Swap: the two trade places.
    expect_ok(move_in_mv(&s, 1, "alice", MoveSeatPolicy::Swap).await);
    assert_eq!(occupants(&s, "mv").await, ["bob", "alice", ""]);

    // Replace: the occupant is put off the seats.
    expect_ok(move_in_mv(&s, 0, "alice", MoveSeatPolicy::ReplaceOccupant).await);
    assert_eq!(occupants(&s, "mv").await, ["alice", "", ""]);

    // Cancel to a free seat is a plain move.
    expect_ok(move_in_mv(&s, 2, "alice", MoveSeatPolicy::Cancel).await);
    assert_eq!(occupants(&s, "mv").await, ["", "", "alice"]);

    expect_service(
        move_in_mv(&s, 0, "mallory", MoveSeatPolicy::Cancel).await,
        ErrorCode::NotRoomMember,
    );
}

#[tokio::test]
async fn kick_user_off_seat_frees_the_seat_but_keeps_the_member() {
    let s = Setup::new().await;
    s.room_with("ko", 2, &["alice"]).await;
    s.emu.take_seat("ko", "alice", 1).expect("alice sits");
    expect_ok(
        s.client
            .kick_user_off_seat(KickUserOffSeat::new("ko", "alice").data("{\"why\":\"noise\"}"))
            .await,
    );
    assert_eq!(occupants(&s, "ko").await, ["", ""]);
    // Still a member: she can be picked again.
    expect_ok(
        s.client
            .pick_user_on_seat(PickUserOnSeat::new("ko", 0, "alice"))
            .await,
    );
    assert_eq!(occupants(&s, "ko").await, ["alice", ""]);
}
