//! Unit tests of the Live state (no HTTP).

use serde_json::json;
use trtc_room::webhook::OptPlatform;

use super::*;
use crate::error::codes;
use crate::events;
use crate::state::{Ctx, State};

const T0: u64 = 1_700_000_000;

fn state() -> State {
    State::new("administrator", 300)
}

fn ctx_at(secs: u64) -> Ctx {
    Ctx::at("administrator", OptPlatform::RestApi, secs * 1000)
}

fn ctx() -> Ctx {
    ctx_at(T0)
}

fn spec(id: &str, owner: &str) -> LiveRoomSpec {
    LiveRoomSpec {
        room_id: id.into(),
        room_type: "Live".into(),
        owner: Some(owner.into()),
        ..LiveRoomSpec::default()
    }
}

fn live_room(s: &mut State, id: &str) {
    s.live_create_room(&mut ctx(), spec(id, "host")).unwrap();
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn code<T: std::fmt::Debug>(r: Result<T, crate::ApiError>) -> i64 {
    r.unwrap_err().code
}

fn commands(ctx: &Ctx) -> Vec<&'static str> {
    ctx.events.iter().map(|e| e.command).collect()
}

#[test]
fn create_room_defaults_and_callback() {
    let mut s = state();
    let mut c = ctx();
    s.live_create_room(&mut c, spec("live-1", "host")).unwrap();
    let room = s.live.room("live-1").unwrap();
    assert_eq!(
        (room.name.as_str(), room.owner.as_str()),
        ("live-1", "host")
    );
    assert_eq!(room.take_seat_mode, "ApplyToTake");
    assert!(room.is_seat_enabled && room.is_public_visible);
    assert_eq!((room.max_member_count, room.create_time), (300, T0));
    assert_eq!(commands(&c), [events::LIVE_AFTER_CREATE_ROOM]);
    let payload = &c.events[0].payload;
    assert_eq!(payload["CallbackCommand"], "Live.CallbackAfterCreateRoom");
    assert_eq!(payload["EventTime"], T0 * 1000);
    assert_eq!(payload["RoomInfo"]["RoomType"], "Live");
    assert_eq!(payload["Operator_Account"], "administrator");
    // Without an owner, the admin owns it.
    let mut bare = spec("live-2", "x");
    bare.owner = None;
    s.live_create_room(&mut ctx(), bare).unwrap();
    assert_eq!(s.live.room("live-2").unwrap().owner, "administrator");
}

#[test]
fn create_room_refusals() {
    let mut s = state();
    live_room(&mut s, "live-1");
    assert_eq!(
        code(s.live_create_room(&mut ctx(), spec("live-1", "other"))),
        codes::ROOM_EXISTS
    );
    assert_eq!(
        code(s.live_create_room(&mut ctx(), spec("live-1", "host"))),
        codes::ROOM_EXISTS_SAME_OWNER
    );
    let mut conference = spec("c-1", "host");
    conference.room_type = "Conference".into();
    assert_eq!(
        code(s.live_create_room(&mut ctx(), conference)),
        codes::BAD_PARAM
    );
    let mut bad_mode = spec("l-3", "host");
    bad_mode.take_seat_mode = Some("None".into());
    assert_eq!(
        code(s.live_create_room(&mut ctx(), bad_mode)),
        codes::BAD_PARAM
    );
    let mut too_many = spec("l-4", "host");
    too_many.category = vec![1, 2, 3, 4];
    assert_eq!(
        code(s.live_create_room(&mut ctx(), too_many)),
        codes::BAD_PARAM
    );
    let mut big = spec("l-5", "host");
    big.max_member_count = Some(301);
    assert_eq!(code(s.live_create_room(&mut ctx(), big)), codes::BAD_PARAM);
    assert_eq!(s.live.room_count(), 1);
}

#[test]
fn room_and_live_rooms_share_ids_and_groups() {
    let mut s = state();
    live_room(&mut s, "shared");
    let info = trtc_room::RoomInfo::new("shared", trtc_room::RoomType::Conference);
    assert_eq!(
        code(s.create_room(&mut ctx(), info, vec![])),
        codes::ROOM_EXISTS
    );
    let info = trtc_room::RoomInfo::new("conf", trtc_room::RoomType::Conference);
    s.create_room(&mut ctx(), info, vec![]).unwrap();
    assert_eq!(
        code(s.live_create_room(&mut ctx(), spec("conf", "host"))),
        codes::ROOM_EXISTS
    );
    assert!(s.groups.contains("shared") && s.groups.contains("conf"));
    s.live_destroy_room(&mut ctx(), "shared").unwrap();
    s.destroy_room(&mut ctx(), "conf").unwrap();
    assert!(s.groups.is_empty());
}

#[test]
fn get_update_destroy() {
    let mut s = state();
    assert_eq!(code(s.live.room("nope")), codes::ROOM_NOT_FOUND);
    live_room(&mut s, "r");
    let mut c = ctx();
    let update = LiveRoomUpdate {
        name: Some("new name".into()),
        category: Some(vec![7]),
        is_message_disabled: Some(true),
        ..LiveRoomUpdate::default()
    };
    s.live.update_room(&mut c, "r", update, 300).unwrap();
    let room = s.live.room("r").unwrap();
    assert_eq!(
        (room.name.as_str(), room.category.as_slice()),
        ("new name", &[7][..])
    );
    assert_eq!(
        c.events[0].payload["RoomInfo"],
        json!({"RoomId": "r", "RoomName": "new name", "Category": [7], "IsMessageDisabled": true})
    );
    let bad = LiveRoomUpdate {
        take_seat_mode: Some("Whatever".into()),
        ..LiveRoomUpdate::default()
    };
    assert_eq!(
        code(s.live.update_room(&mut ctx(), "r", bad, 300)),
        codes::BAD_PARAM
    );
    assert_eq!(
        code(
            s.live
                .update_room(&mut ctx(), "x", LiveRoomUpdate::default(), 300)
        ),
        codes::ROOM_NOT_FOUND
    );
    let mut c = ctx();
    s.live_destroy_room(&mut c, "r").unwrap();
    assert_eq!(c.events[0].payload["EventType"], "DestroyByUser");
    assert_eq!(c.events[0].payload["Statistic"]["TotalViewers"], 0);
    assert_eq!(
        code(s.live_destroy_room(&mut ctx(), "r")),
        codes::ROOM_NOT_FOUND
    );
}

#[test]
fn room_list_by_view_count_with_cursor() {
    let mut s = state();
    for i in 0..25 {
        live_room(&mut s, &format!("r{i:02}"));
    }
    // r05 gets 3 views, r10 and r03 one each (r03 was created first).
    for (room, n) in [("r05", 3), ("r10", 1), ("r03", 1)] {
        for k in 0..n {
            s.live.enter(&mut ctx(), room, &format!("u{k}")).unwrap();
        }
    }
    let first = s.live.room_page("", 20, false).unwrap();
    let ids: Vec<&str> = first.rooms.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(&ids[..4], ["r05", "r03", "r10", "r00"]);
    assert_eq!(ids.len(), 20);
    assert!(!first.next.is_empty());
    let next = first.next.clone();
    let second = s.live.room_page(&next, 20, false).unwrap();
    assert_eq!(second.rooms.len(), 5);
    assert_eq!(second.next, "");
    let mut all: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    all.extend(second.rooms.iter().map(|r| r.id.clone()));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 25);
    // "0" is a first page too (Tencent's console sends it); 0 means 20.
    assert_eq!(s.live.room_page("0", 0, false).unwrap().rooms.len(), 20);
    assert_eq!(code(s.live.room_page("", 21, false)), codes::BAD_PARAM);
    assert_eq!(
        code(s.live.room_page("garbage", 5, false)),
        codes::BAD_PARAM
    );
    let asc = s.live.room_page("", 1, true).unwrap();
    assert_eq!(asc.rooms[0].id, "r00");
    // The exact multiple of a page ends with "".
    let mut s = state();
    for i in 0..2 {
        live_room(&mut s, &format!("q{i}"));
    }
    assert_eq!(s.live.room_page("", 2, false).unwrap().next, "");
}

#[test]
fn online_members_views_and_paging() {
    let mut s = state();
    live_room(&mut s, "r");
    let mut c = ctx();
    s.live.enter(&mut c, "r", "alice").unwrap();
    s.live.enter(&mut c, "r", "alice").unwrap();
    assert_eq!(c.events.len(), 1);
    assert_eq!(c.events[0].payload["EventType"], "Online");
    assert_eq!(c.events[0].payload["EventCause"], "Enter");
    s.live.leave(&mut c, "r", "alice").unwrap();
    assert_eq!(c.events[1].payload["EventCause"], "Leave");
    assert_eq!(
        code(s.live.leave(&mut ctx(), "r", "alice")),
        codes::NOT_MEMBER
    );
    s.live.enter(&mut ctx(), "r", "alice").unwrap();
    assert_eq!(s.live.room("r").unwrap().view_count, 2);
    for i in 0..150 {
        s.live.enter(&mut ctx(), "r", &format!("u{i:03}")).unwrap();
    }
    let p1 = s.live.member_page("r", "").unwrap();
    assert_eq!((p1.members.len(), p1.member_count), (MEMBER_PAGE, 151));
    assert_eq!(p1.members[0].account, "alice");
    let p2 = s.live.member_page("r", &p1.next).unwrap();
    assert_eq!((p2.members.len(), p2.next.as_str()), (51, ""));
    assert_eq!(p2.members[50].account, "u149");
    assert_eq!(code(s.live.member_page("r", "x")), codes::BAD_PARAM);
    assert_eq!(code(s.live.member_page("nope", "")), codes::ROOM_NOT_FOUND);
    assert_eq!(
        code(s.live.enter(&mut ctx(), "nope", "a")),
        codes::ROOM_NOT_FOUND
    );
}

#[test]
fn full_room_refuses_unless_unlimited() {
    let mut s = state();
    let mut small = spec("small", "host");
    small.max_member_count = Some(1);
    s.live_create_room(&mut ctx(), small).unwrap();
    s.live.enter(&mut ctx(), "small", "a").unwrap();
    assert_eq!(
        code(s.live.enter(&mut ctx(), "small", "b")),
        codes::BAD_PARAM
    );
    let mut open = spec("open", "host");
    open.max_member_count = Some(1);
    open.is_unlimited_room_enabled = Some(true);
    s.live_create_room(&mut ctx(), open).unwrap();
    s.live.enter(&mut ctx(), "open", "a").unwrap();
    s.live.enter(&mut ctx(), "open", "b").unwrap();
}

#[test]
fn metadata_limits() {
    let mut s = state();
    live_room(&mut s, "r");
    let pairs = |range: std::ops::Range<usize>, len: usize| -> Vec<(String, String)> {
        range.map(|i| (format!("k{i}"), "v".repeat(len))).collect()
    };
    let mut c = ctx();
    s.live.set_metadata(&mut c, "r", &pairs(0..10, 1)).unwrap();
    assert_eq!(
        c.events[0].payload["Metadata"].as_array().unwrap().len(),
        10
    );
    // An 11th key: 100500, and nothing changes.
    assert_eq!(
        code(s.live.set_metadata(&mut ctx(), "r", &pairs(9..11, 5))),
        codes::METADATA_TOO_MANY_KEYS
    );
    assert_eq!(s.live.metadata("r", &strings(&["k9"])).unwrap()[0].1, "v");
    // Updating an existing key is fine.
    s.live
        .set_metadata(&mut ctx(), "r", &pairs(9..10, 2))
        .unwrap();
    assert_eq!(
        code(
            s.live
                .set_metadata(&mut ctx(), "r", &pairs(0..1, MAX_METADATA_VALUE + 1))
        ),
        codes::METADATA_VALUE_TOO_LARGE
    );
    // 8 values of 2 KB - 1 and two short ones fit in 16 KB; one more 2 KB
    // value does not.
    s.live
        .set_metadata(&mut ctx(), "r", &pairs(0..8, MAX_METADATA_VALUE - 1))
        .unwrap();
    assert_eq!(
        code(
            s.live
                .set_metadata(&mut ctx(), "r", &pairs(8..9, MAX_METADATA_VALUE))
        ),
        codes::METADATA_TOO_LARGE
    );
    let long_key = vec![("k".repeat(51), "v".into())];
    assert_eq!(
        code(s.live.set_metadata(&mut ctx(), "r", &long_key)),
        codes::BAD_PARAM
    );
    assert_eq!(s.live.metadata("r", &[]).unwrap().len(), 10);
    let got = s.live.metadata("r", &strings(&["k1", "absent"])).unwrap();
    assert_eq!(got.len(), 1);
    let mut c = ctx();
    s.live
        .del_metadata(&mut c, "r", &strings(&["k1", "absent"]))
        .unwrap();
    assert_eq!(c.events[0].payload["Keys"], json!(["k1", "absent"]));
    assert_eq!(s.live.metadata("r", &[]).unwrap().len(), 9);
    assert_eq!(code(s.live.metadata("x", &[])), codes::ROOM_NOT_FOUND);
}

#[test]
fn admins_at_most_five() {
    let mut s = state();
    live_room(&mut s, "r");
    let mut c = ctx();
    s.live
        .modify_admin(
            &mut c,
            "r",
            AdminOp::Add,
            &strings(&["a", "b", "c", "d", "e"]),
        )
        .unwrap();
    assert_eq!(c.events[0].payload["opType"], "add");
    assert_eq!(
        code(
            s.live
                .modify_admin(&mut ctx(), "r", AdminOp::Add, &strings(&["f"]))
        ),
        codes::TOO_MANY_ADMINS
    );
    // Adding one already there is no growth.
    s.live
        .modify_admin(&mut ctx(), "r", AdminOp::Add, &strings(&["a"]))
        .unwrap();
    s.live
        .modify_admin(&mut ctx(), "r", AdminOp::Delete, &strings(&["a", "zz"]))
        .unwrap();
    s.live
        .modify_admin(&mut ctx(), "r", AdminOp::Add, &strings(&["f"]))
        .unwrap();
    assert_eq!(s.live.admins("r").unwrap(), ["b", "c", "d", "e", "f"]);
    assert_eq!(code(AdminOp::parse("remove")), codes::BAD_PARAM);
    assert_eq!(
        code(s.live.modify_admin(&mut ctx(), "r", AdminOp::Add, &[])),
        codes::BAD_PARAM
    );
    assert_eq!(code(s.live.admins("x")), codes::ROOM_NOT_FOUND);
}

#[test]
fn bans_kick_block_entry_and_expire() {
    let mut s = state();
    live_room(&mut s, "r");
    s.live.enter(&mut ctx(), "r", "bad").unwrap();
    let mut c = ctx();
    s.live
        .ban(&mut c, "r", &strings(&["bad", "worse"]), 60, "spam")
        .unwrap();
    assert_eq!(c.events[0].payload["EventCause"], "Kicked");
    assert_eq!(
        c.events[0].payload["MemberList"],
        json!([{"Member_Account": "bad"}])
    );
    assert!(!s.live.room("r").unwrap().is_online("bad"));
    assert_eq!(
        code(s.live.enter(&mut ctx_at(T0 + 59), "r", "bad")),
        codes::NO_PERMISSION
    );
    s.live.enter(&mut ctx_at(T0 + 60), "r", "bad").unwrap();
    let (page, next) = s.live.banned_page(T0 + 1, "r", 0, Some(1)).unwrap();
    assert_eq!(
        (page[0].account.as_str(), page[0].until, next),
        ("bad", T0 + 60, 1)
    );
    assert_eq!(page[0].reason, "spam");
    let (page, next) = s.live.banned_page(T0 + 1, "r", 1, Some(1)).unwrap();
    assert_eq!((page[0].account.as_str(), next), ("worse", 0));
    assert!(s
        .live
        .banned_page(T0 + 60, "r", 0, None)
        .unwrap()
        .0
        .is_empty());
    assert_eq!(
        code(s.live.banned_page(T0, "r", 0, Some(101))),
        codes::BAD_PARAM
    );
    s.live
        .unban(&ctx(), "r", &strings(&["worse", "never"]))
        .unwrap();
    assert_eq!(s.live.banned_page(T0, "r", 0, None).unwrap().0.len(), 1);
    assert_eq!(
        code(s.live.ban(&mut ctx(), "r", &strings(&["a"]), 0, "")),
        codes::BAD_PARAM
    );
    let many: Vec<String> = (0..21).map(|i| format!("u{i}")).collect();
    assert_eq!(
        code(s.live.ban(&mut ctx(), "r", &many, 5, "")),
        codes::BAD_PARAM
    );
    assert_eq!(
        code(
            s.live
                .ban(&mut ctx(), "r", &strings(&["a"]), 5, &"x".repeat(201))
        ),
        codes::BAD_PARAM
    );
    assert_eq!(
        code(s.live.ban(&mut ctx(), "x", &strings(&["a"]), 5, "")),
        codes::ROOM_NOT_FOUND
    );
}

#[test]
fn mutes_expire_and_zero_unmutes() {
    let mut s = state();
    live_room(&mut s, "r");
    s.live
        .mute(&ctx(), "r", &strings(&["a", "b"]), 600)
        .unwrap();
    let muted = s.live.muted(T0, "r").unwrap();
    assert_eq!(muted.len(), 2);
    assert_eq!(muted[0].until, T0 + 600);
    assert!(s.live.room("r").unwrap().is_muted("a", T0 + 599));
    s.live.mute(&ctx(), "r", &strings(&["a"]), 0).unwrap();
    assert_eq!(s.live.muted(T0, "r").unwrap().len(), 1);
    assert!(s.live.muted(T0 + 600, "r").unwrap().is_empty());
    assert_eq!(
        code(s.live.mute(&ctx(), "x", &strings(&["a"]), 5)),
        codes::ROOM_NOT_FOUND
    );
}

#[test]
fn change_owner() {
    let mut s = state();
    live_room(&mut s, "r");
    s.live
        .ban(&mut ctx(), "r", &strings(&["banned"]), 60, "")
        .unwrap();
    assert_eq!(
        code(s.live.change_owner(&mut ctx(), "r", "banned")),
        codes::NEW_OWNER_BANNED
    );
    let mut c = ctx();
    s.live.change_owner(&mut c, "r", "next").unwrap();
    assert_eq!(s.live.room("r").unwrap().owner, "next");
    assert_eq!(c.events[0].payload["OriginalOwner_Account"], "host");
    assert_eq!(c.events[0].payload["CurrentOwner_Account"], "next");
    assert_eq!(
        code(s.live.change_owner(&mut ctx(), "x", "next")),
        codes::ROOM_NOT_FOUND
    );
}

#[test]
fn robots_at_most_three_in_live_rooms_only() {
    let mut s = state();
    live_room(&mut s, "r");
    s.live_add_robot(&mut ctx(), "r", &strings(&["bot1", "bot2"]))
        .unwrap();
    s.live_add_robot(&mut ctx(), "r", &strings(&["bot2", "bot3"]))
        .unwrap();
    assert_eq!(
        code(s.live_add_robot(&mut ctx(), "r", &strings(&["bot4"]))),
        codes::BAD_PARAM
    );
    assert_eq!(s.live.robots("r").unwrap(), ["bot1", "bot2", "bot3"]);
    s.live.del_robots("r", &strings(&["bot1", "none"])).unwrap();
    assert_eq!(s.live.robots("r").unwrap(), ["bot2", "bot3"]);
    let info = trtc_room::RoomInfo::new("conf", trtc_room::RoomType::Conference);
    s.create_room(&mut ctx(), info, vec![]).unwrap();
    assert_eq!(
        code(s.live_add_robot(&mut ctx(), "conf", &strings(&["b"]))),
        codes::NO_PERMISSION
    );
    assert_eq!(
        code(s.live_add_robot(&mut ctx(), "none", &strings(&["b"]))),
        codes::ROOM_NOT_FOUND
    );
    assert_eq!(
        code(s.live_add_robot(&mut ctx(), "r", &[])),
        codes::BAD_PARAM
    );
}

#[test]
fn messages_are_recorded_in_order() {
    let mut s = state();
    live_room(&mut s, "r");
    let text = |t: &str, ext: Option<&str>| MessageBody::Text {
        text: t.into(),
        extension: ext.map(Into::into),
    };
    let a = s
        .live
        .send_message(
            &ctx(),
            "r",
            Some("alice"),
            text("hi", Some(r#"{"data":1}"#)),
        )
        .unwrap();
    let b = s
        .live
        .send_message(
            &ctx_at(T0 + 5),
            "r",
            None,
            MessageBody::Custom {
                business_id: "like".into(),
                data: "{}".into(),
            },
        )
        .unwrap();
    assert_eq!((a.seq, a.time, b.seq, b.time), (1, T0, 2, T0 + 5));
    let msgs = s.live.messages("r").unwrap();
    assert_eq!(
        (msgs[0].sender.as_str(), msgs[1].sender.as_str()),
        ("alice", "administrator")
    );
    assert_eq!(
        code(
            s.live
                .send_message(&ctx(), "r", Some("a"), text("x", Some("{bad")))
        ),
        codes::BAD_PARAM
    );
    assert_eq!(
        code(s.live.send_message(&ctx(), "r", Some("a"), text("", None))),
        codes::BAD_PARAM
    );
    assert_eq!(
        code(s.live.send_message(&ctx(), "x", Some("a"), text("x", None))),
        codes::ROOM_NOT_FOUND
    );
    assert_eq!(s.live.room("r").unwrap().stats().total_msg_count, 2);
}

#[test]
fn gifts_counts_and_seeded_list() {
    let mut s = state();
    live_room(&mut s, "r");
    let send = |s: &mut State, gift: &str, from: &str, to: &[&str], count: u64| {
        let entry = s
            .live
            .check_gift(&ctx(), "r", gift, from, &strings(to), Some(count))?;
        s.live.record_gift("r", entry)
    };
    // No list: any gift, no coins.
    send(&mut s, "anything", "fan1", &["host"], 2).unwrap();
    s.live.seed_gifts(Some(vec![Gift {
        id: "rose".into(),
        coins: 10,
    }]));
    assert_eq!(
        code(send(&mut s, "anything", "fan1", &["host"], 1)),
        codes::GIFT_NOT_FOUND
    );
    send(&mut s, "rose", "fan2", &["host", "guest"], 3).unwrap();
    // A gift the app blocked is checked but never recorded.
    let blocked = s
        .live
        .check_gift(&ctx(), "r", "rose", "fan3", &strings(&["host"]), None)
        .unwrap();
    let before = blocked.before_callback_json("r", "administrator");
    assert_eq!(before["GiftWater"]["Coins"], 10);
    assert_eq!(before["GiftWater"]["To_Account"], json!(["host"]));
    let host = s.live.gift_count("r", "host", None, None).unwrap();
    assert_eq!(
        host,
        GiftCount {
            sequence: 2,
            total_count: 5,
            total_coins: 30,
            sender_count: 2
        }
    );
    let guest = s.live.gift_count("r", "guest", None, None).unwrap();
    assert_eq!(
        (guest.total_count, guest.total_coins, guest.sender_count),
        (3, 30, 1)
    );
    assert_eq!(
        s.live
            .gift_count("r", "host", Some(T0 + 1), None)
            .unwrap()
            .total_count,
        0
    );
    let stats = s.live.room("r").unwrap().stats();
    assert_eq!(
        (
            stats.total_gifts_sent,
            stats.total_gift_coins,
            stats.total_unique_gift_senders
        ),
        (8, 60, 2)
    );
    assert_eq!(code(send(&mut s, "rose", "fan1", &[], 1)), codes::BAD_PARAM);
    assert_eq!(
        code(send(&mut s, "rose", "fan1", &["host"], 0)),
        codes::BAD_PARAM
    );
    assert_eq!(
        code(s.live.gift_count("x", "host", None, None)),
        codes::ROOM_NOT_FOUND
    );
    s.live.seed_gifts(None);
    send(&mut s, "anything", "fan1", &["host"], 1).unwrap();
}

#[test]
fn battles_mixed_results_and_timeout() {
    let mut s = state();
    for r in ["a", "b", "c", "d"] {
        live_room(&mut s, r);
    }
    let mut c = ctx();
    let first = s
        .live
        .create_battle(&mut c, "c", &strings(&["d"]), 10_000, "")
        .unwrap();
    let mut c = ctx();
    let created = s
        .live
        .create_battle(
            &mut c,
            "a",
            &strings(&["b", "d", "ghost", "a", "b"]),
            60_000,
            "ext",
        )
        .unwrap();
    assert_eq!(created.battle_id.len(), 44);
    assert_ne!(created.battle_id, first.battle_id);
    let codes_: Vec<(&str, i64)> = created
        .results
        .iter()
        .map(|r| (r.room_id.as_str(), r.code))
        .collect();
    assert_eq!(codes_, [("b", 0), ("d", 3), ("ghost", 5), ("a", 5)]);
    assert_eq!(
        commands(&c),
        [
            events::LIVE_AFTER_CREATE_BATTLE,
            events::LIVE_AFTER_START_BATTLE
        ]
    );
    assert_eq!(c.events[0].payload["ToRoomIdList"], json!(["b"]));
    assert_eq!(
        c.events[1].payload["FromRoomInfo"],
        json!({"RoomId": "a", "Owner_Account": "host"})
    );
    let battle = s.live.battle(&created.battle_id).unwrap();
    assert_eq!(
        (battle.start_time(), battle.end_time(), battle.ended),
        (T0, T0 + 60, None)
    );
    assert_eq!(
        s.live.battle_of_room("b").unwrap().unwrap().id,
        created.battle_id
    );
    // In a battle: a caller is refused; nobody free: no battle.
    assert_eq!(
        code(
            s.live
                .create_battle(&mut ctx(), "a", &strings(&["c"]), 1000, "")
        ),
        codes::BAD_PARAM
    );
    let none = s
        .live
        .create_battle(&mut ctx(), "c", &strings(&["b"]), 1000, "");
    assert_eq!(code(none), codes::BAD_PARAM);
    assert_eq!(
        code(
            s.live
                .create_battle(&mut ctx(), "zz", &strings(&["b"]), 1000, "")
        ),
        codes::ROOM_NOT_FOUND
    );
    // Time passes: the 10 s battle ends at its planned time, the other runs on.
    let mut c = ctx_at(T0 + 30);
    s.live.tick(&mut c);
    assert_eq!(commands(&c), [events::LIVE_AFTER_END_BATTLE]);
    assert_eq!(c.events[0].payload["OpType"], 0);
    assert_eq!(c.events[0].payload["EndTime"], T0 + 10);
    assert_eq!(
        c.events[0].payload["ToRoomList"],
        json!([{"RoomId": "d", "Owner_Account": "host", "Score": 0}])
    );
    assert_eq!(
        s.live.battle(&first.battle_id).unwrap().ended,
        Some(BattleEnd::Timeout)
    );
    assert!(s.live.battle_of_room("d").unwrap().is_none());
    let mut c = ctx_at(T0 + 60);
    s.live.tick(&mut c);
    assert_eq!(
        s.live.battle(&created.battle_id).unwrap().ended,
        Some(BattleEnd::Timeout)
    );
    assert_eq!(
        code(s.live.end_battle(&mut ctx(), &created.battle_id)),
        codes::BAD_PARAM
    );
    assert_eq!(code(s.live.battle("nope")), codes::BAD_PARAM);
}

#[test]
fn battles_end_explicitly_or_with_a_room() {
    let mut s = state();
    for r in ["a", "b", "c"] {
        live_room(&mut s, r);
    }
    let all_fail = s
        .live
        .create_battle(&mut ctx(), "a", &strings(&["ghost"]), 1000, "")
        .unwrap();
    assert_eq!(
        (all_fail.battle_id.as_str(), all_fail.results[0].code),
        ("", 5)
    );
    let one = s
        .live
        .create_battle(&mut ctx(), "a", &strings(&["b"]), 60_000, "")
        .unwrap();
    let mut c = ctx_at(T0 + 5);
    s.live.end_battle(&mut c, &one.battle_id).unwrap();
    assert_eq!(c.events[0].payload["OpType"], 1);
    assert_eq!(s.live.battle(&one.battle_id).unwrap().end_time(), T0 + 5);
    // Ended battles do not time out again.
    let mut c = ctx_at(T0 + 100);
    s.live.tick(&mut c);
    assert!(c.events.is_empty());
    let two = s
        .live
        .create_battle(&mut ctx(), "b", &strings(&["c"]), 60_000, "")
        .unwrap();
    let mut c = ctx();
    s.live_destroy_room(&mut c, "c").unwrap();
    assert_eq!(
        commands(&c),
        [
            events::LIVE_AFTER_END_BATTLE,
            events::LIVE_AFTER_DESTROY_ROOM
        ]
    );
    assert_eq!(
        c.events[0].payload["ToRoomList"][0]["Owner_Account"],
        "host"
    );
    assert!(s.live.battle(&two.battle_id).unwrap().ended.is_some());
    assert!(s.live.battle_of_room("b").unwrap().is_none());
}

#[test]
fn group_list_pages_with_a_u64_cursor() {
    let mut s = state();
    for i in 0..5 {
        live_room(&mut s, &format!("live{i}"));
    }
    let info = trtc_room::RoomInfo::new("conf", trtc_room::RoomType::Conference);
    s.create_room(&mut ctx(), info, vec![]).unwrap();
    let all = s.groups.page(0, None, None).unwrap();
    assert_eq!((all.group_ids.len(), all.next, all.total_count), (6, 0, 6));
    let p1 = s.groups.page(0, Some(4), None).unwrap();
    assert_eq!(p1.group_ids, ["live0", "live1", "live2", "live3"]);
    assert!(p1.next > u64::from(u32::MAX));
    s.live_destroy_room(&mut ctx(), "live1").unwrap();
    let p2 = s.groups.page(p1.next, Some(4), None).unwrap();
    assert_eq!(
        (p2.group_ids.clone(), p2.next, p2.total_count),
        (strings(&["live4", "conf"]), 0, 5)
    );
    let exact = s.groups.page(0, Some(5), None).unwrap();
    assert_eq!(exact.next, 0);
    assert_eq!(
        s.groups.page(0, None, Some("Public")).unwrap().total_count,
        0
    );
    assert_eq!(
        s.groups
            .page(0, None, Some(ROOM_GROUP_TYPE))
            .unwrap()
            .total_count,
        5
    );
    assert_eq!(
        code(s.groups.page(0, Some(10_001), None)),
        codes::IM_BAD_PARAM
    );
    assert_eq!(
        code(s.groups.page(0, None, Some("Room"))),
        codes::IM_BAD_PARAM
    );
}

#[test]
fn profiles_keep_tags() {
    let mut p = Profiles::default();
    p.set(
        "alice",
        [("Tag_Profile_IM_Nick".to_owned(), json!("Alice"))],
    );
    p.set("alice", [("Tag_Profile_IM_Role".to_owned(), json!(2))]);
    let got = p.get(
        "alice",
        &strings(&["Tag_Profile_IM_Role", "Tag_Profile_IM_Image"]),
    );
    assert_eq!(got, [("Tag_Profile_IM_Role".to_owned(), json!(2))]);
    assert_eq!(p.get("alice", &[]).len(), 2);
    assert!(p.get("bob", &[]).is_empty());
}

#[test]
fn callback_config_and_token() {
    let mut s = state();
    let cmds = strings(&[
        "Live.CallbackAfterCreateRoom",
        "Live.CallbackBeforeSendGift",
    ]);
    assert_eq!(code(s.live.get_callback()), codes::CALLBACK_MISSING);
    assert_eq!(
        code(s.live.set_callback("https://x", &cmds, true)),
        codes::CALLBACK_MISSING
    );
    s.live.set_callback("https://x", &cmds, false).unwrap();
    assert_eq!(
        code(s.live.set_callback("https://y", &cmds, false)),
        codes::CALLBACK_EXISTS
    );
    s.live.set_callback("https://y", &cmds[..1], true).unwrap();
    assert_eq!(s.live.get_callback().unwrap().url, "https://y");
    assert_eq!(
        code(s.live.set_callback("ftp://y", &cmds, true)),
        codes::BAD_PARAM
    );
    assert_eq!(
        code(s.live.set_callback(
            "https://y",
            &strings(&["Room.CallbackAfterCreateRoom"]),
            true
        )),
        codes::BAD_PARAM
    );
    s.live.delete_callback().unwrap();
    assert_eq!(code(s.live.delete_callback()), codes::CALLBACK_MISSING);
    // The Room configuration is separate.
    assert!(s.callback().is_none());

    assert_eq!(code(s.live.callback_token()), codes::CALLBACK_TOKEN_MISSING);
    assert_eq!(
        code(s.live.set_callback_token(Some("t"), None)),
        codes::BAD_PARAM
    );
    s.live.set_callback_token(Some("t"), Some(true)).unwrap();
    s.live.set_callback_token(None, Some(false)).unwrap();
    assert_eq!(
        s.live.callback_token().unwrap(),
        &CallbackToken {
            token: "t".into(),
            enabled: false
        }
    );
    assert_eq!(
        code(s.live.set_callback_token(Some(&"x".repeat(129)), None)),
        codes::BAD_PARAM
    );
    assert_eq!(
        code(s.live.set_callback_token(Some(""), None)),
        codes::BAD_PARAM
    );
    s.live.delete_callback_token().unwrap();
    assert_eq!(
        code(s.live.delete_callback_token()),
        codes::CALLBACK_TOKEN_MISSING
    );
}
