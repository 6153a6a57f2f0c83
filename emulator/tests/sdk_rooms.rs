//! The `room_engine_http_srv` commands through the SDK client against the
//! emulator: what each one changes, what the next one reads, and the
//! documented error codes as typed `Error::Service` values.

mod sdk_support;

use sdk_support::{expect_ok, expect_service, Setup};
use trtc_room::{
    BanRoomMember, ChangeRoomOwner, CreateRoom, DestroyRoom, Error, ErrorCode, GetBannedMemberList,
    GetRoomInfo, GetRoomMemberList, GetSeatList, KickUserOut, MarkCommandType, MarkRoomMember,
    MemberInfo, MemberMarks, MemberRole, RoomInfo, RoomInfoUpdate, RoomMember, RoomType,
    TakeSeatMode, UnbanRoomMember, UpdateRoomInfo, UpdateRoomMemberInfo,
};

async fn members(s: &Setup, room: &str) -> Vec<RoomMember> {
    expect_ok(
        s.client
            .get_room_member_list(GetRoomMemberList::new(room))
            .await,
    )
    .member_list
    .unwrap_or_default()
}

fn accounts(list: &[RoomMember]) -> Vec<&str> {
    list.iter().map(|m| m.member_account.as_str()).collect()
}

fn role_of(list: &[RoomMember], account: &str) -> Option<MemberRole> {
    list.iter()
        .find(|m| m.member_account == account)
        .and_then(|m| m.role.clone())
}

async fn banned(s: &Setup, room: &str) -> Vec<String> {
    expect_ok(
        s.client
            .get_banned_member_list(GetBannedMemberList::new(room))
            .await,
    )
    .banned_account_list
    .unwrap_or_default()
    .into_iter()
    .map(|b| b.member_account)
    .collect()
}

#[tokio::test]
async fn create_room_then_get_room_info_reads_every_field_back() {
    let s = Setup::new().await;
    let info = RoomInfo::new("r1", RoomType::Conference)
        .room_name("Weekly sync")
        .max_member_count(120)
        .custom_info("{\"topic\":\"sdk\"}")
        .is_message_disabled(true)
        .is_seat_enabled(true)
        .max_seat_count(6)
        .take_seat_mode(TakeSeatMode::ApplyToTake);
    let reply = s
        .client
        .create_room(CreateRoom::new(info))
        .await
        .expect("create_room");
    assert!(reply.request_id().is_some_and(|id| !id.is_empty()));
    assert_eq!(s.emu.room_count(), 1);

    let room = expect_ok(s.client.get_room_info(GetRoomInfo::new("r1")).await).room_info;
    assert_eq!(room.room_id, "r1");
    assert_eq!(room.room_name.as_deref(), Some("Weekly sync"));
    assert_eq!(room.room_type, Some(RoomType::Conference));
    assert_eq!(room.owner_account.as_deref(), Some(s.emu.admin()));
    assert_eq!(room.max_member_count, Some(120));
    assert_eq!(room.max_seat_count, Some(6));
    assert_eq!(room.custom_info.as_deref(), Some("{\"topic\":\"sdk\"}"));
    assert_eq!(room.is_message_disabled, Some(true));
    assert_eq!(room.is_video_disabled, Some(false));
    assert_eq!(room.is_seat_enabled, Some(true));
    assert_eq!(room.take_seat_mode, Some(TakeSeatMode::ApplyToTake));
    assert_eq!(room.member_count, Some(0));
}

#[tokio::test]
async fn create_room_with_a_taken_room_id_is_refused() {
    let s = Setup::new().await;
    s.room("dup", 0).await;
    let again = s
        .client
        .create_room(CreateRoom::new(RoomInfo::new("dup", RoomType::Conference)))
        .await;
    let err = again.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Service {
                code: ErrorCode::RoomIdExists | ErrorCode::RoomIdExistsSameOwner,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.is_room_id_in_use());
    assert_eq!(s.emu.room_count(), 1);
}

#[tokio::test]
async fn every_room_command_answers_100004_after_destroy_room() {
    let s = Setup::new().await;
    s.room_with("gone", 2, &["alice", "bob"]).await;
    expect_ok(s.client.destroy_room(DestroyRoom::new("gone")).await);
    assert_eq!(s.emu.room_count(), 0);

    let c = &s.client;
    let not_found = ErrorCode::RoomNotFound;
    expect_service(c.get_room_info(GetRoomInfo::new("gone")).await, not_found);
    expect_service(c.destroy_room(DestroyRoom::new("gone")).await, not_found);
    expect_service(
        c.update_room_info(UpdateRoomInfo::new(
            RoomInfoUpdate::new("gone").room_name("x"),
        ))
        .await,
        not_found,
    );
    expect_service(
        c.get_room_member_list(GetRoomMemberList::new("gone")).await,
        not_found,
    );
    expect_service(
        c.update_room_member_info(UpdateRoomMemberInfo::new(
            "gone",
            MemberInfo::new("alice").name_card("A"),
        ))
        .await,
        not_found,
    );
    expect_service(
        c.change_room_owner(ChangeRoomOwner::new("gone", s.emu.admin(), "alice"))
            .await,
        not_found,
    );
    expect_service(
        c.mark_room_member(MarkRoomMember::new(
            "gone",
            MarkCommandType::Set,
            vec![MemberMarks::new("alice", vec![1000])],
        ))
        .await,
        not_found,
    );
    expect_service(
        c.ban_room_member(BanRoomMember::new("gone", ["alice"], "r", 60))
            .await,
        not_found,
    );
    expect_service(
        c.unban_room_member(UnbanRoomMember::new("gone", ["alice"]))
            .await,
        not_found,
    );
    expect_service(
        c.get_banned_member_list(GetBannedMemberList::new("gone"))
            .await,
        not_found,
    );
    expect_service(
        c.kick_user_out(KickUserOut::new("gone", ["alice"], "r"))
            .await,
        not_found,
    );
    expect_service(c.get_seat_list(GetSeatList::new("gone")).await, not_found);
}

#[tokio::test]
async fn update_room_info_changes_what_get_room_info_reads() {
    let s = Setup::new().await;
    s.room("upd", 0).await;
    let update = RoomInfoUpdate::new("upd")
        .room_name("Renamed")
        .max_member_count(10)
        .is_video_disabled(true)
        .custom_info("v2");
    expect_ok(s.client.update_room_info(UpdateRoomInfo::new(update)).await);

    let room = expect_ok(s.client.get_room_info(GetRoomInfo::new("upd")).await).room_info;
    assert_eq!(room.room_name.as_deref(), Some("Renamed"));
    assert_eq!(room.max_member_count, Some(10));
    assert_eq!(room.is_video_disabled, Some(true));
    assert_eq!(room.custom_info.as_deref(), Some("v2"));
    // Untouched fields keep their values.
    assert_eq!(room.is_audio_disabled, Some(false));

    // A cap above the package limit is a parameter error and changes nothing.
    let too_big = RoomInfoUpdate::new("upd").max_member_count(100_000);
    expect_service(
        s.client
            .update_room_info(UpdateRoomInfo::new(too_big))
            .await,
        ErrorCode::InvalidParameter,
    );
    let room = expect_ok(s.client.get_room_info(GetRoomInfo::new("upd")).await).room_info;
    assert_eq!(room.max_member_count, Some(10));
}

#[tokio::test]
async fn member_list_follows_entries_and_pages_with_next() {
    let s = Setup::new().await;
    s.room_with("m", 0, &["u1", "u2", "u3", "u4", "u5"]).await;
    let info = expect_ok(s.client.get_room_info(GetRoomInfo::new("m")).await).room_info;
    assert_eq!(info.member_count, Some(5));

    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..10 {
        let mut req = GetRoomMemberList::new("m").count(2);
        if let Some(cursor) = next.take() {
            req = req.next(cursor);
        }
        let page = expect_ok(s.client.get_room_member_list(req).await);
        let list = page.member_list.unwrap_or_default();
        assert!(list.len() <= 2, "page larger than Count: {list:?}");
        seen.extend(list.into_iter().map(|m| m.member_account));
        match page.next.filter(|n| !n.is_empty()) {
            Some(cursor) => next = Some(cursor),
            None => break,
        }
    }
    assert_eq!(seen, ["u1", "u2", "u3", "u4", "u5"]);

    s.emu.leave_room("m", "u3").expect("leave");
    assert_eq!(accounts(&members(&s, "m").await), ["u1", "u2", "u4", "u5"]);
}

#[tokio::test]
async fn update_room_member_info_sets_role_name_card_and_custom_info() {
    let s = Setup::new().await;
    s.room_with("roles", 0, &["alice", "bob"]).await;
    let info = MemberInfo::new("bob")
        .role(MemberRole::Admin)
        .name_card("Bobby")
        .custom_info("vip");
    expect_ok(
        s.client
            .update_room_member_info(UpdateRoomMemberInfo::new("roles", info))
            .await,
    );
    let list = members(&s, "roles").await;
    let bob = list
        .iter()
        .find(|m| m.member_account == "bob")
        .expect("bob listed");
    assert_eq!(bob.role, Some(MemberRole::Admin));
    assert_eq!(bob.name_card.as_deref(), Some("Bobby"));
    assert_eq!(bob.custom_info.as_deref(), Some("vip"));
    assert_eq!(role_of(&list, "alice"), Some(MemberRole::Member));

    // Back to an ordinary member.
    let demote = MemberInfo::new("bob").role(MemberRole::Member);
    expect_ok(
        s.client
            .update_room_member_info(UpdateRoomMemberInfo::new("roles", demote))
            .await,
    );
    assert_eq!(
        role_of(&members(&s, "roles").await, "bob"),
        Some(MemberRole::Member)
    );

    // Someone who never entered: 100005.
    let stranger = MemberInfo::new("mallory").name_card("M");
    expect_service(
        s.client
            .update_room_member_info(UpdateRoomMemberInfo::new("roles", stranger))
            .await,
        ErrorCode::NotRoomMember,
    );
}

#[tokio::test]
async fn change_room_owner_moves_the_owner_role() {
    let s = Setup::new().await;
    s.room_with("own", 0, &["alice", "bob"]).await;
    let admin = s.emu.admin().to_owned();
    expect_ok(
        s.client
            .change_room_owner(ChangeRoomOwner::new("own", &admin, "alice"))
            .await,
    );
    let room = expect_ok(s.client.get_room_info(GetRoomInfo::new("own")).await).room_info;
    assert_eq!(room.owner_account.as_deref(), Some("alice"));
    assert_eq!(
        role_of(&members(&s, "own").await, "alice"),
        Some(MemberRole::Owner)
    );

    // The owner's role cannot be changed through update_room_member_info: 100006.
    let demote = MemberInfo::new("alice").role(MemberRole::Member);
    expect_service(
        s.client
            .update_room_member_info(UpdateRoomMemberInfo::new("own", demote))
            .await,
        ErrorCode::PermissionDenied,
    );
    // The new owner must be a member: 100005.
    expect_service(
        s.client
            .change_room_owner(ChangeRoomOwner::new("own", "alice", "mallory"))
            .await,
        ErrorCode::NotRoomMember,
    );
    // And the owner cannot be kicked: 100006.
    expect_service(
        s.client
            .kick_user_out(KickUserOut::new("own", ["alice"], "no"))
            .await,
        ErrorCode::PermissionDenied,
    );
}

#[tokio::test]
async fn mark_room_member_sets_and_deletes_marks() {
    let s = Setup::new().await;
    s.room_with("marks", 0, &["alice", "bob"]).await;
    let set = vec![
        MemberMarks::new("alice", vec![1000, 1001]),
        MemberMarks::new("bob", vec![1002]),
    ];
    expect_ok(
        s.client
            .mark_room_member(MarkRoomMember::new("marks", MarkCommandType::Set, set))
            .await,
    );
    let marks_of = |list: &[RoomMember], who: &str| {
        list.iter()
            .find(|m| m.member_account == who)
            .and_then(|m| m.marks.clone())
            .unwrap_or_default()
    };
    let list = members(&s, "marks").await;
    assert_eq!(marks_of(&list, "alice"), [1000, 1001]);
    assert_eq!(marks_of(&list, "bob"), [1002]);

    let delete = vec![MemberMarks::new("alice", vec![1000])];
    expect_ok(
        s.client
            .mark_room_member(MarkRoomMember::new(
                "marks",
                MarkCommandType::Delete,
                delete,
            ))
            .await,
    );
    let list = members(&s, "marks").await;
    assert_eq!(marks_of(&list, "alice"), [1001]);

    let stranger = vec![MemberMarks::new("mallory", vec![1000])];
    expect_service(
        s.client
            .mark_room_member(MarkRoomMember::new("marks", MarkCommandType::Set, stranger))
            .await,
        ErrorCode::NotRoomMember,
    );
}

#[tokio::test]
async fn ban_removes_lists_and_keeps_out_until_unban() {
    let s = Setup::new().await;
    s.room_with("ban", 0, &["alice", "bob", "carol"]).await;
    expect_ok(
        s.client
            .ban_room_member(BanRoomMember::new("ban", ["bob", "carol"], "spam", 3600))
            .await,
    );
    assert_eq!(accounts(&members(&s, "ban").await), ["alice"]);
    assert_eq!(banned(&s, "ban").await, ["bob", "carol"]);
    let first = expect_ok(
        s.client
            .get_banned_member_list(GetBannedMemberList::new("ban"))
            .await,
    );
    let until = first.banned_account_list.unwrap_or_default()[0].banned_until;
    assert!(until.is_some_and(|t| t > 0), "BannedUntil: {until:?}");

    // A banned user cannot come back in.
    let refused = s.emu.enter_room("ban", "bob").expect_err("bob is banned");
    assert_eq!(refused.code, 100_006);

    expect_ok(
        s.client
            .unban_room_member(UnbanRoomMember::new("ban", ["bob"]))
            .await,
    );
    assert_eq!(banned(&s, "ban").await, ["carol"]);
    s.emu.enter_room("ban", "bob").expect("bob may enter again");
    assert_eq!(accounts(&members(&s, "ban").await), ["alice", "bob"]);

    // Unbanning someone who is not banned: 100005.
    expect_service(
        s.client
            .unban_room_member(UnbanRoomMember::new("ban", ["alice"]))
            .await,
        ErrorCode::NotRoomMember,
    );
    // Banning the owner: 100006.
    s.emu
        .enter_room("ban", s.emu.admin())
        .expect("owner enters");
    expect_service(
        s.client
            .ban_room_member(BanRoomMember::new("ban", [s.emu.admin()], "no", 60))
            .await,
        ErrorCode::PermissionDenied,
    );
    // Banning a stranger: 100005.
    expect_service(
        s.client
            .ban_room_member(BanRoomMember::new("ban", ["mallory"], "no", 60))
            .await,
        ErrorCode::NotRoomMember,
    );
}

#[tokio::test]
async fn banned_member_list_pages_with_limit_and_offset() {
    let s = Setup::new().await;
    let users = ["b1", "b2", "b3", "b4", "b5"];
    s.room_with("bl", 0, &users).await;
    expect_ok(
        s.client
            .ban_room_member(BanRoomMember::new("bl", users, "bulk", 600))
            .await,
    );
    let page = expect_ok(
        s.client
            .get_banned_member_list(GetBannedMemberList::new("bl").limit(2).offset(2))
            .await,
    );
    let names: Vec<String> = page
        .banned_account_list
        .unwrap_or_default()
        .into_iter()
        .map(|b| b.member_account)
        .collect();
    assert_eq!(names, ["b3", "b4"]);
    assert_eq!(page.next_offset, Some(4));
}

#[tokio::test]
async fn kick_user_out_removes_members_and_refuses_strangers() {
    let s = Setup::new().await;
    s.room_with("kick", 2, &["alice", "bob", "carol"]).await;
    s.emu.take_seat("kick", "bob", 1).expect("bob sits");
    expect_ok(
        s.client
            .kick_user_out(KickUserOut::new("kick", ["bob", "carol"], "bye"))
            .await,
    );
    assert_eq!(accounts(&members(&s, "kick").await), ["alice"]);
    let room = expect_ok(s.client.get_room_info(GetRoomInfo::new("kick")).await).room_info;
    assert_eq!(room.member_count, Some(1));
    // Kicking frees the seat.
    let seats = expect_ok(s.client.get_seat_list(GetSeatList::new("kick")).await)
        .seat_list
        .unwrap_or_default();
    assert!(
        seats.iter().all(|seat| seat.member_account.is_none()),
        "{seats:?}"
    );
    // A kicked user is not banned: they may come back.
    s.emu.enter_room("kick", "bob").expect("bob re-enters");

    expect_service(
        s.client
            .kick_user_out(KickUserOut::new("kick", ["mallory"], "bye"))
            .await,
        ErrorCode::NotRoomMember,
    );
}
