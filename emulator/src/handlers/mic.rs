//! `room_engine_http_mic`: seats.

use serde_json::{json, Value};

use super::body::Body;
use super::Outcome;
use crate::state::seats::{seat_json, MovePolicy};
use crate::state::{Ctx, State};

pub fn get_seat_list(state: &mut State, _ctx: &mut Ctx, body: &Value) -> Outcome {
    let room = state.room(&Body::new(body)?.str("RoomId")?)?;
    let list: Vec<Value> = room
        .seats
        .iter()
        .enumerate()
        .map(|(i, s)| seat_json(i, s))
        .collect();
    Ok(Some(json!({"SeatList": list})))
}

pub fn pick_user_on_seat(state: &mut State, ctx: &mut Ctx, body: &Value) -> Outcome {
    let b = Body::new(body)?;
    let room_id = b.str("RoomId")?;
    let (index, account) = (b.i64("Index")?, b.str("Member_Account")?);
    if index < 0 {
        return Err(crate::error::ApiError::bad_param(
            "Index must not be negative",
        ));
    }
    state.room_mut(&room_id)?.pick(ctx, &account, index)?;
    Ok(None)
}

pub fn kick_user_off_seat(state: &mut State, ctx: &mut Ctx, body: &Value) -> Outcome {
    let b = Body::new(body)?;
    let room_id = b.str("RoomId")?;
    let account = b.str("Member_Account")?;
    // `Data` is documented as required but third-party clients omit it; the
    // service's tolerance is unknown, so accept both.
    let _data = b.opt_str("Data")?;
    state.room_mut(&room_id)?.kick_off_seat(ctx, &account)?;
    Ok(None)
}

pub fn lock_seat(state: &mut State, ctx: &mut Ctx, body: &Value) -> Outcome {
    let b = Body::new(body)?;
    let room_id = b.str("RoomId")?;
    let index = b.i64("Index")?;
    let (taken, video, audio) = (
        b.opt_bool("ForbidTaken")?,
        b.opt_bool("ForbidVideo")?,
        b.opt_bool("ForbidAudio")?,
    );
    state
        .room_mut(&room_id)?
        .lock_seat(ctx, index, taken, video, audio)?;
    Ok(None)
}

pub fn switch_seat(state: &mut State, ctx: &mut Ctx, body: &Value) -> Outcome {
    let b = Body::new(body)?;
    let room_id = b.str("RoomId")?;
    let (to, account) = (b.i64("ToIndex")?, b.str("Member_Account")?);
    state.room_mut(&room_id)?.switch_seat(ctx, &account, to)?;
    Ok(None)
}

pub fn move_user_to_seat(state: &mut State, ctx: &mut Ctx, body: &Value) -> Outcome {
    let b = Body::new(body)?;
    let room_id = b.str("RoomId")?;
    let (to, account) = (b.i64("SeatIndex")?, b.str("Member_Account")?);
    let policy = MovePolicy::from_wire(b.i64("Policy")?)?;
    state
        .room_mut(&room_id)?
        .move_to_seat(ctx, &account, to, policy)?;
    Ok(None)
}
