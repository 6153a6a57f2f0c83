//! A room's attributes: creation with the documented defaults, update, info.

use trtc_room::{
    CallbackAfterUpdateRoomInfo, MemberRole, RoomDetails, RoomInfo, RoomInfoUpdate, RoomStatus,
    RoomType, TakeSeatMode,
};

use super::Ctx;
use crate::config::DEFAULT_MAX_SEAT_COUNT;
use crate::error::ApiError;

// Byte and item limits the spec declares (RoomId, RoomName, CustomInfo, ...)
// are checked by the SDK's generated `Validate` before a request reaches the
// state; the state checks the rules the spec cannot express.

/// Shortest scheduled meeting, in seconds.
pub const MIN_SCHEDULE_SECS: u64 = 5 * 60;
/// Default scheduled meeting length, in seconds.
pub const DEFAULT_SCHEDULE_SECS: u64 = 60 * 60;

/// A member of a room.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Member {
    /// User ID.
    pub account: String,
    /// Nickname in the room.
    pub name_card: String,
    /// Role: `Owner`, `Admin` or `Member`.
    pub role: MemberRole,
    /// Custom data.
    pub custom_info: String,
    /// Marks (integers >= 1000).
    pub marks: Vec<i64>,
}

/// One seat.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// A live room.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[allow(missing_docs)]
pub struct Room {
    pub id: String,
    pub name: String,
    pub room_type: RoomType,
    pub owner: String,
    pub max_member_count: u32,
    pub schedule_start: u64,
    pub schedule_end: u64,
    pub video_disabled: bool,
    pub audio_disabled: bool,
    pub message_disabled: bool,
    pub screen_sharing_disabled: bool,
    pub cloud_recording_disabled: bool,
    pub custom_info: String,
    pub seat_enabled: bool,
    pub take_seat_mode: TakeSeatMode,
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

fn check_take_seat_mode(mode: &TakeSeatMode) -> Result<(), ApiError> {
    match mode {
        TakeSeatMode::FreeToTake | TakeSeatMode::ApplyToTake => Ok(()),
        other => Err(ApiError::bad_param(format!(
            "TakeSeatMode {:?} is not FreeToTake or ApplyToTake",
            other.as_str()
        ))),
    }
}

/// The longest user ID, in bytes: the Chat account system's limit
/// (`UserID` of `account_import`), which room accounts must exist in.
pub const MAX_ACCOUNT_BYTES: usize = 32;

/// Refuses (100002) an empty user ID or one longer than the account
/// system allows.
pub(crate) fn check_account(field: &str, account: &str) -> Result<(), ApiError> {
    if account.is_empty() {
        return Err(ApiError::bad_param(format!("{field} is empty")));
    }
    if account.len() > MAX_ACCOUNT_BYTES {
        return Err(ApiError::bad_param(format!(
            "{field} has {} bytes; user IDs have at most {MAX_ACCOUNT_BYTES}",
            account.len()
        )));
    }
    Ok(())
}

/// A unix time of the request in seconds, refused (100002) when negative or
/// beyond 32 bits (the documented samples and the UserSig's own expiry use
/// 32-bit Unix seconds; larger values are no plausible schedule).
fn unix_time(field: &str, value: Option<i64>) -> Result<Option<u64>, ApiError> {
    value
        .map(|v| {
            u64::try_from(v)
                .ok()
                .filter(|t| *t <= u64::from(u32::MAX))
                .ok_or_else(|| {
                    ApiError::bad_param(format!(
                        "{field} must be a Unix time in seconds within 0..={}",
                        u32::MAX
                    ))
                })
        })
        .transpose()
}

/// A unix time as the generated types carry it.
pub(crate) fn wire_time(secs: u64) -> i64 {
    i64::try_from(secs).unwrap_or(i64::MAX)
}

/// A collection's size as a wire count (sizes never reach `u32::MAX` here).
pub(crate) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn check_member_cap(value: u32, package: u32) -> Result<(), ApiError> {
    if value == 0 || value > package {
        return Err(ApiError::bad_param(format!(
            "MaxMemberCount {value} is outside 1..={package} (package limit)"
        )));
    }
    Ok(())
}

impl Room {
    /// Validates `info` and builds the room with the documented defaults.
    pub fn create(
        ctx: &Ctx,
        info: RoomInfo,
        invitees: Vec<String>,
        admin: &str,
        package_max_members: u32,
    ) -> Result<Self, ApiError> {
        if info.room_id.is_empty() {
            return Err(ApiError::bad_param("RoomInfo.RoomId is empty"));
        }
        if !info.room_id.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return Err(ApiError::bad_param(
                "RoomInfo.RoomId must be printable ASCII",
            ));
        }
        if info.room_type != RoomType::Conference {
            return Err(ApiError::bad_param(format!(
                "RoomInfo.RoomType {:?} is not supported (Conference)",
                info.room_type.as_str()
            )));
        }
        if let Some(owner) = &info.owner_account {
            check_account("RoomInfo.Owner_Account", owner)?;
        }
        let max_member_count = info.max_member_count.unwrap_or(package_max_members);
        check_member_cap(max_member_count, package_max_members)?;
        let start = unix_time("RoomInfo.ScheduleStartTime", info.schedule_start_time)?;
        let end = unix_time("RoomInfo.ScheduleEndTime", info.schedule_end_time)?;
        let start = start.unwrap_or(ctx.now);
        let end = end.unwrap_or_else(|| start.saturating_add(DEFAULT_SCHEDULE_SECS));
        if end < start.saturating_add(MIN_SCHEDULE_SECS) {
            return Err(ApiError::bad_param(
                "RoomInfo.ScheduleEndTime must be at least 5 minutes after ScheduleStartTime",
            ));
        }
        let seat_enabled = info.is_seat_enabled.unwrap_or(false);
        let take_seat_mode = match (info.take_seat_mode, seat_enabled) {
            (Some(mode), _) => {
                check_take_seat_mode(&mode)?;
                mode
            }
            (None, true) => TakeSeatMode::FreeToTake,
            (None, false) => TakeSeatMode::NotSet,
        };
        let seat_count = if seat_enabled {
            info.max_seat_count.unwrap_or(DEFAULT_MAX_SEAT_COUNT)
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
            name: info.room_name.unwrap_or_else(|| info.room_id.clone()),
            id: info.room_id,
            room_type: info.room_type,
            owner: info.owner_account.unwrap_or_else(|| admin.to_owned()),
            max_member_count,
            schedule_start: start,
            schedule_end: end,
            video_disabled: info.is_video_disabled.unwrap_or(false),
            audio_disabled: info.is_audio_disabled.unwrap_or(false),
            message_disabled: info.is_message_disabled.unwrap_or(false),
            screen_sharing_disabled: info.is_screen_sharing_disabled.unwrap_or(false),
            cloud_recording_disabled: info.is_cloud_recording_disabled.unwrap_or(false),
            custom_info: info.custom_info.unwrap_or_default(),
            seat_enabled,
            take_seat_mode,
            password_enabled: info.is_password_enabled.unwrap_or(false),
            password: info.password.unwrap_or_default(),
            create_time: ctx.now,
            invitees,
            members: Vec::new(),
            bans: Vec::new(),
            seats,
        })
    }

    /// `update_room_info`: absent fields keep their value; the callback
    /// lists the changed ones (the password only as `IsPasswordEnabled`).
    pub fn update(
        &mut self,
        ctx: &mut Ctx,
        update: RoomInfoUpdate,
        package_max_members: u32,
    ) -> Result<(), ApiError> {
        if let Some(cap) = update.max_member_count {
            check_member_cap(cap, package_max_members)?;
            let present = count(self.members.len());
            if cap < present {
                return Err(ApiError::bad_param(format!(
                    "MaxMemberCount {cap} is below the {present} members in the room"
                )));
            }
        }
        if let Some(mode) = &update.take_seat_mode {
            check_take_seat_mode(mode)?;
        }
        let mut changed = RoomDetails::new(&self.id);
        macro_rules! apply {
            ($($field:ident => $target:ident,)*) => {$(
                if let Some(v) = update.$field {
                    self.$target = ToOwned::to_owned(&v);
                    changed.$field = Some(v);
                }
            )*};
        }
        apply! {
            room_name => name,
            max_member_count => max_member_count,
            is_video_disabled => video_disabled,
            is_audio_disabled => audio_disabled,
            is_message_disabled => message_disabled,
            is_screen_sharing_disabled => screen_sharing_disabled,
            is_cloud_recording_disabled => cloud_recording_disabled,
            custom_info => custom_info,
            take_seat_mode => take_seat_mode,
            is_password_enabled => password_enabled,
        }
        if let Some(v) = update.password {
            self.password = v;
        }
        changed.owner_account = Some(self.owner.clone());
        ctx.emit(CallbackAfterUpdateRoomInfo::new(changed).operator_account(&ctx.operator));
        Ok(())
    }

    /// `RoomStatus` at `now`.
    pub fn status(&self, now: u64) -> RoomStatus {
        if now < self.schedule_start {
            RoomStatus::NotStarted
        } else {
            RoomStatus::Running
        }
    }

    /// The room's `RoomInfo` (`with_live_fields` adds `MemberCount`, and the
    /// password fields; `RoomStatus` is computed now).
    pub fn details(&self, with_live_fields: bool) -> RoomDetails {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let details = RoomDetails::new(&self.id)
            .room_name(&self.name)
            .room_type(self.room_type.clone())
            .owner_account(&self.owner)
            .max_member_count(self.max_member_count)
            .max_seat_count(count(self.seats.len()))
            .is_video_disabled(self.video_disabled)
            .is_audio_disabled(self.audio_disabled)
            .is_message_disabled(self.message_disabled)
            .is_screen_sharing_disabled(self.screen_sharing_disabled)
            .is_cloud_recording_disabled(self.cloud_recording_disabled)
            .custom_info(&self.custom_info)
            .schedule_start_time(wire_time(self.schedule_start))
            .schedule_end_time(wire_time(self.schedule_end))
            .room_status(self.status(now))
            .is_seat_enabled(self.seat_enabled)
            .take_seat_mode(self.take_seat_mode.clone())
            .create_time(wire_time(self.create_time));
        if !with_live_fields {
            return details;
        }
        let details = details
            .member_count(count(self.members.len()))
            .is_password_enabled(self.password_enabled);
        if self.password_enabled {
            details.password(&self.password)
        } else {
            details
        }
    }
}
