//! Checking that a delivery comes from Tencent for this application.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::query::parse_decimal;
use super::{WebhookError, WebhookQuery};

/// The `Sign` of a delivery: lowercase hex of SHA-256 over the UTF-8 bytes of
/// `token` followed directly by `request_time` (the decimal Unix seconds as
/// written in the URL). No HMAC and no separator, as documented for the
/// webhook token authentication.
///
/// Receivers normally let [`WebhookVerifier`] call this; senders (such as the
/// emulator) use it, or [`WebhookQuery::signed`], to sign a delivery.
pub fn compute_sign(token: &str, request_time: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(token.as_bytes());
    hasher.update(request_time.as_bytes());
    hex::encode(hasher.finalize())
}

/// The accepted distance between `RequestTime` and the receiver's clock when
/// no other is configured (the documented one minute).
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(60);

/// The largest body a verifier parses unless configured otherwise: 1 MiB,
/// far above any Room callback (the largest carry a room's attributes or a
/// seat list) and small enough that a hostile body costs little.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// A webhook token, kept out of `Debug` output.
#[derive(Clone)]
struct Token(String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// What a receiver accepts: the application id, and optionally the webhook
/// token with the allowed clock skew.
///
/// ```
/// use std::time::Duration;
/// use trtc_room::webhook::WebhookVerifier;
///
/// let verifier = WebhookVerifier::new(1400000000)
///     .with_token("my-callback-token")
///     .with_max_skew(Duration::from_secs(30));
/// // `Debug` never shows the token.
/// assert!(!format!("{verifier:?}").contains("my-callback-token"));
/// ```
///
/// Without a token, only `SdkAppid` is checked (all that Tencent's docs ask
/// for when token authentication is off); a `Sign` in the query is then
/// ignored. With a token, `Sign` and `RequestTime` are required.
#[derive(Debug, Clone)]
pub struct WebhookVerifier {
    sdk_app_id: u64,
    token: Option<Token>,
    max_skew: Duration,
    max_body: usize,
}

impl WebhookVerifier {
    /// Accept deliveries for `sdk_app_id` only.
    pub fn new(sdk_app_id: u64) -> Self {
        WebhookVerifier {
            sdk_app_id,
            token: None,
            max_skew: DEFAULT_MAX_SKEW,
            max_body: DEFAULT_MAX_BODY,
        }
    }

    /// Require deliveries signed with this webhook token (Tencent accepts
    /// tokens of 1 to 128 characters).
    ///
    /// An empty token cannot authenticate anything (anyone can compute its
    /// `Sign`): the verifier then refuses every delivery with
    /// [`WebhookError::EmptyToken`]. Use [`try_with_token`](Self::try_with_token)
    /// to get that error when configuring instead.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Token(token.into()));
        self
    }

    /// Like [`with_token`](Self::with_token), refusing an empty token with
    /// [`WebhookError::EmptyToken`].
    pub fn try_with_token(self, token: impl Into<String>) -> Result<Self, WebhookError> {
        let token = token.into();
        if token.is_empty() {
            return Err(WebhookError::EmptyToken);
        }
        Ok(self.with_token(token))
    }

    /// Refuse bodies larger than `bytes` with [`WebhookError::BodyTooLarge`],
    /// before parsing them (default [`DEFAULT_MAX_BODY`], 1 MiB). A receiver
    /// should also stop reading the request at [`max_body`](Self::max_body)
    /// bytes, so a huge body is not even buffered.
    pub fn with_max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The largest body accepted, in bytes.
    pub fn max_body(&self) -> usize {
        self.max_body
    }

    /// Accept a `RequestTime` at most this far from the local clock, in
    /// either direction (default [`DEFAULT_MAX_SKEW`], one minute). Only
    /// whole seconds count.
    pub fn with_max_skew(mut self, max_skew: Duration) -> Self {
        self.max_skew = max_skew;
        self
    }

    /// The application id this verifier accepts.
    pub fn sdk_app_id(&self) -> u64 {
        self.sdk_app_id
    }

    /// Whether a token is configured (so deliveries must be signed).
    pub fn requires_sign(&self) -> bool {
        self.token.is_some()
    }

    /// Check a delivery's query parameters against the local clock.
    pub fn verify(&self, query: &WebhookQuery) -> Result<(), WebhookError> {
        self.verify_at(query, SystemTime::now())
    }

    /// Check a delivery's query parameters as if the local clock read `now`.
    ///
    /// Order of checks: `SdkAppid`; then, with a token, presence and form of
    /// `Sign` and `RequestTime`, the `Sign` itself (compared in constant
    /// time), and last the freshness of `RequestTime`.
    pub fn verify_at(&self, query: &WebhookQuery, now: SystemTime) -> Result<(), WebhookError> {
        if query.sdk_app_id != self.sdk_app_id {
            return Err(WebhookError::ForeignSdkAppId {
                expected: self.sdk_app_id,
                received: query.sdk_app_id,
            });
        }
        let Some(token) = &self.token else {
            return Ok(());
        };
        if token.0.is_empty() {
            return Err(WebhookError::EmptyToken);
        }
        let sign = query.sign.as_deref().ok_or(WebhookError::MissingSign)?;
        let request_time = query
            .request_time
            .as_deref()
            .ok_or(WebhookError::MissingRequestTime)?;
        if sign.len() != 64 || !sign.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(WebhookError::MalformedSign);
        }
        let sent_at = parse_decimal(request_time).ok_or(WebhookError::MalformedRequestTime)?;

        let expected = compute_sign(&token.0, request_time);
        let received = sign.to_ascii_lowercase();
        if !bool::from(expected.as_bytes().ct_eq(received.as_bytes())) {
            return Err(WebhookError::SignMismatch);
        }

        let now_seconds = match now.duration_since(UNIX_EPOCH) {
            Ok(since) => i128::from(since.as_secs()),
            Err(before) => -i128::from(before.duration().as_secs()),
        };
        let skew = now_seconds - i128::from(sent_at);
        if skew.unsigned_abs() > u128::from(self.max_skew.as_secs()) {
            return Err(WebhookError::RequestTimeOutOfWindow {
                skew_seconds: i64::try_from(skew).unwrap_or(if skew < 0 {
                    i64::MIN
                } else {
                    i64::MAX
                }),
                max_skew_seconds: self.max_skew.as_secs(),
            });
        }
        Ok(())
    }
}
