//! Answers to before-callbacks: the receiver decides whether the action
//! (for example a gift) goes ahead.
//!
//! Each before-callback in the spec has a generated decision type (such as
//! `LiveBeforeSendGiftDecision`) implementing [`Decision`]: `ErrorCode` 0
//! allows the action, and the refusals the spec lists block it. The service
//! waits [`Decision::BUDGET`] for the answer.

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
