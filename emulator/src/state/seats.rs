//! Seats: list, take (control API), pick, kick off, lock, switch, move.

use serde_json::{json, Value};

use super::room::{Room, Seat};
use super::Ctx;
use crate::error::{codes, ApiError};
use crate::events::AFTER_SEAT_INFO_CHANGED;

/// What `move_user_to_seat` does when the target seat is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovePolicy {
    /// 0: give up (the call fails).
    Cancel,
    /// 1: kick the occupant off and move.
    Force,
    /// 2: swap the two users.
    Swap,
}

impl MovePolicy {
    /// Parses the wire value.
    pub fn from_wire(value: i64) -> Result<Self, ApiError> {
        match value {
            0 => Ok(Self::Cancel),
            1 => Ok(Self::Force),
            2 => Ok(Self::Swap),
            other => Err(ApiError::bad_param(format!(
                "Policy {other} is not 0, 1 or 2"
            ))),
        }
    }
}

/// A seat as listed by `get_seat_list` (and in seat callbacks).
pub fn seat_json(index: usize, seat: &Seat) -> Value {
    let mut v = json!({
        "Index": index,
        "IsTakenDisabled": seat.taken_disabled,
        "IsVideoDisabled": seat.video_disabled,
        "IsAudioDisabled": seat.audio_disabled,
    });
    if let Some(member) = &seat.member {
        v["Member_Account"] = json!(member);
    }
    v
}

impl Room {
    /// Records a seat-change callback for the seats at `indexes` (if any).
    pub(crate) fn emit_seats(&self, ctx: &mut Ctx, indexes: &[usize]) {
        if indexes.is_empty() {
            return;
        }
        let list: Vec<Value> = indexes
            .iter()
            .filter_map(|i| self.seats.get(*i).map(|s| seat_json(*i, s)))
            .collect();
        ctx.emit(
            AFTER_SEAT_INFO_CHANGED,
            json!({"Operator_Account": ctx.operator, "RoomId": self.id, "SeatList": list}),
        );
    }

    fn require_seats(&self) -> Result<(), ApiError> {
        if self.seats.is_empty() {
            return Err(ApiError::new(
                codes::SEATS_DISABLED,
                "the room has seats turned off (IsSeatEnabled false)",
            ));
        }
        Ok(())
    }

    fn seat_index(&self, field: &str, index: i64) -> Result<usize, ApiError> {
        usize::try_from(index)
            .ok()
            .filter(|i| *i < self.seats.len())
            .ok_or_else(|| {
                ApiError::bad_param(format!(
                    "{field} {index} is outside 0..{} (MaxSeatCount)",
                    self.seats.len()
                ))
            })
    }

    /// The seat `account` occupies.
    pub fn seat_of(&self, account: &str) -> Option<usize> {
        self.seats
            .iter()
            .position(|s| s.member.as_deref() == Some(account))
    }

    /// `pick_user_on_seat`, and the control API's `take_seat` (a negative
    /// index takes the first free seat).
    pub fn pick(&mut self, ctx: &mut Ctx, account: &str, index: i64) -> Result<(), ApiError> {
        self.require_seats()?;
        self.member(account)?;
        if self.seat_of(account).is_some() {
            return Err(ApiError::new(
                codes::ALREADY_ON_SEAT,
                format!("user {account:?} is already on a seat"),
            ));
        }
        let index = if index < 0 {
            self.seats
                .iter()
                .position(|s| s.member.is_none() && !s.taken_disabled)
                .ok_or_else(|| ApiError::new(codes::SEATS_FULL, "all seats are occupied"))?
        } else {
            self.seat_index("Index", index)?
        };
        let seat = &mut self.seats[index];
        if seat.taken_disabled {
            return Err(ApiError::new(
                codes::SEAT_LOCKED,
                format!("seat {index} is locked"),
            ));
        }
        if seat.member.is_some() {
            return Err(ApiError::new(
                codes::SEAT_OCCUPIED,
                format!("seat {index} is occupied by another user"),
            ));
        }
        seat.member = Some(account.to_owned());
        self.emit_seats(ctx, &[index]);
        Ok(())
    }

    /// `kick_user_off_seat`.
    pub fn kick_off_seat(&mut self, ctx: &mut Ctx, account: &str) -> Result<(), ApiError> {
        self.require_seats()?;
        let index = self
            .seat_of(account)
            .ok_or_else(|| ApiError::bad_param(format!("user {account:?} is not on a seat")))?;
        self.seats[index].member = None;
        self.emit_seats(ctx, &[index]);
        Ok(())
    }

    /// `lock_seat`: absent flags keep their value; locking removes the occupant.
    pub fn lock_seat(
        &mut self,
        ctx: &mut Ctx,
        index: i64,
        taken: Option<bool>,
        video: Option<bool>,
        audio: Option<bool>,
    ) -> Result<(), ApiError> {
        self.require_seats()?;
        let index = self.seat_index("Index", index)?;
        let seat = &mut self.seats[index];
        if let Some(t) = taken {
            seat.taken_disabled = t;
            if t {
                seat.member = None;
            }
        }
        if let Some(v) = video {
            seat.video_disabled = v;
        }
        if let Some(a) = audio {
            seat.audio_disabled = a;
        }
        self.emit_seats(ctx, &[index]);
        Ok(())
    }

    /// `switch_seat`: moves a seated user to an empty, unlocked seat.
    pub fn switch_seat(&mut self, ctx: &mut Ctx, account: &str, to: i64) -> Result<(), ApiError> {
        self.require_seats()?;
        self.member(account)?;
        let to = self.seat_index("ToIndex", to)?;
        let from = self
            .seat_of(account)
            .ok_or_else(|| ApiError::bad_param(format!("user {account:?} is not on a seat")))?;
        if from == to {
            return Ok(());
        }
        if self.seats[to].taken_disabled {
            return Err(ApiError::new(
                codes::SEAT_LOCKED,
                format!("seat {to} is locked"),
            ));
        }
        if self.seats[to].member.is_some() {
            return Err(ApiError::new(
                codes::SEAT_OCCUPIED,
                format!("seat {to} is occupied by another user"),
            ));
        }
        self.seats[from].member = None;
        self.seats[to].member = Some(account.to_owned());
        self.emit_seats(ctx, &[from, to]);
        Ok(())
    }

    /// `move_user_to_seat`: a locked target is unlocked; an occupied one is
    /// handled by `policy`.
    pub fn move_to_seat(
        &mut self,
        ctx: &mut Ctx,
        account: &str,
        to: i64,
        policy: MovePolicy,
    ) -> Result<(), ApiError> {
        self.require_seats()?;
        self.member(account)?;
        let to = self.seat_index("SeatIndex", to)?;
        let from = self
            .seat_of(account)
            .ok_or_else(|| ApiError::bad_param(format!("user {account:?} is not on a seat")))?;
        if from == to {
            return Ok(());
        }
        let occupant = self.seats[to].member.clone();
        if occupant.is_some() && policy == MovePolicy::Cancel {
            return Err(ApiError::new(
                codes::SEAT_OCCUPIED,
                format!("seat {to} is occupied and Policy is 0 (cancel)"),
            ));
        }
        self.seats[to].taken_disabled = false;
        self.seats[to].member = Some(account.to_owned());
        self.seats[from].member = match policy {
            MovePolicy::Swap => occupant,
            _ => None,
        };
        self.emit_seats(ctx, &[from, to]);
        Ok(())
    }
}
