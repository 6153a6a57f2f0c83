//! `live_engine_http_pk`: PK battles.

use trtc_room::{
    LiveBattleInviteResult, LiveBattleRoom, LiveBattleRoomResult, LiveCreateBattle,
    LiveCreateBattleResponse, LiveGetBattleInfo, LiveGetBattleInfoResponse,
};

use crate::error::ApiError;
use crate::state::live::Battle;
use crate::state::{Ctx, State};

/// `Status` of a running battle (the values are undocumented; the sample
/// shows 3, read here as ended).
pub const STATUS_RUNNING: i64 = 2;
/// `Status` of an ended battle.
pub const STATUS_ENDED: i64 = 3;

pub fn create_battle(
    state: &mut State,
    ctx: &mut Ctx,
    req: LiveCreateBattle,
) -> Result<LiveCreateBattleResponse, ApiError> {
    let created = state.live.create_battle(
        ctx,
        &req.from_room_id,
        &req.to_room_id_list,
        req.duration,
        req.extension_info.as_deref().unwrap_or(""),
    )?;
    let mut out = LiveCreateBattleResponse::new();
    if !created.battle_id.is_empty() {
        out.battle_id = Some(created.battle_id);
    }
    out.result = Some(
        created
            .results
            .into_iter()
            .map(|r| {
                let mut item = LiveBattleRoomResult::new(
                    r.room_id,
                    LiveBattleInviteResult::from_value(r.code),
                );
                item.result_message = Some(r.message);
                item
            })
            .collect(),
    );
    Ok(out)
}

fn room(state: &State, battle: &Battle, room_id: &str) -> LiveBattleRoom {
    let mut r = LiveBattleRoom::new(room_id);
    r.score = Some(battle.scores.get(room_id).copied().unwrap_or(0));
    r.owner_account = state
        .live
        .room(room_id)
        .ok()
        .map(|room| room.owner.clone())
        .or_else(|| battle.owners.get(room_id).cloned());
    r
}

/// By `BattleId` (running or ended), else by `RoomId` (its running battle;
/// an answer without `BattleId` when it has none); neither: 100002.
pub fn get_battle_info(
    state: &mut State,
    _ctx: &mut Ctx,
    req: LiveGetBattleInfo,
) -> Result<LiveGetBattleInfoResponse, ApiError> {
    let battle = match (&req.battle_id, &req.room_id) {
        (Some(id), _) if !id.is_empty() => Some(state.live.battle(id)?),
        (_, Some(room_id)) if !room_id.is_empty() => state.live.battle_of_room(room_id)?,
        _ => return Err(ApiError::bad_param("give BattleId or RoomId")),
    };
    let mut out = LiveGetBattleInfoResponse::new();
    let Some(battle) = battle else {
        return Ok(out);
    };
    out.battle_id = Some(battle.id.clone());
    out.duration = Some(battle.duration_ms);
    out.start_time = i64::try_from(battle.start_time()).ok();
    out.end_time = i64::try_from(battle.end_time()).ok();
    out.status = Some(if battle.ended.is_some() {
        STATUS_ENDED
    } else {
        STATUS_RUNNING
    });
    out.from_room_info = Some(room(state, battle, &battle.from_room));
    out.to_room_list = Some(
        battle
            .to_rooms
            .iter()
            .map(|r| room(state, battle, r))
            .collect(),
    );
    Ok(out)
}
