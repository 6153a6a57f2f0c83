//! Client-side validation: a request that breaks a documented limit is
//! refused with `Error::InvalidRequest` before anything is sent. Each test
//! arms a marker fault on the command first and checks afterwards that it
//! is still pending, i.e. the emulator never saw the refused request.

mod sdk_support;

use sdk_support::{expect_ok, expect_service, Setup};
use trtc_room::{
    AccountToImport, BanRoomMember, CallbackCommand, CreateRoom, Error, ErrorCode,
    GetBannedMemberList, GetRoomInfo, KickUserOut, MarkCommandType, MarkRoomMember, MemberInfo,
    MemberMarks, MemberRole, MultiaccountImport, RoomInfo, RoomType, SetCallback, TakeSeatMode,
    UpdateRoomMemberInfo,
};

const SRV: &str = "room_engine_http_srv";

#[track_caller]
fn expect_invalid<T: std::fmt::Debug>(
    result: Result<trtc_room::Reply<T>, Error>,
    field: &str,
) -> String {
    match result {
        Err(Error::InvalidRequest(e)) => {
            let text = e.to_string();
            assert!(text.contains(field), "{text:?} does not name {field}");
            text
        }
        other => panic!("expected an invalid-request error naming {field}, got {other:?}"),
    }
}

#[tokio::test]
async fn kick_user_out_with_21_accounts_is_refused_before_sending() {
    let s = Setup::new().await;
    s.room("v", 0).await;
    s.arm_marker("kick_user_out");
    let accounts: Vec<String> = (0..21).map(|i| format!("user{i}")).collect();
    let result = s
        .client
        .kick_user_out(KickUserOut::new("v", accounts, "too many"))
        .await;
    expect_invalid(result, "MemberList_Account");
    s.assert_marker_pending(SRV, "kick_user_out").await;
}

#[tokio::test]
async fn kick_user_out_with_20_accounts_is_sent() {
    let s = Setup::new().await;
    s.room("v", 0).await;
    let accounts: Vec<String> = (0..20).map(|i| format!("user{i}")).collect();
    // It reaches the service, which refuses the strangers.
    expect_service(
        s.client
            .kick_user_out(KickUserOut::new("v", accounts, "twenty"))
            .await,
        ErrorCode::NotRoomMember,
    );
}

#[tokio::test]
async fn a_49_byte_room_id_is_refused_before_sending_and_48_bytes_is_fine() {
    let s = Setup::new().await;
    s.arm_marker("create_room");
    let long = "r".repeat(49);
    let result = s
        .client
        .create_room(CreateRoom::new(RoomInfo::new(&long, RoomType::Conference)))
        .await;
    expect_invalid(result, "RoomId");
    s.assert_marker_pending(SRV, "create_room").await;
    assert_eq!(s.emu.room_count(), 0);

    let ok = "r".repeat(48);
    s.room(&ok, 0).await;
    expect_ok(s.client.get_room_info(GetRoomInfo::new(&ok)).await);
}

#[tokio::test]
async fn other_documented_limits_are_checked_before_sending() {
    let s = Setup::new().await;
    s.room_with("v", 0, &["alice"]).await;

    s.arm_marker("ban_room_member");
    let reason = "x".repeat(1001);
    expect_invalid(
        s.client
            .ban_room_member(BanRoomMember::new("v", ["alice"], reason, 60))
            .await,
        "Reason",
    );
    s.assert_marker_pending(SRV, "ban_room_member").await;

    s.arm_marker("mark_room_member");
    let eleven: Vec<MemberMarks> = (0..11)
        .map(|i| MemberMarks::new(format!("u{i}"), vec![1000]))
        .collect();
    expect_invalid(
        s.client
            .mark_room_member(MarkRoomMember::new("v", MarkCommandType::Set, eleven))
            .await,
        "MemberList",
    );
    let four_marks = vec![MemberMarks::new("alice", vec![1000, 1001, 1002, 1003])];
    expect_invalid(
        s.client
            .mark_room_member(MarkRoomMember::new("v", MarkCommandType::Set, four_marks))
            .await,
        "Marks",
    );
    s.assert_marker_pending(SRV, "mark_room_member").await;

    s.arm_marker("update_room_member_info");
    let card = MemberInfo::new("alice").name_card("n".repeat(33));
    expect_invalid(
        s.client
            .update_room_member_info(UpdateRoomMemberInfo::new("v", card))
            .await,
        "NameCard",
    );
    s.assert_marker_pending(SRV, "update_room_member_info")
        .await;

    s.arm_marker("get_banned_member_list");
    expect_invalid(
        s.client
            .get_banned_member_list(GetBannedMemberList::new("v").limit(101))
            .await,
        "Limit",
    );
    s.assert_marker_pending(SRV, "get_banned_member_list").await;
}

#[tokio::test]
async fn values_the_service_only_reports_are_refused_in_requests() {
    let s = Setup::new().await;
    s.room_with("v", 0, &["alice"]).await;

    s.arm_marker("create_room");
    for info in [
        RoomInfo::new("m", RoomType::Meeting),
        RoomInfo::new("m", RoomType::Conference).take_seat_mode(TakeSeatMode::NotSet),
    ] {
        let text = expect_invalid(
            s.client.create_room(CreateRoom::new(info)).await,
            "RoomInfo.",
        );
        assert!(text.contains("refused in requests"), "{text}");
    }
    s.assert_marker_pending(SRV, "create_room").await;

    s.arm_marker("update_room_member_info");
    for role in [MemberRole::Owner, MemberRole::RoomOwner] {
        let text = expect_invalid(
            s.client
                .update_room_member_info(UpdateRoomMemberInfo::new(
                    "v",
                    MemberInfo::new("alice").role(role),
                ))
                .await,
            "Role",
        );
        assert!(text.contains("refused in requests"), "{text}");
    }
    s.assert_marker_pending(SRV, "update_room_member_info")
        .await;

    // Values the service accepts still go through.
    expect_ok(
        s.client
            .update_room_member_info(UpdateRoomMemberInfo::new(
                "v",
                MemberInfo::new("alice").role(MemberRole::Admin),
            ))
            .await,
    );
}

#[tokio::test]
async fn a_room_id_outside_printable_ascii_is_refused_before_sending() {
    let s = Setup::new().await;
    s.arm_marker("create_room");
    for id in ["房间", "tab\there", "caf\u{e9}"] {
        let text = expect_invalid(
            s.client
                .create_room(CreateRoom::new(RoomInfo::new(id, RoomType::Conference)))
                .await,
            "RoomInfo.RoomId",
        );
        assert!(text.contains("printable ASCII"), "{text}");
    }
    s.assert_marker_pending(SRV, "create_room").await;
    assert_eq!(s.emu.room_count(), 0);
    // Printable ASCII, spaces and punctuation included, is fine.
    s.room("Room 1: ~ready~", 0).await;
    assert_eq!(s.emu.room_count(), 1);
}

#[tokio::test]
async fn prefixes_item_ranges_and_alternatives_are_checked_before_sending() {
    let s = Setup::new().await;
    s.room_with("v", 0, &["alice"]).await;

    s.arm_marker("set_callback");
    let text = expect_invalid(
        s.client
            .set_callback(SetCallback::new(
                "ftp://example.com/cb",
                [CallbackCommand::AfterCreateRoom],
            ))
            .await,
        "Url",
    );
    assert!(text.contains("http://"), "{text}");
    s.assert_marker_pending("room_config", "set_callback").await;

    s.arm_marker("mark_room_member");
    expect_invalid(
        s.client
            .mark_room_member(MarkRoomMember::new(
                "v",
                MarkCommandType::Set,
                [MemberMarks::new("alice", vec![1000, 999])],
            ))
            .await,
        "Marks[1]",
    );
    s.assert_marker_pending(SRV, "mark_room_member").await;

    s.arm_marker("multiaccount_import");
    for request in [
        MultiaccountImport::new(),
        MultiaccountImport::new()
            .accounts(["a"])
            .account_list([AccountToImport::new("b")]),
    ] {
        let text = expect_invalid(s.client.multiaccount_import(request).await, "AccountList");
        assert!(text.contains("exactly one of"), "{text}");
    }
    s.assert_marker_pending("im_open_login_svc", "multiaccount_import")
        .await;
}
