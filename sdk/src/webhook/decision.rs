//! Answers to before-callbacks: the receiver decides whether the action
//! (for example a gift) goes ahead.
//!
//! Each before-callback in the spec has a generated decision type (such as
//! `LiveBeforeSendGiftDecision`) implementing [`Decision`]: `ErrorCode` 0
//! allows the action, and the refusals the spec lists block it. The service
//! waits [`Decision::BUDGET`] for the answer.

use std::future::Future;
use std::time::Duration;

use serde_json::{json, Value};

/// A before-callback's answer, generated from the spec's `decision:`.
pub trait Decision: Sized {
    /// The callback command this decision answers.
    const COMMAND: &'static str;
    /// How long the service waits for the answer.
    const BUDGET: Duration;

    /// The `ErrorCode` answered: 0 allows the action.
    fn error_code(&self) -> i64;

    /// The `ErrorInfo` answered (passed on to the sender by some refusals).
    fn error_info(&self) -> &str;

    /// Reads a receiver's `ErrorCode` and `ErrorInfo` back into a decision.
    ///
    /// A code that is neither 0 nor one of the spec's refusals is an
    /// [`UnknownRefusal`]; the service still treats it as a refusal.
    fn from_answer(code: i64, info: &str) -> Result<Self, UnknownRefusal>;

    /// Whether the action goes ahead.
    fn is_allowed(&self) -> bool {
        self.error_code() == 0
    }

    /// The answer as a JSON value: `ActionStatus` `OK` with `ErrorCode` 0, or
    /// `FAIL` with the refusal's code and info.
    fn to_value(&self) -> Value {
        let status = if self.is_allowed() { "OK" } else { "FAIL" };
        json!({
            "ActionStatus": status,
            "ErrorInfo": self.error_info(),
            "ErrorCode": self.error_code(),
        })
    }

    /// The answer as the JSON body to send back (HTTP 200).
    fn to_body(&self) -> Vec<u8> {
        self.to_value().to_string().into_bytes()
    }
}

/// A before-callback answer with a code the spec does not list for it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ErrorCode {code} is not a documented answer to {command} (expected 0 or {expected})")]
pub struct UnknownRefusal {
    /// The callback command.
    pub command: &'static str,
    /// The code received or asked for.
    pub code: i64,
    /// The documented non-zero codes, as text (`1, 102100..=102200`).
    pub expected: &'static str,
}

/// The part of a before-callback's budget [`decide_in_time`] leaves for the
/// answer's trip back to the service.
pub const NETWORK_MARGIN: Duration = Duration::from_millis(300);

/// Runs `decide`, the app's decision on a before-callback, for at most
/// `budget`. If it has not finished by then, it is dropped and `on_timeout`
/// (the app's choice: allow or refuse) is answered instead, with a warning
/// in the log. The service never waits past its budget because of a slow
/// check in the app.
pub async fn decide_within<D: Decision>(
    budget: Duration,
    decide: impl Future<Output = D>,
    on_timeout: D,
) -> D {
    match tokio::time::timeout(budget, decide).await {
        Ok(decision) => decision,
        Err(_) => {
            tracing::warn!(
                target: "trtc_room::webhook",
                command = D::COMMAND,
                budget_ms = u64::try_from(budget.as_millis()).unwrap_or(u64::MAX),
                error_code = on_timeout.error_code(),
                "before-callback decision took too long; answering the fallback"
            );
            on_timeout
        }
    }
}

/// [`decide_within`] the decision's own budget ([`Decision::BUDGET`]) less
/// [`NETWORK_MARGIN`].
pub async fn decide_in_time<D: Decision>(decide: impl Future<Output = D>, on_timeout: D) -> D {
    decide_within(D::BUDGET.saturating_sub(NETWORK_MARGIN), decide, on_timeout).await
}
