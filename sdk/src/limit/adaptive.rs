//! The client's side of pacing: the limit of each command, the adaptive
//! slow-down, and waiting for the reserved slot.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{LimiterBackend, LocalBackend, RateLimits, Reservation};

/// Lowest fraction of a limit the adaptive slow-down goes to.
const MIN_FACTOR: f64 = 0.1;
/// What one rate-limit answer does to the pace.
const CUT: f64 = 0.5;
/// What each quiet second gives back.
const RECOVERY_PER_SEC: f64 = 0.1;
/// At most one cut per this period: a burst of refusals answering calls
/// sent together is one signal, not many.
const CUT_EVERY: Duration = Duration::from_secs(1);

/// Paces one client's calls (shared by its clones).
pub(crate) struct Limiter {
    config: RateLimits,
    backend: Arc<dyn LimiterBackend>,
    sdk_app_id: u64,
    /// Keys currently slowed down.
    slowed: Mutex<HashMap<String, Slowdown>>,
}

struct Slowdown {
    factor: f64,
    /// When `factor` last changed.
    changed: Instant,
    last_cut: Instant,
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiter")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Limiter {
    /// `None` when pacing is off.
    pub(crate) fn new(config: RateLimits, sdk_app_id: u64) -> Option<Self> {
        if !config.enabled {
            return None;
        }
        let backend = config
            .backend
            .clone()
            .unwrap_or_else(|| Arc::new(LocalBackend::new()));
        Some(Limiter {
            config,
            backend,
            sdk_app_id,
            slowed: Mutex::new(HashMap::new()),
        })
    }

    fn key(&self, service: &str, command: &str) -> String {
        format!("{}:{service}:{command}", self.sdk_app_id)
    }

    /// The current fraction of the limit for `key` (1 when not slowed).
    fn factor(&self, key: &str) -> f64 {
        let mut slowed = self.slowed.lock().unwrap_or_else(|e| e.into_inner());
        if slowed.is_empty() {
            return 1.0;
        }
        let Some(s) = slowed.get_mut(key) else {
            return 1.0;
        };
        let now = Instant::now();
        let quiet = now.saturating_duration_since(s.changed).as_secs();
        if quiet > 0 {
            s.factor += RECOVERY_PER_SEC * quiet as f64;
            s.changed += Duration::from_secs(quiet);
        }
        if s.factor >= 1.0 {
            slowed.remove(key);
            tracing::debug!(key, "rate limit pacing recovered");
            return 1.0;
        }
        s.factor
    }

    /// The spacing of `service`/`command` right now.
    pub(crate) fn interval(
        &self,
        service: &str,
        command: &str,
        documented: Option<u32>,
    ) -> Duration {
        let limit = f64::from(self.config.limit_for(service, command, documented));
        let factor = if self.config.adaptive {
            self.factor(&self.key(service, command))
        } else {
            1.0
        };
        Duration::from_secs_f64(1.0 / (limit * self.config.headroom * factor))
    }

    /// Waits for the next send slot of `service`/`command`. `Err` with the
    /// wait when the slot lies beyond `max_wait` (nothing reserved).
    pub(crate) async fn pace(
        &self,
        service: &str,
        command: &str,
        documented: Option<u32>,
        max_wait: Duration,
    ) -> Result<(), Duration> {
        let interval = self.interval(service, command, documented);
        let key = self.key(service, command);
        match self.backend.reserve(&key, interval, max_wait).await {
            Reservation::Wait(w) if w.is_zero() => Ok(()),
            Reservation::Wait(w) => {
                tokio::time::sleep(w).await;
                Ok(())
            }
            Reservation::TooFar(w) => Err(w),
        }
    }

    /// The service refused a call of `service`/`command` for rate: slow
    /// that command down.
    pub(crate) fn rate_limited(&self, service: &str, command: &str) {
        if !self.config.adaptive {
            return;
        }
        let key = self.key(service, command);
        let now = Instant::now();
        let mut slowed = self.slowed.lock().unwrap_or_else(|e| e.into_inner());
        let s = slowed.entry(key).or_insert(Slowdown {
            factor: 1.0,
            changed: now,
            last_cut: now - CUT_EVERY,
        });
        if now.saturating_duration_since(s.last_cut) < CUT_EVERY {
            return;
        }
        s.factor = (s.factor * CUT).max(MIN_FACTOR);
        s.changed = now;
        s.last_cut = now;
        tracing::warn!(
            service,
            command,
            pace = s.factor,
            "the service answered a rate-limit code: slowing this command down"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_limit_answer_halves_the_pace_once_per_second() {
        let l = Limiter::new(RateLimits::new().headroom(1.0), 1).expect("enabled");
        let full = l.interval("s", "c", Some(100));
        assert_eq!(full, Duration::from_millis(10));
        l.rate_limited("s", "c");
        l.rate_limited("s", "c");
        // Two refusals within a second count once.
        assert_eq!(l.interval("s", "c", Some(100)), Duration::from_millis(20));
        // Other commands keep their pace.
        assert_eq!(l.interval("s", "other", Some(100)), full);
    }

    #[test]
    fn limits_come_from_the_spec_unless_overridden() {
        let r = RateLimits::new()
            .command_limit("s", "c", 7)
            .command_limit("s", "c", 9);
        assert_eq!(r.limit_for("s", "c", Some(200)), 9);
        assert_eq!(r.limit_for("s", "d", Some(100)), 100);
        assert_eq!(
            r.limit_for("s", "d", None),
            super::super::DEFAULT_UNKNOWN_COMMAND_LIMIT
        );
        let all = RateLimits::new().all_commands_limit(50);
        assert_eq!(all.limit_for("s", "d", Some(100)), 50);
        assert!(Limiter::new(RateLimits::off(), 1).is_none());
    }
}
