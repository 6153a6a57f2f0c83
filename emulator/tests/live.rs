//! The Live (TUILiveKit) commands, the PK battles, the Live callback
//! configuration and the Chat group/profile commands through the SDK client
//! against the emulator, with the emulator's clock moved instead of sleeping.

mod sdk_support;

use sdk_support::{expect_ok, expect_service, Setup};
use serde_json::{json, Value};
use trtc_room::{
    ChatGroupType, ChatMsgElement, ErrorCode, GetAppidGroupList, LiveAddRobot, LiveAdminOpType,
    LiveBanMember, LiveBattleInviteResult, LiveCallbackCommand, LiveChangeRoomOwner,
    LiveCreateBattle, LiveCreateRoom, LiveDelRobot, LiveDelRoomMetadata, LiveDeleteCallback,
    LiveDeleteCallbackToken, LiveDestroyRoom, LiveGetAdminList, LiveGetBannedMemberList,
    LiveGetBattleInfo, LiveGetCallback, LiveGetCallbackToken, LiveGetGiftCount, LiveGetMemberList,
    LiveGetMutedMemberList, LiveGetRobot, LiveGetRoomInfo, LiveGetRoomList, LiveGetRoomMetadata,
    LiveGetRoomStats, LiveMetadata, LiveModifyAdmin, LiveMuteMember, LiveRoomInfo,
    LiveRoomInfoUpdate, LiveRoomType, LiveSendCustomMsg, LiveSendGift, LiveSendTextMsg,
    LiveSetCallback, LiveSetCallbackToken, LiveSetRoomMetadata, LiveUnbanMember,
    LiveUpdateCallback, LiveUpdateRoomInfo, PortraitGet, PortraitSet, ProfileItem, RateLimits,
    SendGroupMsg, TakeSeatMode, WebhookEvent,
};
use trtc_room_emulator::state::live::Gift;

async fn live_room(s: &Setup, id: &str, owner: &str) {
    let info = LiveRoomInfo::new(id, LiveRoomType::Live).owner_account(owner);
    expect_ok(s.client.live_create_room(LiveCreateRoom::new(info)).await);
}

async fn control(s: &Setup, op: &str, body: Value) -> Value {
    let http = trtc_room::http_client_builder().unwrap().build().unwrap();
    let text = http
        .post(format!("{}/emulator/v1/{op}", s.emu.base_url()))
        .body(body.to_string())
        .send()
        .await
        .expect("control call")
        .text()
        .await
        .expect("control answer");
    serde_json::from_str(&text).expect("control JSON")
}

fn code(n: i64) -> ErrorCode {
    ErrorCode::from_code(n)
}

#[tokio::test]
async fn live_room_life_cycle() {
    let s = Setup::new().await;
    let info = LiveRoomInfo::new("live-1", LiveRoomType::Live)
        .owner_account("host")
        .room_name("Evening show")
        .cover_url("https://x/cover.png")
        .category([1, 2])
        .take_seat_mode(TakeSeatMode::FreeToTake)
        .max_seat_count(9);
    expect_ok(s.client.live_create_room(LiveCreateRoom::new(info)).await);
    // The same ID again: 100010 for the same owner, 100003 for another.
    let again = LiveRoomInfo::new("live-1", LiveRoomType::Live).owner_account("host");
    expect_service(
        s.client.live_create_room(LiveCreateRoom::new(again)).await,
        ErrorCode::RoomIdExistsSameOwner,
    );
    let other = LiveRoomInfo::new("live-1", LiveRoomType::Live).owner_account("other");
    expect_service(
        s.client.live_create_room(LiveCreateRoom::new(other)).await,
        ErrorCode::RoomIdExists,
    );
    s.emu.enter_room("live-1", "viewer").expect("enter");

    let room = expect_ok(
        s.client
            .live_get_room_info(LiveGetRoomInfo::new("live-1"))
            .await,
    )
    .room_info;
    assert_eq!(room.room_name.as_deref(), Some("Evening show"));
    assert_eq!(room.room_type, Some(LiveRoomType::Live));
    assert_eq!(room.owner_account.as_deref(), Some("host"));
    assert_eq!(room.take_seat_mode, Some(TakeSeatMode::FreeToTake));
    assert_eq!(room.max_seat_count, Some(9));
    assert_eq!(room.category, Some(vec![1, 2]));
    assert_eq!((room.view_count, room.online_count), (Some(1), Some(1)));

    let update = LiveRoomInfoUpdate::new("live-1")
        .room_name("Late show")
        .activity_status(1);
    expect_ok(
        s.client
            .live_update_room_info(LiveUpdateRoomInfo::new(update))
            .await,
    );
    let room = expect_ok(
        s.client
            .live_get_room_info(LiveGetRoomInfo::new("live-1"))
            .await,
    )
    .room_info;
    assert_eq!(
        (room.room_name.as_deref(), room.activity_status),
        (Some("Late show"), Some(1))
    );

    expect_ok(
        s.client
            .live_change_room_owner(LiveChangeRoomOwner::new("live-1", "cohost"))
            .await,
    );
    expect_ok(
        s.client
            .live_destroy_room(LiveDestroyRoom::new("live-1"))
            .await,
    );
    expect_service(
        s.client
            .live_get_room_info(LiveGetRoomInfo::new("live-1"))
            .await,
        ErrorCode::RoomNotFound,
    );
    expect_service(
        s.client
            .live_destroy_room(LiveDestroyRoom::new("live-1"))
            .await,
        ErrorCode::RoomNotFound,
    );
}

#[tokio::test]
async fn room_list_orders_by_views_and_pages() {
    let s = Setup::new().await;
    for i in 0..5 {
        live_room(&s, &format!("r{i}"), "host").await;
    }
    for (room, views) in [("r3", 2), ("r1", 1)] {
        for v in 0..views {
            s.emu.enter_room(room, &format!("v{v}")).expect("enter");
        }
    }
    let first = expect_ok(
        s.client
            .live_get_room_list(LiveGetRoomList::new("", 2))
            .await,
    );
    let ids: Vec<String> = first
        .room_list
        .unwrap()
        .into_iter()
        .map(|r| r.room_id)
        .collect();
    assert_eq!(ids, ["r3", "r1"]);
    assert!(first.next.is_some_and(|n| !n.is_empty()));
    let all = s
        .client
        .live_get_room_list_all(LiveGetRoomList::new("", 2))
        .await
        .expect("all pages");
    let ids: Vec<&str> = all.iter().map(|r| r.room_id.as_str()).collect();
    assert_eq!(ids, ["r3", "r1", "r0", "r2", "r4"]);
    assert_eq!(all[0].view_count, Some(2));
    // More than 20 per page is refused (by the SDK's check or the emulator).
    let raw = s
        .client
        .call_raw(
            "live_engine_http_srv",
            "get_room_list",
            &json!({"Next": "", "Count": 21}),
        )
        .await
        .expect_err("Count 21");
    assert_eq!(raw.service_code(), Some(100_002));
}

#[tokio::test]
async fn metadata_limits_answer_their_codes() {
    let s = Setup::new().await;
    live_room(&s, "m", "host").await;
    let items =
        |range: std::ops::Range<usize>| range.map(|i| LiveMetadata::new(format!("k{i}"), "v"));
    expect_ok(
        s.client
            .live_set_room_metadata(LiveSetRoomMetadata::new("m", items(0..6)))
            .await,
    );
    expect_service(
        s.client
            .live_set_room_metadata(LiveSetRoomMetadata::new("m", items(6..11)))
            .await,
        ErrorCode::MetadataTooManyKeys,
    );
    let big =
        |key: &str| json!({"RoomId": "m", "Metadata": [{"Key": key, "Value": "x".repeat(2049)}]});
    let err = s
        .client
        .call_raw("live_engine_http_srv", "set_room_metadata", &big("k0"))
        .await
        .expect_err("2 KB + 1");
    assert_eq!(err.service_code(), Some(100_501), "{err}");
    // Eleven keys in one call (the SDK refuses to send it; the service answers 100500).
    let eleven: Vec<Value> = (0..11)
        .map(|i| json!({"Key": format!("n{i}"), "Value": "v"}))
        .collect();
    let err = s
        .client
        .call_raw(
            "live_engine_http_srv",
            "set_room_metadata",
            &json!({"RoomId": "m", "Metadata": eleven}),
        )
        .await
        .expect_err("11 keys");
    assert_eq!(err.service_code(), Some(100_500), "{err}");
    let got = expect_ok(
        s.client
            .live_get_room_metadata(LiveGetRoomMetadata::new("m", ["k1", "k9"]))
            .await,
    );
    assert_eq!(got.metadata.unwrap().len(), 1);
    expect_ok(
        s.client
            .live_del_room_metadata(LiveDelRoomMetadata::new("m", ["k1"]))
            .await,
    );
    let all = expect_ok(
        s.client
            .live_get_room_metadata(LiveGetRoomMetadata::new("m", Vec::<String>::new()))
            .await,
    );
    assert_eq!(all.metadata.unwrap().len(), 5);
    expect_service(
        s.client
            .live_get_room_metadata(LiveGetRoomMetadata::new("nope", ["k"]))
            .await,
        ErrorCode::RoomNotFound,
    );
}

#[tokio::test]
async fn members_admins_bans_and_mutes_follow_the_clock() {
    let s = Setup::new().await;
    live_room(&s, "mod", "host").await;
    for u in ["a", "b", "c"] {
        s.emu.enter_room("mod", u).expect("enter");
    }
    let members = expect_ok(
        s.client
            .live_get_member_list(LiveGetMemberList::new("mod", ""))
            .await,
    );
    assert_eq!(members.member_count, Some(3));
    assert_eq!(members.next.as_deref(), Some(""));

    let five = ["a1", "a2", "a3", "a4", "a5"];
    expect_ok(
        s.client
            .live_modify_admin(LiveModifyAdmin::new("mod", five, LiveAdminOpType::Add))
            .await,
    );
    expect_service(
        s.client
            .live_modify_admin(LiveModifyAdmin::new("mod", ["a6"], LiveAdminOpType::Add))
            .await,
        ErrorCode::TooManyAdmins,
    );
    expect_ok(
        s.client
            .live_modify_admin(LiveModifyAdmin::new("mod", ["a1"], LiveAdminOpType::Delete))
            .await,
    );
    let admins = expect_ok(
        s.client
            .live_get_admin_list(LiveGetAdminList::new("mod"))
            .await,
    );
    assert_eq!(admins.admin_account.unwrap().len(), 4);

    expect_ok(
        s.client
            .live_ban_member(LiveBanMember::new("mod", ["a", "b"], 600).reason("spam"))
            .await,
    );
    let err = s.emu.enter_room("mod", "a").expect_err("banned");
    assert_eq!(err.code, 100_006);
    let page = expect_ok(
        s.client
            .live_get_banned_member_list(LiveGetBannedMemberList::new("mod").limit(1))
            .await,
    );
    assert_eq!(page.next_offset, Some(1));
    let banned = page.banned_account_list.unwrap();
    assert_eq!(banned[0].member_account, "a");
    assert_eq!(banned[0].banned_until, Some(s.emu.now() as i64 + 600));
    expect_ok(
        s.client
            .live_unban_member(LiveUnbanMember::new("mod", ["b"]))
            .await,
    );
    s.emu.enter_room("mod", "b").expect("unbanned");
    // Ten minutes later the ban is over: no sleeping, the clock moves.
    let r = control(&s, "clock", json!({"AdvanceSeconds": 600})).await;
    assert_eq!(r["ErrorCode"], 0);
    s.emu.enter_room("mod", "a").expect("ban expired");

    expect_ok(
        s.client
            .live_mute_member(LiveMuteMember::new("mod", ["c"], 60))
            .await,
    );
    let muted = expect_ok(
        s.client
            .live_get_muted_member_list(LiveGetMutedMemberList::new("mod"))
            .await,
    );
    assert_eq!(muted.muted_account_list.unwrap()[0].member_account, "c");
    // A muted member's group message is refused.
    let msg = SendGroupMsg::new(
        "mod",
        7,
        [ChatMsgElement::new("TIMTextElem", json!({"Text": "hi"}))],
    )
    .from_account("c");
    expect_service(s.client.send_group_msg(msg).await, ErrorCode::SenderMuted);
    expect_ok(
        s.client
            .live_mute_member(LiveMuteMember::new("mod", ["c"], 0))
            .await,
    );
    let muted = expect_ok(
        s.client
            .live_get_muted_member_list(LiveGetMutedMemberList::new("mod"))
            .await,
    );
    assert!(muted.muted_account_list.unwrap().is_empty());
    expect_ok(
        s.client
            .live_ban_member(LiveBanMember::new("mod", ["x"], 60))
            .await,
    );
    expect_service(
        s.client
            .live_change_room_owner(LiveChangeRoomOwner::new("mod", "x"))
            .await,
        ErrorCode::NewOwnerBanned,
    );
}

#[tokio::test]
async fn robots_and_messages() {
    let s = Setup::new().await;
    live_room(&s, "show", "host").await;
    s.room("conf", 0).await;
    expect_ok(
        s.client
            .live_add_robot(LiveAddRobot::new("show", ["bot1", "bot2", "bot3"]))
            .await,
    );
    expect_service(
        s.client
            .live_add_robot(LiveAddRobot::new("show", ["bot4"]))
            .await,
        ErrorCode::InvalidParameter,
    );
    expect_service(
        s.client
            .live_add_robot(LiveAddRobot::new("conf", ["bot1"]))
            .await,
        ErrorCode::PermissionDenied,
    );
    expect_ok(
        s.client
            .live_del_robot(LiveDelRobot::new("show", ["bot1"]))
            .await,
    );
    let robots = expect_ok(s.client.live_get_robot(LiveGetRobot::new("show")).await);
    assert_eq!(robots.robot_list_account.unwrap(), ["bot2", "bot3"]);

    let text = LiveSendTextMsg::new("show", "host", "welcome").extension_info("{\"data\":1}");
    let sent = expect_ok(s.client.live_send_text_msg(text).await);
    assert_eq!(sent.msg_seq, Some(1));
    let custom = LiveSendCustomMsg::new("show", "like", "{\"n\":3}");
    assert_eq!(
        expect_ok(s.client.live_send_custom_msg(custom).await).msg_seq,
        Some(2)
    );
    let group = SendGroupMsg::new(
        "show",
        1,
        [ChatMsgElement::new("TIMTextElem", json!({"Text": "hello"}))],
    );
    assert_eq!(
        expect_ok(s.client.send_group_msg(group).await).msg_seq,
        Some(3)
    );
    let none = SendGroupMsg::new(
        "ghost",
        1,
        [ChatMsgElement::new("TIMTextElem", json!({"Text": "x"}))],
    );
    expect_service(
        s.client.send_group_msg(none).await,
        ErrorCode::GroupNotFound,
    );

    let read = control(&s, "live_messages", json!({"RoomId": "show"})).await;
    let msgs = read["Messages"].as_array().expect("Messages");
    assert_eq!(msgs.len(), 3);
    assert_eq!(msgs[0]["TextContent"], "welcome");
    assert_eq!(msgs[0]["Sender_Account"], "host");
    assert_eq!(msgs[1]["BusinessId"], "like");
    assert_eq!(msgs[1]["Sender_Account"], s.emu.admin());
    assert_eq!(msgs[2]["MsgBody"][0]["MsgContent"]["Text"], "hello");
    assert_eq!(s.emu.live_messages("show").unwrap().len(), 3);
    let stats = expect_ok(
        s.client
            .live_get_room_stats(LiveGetRoomStats::new("show"))
            .await,
    );
    assert_eq!(stats.total_msg_count, Some(3));
}

#[tokio::test]
async fn gifts_seeded_list_decisions_and_counts() {
    let s = Setup::new().await;
    live_room(&s, "g", "host").await;
    let gift = |id: &str, n: u32| LiveSendGift::new("g", id, "fan", ["host"]).count(n);
    expect_ok(s.client.live_send_gift(gift("anything", 1)).await);
    let r = control(
        &s,
        "gifts",
        json!({"GiftList": [{"GiftId": "rose", "Coins": 10}]}),
    )
    .await;
    assert_eq!(r["ErrorCode"], 0);
    expect_service(
        s.client.live_send_gift(gift("anything", 1)).await,
        ErrorCode::GiftNotFound,
    );
    expect_ok(s.client.live_send_gift(gift("rose", 3)).await);
    // The app refuses from now on: a pass-through code, then a plain refusal.
    control(&s, "gift_decision", json!({"ErrorCode": 102_150})).await;
    expect_service(
        s.client.live_send_gift(gift("rose", 1)).await,
        code(102_150),
    );
    s.emu.set_gift_decision(1);
    expect_service(
        s.client.live_send_gift(gift("rose", 1)).await,
        ErrorCode::GiftCallbackFailed,
    );
    s.emu.set_gift_decision(0);
    s.emu.seed_gifts(Some(vec![
        Gift {
            id: "rose".into(),
            coins: 10,
        },
        Gift {
            id: "car".into(),
            coins: 500,
        },
    ]));
    expect_ok(
        s.client
            .live_send_gift(LiveSendGift::new("g", "car", "vip", ["host"]))
            .await,
    );
    let count = expect_ok(
        s.client
            .live_get_gift_count(LiveGetGiftCount::new("g", "host"))
            .await,
    );
    assert_eq!(
        (
            count.total_count,
            count.total_coins,
            count.gift_sender_count,
            count.sequence
        ),
        (Some(5), Some(530), Some(2), Some(3))
    );
    let stats = expect_ok(
        s.client
            .live_get_room_stats(LiveGetRoomStats::new("g"))
            .await,
    );
    assert_eq!(
        (stats.total_gifts_sent, stats.total_unique_gift_senders),
        (Some(5), Some(2))
    );
}

#[tokio::test]
async fn pk_battles_mix_results_and_end_on_the_clock() {
    let s = Setup::new().await;
    let mut events = s.emu.subscribe_events();
    for (room, owner) in [
        ("pk-1", "ann"),
        ("pk-2", "bob"),
        ("pk-3", "cat"),
        ("pk-4", "dan"),
    ] {
        live_room(&s, room, owner).await;
    }
    let busy = expect_ok(
        s.client
            .live_create_battle(LiveCreateBattle::new("pk-3", ["pk-4"], 120_000))
            .await,
    );
    let busy_id = busy.battle_id.expect("battle id");
    let reply = expect_ok(
        s.client
            .live_create_battle(
                LiveCreateBattle::new("pk-1", ["pk-2", "pk-4", "ghost"], 60_000)
                    .extension_info("pk"),
            )
            .await,
    );
    let id = reply.battle_id.expect("battle id");
    let results: Vec<(String, LiveBattleInviteResult)> = reply
        .result
        .unwrap()
        .into_iter()
        .map(|r| (r.room_id, r.result_code))
        .collect();
    assert_eq!(
        results,
        [
            ("pk-2".to_owned(), LiveBattleInviteResult::Invited),
            ("pk-4".to_owned(), LiveBattleInviteResult::InAnotherBattle),
            ("ghost".to_owned(), LiveBattleInviteResult::SystemError),
        ]
    );
    let info = expect_ok(
        s.client
            .live_get_battle_info(LiveGetBattleInfo::new().room_id("pk-2"))
            .await,
    );
    assert_eq!(info.battle_id.as_deref(), Some(id.as_str()));
    assert_eq!(info.duration, Some(60_000));
    assert_eq!(info.status, Some(2));
    assert_eq!(
        info.from_room_info.unwrap().owner_account.as_deref(),
        Some("ann")
    );
    assert_eq!(info.end_time.unwrap() - info.start_time.unwrap(), 60);

    // A minute later the first battle is over; the two-minute one goes on.
    s.emu.advance_clock(61);
    let info = expect_ok(
        s.client
            .live_get_battle_info(LiveGetBattleInfo::new().battle_id(&id))
            .await,
    );
    assert_eq!(info.status, Some(3));
    let none = expect_ok(
        s.client
            .live_get_battle_info(LiveGetBattleInfo::new().room_id("pk-1"))
            .await,
    );
    assert_eq!(none.battle_id, None);
    let running = expect_ok(
        s.client
            .live_get_battle_info(LiveGetBattleInfo::new().room_id("pk-4"))
            .await,
    );
    assert_eq!(running.status, Some(2));
    // The control API ends the other one.
    let r = control(&s, "end_battle", json!({"BattleId": busy_id})).await;
    assert_eq!(r["ErrorCode"], 0);
    let r = control(&s, "end_battle", json!({"BattleId": busy_id})).await;
    assert_eq!(r["ErrorCode"], 100_002);

    let mut ends = Vec::new();
    let mut parsed = 0;
    while let Ok(event) = events.try_recv() {
        // Every Live callback the emulator records parses as the SDK's type.
        let body = serde_json::to_vec(&event.payload).unwrap();
        if event.command.starts_with("Live.") {
            WebhookEvent::parse(event.command, &body)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", event.command));
            parsed += 1;
        }
        if event.command == "Live.CallbackAfterEndBattle" {
            ends.push((
                event.payload["BattleId"].clone(),
                event.payload["OpType"].clone(),
            ));
        }
    }
    assert!(parsed >= 10, "{parsed}");
    assert_eq!(ends, [(json!(id), json!(0)), (json!(busy_id), json!(1))]);
}

#[tokio::test]
async fn groups_behind_rooms_and_profiles() {
    let mut s = Setup::new().await;
    // get_appid_group_list is documented at 1 call/s: no pacing here.
    s.client = s.client_with(|b| b.rate_limits(RateLimits::off()));
    s.room("conf", 0).await;
    for i in 0..3 {
        live_room(&s, &format!("live{i}"), "host").await;
    }
    let first = expect_ok(
        s.client
            .get_appid_group_list(GetAppidGroupList::new().limit(2))
            .await,
    );
    assert_eq!(first.total_count, Some(4));
    assert!(first.next.unwrap() > u64::from(u32::MAX));
    let all = s
        .client
        .get_appid_group_list_all(GetAppidGroupList::new().limit(3))
        .await
        .expect("all groups");
    let ids: Vec<&str> = all.iter().map(|g| g.group_id.as_str()).collect();
    assert_eq!(ids, ["conf", "live0", "live1", "live2"]);
    let public = expect_ok(
        s.client
            .get_appid_group_list(GetAppidGroupList::new().group_type(ChatGroupType::Public))
            .await,
    );
    assert_eq!(public.total_count, Some(0));

    let items = [
        ProfileItem::new("Tag_Profile_IM_Nick", json!("Host")),
        ProfileItem::new("Tag_Profile_IM_Image", json!("https://x/host.png")),
    ];
    expect_ok(s.client.portrait_set(PortraitSet::new("host", items)).await);
    let got = expect_ok(
        s.client
            .portrait_get(PortraitGet::new(["host"], ["Tag_Profile_IM_Nick"]))
            .await,
    );
    let profile = &got.user_profile_item.unwrap()[0];
    assert_eq!(profile.result_code, 0);
    assert_eq!(
        profile.profile_item.as_ref().unwrap()[0].value,
        json!("Host")
    );
    let room = expect_ok(
        s.client
            .live_get_room_info(LiveGetRoomInfo::new("live0"))
            .await,
    )
    .room_info;
    assert_eq!(room.owner_name.as_deref(), Some("Host"));
    assert_eq!(room.owner_avatar_url.as_deref(), Some("https://x/host.png"));
}

#[tokio::test]
async fn live_callback_configuration_and_token() {
    let s = Setup::new().await;
    expect_service(
        s.client.live_get_callback(LiveGetCallback::new()).await,
        ErrorCode::CallbackConfigNotFound,
    );
    let cmds = [
        LiveCallbackCommand::AfterCreateRoom,
        LiveCallbackCommand::AfterEndBattle,
    ];
    expect_ok(
        s.client
            .live_set_callback(LiveSetCallback::new("https://app/cb", cmds.clone()))
            .await,
    );
    expect_service(
        s.client
            .live_set_callback(LiveSetCallback::new("https://app/cb", cmds.clone()))
            .await,
        ErrorCode::CallbackConfigExists,
    );
    expect_ok(
        s.client
            .live_update_callback(LiveUpdateCallback::new(
                "https://app/cb2",
                [LiveCallbackCommand::AfterCreateRoom],
            ))
            .await,
    );
    let cfg = expect_ok(s.client.live_get_callback(LiveGetCallback::new()).await);
    assert_eq!(cfg.url.as_deref(), Some("https://app/cb2"));
    assert_eq!(
        cfg.callback_command_list,
        Some(vec![LiveCallbackCommand::AfterCreateRoom])
    );
    assert_eq!(s.emu.live_callback_config().unwrap().url, "https://app/cb2");
    assert!(
        s.emu.callback_config().is_none(),
        "the Room configuration is separate"
    );
    expect_ok(
        s.client
            .live_delete_callback(LiveDeleteCallback::new())
            .await,
    );
    expect_service(
        s.client
            .live_delete_callback(LiveDeleteCallback::new())
            .await,
        ErrorCode::CallbackConfigNotFound,
    );

    expect_service(
        s.client
            .live_get_callback_token(LiveGetCallbackToken::new())
            .await,
        ErrorCode::CallbackTokenNotFound,
    );
    expect_ok(
        s.client
            .live_set_callback_token(
                LiveSetCallbackToken::new()
                    .token("secret")
                    .is_token_enable(true),
            )
            .await,
    );
    let token = expect_ok(
        s.client
            .live_get_callback_token(LiveGetCallbackToken::new())
            .await,
    );
    assert_eq!(
        (token.token.as_deref(), token.is_token_enable),
        (Some("secret"), Some(true))
    );
    expect_ok(
        s.client
            .live_delete_callback_token(LiveDeleteCallbackToken::new())
            .await,
    );
    expect_service(
        s.client
            .live_delete_callback_token(LiveDeleteCallbackToken::new())
            .await,
        ErrorCode::CallbackTokenNotFound,
    );
}
