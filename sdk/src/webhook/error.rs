//! Why a webhook delivery was refused.

/// A webhook delivery that was refused, and why.
///
/// Every variant names the problem without repeating secrets: the callback
/// token never appears, and a received `Sign` is not echoed back.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A required query parameter is absent (`SdkAppid`, or the callback
    /// command when neither the query nor the body names it).
    #[error("webhook query parameter `{0}` is missing")]
    MissingParameter(&'static str),

    /// A query parameter appears more than once with different values, so the
    /// delivery is ambiguous.
    #[error("webhook query parameter `{0}` is given several times with different values")]
    ConflictingParameter(&'static str),

    /// `SdkAppid` is not a decimal application id.
    #[error("webhook query parameter `SdkAppid` is not a valid application id: {value:?}")]
    MalformedSdkAppId {
        /// The received value (its first 64 characters).
        value: String,
    },

    /// `SdkAppid` names an application other than the one the verifier was
    /// configured for.
    #[error("webhook is for SdkAppid {received}, expected {expected}")]
    ForeignSdkAppId {
        /// The application id this receiver accepts.
        expected: u64,
        /// The application id in the delivery.
        received: u64,
    },

    /// A token is configured but the delivery carries no `Sign` parameter.
    #[error("webhook has no `Sign` query parameter, but token authentication is configured")]
    MissingSign,

    /// A token is configured but the delivery carries no `RequestTime`.
    #[error(
        "webhook has no `RequestTime` query parameter, but token authentication is configured"
    )]
    MissingRequestTime,

    /// `Sign` is not 64 hexadecimal digits (a SHA-256 digest).
    #[error("webhook `Sign` is not a 64-digit hexadecimal SHA-256 digest")]
    MalformedSign,

    /// `RequestTime` is not a decimal number of Unix seconds.
    #[error("webhook `RequestTime` is not a decimal Unix time in seconds")]
    MalformedRequestTime,

    /// `Sign` does not match the configured token and `RequestTime`: the
    /// delivery was not signed with this application's token.
    #[error("webhook `Sign` does not match the configured token")]
    SignMismatch,

    /// `RequestTime` is too far from the receiver's clock (a replayed or
    /// delayed delivery, or clocks out of sync).
    #[error(
        "webhook `RequestTime` is {skew_seconds} s away from the local clock \
         (at most {max_skew_seconds} s allowed)"
    )]
    RequestTimeOutOfWindow {
        /// `now - RequestTime` in seconds (negative for a time in the future).
        skew_seconds: i64,
        /// The accepted distance in seconds.
        max_skew_seconds: u64,
    },

    /// The callback command in the query and the `CallbackCommand` of the
    /// body disagree.
    #[error("webhook command in the query ({query:?}) differs from the body's CallbackCommand ({body:?})")]
    CommandMismatch {
        /// The command named in the query string.
        query: String,
        /// The command named in the body.
        body: String,
    },

    /// The verifier was given an empty webhook token. Anyone can compute
    /// the `Sign` of an empty token, so such a verifier refuses every
    /// delivery ([`WebhookVerifier::try_with_token`](super::WebhookVerifier::try_with_token)
    /// reports it up front).
    #[error("the configured webhook token is empty, so no delivery can be authenticated")]
    EmptyToken,

    /// The body is larger than the verifier accepts (see
    /// [`WebhookVerifier::with_max_body`](super::WebhookVerifier::with_max_body));
    /// it was not parsed.
    #[error("webhook body has {size} bytes, more than the {limit} accepted")]
    BodyTooLarge {
        /// The body's size in bytes.
        size: usize,
        /// The accepted maximum in bytes.
        limit: usize,
    },

    /// The body is not valid JSON, or does not fit the payload type of its
    /// command.
    #[error("webhook body does not parse: {0}")]
    InvalidBody(#[source] serde_json::Error),
}

impl WebhookError {
    /// Whether the refusal is about authenticity (foreign application, bad
    /// or missing signature, stale time) rather than a malformed request.
    pub fn is_authentication_failure(&self) -> bool {
        matches!(
            self,
            WebhookError::ForeignSdkAppId { .. }
                | WebhookError::MissingSign
                | WebhookError::MissingRequestTime
                | WebhookError::MalformedSign
                | WebhookError::MalformedRequestTime
                | WebhookError::SignMismatch
                | WebhookError::RequestTimeOutOfWindow { .. }
                | WebhookError::EmptyToken
        )
    }

    /// The HTTP status a receiver should answer with: 401 for authentication
    /// failures, 413 for a body over the limit, 400 for malformed deliveries.
    pub fn http_status(&self) -> u16 {
        if self.is_authentication_failure() {
            401
        } else if matches!(self, WebhookError::BodyTooLarge { .. }) {
            413
        } else {
            400
        }
    }
}
