//! The Chat commands beside rooms: `group_open_http_svc` (the groups behind
//! rooms, messages to them) and `profile` (user profiles). They answer the
//! Chat services' own codes.

use trtc_room::{
    ChatGroupIdItem, GetAppidGroupList, GetAppidGroupListResponse, PortraitGet,
    PortraitGetResponse, PortraitSet, PortraitSetResponse, ProfileItem, SendGroupMsg,
    SendGroupMsgResponse, UserProfile,
};

use crate::error::{codes, ApiError};
use crate::state::live::MessageBody;
use crate::state::{Ctx, State};

/// Most users per `portrait_get`.
const MAX_PORTRAIT_USERS: usize = 100;

pub fn get_appid_group_list(
    state: &mut State,
    _ctx: &mut Ctx,
    req: GetAppidGroupList,
) -> Result<GetAppidGroupListResponse, ApiError> {
    let page = state.groups.page(
        req.next.unwrap_or(0),
        req.limit,
        req.group_type.as_ref().map(|t| t.as_str()),
    )?;
    let mut out = GetAppidGroupListResponse::new();
    out.total_count = Some(page.total_count);
    out.group_id_list = Some(
        page.group_ids
            .into_iter()
            .map(ChatGroupIdItem::new)
            .collect(),
    );
    out.next = Some(page.next);
    Ok(out)
}

/// To a live room's group: recorded with the room's messages (10017 when
/// the sender is muted there). To a Room room's group: accepted, not kept.
pub fn send_group_msg(
    state: &mut State,
    ctx: &mut Ctx,
    req: SendGroupMsg,
) -> Result<SendGroupMsgResponse, ApiError> {
    if !state.groups.contains(&req.group_id) {
        return Err(ApiError::new(
            codes::IM_GROUP_NOT_FOUND,
            format!("group {:?} does not exist", req.group_id),
        ));
    }
    if req.msg_body.is_empty() {
        return Err(ApiError::new(codes::IM_BAD_PARAM, "MsgBody is empty"));
    }
    let sender = req
        .from_account
        .clone()
        .unwrap_or_else(|| ctx.operator.clone());
    let mut out = SendGroupMsgResponse::new();
    out.msg_time = i64::try_from(ctx.now).ok();
    if let Ok(room) = state.live.room(&req.group_id) {
        if room.is_muted(&sender, ctx.now) {
            return Err(ApiError::new(
                codes::IM_SENDER_MUTED,
                format!("{sender:?} is muted in group {:?}", req.group_id),
            ));
        }
        let body = MessageBody::Chat {
            body: serde_json::to_value(&req.msg_body).unwrap_or_default(),
            cloud_custom_data: req.cloud_custom_data.clone(),
        };
        let sent = state
            .live
            .send_message(ctx, &req.group_id, Some(&sender), body)
            .map_err(|e| ApiError::new(codes::IM_BAD_PARAM, e.info))?;
        out.msg_seq = Some(sent.seq);
    } else {
        out.msg_seq = Some(state.groups.next_msg_seq(&req.group_id));
    }
    Ok(out)
}

fn check_tag(tag: &str) -> Result<(), ApiError> {
    if tag.starts_with("Tag_Profile_IM_") || tag.starts_with("Tag_Profile_Custom_") {
        return Ok(());
    }
    Err(ApiError::new(
        codes::PROFILE_BAD_PARAM,
        format!("profile tag {tag:?} is neither Tag_Profile_IM_* nor Tag_Profile_Custom_*"),
    ))
}

/// Whether `account` may have a profile: always, unless accounts must be
/// imported.
fn known(state: &State, account: &str) -> bool {
    !state.require_imported_accounts || state.account_exists(account)
}

pub fn portrait_set(
    state: &mut State,
    _ctx: &mut Ctx,
    req: PortraitSet,
) -> Result<PortraitSetResponse, ApiError> {
    if req.from_account.is_empty() || req.profile_item.is_empty() {
        return Err(ApiError::new(
            codes::PROFILE_BAD_PARAM,
            "From_Account and ProfileItem are required",
        ));
    }
    req.profile_item
        .iter()
        .try_for_each(|i| check_tag(&i.tag))?;
    if !known(state, &req.from_account) {
        return Err(ApiError::new(
            codes::PROFILE_NO_ACCOUNT,
            format!("account {:?} does not exist", req.from_account),
        ));
    }
    state.profiles.set(
        &req.from_account,
        req.profile_item.into_iter().map(|i| (i.tag, i.value)),
    );
    Ok(PortraitSetResponse::new())
}

pub fn portrait_get(
    state: &mut State,
    _ctx: &mut Ctx,
    req: PortraitGet,
) -> Result<PortraitGetResponse, ApiError> {
    if req.to_account.is_empty() || req.to_account.len() > MAX_PORTRAIT_USERS {
        return Err(ApiError::new(
            codes::PROFILE_BAD_PARAM,
            format!("To_Account must have 1..={MAX_PORTRAIT_USERS} users"),
        ));
    }
    if req.tag_list.is_empty() {
        return Err(ApiError::new(codes::PROFILE_BAD_PARAM, "TagList is empty"));
    }
    req.tag_list.iter().try_for_each(|t| check_tag(t))?;
    let items = req.to_account.iter().map(|account| {
        if !known(state, account) {
            return UserProfile::new(account, codes::PROFILE_NO_ACCOUNT)
                .result_info("the account does not exist");
        }
        let values = state.profiles.get(account, &req.tag_list);
        UserProfile::new(account, 0)
            .profile_item(values.into_iter().map(|(t, v)| ProfileItem::new(t, v)))
            .result_info("")
    });
    Ok(PortraitGetResponse::new().user_profile_item(items.collect::<Vec<_>>()))
}
