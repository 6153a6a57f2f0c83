//! The Live (TUILiveKit) service's state: live rooms and their members,
//! metadata, moderation, robots, messages, gifts, PK battles, and the Live
//! callback settings; plus the Chat groups and profiles behind rooms.
//!
//! Plain Rust over its own small types (the handlers map the SDK's
//! generated `Live*` types onto them). Methods validate like the service and
//! answer the documented codes (`live_error_codes` of the reference):
//!
//! | code | when |
//! | --- | --- |
//! | 100002 | a bad parameter (empty lists, unknown enum text, limits the state checks) |
//! | 100003 | `create_room`: the ID is taken (by another owner's live room, or a Room room) |
//! | 100004 | the live room does not exist |
//! | 100006 | `add_robot` on a room that is not a Live room; entering while banned |
//! | 100010 | `create_room`: the same owner already created this ID (reuse it) |
//! | 100016 | `change_room_owner`: the new owner is banned |
//! | 100020 | `modify_admin`: more than 5 administrators |
//! | 100300 / 100301 | `set_callback` with one configured / update, get, delete without |
//! | 100302 | `get_callback_token` / `delete_callback_token` without a token |
//! | 100500 / 100501 / 100502 | metadata: > 10 keys / a value > 2 KB / values > 16 KB |
//! | 102002 | `send_gift`: a gift list is seeded and does not have the gift |
//! | 102004, 102100..=102200 | `send_gift`: the app's before-callback receiver refused it or failed (the server asks it between [`Live::check_gift`] and [`Live::record_gift`]), or, without a receiver, the played answer did ([`Live::gift_refusal`]) |
//! | 10004 | `get_appid_group_list`: Limit above 10000 or an unknown GroupType |
//!
//! Live rooms have seats ([`LiveRoom::seats`]) that the shared
//! `room_engine_http_mic` commands serve as they serve a Room room's
//! ([`SeatHost`](crate::state::seats::SeatHost)); their seat callbacks go to
//! the Live callback configuration.
//!
//! Live callbacks are recorded in the [`Ctx`] as JSON shaped like the
//! documented samples (`Live.CallbackAfter...`).

mod battles;
mod callback;
mod gifts;
mod groups;
mod metadata;
mod moderation;
mod robots;
mod rooms;

use std::collections::{BTreeMap, BTreeSet};

pub use battles::{Battle, BattleEnd, BattleResult, CreatedBattle};
pub use callback::{CallbackToken, LIVE_CALLBACK_COMMANDS};
pub use gifts::{Gift, GiftCount, GiftEntry};
pub use groups::{Group, GroupPage, Groups, Profiles, MAX_GROUP_PAGE, ROOM_GROUP_TYPE};
pub use metadata::{
    MAX_METADATA_KEYS, MAX_METADATA_KEY_BYTES, MAX_METADATA_TOTAL, MAX_METADATA_VALUE,
};
pub use moderation::{AdminOp, Ban, Mute, MAX_ADMINS, MAX_BANNED_PAGE, MAX_BAN_ACCOUNTS};
pub use robots::{LiveMessage, MessageBody, SentMessage, MAX_ROBOTS};
pub use rooms::{
    LiveRoom, LiveRoomSpec, LiveRoomUpdate, LiveStats, MemberPage, OnlineMember, RoomPage,
    MAX_ROOM_PAGE, MEMBER_PAGE,
};

use super::{CallbackConfig, Ctx, State};
use crate::error::ApiError;

/// Everything the Live service remembers (one per app).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Live {
    rooms: BTreeMap<String, LiveRoom>,
    next_room_seq: u64,
    battles: BTreeMap<String, Battle>,
    /// Running battles by planned end: `(end_ms, battle_id)`.
    battle_ends: BTreeSet<(u64, String)>,
    next_battle_seq: u64,
    /// `None`: any gift ID is accepted.
    gift_list: Option<BTreeMap<String, Gift>>,
    /// The played answer of the gift before-callback (0 allows).
    gift_decision: i64,
    callback: Option<CallbackConfig>,
    token: Option<CallbackToken>,
}

impl Live {
    /// Whether the live room `room_id` exists.
    pub fn contains(&self, room_id: &str) -> bool {
        self.rooms.contains_key(room_id)
    }

    /// The live room `room_id`, or 100004.
    pub fn room(&self, room_id: &str) -> Result<&LiveRoom, ApiError> {
        self.rooms
            .get(room_id)
            .ok_or_else(|| ApiError::room_not_found(room_id))
    }

    /// The live room `room_id` for changing, or 100004.
    pub fn room_mut(&mut self, room_id: &str) -> Result<&mut LiveRoom, ApiError> {
        self.rooms
            .get_mut(room_id)
            .ok_or_else(|| ApiError::room_not_found(room_id))
    }

    /// Number of live rooms.
    pub fn room_count(&self) -> usize {
        self.rooms.len()
    }

    /// The IDs of the live rooms.
    pub fn room_ids(&self) -> impl Iterator<Item = &String> {
        self.rooms.keys()
    }

    /// The links a loaded state must keep (see
    /// [`Snapshot::check`](crate::state::snapshot::Snapshot::check)): rooms
    /// and battles filed under their own IDs, a room's battle exists and
    /// names the room, each running battle has its planned end.
    pub(crate) fn check_stored(&self) -> Result<(), String> {
        for (key, room) in &self.rooms {
            if *key != room.id {
                return Err(format!(
                    "live rooms: room {:?} is filed under {key:?}",
                    room.id
                ));
            }
            if room.seq > self.next_room_seq {
                return Err(format!(
                    "live room {key:?}: seq {} is above next_room_seq {}",
                    room.seq, self.next_room_seq
                ));
            }
            if let Some(id) = &room.battle {
                let battle = self.battles.get(id).ok_or_else(|| {
                    format!("live room {key:?} is in battle {id:?}, which does not exist")
                })?;
                if battle.from_room != *key && !battle.to_rooms.contains(key) {
                    return Err(format!(
                        "live room {key:?} is in battle {id:?}, which does not name it"
                    ));
                }
            }
        }
        for (key, battle) in &self.battles {
            if *key != battle.id {
                return Err(format!(
                    "battles: battle {:?} is filed under {key:?}",
                    battle.id
                ));
            }
        }
        for (end, id) in &self.battle_ends {
            match self.battles.get(id) {
                Some(b) if b.ended.is_none() && b.end_ms == *end => {}
                _ => {
                    return Err(format!(
                        "battle_ends: ({end}, {id:?}) is not a running battle ending then"
                    ))
                }
            }
        }
        Ok(())
    }

    /// Every live room, by ID.
    pub fn rooms(&self) -> impl Iterator<Item = &LiveRoom> {
        self.rooms.values()
    }

    /// Every PK battle (running and ended), by ID.
    pub fn battles(&self) -> impl Iterator<Item = &Battle> {
        self.battles.values()
    }
}

impl State {
    /// Live `create_room` (the ID space is shared with Room rooms: their
    /// Chat groups have the room's ID). Registers the room's group.
    pub fn live_create_room(&mut self, ctx: &mut Ctx, spec: LiveRoomSpec) -> Result<(), ApiError> {
        if self.has_room(&spec.room_id) {
            return Err(ApiError::new(
                crate::error::codes::ROOM_EXISTS,
                format!("room ID {:?} already exists (a Room room)", spec.room_id),
            ));
        }
        let id = spec.room_id.clone();
        let (admin, cap) = (self.admin.clone(), self.package_max_members);
        self.live.create_room(ctx, spec, &admin, cap)?;
        self.groups.add(&id, ROOM_GROUP_TYPE);
        Ok(())
    }

    /// Live `destroy_room`: ends its battle, drops its group.
    pub fn live_destroy_room(&mut self, ctx: &mut Ctx, room_id: &str) -> Result<(), ApiError> {
        self.live.destroy_room(ctx, room_id)?;
        self.groups.remove(room_id);
        Ok(())
    }

    /// `add_robot`: 100006 for a Room (Conference) room, 100004 for no room.
    pub fn live_add_robot(
        &mut self,
        ctx: &mut Ctx,
        room_id: &str,
        robots: &[String],
    ) -> Result<(), ApiError> {
        if !self.live.contains(room_id) && self.has_room(room_id) {
            return Err(ApiError::no_permission(format!(
                "room {room_id:?} is not a Live room; robots need RoomType Live"
            )));
        }
        self.live.add_robots(ctx, room_id, robots)
    }
}

#[cfg(test)]
mod tests;
