//! Live rooms: create (100003 / 100010), update, destroy, the room list
//! (ViewCount descending, string cursor), online members entered through
//! the control API, owner change, statistics.

use serde_json::{json, Map, Value};

use super::Live;
use crate::config::DEFAULT_MAX_SEAT_COUNT;
use crate::error::{codes, ApiError};
use crate::events;
use crate::state::seats::SeatHost;
use crate::state::{check_account, Ctx};

/// Largest (and default) `Count` of `get_room_list`.
pub const MAX_ROOM_PAGE: u32 = 20;
/// Members per page of `get_member_list` (the request has no size).
pub const MEMBER_PAGE: usize = 100;
/// Longest RoomId, bytes.
pub const MAX_ROOM_ID_BYTES: usize = 48;
/// Most `Category` tags.
pub const MAX_CATEGORY: usize = 3;
/// Longest `CoverURL`, bytes.
pub const MAX_COVER_URL_BYTES: usize = 200;
/// The only `RoomType` of the Live service.
pub const LIVE_ROOM_TYPE: &str = "Live";

/// The `RoomInfo` of `create_room` (absent: the documented default).
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)]
pub struct LiveRoomSpec {
    pub room_id: String,
    /// Must be `Live`.
    pub room_type: String,
    /// Default: the App administrator.
    pub owner: Option<String>,
    /// Default: the room ID.
    pub name: Option<String>,
    pub cover_url: Option<String>,
    pub background_url: Option<String>,
    pub category: Vec<i64>,
    pub custom_info: Option<String>,
    pub activity_status: Option<i64>,
    /// Default `true`.
    pub is_public_visible: Option<bool>,
    pub is_message_disabled: Option<bool>,
    /// Default `true` (a live room has the host on a seat; a guess).
    pub is_seat_enabled: Option<bool>,
    /// `FreeToTake` or `ApplyToTake` (default, as Tencent's console sends).
    pub take_seat_mode: Option<String>,
    /// Default 16.
    pub max_seat_count: Option<u32>,
    /// Default and highest: the package's member cap.
    pub max_member_count: Option<u32>,
    pub is_unlimited_room_enabled: Option<bool>,
    pub seat_template: Option<String>,
}

/// The `RoomInfo` of `update_room_info` (absent: unchanged).
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)]
pub struct LiveRoomUpdate {
    pub name: Option<String>,
    pub cover_url: Option<String>,
    pub background_url: Option<String>,
    pub category: Option<Vec<i64>>,
    pub custom_info: Option<String>,
    pub activity_status: Option<i64>,
    pub is_public_visible: Option<bool>,
    pub is_message_disabled: Option<bool>,
    pub take_seat_mode: Option<String>,
    pub max_member_count: Option<u32>,
    pub notice: Option<String>,
    pub is_unlimited_room_enabled: Option<bool>,
}

/// A member online in a live room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnlineMember {
    /// User ID.
    pub account: String,
    /// When they entered, unix seconds.
    pub entered_at: u64,
    /// Entry order in the room (the member list's cursor).
    pub seq: u64,
}

/// A live room.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct LiveRoom {
    pub id: String,
    pub owner: String,
    pub name: String,
    pub cover_url: String,
    pub background_url: String,
    pub category: Vec<i64>,
    pub custom_info: String,
    pub activity_status: i64,
    pub is_public_visible: bool,
    pub is_message_disabled: bool,
    pub is_seat_enabled: bool,
    pub take_seat_mode: String,
    pub max_seat_count: u32,
    pub max_member_count: u32,
    pub is_unlimited_room_enabled: bool,
    pub seat_template: String,
    /// `Notice` (set by `update_room_info`).
    pub notice: String,
    /// Unix seconds.
    pub create_time: u64,
    /// Entries so far (each entry counts, re-entries too).
    pub view_count: u64,
    /// Likes received (no REST command adds them).
    pub likes: u64,
    /// Online members in entry order.
    pub online: Vec<OnlineMember>,
    /// Administrators (at most 5).
    pub admins: Vec<String>,
    /// Bans (expired ones are pruned as time passes).
    pub bans: Vec<super::Ban>,
    /// Mutes (expired ones are pruned as time passes).
    pub mutes: Vec<super::Mute>,
    /// Metadata, by key.
    pub metadata: std::collections::BTreeMap<String, String>,
    /// Robot accounts (at most 3).
    pub robots: Vec<String>,
    /// Messages sent through the REST API, oldest first.
    pub messages: Vec<super::LiveMessage>,
    /// Gifts let through, oldest first.
    pub gifts: Vec<super::GiftEntry>,
    /// The battle the room is in, if any.
    pub battle: Option<String>,
    /// Seats, index 0 first (`MaxSeatCount` of them; none when seats are
    /// off): the `room_engine_http_mic` commands work on them as on a Room
    /// room's (see [`SeatHost`](crate::state::seats::SeatHost)).
    pub seats: Vec<crate::state::Seat>,
    /// Creation order (ties of the room list).
    pub(super) seq: u64,
    pub(super) next_entry: u64,
    pub(super) next_msg_seq: u64,
}

/// `get_room_stats` (and `get_room_statistic`), with the answers' wire names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
#[allow(missing_docs)]
pub struct LiveStats {
    pub total_viewers: u64,
    pub total_gifts_sent: u64,
    pub total_gift_coins: u64,
    pub total_unique_gift_senders: u64,
    pub total_likes_received: u64,
    pub total_msg_count: u64,
}

/// One page of `get_room_list`.
#[derive(Debug, Clone)]
pub struct RoomPage<'a> {
    /// The rooms of this page, in list order.
    pub rooms: Vec<&'a LiveRoom>,
    /// Cursor of the next page; empty when this is the last one.
    pub next: String,
}

/// One page of `get_member_list`.
#[derive(Debug, Clone)]
pub struct MemberPage {
    /// The members of this page, in entry order.
    pub members: Vec<OnlineMember>,
    /// Cursor of the next page; empty when this is the last one.
    pub next: String,
    /// Everyone online in the room.
    pub member_count: u64,
}

fn check_take_seat_mode(mode: &str) -> Result<(), ApiError> {
    match mode {
        "FreeToTake" | "ApplyToTake" => Ok(()),
        other => Err(ApiError::bad_param(format!(
            "TakeSeatMode {other:?} is not FreeToTake or ApplyToTake"
        ))),
    }
}

fn check_category(category: &[i64]) -> Result<(), ApiError> {
    if category.len() > MAX_CATEGORY {
        return Err(ApiError::bad_param(format!(
            "Category has {} tags; at most {MAX_CATEGORY}",
            category.len()
        )));
    }
    Ok(())
}

fn check_cover_url(url: &str) -> Result<(), ApiError> {
    if url.len() > MAX_COVER_URL_BYTES {
        return Err(ApiError::bad_param(format!(
            "CoverURL has {} bytes; at most {MAX_COVER_URL_BYTES}",
            url.len()
        )));
    }
    Ok(())
}

fn check_member_cap(value: u32, package: u32) -> Result<(), ApiError> {
    if value == 0 || value > package {
        return Err(ApiError::bad_param(format!(
            "MaxMemberCount {value} is outside 1..={package} (package limit)"
        )));
    }
    Ok(())
}

/// The list order key: ViewCount descending (or ascending), then creation.
fn sort_key(room: &LiveRoom, ascending: bool) -> (u64, u64) {
    let view = if ascending {
        room.view_count
    } else {
        u64::MAX - room.view_count
    };
    (view, room.seq)
}

impl LiveRoom {
    fn create(
        ctx: &Ctx,
        spec: LiveRoomSpec,
        admin: &str,
        cap: u32,
        seq: u64,
    ) -> Result<Self, ApiError> {
        if spec.room_id.is_empty() {
            return Err(ApiError::bad_param("RoomInfo.RoomId is empty"));
        }
        if spec.room_id.len() > MAX_ROOM_ID_BYTES
            || !spec.room_id.bytes().all(|b| (0x20..=0x7e).contains(&b))
        {
            return Err(ApiError::bad_param(format!(
                "RoomInfo.RoomId must be printable ASCII of at most {MAX_ROOM_ID_BYTES} bytes"
            )));
        }
        if spec.room_type != LIVE_ROOM_TYPE {
            return Err(ApiError::bad_param(format!(
                "RoomInfo.RoomType {:?} is not supported (Live)",
                spec.room_type
            )));
        }
        if let Some(owner) = &spec.owner {
            check_account("RoomInfo.Owner_Account", owner)?;
        }
        check_category(&spec.category)?;
        if let Some(url) = &spec.cover_url {
            check_cover_url(url)?;
        }
        let take_seat_mode = spec.take_seat_mode.unwrap_or_else(|| "ApplyToTake".into());
        check_take_seat_mode(&take_seat_mode)?;
        let max_member_count = spec.max_member_count.unwrap_or(cap);
        check_member_cap(max_member_count, cap)?;
        let is_seat_enabled = spec.is_seat_enabled.unwrap_or(true);
        let max_seat_count = spec.max_seat_count.unwrap_or(DEFAULT_MAX_SEAT_COUNT);
        if is_seat_enabled && !(1..=100).contains(&max_seat_count) {
            return Err(ApiError::bad_param(format!(
                "RoomInfo.MaxSeatCount {max_seat_count} is outside 1..=100"
            )));
        }
        Ok(Self {
            name: spec.name.unwrap_or_else(|| spec.room_id.clone()),
            id: spec.room_id,
            owner: spec.owner.unwrap_or_else(|| admin.to_owned()),
            cover_url: spec.cover_url.unwrap_or_default(),
            background_url: spec.background_url.unwrap_or_default(),
            category: spec.category,
            custom_info: spec.custom_info.unwrap_or_default(),
            activity_status: spec.activity_status.unwrap_or(0),
            is_public_visible: spec.is_public_visible.unwrap_or(true),
            is_message_disabled: spec.is_message_disabled.unwrap_or(false),
            is_seat_enabled,
            take_seat_mode,
            max_seat_count: if is_seat_enabled { max_seat_count } else { 0 },
            max_member_count,
            is_unlimited_room_enabled: spec.is_unlimited_room_enabled.unwrap_or(false),
            seat_template: spec.seat_template.unwrap_or_default(),
            notice: String::new(),
            create_time: ctx.now,
            view_count: 0,
            likes: 0,
            online: Vec::new(),
            admins: Vec::new(),
            bans: Vec::new(),
            mutes: Vec::new(),
            metadata: Default::default(),
            robots: Vec::new(),
            messages: Vec::new(),
            gifts: Vec::new(),
            battle: None,
            seats: if is_seat_enabled {
                vec![crate::state::Seat::default(); max_seat_count as usize]
            } else {
                Vec::new()
            },
            seq,
            next_entry: 1,
            next_msg_seq: 1,
        })
    }

    /// The room's `RoomInfo` as the callbacks carry it.
    pub fn info_json(&self) -> Value {
        json!({
            "RoomId": self.id,
            "RoomName": self.name,
            "RoomType": LIVE_ROOM_TYPE,
            "Owner_Account": self.owner,
            "MaxMemberCount": self.max_member_count,
            "IsMessageDisabled": self.is_message_disabled,
            "CustomInfo": self.custom_info,
            "IsSeatEnabled": self.is_seat_enabled,
            "TakeSeatMode": self.take_seat_mode,
            "MaxSeatCount": self.max_seat_count,
            "CreateTime": self.create_time,
            "IsPublicVisible": self.is_public_visible,
            "CoverURL": self.cover_url,
            "BackgroundURL": self.background_url,
            "Category": self.category,
            "ActivityStatus": self.activity_status,
            "ViewCount": self.view_count,
            "IsUnlimitedRoomEnabled": self.is_unlimited_room_enabled,
        })
    }

    /// Whether `account` is online in the room.
    pub fn is_online(&self, account: &str) -> bool {
        self.online.iter().any(|m| m.account == account)
    }

    /// `get_room_stats`.
    pub fn stats(&self) -> LiveStats {
        let senders: std::collections::BTreeSet<&str> =
            self.gifts.iter().map(|g| g.from.as_str()).collect();
        LiveStats {
            total_viewers: self.view_count,
            total_gifts_sent: self.gifts.iter().map(|g| g.total_count()).sum(),
            total_gift_coins: self.gifts.iter().map(|g| g.total_coins()).sum(),
            total_unique_gift_senders: senders.len() as u64,
            total_likes_received: self.likes,
            total_msg_count: self.messages.len() as u64,
        }
    }

    /// Members leave (`cause`: `Leave` or `Kicked`), with their callback.
    pub(super) fn drop_online(&mut self, ctx: &mut Ctx, accounts: &[String], cause: &str) {
        let gone: Vec<String> = accounts
            .iter()
            .filter(|a| self.is_online(a))
            .cloned()
            .collect();
        if gone.is_empty() {
            return;
        }
        self.online.retain(|m| !gone.contains(&m.account));
        // Their seats are freed (as a Room room's are).
        let mut freed = Vec::new();
        for (index, seat) in self.seats.iter_mut().enumerate() {
            if seat.member.as_ref().is_some_and(|m| gone.contains(m)) {
                seat.member = None;
                freed.push(index);
            }
        }
        self.emit_seats(ctx, &freed);
        member_state(ctx, &self.id, "Offline", cause, &gone);
    }
}

fn member_state(ctx: &mut Ctx, room_id: &str, kind: &str, cause: &str, accounts: &[String]) {
    let list: Vec<Value> = accounts
        .iter()
        .map(|a| json!({ "Member_Account": a }))
        .collect();
    ctx.emit_json(
        events::LIVE_AFTER_MEMBER_STATE_CHANGED,
        json!({ "RoomId": room_id, "EventType": kind, "EventCause": cause, "MemberList": list }),
    );
}

impl Live {
    /// `create_room` (see [`State::live_create_room`](crate::state::State::live_create_room),
    /// which also checks Room rooms). `admin` owns a room without
    /// `Owner_Account`; `cap` is the package's member cap.
    pub fn create_room(
        &mut self,
        ctx: &mut Ctx,
        spec: LiveRoomSpec,
        admin: &str,
        cap: u32,
    ) -> Result<(), ApiError> {
        if let Some(existing) = self.rooms.get(&spec.room_id) {
            let owner = spec.owner.as_deref().unwrap_or(admin);
            return Err(if existing.owner == owner {
                ApiError::new(
                    codes::ROOM_EXISTS_SAME_OWNER,
                    format!(
                        "room {:?} already exists with the same Owner_Account; use it",
                        spec.room_id
                    ),
                )
            } else {
                ApiError::new(
                    codes::ROOM_EXISTS,
                    format!("room ID {:?} already exists", spec.room_id),
                )
            });
        }
        self.next_room_seq += 1;
        let room = LiveRoom::create(ctx, spec, admin, cap, self.next_room_seq)?;
        ctx.emit_json(
            events::LIVE_AFTER_CREATE_ROOM,
            json!({ "Operator_Account": ctx.operator, "RoomInfo": room.info_json() }),
        );
        self.rooms.insert(room.id.clone(), room);
        Ok(())
    }

    /// `destroy_room`: ends the room's battle (OpType 1).
    pub fn destroy_room(&mut self, ctx: &mut Ctx, room_id: &str) -> Result<(), ApiError> {
        let battle = self.room(room_id)?.battle.clone();
        if let Some(battle) = battle {
            self.leave_battle(ctx, &battle, room_id);
        }
        let room = self
            .rooms
            .remove(room_id)
            .ok_or_else(|| ApiError::room_not_found(room_id))?;
        let stats = room.stats();
        let mut info = room.info_json();
        if let Some(map) = info.as_object_mut() {
            map.remove("RoomId");
        }
        ctx.emit_json(
            events::LIVE_AFTER_DESTROY_ROOM,
            json!({
                "Operator_Account": ctx.operator,
                "RoomId": room_id,
                "EventType": "DestroyByUser",
                "RoomInfo": info,
                "Statistic": {
                    "TotalViewers": stats.total_viewers,
                    "TotalGiftsSent": stats.total_gifts_sent,
                    "TotalGiftCoins": stats.total_gift_coins,
                    "TotalUniqueGiftSenders": stats.total_unique_gift_senders,
                    "TotalLikesReceived": stats.total_likes_received,
                },
            }),
        );
        Ok(())
    }

    /// `update_room_info`: absent fields keep their value; the callback
    /// lists the changed ones. `cap` is the package's member cap.
    pub fn update_room(
        &mut self,
        ctx: &mut Ctx,
        room_id: &str,
        update: LiveRoomUpdate,
        cap: u32,
    ) -> Result<(), ApiError> {
        let room = self.room_mut(room_id)?;
        if let Some(mode) = &update.take_seat_mode {
            check_take_seat_mode(mode)?;
        }
        if let Some(category) = &update.category {
            check_category(category)?;
        }
        if let Some(url) = &update.cover_url {
            check_cover_url(url)?;
        }
        if let Some(max) = update.max_member_count {
            check_member_cap(max, cap)?;
            if (max as usize) < room.online.len() {
                return Err(ApiError::bad_param(format!(
                    "MaxMemberCount {max} is below the {} members online",
                    room.online.len()
                )));
            }
        }
        let mut changed = Map::new();
        changed.insert("RoomId".into(), room.id.clone().into());
        macro_rules! apply {
            ($($field:ident => $wire:literal,)*) => {$(
                if let Some(v) = update.$field {
                    changed.insert($wire.into(), json!(v));
                    room.$field = v;
                }
            )*};
        }
        apply! {
            name => "RoomName",
            cover_url => "CoverURL",
            background_url => "BackgroundURL",
            category => "Category",
            custom_info => "CustomInfo",
            activity_status => "ActivityStatus",
            is_public_visible => "IsPublicVisible",
            is_message_disabled => "IsMessageDisabled",
            take_seat_mode => "TakeSeatMode",
            max_member_count => "MaxMemberCount",
            notice => "Notice",
            is_unlimited_room_enabled => "IsUnlimitedRoomEnabled",
        }
        ctx.emit_json(
            events::LIVE_AFTER_UPDATE_ROOM_INFO,
            json!({ "Operator_Account": ctx.operator, "RoomInfo": changed }),
        );
        Ok(())
    }

    /// `get_room_list`: `count` rooms (0: 20; at most 20) after cursor
    /// `next` (`""` or `"0"`: the first page), by ViewCount descending
    /// (`ascending`: ascending), ties in creation order. The cursor names
    /// the last room's position, so rooms whose ViewCount changes between
    /// pages are neither skipped nor repeated unless they move across it.
    pub fn room_page(
        &self,
        next: &str,
        count: u32,
        ascending: bool,
    ) -> Result<RoomPage<'_>, ApiError> {
        let count = if count == 0 { MAX_ROOM_PAGE } else { count };
        if count > MAX_ROOM_PAGE {
            return Err(ApiError::bad_param(format!(
                "Count {count} is above {MAX_ROOM_PAGE}"
            )));
        }
        let after = match next {
            "" | "0" => None,
            cursor => Some(parse_room_cursor(cursor, ascending)?),
        };
        let mut rooms: Vec<&LiveRoom> = self
            .rooms
            .values()
            .filter(|r| after.is_none_or(|a| sort_key(r, ascending) > a))
            .collect();
        rooms.sort_by_key(|r| sort_key(r, ascending));
        let more = rooms.len() > count as usize;
        rooms.truncate(count as usize);
        let next = match rooms.last() {
            Some(last) if more => format!("{}-{}", last.view_count, last.seq),
            _ => String::new(),
        };
        Ok(RoomPage { rooms, next })
    }

    /// A user enters a live room (control API). Entering while online is a
    /// no-op; a banned user is refused (100006); each entry counts a view.
    pub fn enter(&mut self, ctx: &mut Ctx, room_id: &str, account: &str) -> Result<(), ApiError> {
        check_account("Member_Account", account)?;
        let room = self.room_mut(room_id)?;
        if room.is_online(account) {
            return Ok(());
        }
        if room.is_banned(account, ctx.now) {
            return Err(ApiError::no_permission(format!(
                "user {account:?} is banned from the room"
            )));
        }
        if !room.is_unlimited_room_enabled && room.online.len() >= room.max_member_count as usize {
            return Err(ApiError::bad_param(format!(
                "room is full ({} members)",
                room.max_member_count
            )));
        }
        room.online.push(OnlineMember {
            account: account.to_owned(),
            entered_at: ctx.now,
            seq: room.next_entry,
        });
        room.next_entry += 1;
        room.view_count += 1;
        member_state(ctx, room_id, "Online", "Enter", &[account.to_owned()]);
        Ok(())
    }

    /// A member leaves a live room (control API); 100005 if not online.
    pub fn leave(&mut self, ctx: &mut Ctx, room_id: &str, account: &str) -> Result<(), ApiError> {
        let room = self.room_mut(room_id)?;
        if !room.is_online(account) {
            return Err(ApiError::not_member(account));
        }
        room.drop_online(ctx, &[account.to_owned()], "Leave");
        Ok(())
    }

    /// `get_member_list`: up to [`MEMBER_PAGE`] online members after cursor
    /// `next` (`""`: the first page).
    pub fn member_page(&self, room_id: &str, next: &str) -> Result<MemberPage, ApiError> {
        let room = self.room(room_id)?;
        let after = match next {
            "" => 0,
            cursor => cursor.parse::<u64>().map_err(|_| {
                ApiError::bad_param(format!("Next {cursor:?} is not a cursor of this list"))
            })?,
        };
        let rest: Vec<&OnlineMember> = room.online.iter().filter(|m| m.seq > after).collect();
        let more = rest.len() > MEMBER_PAGE;
        let members: Vec<OnlineMember> = rest.into_iter().take(MEMBER_PAGE).cloned().collect();
        let next = match members.last() {
            Some(last) if more => last.seq.to_string(),
            _ => String::new(),
        };
        Ok(MemberPage {
            members,
            next,
            member_count: room.online.len() as u64,
        })
    }

    /// `change_room_owner`: 100016 when the new owner is banned.
    pub fn change_owner(
        &mut self,
        ctx: &mut Ctx,
        room_id: &str,
        new_owner: &str,
    ) -> Result<(), ApiError> {
        check_account("NewOwner_Account", new_owner)?;
        let room = self.room_mut(room_id)?;
        if room.is_banned(new_owner, ctx.now) {
            return Err(ApiError::new(
                codes::NEW_OWNER_BANNED,
                format!("new owner {new_owner:?} is banned from the room"),
            ));
        }
        if room.owner == new_owner {
            return Ok(());
        }
        let original = std::mem::replace(&mut room.owner, new_owner.to_owned());
        room.admins.retain(|a| a != new_owner);
        ctx.emit_json(
            events::LIVE_AFTER_CHANGE_OWNER,
            json!({
                "RoomId": room_id,
                "Operator_Account": ctx.operator,
                "CurrentOwner_Account": new_owner,
                "OriginalOwner_Account": original,
            }),
        );
        Ok(())
    }
}

fn parse_room_cursor(cursor: &str, ascending: bool) -> Result<(u64, u64), ApiError> {
    let bad = || ApiError::bad_param(format!("Next {cursor:?} is not a cursor of this list"));
    let (view, seq) = cursor.split_once('-').ok_or_else(bad)?;
    let view: u64 = view.parse().map_err(|_| bad())?;
    let seq: u64 = seq.parse().map_err(|_| bad())?;
    Ok((if ascending { view } else { u64::MAX - view }, seq))
}
