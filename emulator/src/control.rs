//! The control API (not Tencent's): drive what clients would do, and inject
//! faults. `POST /emulator/v1/<op>` with a JSON body, answered with the
//! usual envelope.
//!
//! | op | body |
//! | --- | --- |
//! | `enter_room` | `{"RoomId", "Member_Account"}` (70107 for an account not imported, with `require_imported_accounts`) |
//! | `leave_room` | `{"RoomId", "Member_Account"}` |
//! | `take_seat` | `{"RoomId", "Member_Account", "Index"}` (negative: first free seat) |
//! | `faults` | see [`Fault::from_json`] |
//! | `clear_faults` | `{}` |
//! | `clock` | `{}` reads the emulator's clock; `{"AdvanceSeconds": n}` (n >= 0) moves it forward; `{"NowUnixSeconds": t}` sets it (forward or back). Answers `{"NowUnixSeconds", "NowUnixMillis", "OffsetSeconds"}` (offset from the wall clock, rounded toward zero); battles whose time ran out end at once (see [`crate::clock`]) |
//!
//! | `live_messages` | `{"RoomId"}`: the messages sent to a Live room (send_text_msg, send_custom_msg, send_group_msg), oldest first: `{"Messages": [{"MsgSeq", "MsgTime", "Sender_Account", "Type": "Text"/"Custom"/"Chat", then "TextContent" + "ExtensionInfo" / "BusinessId" + "Data" / "MsgBody" + "CloudCustomData"}]}` |
//! | `end_battle` | `{"BattleId"}`: ends a running PK battle now (`Live.CallbackAfterEndBattle` with OpType 1); 100002 when unknown or ended |
//! | `gifts` | `{"GiftList": [{"GiftId", "Coins"}]}` seeds the gift list (send_gift then answers 102002 for other gifts); `{"GiftList": null}` or `{}` accepts any gift again |
//! | `save` | `{}`: saves the state to the state file now; answers `{"Path", "Bytes"}` (see [`crate::persist`]) |
//! | `export` | GET or POST: the whole state as the state-file document (no envelope) |
//! | `import` | a state-file document: replaces the whole state; answers `{"Rooms", "LiveRooms"}` |
//! | `resend_delivery` | `{"Id"}`: POSTs a delivery of the console's delivery log (`GET /emulator/v1/deliveries`) again, to the same URL with the same body; answers `{"Queued": true}` at once, and the new try is logged with `ResendOf` |
//! | `gift_decision` | `{"ErrorCode": n}`: how the app answers `Live.CallbackBeforeSendGift` from now on: 0 allows (default); 102100..=102200 refuse with that code; any other code refuses with 102004. Played only while no `Live.CallbackBeforeSendGift` receiver is configured (`live_config/set_callback`): a configured receiver decides instead |
//!
//! `enter_room` and `leave_room` act on a Live room when the ID names one
//! (a banned user cannot enter: 100006); otherwise on a Room room.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use trtc_room::webhook::OptPlatform;
use trtc_room::PayloadLocation;

use crate::error::{codes, ApiError};
use crate::faults::Fault;
use crate::server::{envelope, json_response, App};
use crate::state::live::{Gift, LiveMessage, MessageBody};

/// The body of `enter_room`, `leave_room` and `take_seat`.
#[derive(serde::Deserialize)]
struct MemberOp {
    #[serde(rename = "RoomId")]
    room_id: String,
    #[serde(rename = "Member_Account")]
    account: String,
    /// `take_seat` only.
    #[serde(rename = "Index")]
    index: Option<i64>,
}

impl MemberOp {
    fn parse(body: &Value) -> Result<Self, ApiError> {
        Self::deserialize(body).map_err(|e| ApiError::bad_param(format!("invalid body: {e}")))
    }
}

pub(crate) async fn control(
    AxState(app): AxState<Arc<App>>,
    Path(op): Path<String>,
    body: Bytes,
) -> Response {
    let request_id = app.request_id();
    let result = run(&app, &op, &body);
    tracing::info!(target: "room_emulator", op, code = result.as_ref().err().map_or(0, |e| e.code), "control");
    json_response(&envelope(&request_id, result, PayloadLocation::TopLevel))
}

/// How to move the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClockMove {
    /// Forward by this many seconds.
    Advance(u64),
    /// To this unix second.
    Set(u64),
}

/// Moves the clock, then lets battles whose time ran out end (their
/// callbacks go out as for any change). Returns the new now.
pub(crate) fn move_clock(app: &App, how: ClockMove) -> u64 {
    let now = match how {
        ClockMove::Advance(secs) => app.clock.advance(secs),
        ClockMove::Set(t) => app.clock.set(t),
    };
    // `apply` ends the battles due before running the (empty) change.
    let _ = app.apply(&app.config.admin, OptPlatform::Unknown, |_, _| Ok(()));
    now
}

/// The body of `clock`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockOp {
    #[serde(rename = "AdvanceSeconds")]
    advance: Option<i64>,
    #[serde(rename = "NowUnixSeconds")]
    now: Option<i64>,
}

fn clock(app: &App, body: &Value) -> Result<Value, ApiError> {
    let op = ClockOp::deserialize(body)
        .map_err(|e| ApiError::bad_param(format!("invalid body: {e}")))?;
    match (op.advance, op.now) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_param(
                "give AdvanceSeconds or NowUnixSeconds, not both",
            ))
        }
        (Some(n), None) => {
            let n = u64::try_from(n)
                .map_err(|_| ApiError::bad_param("AdvanceSeconds must not be negative"))?;
            move_clock(app, ClockMove::Advance(n));
        }
        (None, Some(t)) => {
            let t = u64::try_from(t)
                .map_err(|_| ApiError::bad_param("NowUnixSeconds must not be negative"))?;
            move_clock(app, ClockMove::Set(t));
        }
        (None, None) => {}
    }
    let now_ms = app.clock.now_ms();
    Ok(serde_json::json!({
        "NowUnixSeconds": now_ms / 1000,
        "NowUnixMillis": now_ms,
        "OffsetSeconds": app.clock.offset_ms() / 1000,
    }))
}

fn run(app: &App, op: &str, body: &[u8]) -> Result<Option<Value>, ApiError> {
    let body: Value = if body.is_empty() {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::new(codes::JSON_PARSE, format!("body is not valid JSON: {e}")))?
    };
    match op {
        "clock" => return clock(app, &body).map(Some),
        "resend_delivery" => return crate::console::resend(app, &body).map(Some),
        "live_messages" => {
            let room: RoomOp = parse(&body)?;
            return live_messages(app, &room.room_id).map(Some);
        }
        _ => {}
    }
    match op {
        "enter_room" => {
            let op = MemberOp::parse(&body)?;
            enter_room(app, &op.room_id, &op.account)
        }
        "leave_room" => {
            let op = MemberOp::parse(&body)?;
            leave_room(app, &op.room_id, &op.account)
        }
        "take_seat" => {
            let op = MemberOp::parse(&body)?;
            let index = op
                .index
                .ok_or_else(|| ApiError::bad_param("Index is required (integer)"))?;
            take_seat(app, &op.room_id, &op.account, index)
        }
        "faults" => {
            app.faults.add(Fault::from_json(&body)?);
            Ok(())
        }
        "clear_faults" => {
            app.faults.clear();
            Ok(())
        }
        "end_battle" => {
            let op: BattleOp = parse(&body)?;
            end_battle(app, &op.battle_id)
        }
        "gifts" => {
            let op: GiftsOp = parse(&body)?;
            let list = op.gift_list.map(|l| {
                l.into_iter()
                    .map(|g| Gift {
                        id: g.gift_id,
                        coins: g.coins.unwrap_or(0),
                    })
                    .collect()
            });
            app.lock_state().live.seed_gifts(list);
            Ok(())
        }
        "gift_decision" => {
            let op: DecisionOp = parse(&body)?;
            app.lock_state().live.set_gift_decision(op.error_code);
            Ok(())
        }
        other => Err(ApiError::new(
            codes::UNKNOWN_RESOURCE,
            format!("unknown control operation {other:?}"),
        )),
    }
    .map(|()| None)
}

#[derive(serde::Deserialize)]
struct RoomOp {
    #[serde(rename = "RoomId")]
    room_id: String,
}

#[derive(serde::Deserialize)]
struct BattleOp {
    #[serde(rename = "BattleId")]
    battle_id: String,
}

#[derive(serde::Deserialize)]
struct GiftOp {
    #[serde(rename = "GiftId")]
    gift_id: String,
    #[serde(rename = "Coins")]
    coins: Option<u64>,
}

#[derive(serde::Deserialize)]
struct GiftsOp {
    #[serde(rename = "GiftList", default)]
    gift_list: Option<Vec<GiftOp>>,
}

#[derive(serde::Deserialize)]
struct DecisionOp {
    #[serde(rename = "ErrorCode")]
    error_code: i64,
}

fn parse<T: serde::de::DeserializeOwned>(body: &Value) -> Result<T, ApiError> {
    T::deserialize(body).map_err(|e| ApiError::bad_param(format!("invalid body: {e}")))
}

/// A Live room's messages as the `live_messages` op answers them.
fn live_messages(app: &App, room_id: &str) -> Result<Value, ApiError> {
    let state = app.lock_state();
    let list: Vec<Value> = state
        .live
        .messages(room_id)?
        .iter()
        .map(message_json)
        .collect();
    Ok(serde_json::json!({ "Messages": list }))
}

/// One recorded message as JSON (the `live_messages` op).
pub fn message_json(m: &LiveMessage) -> Value {
    let mut v = serde_json::json!({
        "MsgSeq": m.seq,
        "MsgTime": m.time,
        "Sender_Account": m.sender,
    });
    match &m.body {
        MessageBody::Text { text, extension } => {
            v["Type"] = "Text".into();
            v["TextContent"] = text.as_str().into();
            if let Some(ext) = extension {
                v["ExtensionInfo"] = ext.as_str().into();
            }
        }
        MessageBody::Custom { business_id, data } => {
            v["Type"] = "Custom".into();
            v["BusinessId"] = business_id.as_str().into();
            v["Data"] = data.as_str().into();
        }
        MessageBody::Chat {
            body,
            cloud_custom_data,
        } => {
            v["Type"] = "Chat".into();
            v["MsgBody"] = body.clone();
            if let Some(data) = cloud_custom_data {
                v["CloudCustomData"] = data.as_str().into();
            }
        }
    }
    v
}

pub(crate) fn end_battle(app: &App, battle_id: &str) -> Result<(), ApiError> {
    app.apply(&app.config.admin, OptPlatform::Unknown, |state, ctx| {
        state.live.end_battle(ctx, battle_id)
    })
}

/// The platform the simulated clients use (the `OptPlatform` of the
/// callbacks their actions cause).
fn client_platform(app: &App) -> OptPlatform {
    app.config.client_platform.clone()
}

pub(crate) fn enter_room(app: &App, room_id: &str, account: &str) -> Result<(), ApiError> {
    crate::state::check_account("Member_Account", account)?;
    app.apply(account, client_platform(app), |state, ctx| {
        state.require_account(account)?;
        if state.live.contains(room_id) {
            return state.live.enter(ctx, room_id, account);
        }
        state.room_mut(room_id)?.enter(ctx, account)
    })
}

pub(crate) fn leave_room(app: &App, room_id: &str, account: &str) -> Result<(), ApiError> {
    app.apply(account, client_platform(app), |state, ctx| {
        if state.live.contains(room_id) {
            return state.live.leave(ctx, room_id, account);
        }
        state.room_mut(room_id)?.leave(ctx, account)
    })
}

pub(crate) fn take_seat(
    app: &App,
    room_id: &str,
    account: &str,
    index: i64,
) -> Result<(), ApiError> {
    app.apply(account, client_platform(app), |state, ctx| {
        state.seat_host_mut(room_id)?.pick(ctx, account, index)
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};
    use trtc_room::webhook::OptPlatform;

    use crate::state::live::LiveRoomSpec;
    use crate::{events, Emulator, EmulatorConfig};

    async fn op(emu: &Emulator, op: &str, body: Value) -> Value {
        let url = format!("{}/emulator/v1/{op}", emu.base_url());
        let resp = trtc_room::http_client_builder()
            .unwrap()
            .build()
            .unwrap()
            .post(url)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        serde_json::from_str(&resp.text().await.unwrap()).unwrap()
    }

    fn live_room(emu: &Emulator, id: &str) {
        emu.app
            .apply("administrator", OptPlatform::RestApi, |s, ctx| {
                let spec = LiveRoomSpec {
                    room_id: id.into(),
                    room_type: "Live".into(),
                    ..LiveRoomSpec::default()
                };
                s.live_create_room(ctx, spec)
            })
            .unwrap();
    }

    #[tokio::test]
    async fn clock_reads_advances_and_sets() {
        let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
        let read = op(&emu, "clock", json!({})).await;
        assert_eq!(read["ErrorCode"], 0);
        let start = read["NowUnixSeconds"].as_u64().unwrap();
        assert_eq!(read["OffsetSeconds"], 0);
        let moved = op(&emu, "clock", json!({"AdvanceSeconds": 86_400})).await;
        let now = moved["NowUnixSeconds"].as_u64().unwrap();
        assert!((start + 86_400..=start + 86_401).contains(&now));
        assert_eq!(moved["OffsetSeconds"], 86_400);
        let set = op(&emu, "clock", json!({"NowUnixSeconds": 2_000_000_000u64})).await;
        assert!((2_000_000_000..=2_000_000_001).contains(&set["NowUnixSeconds"].as_u64().unwrap()));
        assert!((2_000_000_000..=2_000_000_001).contains(&emu.now()));
        for bad in [
            json!({"AdvanceSeconds": -1}),
            json!({"AdvanceSeconds": 1, "NowUnixSeconds": 1}),
            json!({"Advance": 1}),
        ] {
            assert_eq!(op(&emu, "clock", bad).await["ErrorCode"], 100002);
        }
        // Changes are stamped with the emulator's clock.
        live_room(&emu, "r");
        let created = emu.app.lock_state().live.room("r").unwrap().create_time;
        assert!((2_000_000_000..=2_000_000_001).contains(&created));
    }

    #[tokio::test]
    async fn advancing_the_clock_ends_battles_and_bans() {
        let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
        let mut events_rx = emu.subscribe_events();
        live_room(&emu, "a");
        live_room(&emu, "b");
        emu.app
            .apply("administrator", OptPlatform::RestApi, |s, ctx| {
                s.live
                    .create_battle(ctx, "a", &["b".to_owned()], 30_000, "")
                    .map(|_| ())?;
                s.live.ban(ctx, "a", &["troll".to_owned()], 60, "")
            })
            .unwrap();
        let entered = op(
            &emu,
            "enter_room",
            json!({"RoomId": "a", "Member_Account": "troll"}),
        )
        .await;
        assert_eq!(entered["ErrorCode"], 100006);
        emu.advance_clock(31);
        let mut seen = Vec::new();
        while let Ok(e) = events_rx.try_recv() {
            seen.push(e.command);
        }
        assert_eq!(seen.last(), Some(&events::LIVE_AFTER_END_BATTLE));
        assert!(emu
            .app
            .lock_state()
            .live
            .battle_of_room("a")
            .unwrap()
            .is_none());
        emu.advance_clock(30);
        let entered = op(
            &emu,
            "enter_room",
            json!({"RoomId": "a", "Member_Account": "troll"}),
        )
        .await;
        assert_eq!(entered["ErrorCode"], 0);
        let left = op(
            &emu,
            "leave_room",
            json!({"RoomId": "a", "Member_Account": "troll"}),
        )
        .await;
        assert_eq!(left["ErrorCode"], 0);
        assert_eq!(emu.app.lock_state().live.room("a").unwrap().view_count, 1);
    }
}
