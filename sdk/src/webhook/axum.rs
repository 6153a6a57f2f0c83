//! Receiving webhooks in an axum (or any tower-based) service: feature `axum`.
//!
//! Two forms, both doing every check of [`WebhookVerifier::receive`] (app
//! id, `Sign` and `RequestTime` when a token is configured, command, body
//! size and shape) before the app's code sees anything:
//!
//! - [`router`]: a ready `Router` for one path, calling the app's handler
//!   with each verified [`Delivery`] and answering with its [`Answer`];
//! - [`VerifiedWebhook`]: an extractor for a handler in the app's own
//!   router, when the state provides the [`WebhookVerifier`] (`FromRef`).
//!
//! Refusals answer the documented `FAIL` envelope with 401 (authentication),
//! 413 (body over the verifier's limit, refused while reading: an oversized
//! body is never buffered whole) or 400 (malformed). A `Router` is a tower
//! `Service`, so the same router serves any tower-based stack.
//!
//! ```no_run
//! use trtc_room::webhook::axum::{router, Answer};
//! use trtc_room::webhook::{Delivery, WebhookVerifier};
//! use trtc_room::{LiveBeforeSendGiftDecision, WebhookEvent};
//!
//! # async fn demo() -> std::io::Result<()> {
//! let verifier = WebhookVerifier::new(1400000000).with_token("callback-token");
//! let app = router("/trtc/callback", verifier, |delivery: Delivery| async move {
//!     match delivery.event {
//!         WebhookEvent::LiveBeforeSendGift(_) => {
//!             Answer::decision(&LiveBeforeSendGiftDecision::allow())
//!         }
//!         other => {
//!             println!("{}", other.command());
//!             Answer::ack()
//!         }
//!     }
//! });
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await
//! # }
//! ```

use std::future::Future;

use axum::body::{Body, Bytes};
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

use super::{Decision, Delivery, WebhookError, WebhookVerifier};

/// What a receiver answers a verified delivery with (HTTP 200, JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer(serde_json::Value);

impl Answer {
    /// The documented acknowledgement (`ErrorCode` 0): what every
    /// after-event callback is answered with.
    pub fn ack() -> Self {
        Answer(super::ack_value())
    }

    /// A before-callback's decision, such as a
    /// [`LiveBeforeSendGiftDecision`](crate::LiveBeforeSendGiftDecision).
    pub fn decision<D: Decision>(decision: &D) -> Self {
        Answer(decision.to_value())
    }

    /// The answer's JSON body.
    pub fn body(&self) -> &serde_json::Value {
        &self.0
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        json(StatusCode::OK, self.0.to_string().into_bytes())
    }
}

fn json(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A refused delivery: answers the documented `FAIL` envelope with the
/// error's status (see [`WebhookError::http_status`]).
#[derive(Debug)]
pub struct WebhookRejection(pub WebhookError);

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let (status, body) = super::refusal(&self.0);
        tracing::warn!(target: "trtc_room::webhook", status = status.as_u16(), error = %self.0, "webhook refused");
        json(status, body)
    }
}

/// An extractor yielding a verified, typed [`Delivery`]; the app's state
/// provides the [`WebhookVerifier`] through `FromRef`. The body is read up
/// to the verifier's [`max_body`](WebhookVerifier::max_body) and no further.
///
/// ```no_run
/// use axum::{routing::post, Router};
/// use trtc_room::webhook::axum::{Answer, VerifiedWebhook};
/// use trtc_room::webhook::WebhookVerifier;
///
/// async fn hook(VerifiedWebhook(delivery): VerifiedWebhook) -> Answer {
///     println!("{}", delivery.event.command());
///     Answer::ack()
/// }
///
/// let app: Router = Router::new()
///     .route("/callback", post(hook))
///     .with_state(WebhookVerifier::new(1400000000));
/// ```
#[derive(Debug)]
pub struct VerifiedWebhook(pub Delivery);

impl<S> FromRequest<S> for VerifiedWebhook
where
    S: Send + Sync,
    WebhookVerifier: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = WebhookVerifier::from_ref(state);
        let query = req.uri().query().unwrap_or_default().to_owned();
        let body = read_bounded(req.into_body(), verifier.max_body()).await?;
        verifier
            .receive(&query, &body)
            .map(VerifiedWebhook)
            .map_err(WebhookRejection)
    }
}

/// Reads at most `limit` bytes; a longer body is refused as soon as it
/// passes the limit, without buffering the rest.
async fn read_bounded(body: Body, limit: usize) -> Result<Bytes, WebhookRejection> {
    let too_large = |size: usize| WebhookRejection(WebhookError::BodyTooLarge { size, limit });
    match axum::body::to_bytes(body, limit.saturating_add(1)).await {
        Ok(bytes) if bytes.len() > limit => Err(too_large(bytes.len())),
        Ok(bytes) => Ok(bytes),
        // The only failure of a body within its limit is a broken stream,
        // and past the limit the length error: either way nothing usable
        // arrived, and the limit is the likelier cause to report.
        Err(_) => Err(too_large(limit.saturating_add(1))),
    }
}

/// A `Router` answering POSTs on `path`: each delivery is verified with
/// `verifier`, then handed to `handler`, whose [`Answer`] is sent back.
/// Refused deliveries never reach the handler.
pub fn router<H, F>(path: &str, verifier: WebhookVerifier, handler: H) -> Router
where
    H: Fn(Delivery) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Answer> + Send + 'static,
{
    Router::new()
        .route(
            path,
            axum::routing::post(move |VerifiedWebhook(delivery): VerifiedWebhook| {
                let handler = handler.clone();
                async move { handler(delivery).await }
            }),
        )
        .with_state(verifier)
}
