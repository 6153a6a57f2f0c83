//! `room_engine_http_srv`: rooms and members.

use trtc_room::{
    BanRoomMember, BanRoomMemberResponse, ChangeRoomOwner, ChangeRoomOwnerResponse, CreateRoom,
    CreateRoomResponse, DestroyRoom, DestroyRoomResponse, GetBannedMemberList,
    GetBannedMemberListResponse, GetRoomInfo, GetRoomInfoResponse, GetRoomMemberList,
    GetRoomMemberListResponse, KickUserOut, KickUserOutResponse, MarkCommandType, MarkRoomMember,
    MarkRoomMemberResponse, UnbanRoomMember, UnbanRoomMemberResponse, UpdateRoomInfo,
    UpdateRoomInfoResponse, UpdateRoomMemberInfo, UpdateRoomMemberInfoResponse,
};

use crate::error::ApiError;
use crate::state::{Ctx, State};

pub fn create_room(
    state: &mut State,
    ctx: &mut Ctx,
    req: CreateRoom,
) -> Result<CreateRoomResponse, ApiError> {
    let invitees = req.schedule_invitee_list_account.unwrap_or_default();
    state.create_room(ctx, req.room_info, invitees)?;
    Ok(CreateRoomResponse::new())
}

pub fn destroy_room(
    state: &mut State,
    ctx: &mut Ctx,
    req: DestroyRoom,
) -> Result<DestroyRoomResponse, ApiError> {
    state.destroy_room(ctx, &req.room_id)?;
    Ok(DestroyRoomResponse::new())
}

pub fn update_room_info(
    state: &mut State,
    ctx: &mut Ctx,
    req: UpdateRoomInfo,
) -> Result<UpdateRoomInfoResponse, ApiError> {
    let cap = state.package_max_members;
    state
        .room_mut(&req.room_info.room_id)?
        .update(ctx, req.room_info, cap)?;
    Ok(UpdateRoomInfoResponse::new())
}

pub fn get_room_info(
    state: &mut State,
    _ctx: &mut Ctx,
    req: GetRoomInfo,
) -> Result<GetRoomInfoResponse, ApiError> {
    let room = state.room(&req.room_id)?;
    Ok(GetRoomInfoResponse::new(room.details(true)))
}

pub fn get_room_member_list(
    state: &mut State,
    _ctx: &mut Ctx,
    req: GetRoomMemberList,
) -> Result<GetRoomMemberListResponse, ApiError> {
    let room = state.room(&req.room_id)?;
    let page = room.member_page(req.count, req.next.as_deref())?;
    Ok(GetRoomMemberListResponse::new()
        .next(page.next)
        .member_list(page.members))
}

pub fn update_room_member_info(
    state: &mut State,
    _ctx: &mut Ctx,
    req: UpdateRoomMemberInfo,
) -> Result<UpdateRoomMemberInfoResponse, ApiError> {
    let info = req.member_info;
    state.room_mut(&req.room_id)?.update_member(
        &info.member_account,
        info.name_card,
        info.role,
        info.custom_info,
    )?;
    Ok(UpdateRoomMemberInfoResponse::new())
}

pub fn change_room_owner(
    state: &mut State,
    _ctx: &mut Ctx,
    req: ChangeRoomOwner,
) -> Result<ChangeRoomOwnerResponse, ApiError> {
    state
        .room_mut(&req.room_id)?
        .change_owner(&req.from_account, &req.new_owner_account)?;
    Ok(ChangeRoomOwnerResponse::new())
}

pub fn mark_room_member(
    state: &mut State,
    _ctx: &mut Ctx,
    req: MarkRoomMember,
) -> Result<MarkRoomMemberResponse, ApiError> {
    let set = match req.command_type {
        MarkCommandType::Set => true,
        MarkCommandType::Delete => false,
        other => {
            return Err(ApiError::bad_param(format!(
                "CommandType {other} is not 1 (set) or 2 (delete)"
            )))
        }
    };
    state.room_mut(&req.room_id)?.mark(set, &req.member_list)?;
    Ok(MarkRoomMemberResponse::new())
}

pub fn ban_room_member(
    state: &mut State,
    ctx: &mut Ctx,
    req: BanRoomMember,
) -> Result<BanRoomMemberResponse, ApiError> {
    state
        .room_mut(&req.room_id)?
        .ban(ctx, &req.member_list_account, &req.reason, req.duration)?;
    Ok(BanRoomMemberResponse::new())
}

pub fn unban_room_member(
    state: &mut State,
    ctx: &mut Ctx,
    req: UnbanRoomMember,
) -> Result<UnbanRoomMemberResponse, ApiError> {
    state
        .room_mut(&req.room_id)?
        .unban(ctx, &req.member_list_account)?;
    Ok(UnbanRoomMemberResponse::new())
}

pub fn get_banned_member_list(
    state: &mut State,
    ctx: &mut Ctx,
    req: GetBannedMemberList,
) -> Result<GetBannedMemberListResponse, ApiError> {
    let page = state
        .room_mut(&req.room_id)?
        .banned_page(ctx.now, req.limit, req.offset)?;
    Ok(GetBannedMemberListResponse::new()
        .banned_account_list(page.banned)
        .next_offset(page.next_offset))
}

pub fn kick_user_out(
    state: &mut State,
    ctx: &mut Ctx,
    req: KickUserOut,
) -> Result<KickUserOutResponse, ApiError> {
    state
        .room_mut(&req.room_id)?
        .kick(ctx, &req.member_list_account, &req.reason)?;
    Ok(KickUserOutResponse::new())
}
