//! `im_open_login_svc` (accounts) and `openim` (online status).
//!
//! Parsing is done here rather than through the SDK's typed requests: a bad
//! user ID in a batch is a per-account failure, not a refusal of the call.

use serde_json::{json, Value};

use super::Outcome;
use crate::error::{codes, ApiError};
use crate::state::accounts::valid_user_id;
use crate::state::{Ctx, State};

/// Most accounts per import/delete/check call.
const MAX_BATCH: usize = 100;
/// Most accounts per online-status query.
const MAX_QUERY: usize = 500;

fn bad(info: impl Into<String>) -> ApiError {
    ApiError::new(codes::ACCOUNT_PARAM_INVALID, info)
}

fn opt_string(body: &Value, key: &str) -> Result<Option<String>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(format!("{key} must be a string"))),
    }
}

fn user_id(body: &Value, key: &str) -> Result<String, ApiError> {
    let id = opt_string(body, key)?.ok_or_else(|| bad(format!("{key} is required")))?;
    if !valid_user_id(&id) {
        return Err(bad(format!(
            "{key} must be 1 to 32 bytes of printable ASCII"
        )));
    }
    Ok(id)
}

/// The `UserID`s of a list of `{"UserID": ...}` objects (`DeleteItem`, `CheckItem`).
fn item_ids(body: &Value, key: &str) -> Result<Vec<String>, ApiError> {
    let items = body
        .get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| bad(format!("{key} is required (a list)")))?;
    if items.is_empty() || items.len() > MAX_BATCH {
        return Err(bad(format!(
            "{key} must list 1 to {MAX_BATCH} accounts, not {}",
            items.len()
        )));
    }
    items
        .iter()
        .map(|item| {
            item.get("UserID")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| bad(format!("every {key} item needs a UserID string")))
        })
        .collect()
}

pub fn account_import(state: &mut State, _ctx: &mut Ctx, body: &Value) -> Outcome {
    let id = user_id(body, "UserID")?;
    let nick = opt_string(body, "Nick")?;
    let face = opt_string(body, "FaceUrl")?;
    state.accounts.import(&id, nick, face);
    Ok(None)
}

pub fn multiaccount_import(state: &mut State, _ctx: &mut Ctx, body: &Value) -> Outcome {
    // (user ID, nick, face url); a non-string ID is kept as its JSON text and fails
    let entries: Vec<(String, Option<String>, Option<String>)> =
        match (body.get("AccountList"), body.get("Accounts")) {
            (Some(Value::Array(list)), None) => list
                .iter()
                .map(|a| {
                    let id = match a.get("UserID") {
                        Some(Value::String(s)) => s.clone(),
                        other => other.map(Value::to_string).unwrap_or_default(),
                    };
                    let s = |k: &str| a.get(k).and_then(Value::as_str).map(str::to_owned);
                    (id, s("Nick"), s("FaceUrl"))
                })
                .collect(),
            (None, Some(Value::Array(list))) => list
                .iter()
                .map(|v| match v {
                    Value::String(s) => (s.clone(), None, None),
                    other => (other.to_string(), None, None),
                })
                .collect(),
            _ => return Err(bad("send exactly one of AccountList and Accounts (a list)")),
        };
    if entries.is_empty() || entries.len() > MAX_BATCH {
        return Err(bad(format!(
            "import 1 to {MAX_BATCH} accounts per call, not {}",
            entries.len()
        )));
    }
    let mut failed: Vec<String> = Vec::new();
    for (id, nick, face) in entries {
        if !state.accounts.import(&id, nick, face) && !failed.contains(&id) {
            failed.push(id);
        }
    }
    Ok(Some(json!({ "FailAccounts": failed })))
}

pub fn account_delete(state: &mut State, _ctx: &mut Ctx, body: &Value) -> Outcome {
    let ids = item_ids(body, "DeleteItem")?;
    let results: Vec<Value> = ids
        .iter()
        .map(|id| {
            if state.accounts.delete(id) {
                json!({"ResultCode": 0, "ResultInfo": "", "UserID": id})
            } else {
                json!({
                    "ResultCode": codes::ACCOUNT_NOT_IMPORTED,
                    "ResultInfo": "Err_TLS_PT_Open_Login_Account_Not_Exist",
                    "UserID": id,
                })
            }
        })
        .collect();
    Ok(Some(json!({ "ResultItem": results })))
}

pub fn account_check(state: &mut State, _ctx: &mut Ctx, body: &Value) -> Outcome {
    let ids = item_ids(body, "CheckItem")?;
    let results: Vec<Value> = ids
        .iter()
        .map(|id| {
            let status = if state.account_exists(id) {
                "Imported"
            } else {
                "NotImported"
            };
            json!({"UserID": id, "ResultCode": 0, "ResultInfo": "", "AccountStatus": status})
        })
        .collect();
    Ok(Some(json!({ "ResultItem": results })))
}

pub fn kick(state: &mut State, ctx: &mut Ctx, body: &Value) -> Outcome {
    let id = user_id(body, "UserID")?;
    if !state.account_exists(&id) {
        return Err(ApiError::account_not_imported(&id));
    }
    state.accounts.kick(&id, ctx.now);
    Ok(None)
}

pub fn query_online_status(state: &mut State, _ctx: &mut Ctx, body: &Value) -> Outcome {
    let list = match body.get("To_Account") {
        Some(Value::Array(list)) => list,
        _ => {
            return Err(ApiError::new(
                codes::OPENIM_ACCOUNT_LIST_MALFORMED,
                "To_Account must be a list of user IDs",
            ))
        }
    };
    if list.is_empty() {
        return Err(ApiError::new(
            codes::OPENIM_JSON_INVALID,
            "To_Account is empty",
        ));
    }
    if list.len() > MAX_QUERY {
        return Err(ApiError::new(
            codes::OPENIM_TOO_MANY_ACCOUNTS,
            format!(
                "To_Account lists {} accounts, at most {MAX_QUERY}",
                list.len()
            ),
        ));
    }
    let detail = match body.get("IsNeedDetail") {
        None | Some(Value::Null) => false,
        Some(v) => {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                == Some(1)
        }
    };
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for item in list {
        let Some(id) = item.as_str() else {
            return Err(ApiError::new(
                codes::OPENIM_ACCOUNT_LIST_MALFORMED,
                "every To_Account item must be a string",
            ));
        };
        let online = state.in_any_room(id);
        // Without require_imported_accounts, a room member counts as an existing account.
        let known = state.account_exists(id) || (online && !state.require_imported_accounts);
        if !known {
            errors.push(json!({"To_Account": id, "ErrorCode": codes::ACCOUNT_NOT_IMPORTED}));
            continue;
        }
        let st = if online { "Online" } else { "Offline" };
        let mut r = json!({"To_Account": id, "State": st});
        if detail && online {
            // The emulator has no devices: a room member is online on one "Web" platform.
            r["Detail"] = json!([{"Platform": "Web", "Status": "Online"}]);
        }
        results.push(r);
    }
    Ok(Some(json!({"QueryResult": results, "ErrorList": errors})))
}
