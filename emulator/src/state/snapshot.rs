//! The whole state as data: what a state file (see [`crate::persist`])
//! stores under `"state"`. Every type of the state serializes with serde;
//! this module gathers the parts and checks a loaded state for the
//! invariants the live types rely on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::accounts::Accounts;
use super::live::{Groups, Live, Profiles, ROOM_GROUP_TYPE};
use super::{CallbackConfig, Room, State};

/// The state, borrowed for serializing.
#[derive(Serialize)]
pub(crate) struct SnapshotRef<'a> {
    clock_offset_ms: i64,
    accounts: &'a Accounts,
    rooms: &'a BTreeMap<String, Room>,
    callback: &'a Option<CallbackConfig>,
    live: &'a Live,
    groups: &'a Groups,
    profiles: &'a Profiles,
}

/// A loaded state, checked by [`Snapshot::check`] before it replaces the
/// running one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Snapshot {
    /// How far the emulator's clock is ahead of the wall clock (ms).
    pub(crate) clock_offset_ms: i64,
    accounts: Accounts,
    rooms: BTreeMap<String, Room>,
    callback: Option<CallbackConfig>,
    live: Live,
    groups: Groups,
    profiles: Profiles,
}

impl Snapshot {
    /// The invariants the state's methods keep: rooms are filed under their
    /// own ID, an ID names one room (Room or Live), every room has its Chat
    /// group, and the Live service's own links hold.
    pub(crate) fn check(&self) -> Result<(), String> {
        for (key, room) in &self.rooms {
            if *key != room.id {
                return Err(format!("rooms: room {:?} is filed under {key:?}", room.id));
            }
            if self.live.contains(key) {
                return Err(format!("room {key:?} is both a Room room and a live room"));
            }
        }
        self.live.check_stored()?;
        for id in self.rooms.keys().chain(self.live.room_ids()) {
            if !self.groups.contains(id) {
                return Err(format!(
                    "room {id:?} has no Chat group (groups must list every room, type {ROOM_GROUP_TYPE})"
                ));
            }
        }
        Ok(())
    }

    /// Number of Room rooms and live rooms.
    pub(crate) fn room_counts(&self) -> (usize, usize) {
        (self.rooms.len(), self.live.room_count())
    }
}

impl State {
    /// The state (with the clock offset given) for serializing.
    pub(crate) fn snapshot(&self, clock_offset_ms: i64) -> SnapshotRef<'_> {
        SnapshotRef {
            clock_offset_ms,
            accounts: &self.accounts,
            rooms: &self.rooms,
            callback: &self.callback,
            live: &self.live,
            groups: &self.groups,
            profiles: &self.profiles,
        }
    }

    /// Replaces everything the state remembers with `snapshot` (checked
    /// with [`Snapshot::check`]); the settings (admin, package cap,
    /// `require_imported_accounts`) stay. Returns the clock offset to set.
    pub(crate) fn restore(&mut self, snapshot: Snapshot) -> i64 {
        let Snapshot {
            clock_offset_ms,
            accounts,
            rooms,
            callback,
            live,
            groups,
            profiles,
        } = snapshot;
        self.accounts = accounts;
        self.rooms = rooms;
        self.callback = callback;
        self.live = live;
        self.groups = groups;
        self.profiles = profiles;
        clock_offset_ms
    }
}
