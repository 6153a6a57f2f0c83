//! `live_engine_http_srv`: Live rooms, metadata, members and moderation,
//! robots, messages, statistics and gifts.

use serde_json::Value;
use trtc_room::{
    LiveAddRobot, LiveAddRobotResponse, LiveAdminOpType, LiveBanMember, LiveBanMemberResponse,
    LiveBannedMember, LiveChangeRoomOwner, LiveChangeRoomOwnerResponse, LiveCreateRoom,
    LiveCreateRoomResponse, LiveDelRobot, LiveDelRobotResponse, LiveDelRoomMetadata,
    LiveDelRoomMetadataResponse, LiveDestroyRoom, LiveDestroyRoomResponse, LiveGetAdminList,
    LiveGetAdminListResponse, LiveGetBannedMemberList, LiveGetBannedMemberListResponse,
    LiveGetGiftCount, LiveGetGiftCountResponse, LiveGetMemberList, LiveGetMemberListResponse,
    LiveGetMutedMemberList, LiveGetMutedMemberListResponse, LiveGetRobot, LiveGetRobotResponse,
    LiveGetRoomInfo, LiveGetRoomInfoResponse, LiveGetRoomList, LiveGetRoomListResponse,
    LiveGetRoomMetadata, LiveGetRoomMetadataResponse, LiveGetRoomStatistic,
    LiveGetRoomStatisticResponse, LiveGetRoomStats, LiveGetRoomStatsResponse, LiveMember,
    LiveMetadata, LiveModifyAdmin, LiveModifyAdminResponse, LiveMuteMember, LiveMuteMemberResponse,
    LiveMutedMember, LiveRoomDetails, LiveRoomSummary, LiveRoomType, LiveSendCustomMsg,
    LiveSendCustomMsgResponse, LiveSendGift, LiveSendGiftResponse, LiveSendTextMsg,
    LiveSendTextMsgResponse, LiveSetRoomMetadata, LiveSetRoomMetadataResponse, LiveSortDirection,
    LiveUnbanMember, LiveUnbanMemberResponse, LiveUpdateRoomInfo, LiveUpdateRoomInfoResponse,
    SeatTemplate, TakeSeatMode,
};

use crate::error::{codes, ApiError};
use crate::state::live::{
    AdminOp, LiveRoom, LiveRoomSpec, LiveRoomUpdate, MessageBody, SentMessage,
};
use crate::state::{Ctx, State};

/// The profile tag of a nickname.
const NICK_TAG: &str = "Tag_Profile_IM_Nick";
/// The profile tag of an avatar URL.
const IMAGE_TAG: &str = "Tag_Profile_IM_Image";

fn time(secs: u64) -> i64 {
    i64::try_from(secs).unwrap_or(i64::MAX)
}

/// A unix time of a request (negative: 100002).
fn request_time(field: &str, value: Option<i64>) -> Result<Option<u64>, ApiError> {
    value
        .map(|v| {
            u64::try_from(v)
                .map_err(|_| ApiError::bad_param(format!("{field} must not be negative")))
        })
        .transpose()
}

pub fn create_room(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveCreateRoom,
) -> Result<LiveCreateRoomResponse, ApiError> {
    let info = req.room_info;
    let spec = LiveRoomSpec {
        room_id: info.room_id,
        room_type: info.room_type.as_str().to_owned(),
        owner: info.owner_account,
        name: info.room_name,
        cover_url: info.cover_url,
        background_url: info.background_url,
        category: info.category.unwrap_or_default(),
        custom_info: None,
        activity_status: info.activity_status,
        is_public_visible: info.is_public_visible,
        is_message_disabled: info.is_message_disabled,
        is_seat_enabled: info.is_seat_enabled,
        take_seat_mode: info.take_seat_mode.map(|m| m.as_str().to_owned()),
        max_seat_count: info.max_seat_count,
        max_member_count: info.max_member_count,
        is_unlimited_room_enabled: info.is_unlimited_room_enabled,
        seat_template: info.seat_template.map(|t| t.as_str().to_owned()),
    };
    state.live_create_room(ctx, spec)?;
    Ok(LiveCreateRoomResponse::new())
}

pub fn destroy_room(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveDestroyRoom,
) -> Result<LiveDestroyRoomResponse, ApiError> {
    state.live_destroy_room(ctx, &req.room_id)?;
    Ok(LiveDestroyRoomResponse::new())
}

pub fn update_room_info(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveUpdateRoomInfo,
) -> Result<LiveUpdateRoomInfoResponse, ApiError> {
    let info = req.room_info;
    let update = LiveRoomUpdate {
        name: info.room_name,
        cover_url: info.cover_url,
        background_url: None,
        category: info.category,
        custom_info: None,
        activity_status: info.activity_status,
        is_public_visible: info.is_public_visible,
        is_message_disabled: info.is_message_disabled,
        take_seat_mode: info.take_seat_mode.map(|m| m.as_str().to_owned()),
        max_member_count: info.max_member_count,
        notice: info.notice,
        is_unlimited_room_enabled: info.is_unlimited_room_enabled,
    };
    let cap = state.package_max_members;
    state.live.update_room(ctx, &info.room_id, update, cap)?;
    Ok(LiveUpdateRoomInfoResponse::new())
}

fn profile_text(state: &State, account: &str, tag: &str) -> Option<String> {
    state
        .profiles
        .get(account, &[tag.to_owned()])
        .into_iter()
        .find_map(|(_, v)| v.as_str().map(str::to_owned))
}

fn details(state: &State, room: &LiveRoom) -> LiveRoomDetails {
    let mut d = LiveRoomDetails::new(&room.id);
    d.room_name = Some(room.name.clone());
    d.room_type = Some(LiveRoomType::Live);
    d.owner_account = Some(room.owner.clone());
    d.create_time = Some(time(room.create_time));
    d.is_seat_enabled = Some(room.is_seat_enabled);
    d.take_seat_mode = Some(TakeSeatMode::from_wire(&room.take_seat_mode));
    if !room.seat_template.is_empty() {
        d.seat_template = Some(SeatTemplate::from_wire(&room.seat_template));
    }
    d.max_seat_count = Some(u64::from(room.max_seat_count));
    d.max_member_count = Some(u64::from(room.max_member_count));
    d.is_message_disabled = Some(room.is_message_disabled);
    d.cover_url = Some(room.cover_url.clone());
    d.category = Some(room.category.clone());
    d.activity_status = Some(room.activity_status);
    d.view_count = Some(room.view_count);
    d.is_public_visible = Some(room.is_public_visible);
    d.is_unlimited_room_enabled = Some(room.is_unlimited_room_enabled);
    d.online_count = Some(room.online.len() as u64);
    d.member_count = Some(room.online.len() as u64);
    d.owner_name = profile_text(state, &room.owner, NICK_TAG);
    d.owner_avatar_url = profile_text(state, &room.owner, IMAGE_TAG);
    if !room.custom_info.is_empty() {
        d.custom_info = Some(Value::String(room.custom_info.clone()));
    }
    d
}

pub fn get_room_info(
    state: &mut State,
    _ctx: &mut Ctx,
    req: LiveGetRoomInfo,
) -> Result<LiveGetRoomInfoResponse, ApiError> {
    let room = state.live.room(&req.room_id)?;
    Ok(LiveGetRoomInfoResponse::new(details(state, room)))
}

pub fn get_room_list(
    state: &mut State,
    _ctx: &mut Ctx,
    req: LiveGetRoomList,
) -> Result<LiveGetRoomListResponse, ApiError> {
    let ascending = match req.sort_direction {
        None | Some(LiveSortDirection::Descend) => false,
        Some(LiveSortDirection::Ascend) => true,
        Some(other) => {
            return Err(ApiError::bad_param(format!(
                "SortDirection {:?} is not descend or ascend",
                other.as_str()
            )))
        }
    };
    let page = state.live.room_page(&req.next, req.count, ascending)?;
    let rooms = page.rooms.iter().map(|room| {
        let mut s = LiveRoomSummary::new(&room.id);
        s.room_name = Some(room.name.clone());
        s.owner_account = Some(room.owner.clone());
        s.cover_url = Some(room.cover_url.clone());
        s.category = Some(room.category.clone());
        s.create_time = Some(time(room.create_time));
        s.activity_status = Some(room.activity_status);
        s.view_count = Some(room.view_count);
        s
    });
    let mut out = LiveGetRoomListResponse::new();
    out.room_list = Some(rooms.collect());
    out.next = Some(page.next);
    Ok(out)
}

pub fn set_room_metadata(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveSetRoomMetadata,
) -> Result<LiveSetRoomMetadataResponse, ApiError> {
    let pairs: Vec<(String, String)> = req.metadata.into_iter().map(|m| (m.key, m.value)).collect();
    state.live.set_metadata(ctx, &req.room_id, &pairs)?;
    Ok(LiveSetRoomMetadataResponse::new())
}

pub fn get_room_metadata(
    state: &mut State,
    _ctx: &mut Ctx,
    req: LiveGetRoomMetadata,
) -> Result<LiveGetRoomMetadataResponse, ApiError> {
    let pairs = state.live.metadata(&req.room_id, &req.keys)?;
    let mut out = LiveGetRoomMetadataResponse::new();
    out.metadata = Some(
        pairs
            .into_iter()
            .map(|(k, v)| LiveMetadata::new(k, v))
            .collect(),
    );
    Ok(out)
}

pub fn del_room_metadata(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveDelRoomMetadata,
) -> Result<LiveDelRoomMetadataResponse, ApiError> {
    state.live.del_metadata(ctx, &req.room_id, &req.keys)?;
    Ok(LiveDelRoomMetadataResponse::new())
}

pub fn get_member_list(
    state: &mut State,
    _ctx: &mut Ctx,
    req: LiveGetMemberList,
) -> Result<LiveGetMemberListResponse, ApiError> {
    let page = state.live.member_page(&req.room_id, &req.next)?;
    let mut out = LiveGetMemberListResponse::new();
    out.next = Some(page.next);
    out.member_count = Some(page.member_count);
    out.member_list = Some(
        page.members
            .iter()
            .map(|m| LiveMember::new(&m.account))
            .collect(),
    );
    Ok(out)
}

pub fn get_admin_list(
    state: &mut State,
    _ctx: &mut Ctx,
    req: LiveGetAdminList,
) -> Result<LiveGetAdminListResponse, ApiError> {
    let mut out = LiveGetAdminListResponse::new();
    out.admin_account = Some(state.live.admins(&req.room_id)?.to_vec());
    Ok(out)
}

pub fn modify_admin(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveModifyAdmin,
) -> Result<LiveModifyAdminResponse, ApiError> {
    let op = match req.op_type {
        LiveAdminOpType::Add => AdminOp::Add,
        LiveAdminOpType::Delete => AdminOp::Delete,
        other => AdminOp::parse(other.as_str())?,
    };
    state
        .live
        .modify_admin(ctx, &req.room_id, op, &req.admin_account)?;
    Ok(LiveModifyAdminResponse::new())
}

pub fn ban_member(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveBanMember,
) -> Result<LiveBanMemberResponse, ApiError> {
    let reason = req.reason.unwrap_or_default();
    state.live.ban(
        ctx,
        &req.room_id,
        &req.member_list_account,
        req.duration,
        &reason,
    )?;
    Ok(LiveBanMemberResponse::new())
}

pub fn unban_member(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveUnbanMember,
) -> Result<LiveUnbanMemberResponse, ApiError> {
    state
        .live
        .unban(ctx, &req.room_id, &req.member_list_account)?;
    Ok(LiveUnbanMemberResponse::new())
}

pub fn get_banned_member_list(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveGetBannedMemberList,
) -> Result<LiveGetBannedMemberListResponse, ApiError> {
    let (bans, next) =
        state
            .live
            .banned_page(ctx.now, &req.room_id, req.offset.unwrap_or(0), req.limit)?;
    let mut out = LiveGetBannedMemberListResponse::new();
    out.banned_account_list = Some(
        bans.into_iter()
            .map(|b| {
                let mut m = LiveBannedMember::new(b.account);
                m.banned_until = Some(time(b.until));
                m.reason = Some(b.reason);
                m
            })
            .collect(),
    );
    out.next_offset = Some(next);
    Ok(out)
}

pub fn mute_member(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveMuteMember,
) -> Result<LiveMuteMemberResponse, ApiError> {
    state
        .live
        .mute(ctx, &req.room_id, &req.member_list_account, req.mute_time)?;
    Ok(LiveMuteMemberResponse::new())
}

/// The docs define no paging; `Offset` / `Limit` (sent by Tencent's console)
/// slice the list when given.
pub fn get_muted_member_list(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveGetMutedMemberList,
) -> Result<LiveGetMutedMemberListResponse, ApiError> {
    let muted = state.live.muted(ctx.now, &req.room_id)?;
    let skip = usize::try_from(req.offset.unwrap_or(0)).unwrap_or(usize::MAX);
    let take = match req.limit {
        None | Some(0) => usize::MAX,
        Some(l) => l as usize,
    };
    let mut out = LiveGetMutedMemberListResponse::new();
    out.muted_account_list = Some(
        muted
            .into_iter()
            .skip(skip)
            .take(take)
            .map(|m| {
                let mut item = LiveMutedMember::new(m.account);
                item.muted_until = Some(time(m.until));
                item
            })
            .collect(),
    );
    Ok(out)
}

pub fn change_room_owner(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveChangeRoomOwner,
) -> Result<LiveChangeRoomOwnerResponse, ApiError> {
    state
        .live
        .change_owner(ctx, &req.room_id, &req.new_owner_account)?;
    Ok(LiveChangeRoomOwnerResponse::new())
}

pub fn add_robot(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveAddRobot,
) -> Result<LiveAddRobotResponse, ApiError> {
    state.live_add_robot(ctx, &req.room_id, &req.robot_list_account)?;
    Ok(LiveAddRobotResponse::new())
}

pub fn get_robot(
    state: &mut State,
    _ctx: &mut Ctx,
    req: LiveGetRobot,
) -> Result<LiveGetRobotResponse, ApiError> {
    let mut out = LiveGetRobotResponse::new();
    out.robot_list_account = Some(state.live.robots(&req.room_id)?.to_vec());
    Ok(out)
}

pub fn del_robot(
    state: &mut State,
    _ctx: &mut Ctx,
    req: LiveDelRobot,
) -> Result<LiveDelRobotResponse, ApiError> {
    state
        .live
        .del_robots(&req.room_id, &req.robot_list_account)?;
    Ok(LiveDelRobotResponse::new())
}

fn sent(sent: SentMessage) -> (Option<i64>, Option<u64>) {
    (Some(time(sent.time)), Some(sent.seq))
}

pub fn send_text_msg(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveSendTextMsg,
) -> Result<LiveSendTextMsgResponse, ApiError> {
    let body = MessageBody::Text {
        text: req.text_content,
        extension: req.extension_info,
    };
    let done = state
        .live
        .send_message(ctx, &req.room_id, Some(&req.sender_account), body)?;
    let mut out = LiveSendTextMsgResponse::new();
    (out.msg_time, out.msg_seq) = sent(done);
    Ok(out)
}

pub fn send_custom_msg(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveSendCustomMsg,
) -> Result<LiveSendCustomMsgResponse, ApiError> {
    let body = MessageBody::Custom {
        business_id: req.business_id,
        data: req.data,
    };
    let done = state
        .live
        .send_message(ctx, &req.room_id, req.sender_account.as_deref(), body)?;
    let mut out = LiveSendCustomMsgResponse::new();
    (out.msg_time, out.msg_seq) = sent(done);
    Ok(out)
}

pub fn get_room_stats(
    state: &mut State,
    _ctx: &mut Ctx,
    req: LiveGetRoomStats,
) -> Result<LiveGetRoomStatsResponse, ApiError> {
    stats_answer(state, &req.room_id)
}

/// The name Tencent's console calls (`get_room_statistic`): same figures.
pub fn get_room_statistic(
    state: &mut State,
    _ctx: &mut Ctx,
    req: LiveGetRoomStatistic,
) -> Result<LiveGetRoomStatisticResponse, ApiError> {
    stats_answer(state, &req.room_id)
}

/// A room's totals as either answer type (both carry the same fields).
fn stats_answer<T: serde::de::DeserializeOwned>(
    state: &State,
    room_id: &str,
) -> Result<T, ApiError> {
    let stats = state.live.room(room_id)?.stats();
    serde_json::to_value(stats)
        .and_then(serde_json::from_value)
        .map_err(|e| ApiError::new(codes::INTERNAL, format!("statistics not encodable: {e}")))
}

/// Validates and prices the gift of `req` (nothing recorded yet).
pub(super) fn check_gift(
    state: &State,
    ctx: &Ctx,
    req: &LiveSendGift,
) -> Result<crate::state::live::GiftEntry, ApiError> {
    state.live.check_gift(
        ctx,
        &req.room_id,
        &req.gift_id,
        &req.from_account,
        &req.receiver_list_account,
        req.count.map(u64::from),
    )
}

/// Validates and prices the gift, plays the app's before-callback answer
/// (control API `gift_decision`; allowed by default), and records an
/// allowed gift: `send_gift` without a before-callback receiver. The server
/// runs [`super::gift::send_gift`], which asks the configured receiver
/// instead when there is one.
pub fn send_gift(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveSendGift,
) -> Result<LiveSendGiftResponse, ApiError> {
    let gift = check_gift(state, ctx, &req)?;
    if let Some(refused) = state.live.gift_refusal() {
        return Err(refused);
    }
    state.live.record_gift(&req.room_id, gift)?;
    Ok(LiveSendGiftResponse::new())
}

/// `From_Account` is read as the receiver (Tencent's console passes the
/// room owner; the docs contradict each other).
pub fn get_gift_count(
    state: &mut State,
    _ctx: &mut Ctx,
    req: LiveGetGiftCount,
) -> Result<LiveGetGiftCountResponse, ApiError> {
    let start = request_time("StartTime", req.start_time)?;
    let end = request_time("EndTime", req.end_time)?;
    let count = state
        .live
        .gift_count(&req.room_id, &req.from_account, start, end)?;
    let mut out = LiveGetGiftCountResponse::new();
    out.sequence = Some(count.sequence);
    out.total_count = Some(count.total_count);
    out.total_coins = Some(count.total_coins);
    out.gift_sender_count = Some(count.sender_count);
    Ok(out)
}
