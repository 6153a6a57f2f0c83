//! Client-side pacing to the service's documented rate limits.
//!
//! The Room service refuses calls above a per-app, per-command rate (200 calls
//! per second for most commands, 100/s for some account commands; each
//! command's limit is in the spec, see [`CommandInfo::rate_limit_per_second`]).
//! A refused call costs a round trip and a backoff, and a job that sends
//! faster than the limit sees part of its calls fail after their retries.
//!
//! So the client paces itself: before each attempt it reserves a send slot
//! for `(SDKAppID, service, command)` from a [`LimiterBackend`], and waits
//! until that slot. Slots are spaced evenly at a fraction of the documented
//! rate ([`RateLimits::headroom`], 95 % by default), so no second of the
//! service's accounting sees more than the limit even when the client's
//! clock and the service's windows are not aligned. It is on by default and
//! shared by every clone of a client.
//!
//! The pacing adapts: when the service answers with a rate-limit code
//! (60007, 60011, 60018, 60019, or HTTP 429), the rate of that command is
//! halved (at most once a second, down to a tenth), because something else,
//! another process or another replica, is spending the same budget. Each
//! further second without such an answer gives back a tenth of the
//! documented rate, until the full pace is restored.
//!
//! # Backends
//!
//! The schedule lives in a [`LimiterBackend`]. [`LocalBackend`] (the default)
//! keeps it in process memory; that is right for one process. Several
//! replicas of an application share one app-wide budget, so they need a
//! shared schedule: with the `redis` cargo feature, `RedisBackend` keeps it
//! in Redis, updated atomically by a Lua script.
//!
//! Both implement GCRA (the generic cell rate algorithm) as a reservation
//! schedule: the backend keeps, per key, the theoretical arrival time (TAT)
//! of the next call; a reservation gets `max(TAT, now)` as its slot and moves
//! TAT on by one interval (`1 s / rate`). Every caller gets its own slot
//! without retrying or polling, slots never overlap, and the state per key is
//! one number.
//!
//! ```no_run
//! use trtc_room::{Client, RateLimits};
//!
//! # fn main() -> Result<(), trtc_room::Error> {
//! // Pace at 80 % of the documented limits, and send `kick_user_out` at
//! // most 50 times a second:
//! let client = Client::builder()
//!     .sdk_app_id(1400000000)
//!     .secret_key("...")
//!     .admin("administrator")
//!     .base_url("http://127.0.0.1:9080")
//!     .rate_limits(
//!         RateLimits::new()
//!             .headroom(0.8)
//!             .command_limit("room_engine_http_srv", "kick_user_out", 50),
//!     )
//!     .build()?;
//! // Or no pacing at all:
//! let unpaced = Client::builder()
//!     .sdk_app_id(1400000000)
//!     .secret_key("...")
//!     .admin("administrator")
//!     .base_url("http://127.0.0.1:9080")
//!     .rate_limits(RateLimits::off())
//!     .build()?;
//! # let _ = (client, unpaced);
//! # Ok(())
//! # }
//! ```

mod adaptive;
mod local;
#[cfg(feature = "redis")]
mod redis;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

pub(crate) use adaptive::Limiter;
pub use local::LocalBackend;
#[cfg(feature = "redis")]
pub use redis::RedisBackend;

#[cfg(doc)]
use crate::command::CommandInfo;

/// The limit used for a command the spec does not know (raw calls): the
/// service's general per-command limit.
pub const DEFAULT_UNKNOWN_COMMAND_LIMIT: u32 = 200;

/// The answer of [`LimiterBackend::reserve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// A slot is reserved: send after waiting this long.
    Wait(Duration),
    /// The next free slot is further away than the caller can wait (this
    /// long); nothing was reserved.
    TooFar(Duration),
}

/// The future returned by [`LimiterBackend::reserve`].
pub type ReserveFuture<'a> = Pin<Box<dyn Future<Output = Reservation> + Send + 'a>>;

/// Where the send schedule of each rate-limited key is kept.
///
/// Implementations must be atomic per key: two concurrent reservations
/// never get the same slot. They never fail: a backend that loses its store
/// (a Redis outage) answers from a local schedule instead and says so in a
/// warning.
pub trait LimiterBackend: Send + Sync + fmt::Debug + 'static {
    /// Reserves the next send slot of `key`, spaced `interval` after the
    /// previous one, unless it is more than `max_wait` away.
    fn reserve<'a>(
        &'a self,
        key: &'a str,
        interval: Duration,
        max_wait: Duration,
    ) -> ReserveFuture<'a>;
}

/// How the client paces its calls. A value: build one, pass it to
/// [`ClientBuilder::rate_limits`](crate::ClientBuilder::rate_limits).
#[derive(Clone)]
pub struct RateLimits {
    pub(crate) enabled: bool,
    pub(crate) headroom: f64,
    pub(crate) adaptive: bool,
    pub(crate) all_commands: Option<u32>,
    pub(crate) per_command: Vec<(String, String, u32)>,
    pub(crate) backend: Option<Arc<dyn LimiterBackend>>,
}

impl fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimits")
            .field("enabled", &self.enabled)
            .field("headroom", &self.headroom)
            .field("adaptive", &self.adaptive)
            .field("all_commands", &self.all_commands)
            .field("per_command", &self.per_command)
            .field("backend", &self.backend)
            .finish()
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::new()
    }
}

impl RateLimits {
    /// Pacing on: the documented limit of each command, 95 % headroom,
    /// adaptive, an in-process [`LocalBackend`].
    pub fn new() -> Self {
        RateLimits {
            enabled: true,
            headroom: 0.95,
            adaptive: true,
            all_commands: None,
            per_command: Vec::new(),
            backend: None,
        }
    }

    /// No pacing: calls are sent as soon as they are made (rate-limit
    /// answers are still retried by the retry policy).
    pub fn off() -> Self {
        RateLimits {
            enabled: false,
            ..Self::new()
        }
    }

    /// Send at this fraction of each limit (clamped to 0.01..=1.0; default
    /// 0.95). Below 1 it leaves room for clock skew between the client's
    /// schedule and the service's accounting.
    pub fn headroom(mut self, fraction: f64) -> Self {
        self.headroom = if fraction.is_finite() {
            fraction.clamp(0.01, 1.0)
        } else {
            0.95
        };
        self
    }

    /// Whether to slow down on rate-limit answers and recover after
    /// (default true).
    pub fn adaptive(mut self, on: bool) -> Self {
        self.adaptive = on;
        self
    }

    /// Use `per_second` for every command instead of the documented limits
    /// (a per-command limit set with [`command_limit`](Self::command_limit)
    /// still wins). Handy when a test server enforces a lower limit.
    pub fn all_commands_limit(mut self, per_second: u32) -> Self {
        self.all_commands = Some(per_second.max(1));
        self
    }

    /// Use `per_second` for one command instead of its documented limit.
    pub fn command_limit(
        mut self,
        service: impl Into<String>,
        command: impl Into<String>,
        per_second: u32,
    ) -> Self {
        let (service, command) = (service.into(), command.into());
        self.per_command
            .retain(|(s, c, _)| *s != service || *c != command);
        self.per_command.push((service, command, per_second.max(1)));
        self
    }

    /// Keep the schedule in this backend (default: a new [`LocalBackend`]
    /// per built client). Several clients given the same backend share one
    /// budget per app and command.
    pub fn backend(mut self, backend: Arc<dyn LimiterBackend>) -> Self {
        self.backend = Some(backend);
        self
    }

    /// Whether pacing is on.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The limit, in calls per second, that applies to `service`/`command`
    /// whose documented limit is `documented` (`None` for a command the spec
    /// does not know).
    pub fn limit_for(&self, service: &str, command: &str, documented: Option<u32>) -> u32 {
        if let Some((_, _, n)) = self
            .per_command
            .iter()
            .find(|(s, c, _)| s == service && c == command)
        {
            return *n;
        }
        self.all_commands
            .or(documented)
            .unwrap_or(DEFAULT_UNKNOWN_COMMAND_LIMIT)
            .max(1)
    }
}
