//! Per-command call counting over one-second windows (the documented limit
//! is per app and command, 200 calls/s).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Counts calls per command in the current second.
#[derive(Debug)]
pub struct RateLimiter {
    started: Instant,
    windows: Mutex<HashMap<String, (u64, u32)>>,
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
        let second = self.started.elapsed().as_secs();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let entry = windows.entry(key.to_owned()).or_insert((second, 0));
        if entry.0 != second {
            *entry = (second, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1 <= limit
    }
}
