//! A room's attributes: creation with the documented defaults, update, info.

use serde_json::{json, Map, Value};

use super::{check_len, Ctx};
use crate::config::DEFAULT_MAX_SEAT_COUNT;
use crate::error::ApiError;

/// Longest RoomId, in bytes.
pub const MAX_ROOM_ID_BYTES: usize = 48;
/// Longest RoomName, in bytes.
pub const MAX_ROOM_NAME_BYTES: usize = 100;
/// Longest room CustomInfo, in bytes.
pub const MAX_CUSTOM_INFO_BYTES: usize = 500;
/// Shortest scheduled meeting, in seconds.
pub const MIN_SCHEDULE_SECS: u64 = 5 * 60;
/// Default scheduled meeting length, in seconds.
pub const DEFAULT_SCHEDULE_SECS: u64 = 60 * 60;

/// A member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The room owner.
    Owner,
    /// A room administrator.
    Admin,
    /// An ordinary member.
    Member,
}

impl Role {
    /// The wire value reported by `get_room_member_list`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Admin",
            Role::Member => "Member",
        }
    }
}

/// A member of a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// User ID.
    pub account: String,
    /// Nickname in the room.
    pub name_card: String,
    /// Role.
    pub role: Role,
    /// Custom data.
    pub custom_info: String,
    /// Marks (integers >= 1000).
    pub marks: Vec<u64>,
}

/// One seat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seat {
    /// Who sits there.
    pub member: Option<String>,
    /// Locked: nobody can take it.
    pub taken_disabled: bool,
    /// Video forbidden on it.
    pub video_disabled: bool,
    /// Audio forbidden on it.
    pub audio_disabled: bool,
}

/// The fields of `create_room`'s `RoomInfo` (plus the invitee list).
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct NewRoom {
    pub room_id: String,
    pub room_name: Option<String>,
    pub room_type: String,
    pub owner: Option<String>,
    pub max_member_count: Option<u64>,
    pub schedule_start: Option<u64>,
    pub schedule_end: Option<u64>,
    pub video_disabled: Option<bool>,
    pub audio_disabled: Option<bool>,
    pub message_disabled: Option<bool>,
    pub screen_sharing_disabled: Option<bool>,
    pub cloud_recording_disabled: Option<bool>,
    pub custom_info: Option<String>,
    pub seat_enabled: Option<bool>,
    pub max_seat_count: Option<u64>,
    pub take_seat_mode: Option<String>,
    pub password_enabled: Option<bool>,
    pub password: Option<String>,
    pub invitees: Vec<String>,
}

/// The fields of `update_room_info`'s `RoomInfo` (absent = unchanged).
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct RoomUpdate {
    pub room_name: Option<String>,
    pub max_member_count: Option<u64>,
    pub video_disabled: Option<bool>,
    pub audio_disabled: Option<bool>,
    pub message_disabled: Option<bool>,
    pub screen_sharing_disabled: Option<bool>,
    pub cloud_recording_disabled: Option<bool>,
    pub custom_info: Option<String>,
    pub take_seat_mode: Option<String>,
    pub password_enabled: Option<bool>,
    pub password: Option<String>,
}

/// A live room.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct Room {
    pub id: String,
    pub name: String,
    pub room_type: String,
    pub owner: String,
    pub max_member_count: u64,
    pub schedule_start: u64,
    pub schedule_end: u64,
    pub video_disabled: bool,
    pub audio_disabled: bool,
    pub message_disabled: bool,
    pub screen_sharing_disabled: bool,
    pub cloud_recording_disabled: bool,
    pub custom_info: String,
    pub seat_enabled: bool,
    pub take_seat_mode: String,
    pub password_enabled: bool,
    pub password: String,
    pub create_time: u64,
    pub invitees: Vec<String>,
    /// Members in order of entry.
    pub members: Vec<Member>,
    /// Banned accounts with the unix second their ban ends, in ban order.
    pub bans: Vec<(String, u64)>,
    /// Seats, index 0 first (empty when seats are off).
    pub seats: Vec<Seat>,
}

fn check_take_seat_mode(mode: &str) -> Result<(), ApiError> {
    match mode {
        "FreeToTake" | "ApplyToTake" => Ok(()),
        other => Err(ApiError::bad_param(format!(
            "TakeSeatMode {other:?} is not FreeToTake or ApplyToTake"
        ))),
    }
}

fn check_member_cap(value: u64, package: u64) -> Result<(), ApiError> {
    if value == 0 || value > package {
        return Err(ApiError::bad_param(format!(
            "MaxMemberCount {value} is outside 1..={package} (package limit)"
        )));
    }
    Ok(())
}

impl Room {
    /// Validates `new` and builds the room with the documented defaults.
    pub fn create(
        ctx: &Ctx,
        new: NewRoom,
        admin: &str,
        package_max_members: u64,
    ) -> Result<Self, ApiError> {
        if new.room_id.is_empty() {
            return Err(ApiError::bad_param("RoomInfo.RoomId is empty"));
        }
        check_len("RoomInfo.RoomId", &new.room_id, MAX_ROOM_ID_BYTES)?;
        if !new.room_id.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return Err(ApiError::bad_param(
                "RoomInfo.RoomId must be printable ASCII",
            ));
        }
        if let Some(name) = &new.room_name {
            check_len("RoomInfo.RoomName", name, MAX_ROOM_NAME_BYTES)?;
        }
        if new.room_type != "Conference" {
            return Err(ApiError::bad_param(format!(
                "RoomInfo.RoomType {:?} is not supported (Conference)",
                new.room_type
            )));
        }
        if let Some(info) = &new.custom_info {
            check_len("RoomInfo.CustomInfo", info, MAX_CUSTOM_INFO_BYTES)?;
        }
        let max_member_count = new.max_member_count.unwrap_or(package_max_members);
        check_member_cap(max_member_count, package_max_members)?;
        let start = new.schedule_start.unwrap_or(ctx.now);
        let end = new
            .schedule_end
            .unwrap_or_else(|| start.saturating_add(DEFAULT_SCHEDULE_SECS));
        if end < start.saturating_add(MIN_SCHEDULE_SECS) {
            return Err(ApiError::bad_param(
                "RoomInfo.ScheduleEndTime must be at least 5 minutes after ScheduleStartTime",
            ));
        }
        let seat_enabled = new.seat_enabled.unwrap_or(false);
        let take_seat_mode = match (&new.take_seat_mode, seat_enabled) {
            (Some(mode), _) => {
                check_take_seat_mode(mode)?;
                mode.clone()
            }
            (None, true) => "FreeToTake".to_owned(),
            (None, false) => "None".to_owned(),
        };
        let seat_count = if seat_enabled {
            new.max_seat_count.unwrap_or(DEFAULT_MAX_SEAT_COUNT)
        } else {
            0
        };
        if seat_enabled && !(1..=100).contains(&seat_count) {
            return Err(ApiError::bad_param(format!(
                "RoomInfo.MaxSeatCount {seat_count} is outside 1..=100"
            )));
        }
        let seats = (0..seat_count).map(|_| Seat::default()).collect();
        Ok(Room {
            name: new.room_name.unwrap_or_else(|| new.room_id.clone()),
            id: new.room_id,
            room_type: new.room_type,
            owner: new.owner.unwrap_or_else(|| admin.to_owned()),
            max_member_count,
            schedule_start: start,
            schedule_end: end,
            video_disabled: new.video_disabled.unwrap_or(false),
            audio_disabled: new.audio_disabled.unwrap_or(false),
            message_disabled: new.message_disabled.unwrap_or(false),
            screen_sharing_disabled: new.screen_sharing_disabled.unwrap_or(false),
            cloud_recording_disabled: new.cloud_recording_disabled.unwrap_or(false),
            custom_info: new.custom_info.unwrap_or_default(),
            seat_enabled,
            take_seat_mode,
            password_enabled: new.password_enabled.unwrap_or(false),
            password: new.password.unwrap_or_default(),
            create_time: ctx.now,
            invitees: new.invitees,
            members: Vec::new(),
            bans: Vec::new(),
            seats,
        })
    }

    /// `update_room_info`.
    pub fn update(
        &mut self,
        ctx: &mut Ctx,
        update: RoomUpdate,
        package_max_members: u64,
    ) -> Result<(), ApiError> {
        if let Some(name) = &update.room_name {
            check_len("RoomInfo.RoomName", name, MAX_ROOM_NAME_BYTES)?;
        }
        if let Some(info) = &update.custom_info {
            check_len("RoomInfo.CustomInfo", info, MAX_CUSTOM_INFO_BYTES)?;
        }
        if let Some(cap) = update.max_member_count {
            check_member_cap(cap, package_max_members)?;
        }
        if let Some(mode) = &update.take_seat_mode {
            check_take_seat_mode(mode)?;
        }
        let mut changed = Map::new();
        changed.insert("RoomId".into(), json!(self.id));
        macro_rules! apply {
            ($field:ident, $target:expr, $wire:literal) => {
                if let Some(v) = update.$field {
                    changed.insert($wire.into(), json!(v));
                    $target = v;
                }
            };
        }
        apply!(room_name, self.name, "RoomName");
        apply!(max_member_count, self.max_member_count, "MaxMemberCount");
        apply!(video_disabled, self.video_disabled, "IsVideoDisabled");
        apply!(audio_disabled, self.audio_disabled, "IsAudioDisabled");
        apply!(message_disabled, self.message_disabled, "IsMessageDisabled");
        apply!(
            screen_sharing_disabled,
            self.screen_sharing_disabled,
            "IsScreenSharingDisabled"
        );
        apply!(
            cloud_recording_disabled,
            self.cloud_recording_disabled,
            "IsCloudRecordingDisabled"
        );
        apply!(custom_info, self.custom_info, "CustomInfo");
        apply!(take_seat_mode, self.take_seat_mode, "TakeSeatMode");
        apply!(password_enabled, self.password_enabled, "IsPasswordEnabled");
        if let Some(v) = update.password {
            self.password = v;
        }
        changed.insert("Owner_Account".into(), json!(self.owner));
        ctx.emit(
            crate::events::AFTER_UPDATE_ROOM_INFO,
            json!({"Operator_Account": ctx.operator, "RoomInfo": changed}),
        );
        Ok(())
    }

    /// `RoomStatus` at `now`.
    pub fn status(&self, now: u64) -> &'static str {
        if now < self.schedule_start {
            "NotStarted"
        } else {
            "Running"
        }
    }

    /// The room's `RoomInfo` object (`with_live_fields` adds `MemberCount`,
    /// `RoomStatus` computed now, and the password fields).
    pub fn info_json(&self, with_live_fields: bool) -> Value {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let mut info = json!({
            "RoomId": self.id,
            "RoomName": self.name,
            "RoomType": self.room_type,
            "Owner_Account": self.owner,
            "MaxMemberCount": self.max_member_count,
            "MaxSeatCount": self.seats.len(),
            "IsVideoDisabled": self.video_disabled,
            "IsAudioDisabled": self.audio_disabled,
            "IsMessageDisabled": self.message_disabled,
            "IsScreenSharingDisabled": self.screen_sharing_disabled,
            "IsCloudRecordingDisabled": self.cloud_recording_disabled,
            "CustomInfo": self.custom_info,
            "ScheduleStartTime": self.schedule_start,
            "ScheduleEndTime": self.schedule_end,
            "RoomStatus": self.status(now),
            "IsSeatEnabled": self.seat_enabled,
            "TakeSeatMode": self.take_seat_mode,
            "CreateTime": self.create_time,
        });
        if with_live_fields {
            info["MemberCount"] = json!(self.members.len());
            info["IsPasswordEnabled"] = json!(self.password_enabled);
            if self.password_enabled {
                info["Password"] = json!(self.password);
            }
        }
        info
    }
}
