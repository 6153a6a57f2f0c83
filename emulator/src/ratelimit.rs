//! Per-command call counting over one-second windows (the documented limit
//! is per app and command, e.g. 200 calls/s), and the accounting of what was
//! accepted and refused.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts calls per command in the current second.
#[derive(Debug)]
pub struct RateLimiter {
    started: Instant,
    windows: Mutex<HashMap<String, Window>>,
}

#[derive(Debug)]
struct Window {
    second: u64,
    count: u32,
    stats: RateStats,
}

/// What the rate limiter saw of one command (only while the limit is
/// enforced).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateStats {
    /// Calls let through.
    pub accepted: u64,
    /// Calls refused with 60007.
    pub refused: u64,
    /// Most calls let through within one one-second window.
    pub busiest_second: u32,
    /// When the first call was let through.
    pub first_accepted: Instant,
    /// When the last call was let through.
    pub last_accepted: Instant,
}

impl RateStats {
    /// Calls let through per second between the first and the last one
    /// (`None` with fewer than two calls).
    pub fn accepted_per_second(&self) -> Option<f64> {
        let span = self.last_accepted.duration_since(self.first_accepted);
        if self.accepted < 2 || span.is_zero() {
            return None;
        }
        Some((self.accepted - 1) as f64 / span.as_secs_f64())
    }

    /// Time between the first and the last call let through.
    pub fn span(&self) -> Duration {
        self.last_accepted.duration_since(self.first_accepted)
    }
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            windows: Mutex::new(HashMap::new()),
        }
    }
}

impl RateLimiter {
    /// Counts one call of `key`; false when it exceeds `limit` in this second.
    pub fn allow(&self, key: &str, limit: u32) -> bool {
        let now = Instant::now();
        let second = now.duration_since(self.started).as_secs();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let w = match windows.get_mut(key) {
            Some(w) => w,
            None => windows.entry(key.to_owned()).or_insert(Window {
                second,
                count: 0,
                stats: RateStats {
                    accepted: 0,
                    refused: 0,
                    busiest_second: 0,
                    first_accepted: now,
                    last_accepted: now,
                },
            }),
        };
        if w.second != second {
            w.second = second;
            w.count = 0;
        }
        w.count = w.count.saturating_add(1);
        if w.count <= limit {
            if w.stats.accepted == 0 {
                w.stats.first_accepted = now;
            }
            w.stats.accepted += 1;
            w.stats.last_accepted = now;
            w.stats.busiest_second = w.stats.busiest_second.max(w.count);
            true
        } else {
            w.stats.refused += 1;
            false
        }
    }

    /// The accounting of every command seen, by `service/command`.
    pub fn stats(&self) -> BTreeMap<String, RateStats> {
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows.iter().map(|(k, w)| (k.clone(), w.stats)).collect()
    }
}
