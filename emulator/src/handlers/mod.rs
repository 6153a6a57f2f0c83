//! Hand-written command handlers, one module per service.
//!
//! A handler reads the request body, applies it to the [`State`] and returns
//! the payload (placed under `Response` or at the top level by the server,
//! following the command's catalog entry).

mod accounts;
mod body;
mod config;
mod mic;
mod srv;

use serde_json::Value;

use crate::error::ApiError;
use crate::state::{Ctx, State};

/// What a handler returns: the payload object, if the command has one.
pub type Outcome = Result<Option<Value>, ApiError>;

/// A command handler.
pub type Handler = fn(&mut State, &mut Ctx, &Value) -> Outcome;

/// Parses `body` as the SDK's generated request type of `service/command`
/// (the same lenient parsing as the SDK: flexible booleans and integer
/// enums, unknown fields ignored) and applies its documented limits. Any
/// failure is a 100002 naming the field. Commands without a typed request
/// pass unchecked: the account commands (`im_open_login_svc`, `openim`) check
/// their bodies in their handlers, because a bad user ID in a batch is a
/// per-account failure there, not a refusal of the call.
pub fn check_typed(service: &str, command: &str, body: &Value) -> Result<(), ApiError> {
    use trtc_room::Validate;
    fn check<C: serde::de::DeserializeOwned + Validate>(body: &Value) -> Result<(), ApiError> {
        let request: C = serde_json::from_value(body.clone())
            .map_err(|e| ApiError::bad_param(format!("invalid request body: {e}")))?;
        request
            .validate()
            .map_err(|e| ApiError::bad_param(e.to_string()))
    }
    macro_rules! typed {
        ($($svc:literal / $cmd:literal => $ty:ident,)*) => {
            match (service, command) {
                $(($svc, $cmd) => check::<trtc_room::$ty>(body),)*
                _ => Ok(()),
            }
        };
    }
    typed! {
        "room_engine_http_srv" / "create_room" => CreateRoom,
        "room_engine_http_srv" / "destroy_room" => DestroyRoom,
        "room_engine_http_srv" / "update_room_info" => UpdateRoomInfo,
        "room_engine_http_srv" / "get_room_info" => GetRoomInfo,
        "room_engine_http_srv" / "get_room_member_list" => GetRoomMemberList,
        "room_engine_http_srv" / "update_room_member_info" => UpdateRoomMemberInfo,
        "room_engine_http_srv" / "change_room_owner" => ChangeRoomOwner,
        "room_engine_http_srv" / "mark_room_member" => MarkRoomMember,
        "room_engine_http_srv" / "ban_room_member" => BanRoomMember,
        "room_engine_http_srv" / "unban_room_member" => UnbanRoomMember,
        "room_engine_http_srv" / "get_banned_member_list" => GetBannedMemberList,
        "room_engine_http_srv" / "kick_user_out" => KickUserOut,
        "room_engine_http_mic" / "get_seat_list" => GetSeatList,
        "room_engine_http_mic" / "pick_user_on_seat" => PickUserOnSeat,
        "room_engine_http_mic" / "kick_user_off_seat" => KickUserOffSeat,
        "room_engine_http_mic" / "lock_seat" => LockSeat,
        "room_engine_http_mic" / "switch_seat" => SwitchSeat,
        "room_engine_http_mic" / "move_user_to_seat" => MoveUserToSeat,
        "room_config" / "set_callback" => SetCallback,
        "room_config" / "update_callback" => UpdateCallback,
        "room_config" / "get_callback" => GetCallback,
        "room_config" / "delete_callback" => DeleteCallback,
    }
}

/// The handler of `service/command`, if this emulator implements it.
pub fn handler(service: &str, command: &str) -> Option<Handler> {
    let h: Handler = match (service, command) {
        ("room_engine_http_srv", "create_room") => srv::create_room,
        ("room_engine_http_srv", "destroy_room") => srv::destroy_room,
        ("room_engine_http_srv", "update_room_info") => srv::update_room_info,
        ("room_engine_http_srv", "get_room_info") => srv::get_room_info,
        ("room_engine_http_srv", "get_room_member_list") => srv::get_room_member_list,
        ("room_engine_http_srv", "update_room_member_info") => srv::update_room_member_info,
        ("room_engine_http_srv", "change_room_owner") => srv::change_room_owner,
        ("room_engine_http_srv", "mark_room_member") => srv::mark_room_member,
        ("room_engine_http_srv", "ban_room_member") => srv::ban_room_member,
        ("room_engine_http_srv", "unban_room_member") => srv::unban_room_member,
        ("room_engine_http_srv", "get_banned_member_list") => srv::get_banned_member_list,
        ("room_engine_http_srv", "kick_user_out") => srv::kick_user_out,
        ("room_engine_http_mic", "get_seat_list") => mic::get_seat_list,
        ("room_engine_http_mic", "pick_user_on_seat") => mic::pick_user_on_seat,
        ("room_engine_http_mic", "kick_user_off_seat") => mic::kick_user_off_seat,
        ("room_engine_http_mic", "lock_seat") => mic::lock_seat,
        ("room_engine_http_mic", "switch_seat") => mic::switch_seat,
        ("room_engine_http_mic", "move_user_to_seat") => mic::move_user_to_seat,
        ("room_config", "set_callback") => config::set_callback,
        ("room_config", "update_callback") => config::update_callback,
        ("room_config", "get_callback") => config::get_callback,
        ("room_config", "delete_callback") => config::delete_callback,
        ("im_open_login_svc", "account_import") => accounts::account_import,
        ("im_open_login_svc", "multiaccount_import") => accounts::multiaccount_import,
        ("im_open_login_svc", "account_delete") => accounts::account_delete,
        ("im_open_login_svc", "account_check") => accounts::account_check,
        ("im_open_login_svc", "kick") => accounts::kick,
        ("openim", "query_online_status") => accounts::query_online_status,
        _ => return None,
    };
    Some(h)
}
