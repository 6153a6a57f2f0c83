//! Shared setup of the SDK-vs-emulator tests: an emulator plus a `Client`
//! pointed at it over loopback HTTP.
#![allow(dead_code)]

use std::fmt::Debug;
use std::time::Duration;

use trtc_room::{
    Client, ClientBuilder, CreateRoom, Error, ErrorCode, Reply, RetryPolicy, RoomInfo, RoomType,
};
use trtc_room_emulator::{Emulator, EmulatorConfig, Fault};

/// An `ErrorCode` no command answers, used as a marker fault: if a later
/// call still gets it, no request consumed it before.
pub const MARKER_CODE: i64 = 99_999;

/// A running emulator and a client for it.
pub struct Setup {
    pub emu: Emulator,
    pub client: Client,
}

impl Setup {
    /// Emulator with defaults; client with fast, jitter-free retries.
    pub async fn new() -> Self {
        let emu = Emulator::start(EmulatorConfig::default())
            .await
            .expect("start the emulator");
        let client = builder(&emu).build().expect("build the client");
        Setup { emu, client }
    }

    /// Another client for the same emulator, configured by `f`.
    pub fn client_with(&self, f: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Client {
        f(builder(&self.emu)).build().expect("build the client")
    }

    /// Creates a conference room (seats on when `seats > 0`); asserts success.
    pub async fn room(&self, room_id: &str, seats: u32) {
        let mut info = RoomInfo::new(room_id, RoomType::Conference);
        if seats > 0 {
            info = info.is_seat_enabled(true).max_seat_count(seats);
        }
        self.client
            .create_room(CreateRoom::new(info))
            .await
            .unwrap_or_else(|e| panic!("create_room {room_id}: {e}"));
    }

    /// Creates a room and lets `users` enter it.
    pub async fn room_with(&self, room_id: &str, seats: u32, users: &[&str]) {
        self.room(room_id, seats).await;
        for user in users {
            self.emu
                .enter_room(room_id, user)
                .unwrap_or_else(|e| panic!("{user} enters {room_id}: {e}"));
        }
    }

    /// Arms a marker fault on `command`: see [`Setup::assert_marker_pending`].
    pub fn arm_marker(&self, command: &str) {
        self.emu
            .inject_fault(Fault::error_code(MARKER_CODE).command(command));
    }

    /// Asserts that the marker fault armed on `service/command` is still
    /// pending, i.e. no request of that command reached the emulator since
    /// it was armed, by sending one raw call that must consume it.
    pub async fn assert_marker_pending(&self, service: &str, command: &str) {
        let err = self
            .client
            .call_raw(service, command, &serde_json::json!({}))
            .await
            .expect_err("the marker fault should answer this call");
        assert_eq!(
            err.service_code(),
            Some(MARKER_CODE),
            "a request reached the emulator: the marker fault was consumed ({err})"
        );
    }
}

/// A builder for `emu` with test-friendly retries (no jitter, 1 ms backoff).
pub fn builder(emu: &Emulator) -> ClientBuilder {
    Client::builder()
        .sdk_app_id(emu.sdk_app_id())
        .secret_key(emu.secret_key())
        .admin(emu.admin())
        .base_url(emu.base_url())
        .retry_policy(fast_retries(4))
}

/// `max_attempts` attempts with a 1 ms backoff and no jitter.
pub fn fast_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(max_attempts)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
        .jitter(false)
        .deadline(Some(Duration::from_secs(30)))
}

/// Asserts a typed service error with `code`, a non-empty `ErrorInfo` and a
/// RequestId; returns the error.
#[track_caller]
pub fn expect_service<T: Debug>(result: Result<Reply<T>, Error>, code: ErrorCode) -> Error {
    match result {
        Err(e @ Error::Service { .. }) => {
            if let Error::Service {
                code: got,
                info,
                request_id,
                ..
            } = &e
            {
                assert_eq!(*got, code, "wrong ErrorCode: {e}");
                assert!(!info.is_empty(), "empty ErrorInfo: {e}");
                assert!(
                    request_id.as_deref().is_some_and(|id| !id.is_empty()),
                    "no RequestId: {e}"
                );
            }
            e
        }
        Err(other) => panic!("expected service error {code:?}, got {other:?}"),
        Ok(reply) => panic!("expected service error {code:?}, got success {reply:?}"),
    }
}

/// Asserts success with a RequestId and returns the payload.
#[track_caller]
pub fn expect_ok<T: Debug>(result: Result<Reply<T>, Error>) -> T {
    match result {
        Ok(reply) => {
            assert!(
                reply.request_id().is_some_and(|id| !id.is_empty()),
                "no RequestId in {reply:?}"
            );
            reply.into_inner()
        }
        Err(e) => panic!("expected success, got {e}"),
    }
}
