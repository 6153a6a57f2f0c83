//! The retry policy: how often and how long to try.

use std::time::Duration;

/// How a call is retried. A value: start from [`RetryPolicy::default`] or
/// [`RetryPolicy::no_retries`], change it with the setters, pass it to
/// [`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy).
///
/// ```
/// use std::time::Duration;
/// use trtc_room::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(3)
///     .base_delay(Duration::from_millis(100))
///     .deadline(Some(Duration::from_secs(10)));
/// assert_eq!(policy.max_attempts, 3);
/// ```
///
/// What is retried is fixed by the command (see the crate docs): rate-limit
/// answers (the rate-limit codes and HTTP 429) and connection failures
/// before sending for every command; timeouts, resets, HTTP 5xx and
/// server-internal errors only for idempotent commands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in total, including the first (1 = never retry).
    pub max_attempts: u32,
    /// Backoff before the first retry; doubles on each further retry.
    pub base_delay: Duration,
    /// Largest backoff between two attempts.
    pub max_delay: Duration,
    /// Randomize each backoff within its upper half, so clients that failed
    /// together do not retry together.
    pub jitter: bool,
    /// Overall time budget of one call, across all its attempts and
    /// backoffs (`None`: only `max_attempts` bounds the call).
    pub deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            jitter: true,
            deadline: Some(Duration::from_secs(30)),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries (one attempt, default deadline).
    pub fn no_retries() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Attempts in total, including the first (1 = never retry).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Backoff before the first retry; doubles on each further retry.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Largest backoff between two attempts.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Whether each backoff is randomized within its upper half.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Overall time budget of one call (`None`: only the attempt count
    /// bounds it).
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// The backoff before attempt number `next_attempt` (2 = first retry).
    pub fn backoff(&self, next_attempt: u32) -> Duration {
        let exp = next_attempt.saturating_sub(2).min(30);
        let full = self
            .base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay);
        if !self.jitter || full.is_zero() {
            return full;
        }
        let half = full / 2;
        let spread = (full - half).as_micros().min(u128::from(u64::MAX)) as u64;
        let extra = if spread == 0 {
            0
        } else {
            crate::random::u64() % (spread + 1)
        };
        half + Duration::from_micros(extra)
    }
}
