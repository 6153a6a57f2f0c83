//! `im_open_login_svc` (accounts) and `openim` (online status).
//!
//! These are routed with [`lenient`](super::lenient): the Chat services
//! answer their own codes (70402, 90001, ...) rather than 100002, and a bad
//! user ID in a batch is a per-account failure, not a refusal of the call,
//! so the checks are here rather than the spec's generated limits.

use trtc_room::{
    AccountCheck, AccountCheckResponse, AccountDelete, AccountDeleteResponse, AccountImport,
    AccountImportResponse, AccountRef, AccountResult, AccountStatus, Kick, KickResponse,
    MultiaccountImport, MultiaccountImportResponse, OnlineDetail, OnlineState, OnlineStatusError,
    OnlineStatusResult, PlatformState, QueryOnlineStatus, QueryOnlineStatusResponse,
};

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

/// 70402 unless `id` is a user ID the service would import.
fn check_user_id(id: &str) -> Result<(), ApiError> {
    if valid_user_id(id) {
        Ok(())
    } else {
        Err(bad("UserID must be 1 to 32 bytes of printable ASCII"))
    }
}

/// 70402 unless a batch has 1 to [`MAX_BATCH`] items.
fn check_batch<T>(field: &str, items: &[T]) -> Result<(), ApiError> {
    if items.is_empty() || items.len() > MAX_BATCH {
        return Err(bad(format!(
            "{field} must list 1 to {MAX_BATCH} accounts, not {}",
            items.len()
        )));
    }
    Ok(())
}

/// One result per item of a delete or check call.
fn per_account(
    items: &[AccountRef],
    mut f: impl FnMut(&str) -> AccountResult,
) -> Vec<AccountResult> {
    items.iter().map(|item| f(&item.user_id)).collect()
}

pub fn account_import(
    state: &mut State,
    _ctx: &mut Ctx,
    req: AccountImport,
) -> Result<AccountImportResponse, ApiError> {
    check_user_id(&req.user_id)?;
    state.accounts.import(&req.user_id, req.nick, req.face_url);
    Ok(AccountImportResponse::new())
}

pub fn multiaccount_import(
    state: &mut State,
    _ctx: &mut Ctx,
    req: MultiaccountImport,
) -> Result<MultiaccountImportResponse, ApiError> {
    // (user ID, nick, face url)
    let entries: Vec<(String, Option<String>, Option<String>)> =
        match (req.account_list, req.accounts) {
            (Some(list), None) => list
                .into_iter()
                .map(|a| (a.user_id, a.nick, a.face_url))
                .collect(),
            (None, Some(ids)) => ids.into_iter().map(|id| (id, None, None)).collect(),
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
    Ok(MultiaccountImportResponse::new().fail_accounts(failed))
}

pub fn account_delete(
    state: &mut State,
    _ctx: &mut Ctx,
    req: AccountDelete,
) -> Result<AccountDeleteResponse, ApiError> {
    check_batch("DeleteItem", &req.delete_item)?;
    let results = per_account(&req.delete_item, |id| {
        if state.accounts.delete(id) {
            AccountResult::new(id, 0).result_info("")
        } else {
            AccountResult::new(id, codes::ACCOUNT_NOT_IMPORTED)
                .result_info("Err_TLS_PT_Open_Login_Account_Not_Exist")
        }
    });
    Ok(AccountDeleteResponse::new().result_item(results))
}

pub fn account_check(
    state: &mut State,
    _ctx: &mut Ctx,
    req: AccountCheck,
) -> Result<AccountCheckResponse, ApiError> {
    check_batch("CheckItem", &req.check_item)?;
    let results = per_account(&req.check_item, |id| {
        let status = if state.account_exists(id) {
            AccountStatus::Imported
        } else {
            AccountStatus::NotImported
        };
        AccountResult::new(id, 0)
            .result_info("")
            .account_status(status)
    });
    Ok(AccountCheckResponse::new().result_item(results))
}

pub fn kick(state: &mut State, ctx: &mut Ctx, req: Kick) -> Result<KickResponse, ApiError> {
    check_user_id(&req.user_id)?;
    if !state.account_exists(&req.user_id) {
        return Err(ApiError::account_not_imported(&req.user_id));
    }
    state.accounts.kick(&req.user_id, ctx.now);
    Ok(KickResponse::new())
}

pub fn query_online_status(
    state: &mut State,
    _ctx: &mut Ctx,
    req: QueryOnlineStatus,
) -> Result<QueryOnlineStatusResponse, ApiError> {
    let list = req.to_account;
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
    let detail = req.is_need_detail == Some(OnlineDetail::Include);
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for id in list {
        let online = state.in_any_room(&id);
        // Without require_imported_accounts, a room member counts as an existing account.
        let known = state.account_exists(&id) || (online && !state.require_imported_accounts);
        if !known {
            errors.push(OnlineStatusError::new(id, codes::ACCOUNT_NOT_IMPORTED));
            continue;
        }
        let st = if online {
            OnlineState::Online
        } else {
            OnlineState::Offline
        };
        let mut r = OnlineStatusResult::new(id, st);
        if detail && online {
            // The emulator has no devices: a room member is online on one "Web" platform.
            r = r.detail(vec![PlatformState::new()
                .platform("Web")
                .status(OnlineState::Online)]);
        }
        results.push(r);
    }
    Ok(QueryOnlineStatusResponse::new()
        .query_result(results)
        .error_list(errors))
}
