//! The client's use of the rate limiter (see [`crate::limit`]).

use std::time::{Duration, Instant};

use super::Client;
use crate::command::CommandInfo;
use crate::error::{CallInfo, Error};

impl Client {
    /// Waits for the call's next send slot. Fails, without sending, when the
    /// slot lies beyond the call's deadline.
    pub(super) async fn pace(
        &self,
        call: &CallInfo,
        info: Option<&'static CommandInfo>,
        deadline: Option<Instant>,
    ) -> Result<(), Error> {
        let Some(limiter) = &self.inner.limiter else {
            return Ok(());
        };
        let documented = info
            .or_else(|| crate::generated::catalog::find(&call.service, &call.command))
            .map(|i| i.rate_limit_per_second);
        let max_wait = deadline.map_or(Duration::MAX, |d| {
            d.saturating_duration_since(Instant::now())
        });
        match limiter
            .pace(&call.service, &call.command, documented, max_wait)
            .await
        {
            Ok(()) => Ok(()),
            Err(wait) => {
                tracing::debug!(
                    wait_ms = wait.as_millis() as u64,
                    "not sending: the next rate-limit slot lies beyond the deadline"
                );
                Err(Error::Timeout {
                    call: Box::new(call.clone()),
                    deadline_exceeded: true,
                })
            }
        }
    }

    /// Tells the limiter about a failed attempt (it slows down on
    /// rate-limit answers).
    pub(super) fn paced_failure(&self, call: &CallInfo, error: &Error) {
        let Some(limiter) = &self.inner.limiter else {
            return;
        };
        let refused =
            error.is_rate_limited() || matches!(error, Error::HttpStatus { status: 429, .. });
        if refused {
            limiter.rate_limited(&call.service, &call.command);
        }
    }
}
