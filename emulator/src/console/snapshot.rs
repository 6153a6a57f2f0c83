//! `GET /emulator/v1/state`: everything the emulator keeps, as one JSON
//! document for the console (read under one short lock).

use serde_json::{json, Value};

use crate::faults::{Fault, FaultKind};
use crate::server::App;
use crate::state::live::{Battle, LiveRoom};
use crate::state::{CallbackConfig, Room};

fn room_json(room: &Room, now: u64) -> Value {
    let info = serde_json::to_value(room.details(false)).unwrap_or(Value::Null);
    let members: Vec<Value> = room
        .members
        .iter()
        .map(|m| serde_json::to_value(m.listed()).unwrap_or(Value::Null))
        .collect();
    let seats: Vec<Value> = room
        .seats
        .iter()
        .enumerate()
        .map(|(i, s)| serde_json::to_value(s.info(i)).unwrap_or(Value::Null))
        .collect();
    let bans: Vec<Value> = room
        .bans
        .iter()
        .filter(|(_, until)| *until > now)
        .map(|(account, until)| json!({"Member_Account": account, "EndTime": until}))
        .collect();
    json!({
        "RoomId": room.id,
        "RoomInfo": info,
        "Members": members,
        "Seats": seats,
        "Bans": bans,
        "Invitees": room.invitees,
    })
}

fn live_room_json(room: &LiveRoom, now: u64) -> Value {
    let online: Vec<Value> = room
        .online
        .iter()
        .map(|m| json!({"Member_Account": m.account, "EnterTime": m.entered_at}))
        .collect();
    let bans: Vec<Value> = room
        .bans
        .iter()
        .filter(|b| b.until > now)
        .map(|b| json!({"Member_Account": b.account, "EndTime": b.until, "Reason": b.reason}))
        .collect();
    let mutes: Vec<Value> = room
        .mutes
        .iter()
        .filter(|m| m.until > now)
        .map(|m| json!({"Member_Account": m.account, "EndTime": m.until}))
        .collect();
    json!({
        "RoomId": room.id,
        "RoomInfo": room.info_json(),
        "Notice": room.notice,
        "Online": online,
        "Admins": room.admins,
        "Bans": bans,
        "Mutes": mutes,
        "Metadata": room.metadata,
        "Robots": room.robots,
        "Likes": room.likes,
        "Messages": room.messages.len(),
        "Gifts": room.gifts.len(),
        "Battle": room.battle,
    })
}

fn battle_json(b: &Battle) -> Value {
    json!({
        "BattleId": b.id,
        "FromRoomId": b.from_room,
        "ToRoomIdList": b.to_rooms,
        "StartTime": b.start_time(),
        "EndTime": b.end_time(),
        "Running": b.ended.is_none(),
        "Scores": b.scores,
    })
}

fn callback_json(c: Option<&CallbackConfig>) -> Value {
    c.map_or(
        Value::Null,
        |c| json!({"Url": c.url, "Commands": c.commands}),
    )
}

/// One pending fault as the console lists it (the `faults` op's fields).
pub(crate) fn fault_json(f: &Fault) -> Value {
    let mut v = json!({
        "Command": f.command.as_deref().unwrap_or("*"),
        "Count": f.count,
        "DelayMs": u64::try_from(f.delay.as_millis()).unwrap_or(u64::MAX),
    });
    let (kind, extra) = match &f.kind {
        FaultKind::DelayOnly => ("Delay", Value::Null),
        FaultKind::Error { code, info } => {
            ("ErrorCode", json!({"ErrorCode": code, "ErrorInfo": info}))
        }
        FaultKind::HttpStatus { status, .. } => ("HttpStatus", json!({"HttpStatus": status})),
        FaultKind::TruncatedBody => ("Truncate", Value::Null),
        FaultKind::DropConnection => ("Drop", Value::Null),
        FaultKind::LoseAnswer => ("LoseAnswer", Value::Null),
        FaultKind::EchoRequest { status } => (
            "EchoRequest",
            json!({"HttpStatus": status, "EchoRequest": true}),
        ),
    };
    v["Kind"] = kind.into();
    if let (Some(obj), Value::Object(extra)) = (v.as_object_mut(), extra) {
        obj.extend(extra);
    }
    v
}

/// The whole state.
pub(crate) fn snapshot(app: &App) -> Value {
    let now_ms = app.clock.now_ms();
    let now = now_ms / 1000;
    let state = app.lock_state();
    let rooms: Vec<Value> = state.rooms().map(|r| room_json(r, now)).collect();
    let live_rooms: Vec<Value> = state.live.rooms().map(|r| live_room_json(r, now)).collect();
    let battles: Vec<Value> = state.live.battles().map(battle_json).collect();
    let accounts: Vec<Value> = state
        .accounts
        .imported()
        .map(|(id, p)| json!({"UserID": id, "Nick": p.nick, "FaceUrl": p.face_url}))
        .collect();
    let callback = callback_json(state.callback());
    let live_callback = callback_json(state.live.callback());
    let gifts = state.live.gifts().map(|list| {
        list.iter()
            .map(|g| json!({"GiftId": g.id, "Coins": g.coins}))
            .collect::<Vec<_>>()
    });
    let gift_decision = state.live.gift_decision();
    drop(state);
    let faults: Vec<Value> = app.faults.pending().iter().map(fault_json).collect();
    json!({
        "SdkAppId": app.config.sdk_app_id,
        "Admin": app.config.admin,
        "Clock": {
            "NowUnixMillis": now_ms,
            "NowUnixSeconds": now,
            "OffsetSeconds": app.clock.offset_ms() / 1000,
        },
        "Rooms": rooms,
        "LiveRooms": live_rooms,
        "Battles": battles,
        "Accounts": accounts,
        "Callback": callback,
        "LiveCallback": live_callback,
        "GiftList": gifts,
        "GiftDecision": gift_decision,
        "Faults": faults,
        "RequestsRecorded": app.console.requests.total(),
        "DeliveriesRecorded": app.console.deliveries.total(),
        "TokenRequired": app.console.token_required(),
    })
}
