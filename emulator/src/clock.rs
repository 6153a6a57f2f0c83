//! The emulator's clock: wall-clock time plus an offset that tests move.
//!
//! Every state change runs with the time of this clock (`Ctx::now`,
//! `Ctx::now_ms`): bans, mutes, battle ends, message and creation times.
//! Tests advance it (`POST /emulator/v1/clock` `{"AdvanceSeconds": n}`, or
//! [`Emulator::advance_clock`](crate::Emulator::advance_clock)) or set it
//! (`{"NowUnixSeconds": t}`) instead of sleeping. Time keeps flowing from
//! the moved point at the wall clock's pace.
//!
//! UserSig validity and webhook signatures (`RequestTime`) stay on the wall
//! clock: they are checked against the real time of the other side.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Wall-clock time plus a settable offset.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

/// Now by the wall clock, unix milliseconds.
pub fn wall_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or_default()
}

fn shifted(wall: u64, offset: i64) -> u64 {
    if offset >= 0 {
        wall.saturating_add(offset.unsigned_abs())
    } else {
        wall.saturating_sub(offset.unsigned_abs())
    }
}

impl Clock {
    /// Now, unix milliseconds.
    pub fn now_ms(&self) -> u64 {
        shifted(wall_ms(), self.offset_ms.load(Ordering::Relaxed))
    }

    /// Now, unix seconds.
    pub fn now(&self) -> u64 {
        self.now_ms() / 1000
    }

    /// How far the clock is ahead of the wall clock (negative: behind), in
    /// milliseconds.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Sets how far the clock is ahead of the wall clock (restoring a saved
    /// state: the saved offset, so time keeps its distance to the wall
    /// clock).
    pub fn set_offset_ms(&self, offset_ms: i64) {
        self.offset_ms.store(offset_ms, Ordering::Relaxed);
    }

    /// Moves the clock `secs` seconds forward; returns the new now (unix
    /// seconds).
    pub fn advance(&self, secs: u64) -> u64 {
        let ms = i64::try_from(secs.saturating_mul(1000)).unwrap_or(i64::MAX);
        let _ = self
            .offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |o| {
                Some(o.saturating_add(ms))
            });
        self.now()
    }

    /// Sets now to `unix_secs` (forward or back); returns it.
    pub fn set(&self, unix_secs: u64) -> u64 {
        let target = i128::from(unix_secs) * 1000;
        let offset = target - i128::from(wall_ms());
        let offset = i64::try_from(offset).unwrap_or(if offset < 0 { i64::MIN } else { i64::MAX });
        self.offset_ms.store(offset, Ordering::Relaxed);
        self.now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_and_set_move_now() {
        let clock = Clock::default();
        let start = clock.now();
        assert!(start.abs_diff(wall_ms() / 1000) <= 1);
        let later = clock.advance(3600);
        assert!((start + 3600..=start + 3601).contains(&later));
        assert_eq!(clock.set(1_000_000_000), 1_000_000_000);
        assert!(clock.offset_ms() < 0);
        assert!((1_000_000_000..=1_000_000_001).contains(&clock.now()));
        assert_eq!(clock.advance(10), clock.now());
    }
}
