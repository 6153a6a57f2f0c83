//! Administrators (at most 5: 100020), bans (Duration seconds; banned users
//! cannot enter) and mutes (MuteTime seconds, 0 unmutes), both expiring on
//! the emulator's clock.

use serde_json::json;

use super::{Live, LiveRoom};
use crate::error::{codes, ApiError};
use crate::events;
use crate::state::{check_account, check_not_empty, Ctx};

/// Most administrators in a room.
pub const MAX_ADMINS: usize = 5;
/// Most accounts per `ban_member` / `unban_member`.
pub const MAX_BAN_ACCOUNTS: usize = 20;
/// Longest ban `Reason`, bytes.
pub const MAX_BAN_REASON_BYTES: usize = 200;
/// Largest (and default) `Limit` of `get_banned_member_list`.
pub const MAX_BANNED_PAGE: u32 = 100;

/// `modify_admin`'s `OpType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminOp {
    /// `add`.
    Add,
    /// `delete`.
    Delete,
}

impl AdminOp {
    /// `add` or `delete`; anything else is 100002.
    pub fn parse(op: &str) -> Result<Self, ApiError> {
        match op {
            "add" => Ok(Self::Add),
            "delete" => Ok(Self::Delete),
            other => Err(ApiError::bad_param(format!(
                "OpType {other:?} is not add or delete"
            ))),
        }
    }

    /// The wire text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Delete => "delete",
        }
    }
}

/// A ban.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ban {
    /// Who.
    pub account: String,
    /// Until when, unix seconds (exclusive).
    pub until: u64,
    /// Why (may be empty).
    pub reason: String,
}

/// A mute.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mute {
    /// Who.
    pub account: String,
    /// Until when, unix seconds (exclusive).
    pub until: u64,
}

fn check_accounts(field: &str, accounts: &[String], max: Option<usize>) -> Result<(), ApiError> {
    check_not_empty(field, accounts)?;
    if let Some(max) = max.filter(|m| accounts.len() > *m) {
        return Err(ApiError::bad_param(format!(
            "{field} has {} accounts; at most {max}",
            accounts.len()
        )));
    }
    accounts.iter().try_for_each(|a| check_account(field, a))
}

impl LiveRoom {
    /// Whether `account` is banned at `now`.
    pub fn is_banned(&self, account: &str, now: u64) -> bool {
        self.bans
            .iter()
            .any(|b| b.account == account && b.until > now)
    }

    /// Whether `account` is muted at `now`.
    pub fn is_muted(&self, account: &str, now: u64) -> bool {
        self.mutes
            .iter()
            .any(|m| m.account == account && m.until > now)
    }

    fn prune(&mut self, now: u64) {
        self.bans.retain(|b| b.until > now);
        self.mutes.retain(|m| m.until > now);
    }
}

impl Live {
    /// `get_admin_list`.
    pub fn admins(&self, room_id: &str) -> Result<&[String], ApiError> {
        Ok(&self.room(room_id)?.admins)
    }

    /// `modify_admin`: adding beyond 5 administrators is 100020 (nothing
    /// changes); adding an administrator again or deleting a non-admin is
    /// ignored.
    pub fn modify_admin(
        &mut self,
        ctx: &mut Ctx,
        room_id: &str,
        op: AdminOp,
        accounts: &[String],
    ) -> Result<(), ApiError> {
        let room = self.room_mut(room_id)?;
        check_accounts("Admin_Account", accounts, Some(MAX_ADMINS))?;
        match op {
            AdminOp::Add => {
                let mut admins = room.admins.clone();
                for account in accounts {
                    if !admins.contains(account) {
                        admins.push(account.clone());
                    }
                }
                if admins.len() > MAX_ADMINS {
                    return Err(ApiError::new(
                        codes::TOO_MANY_ADMINS,
                        format!(
                            "the room would have {} administrators; at most {MAX_ADMINS}",
                            admins.len()
                        ),
                    ));
                }
                room.admins = admins;
            }
            AdminOp::Delete => room.admins.retain(|a| !accounts.contains(a)),
        }
        ctx.emit_json(
            events::LIVE_AFTER_MODIFY_ADMIN,
            json!({
                "RoomId": room_id,
                "Operator_Account": ctx.operator,
                "Admin_Account": accounts,
                "opType": op.as_str(),
            }),
        );
        Ok(())
    }

    /// `ban_member`: bans for `duration` seconds (a new ban replaces an
    /// old one) and removes the banned members who are online.
    pub fn ban(
        &mut self,
        ctx: &mut Ctx,
        room_id: &str,
        accounts: &[String],
        duration: u64,
        reason: &str,
    ) -> Result<(), ApiError> {
        let room = self.room_mut(room_id)?;
        check_accounts("MemberList_Account", accounts, Some(MAX_BAN_ACCOUNTS))?;
        if duration == 0 {
            return Err(ApiError::bad_param("Duration must be at least 1 second"));
        }
        if reason.len() > MAX_BAN_REASON_BYTES {
            return Err(ApiError::bad_param(format!(
                "Reason has {} bytes; at most {MAX_BAN_REASON_BYTES}",
                reason.len()
            )));
        }
        room.prune(ctx.now);
        let until = ctx.now.saturating_add(duration);
        for account in accounts {
            room.bans.retain(|b| &b.account != account);
            room.bans.push(Ban {
                account: account.clone(),
                until,
                reason: reason.to_owned(),
            });
        }
        room.drop_online(ctx, accounts, "Kicked");
        Ok(())
    }

    /// `unban_member` (accounts not banned are ignored).
    pub fn unban(&mut self, ctx: &Ctx, room_id: &str, accounts: &[String]) -> Result<(), ApiError> {
        let room = self.room_mut(room_id)?;
        check_accounts("MemberList_Account", accounts, Some(MAX_BAN_ACCOUNTS))?;
        room.prune(ctx.now);
        room.bans.retain(|b| !accounts.contains(&b.account));
        Ok(())
    }

    /// `get_banned_member_list`: bans in force at `now`, in ban order,
    /// `limit` (0 or absent: 100; at most 100) from `offset`; the next
    /// offset is 0 on the last page.
    pub fn banned_page(
        &self,
        now: u64,
        room_id: &str,
        offset: u64,
        limit: Option<u32>,
    ) -> Result<(Vec<Ban>, u64), ApiError> {
        let room = self.room(room_id)?;
        let limit = match limit.unwrap_or(0) {
            0 => MAX_BANNED_PAGE,
            l if l > MAX_BANNED_PAGE => {
                return Err(ApiError::bad_param(format!(
                    "Limit {l} is above {MAX_BANNED_PAGE}"
                )))
            }
            l => l,
        };
        let live: Vec<&Ban> = room.bans.iter().filter(|b| b.until > now).collect();
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        let page: Vec<Ban> = live
            .iter()
            .skip(start)
            .take(limit as usize)
            .map(|b| (*b).clone())
            .collect();
        let end = start.saturating_add(page.len());
        let next = if end < live.len() { end as u64 } else { 0 };
        Ok((page, next))
    }

    /// `mute_member`: mutes for `mute_time` seconds; 0 unmutes.
    pub fn mute(
        &mut self,
        ctx: &Ctx,
        room_id: &str,
        accounts: &[String],
        mute_time: u64,
    ) -> Result<(), ApiError> {
        let room = self.room_mut(room_id)?;
        check_accounts("MemberList_Account", accounts, None)?;
        room.prune(ctx.now);
        room.mutes.retain(|m| !accounts.contains(&m.account));
        if mute_time > 0 {
            let until = ctx.now.saturating_add(mute_time);
            room.mutes.extend(accounts.iter().map(|a| Mute {
                account: a.clone(),
                until,
            }));
        }
        Ok(())
    }

    /// `get_muted_member_list`: mutes in force at `now`, in mute order.
    pub fn muted(&self, now: u64, room_id: &str) -> Result<Vec<Mute>, ApiError> {
        Ok(self
            .room(room_id)?
            .mutes
            .iter()
            .filter(|m| m.until > now)
            .cloned()
            .collect())
    }
}
