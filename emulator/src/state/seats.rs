//! Seats: list, take (control API), pick, kick off, lock, switch, move.
//!
//! Room rooms and live rooms have the same seats (`room_engine_http_mic`
//! serves both): the rules are written once, over [`SeatHost`], which both
//! room types implement with their own idea of who is in the room.

use trtc_room::{CallbackAfterSeatInfoChanged, MoveSeatPolicy, SeatInfo};

use super::live::LiveRoom;
use super::room::{Room, Seat};
use super::Ctx;
use crate::error::{codes, ApiError};

impl Seat {
    /// The seat at `index` as `get_seat_list` (and the seat callback) lists it.
    pub fn info(&self, index: usize) -> SeatInfo {
        let info = SeatInfo::new(u32::try_from(index).unwrap_or(u32::MAX))
            .is_taken_disabled(self.taken_disabled)
            .is_video_disabled(self.video_disabled)
            .is_audio_disabled(self.audio_disabled);
        match &self.member {
            Some(member) => info.member_account(member),
            None => info,
        }
    }
}

/// A room with seats: a Room room or a live room.
pub trait SeatHost {
    /// The room's ID.
    fn seat_room_id(&self) -> &str;

    /// The seats, index 0 first (empty when seats are off).
    fn seats(&self) -> &[Seat];

    /// The seats, for changing.
    fn seats_mut(&mut self) -> &mut [Seat];

    /// 100005 unless `account` is in the room.
    fn require_in_room(&self, account: &str) -> Result<(), ApiError>;

    /// The seats as `get_seat_list` lists them.
    fn seat_list(&self) -> Vec<SeatInfo> {
        self.seats()
            .iter()
            .enumerate()
            .map(|(i, s)| s.info(i))
            .collect()
    }

    /// Records a seat-change callback for the seats at `indexes` (if any).
    fn emit_seats(&self, ctx: &mut Ctx, indexes: &[usize]) {
        if indexes.is_empty() {
            return;
        }
        let list: Vec<SeatInfo> = indexes
            .iter()
            .filter_map(|i| self.seats().get(*i).map(|s| s.info(*i)))
            .collect();
        ctx.emit(
            CallbackAfterSeatInfoChanged::new(self.seat_room_id())
                .operator_account(&ctx.operator)
                .seat_list(list),
        );
    }

    /// 100211 (seats disabled) when the room has no seats.
    fn require_seats(&self) -> Result<(), ApiError> {
        if self.seats().is_empty() {
            return Err(ApiError::new(
                codes::SEATS_DISABLED,
                "the room has seats turned off (IsSeatEnabled false)",
            ));
        }
        Ok(())
    }

    /// `index` (named `field` in errors) as a seat index, or 100002.
    fn seat_index(&self, field: &str, index: i64) -> Result<usize, ApiError> {
        usize::try_from(index)
            .ok()
            .filter(|i| *i < self.seats().len())
            .ok_or_else(|| {
                ApiError::bad_param(format!(
                    "{field} {index} is outside 0..{} (MaxSeatCount)",
                    self.seats().len()
                ))
            })
    }

    /// The seat `account` occupies.
    fn seat_of(&self, account: &str) -> Option<usize> {
        self.seats()
            .iter()
            .position(|s| s.member.as_deref() == Some(account))
    }

    /// The seat `account` occupies, or 100002.
    fn occupied_seat(&self, account: &str) -> Result<usize, ApiError> {
        self.seat_of(account)
            .ok_or_else(|| ApiError::bad_param(format!("user {account:?} is not on a seat")))
    }

    /// 100200 when seat `index` is locked, 100210 when someone sits there.
    fn check_free(&self, index: usize) -> Result<(), ApiError> {
        let seat = &self.seats()[index];
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
        Ok(())
    }

    /// The checks of a move of `account` (a member on a seat) to seat `to`
    /// (named `field` in errors): `(from, to)`, or `None` when it already sits there.
    fn move_seats(
        &self,
        account: &str,
        field: &str,
        to: i64,
    ) -> Result<Option<(usize, usize)>, ApiError> {
        self.require_seats()?;
        self.require_in_room(account)?;
        let to = self.seat_index(field, to)?;
        let from = self.occupied_seat(account)?;
        Ok((from != to).then_some((from, to)))
    }

    /// `pick_user_on_seat`, and the control API's `take_seat` (a negative
    /// index takes the first free seat).
    fn pick(&mut self, ctx: &mut Ctx, account: &str, index: i64) -> Result<(), ApiError> {
        self.require_seats()?;
        self.require_in_room(account)?;
        if self.seat_of(account).is_some() {
            return Err(ApiError::new(
                codes::ALREADY_ON_SEAT,
                format!("user {account:?} is already on a seat"),
            ));
        }
        let index = if index < 0 {
            self.seats()
                .iter()
                .position(|s| s.member.is_none() && !s.taken_disabled)
                .ok_or_else(|| ApiError::new(codes::SEATS_FULL, "all seats are occupied"))?
        } else {
            self.seat_index("Index", index)?
        };
        self.check_free(index)?;
        self.seats_mut()[index].member = Some(account.to_owned());
        self.emit_seats(ctx, &[index]);
        Ok(())
    }

    /// `kick_user_off_seat`.
    fn kick_off_seat(&mut self, ctx: &mut Ctx, account: &str) -> Result<(), ApiError> {
        self.require_seats()?;
        let index = self.occupied_seat(account)?;
        self.seats_mut()[index].member = None;
        self.emit_seats(ctx, &[index]);
        Ok(())
    }

    /// `lock_seat`: absent flags keep their value; locking removes the occupant.
    fn lock_seat(
        &mut self,
        ctx: &mut Ctx,
        index: i64,
        taken: Option<bool>,
        video: Option<bool>,
        audio: Option<bool>,
    ) -> Result<(), ApiError> {
        self.require_seats()?;
        let index = self.seat_index("Index", index)?;
        let seat = &mut self.seats_mut()[index];
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
    fn switch_seat(&mut self, ctx: &mut Ctx, account: &str, to: i64) -> Result<(), ApiError> {
        let Some((from, to)) = self.move_seats(account, "ToIndex", to)? else {
            return Ok(());
        };
        self.check_free(to)?;
        self.seats_mut()[from].member = None;
        self.seats_mut()[to].member = Some(account.to_owned());
        self.emit_seats(ctx, &[from, to]);
        Ok(())
    }

    /// `move_user_to_seat`: a locked target is unlocked; an occupied one is
    /// handled by `policy`.
    fn move_to_seat(
        &mut self,
        ctx: &mut Ctx,
        account: &str,
        to: i64,
        policy: MoveSeatPolicy,
    ) -> Result<(), ApiError> {
        let Some((from, to)) = self.move_seats(account, "SeatIndex", to)? else {
            return Ok(());
        };
        let occupant = self.seats_mut()[to].member.clone();
        if occupant.is_some() && policy == MoveSeatPolicy::Cancel {
            return Err(ApiError::new(
                codes::SEAT_OCCUPIED,
                format!("seat {to} is occupied and Policy is 0 (cancel)"),
            ));
        }
        self.seats_mut()[to].taken_disabled = false;
        self.seats_mut()[to].member = Some(account.to_owned());
        self.seats_mut()[from].member = match policy {
            MoveSeatPolicy::Swap => occupant,
            _ => None,
        };
        self.emit_seats(ctx, &[from, to]);
        Ok(())
    }
}

impl SeatHost for Room {
    fn seat_room_id(&self) -> &str {
        &self.id
    }

    fn seats(&self) -> &[Seat] {
        &self.seats
    }

    fn seats_mut(&mut self) -> &mut [Seat] {
        &mut self.seats
    }

    fn require_in_room(&self, account: &str) -> Result<(), ApiError> {
        self.member(account).map(|_| ())
    }
}

/// A live room's members are the users online in it.
impl SeatHost for LiveRoom {
    fn seat_room_id(&self) -> &str {
        &self.id
    }

    fn seats(&self) -> &[Seat] {
        &self.seats
    }

    fn seats_mut(&mut self) -> &mut [Seat] {
        &mut self.seats
    }

    fn require_in_room(&self, account: &str) -> Result<(), ApiError> {
        if self.is_online(account) {
            Ok(())
        } else {
            Err(ApiError::not_member(account))
        }
    }
}
