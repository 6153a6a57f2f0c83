//! The client: configuration, signing, transport, retries and decoding.
//!
//! One [`Client`] per application: it holds a pooled keep-alive HTTP client
//! and the cached admin UserSig, is cheap to clone and is used through
//! `&self` from any number of tasks.

mod auth;
mod builder;
mod call_url;
mod decode;
mod endpoint;
mod pacing;
mod reply;
mod retry;
mod tls;
mod transport;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use auth::{IssuedUserSig, ProviderError, ProviderFuture, UserSigProvider};
pub use builder::{ClientBuilder, DEFAULT_POOL_IDLE_TIMEOUT};
pub use endpoint::{Endpoint, Region, UnknownRegion};
pub use reply::Reply;
pub use retry::RetryPolicy;
pub use tls::http_client_builder;

use crate::command::{Command, PayloadLocation};
use crate::error::{CallInfo, ConfigError, Error};

/// A configured Room API client. Cheap to clone; share it across tasks.
///
/// Build one with [`Client::builder`] or [`Client::from_env`]. Every command
/// has a method named after it (`create_room`, `get_room_member_list`, ...;
/// the modules [`rooms`](crate::rooms), [`members`](crate::members),
/// [`seats`](crate::seats), [`callbacks`](crate::callbacks) and
/// [`accounts`](crate::accounts) list them), taking the typed request and
/// returning a [`Reply`] with the typed answer; [`Client::call`] sends any
/// request type.
///
/// ```no_run
/// # async fn demo() -> Result<(), trtc_room::Error> {
/// use trtc_room::{Client, CreateRoom, GetRoomInfo, RoomInfo, RoomType};
///
/// let client = Client::from_env()?;
/// let room = RoomInfo::new("room-1", RoomType::Conference).room_name("Weekly sync");
/// client.create_room(CreateRoom::new(room)).await?;
///
/// let reply = client.get_room_info(GetRoomInfo::new("room-1")).await?;
/// println!("{:?} (request id {:?})", reply.room_info, reply.request_id());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    sdk_app_id: u64,
    admin: String,
    base: String,
    http: reqwest::Client,
    sigs: auth::SigCache,
    /// The secret key when the client signs locally (only to redact echoes).
    secret_key: Option<String>,
    attempt_timeout: Duration,
    retry: RetryPolicy,
    /// Answers calls instead of the network (test doubles).
    #[cfg(feature = "test-util")]
    mock: Option<crate::mock::MockRoom>,
    limiter: Option<crate::limit::Limiter>,
    /// The parsed start of every call's URL, per admin UserSig.
    urls: call_url::UrlTemplate,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("sdk_app_id", &self.inner.sdk_app_id)
            .field("admin", &self.inner.admin)
            .field("base", &self.inner.base)
            .field("attempt_timeout", &self.inner.attempt_timeout)
            .field("retry", &self.inner.retry)
            .field("limiter", &self.inner.limiter)
            .finish_non_exhaustive()
    }
}

/// How a call may be retried, from the command's facts.
#[derive(Debug, Clone, Copy)]
struct CallKind {
    idempotent: bool,
    payload: Option<PayloadLocation>,
    /// One-pass decoder of a successful answer into the typed response.
    fast: Option<decode::FastDecoder>,
}

impl Client {
    /// A builder for a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the environment: `TRTC_SDK_APP_ID`,
    /// `TRTC_SECRET_KEY`, `TRTC_ADMIN`, and `TRTC_REGION` (a region name or
    /// domain) or `TRTC_BASE_URL`. The error names the missing or bad
    /// variable.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The application's SDKAppID.
    pub fn sdk_app_id(&self) -> u64 {
        self.inner.sdk_app_id
    }

    /// The retry policy calls use (with the builder's
    /// [`deadline`](ClientBuilder::deadline) applied).
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The admin identifier the client signs as.
    pub fn admin(&self) -> &str {
        &self.inner.admin
    }

    /// Sends one typed command: validates it, signs, POSTs, retries as the
    /// command allows, and decodes the answer.
    pub async fn call<C: Command>(&self, request: &C) -> Result<Reply<C::Response>, Error> {
        request.validate()?;
        let info = C::INFO;
        let body = serde_json::to_vec(request).map_err(|e| {
            Error::Config(ConfigError::invalid(
                "request",
                format!("cannot serialize it: {e}"),
            ))
        })?;
        let kind = CallKind {
            idempotent: info.idempotent,
            payload: Some(info.payload),
            fast: Some(decode::fast_decode::<C::Response>),
        };
        let done = self
            .send(info.service, info.command, body, kind, Some(info))
            .await?;
        let key = self.inner.secret_key.as_deref().unwrap_or("");
        typed_reply::<C>(done, key)
    }

    /// The escape hatch: any `service`/`command` with a raw JSON body, on the
    /// same auth, retry and error path. Returns the whole answer body. The
    /// call is treated as non-idempotent; use
    /// [`call_raw_idempotent`](Self::call_raw_idempotent) when re-sending is
    /// harmless.
    pub async fn call_raw(
        &self,
        service: &str,
        command: &str,
        body: &serde_json::Value,
    ) -> Result<Reply<serde_json::Value>, Error> {
        self.raw(service, command, body, false).await
    }

    /// Like [`call_raw`](Self::call_raw) for a command whose re-sending is
    /// harmless, so timeouts, resets and 5xx answers are retried too.
    pub async fn call_raw_idempotent(
        &self,
        service: &str,
        command: &str,
        body: &serde_json::Value,
    ) -> Result<Reply<serde_json::Value>, Error> {
        self.raw(service, command, body, true).await
    }

    async fn raw(
        &self,
        service: &str,
        command: &str,
        body: &serde_json::Value,
        idempotent: bool,
    ) -> Result<Reply<serde_json::Value>, Error> {
        for (what, v) in [("service", service), ("command", command)] {
            if v.is_empty()
                || !v
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return Err(Error::Config(ConfigError::invalid(
                    what,
                    format!("invalid name {v:?}: use letters, digits, '_' or '-'"),
                )));
            }
        }
        let body = if body.is_null() {
            b"{}".to_vec()
        } else {
            serde_json::to_vec(body).map_err(|e| {
                Error::Config(ConfigError::invalid(
                    "request",
                    format!("cannot serialize it: {e}"),
                ))
            })?
        };
        let kind = CallKind {
            idempotent,
            payload: None,
            fast: None,
        };
        let done = self.send(service, command, body, kind, None).await?;
        match done.payload {
            Payload::Value(v) => {
                Ok(Reply::new(v, done.request_id).by_earlier_attempt(done.by_earlier_attempt))
            }
            Payload::Typed(_) => {
                let key = self.inner.secret_key.as_deref().unwrap_or("");
                Err(decode_error(
                    &done.call,
                    "internal: a raw call got a typed payload".into(),
                    &done.raw,
                    &[key, done.sig.sig()],
                ))
            }
        }
    }

    /// Sends a serialized request over the network, or to the mock of a
    /// mocked client.
    async fn send(
        &self,
        service: &str,
        command: &str,
        body: Vec<u8>,
        kind: CallKind,
        info: Option<&'static crate::command::CommandInfo>,
    ) -> Result<Success, Error> {
        #[cfg(feature = "test-util")]
        if let Some(mock) = &self.inner.mock {
            return mocked_call(mock, service, command, &body);
        }
        self.execute(service, command, body, kind, info).await
    }

    /// A client whose calls `mock` answers.
    #[cfg(feature = "test-util")]
    pub(crate) fn mocked(mock: crate::mock::MockRoom) -> Client {
        let mut client = ClientBuilder::new()
            .sdk_app_id(1_400_000_000)
            .secret_key("mock")
            .admin("administrator")
            .base_url("http://127.0.0.1:9")
            // A double answers at once: nothing to pace.
            .rate_limits(crate::limit::RateLimits::off())
            .build()
            .expect("fixed settings are valid");
        let inner = Arc::get_mut(&mut client.inner).expect("a new client is not shared");
        inner.mock = Some(mock);
        client
    }
}

#[cfg(feature = "test-util")]
fn mocked_call(
    mock: &crate::mock::MockRoom,
    service: &str,
    command: &str,
    body: &[u8],
) -> Result<Success, Error> {
    let body = serde_json::from_slice(body).map_err(|e| {
        Error::Config(ConfigError::invalid(
            "request",
            format!("cannot serialize it: {e}"),
        ))
    })?;
    let (payload, request_id) = mock.answer(service, command, body)?;
    let raw = serde_json::to_vec(&payload).unwrap_or_default();
    Ok(Success {
        payload: Payload::Value(payload),
        request_id: Some(request_id),
        call: CallInfo::new(service, command, 0, 1),
        raw,
        sig: Arc::new(auth::IssuedUserSig::new(String::new(), 0)),
        by_earlier_attempt: false,
    })
}

/// What a successful call produced.
struct Success {
    /// The payload, or the whole body for raw calls.
    payload: Payload,
    request_id: Option<String>,
    call: CallInfo,
    raw: Vec<u8>,
    /// The sig sent (to redact echoes of it).
    sig: Arc<auth::IssuedUserSig>,
    /// The answer is a retry's "already done" code (see
    /// [`Reply::completed_by_earlier_attempt`]).
    by_earlier_attempt: bool,
}

/// A successful answer's payload: typed by the one-pass decoder, or a JSON
/// value from the general decoder.
enum Payload {
    Typed(Box<dyn std::any::Any + Send>),
    Value(serde_json::Value),
}

/// Turns a successful call into the typed reply of `C`; `key` is the secret
/// key to redact from error excerpts (empty when signing elsewhere).
fn typed_reply<C: Command>(done: Success, key: &str) -> Result<Reply<C::Response>, Error> {
    let value = match done.payload {
        Payload::Typed(typed) => match typed.downcast::<C::Response>() {
            Ok(typed) => {
                return Ok(
                    Reply::new(*typed, done.request_id).by_earlier_attempt(done.by_earlier_attempt)
                )
            }
            Err(_) => {
                return Err(decode_error(
                    &done.call,
                    "internal: the decoded payload has another type".into(),
                    &done.raw,
                    &[key, done.sig.sig()],
                ))
            }
        },
        Payload::Value(v) => v,
    };
    match serde_json::from_value::<C::Response>(value) {
        Ok(typed) => {
            Ok(Reply::new(typed, done.request_id).by_earlier_attempt(done.by_earlier_attempt))
        }
        Err(e) => Err(decode_error(
            &done.call,
            format!("the payload does not match the expected shape: {e}"),
            &done.raw,
            &[key, done.sig.sig()],
        )),
    }
}

/// Decodes an answer body of command `C` the way [`Client::call`] does:
/// the envelope (`ActionStatus`, `ErrorCode`, `ErrorInfo`, `RequestId`) and
/// the typed payload, with the same leniency and the same errors. A failed
/// answer gives [`Error::Service`]. Useful to replay captured answers, and
/// what the decoding benchmark measures.
///
/// ```
/// use trtc_room::{client::decode_answer, GetRoomInfo};
///
/// let body = br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"Id-1",
///     "Response":{"RoomInfo":{"RoomId":"r1","RoomType":"Conference"}}}"#;
/// let reply = decode_answer::<GetRoomInfo>(body).unwrap();
/// assert_eq!(reply.request_id(), Some("Id-1"));
/// assert_eq!(reply.room_info.room_id, "r1");
/// ```
pub fn decode_answer<C: Command>(body: &[u8]) -> Result<Reply<C::Response>, Error> {
    let info = C::INFO;
    let kind = CallKind {
        idempotent: info.idempotent,
        payload: Some(info.payload),
        fast: Some(decode::fast_decode::<C::Response>),
    };
    let call = CallInfo::new(info.service, info.command, 0, 1);
    let sig = Arc::new(auth::IssuedUserSig::new(String::new(), 0));
    let done = transport::decode_answer(&call, body.to_vec(), kind, Some(info), &sig)?;
    typed_reply::<C>(done, "")
}

fn decode_error(call: &CallInfo, what: String, body: &[u8], secrets: &[&str]) -> Error {
    Error::Decode {
        call: Box::new(call.clone()),
        what,
        body: crate::error::excerpt(body, secrets),
    }
}
