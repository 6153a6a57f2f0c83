//! The emulated service's in-memory state: rooms and the callback
//! configuration, the Live service ([`live`]), and the Chat groups and
//! profiles behind both.
//!
//! Methods validate exactly like the service (returning the documented
//! [`ApiError`] codes), change the state, and record the callbacks the change
//! triggers in a [`Ctx`].

pub mod accounts;
pub mod live;
pub mod members;
mod room;
pub(crate) use room::check_account;
pub mod seats;
pub(crate) mod snapshot;

use std::collections::BTreeMap;

use trtc_room::webhook::OptPlatform;
use trtc_room::{CallbackAfterCreateRoom, CallbackAfterDestroyRoom, CallbackCommand, RoomInfo};

pub use room::{Room, Seat};

use crate::error::{codes, ApiError};
use crate::events::{Callback, Event};

/// Who is acting, when, and the events the change produced.
#[derive(Debug)]
pub struct Ctx {
    /// The operator (the admin for REST calls, the user for control calls).
    pub operator: String,
    /// The `OptPlatform` the change's callbacks are delivered with.
    pub platform: OptPlatform,
    /// Now, unix seconds.
    pub now: u64,
    /// Now, unix milliseconds (`EventTime`).
    pub now_ms: u64,
    /// Events produced so far.
    pub events: Vec<Event>,
}

impl Ctx {
    /// A context acting as `operator` from `platform` at the current
    /// wall-clock time (the server uses [`Ctx::at`] with its
    /// [`Clock`](crate::clock::Clock)).
    pub fn new(operator: impl Into<String>, platform: OptPlatform) -> Self {
        Self::at(operator, platform, crate::clock::wall_ms())
    }

    /// A context acting as `operator` from `platform` at `now_ms` (unix
    /// milliseconds).
    pub fn at(operator: impl Into<String>, platform: OptPlatform, now_ms: u64) -> Self {
        Self {
            operator: operator.into(),
            platform,
            now: now_ms / 1000,
            now_ms,
            events: Vec::new(),
        }
    }

    /// Records a callback given as a JSON object (the Live callbacks, which
    /// have no generated payload type here); its `CallbackCommand` and
    /// `EventTime` are set here.
    pub(crate) fn emit_json(&mut self, command: &'static str, mut payload: serde_json::Value) {
        if let Some(map) = payload.as_object_mut() {
            map.insert("CallbackCommand".into(), command.into());
            map.insert("EventTime".into(), self.now_ms.into());
        }
        self.events.push(Event {
            command,
            payload,
            platform: self.platform.clone(),
        });
    }

    /// Records a callback; its `CallbackCommand` and `EventTime` are set here.
    pub(crate) fn emit<C: Callback>(&mut self, mut callback: C) {
        callback.stamp(i64::try_from(self.now_ms).unwrap_or(i64::MAX));
        match serde_json::to_value(&callback) {
            Ok(payload) => self.events.push(Event {
                command: C::COMMAND,
                payload,
                platform: self.platform.clone(),
            }),
            // Not expected: the generated payload types serialize to objects.
            Err(error) => tracing::warn!(command = C::COMMAND, %error, "callback dropped"),
        }
    }
}

/// The callback configuration of the application (one per SDKAppID).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallbackConfig {
    /// Where callbacks are POSTed.
    pub url: String,
    /// The enabled callback commands, as configured.
    pub commands: Vec<String>,
}

/// Everything the emulated service remembers.
#[derive(Debug)]
pub struct State {
    /// The App administrator.
    pub admin: String,
    /// Highest `MaxMemberCount` accepted, and the default.
    pub package_max_members: u32,
    /// Refuse room commands and room entry for accounts that were not
    /// imported (see [`crate::EmulatorConfig::require_imported_accounts`]).
    pub require_imported_accounts: bool,
    /// The Chat account registry (`im_open_login_svc`).
    pub accounts: accounts::Accounts,
    /// The Live service: live rooms, battles, gifts, its callback settings.
    pub live: live::Live,
    /// The Chat groups behind the rooms of both services.
    pub groups: live::Groups,
    /// Chat user profiles (`profile/portrait_set`).
    pub profiles: live::Profiles,
    rooms: BTreeMap<String, Room>,
    callback: Option<CallbackConfig>,
}

impl State {
    /// Empty state.
    pub fn new(admin: impl Into<String>, package_max_members: u32) -> Self {
        Self {
            admin: admin.into(),
            package_max_members,
            require_imported_accounts: false,
            accounts: accounts::Accounts::default(),
            live: live::Live::default(),
            groups: live::Groups::default(),
            profiles: live::Profiles::default(),
            rooms: BTreeMap::new(),
            callback: None,
        }
    }

    /// The room `room_id`, or 100004.
    pub fn room(&self, room_id: &str) -> Result<&Room, ApiError> {
        self.rooms
            .get(room_id)
            .ok_or_else(|| ApiError::room_not_found(room_id))
    }

    /// The room with seats `room_id`, a live room or a Room room, or 100004
    /// (the `room_engine_http_mic` commands serve both).
    pub fn seat_host(&self, room_id: &str) -> Result<&dyn seats::SeatHost, ApiError> {
        match self.live.room(room_id) {
            Ok(live) => Ok(live),
            Err(_) => Ok(self.room(room_id)?),
        }
    }

    /// [`State::seat_host`] for changing.
    pub fn seat_host_mut(&mut self, room_id: &str) -> Result<&mut dyn seats::SeatHost, ApiError> {
        if self.live.contains(room_id) {
            return Ok(self.live.room_mut(room_id)?);
        }
        Ok(self.room_mut(room_id)?)
    }

    /// The room `room_id` for changing, or 100004.
    pub fn room_mut(&mut self, room_id: &str) -> Result<&mut Room, ApiError> {
        self.rooms
            .get_mut(room_id)
            .ok_or_else(|| ApiError::room_not_found(room_id))
    }

    /// Whether `account` exists in the Chat account system: imported, or the
    /// App administrator (which always exists).
    pub fn account_exists(&self, account: &str) -> bool {
        account == self.admin || self.accounts.is_imported(account)
    }

    /// With `require_imported_accounts`, 70107 for an account that does not
    /// exist; otherwise always Ok.
    pub fn require_account(&self, account: &str) -> Result<(), ApiError> {
        if self.require_imported_accounts && !self.account_exists(account) {
            return Err(ApiError::account_not_imported(account));
        }
        Ok(())
    }

    /// Whether a Room (Conference) room `room_id` exists.
    pub fn has_room(&self, room_id: &str) -> bool {
        self.rooms.contains_key(room_id)
    }

    /// Whether `account` is a member of any room right now.
    pub fn in_any_room(&self, account: &str) -> bool {
        self.rooms.values().any(|r| r.is_member(account))
    }

    /// Number of live rooms.
    pub fn room_count(&self) -> usize {
        self.rooms.len()
    }

    /// Every Room room, by ID.
    pub fn rooms(&self) -> impl Iterator<Item = &Room> {
        self.rooms.values()
    }

    /// `create_room`.
    pub fn create_room(
        &mut self,
        ctx: &mut Ctx,
        info: RoomInfo,
        invitees: Vec<String>,
    ) -> Result<(), ApiError> {
        if self.live.contains(&info.room_id) {
            return Err(ApiError::new(
                codes::ROOM_EXISTS,
                format!("room ID {:?} is taken by a live room", info.room_id),
            ));
        }
        if let Some(existing) = self.rooms.get(&info.room_id) {
            // The engine's codes (documented on Live's create_room): the same
            // owner may reuse the room; anyone else must pick another ID.
            let owner = info.owner_account.as_deref().unwrap_or(&self.admin);
            return Err(if existing.owner == owner {
                ApiError::new(
                    codes::ROOM_EXISTS_SAME_OWNER,
                    format!("room {:?} already exists with this owner", info.room_id),
                )
            } else {
                ApiError::new(
                    codes::ROOM_EXISTS,
                    format!("room ID {:?} is already in use", info.room_id),
                )
            });
        }
        let room = Room::create(ctx, info, invitees, &self.admin, self.package_max_members)?;
        let mut callback =
            CallbackAfterCreateRoom::new(room.details(false)).operator_account(&ctx.operator);
        if !room.invitees.is_empty() {
            callback = callback.schedule_invitee_list_account(&room.invitees);
        }
        ctx.emit(callback);
        self.groups.add(&room.id, live::ROOM_GROUP_TYPE);
        self.rooms.insert(room.id.clone(), room);
        Ok(())
    }

    /// `destroy_room`.
    pub fn destroy_room(&mut self, ctx: &mut Ctx, room_id: &str) -> Result<(), ApiError> {
        if self.rooms.remove(room_id).is_none() {
            return Err(ApiError::room_not_found(room_id));
        }
        self.groups.remove(room_id);
        ctx.emit(CallbackAfterDestroyRoom::new(room_id).operator_account(&ctx.operator));
        Ok(())
    }

    /// `set_callback` (`update == false`) or `update_callback`.
    pub fn set_callback(
        &mut self,
        url: &str,
        commands: &[CallbackCommand],
        update: bool,
    ) -> Result<(), ApiError> {
        CallbackConfig::check_url(url)?;
        if let Some(bad) = commands
            .iter()
            .find(|c| matches!(c, CallbackCommand::Unknown(_)))
        {
            return Err(ApiError::bad_param(format!(
                "unknown callback command {:?} in CallbackCommandList",
                bad.as_str()
            )));
        }
        let commands = commands.iter().map(|c| c.as_str().to_owned()).collect();
        CallbackConfig::store(&mut self.callback, url, commands, update)
    }

    /// `get_callback`.
    pub fn callback(&self) -> Option<&CallbackConfig> {
        self.callback.as_ref()
    }

    /// `get_callback`, failing with 100301 when nothing is configured.
    pub fn get_callback(&self) -> Result<&CallbackConfig, ApiError> {
        CallbackConfig::get(&self.callback)
    }

    /// `delete_callback`.
    pub fn delete_callback(&mut self) -> Result<(), ApiError> {
        CallbackConfig::delete(&mut self.callback)
    }
}

/// The rules Room's `room_config` and Live's `live_config` share for their
/// one configuration per app.
impl CallbackConfig {
    /// The URL must be http(s) (100002).
    pub(crate) fn check_url(url: &str) -> Result<(), ApiError> {
        if url.starts_with("http://") || url.starts_with("https://") {
            Ok(())
        } else {
            Err(ApiError::bad_param(
                "Url must start with http:// or https://",
            ))
        }
    }

    /// `set_callback` (`update == false`: 100300 if one exists) or
    /// `update_callback` (100301 if none) into `slot`.
    pub(crate) fn store(
        slot: &mut Option<CallbackConfig>,
        url: &str,
        commands: Vec<String>,
        update: bool,
    ) -> Result<(), ApiError> {
        match (&*slot, update) {
            (Some(_), false) => Err(ApiError::new(
                codes::CALLBACK_EXISTS,
                "callback configuration already exists; use update_callback",
            )),
            (None, true) => Err(missing_callback()),
            _ => {
                *slot = Some(CallbackConfig {
                    url: url.to_owned(),
                    commands,
                });
                Ok(())
            }
        }
    }

    /// `get_callback`: 100301 when none.
    pub(crate) fn get(slot: &Option<CallbackConfig>) -> Result<&CallbackConfig, ApiError> {
        slot.as_ref().ok_or_else(missing_callback)
    }

    /// `delete_callback`: 100301 when none.
    pub(crate) fn delete(slot: &mut Option<CallbackConfig>) -> Result<(), ApiError> {
        slot.take().map(|_| ()).ok_or_else(missing_callback)
    }
}

fn missing_callback() -> ApiError {
    ApiError::new(
        codes::CALLBACK_MISSING,
        "callback configuration does not exist; create it with set_callback",
    )
}

/// Refuses an empty list with 100002 (the spec states only upper limits).
pub fn check_not_empty<T>(field: &str, value: &[T]) -> Result<(), ApiError> {
    if value.is_empty() {
        return Err(ApiError::bad_param(format!("{field} is empty")));
    }
    Ok(())
}
