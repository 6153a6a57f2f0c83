//! The error type of every client call.
//!
//! [`Error`] is one matchable enum. Errors about a call carry a
//! [`CallInfo`] naming the service, command, the call's `random` value (sent
//! as a query parameter and stable across retries, so it can be found in
//! server logs) and how many attempts were made. No variant ever contains
//! the secret key or a UserSig.

use std::fmt;

pub use crate::generated::errors::ErrorCode;

/// How many leading bytes of a body [`Error::HttpStatus`] and [`Error::Decode`]
/// keep (as lossy UTF-8, so invalid bytes become U+FFFD, plus `…` when cut).
///
/// Before the cut, the value of every `usersig=` parameter and anything equal
/// to the client's secret key or current UserSig is replaced by
/// `<redacted>`, whatever the server or a gateway echoed.
pub const BODY_EXCERPT_LIMIT: usize = 2048;

/// Which call an error belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallInfo {
    /// The `servicename` path segment.
    pub service: String,
    /// The `command` path segment.
    pub command: String,
    /// The `random` query parameter of the call (the same on every attempt).
    pub random: u32,
    /// Attempts made so far, including the failing one.
    pub attempts: u32,
}

impl CallInfo {
    /// Names a call, e.g. to build an [`Error`] in a test double.
    pub fn new(
        service: impl Into<String>,
        command: impl Into<String>,
        random: u32,
        attempts: u32,
    ) -> Self {
        CallInfo {
            service: service.into(),
            command: command.into(),
            random,
            attempts,
        }
    }

    /// A first attempt of command `C` (random 0).
    ///
    /// ```
    /// let call = trtc_room::CallInfo::of::<trtc_room::GetRoomInfo>();
    /// assert_eq!(call.to_string(), "room_engine_http_srv/get_room_info (random 0, attempt 1)");
    /// ```
    pub fn of<C: crate::command::Command>() -> Self {
        CallInfo::new(C::INFO.service, C::INFO.command, 0, 1)
    }
}

impl fmt::Display for CallInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{} (random {}, attempt {})",
            self.service, self.command, self.random, self.attempts
        )
    }
}

/// What is wrong with a client's configuration: which settings are missing,
/// or which one is invalid and why. Settings are named as the user gave them:
/// the environment variable for [`Client::from_env`](crate::Client::from_env)
/// (`TRTC_BASE_URL`), else the [`ClientBuilder`](crate::ClientBuilder)
/// method (`base_url`).
///
/// ```
/// use trtc_room::{Client, ConfigError, Error};
///
/// let err = Client::builder().sdk_app_id(1400000000).build().unwrap_err();
/// match err {
///     Error::Config(ConfigError::Missing(settings)) => {
///         assert_eq!(settings, ["secret_key or user_sig_provider", "admin", "region or base_url"]);
///     }
///     other => panic!("{other}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Required settings are not set; every missing one is listed.
    #[error("not set: {}", .0.join(", "))]
    Missing(Vec<&'static str>),
    /// A setting has an unusable value.
    #[error("{setting}: {reason}")]
    Invalid {
        /// The setting or environment variable.
        setting: &'static str,
        /// What is wrong with it (never contains a secret).
        reason: String,
    },
}

impl ConfigError {
    /// An invalid `setting`.
    pub fn invalid(setting: &'static str, reason: impl Into<String>) -> Self {
        ConfigError::Invalid {
            setting,
            reason: reason.into(),
        }
    }

    /// The setting or variable an [`Invalid`](Self::Invalid) error names.
    pub fn setting(&self) -> Option<&'static str> {
        match self {
            ConfigError::Invalid { setting, .. } => Some(setting),
            ConfigError::Missing(_) => None,
        }
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

/// Everything that can go wrong in a call.
///
/// Match the variants you handle and let the rest bubble up; the helpers
/// [`is_rate_limited`](Error::is_rate_limited),
/// [`is_retryable`](Error::is_retryable) and
/// [`request_id`](Error::request_id) cover the common questions.
///
/// ```no_run
/// # async fn demo(client: trtc_room::Client) -> Result<(), trtc_room::Error> {
/// use trtc_room::{CreateRoom, Error, ErrorCode, RoomInfo, RoomType};
///
/// let request = CreateRoom::new(RoomInfo::new("room-1", RoomType::Conference));
/// match client.create_room(request).await {
///     Ok(_) => println!("created"),
///     Err(e) if e.is_room_id_in_use() => println!("room-1 exists already"),
///     Err(Error::Service { code: ErrorCode::RateLimited, .. }) => println!("slow down"),
///     Err(Error::InvalidRequest(bad)) => println!("not sent: {bad}"),
///     Err(e) => return Err(e),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request breaks a documented constraint; nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(#[from] crate::validate::InvalidRequest),

    /// The client configuration is unusable: settings or environment
    /// variables missing or invalid, a bad URL, a UserSig provider failure.
    #[error("configuration error: {0}")]
    Config(ConfigError),

    /// The connection failed or broke.
    #[error("transport error in {call}: {message}{}", if *.may_have_reached_server { "" } else { " (request not sent)" })]
    Transport {
        /// The call.
        call: Box<CallInfo>,
        /// `false` when the failure happened before the request was written
        /// (connect, DNS, TLS handshake): the server certainly did not see it.
        may_have_reached_server: bool,
        /// What failed (never contains the URL).
        message: String,
        /// The underlying error, with its URL stripped.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// No admin UserSig could be obtained for the call: the
    /// [`UserSigProvider`](crate::UserSigProvider) failed, returned an
    /// expired sig, or did not answer in time. **Nothing was sent.**
    #[error("cannot sign {call}: {message} (request not sent)")]
    Signing {
        /// The call.
        call: Box<CallInfo>,
        /// What went wrong (the provider's error text).
        message: String,
        /// `true` when the provider did not answer within the signing
        /// timeout (or the call's time ran out waiting for it).
        timed_out: bool,
    },

    /// No complete answer in time.
    #[error("timeout in {call}: {}", if *.deadline_exceeded { "overall deadline exceeded" } else { "attempt timed out" })]
    Timeout {
        /// The call.
        call: Box<CallInfo>,
        /// `true` when the call's overall deadline ran out, `false` when a
        /// single attempt hit the attempt timeout (and no retry was allowed).
        deadline_exceeded: bool,
    },

    /// The server answered with a non-2xx HTTP status (a gateway error:
    /// the service itself reports errors in the body with status 200).
    #[error("HTTP status {status} in {call}")]
    HttpStatus {
        /// The call.
        call: Box<CallInfo>,
        /// The HTTP status code.
        status: u16,
        /// The start of the body (at most [`BODY_EXCERPT_LIMIT`] bytes, lossy UTF-8).
        body_excerpt: String,
    },

    /// The answer could not be understood.
    #[error("cannot decode the answer of {call}: {what}")]
    Decode {
        /// The call.
        call: Box<CallInfo>,
        /// What failed.
        what: String,
        /// The start of the raw body (at most [`BODY_EXCERPT_LIMIT`] bytes, lossy UTF-8).
        body: String,
    },

    /// The service answered `ActionStatus: FAIL` / a non-zero `ErrorCode`.
    #[error("{call} failed with ErrorCode {}: {info}{}", .code.code(), .meaning.map(|m| format!(" ({m})")).unwrap_or_default())]
    Service {
        /// The call.
        call: Box<CallInfo>,
        /// The `ErrorCode`.
        code: ErrorCode,
        /// The `ErrorInfo` text.
        info: String,
        /// The `RequestId`, when present.
        request_id: Option<String>,
        /// The documented meaning: the command's own entry when it has
        /// one, else the general meaning of the code.
        meaning: Option<&'static str>,
    },

    /// A paged listing (`Client::call_all`, the `<command>_all` methods) got
    /// back a cursor it had already sent, so following it could loop
    /// forever; the listing was stopped and its items dropped, since they
    /// may be incomplete or hold duplicates.
    #[error("{service}/{command} returned cursor {cursor:?} a second time after {pages} page(s); paging stopped")]
    RepeatedCursor {
        /// The `servicename` path segment.
        service: &'static str,
        /// The `command` path segment.
        command: &'static str,
        /// The repeated cursor.
        cursor: String,
        /// Pages fetched, including the one that returned the repeat.
        pages: usize,
    },
}

impl Error {
    /// A service error (`ActionStatus: FAIL`) as a call reports it, with the
    /// code's general documented meaning; for test doubles and fakes.
    ///
    /// ```
    /// use trtc_room::{CallInfo, Error, ErrorCode, GetRoomInfo};
    ///
    /// let err = Error::service(
    ///     CallInfo::of::<GetRoomInfo>(),
    ///     ErrorCode::RoomNotFound,
    ///     "room not exist",
    ///     Some("req-1".into()),
    /// );
    /// assert!(matches!(err, Error::Service { code: ErrorCode::RoomNotFound, .. }));
    /// assert_eq!(err.request_id(), Some("req-1"));
    /// ```
    pub fn service(
        call: CallInfo,
        code: ErrorCode,
        info: impl Into<String>,
        request_id: Option<String>,
    ) -> Error {
        Error::Service {
            call: Box::new(call),
            code,
            info: info.into(),
            request_id,
            meaning: code.meaning(),
        }
    }

    /// Whether the service refused the call for exceeding a rate limit.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::Service { code, .. } if code.is_rate_limited())
    }

    /// Whether trying the same call again later may succeed (rate limits,
    /// server-internal errors, timeouts, connection failures, 5xx, signing
    /// failures). For a
    /// non-idempotent command, only re-send after a timeout, a 5xx or a
    /// connection failure that may have reached the server when a duplicate
    /// is acceptable.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Service { code, .. } => code.is_rate_limited() || code.is_transient(),
            Error::Transport { .. } | Error::Timeout { .. } | Error::Signing { .. } => true,
            Error::HttpStatus { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// Whether `create_room` (Room's or Live's) was refused because the room
    /// ID is taken: [`ErrorCode::RoomIdExists`] (100003),
    /// [`ErrorCode::RoomIdExistsSameOwner`] (100010: same owner, the room can
    /// be used as it is), [`ErrorCode::RoomIdTakenByGroup`] (100011: a Chat
    /// group has the ID) or the older [`ErrorCode::RoomIdInUse`] (84005).
    /// After a `create_room` that timed out and was sent again by the caller,
    /// this usually means the first attempt created the room: check it with
    /// `get_room_info` (its owner, type, creation time) before treating the ID
    /// as taken by someone else.
    pub fn is_room_id_in_use(&self) -> bool {
        matches!(
            self,
            Error::Service {
                code: ErrorCode::RoomIdInUse
                    | ErrorCode::RoomIdExists
                    | ErrorCode::RoomIdExistsSameOwner
                    | ErrorCode::RoomIdTakenByGroup,
                ..
            }
        )
    }

    /// The `RequestId` of a service error.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The numeric `ErrorCode` of a service error.
    pub fn service_code(&self) -> Option<i64> {
        match self {
            Error::Service { code, .. } => Some(code.code()),
            _ => None,
        }
    }

    /// The call an error belongs to (absent for invalid requests and
    /// configuration errors).
    pub fn call(&self) -> Option<&CallInfo> {
        match self {
            Error::Transport { call, .. }
            | Error::Signing { call, .. }
            | Error::Timeout { call, .. }
            | Error::HttpStatus { call, .. }
            | Error::Decode { call, .. }
            | Error::Service { call, .. } => Some(call),
            _ => None,
        }
    }
}

/// The first [`BODY_EXCERPT_LIMIT`] bytes of `body` as lossy UTF-8, with
/// `secrets` and `usersig=` values replaced by `<redacted>`.
///
/// Redaction runs on a window longer than the limit before the cut, so a
/// secret straddling the limit is removed whole rather than half kept.
pub(crate) fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    const WINDOW_EXTRA: usize = 4096;
    let window = body.len().min(BODY_EXCERPT_LIMIT + WINDOW_EXTRA);
    let redacted = crate::redact::redact_bytes(&body[..window], secrets);
    let cut = redacted.len().min(BODY_EXCERPT_LIMIT);
    let mut s = String::from_utf8_lossy(&redacted[..cut]).into_owned();
    if redacted.len() > cut || body.len() > window {
        s.push('…');
    }
    s
}
