//! A test double for an application's own unit tests (feature `test-util`).
//!
//! [`MockRoom`] hands out a real [`Client`] whose calls never reach the
//! network: each call is validated as usual, recorded, and answered by the
//! rule the test set for its command, with a typed response or a typed
//! [`Error`]. The application keeps using the concrete `Client` type, so
//! nothing in it changes for testing.
//!
//! Rules are keyed by the command's service and name, which come from the
//! [`Command`] trait every generated request implements: every command of the
//! spec can be mocked, with no per-command code. Paged listings (`_all`
//! methods) call the rule once per page, with the cursor set.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use trtc_room::mock::MockRoom;
//! use trtc_room::{
//!     CreateRoom, CreateRoomResponse, Error, ErrorCode, GetRoomInfo, RoomInfo, RoomType,
//! };
//!
//! let mock = MockRoom::new();
//! mock.reply::<CreateRoom>(CreateRoomResponse::new());
//! mock.fail::<GetRoomInfo>(ErrorCode::RoomNotFound);
//! let client = mock.client();
//!
//! client
//!     .create_room(CreateRoom::new(RoomInfo::new("room-1", RoomType::Conference)))
//!     .await
//!     .unwrap();
//! let err = client.get_room_info(GetRoomInfo::new("room-1")).await.unwrap_err();
//! assert!(matches!(err, Error::Service { code: ErrorCode::RoomNotFound, .. }));
//!
//! let sent: Vec<CreateRoom> = mock.requests::<CreateRoom>();
//! assert_eq!(sent[0].room_info.room_id, "room-1");
//! # }
//! ```
//!
//! A command without a rule panics with a message naming it, so a test
//! cannot pass by accident on a call it did not expect.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::command::Command;
use crate::error::{CallInfo, Error};
use crate::generated::errors::ErrorCode;
use crate::Client;

type Answer = Box<dyn FnMut(&serde_json::Value) -> Result<serde_json::Value, Error> + Send>;

/// One request the mock received (it passed validation).
#[derive(Debug, Clone, PartialEq)]
pub struct SentRequest {
    /// The `servicename` path segment.
    pub service: String,
    /// The `command` path segment.
    pub command: String,
    /// The JSON body the client would have sent.
    pub body: serde_json::Value,
}

#[derive(Default)]
struct State {
    rules: HashMap<(String, String), Answer>,
    sent: Vec<SentRequest>,
    answered: u64,
}

/// A mocked Room service: rules per command, and a record of what was sent.
///
/// Cheap to clone; clones and the clients it hands out share the rules and
/// the record. See the [module docs](self).
#[derive(Clone, Default)]
pub struct MockRoom {
    state: Arc<Mutex<State>>,
}

impl fmt::Debug for MockRoom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let mut rules: Vec<_> = state.rules.keys().collect();
        rules.sort();
        f.debug_struct("MockRoom")
            .field("rules", &rules)
            .field("sent", &state.sent.len())
            .finish()
    }
}

impl MockRoom {
    /// A mock without rules.
    pub fn new() -> Self {
        Self::default()
    }

    /// A client whose calls this mock answers (SDKAppID 1400000000, admin
    /// `administrator`).
    pub fn client(&self) -> Client {
        Client::mocked(self.clone())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A test that panicked inside a rule must not hide the record.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Answers every call of command `C` with `answer(&request)`; replaces
    /// an earlier rule for `C`. The closure may keep state (to answer a
    /// sequence, or pages of a listing).
    pub fn on<C>(
        &self,
        mut answer: impl FnMut(&C) -> Result<C::Response, Error> + Send + 'static,
    ) -> &Self
    where
        C: Command + DeserializeOwned,
        C::Response: Serialize,
    {
        let info = C::INFO;
        let typed = move |body: &serde_json::Value| -> Result<serde_json::Value, Error> {
            let request: C = serde_json::from_value(body.clone())
                .unwrap_or_else(|e| panic!("{} request does not parse back: {e}", info.command));
            let response = answer(&request)?;
            Ok(serde_json::to_value(response)
                .unwrap_or_else(|e| panic!("{} response does not serialize: {e}", info.command)))
        };
        self.set(info.service, info.command, Box::new(typed));
        self
    }

    /// Answers every call of `C` with a clone of `response`.
    pub fn reply<C>(&self, response: C::Response) -> &Self
    where
        C: Command + DeserializeOwned,
        C::Response: Serialize + Clone,
    {
        self.on::<C>(move |_| Ok(response.clone()))
    }

    /// Fails every call of `C` with the service error `code`, as the service
    /// would report it: [`Error::Service`] with the command's documented
    /// meaning of the code, an `ErrorInfo` text and a `RequestId`.
    pub fn fail<C>(&self, code: ErrorCode) -> &Self
    where
        C: Command + DeserializeOwned,
        C::Response: Serialize,
    {
        let info = C::INFO;
        self.on::<C>(move |_| {
            Err(Error::Service {
                call: Box::new(CallInfo::of::<C>()),
                code,
                info: format!("mocked error {}", code.code()),
                request_id: Some("mock-request-id".into()),
                meaning: info.error_meaning(code.code()).or_else(|| code.meaning()),
            })
        })
    }

    /// Answers [`Client::call_raw`] (and
    /// [`call_raw_idempotent`](Client::call_raw_idempotent)) for
    /// `service`/`command` with `answer(&body)`: the whole answer body.
    pub fn on_raw(
        &self,
        service: &str,
        command: &str,
        answer: impl FnMut(&serde_json::Value) -> Result<serde_json::Value, Error> + Send + 'static,
    ) -> &Self {
        self.set(service, command, Box::new(answer));
        self
    }

    fn set(&self, service: &str, command: &str, answer: Answer) {
        self.lock()
            .rules
            .insert((service.to_owned(), command.to_owned()), answer);
    }

    /// Every request received, in order.
    pub fn sent(&self) -> Vec<SentRequest> {
        self.lock().sent.clone()
    }

    /// The requests of command `C` received, in order, as typed values.
    pub fn requests<C: Command + DeserializeOwned>(&self) -> Vec<C> {
        let info = C::INFO;
        self.lock()
            .sent
            .iter()
            .filter(|s| s.service == info.service && s.command == info.command)
            .map(|s| {
                serde_json::from_value(s.body.clone())
                    .unwrap_or_else(|e| panic!("{} request does not parse back: {e}", info.command))
            })
            .collect()
    }

    /// Forgets the recorded requests (rules stay).
    pub fn clear_sent(&self) {
        self.lock().sent.clear();
    }

    /// Records one call and answers it: the payload JSON and a `RequestId`.
    pub(crate) fn answer(
        &self,
        service: &str,
        command: &str,
        body: serde_json::Value,
    ) -> Result<(serde_json::Value, String), Error> {
        let mut state = self.lock();
        state.sent.push(SentRequest {
            service: service.to_owned(),
            command: command.to_owned(),
            body: body.clone(),
        });
        state.answered += 1;
        let request_id = format!("mock-{}", state.answered);
        let key = (service.to_owned(), command.to_owned());
        // The rule runs without the lock held, so it may use the mock itself.
        let Some(mut rule) = state.rules.remove(&key) else {
            drop(state);
            panic!("MockRoom has no rule for {service}/{command}: add one with on, reply or fail");
        };
        drop(state);
        let answer = rule(&body);
        self.lock().rules.entry(key).or_insert(rule);
        answer.map(|payload| (payload, request_id))
    }
}
