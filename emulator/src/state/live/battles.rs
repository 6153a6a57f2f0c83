//! PK battles between live rooms (`live_engine_http_pk`).
//!
//! `create_battle` answers per callee room (ResultCode 0 invited, 3 already
//! in another battle, 5 failed, e.g. no such room); the battle starts at
//! once with the rooms that could join and ends after `Duration`
//! milliseconds on the emulator's clock ([`Live::tick`]), or explicitly
//! ([`Live::end_battle`]), or when one of its rooms is destroyed.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::Live;
use crate::error::ApiError;
use crate::events;
use crate::state::Ctx;

/// ResultCode: the room was invited (and joined).
pub const RESULT_OK: i64 = 0;
/// ResultCode: the room is already in another battle.
pub const RESULT_IN_BATTLE: i64 = 3;
/// ResultCode: the room could not join (no such room, the caller itself).
pub const RESULT_FAILED: i64 = 5;
/// `Timeout` of the CreateBattle callback (ms; the documented sample's).
pub const INVITE_TIMEOUT_MS: u64 = 30_000;

/// Why a battle ended (`OpType` of `Live.CallbackAfterEndBattle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BattleEnd {
    /// 0: its duration ran out.
    Timeout,
    /// 1: the owners left (ended through the control API, or a room was
    /// destroyed).
    OwnersLeft,
    /// 2: it never started.
    NeverStarted,
}

impl BattleEnd {
    /// The `OpType` value.
    pub fn code(self) -> i64 {
        match self {
            Self::Timeout => 0,
            Self::OwnersLeft => 1,
            Self::NeverStarted => 2,
        }
    }
}

/// One callee room's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BattleResult {
    /// The callee room.
    pub room_id: String,
    /// `ResultCode`: 0 (joined), 3 (already in another battle) or 5 (failed: unknown room or the calling room).
    pub code: i64,
    /// `ResultMessage`.
    pub message: String,
}

/// What `create_battle` answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedBattle {
    /// `BattleId`; empty when no callee could join (no battle exists then).
    pub battle_id: String,
    /// Per callee room, in request order (duplicates once).
    pub results: Vec<BattleResult>,
}

/// A battle.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Battle {
    /// `BattleId`.
    pub id: String,
    /// Who created it.
    pub operator: String,
    /// The caller room.
    pub from_room: String,
    /// The callee rooms that joined.
    pub to_rooms: Vec<String>,
    /// `Duration`, milliseconds.
    pub duration_ms: u64,
    /// `ExtensionInfo`.
    pub extension: String,
    /// Unix milliseconds (it starts when created).
    pub start_ms: u64,
    /// Planned end while running; actual end once ended (unix ms).
    pub end_ms: u64,
    /// `None` while running.
    pub ended: Option<BattleEnd>,
    /// Room owners when it started, by room.
    pub owners: BTreeMap<String, String>,
    /// Score per room (0 unless something scores).
    pub scores: BTreeMap<String, i64>,
}

impl Battle {
    /// `CreateTime` / `StartTime`, unix seconds.
    pub fn start_time(&self) -> u64 {
        self.start_ms / 1000
    }

    /// `EndTime` (planned while running), unix seconds.
    pub fn end_time(&self) -> u64 {
        self.end_ms / 1000
    }

    /// Every room of the battle, the caller first.
    pub fn rooms(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.from_room).chain(&self.to_rooms)
    }

    fn room_json(&self, room: &str, owner: &str, with_score: bool) -> Value {
        let mut v = json!({ "RoomId": room, "Owner_Account": owner });
        if with_score {
            v["Score"] = self.scores.get(room).copied().unwrap_or(0).into();
        }
        v
    }
}

/// Standard base64 (with padding), as Tencent's battle IDs look.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Live {
    fn owner_of(&self, battle: &Battle, room: &str) -> String {
        self.rooms
            .get(room)
            .map(|r| r.owner.clone())
            .or_else(|| battle.owners.get(room).cloned())
            .unwrap_or_default()
    }

    /// Each callee room's outcome (duplicates listed once): 0 joins, 3 is
    /// in another battle, 5 does not exist or is the calling room.
    fn invite_results(&self, from_room: &str, to_rooms: &[String]) -> Vec<BattleResult> {
        let mut results: Vec<BattleResult> = Vec::new();
        for room_id in to_rooms {
            if results.iter().any(|r| &r.room_id == room_id) {
                continue;
            }
            let (code, message) = match self.rooms.get(room_id) {
                _ if room_id == from_room => (RESULT_FAILED, "a room cannot battle itself".into()),
                None => (RESULT_FAILED, format!("room {room_id:?} does not exist")),
                Some(r) if r.battle.is_some() => {
                    (RESULT_IN_BATTLE, "room is already in another battle".into())
                }
                Some(_) => (RESULT_OK, "ok".into()),
            };
            results.push(BattleResult {
                room_id: room_id.clone(),
                code,
                message,
            });
        }
        results
    }

    /// `Live.CallbackAfterCreateBattle` and `Live.CallbackAfterStartBattle`
    /// of a battle that starts at once.
    fn emit_battle_started(&self, ctx: &mut Ctx, battle: &Battle) {
        ctx.emit_json(
            events::LIVE_AFTER_CREATE_BATTLE,
            json!({
                "Operator_Account": ctx.operator,
                "BattleId": battle.id,
                "FromRoomId": battle.from_room,
                "ToRoomIdList": battle.to_rooms,
                "Timeout": INVITE_TIMEOUT_MS,
                "Duration": battle.duration_ms,
                "NeedResponse": false,
                "ExtensionInfo": battle.extension,
            }),
        );
        let to_list: Vec<Value> = battle
            .to_rooms
            .iter()
            .map(|r| battle.room_json(r, &self.owner_of(battle, r), false))
            .collect();
        ctx.emit_json(
            events::LIVE_AFTER_START_BATTLE,
            json!({
                "BattleId": battle.id,
                "Duration": battle.duration_ms,
                "CreateTime": battle.start_time(),
                "StartTime": battle.start_time(),
                "FromRoomInfo": battle.room_json(&battle.from_room, &self.owner_of(battle, &battle.from_room), false),
                "ToRoomList": to_list,
            }),
        );
    }

    /// `create_battle`: 100004 when the caller room does not exist, 100002
    /// when it is in a battle, the callee list is empty or the duration is
    /// 0. Callees answer per room; the battle starts with those that joined.
    pub fn create_battle(
        &mut self,
        ctx: &mut Ctx,
        from_room: &str,
        to_rooms: &[String],
        duration_ms: u64,
        extension: &str,
    ) -> Result<CreatedBattle, ApiError> {
        let from = self.room(from_room)?;
        if let Some(current) = &from.battle {
            return Err(ApiError::bad_param(format!(
                "room {from_room:?} is already in battle {current:?}"
            )));
        }
        if to_rooms.is_empty() {
            return Err(ApiError::bad_param("ToRoomIdList is empty"));
        }
        if duration_ms == 0 {
            return Err(ApiError::bad_param("Duration must be at least 1 ms"));
        }
        let results = self.invite_results(from_room, to_rooms);
        let joined: Vec<String> = results
            .iter()
            .filter(|r| r.code == RESULT_OK)
            .map(|r| r.room_id.clone())
            .collect();
        if joined.is_empty() {
            return Ok(CreatedBattle {
                battle_id: String::new(),
                results,
            });
        }
        self.next_battle_seq += 1;
        let digest = Sha256::new()
            .chain_update(self.next_battle_seq.to_be_bytes())
            .chain_update(ctx.now_ms.to_be_bytes())
            .chain_update(rand::random::<u64>().to_be_bytes())
            .finalize();
        let id = base64(&digest);
        let mut battle = Battle {
            id: id.clone(),
            operator: ctx.operator.clone(),
            from_room: from_room.to_owned(),
            to_rooms: joined,
            duration_ms,
            extension: extension.to_owned(),
            start_ms: ctx.now_ms,
            end_ms: ctx.now_ms.saturating_add(duration_ms),
            ended: None,
            owners: BTreeMap::new(),
            scores: BTreeMap::new(),
        };
        let rooms: Vec<String> = battle.rooms().cloned().collect();
        for room_id in &rooms {
            if let Some(room) = self.rooms.get_mut(room_id) {
                room.battle = Some(id.clone());
                battle.owners.insert(room_id.clone(), room.owner.clone());
                battle.scores.insert(room_id.clone(), 0);
            }
        }
        self.emit_battle_started(ctx, &battle);
        self.battle_ends.insert((battle.end_ms, id.clone()));
        self.battles.insert(id.clone(), battle);
        Ok(CreatedBattle {
            battle_id: id,
            results,
        })
    }

    /// The battle `battle_id` (running or ended); 100002 if unknown.
    pub fn battle(&self, battle_id: &str) -> Result<&Battle, ApiError> {
        self.battles
            .get(battle_id)
            .ok_or_else(|| ApiError::bad_param(format!("battle {battle_id:?} does not exist")))
    }

    /// The battle `room_id` is in now, if any (100004 for no room).
    pub fn battle_of_room(&self, room_id: &str) -> Result<Option<&Battle>, ApiError> {
        Ok(self
            .room(room_id)?
            .battle
            .as_deref()
            .and_then(|id| self.battles.get(id)))
    }

    /// Ends every battle whose duration ran out by `ctx.now_ms` (OpType 0,
    /// `EndTime` its planned end). Cheap when none did.
    pub fn tick(&mut self, ctx: &mut Ctx) {
        while let Some((end_ms, id)) = self.battle_ends.first().cloned() {
            if end_ms > ctx.now_ms {
                break;
            }
            self.finish(ctx, &id, BattleEnd::Timeout, end_ms);
        }
    }

    /// Ends a running battle now (control API; OpType 1). 100002 when it
    /// does not exist or has ended.
    pub fn end_battle(&mut self, ctx: &mut Ctx, battle_id: &str) -> Result<(), ApiError> {
        if self.battle(battle_id)?.ended.is_some() {
            return Err(ApiError::bad_param(format!(
                "battle {battle_id:?} has already ended"
            )));
        }
        self.finish(ctx, battle_id, BattleEnd::OwnersLeft, ctx.now_ms);
        Ok(())
    }

    /// A room of the battle goes away (destroyed): the battle ends (OpType 1).
    pub(super) fn leave_battle(&mut self, ctx: &mut Ctx, battle_id: &str, _room_id: &str) {
        let running = self
            .battles
            .get(battle_id)
            .is_some_and(|b| b.ended.is_none());
        if running {
            self.finish(ctx, battle_id, BattleEnd::OwnersLeft, ctx.now_ms);
        }
    }

    fn finish(&mut self, ctx: &mut Ctx, battle_id: &str, cause: BattleEnd, end_ms: u64) {
        let Some(mut battle) = self.battles.remove(battle_id) else {
            return;
        };
        self.battle_ends.remove(&(battle.end_ms, battle.id.clone()));
        battle.end_ms = end_ms.min(battle.end_ms);
        battle.ended = Some(cause);
        for room_id in battle.rooms() {
            if let Some(room) = self.rooms.get_mut(room_id) {
                if room.battle.as_deref() == Some(battle_id) {
                    room.battle = None;
                }
            }
        }
        let to_list: Vec<Value> = battle
            .to_rooms
            .iter()
            .map(|r| battle.room_json(r, &self.owner_of(&battle, r), true))
            .collect();
        ctx.emit_json(
            events::LIVE_AFTER_END_BATTLE,
            json!({
                "BattleId": battle.id,
                "Duration": battle.duration_ms,
                "CreateTime": battle.start_time(),
                "StartTime": battle.start_time(),
                "EndTime": battle.end_time(),
                "OpType": cause.code(),
                "FromRoomInfo": battle.room_json(&battle.from_room, &self.owner_of(&battle, &battle.from_room), true),
                "ToRoomList": to_list,
            }),
        );
        self.battles.insert(battle.id.clone(), battle);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(super::base64(b""), "");
        assert_eq!(super::base64(b"f"), "Zg==");
        assert_eq!(super::base64(b"fo"), "Zm8=");
        assert_eq!(super::base64(b"foo"), "Zm9v");
        assert_eq!(super::base64(&[0xfb, 0xff]), "+/8=");
        assert_eq!(super::base64(&[0u8; 32]).len(), 44);
    }
}
