//! `room_engine_http_mic`: seats, of Room rooms and live rooms alike.

use trtc_room::{
    GetSeatList, GetSeatListResponse, KickUserOffSeat, KickUserOffSeatResponse, LockSeat,
    LockSeatResponse, MoveSeatPolicy, MoveUserToSeat, MoveUserToSeatResponse, PickUserOnSeat,
    PickUserOnSeatResponse, SwitchSeat, SwitchSeatResponse,
};

use crate::error::ApiError;
use crate::state::{Ctx, State};

pub fn get_seat_list(
    state: &mut State,
    _ctx: &mut Ctx,
    req: GetSeatList,
) -> Result<GetSeatListResponse, ApiError> {
    let list = state.seat_host(&req.room_id)?.seat_list();
    Ok(GetSeatListResponse::new().seat_list(list))
}

pub fn pick_user_on_seat(
    state: &mut State,
    ctx: &mut Ctx,
    req: PickUserOnSeat,
) -> Result<PickUserOnSeatResponse, ApiError> {
    state
        .seat_host_mut(&req.room_id)?
        .pick(ctx, &req.member_account, i64::from(req.index))?;
    Ok(PickUserOnSeatResponse::new())
}

pub fn kick_user_off_seat(
    state: &mut State,
    ctx: &mut Ctx,
    req: KickUserOffSeat,
) -> Result<KickUserOffSeatResponse, ApiError> {
    // `Data` goes to the client SDKs with the notification; the emulator has
    // no clients to notify.
    state
        .seat_host_mut(&req.room_id)?
        .kick_off_seat(ctx, &req.member_account)?;
    Ok(KickUserOffSeatResponse::new())
}

pub fn lock_seat(
    state: &mut State,
    ctx: &mut Ctx,
    req: LockSeat,
) -> Result<LockSeatResponse, ApiError> {
    state.seat_host_mut(&req.room_id)?.lock_seat(
        ctx,
        i64::from(req.index),
        req.forbid_taken,
        req.forbid_video,
        req.forbid_audio,
    )?;
    Ok(LockSeatResponse::new())
}

pub fn switch_seat(
    state: &mut State,
    ctx: &mut Ctx,
    req: SwitchSeat,
) -> Result<SwitchSeatResponse, ApiError> {
    state.seat_host_mut(&req.room_id)?.switch_seat(
        ctx,
        &req.member_account,
        i64::from(req.to_index),
    )?;
    Ok(SwitchSeatResponse::new())
}

pub fn move_user_to_seat(
    state: &mut State,
    ctx: &mut Ctx,
    req: MoveUserToSeat,
) -> Result<MoveUserToSeatResponse, ApiError> {
    if let MoveSeatPolicy::Unknown(other) = req.policy {
        return Err(ApiError::bad_param(format!(
            "Policy {other} is not 0, 1 or 2"
        )));
    }
    state.seat_host_mut(&req.room_id)?.move_to_seat(
        ctx,
        &req.member_account,
        i64::from(req.seat_index),
        req.policy,
    )?;
    Ok(MoveUserToSeatResponse::new())
}
