//! Command handlers, one module per service.
//!
//! A handler is a plain function from the SDK's generated request type to
//! its generated response type: `fn(&mut State, &mut Ctx, CreateRoom) ->
//! Result<CreateRoomResponse, ApiError>`. [`typed`] (or [`lenient`]) wraps it
//! into a [`Handler`] that parses the JSON body straight into the request
//! type, checks it, and serializes the answer to JSON bytes; the server
//! places that payload under `Response` or at the top level, following the
//! command's catalog entry.
//! The routing table below lists each handler once: service and command
//! names come from the request type's `Command::INFO`.

mod accounts;
mod chat;
mod config;
pub(crate) mod gift;
mod live;
mod live_config;
mod live_pk;
mod mic;
mod sample;
mod srv;

use std::sync::LazyLock;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use trtc_room::{Command, CommandInfo};

use crate::error::{codes, ApiError};
use crate::state::{Ctx, State};

pub(crate) use sample::{sample_answer, SampleAnswer};

/// What a prepared call returns: the payload object, serialized.
pub type Outcome = Result<Vec<u8>, ApiError>;

/// A parsed, checked request, ready to run on the state (under its lock).
pub type Call = Box<dyn FnOnce(&mut State, &mut Ctx) -> Outcome + Send>;

/// A command handler: parses and checks the body (outside the state lock),
/// then returns the call to run.
pub type Handler = Box<dyn Fn(&[u8]) -> Result<Call, ApiError> + Send + Sync>;

/// A handler function over the generated types of command `C`.
type Typed<C> = fn(&mut State, &mut Ctx, C) -> Result<<C as Command>::Response, ApiError>;

/// One row of the routing table.
struct Route {
    info: &'static CommandInfo,
    handler: Handler,
}

/// `f` as a handler: the body must parse as `C` (the SDK's lenient parsing:
/// flexible booleans and integer enums, unknown fields ignored) and pass the
/// spec's limits (`Validate`); any failure is a 100002 naming the field.
fn typed<C>(f: Typed<C>) -> Route
where
    C: Command + DeserializeOwned + 'static,
    C::Response: Serialize,
{
    route(f, codes::BAD_PARAM, |request: &C| {
        request
            .validate()
            .map_err(|e| ApiError::bad_param(e.to_string()))
    })
}

/// `f` as a handler that checks the parsed request itself instead of the
/// spec's limits: for the Chat services, which answer their own codes
/// (`bad_body` when the body does not parse as `C`) and report a bad user ID
/// in a batch per account rather than refusing the call.
fn lenient<C>(f: Typed<C>, bad_body: i64) -> Route
where
    C: Command + DeserializeOwned + 'static,
    C::Response: Serialize,
{
    route(f, bad_body, |_: &C| Ok(()))
}

fn route<C>(f: Typed<C>, bad_body: i64, check: fn(&C) -> Result<(), ApiError>) -> Route
where
    C: Command + DeserializeOwned + 'static,
    C::Response: Serialize,
{
    let handler = move |body: &[u8]| -> Result<Call, ApiError> {
        let request = parse_body::<C>(body, bad_body)?;
        check(&request)?;
        let call = move |state: &mut State, ctx: &mut Ctx| {
            if C::INFO.service.starts_with("room_engine_http_")
                || C::INFO.service.starts_with("live_engine_http_")
            {
                require_named_accounts(state, &request)?;
            }
            let response = f(state, ctx, request)?;
            // Most answers fit; a larger one grows the buffer as usual.
            let mut out = Vec::with_capacity(512);
            serde_json::to_writer(&mut out, &response)
                .map(|()| out)
                .map_err(|e| ApiError::new(codes::INTERNAL, format!("answer not encodable: {e}")))
        };
        Ok(Box::new(call) as Call)
    };
    Route {
        info: C::INFO,
        handler: Box::new(handler),
    }
}

/// The body of command `C` parsed and checked as [`typed`] does (outside
/// the state lock), for the handlers that do not run in one piece under it.
pub(crate) fn parse_typed<C>(body: &[u8]) -> Result<C, ApiError>
where
    C: Command + DeserializeOwned,
{
    let request = parse_body::<C>(body, codes::BAD_PARAM)?;
    request
        .validate()
        .map_err(|e| ApiError::bad_param(e.to_string()))?;
    Ok(request)
}

/// The request body as a `C`.
///
/// A well-formed body parses in one pass, straight from the bytes. Anything
/// else goes through a JSON value, which tells the failures apart (not JSON:
/// 60003; not an object: 60003; not a `C`: `bad_body`) and accepts whole
/// numbers written as `5.0` (see [`whole_numbers_as_integers`]). Both paths
/// give the same request for every body the first one accepts.
fn parse_body<C: DeserializeOwned>(body: &[u8], bad_body: i64) -> Result<C, ApiError> {
    let object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if object {
        if let Ok(request) = serde_json::from_slice::<C>(body) {
            return Ok(request);
        }
    }
    let mut value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::new(codes::JSON_PARSE, format!("body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::new(
            codes::JSON_PARSE,
            "body must be a JSON object",
        ));
    }
    whole_numbers_as_integers(&mut value);
    C::deserialize(&value)
        .map_err(|e| ApiError::new(bad_body, format!("invalid request body: {e}")))
}

/// With `require_imported_accounts`, 70107 for the first user ID the request
/// names that does not exist.
///
/// The one place the emulator reads a request as JSON rather than through its
/// fields: the rule covers every user ID of every room command (the values of
/// the fields whose wire name ends in `_Account`, at any depth), which the
/// generated types do not mark. It walks the typed request serialized again,
/// so only fields of the spec count, with their values as parsed.
pub(crate) fn require_named_accounts(
    state: &State,
    request: &impl Serialize,
) -> Result<(), ApiError> {
    if !state.require_imported_accounts {
        return Ok(());
    }
    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(map) => {
                for (k, item) in map {
                    match item {
                        Value::String(s) if k.ends_with("_Account") => out.push(s),
                        Value::Array(list) if k.ends_with("_Account") => {
                            out.extend(list.iter().filter_map(Value::as_str));
                        }
                        other => walk(other, out),
                    }
                }
            }
            Value::Array(list) => list.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let value = serde_json::to_value(request).unwrap_or_default();
    let mut accounts = Vec::new();
    walk(&value, &mut accounts);
    accounts
        .into_iter()
        .try_for_each(|account| state.require_account(account))
}

/// Rewrites every number written with a fraction or exponent whose value is
/// a whole number that fits a 64-bit integer (`5.0`, `1e3`) as that integer,
/// in place.
///
/// JSON does not tell `5` from `5.0`, and the published JSON Schemas'
/// `integer` accepts both, so a client may send either; the typed requests
/// only take the first form. Other fractions and out-of-range values stay as
/// they are and are refused by the typed parsing.
pub fn whole_numbers_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(whole) = n.as_f64().and_then(whole_number) {
                *value = whole;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(map) => map.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// `f` as a JSON integer, if it is a whole number within `i64` or `u64`.
fn whole_number(f: f64) -> Option<Value> {
    // 2^63 and 2^64 are exact as f64; the casts below are exact inside these bounds.
    const I64_MIN: f64 = -9_223_372_036_854_775_808.0;
    const U64_END: f64 = 18_446_744_073_709_551_616.0;
    if !f.is_finite() || f.fract() != 0.0 || !(I64_MIN..U64_END).contains(&f) {
        return None;
    }
    if f < 0.0 {
        Some(Value::from(f as i64))
    } else {
        Some(Value::from(f as u64))
    }
}

/// Every command this emulator implements.
static ROUTES: LazyLock<Vec<Route>> = LazyLock::new(|| {
    vec![
        typed(srv::create_room),
        typed(srv::destroy_room),
        typed(srv::update_room_info),
        typed(srv::get_room_info),
        typed(srv::get_room_member_list),
        typed(srv::update_room_member_info),
        typed(srv::change_room_owner),
        typed(srv::mark_room_member),
        typed(srv::ban_room_member),
        typed(srv::unban_room_member),
        typed(srv::get_banned_member_list),
        typed(srv::kick_user_out),
        typed(mic::get_seat_list),
        typed(mic::pick_user_on_seat),
        typed(mic::kick_user_off_seat),
        typed(mic::lock_seat),
        typed(mic::switch_seat),
        typed(mic::move_user_to_seat),
        typed(config::set_callback),
        typed(config::update_callback),
        typed(config::get_callback),
        typed(config::delete_callback),
        typed(live::create_room),
        typed(live::destroy_room),
        typed(live::update_room_info),
        typed(live::get_room_info),
        typed(live::get_room_list),
        // The state answers the metadata limits with their own codes
        // (100500/100501/100502), which the spec's checks would turn into 100002.
        lenient(live::set_room_metadata, codes::BAD_PARAM),
        typed(live::get_room_metadata),
        typed(live::del_room_metadata),
        typed(live::get_member_list),
        typed(live::get_admin_list),
        typed(live::modify_admin),
        typed(live::ban_member),
        typed(live::unban_member),
        typed(live::get_banned_member_list),
        typed(live::mute_member),
        typed(live::get_muted_member_list),
        typed(live::change_room_owner),
        typed(live::add_robot),
        typed(live::get_robot),
        typed(live::del_robot),
        typed(live::send_text_msg),
        typed(live::send_custom_msg),
        typed(live::get_room_stats),
        typed(live::get_room_statistic),
        typed(live::send_gift),
        typed(live::get_gift_count),
        typed(live_pk::create_battle),
        typed(live_pk::get_battle_info),
        typed(live_config::set_callback),
        typed(live_config::update_callback),
        typed(live_config::get_callback),
        typed(live_config::delete_callback),
        typed(live_config::get_callback_token),
        typed(live_config::set_callback_token),
        typed(live_config::delete_callback_token),
        lenient(chat::get_appid_group_list, codes::IM_BAD_PARAM),
        lenient(chat::send_group_msg, codes::IM_BAD_PARAM),
        lenient(chat::portrait_get, codes::PROFILE_BAD_PARAM),
        lenient(chat::portrait_set, codes::PROFILE_BAD_PARAM),
        lenient(accounts::account_import, codes::ACCOUNT_PARAM_INVALID),
        lenient(accounts::multiaccount_import, codes::ACCOUNT_PARAM_INVALID),
        lenient(accounts::account_delete, codes::ACCOUNT_PARAM_INVALID),
        lenient(accounts::account_check, codes::ACCOUNT_PARAM_INVALID),
        lenient(accounts::kick, codes::ACCOUNT_PARAM_INVALID),
        lenient(
            accounts::query_online_status,
            codes::OPENIM_ACCOUNT_LIST_MALFORMED,
        ),
    ]
});

/// The handler of `service/command`, if this emulator implements it.
pub fn handler(service: &str, command: &str) -> Option<&'static Handler> {
    ROUTES
        .iter()
        .find(|r| r.info.service == service && r.info.command == command)
        .map(|r| &r.handler)
}

#[cfg(test)]
mod tests {
    use super::whole_numbers_as_integers;
    use serde_json::json;

    #[test]
    fn whole_numbers_become_integers_and_others_stay() {
        let mut v = json!({
            "Index": 3.0,
            "List": [1e3, -2.0, 2.5, 18446744073709551615.0, -1e30],
            "Nested": { "Duration": 4874172718.0, "Name": "5.0", "Count": 7 }
        });
        whole_numbers_as_integers(&mut v);
        assert_eq!(
            v,
            json!({
                "Index": 3,
                "List": [1000, -2, 2.5, 18446744073709551615.0, -1e30],
                "Nested": { "Duration": 4874172718u64, "Name": "5.0", "Count": 7 }
            })
        );
        assert!(v["Index"].is_u64() && v["List"][1].is_i64());
    }
}
