//! Receiving Room webhooks (callbacks), independent of any HTTP framework.
//!
//! Tencent POSTs each enabled callback to the configured URL with metadata in
//! the query string (`SdkAppid`, `CallbackCommand`, `contenttype`,
//! `ClientIP`, `OptPlatform`, plus `RequestTime` and `Sign` when webhook token
//! authentication is on) and the event as a JSON body. A receiver hands the
//! query string and the body bytes to a [`WebhookVerifier`], gets a typed
//! [`Delivery`] back or a [`WebhookError`] saying why it was refused, and
//! answers with [`ack()`] or [`refusal()`].
//!
//! ```
//! use trtc_room::webhook::{self, WebhookQuery, WebhookVerifier};
//! use trtc_room::WebhookEvent;
//!
//! let verifier = WebhookVerifier::new(1400000000).with_token("secret-token");
//!
//! // What an HTTP handler receives (here built with the sender-side helpers).
//! let now = std::time::SystemTime::now();
//! let unix = now.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
//! let query = WebhookQuery::new(1400000000, "Room.CallbackAfterDestroyRoom")
//!     .signed("secret-token", unix)
//!     .to_query_string();
//! let body = br#"{"CallbackCommand":"Room.CallbackAfterDestroyRoom",
//!     "Operator_Account":"admin","RoomId":"room-1","EventTime":1703589922780}"#;
//!
//! let reply = match verifier.receive_at(&query, body, now) {
//!     Ok(delivery) => {
//!         if let WebhookEvent::AfterDestroyRoom(event) = &delivery.event {
//!             assert_eq!(event.room_id, "room-1");
//!         }
//!         (webhook::StatusCode::OK, webhook::ack().to_vec())
//!     }
//!     Err(refused) => webhook::refusal(&refused),
//! };
//! assert_eq!(reply.0, webhook::StatusCode::OK);
//! ```
//!
//! The token never appears in `Debug` output or in error messages.

/// The HTTP status type of [`refusal`] (re-exported from the `http` crate).
pub use http::StatusCode;

#[cfg(feature = "axum")]
pub mod axum;
mod decision;
mod delivery;
mod error;
mod query;
mod reply;
mod verify;

pub use decision::{decide_in_time, decide_within, Decision, UnknownRefusal, NETWORK_MARGIN};
pub use delivery::Delivery;
pub use error::WebhookError;
pub use query::{OptPlatform, WebhookQuery};
pub use reply::{ack, ack_value, fail, fail_value, refusal, ACK, FAIL_ERROR_CODE};
pub use verify::{compute_sign, WebhookVerifier, DEFAULT_MAX_BODY, DEFAULT_MAX_SKEW};

// The typed events ([`WebhookEvent`] and one `Callback*` payload per
// callback), generated from `api-spec/webhooks.yaml`.
pub use crate::generated::webhooks::*;
