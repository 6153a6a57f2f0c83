//! Fault injection: make the next N calls of a command (or of every
//! command) misbehave.

use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;

use crate::error::ApiError;

/// How an affected call misbehaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Only the delay applies; the call then proceeds normally.
    DelayOnly,
    /// Answer the envelope with this error (HTTP 200).
    Error {
        /// `ErrorCode`.
        code: i64,
        /// `ErrorInfo`.
        info: String,
    },
    /// Answer this HTTP status with a non-JSON body.
    HttpStatus {
        /// The status code.
        status: u16,
        /// The body (plain text).
        body: String,
    },
    /// Process the call, then send only the first half of the JSON answer.
    TruncatedBody,
    /// Close the connection without answering (the call is not processed).
    DropConnection,
    /// Process the call, then close the connection without answering: the
    /// command takes effect and its answer is lost (with a delay, the
    /// answer is lost after the delay, so a client may time out first).
    LoseAnswer,
    /// Answer this HTTP status with an HTML page that echoes the request
    /// line, query string included, as some gateways do (the call is not
    /// processed).
    EchoRequest {
        /// The status code.
        status: u16,
    },
}

/// One injected fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// `None` for every command; else a command name (`create_room`) or
    /// `service/command`.
    pub command: Option<String>,
    /// How many calls it affects (at least 1).
    pub count: u32,
    /// Wait this long before answering.
    pub delay: Duration,
    /// What happens.
    pub kind: FaultKind,
}

impl Fault {
    /// A fault of `kind` on the next call of any command.
    pub fn new(kind: FaultKind) -> Self {
        Self {
            command: None,
            count: 1,
            delay: Duration::ZERO,
            kind,
        }
    }

    /// The next call answers `code` (any command).
    pub fn error_code(code: i64) -> Self {
        Self::new(FaultKind::Error {
            code,
            info: format!("injected error {code}"),
        })
    }

    /// Restricts the fault to one command (`create_room` or `service/command`).
    pub fn command(mut self, command: impl Into<String>) -> Self {
        self.command = Some(command.into());
        self
    }

    /// Affects the next `count` calls.
    pub fn times(mut self, count: u32) -> Self {
        self.count = count.max(1);
        self
    }

    /// Adds a delay before the answer.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Parses the control API body: `Command`, `Count`, `DelayMs`, and one of
    /// `ErrorCode` (+`ErrorInfo`), `HttpStatus` (+`Body`, or `EchoRequest:
    /// true` for a page echoing the request line), `Truncate: true`,
    /// `Drop: true`, `LoseAnswer: true`.
    pub fn from_json(body: &Value) -> Result<Self, ApiError> {
        let obj = body
            .as_object()
            .ok_or_else(|| ApiError::bad_param("fault must be a JSON object"))?;
        let get_u64 = |key: &str| -> Result<Option<u64>, ApiError> {
            match obj.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                    ApiError::bad_param(format!("{key} must be a non-negative integer"))
                }),
            }
        };
        let flag = |key: &str| obj.get(key).and_then(Value::as_bool).unwrap_or(false);
        let kind = if let Some(code) = obj.get("ErrorCode") {
            let code = code
                .as_i64()
                .ok_or_else(|| ApiError::bad_param("ErrorCode must be an integer"))?;
            let info = obj
                .get("ErrorInfo")
                .and_then(Value::as_str)
                .map_or_else(|| format!("injected error {code}"), str::to_owned);
            FaultKind::Error { code, info }
        } else if let Some(status) = get_u64("HttpStatus")? {
            let status = u16::try_from(status)
                .ok()
                .filter(|s| (100..=599).contains(s))
                .ok_or_else(|| ApiError::bad_param("HttpStatus must be in 100..=599"))?;
            if flag("EchoRequest") {
                return Self::finish(obj, FaultKind::EchoRequest { status }, get_u64);
            }
            let body = obj
                .get("Body")
                .and_then(Value::as_str)
                .unwrap_or("<html><body>injected failure</body></html>")
                .to_owned();
            FaultKind::HttpStatus { status, body }
        } else if flag("Truncate") {
            FaultKind::TruncatedBody
        } else if flag("Drop") {
            FaultKind::DropConnection
        } else if flag("LoseAnswer") {
            FaultKind::LoseAnswer
        } else {
            FaultKind::DelayOnly
        };
        Self::finish(obj, kind, get_u64)
    }

    fn finish(
        obj: &serde_json::Map<String, Value>,
        kind: FaultKind,
        get_u64: impl Fn(&str) -> Result<Option<u64>, ApiError>,
    ) -> Result<Self, ApiError> {
        let command = match obj.get("Command").and_then(Value::as_str) {
            None | Some("") | Some("*") => None,
            Some(c) => Some(c.to_owned()),
        };
        let count = u32::try_from(get_u64("Count")?.unwrap_or(1)).unwrap_or(u32::MAX);
        let delay = Duration::from_millis(get_u64("DelayMs")?.unwrap_or(0));
        if kind == FaultKind::DelayOnly && delay.is_zero() {
            return Err(ApiError::bad_param(
                "fault needs one of ErrorCode, HttpStatus, Truncate, Drop or DelayMs",
            ));
        }
        Ok(Self {
            command,
            count: count.max(1),
            delay,
            kind,
        })
    }

    fn matches(&self, service: &str, command: &str) -> bool {
        match &self.command {
            None => true,
            Some(c) => {
                c == command
                    || c.split_once('/')
                        .is_some_and(|(s, cmd)| s == service && cmd == command)
            }
        }
    }
}

/// The pending faults, first added first used.
#[derive(Debug, Default)]
pub struct Faults {
    pending: Mutex<Vec<Fault>>,
}

impl Faults {
    /// Adds a fault.
    pub fn add(&self, fault: Fault) {
        self.lock().push(fault);
    }

    /// Removes every pending fault.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The pending faults, first used first.
    pub fn pending(&self) -> Vec<Fault> {
        self.lock().clone()
    }

    /// Takes one use of the first fault matching the call, if any.
    pub fn take(&self, service: &str, command: &str) -> Option<Fault> {
        let mut pending = self.lock();
        let pos = pending.iter().position(|f| f.matches(service, command))?;
        let fault = pending[pos].clone();
        if pending[pos].count <= 1 {
            pending.remove(pos);
        } else {
            pending[pos].count -= 1;
        }
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}
