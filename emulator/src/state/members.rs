//! Members: enter/leave, list, info and roles, owner, marks, bans, kicks.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::room::{Member, Role, Room};
use super::{check_items, check_len, Ctx};
use crate::error::ApiError;
use crate::events::{AFTER_MEMBER_ENTER, AFTER_MEMBER_LEAVE};

/// Longest member NameCard, in bytes.
pub const MAX_NAME_CARD_BYTES: usize = 32;
/// Longest member CustomInfo, in bytes.
pub const MAX_MEMBER_CUSTOM_INFO_BYTES: usize = 60;
/// Most accounts per kick/ban/unban call.
pub const MAX_ACCOUNTS_PER_CALL: usize = 20;
/// Longest kick/ban Reason, in bytes.
pub const MAX_REASON_BYTES: usize = 1000;
/// Most accounts per mark call.
pub const MAX_MARK_ACCOUNTS: usize = 10;
/// Most marks per account per mark call.
pub const MAX_MARKS_PER_CALL: usize = 3;
/// Most distinct marks in a room.
pub const MAX_DISTINCT_MARKS: usize = 10;
/// Smallest mark value.
pub const MIN_MARK: u64 = 1000;
/// Default page size of `get_room_member_list`.
pub const DEFAULT_MEMBER_PAGE: u64 = 50;
/// Largest page of `get_banned_member_list`.
pub const MAX_BANNED_PAGE: u64 = 100;

/// One page of the member list.
#[derive(Debug, Clone)]
pub struct MemberPage {
    /// The members of this page.
    pub members: Vec<Member>,
    /// Cursor of the next page; empty when this is the last one.
    pub next: String,
}

/// One page of the banned list.
#[derive(Debug, Clone)]
pub struct BannedPage {
    /// `(account, banned until)` pairs.
    pub banned: Vec<(String, u64)>,
    /// Offset of the next page; 0 when this is the last one.
    pub next_offset: u64,
}

impl Room {
    /// The member `account`, or 100005.
    pub fn member(&self, account: &str) -> Result<&Member, ApiError> {
        self.members
            .iter()
            .find(|m| m.account == account)
            .ok_or_else(|| ApiError::not_member(account))
    }

    fn member_mut(&mut self, account: &str) -> Result<&mut Member, ApiError> {
        self.members
            .iter_mut()
            .find(|m| m.account == account)
            .ok_or_else(|| ApiError::not_member(account))
    }

    /// Whether `account` is a member.
    pub fn is_member(&self, account: &str) -> bool {
        self.members.iter().any(|m| m.account == account)
    }

    fn prune_bans(&mut self, now: u64) {
        self.bans.retain(|(_, until)| *until > now);
    }

    /// Whether `account` is banned at `now`.
    pub fn is_banned(&self, account: &str, now: u64) -> bool {
        self.bans
            .iter()
            .any(|(a, until)| a == account && *until > now)
    }

    /// A user enters the room (control API). Entering twice is a no-op.
    pub fn enter(&mut self, ctx: &mut Ctx, account: &str) -> Result<(), ApiError> {
        if account.is_empty() {
            return Err(ApiError::bad_param("Member_Account is empty"));
        }
        if self.is_member(account) {
            return Ok(());
        }
        if self.is_banned(account, ctx.now) {
            return Err(ApiError::no_permission(format!(
                "user {account:?} is banned from the room"
            )));
        }
        if self.members.len() as u64 >= self.max_member_count {
            return Err(ApiError::bad_param(format!(
                "room is full ({} members)",
                self.max_member_count
            )));
        }
        let role = if account == self.owner {
            Role::Owner
        } else {
            Role::Member
        };
        self.members.push(Member {
            account: account.to_owned(),
            name_card: String::new(),
            role,
            custom_info: String::new(),
            marks: Vec::new(),
        });
        ctx.emit(
            AFTER_MEMBER_ENTER,
            json!({
                "Operator_Account": account,
                "RoomId": self.id,
                "MemberCount": self.members.len(),
                "Type": "Enter",
                "MemberList_Account": [account],
            }),
        );
        Ok(())
    }

    /// Members leave (`kind`: `Leave` or `Kicked`); frees their seats.
    fn remove_members(&mut self, ctx: &mut Ctx, accounts: &[String], kind: &str, reason: &str) {
        let mut freed = Vec::new();
        for (index, seat) in self.seats.iter_mut().enumerate() {
            if seat.member.as_ref().is_some_and(|m| accounts.contains(m)) {
                seat.member = None;
                freed.push(index);
            }
        }
        self.members.retain(|m| !accounts.contains(&m.account));
        self.emit_seats(ctx, &freed);
        let mut body = json!({
            "Operator_Account": ctx.operator,
            "RoomId": self.id,
            "MemberCount": self.members.len(),
            "Type": kind,
            "MemberList_Account": accounts,
        });
        if !reason.is_empty() {
            body["Reason"] = json!(reason);
        }
        ctx.emit(AFTER_MEMBER_LEAVE, body);
    }

    /// A member leaves the room (control API).
    pub fn leave(&mut self, ctx: &mut Ctx, account: &str) -> Result<(), ApiError> {
        self.member(account)?;
        self.remove_members(ctx, &[account.to_owned()], "Leave", "");
        Ok(())
    }

    /// `get_room_member_list`: `count` members after cursor `next`.
    pub fn member_page(
        &self,
        count: Option<u64>,
        next: Option<&str>,
    ) -> Result<MemberPage, ApiError> {
        let count = count.unwrap_or(DEFAULT_MEMBER_PAGE);
        if count == 0 {
            return Err(ApiError::bad_param("Count must be at least 1"));
        }
        let start = match next.unwrap_or("") {
            "" => 0,
            cursor => cursor.parse::<usize>().map_err(|_| {
                ApiError::bad_param(format!("Next {cursor:?} is not a cursor from this room"))
            })?,
        };
        let count = usize::try_from(count).unwrap_or(usize::MAX);
        let members: Vec<Member> = self
            .members
            .iter()
            .skip(start)
            .take(count)
            .cloned()
            .collect();
        let end = start.saturating_add(members.len());
        let next = if end < self.members.len() {
            end.to_string()
        } else {
            String::new()
        };
        Ok(MemberPage { members, next })
    }

    /// `update_room_member_info`.
    pub fn update_member(
        &mut self,
        account: &str,
        name_card: Option<String>,
        role: Option<String>,
        custom_info: Option<String>,
    ) -> Result<(), ApiError> {
        if let Some(card) = &name_card {
            check_len("MemberInfo.NameCard", card, MAX_NAME_CARD_BYTES)?;
        }
        if let Some(info) = &custom_info {
            check_len("MemberInfo.CustomInfo", info, MAX_MEMBER_CUSTOM_INFO_BYTES)?;
        }
        let role = match role.as_deref() {
            None => None,
            Some("Admin") => Some(Role::Admin),
            Some("Member") => Some(Role::Member),
            Some(other) => {
                return Err(ApiError::bad_param(format!(
                    "MemberInfo.Role {other:?} is not Admin or Member"
                )))
            }
        };
        let member = self.member_mut(account)?;
        if role.is_some() && member.role == Role::Owner {
            return Err(ApiError::no_permission(
                "the owner's role cannot be changed; use change_room_owner",
            ));
        }
        if let Some(card) = name_card {
            member.name_card = card;
        }
        if let Some(info) = custom_info {
            member.custom_info = info;
        }
        if let Some(role) = role {
            member.role = role;
        }
        Ok(())
    }

    /// `change_room_owner`.
    pub fn change_owner(&mut self, from: &str, to: &str) -> Result<(), ApiError> {
        if from != self.owner {
            return Err(ApiError::bad_param(format!(
                "From_Account {from:?} is not the room owner"
            )));
        }
        if from == to {
            return Err(ApiError::bad_param("NewOwner_Account is already the owner"));
        }
        self.member(to)?;
        for m in &mut self.members {
            if m.account == from {
                m.role = Role::Member;
            } else if m.account == to {
                m.role = Role::Owner;
            }
        }
        self.owner = to.to_owned();
        Ok(())
    }

    /// `mark_room_member`: `set` adds marks, otherwise removes them.
    pub fn mark(&mut self, set: bool, list: &[(String, Vec<u64>)]) -> Result<(), ApiError> {
        check_items("MemberList", list, MAX_MARK_ACCOUNTS)?;
        for (account, marks) in list {
            check_items(&format!("Marks of {account:?}"), marks, MAX_MARKS_PER_CALL)?;
            if let Some(bad) = marks.iter().find(|m| **m < MIN_MARK) {
                return Err(ApiError::bad_param(format!(
                    "mark {bad} is below the minimum {MIN_MARK}"
                )));
            }
            self.member(account)?;
        }
        if set {
            let mut distinct: BTreeSet<u64> = self
                .members
                .iter()
                .flat_map(|m| m.marks.iter().copied())
                .collect();
            distinct.extend(list.iter().flat_map(|(_, marks)| marks.iter().copied()));
            if distinct.len() > MAX_DISTINCT_MARKS {
                return Err(ApiError::bad_param(format!(
                    "a room holds at most {MAX_DISTINCT_MARKS} distinct marks"
                )));
            }
        }
        for (account, marks) in list {
            let member = self.member_mut(account)?;
            if set {
                for mark in marks {
                    if !member.marks.contains(mark) {
                        member.marks.push(*mark);
                    }
                }
            } else {
                member.marks.retain(|m| !marks.contains(m));
            }
        }
        Ok(())
    }

    fn check_targets(&self, accounts: &[String], reason: Option<&str>) -> Result<(), ApiError> {
        check_items("MemberList_Account", accounts, MAX_ACCOUNTS_PER_CALL)?;
        if let Some(reason) = reason {
            check_len("Reason", reason, MAX_REASON_BYTES)?;
        }
        if accounts.contains(&self.owner) {
            return Err(ApiError::no_permission("the room owner cannot be removed"));
        }
        Ok(())
    }

    /// `kick_user_out`.
    pub fn kick(
        &mut self,
        ctx: &mut Ctx,
        accounts: &[String],
        reason: &str,
    ) -> Result<(), ApiError> {
        self.check_targets(accounts, Some(reason))?;
        for account in accounts {
            self.member(account)?;
        }
        self.remove_members(ctx, accounts, "Kicked", reason);
        Ok(())
    }

    /// `ban_room_member`: removes the members and bans them for `duration` seconds.
    pub fn ban(
        &mut self,
        ctx: &mut Ctx,
        accounts: &[String],
        reason: &str,
        duration: u64,
    ) -> Result<(), ApiError> {
        self.check_targets(accounts, Some(reason))?;
        if duration == 0 {
            return Err(ApiError::bad_param("Duration must be at least 1 second"));
        }
        for account in accounts {
            if !self.is_banned(account, ctx.now) {
                self.member(account)?;
            }
        }
        self.prune_bans(ctx.now);
        let until = ctx.now.saturating_add(duration);
        for account in accounts {
            match self.bans.iter_mut().find(|(a, _)| a == account) {
                Some(entry) => entry.1 = until,
                None => self.bans.push((account.clone(), until)),
            }
        }
        let present: Vec<String> = accounts
            .iter()
            .filter(|a| self.is_member(a))
            .cloned()
            .collect();
        if !present.is_empty() {
            self.remove_members(ctx, &present, "Kicked", reason);
        }
        Ok(())
    }

    /// `unban_room_member`.
    pub fn unban(&mut self, ctx: &Ctx, accounts: &[String]) -> Result<(), ApiError> {
        check_items("MemberList_Account", accounts, MAX_ACCOUNTS_PER_CALL)?;
        self.prune_bans(ctx.now);
        if let Some(missing) = accounts.iter().find(|a| !self.is_banned(a, ctx.now)) {
            return Err(ApiError::new(
                crate::error::codes::NOT_MEMBER,
                format!("user {missing:?} is not banned in this room"),
            ));
        }
        self.bans.retain(|(a, _)| !accounts.contains(a));
        Ok(())
    }

    /// `get_banned_member_list`.
    pub fn banned_page(
        &mut self,
        now: u64,
        limit: Option<u64>,
        offset: Option<u64>,
    ) -> Result<BannedPage, ApiError> {
        let limit = limit.unwrap_or(MAX_BANNED_PAGE);
        if limit == 0 || limit > MAX_BANNED_PAGE {
            return Err(ApiError::bad_param(format!(
                "Limit {limit} is outside 1..={MAX_BANNED_PAGE}"
            )));
        }
        self.prune_bans(now);
        let start = usize::try_from(offset.unwrap_or(0)).unwrap_or(usize::MAX);
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let banned: Vec<(String, u64)> =
            self.bans.iter().skip(start).take(limit).cloned().collect();
        let end = start.saturating_add(banned.len());
        let next_offset = if end < self.bans.len() { end as u64 } else { 0 };
        Ok(BannedPage {
            banned,
            next_offset,
        })
    }
}

/// A member as listed by `get_room_member_list`.
pub fn member_json(member: &Member) -> Value {
    json!({
        "Member_Account": member.account,
        "NameCard": member.name_card,
        "Role": member.role.as_str(),
        "Marks": member.marks,
        "CustomInfo": member.custom_info,
    })
}
