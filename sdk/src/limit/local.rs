//! The in-process schedule.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{LimiterBackend, Reservation, ReserveFuture};

/// Keeps each key's schedule in process memory (GCRA, see the
/// [module docs](super)). Share one `Arc<LocalBackend>` between clients to
/// give them one budget.
#[derive(Debug, Default)]
pub struct LocalBackend {
    /// Theoretical arrival time of the next call, per key.
    tat: Mutex<HashMap<String, Instant>>,
}

impl LocalBackend {
    /// An empty schedule.
    pub fn new() -> Self {
        Self::default()
    }

    /// The synchronous reservation behind [`LimiterBackend::reserve`].
    pub fn reserve_now(&self, key: &str, interval: Duration, max_wait: Duration) -> Reservation {
        let now = Instant::now();
        let mut map = self.tat.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 4096 {
            // Keys whose schedule is in the past carry no information.
            map.retain(|_, t| *t > now);
        }
        let slot = match map.get_mut(key) {
            Some(tat) => {
                let slot = (*tat).max(now);
                let wait = slot - now;
                if wait > max_wait {
                    return Reservation::TooFar(wait);
                }
                *tat = slot + interval;
                slot
            }
            None => {
                map.insert(key.to_owned(), now + interval);
                now
            }
        };
        Reservation::Wait(slot - now)
    }
}

impl LimiterBackend for LocalBackend {
    fn reserve<'a>(
        &'a self,
        key: &'a str,
        interval: Duration,
        max_wait: Duration,
    ) -> ReserveFuture<'a> {
        let r = self.reserve_now(key, interval, max_wait);
        Box::pin(std::future::ready(r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_spaced_by_the_interval_and_far_ones_are_refused() {
        let b = LocalBackend::new();
        let i = Duration::from_millis(100);
        let long = Duration::from_secs(10);
        assert_eq!(
            b.reserve_now("k", i, long),
            Reservation::Wait(Duration::ZERO)
        );
        let waits: Vec<Duration> = (0..3)
            .map(|_| match b.reserve_now("k", i, long) {
                Reservation::Wait(w) => w,
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        // Each further call waits about one more interval.
        for (n, w) in waits.iter().enumerate() {
            let expected = i * (n as u32 + 1);
            assert!(
                *w <= expected && *w + Duration::from_millis(50) > expected,
                "{n}: {w:?}"
            );
        }
        // Another key has its own schedule.
        assert_eq!(
            b.reserve_now("other", i, long),
            Reservation::Wait(Duration::ZERO)
        );
        // A slot beyond max_wait is refused and not taken.
        assert!(matches!(
            b.reserve_now("k", i, Duration::from_millis(150)),
            Reservation::TooFar(_)
        ));
        match b.reserve_now("k", i, long) {
            Reservation::Wait(w) => assert!(w > Duration::from_millis(300) && w <= i * 4, "{w:?}"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
