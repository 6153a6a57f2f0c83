//! Members: enter/leave, list, info and roles, owner, marks, bans, kicks.

use std::collections::BTreeSet;

use trtc_room::{
    BannedMember, CallbackAfterMemberEnter, CallbackAfterMemberLeave, EnterType, LeaveType,
    MemberMarks, MemberRole, RoomMember,
};

use super::room::{wire_time, Member, Room};
use super::{check_not_empty, Ctx};
use crate::error::ApiError;
use crate::state::seats::SeatHost;

// The per-call limits the spec declares (accounts per call, Reason and
// NameCard bytes, marks per call, banned page size) are checked by the SDK's
// generated `Validate` before a request reaches the state.

/// Most distinct marks in a room.
pub const MAX_DISTINCT_MARKS: usize = 10;
/// Smallest mark value.
pub const MIN_MARK: i64 = 1000;
/// Default page size of `get_room_member_list`.
pub const DEFAULT_MEMBER_PAGE: u32 = 50;
/// Largest (and default) page of `get_banned_member_list`.
pub const MAX_BANNED_PAGE: u32 = 100;

/// One page of the member list.
#[derive(Debug, Clone)]
pub struct MemberPage {
    /// The members of this page.
    pub members: Vec<RoomMember>,
    /// Cursor of the next page; empty when this is the last one.
    pub next: String,
}

/// One page of the banned list.
#[derive(Debug, Clone)]
pub struct BannedPage {
    /// The banned accounts of this page, with the end of their ban.
    pub banned: Vec<BannedMember>,
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
        if super::room::count(self.members.len()) >= self.max_member_count {
            return Err(ApiError::bad_param(format!(
                "room is full ({} members)",
                self.max_member_count
            )));
        }
        let role = if account == self.owner {
            MemberRole::Owner
        } else {
            MemberRole::Member
        };
        self.members.push(Member {
            account: account.to_owned(),
            name_card: String::new(),
            role,
            custom_info: String::new(),
            marks: Vec::new(),
        });
        ctx.emit(
            CallbackAfterMemberEnter::new(&self.id)
                .operator_account(account)
                .member_count(super::room::count(self.members.len()))
                .enter_type(EnterType::Enter)
                .member_list_account([account]),
        );
        Ok(())
    }

    /// Members leave (`kind`: `Leave` or `Kicked`); frees their seats.
    fn remove_members(
        &mut self,
        ctx: &mut Ctx,
        accounts: &[String],
        kind: LeaveType,
        reason: &str,
    ) {
        let mut freed = Vec::new();
        for (index, seat) in self.seats.iter_mut().enumerate() {
            if seat.member.as_ref().is_some_and(|m| accounts.contains(m)) {
                seat.member = None;
                freed.push(index);
            }
        }
        self.members.retain(|m| !accounts.contains(&m.account));
        self.emit_seats(ctx, &freed);
        let mut callback = CallbackAfterMemberLeave::new(&self.id)
            .operator_account(&ctx.operator)
            .member_count(super::room::count(self.members.len()))
            .leave_type(kind)
            .member_list_account(accounts);
        if !reason.is_empty() {
            callback = callback.reason(reason);
        }
        ctx.emit(callback);
    }

    /// A member leaves the room (control API).
    pub fn leave(&mut self, ctx: &mut Ctx, account: &str) -> Result<(), ApiError> {
        self.member(account)?;
        self.remove_members(ctx, &[account.to_owned()], LeaveType::Leave, "");
        Ok(())
    }

    /// `get_room_member_list`: `count` members after cursor `next`.
    pub fn member_page(
        &self,
        count: Option<u32>,
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
        let members: Vec<RoomMember> = self
            .members
            .iter()
            .skip(start)
            .take(count)
            .map(Member::listed)
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
        role: Option<MemberRole>,
        custom_info: Option<String>,
    ) -> Result<(), ApiError> {
        match &role {
            None | Some(MemberRole::Admin | MemberRole::Member) => {}
            Some(other) => {
                return Err(ApiError::bad_param(format!(
                    "MemberInfo.Role {:?} is not Admin or Member",
                    other.as_str()
                )))
            }
        }
        let member = self.member_mut(account)?;
        if role.is_some() && member.role == MemberRole::Owner {
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
                m.role = MemberRole::Member;
            } else if m.account == to {
                m.role = MemberRole::Owner;
            }
        }
        self.owner = to.to_owned();
        Ok(())
    }

    /// `mark_room_member`: `set` adds marks, otherwise removes them.
    pub fn mark(&mut self, set: bool, list: &[MemberMarks]) -> Result<(), ApiError> {
        check_not_empty("MemberList", list)?;
        for MemberMarks {
            member_account: account,
            marks,
            ..
        } in list
        {
            check_not_empty(&format!("Marks of {account:?}"), marks)?;
            if let Some(bad) = marks.iter().find(|m| **m < MIN_MARK) {
                return Err(ApiError::bad_param(format!(
                    "mark {bad} is below the minimum {MIN_MARK}"
                )));
            }
            self.member(account)?;
        }
        if set {
            let mut distinct: BTreeSet<i64> = self
                .members
                .iter()
                .flat_map(|m| m.marks.iter().copied())
                .collect();
            distinct.extend(list.iter().flat_map(|m| m.marks.iter().copied()));
            if distinct.len() > MAX_DISTINCT_MARKS {
                return Err(ApiError::bad_param(format!(
                    "a room holds at most {MAX_DISTINCT_MARKS} distinct marks"
                )));
            }
        }
        for MemberMarks {
            member_account: account,
            marks,
            ..
        } in list
        {
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

    fn check_targets(&self, accounts: &[String]) -> Result<(), ApiError> {
        check_not_empty("MemberList_Account", accounts)?;
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
        self.check_targets(accounts)?;
        for account in accounts {
            self.member(account)?;
        }
        self.remove_members(ctx, accounts, LeaveType::Kicked, reason);
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
        self.check_targets(accounts)?;
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
            self.remove_members(ctx, &present, LeaveType::Kicked, reason);
        }
        Ok(())
    }

    /// `unban_room_member`.
    pub fn unban(&mut self, ctx: &Ctx, accounts: &[String]) -> Result<(), ApiError> {
        check_not_empty("MemberList_Account", accounts)?;
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
        limit: Option<u32>,
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
        let banned: Vec<BannedMember> = self
            .bans
            .iter()
            .skip(start)
            .take(limit)
            .map(|(account, until)| BannedMember::new(account).banned_until(wire_time(*until)))
            .collect();
        let end = start.saturating_add(banned.len());
        let next_offset = if end < self.bans.len() { end as u64 } else { 0 };
        Ok(BannedPage {
            banned,
            next_offset,
        })
    }
}

impl Member {
    /// The member as `get_room_member_list` lists it.
    pub fn listed(&self) -> RoomMember {
        RoomMember::new(&self.account)
            .name_card(&self.name_card)
            .role(self.role.clone())
            .marks(self.marks.clone())
            .custom_info(&self.custom_info)
    }
}
