//! Advanced: the trait that ties a typed request to its endpoint, and the
//! table of every command.
//!
//! Applications rarely need this module: the typed client methods
//! ([`Client::create_room`](crate::Client::create_room), ...) and
//! [`Client::call`](crate::Client::call) cover ordinary use. It is for tools
//! that route by service and command name (the `trtc-room` command line and
//! the emulator use it) and for code generic over every request type.
//!
//! Every request type implements [`Command`]; [`COMMANDS`] lists the
//! [`CommandInfo`] of each, and [`find`] looks one up by its URL segments.
//!
//! ```
//! use trtc_room::command::{find, Command};
//! use trtc_room::GetRoomInfo;
//!
//! let info = find("room_engine_http_srv", "get_room_info").expect("known command");
//! assert_eq!(info, GetRoomInfo::INFO);
//! assert!(info.idempotent);
//! ```

use crate::validate::Validate;

pub use crate::generated::catalog::{find, COMMANDS};

/// Where a command's payload sits in the HTTP response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadLocation {
    /// The command returns only the envelope (`ActionStatus`, `ErrorCode`,
    /// `ErrorInfo`, `RequestId`).
    None,
    /// The payload is an object under this key of the body (Room commands use
    /// `"Response"`).
    Wrapped(&'static str),
    /// The payload fields sit at the top level of the body, next to the
    /// envelope fields.
    TopLevel,
}

/// A documented error code of one command, with its command-specific meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandError {
    /// The `ErrorCode` value.
    pub code: i64,
    /// What the code means for this command.
    pub meaning: &'static str,
}

/// Static facts about one command, taken from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandInfo {
    /// The `servicename` path segment, e.g. `room_engine_http_srv`.
    pub service: &'static str,
    /// The `command` path segment, e.g. `create_room`.
    pub command: &'static str,
    /// Whether re-sending the same request after it may have reached the
    /// server is harmless.
    pub idempotent: bool,
    /// The documented per-app rate limit, in calls per second.
    pub rate_limit_per_second: u32,
    /// Where the payload sits in the response body.
    pub payload: PayloadLocation,
    /// The command's own documented error codes.
    pub errors: &'static [CommandError],
    /// Codes that, answered to a retry after an attempt that may have
    /// reached the server, mean the earlier attempt did the work (the call
    /// then succeeds, see
    /// [`Reply::completed_by_earlier_attempt`](crate::Reply::completed_by_earlier_attempt)).
    pub done_by_earlier_attempt: &'static [i64],
    /// The first documentation URL of the command.
    pub doc_url: &'static str,
}

impl CommandInfo {
    /// The documented meaning of `code` for this command, if it has one.
    pub fn error_meaning(&self, code: i64) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|e| e.code == code)
            .map(|e| e.meaning)
    }
}

/// A typed request for one command.
///
/// Implemented by the generated request types; `INFO` names the endpoint and
/// `Response` is the typed payload returned on success.
pub trait Command: serde::Serialize + Validate + Send + Sync {
    /// The typed payload of a successful answer.
    type Response: serde::de::DeserializeOwned + Send + 'static;
    /// Static facts about the command.
    const INFO: &'static CommandInfo;
}
