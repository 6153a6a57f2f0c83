//! `room_engine_http_srv`: rooms and members.

use serde_json::{json, Value};

use super::body::Body;
use super::Outcome;
use crate::state::{members::member_json, Ctx, NewRoom, RoomUpdate, State};

pub fn create_room(state: &mut State, ctx: &mut Ctx, body: &Value) -> Outcome {
    let b = Body::new(body)?;
    let info = b.object("RoomInfo")?;
    let new = NewRoom {
        room_id: info.str("RoomId")?,
        room_name: info.opt_str("RoomName")?,
        room_type: info.str("RoomType")?,
        owner: info.opt_str("Owner_Account")?,
        max_member_count: info.opt_u64("MaxMemberCount")?,
        schedule_start: info.opt_u64("ScheduleStartTime")?,
        schedule_end: info.opt_u64("ScheduleEndTime")?,
        video_disabled: info.opt_bool("IsVideoDisabled")?,
        audio_disabled: info.opt_bool("IsAudioDisabled")?,
        message_disabled: info.opt_bool("IsMessageDisabled")?,
        screen_sharing_disabled: info.opt_bool("IsScreenSharingDisabled")?,
        cloud_recording_disabled: info.opt_bool("IsCloudRecordingDisabled")?,
        custom_info: info.opt_str("CustomInfo")?,
        seat_enabled: info.opt_bool("IsSeatEnabled")?,
        max_seat_count: info.opt_u64("MaxSeatCount")?,
        take_seat_mode: info.opt_str("TakeSeatMode")?,
        password_enabled: info.opt_bool("IsPasswordEnabled")?,
        password: info.opt_str("Password")?,
        invitees: b
            .opt_str_list("ScheduleInviteeList_Account")?
            .unwrap_or_default(),
    };
    state.create_room(ctx, new)?;
    Ok(None)
}

pub fn destroy_room(state: &mut State, ctx: &mut Ctx, body: &Value) -> Outcome {
    let room_id = Body::new(body)?.str("RoomId")?;
    state.destroy_room(ctx, &room_id)?;
    Ok(None)
}

pub fn update_room_info(state: &mut State, ctx: &mut Ctx, body: &Value) -> Outcome {
    let b = Body::new(body)?;
    let info = b.object("RoomInfo")?;
    let room_id = info.str("RoomId")?;
    let update = RoomUpdate {
        room_name: info.opt_str("RoomName")?,
        max_member_count: info.opt_u64("MaxMemberCount")?,
        video_disabled: info.opt_bool("IsVideoDisabled")?,
        audio_disabled: info.opt_bool("IsAudioDisabled")?,
        message_disabled: info.opt_bool("IsMessageDisabled")?,
        screen_sharing_disabled: info.opt_bool("IsScreenSharingDisabled")?,
        cloud_recording_disabled: info.opt_bool("IsCloudRecordingDisabled")?,
        custom_info: info.opt_str("CustomInfo")?,
        take_seat_mode: info.opt_str("TakeSeatMode")?,
        password_enabled: info.opt_bool("IsPasswordEnabled")?,
        password: info.opt_str("Password")?,
    };
    let cap = state.package_max_members;
    state.room_mut(&room_id)?.update(ctx, update, cap)?;
    Ok(None)
}

pub fn get_room_info(state: &mut State, _ctx: &mut Ctx, body: &Value) -> Outcome {
    let room_id = Body::new(body)?.str("RoomId")?;
    let room = state.room(&room_id)?;
    Ok(Some(json!({"RoomInfo": room.info_json(true)})))
}

pub fn get_room_member_list(state: &mut State, _ctx: &mut Ctx, body: &Value) -> Outcome {
    let b = Body::new(body)?;
    let room = state.room(&b.str("RoomId")?)?;
    let page = room.member_page(b.opt_u64("Count")?, b.opt_str("Next")?.as_deref())?;
    let list: Vec<Value> = page.members.iter().map(member_json).collect();
    Ok(Some(json!({"Next": page.next, "MemberList": list})))
}

pub fn update_room_member_info(state: &mut State, _ctx: &mut Ctx, body: &Value) -> Outcome {
    let b = Body::new(body)?;
    let room_id = b.str("RoomId")?;
    let info = b.object("MemberInfo")?;
    let account = info.str("Member_Account")?;
    let (card, role, custom) = (
        info.opt_str("NameCard")?,
        info.opt_str("Role")?,
        info.opt_str("CustomInfo")?,
    );
    state
        .room_mut(&room_id)?
        .update_member(&account, card, role, custom)?;
    Ok(None)
}

pub fn change_room_owner(state: &mut State, _ctx: &mut Ctx, body: &Value) -> Outcome {
    let b = Body::new(body)?;
    let room_id = b.str("RoomId")?;
    let (from, to) = (b.str("From_Account")?, b.str("NewOwner_Account")?);
    state.room_mut(&room_id)?.change_owner(&from, &to)?;
    Ok(None)
}

pub fn mark_room_member(state: &mut State, _ctx: &mut Ctx, body: &Value) -> Outcome {
    let b = Body::new(body)?;
    let room_id = b.str("RoomId")?;
    let set = match b.i64("CommandType")? {
        1 => true,
        2 => false,
        other => {
            return Err(crate::error::ApiError::bad_param(format!(
                "CommandType {other} is not 1 (set) or 2 (delete)"
            )))
        }
    };
    let list = b
        .objects("MemberList")?
        .iter()
        .map(|m| Ok((m.str("Member_Account")?, m.u64_list("Marks")?)))
        .collect::<Result<Vec<_>, crate::error::ApiError>>()?;
    state.room_mut(&room_id)?.mark(set, &list)?;
    Ok(None)
}

pub fn ban_room_member(state: &mut State, ctx: &mut Ctx, body: &Value) -> Outcome {
    let b = Body::new(body)?;
    let room_id = b.str("RoomId")?;
    let accounts = b.str_list("MemberList_Account")?;
    let reason = b.str("Reason")?;
    let duration = b
        .opt_u64("Duration")?
        .ok_or_else(|| crate::error::ApiError::bad_param("Duration is required"))?;
    state
        .room_mut(&room_id)?
        .ban(ctx, &accounts, &reason, duration)?;
    Ok(None)
}

pub fn unban_room_member(state: &mut State, ctx: &mut Ctx, body: &Value) -> Outcome {
    let b = Body::new(body)?;
    let room_id = b.str("RoomId")?;
    let accounts = b.str_list("MemberList_Account")?;
    state.room_mut(&room_id)?.unban(ctx, &accounts)?;
    Ok(None)
}

pub fn get_banned_member_list(state: &mut State, ctx: &mut Ctx, body: &Value) -> Outcome {
    let b = Body::new(body)?;
    let room_id = b.str("RoomId")?;
    let (limit, offset) = (b.opt_u64("Limit")?, b.opt_u64("Offset")?);
    let page = state
        .room_mut(&room_id)?
        .banned_page(ctx.now, limit, offset)?;
    let list: Vec<Value> = page
        .banned
        .iter()
        .map(|(account, until)| json!({"Member_Account": account, "BannedUntil": until}))
        .collect();
    Ok(Some(
        json!({"BannedAccountList": list, "NextOffset": page.next_offset}),
    ))
}

pub fn kick_user_out(state: &mut State, ctx: &mut Ctx, body: &Value) -> Outcome {
    let b = Body::new(body)?;
    let room_id = b.str("RoomId")?;
    let accounts = b.str_list("MemberList_Account")?;
    let reason = b.str("Reason")?;
    state.room_mut(&room_id)?.kick(ctx, &accounts, &reason)?;
    Ok(None)
}
