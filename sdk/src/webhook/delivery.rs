//! A whole delivery: query metadata plus the typed event.

use std::time::SystemTime;

use serde::Deserialize;

use super::{WebhookError, WebhookQuery, WebhookVerifier};
use crate::WebhookEvent;

/// One webhook delivery: its query metadata and its typed event.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery {
    /// The query parameters of the callback URL.
    pub query: WebhookQuery,
    /// The callback command (from the query, or else from the body), e.g.
    /// `Room.CallbackAfterCreateRoom`.
    pub command: String,
    /// The typed payload ([`WebhookEvent::Unknown`] for commands this SDK
    /// version does not know).
    pub event: WebhookEvent,
}

/// Only the body's `CallbackCommand`, ignoring every other field.
#[derive(Deserialize)]
struct BodyCommand {
    #[serde(rename = "CallbackCommand", default)]
    command: Option<String>,
}

impl Delivery {
    /// Parse a delivery **without checking who sent it** (see
    /// [`WebhookVerifier::receive`] for the checked version).
    ///
    /// The command in the query is preferred; when the body also has a
    /// `CallbackCommand`, the two must agree
    /// ([`WebhookError::CommandMismatch`] otherwise). When the query has no
    /// command, the body's is used.
    pub fn parse(query: &str, body: &[u8]) -> Result<Self, WebhookError> {
        Self::from_parts(WebhookQuery::parse(query)?, body)
    }

    /// Like [`Delivery::parse`], with the query already parsed.
    pub fn from_parts(query: WebhookQuery, body: &[u8]) -> Result<Self, WebhookError> {
        let in_body = serde_json::from_slice::<BodyCommand>(body)
            .map_err(WebhookError::InvalidBody)?
            .command;
        let command = match (&query.command, &in_body) {
            (Some(in_query), _) => in_query.clone(),
            (None, Some(in_body)) => in_body.clone(),
            (None, None) => return Err(WebhookError::MissingParameter("CallbackCommand")),
        };
        let event = WebhookEvent::parse(&command, body).map_err(WebhookError::InvalidBody)?;
        if let Some(in_body) = in_body.filter(|in_body| *in_body != command) {
            // Two spellings of one event (such as `Room.CallbackUpdateRoomInfo`
            // and `Room.CallbackAfterUpdateRoomInfo`) parse to the same event;
            // anything else is a contradiction.
            let same_event = WebhookEvent::parse(&in_body, body)
                .map(|from_body| from_body == event)
                .unwrap_or(false);
            if !same_event {
                return Err(WebhookError::CommandMismatch {
                    query: command,
                    body: in_body,
                });
            }
        }
        Ok(Delivery {
            query,
            command,
            event,
        })
    }
}

impl WebhookVerifier {
    /// Parse and check a delivery: the query string (after `?`) and the raw
    /// request body in, the typed event out. The query is verified before
    /// the body is parsed.
    pub fn receive(&self, query: &str, body: &[u8]) -> Result<Delivery, WebhookError> {
        self.receive_at(query, body, SystemTime::now())
    }

    /// Like [`WebhookVerifier::receive`], as if the local clock read `now`.
    pub fn receive_at(
        &self,
        query: &str,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Delivery, WebhookError> {
        let query = WebhookQuery::parse(query)?;
        self.verify_at(&query, now)?;
        if body.len() > self.max_body() {
            return Err(WebhookError::BodyTooLarge {
                size: body.len(),
                limit: self.max_body(),
            });
        }
        Delivery::from_parts(query, body)
    }
}
