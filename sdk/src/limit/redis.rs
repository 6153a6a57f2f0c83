//! The schedule kept in Redis, shared by every process of an app.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;

use super::{LimiterBackend, LocalBackend, Reservation, ReserveFuture};

/// GCRA reservation, atomic in Redis. KEYS[1]: the key. ARGV: interval and
/// longest acceptable wait (microseconds). Time is Redis's own clock, so the
/// processes sharing the key need not agree on theirs. Returns
/// `{reserved (1/0), wait in microseconds}`.
const RESERVE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(tat, now)
local wait = slot - now
if wait > tonumber(ARGV[2]) then
  return {0, wait}
end
local next_tat = slot + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', math.floor((next_tat - now) / 1000) + 1000)
return {1, wait}
";

/// How long a Redis round trip (connecting included) may take before the
/// reservation is made locally instead.
const DEFAULT_TIMEOUT: Duration = Duration::from_millis(250);
/// How long to stay on the local schedule after Redis failed.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(2);

/// Keeps each key's schedule in Redis (GCRA in a Lua script, see the
/// [module docs](super)), so every process and replica of an app shares one
/// budget per command.
///
/// If Redis cannot be reached or does not answer within the timeout, the
/// reservation is made on an in-process [`LocalBackend`] instead (the call
/// is still sent, paced locally) and a warning is logged; Redis is tried
/// again after a pause. While the fallback lasts each process spends the
/// budget on its own, and the adaptive slow-down absorbs the excess.
pub struct RedisBackend {
    client: redis::Client,
    prefix: String,
    timeout: Duration,
    retry_after: Duration,
    script: redis::Script,
    conn: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    down_since: Mutex<Option<Instant>>,
    fallback: LocalBackend,
}

impl std::fmt::Debug for RedisBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The connection info may carry a password: show only the prefix.
        f.debug_struct("RedisBackend")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisBackend {
    /// A backend on the Redis at `url` (`redis://host:port/db`). Nothing is
    /// connected until the first call. Keys are `trtc-room:rl:<app>:<service>:<command>`.
    pub fn new(url: &str) -> Result<Self, crate::Error> {
        let client = redis::Client::open(url).map_err(|_| {
            crate::Error::Config(crate::ConfigError::invalid(
                "redis_url",
                "not a valid Redis URL",
            ))
        })?;
        Ok(RedisBackend {
            client,
            prefix: "trtc-room:rl:".to_owned(),
            timeout: DEFAULT_TIMEOUT,
            retry_after: DEFAULT_RETRY_AFTER,
            script: redis::Script::new(RESERVE),
            conn: tokio::sync::Mutex::new(None),
            down_since: Mutex::new(None),
            fallback: LocalBackend::new(),
        })
    }

    /// Prefix of the Redis keys (default `trtc-room:rl:`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Longest Redis round trip before falling back (default 250 ms).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long to use the local schedule after a Redis failure before
    /// trying Redis again (default 2 s).
    pub fn retry_after(mut self, pause: Duration) -> Self {
        self.retry_after = pause;
        self
    }

    /// Whether reservations are currently made locally because Redis failed.
    pub fn is_degraded(&self) -> bool {
        self.down_since
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    async fn connection(&self) -> Result<MultiplexedConnection, redis::RedisError> {
        let mut slot = self.conn.lock().await;
        if let Some(c) = slot.as_ref() {
            return Ok(c.clone());
        }
        let c = self.client.get_multiplexed_async_connection().await?;
        *slot = Some(c.clone());
        Ok(c)
    }

    async fn reserve_in_redis(
        &self,
        key: &str,
        interval: Duration,
        max_wait: Duration,
    ) -> Result<Reservation, String> {
        let work = async {
            let mut conn = self.connection().await?;
            let micros = |d: Duration| i64::try_from(d.as_micros()).unwrap_or(i64::MAX / 2);
            self.script
                .key(format!("{}{key}", self.prefix))
                .arg(micros(interval).max(1))
                .arg(micros(max_wait).min(i64::MAX / 2))
                .invoke_async::<(i64, i64)>(&mut conn)
                .await
        };
        let (reserved, wait) = match tokio::time::timeout(self.timeout, work).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => return Err(e.to_string()),
            Err(_) => return Err(format!("no answer within {:?}", self.timeout)),
        };
        let wait = Duration::from_micros(u64::try_from(wait).unwrap_or(0));
        Ok(if reserved == 1 {
            Reservation::Wait(wait)
        } else {
            Reservation::TooFar(wait)
        })
    }

    async fn reserve_inner(
        &self,
        key: &str,
        interval: Duration,
        max_wait: Duration,
    ) -> Reservation {
        let down = *self.down_since.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(since) = down {
            if since.elapsed() < self.retry_after {
                return self.fallback.reserve_now(key, interval, max_wait);
            }
        }
        match self.reserve_in_redis(key, interval, max_wait).await {
            Ok(r) => {
                let mut d = self.down_since.lock().unwrap_or_else(|e| e.into_inner());
                if d.take().is_some() {
                    tracing::warn!("Redis answers again: rate-limit schedule shared again");
                }
                r
            }
            Err(why) => {
                // Drop the connection so the next try reconnects.
                if let Ok(mut c) = self.conn.try_lock() {
                    *c = None;
                }
                let mut d = self.down_since.lock().unwrap_or_else(|e| e.into_inner());
                if d.is_none() {
                    tracing::warn!(
                        error = %why,
                        "Redis is unreachable: pacing with the local rate-limit schedule until it answers"
                    );
                }
                *d = Some(Instant::now());
                drop(d);
                self.fallback.reserve_now(key, interval, max_wait)
            }
        }
    }
}

impl LimiterBackend for RedisBackend {
    fn reserve<'a>(
        &'a self,
        key: &'a str,
        interval: Duration,
        max_wait: Duration,
    ) -> ReserveFuture<'a> {
        Box::pin(self.reserve_inner(key, interval, max_wait))
    }
}
