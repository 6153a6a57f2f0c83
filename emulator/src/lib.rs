//! An in-memory emulator of the Tencent RTC Room REST service, over real
//! HTTP on loopback, for tests and offline development.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use trtc_room_emulator::{Emulator, EmulatorConfig};
//! let emu = Emulator::start(EmulatorConfig::default()).await?;
//! println!("{} app {} admin {}", emu.base_url(), emu.sdk_app_id(), emu.admin());
//! # Ok(()) }
//! ```
//!
//! It speaks the wire protocol of the real service: `POST
//! /v4/<servicename>/<command>?sdkappid&identifier&usersig&random&contenttype=json`,
//! checks the UserSig with the SDK's verifier, answers every call with HTTP
//! 200 and the `ActionStatus`/`ErrorCode`/`ErrorInfo`/`RequestId` envelope,
//! and keeps real state for every command of the spec (rooms, seats, callback
//! configuration, Chat accounts and online status; Live rooms, moderation,
//! robots, messages, gifts and PK battles; the Chat groups behind rooms and
//! user profiles). Time is the emulator's [`clock`], which tests move. Routing follows the SDK's
//! command catalog. A control API (`/emulator/v1/...`, see [`control`]) and
//! the [`Emulator`] methods simulate clients (enter, leave, take a seat) and
//! inject faults. A web [`console`] at `/emulator/console` shows the state,
//! the request log and the webhook deliveries live.
#![deny(missing_docs)]

mod auth;
mod catalog;
pub mod clock;
pub mod config;
pub mod console;
pub mod control;
pub mod error;
pub mod events;
pub mod faults;
mod handlers;
pub mod logsink;
pub mod persist;
pub mod process;
pub mod ratelimit;
mod server;
// Webhook delivery (`webhooks.rs`, owned by the webhook helper) hooks in
// through `events::EventSink` / `Emulator::subscribe_events` and
// `Emulator::callback_config`.
pub mod state;
pub mod webhooks;

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::{broadcast, oneshot};
use tokio::task::JoinHandle;

pub use config::EmulatorConfig;
pub use error::ApiError;
pub use events::{Event, EventSink};
pub use faults::{Fault, FaultKind};
pub use persist::{PersistError, Saved};
pub use ratelimit::RateStats;
pub use state::CallbackConfig;

use server::App;

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    app: Arc<App>,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url())
            .field("sdk_app_id", &self.sdk_app_id())
            .field("admin", &self.admin())
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Loads `config.state_file` and applies `config.seed` (see
    /// [`persist`]), binds `config.listen` (default: a free loopback port)
    /// and serves. A state file or seed that cannot be used is an error of
    /// kind `InvalidData` whose message names the file and the problem (its
    /// inner error is the [`PersistError`]); the file is left as it is. A
    /// non-loopback address without a
    /// [`console_token`](EmulatorConfig::console_token) is refused
    /// (`InvalidInput`).
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Self> {
        console::check_listen(&config)?;
        let app = Arc::new(App::new(config));
        persist::startup(&app)?;
        let listener = tokio::net::TcpListener::bind(app.config.listen).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(server::serve(listener, server::router(app.clone()), rx));
        Ok(Self {
            app,
            addr,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// `http://<addr>` (no trailing slash): the base URL to give a client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The web console's URL (see [`console`]).
    pub fn console_url(&self) -> String {
        format!("{}{}", self.base_url(), console::CONSOLE_PATH)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The emulated SDKAppID.
    pub fn sdk_app_id(&self) -> u64 {
        self.app.config.sdk_app_id
    }

    /// The secret key UserSigs must be signed with.
    pub fn secret_key(&self) -> &str {
        &self.app.config.secret_key
    }

    /// The App administrator account.
    pub fn admin(&self) -> &str {
        &self.app.config.admin
    }

    /// The webhook signing token, if configured.
    pub fn callback_token(&self) -> Option<&str> {
        self.app.config.callback_token.as_deref()
    }

    /// A fresh UserSig for `identifier`, valid for `expire_secs`.
    pub fn user_sig(&self, identifier: &str, expire_secs: u64) -> String {
        self.app
            .authority
            .key
            .generate(identifier, expire_secs)
            .unwrap_or_default()
    }

    /// The query string of a valid admin call (`sdkappid=..&identifier=..&usersig=..&random=..&contenttype=json`).
    pub fn admin_query(&self) -> String {
        let sig = self.user_sig(self.admin(), 86_400);
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("sdkappid", &self.sdk_app_id().to_string())
            .append_pair("identifier", self.admin())
            .append_pair("usersig", &sig)
            .append_pair("random", &rand::random::<u32>().to_string())
            .append_pair("contenttype", "json");
        q.finish()
    }

    /// A user enters a room (as a client SDK would).
    pub fn enter_room(&self, room_id: &str, account: &str) -> Result<(), ApiError> {
        control::enter_room(&self.app, room_id, account)
    }

    /// A member leaves a room.
    pub fn leave_room(&self, room_id: &str, account: &str) -> Result<(), ApiError> {
        control::leave_room(&self.app, room_id, account)
    }

    /// A member takes seat `index` (negative: the first free seat).
    pub fn take_seat(&self, room_id: &str, account: &str, index: i64) -> Result<(), ApiError> {
        control::take_seat(&self.app, room_id, account, index)
    }

    /// Now by the emulator's clock, unix seconds (see [`clock`]).
    pub fn now(&self) -> u64 {
        self.app.clock.now()
    }

    /// Moves the emulator's clock `secs` seconds forward; battles whose
    /// time ran out end at once. Returns the new now (unix seconds).
    pub fn advance_clock(&self, secs: u64) -> u64 {
        control::move_clock(&self.app, control::ClockMove::Advance(secs))
    }

    /// Sets the emulator's clock to `unix_secs` (forward or back); battles
    /// whose time ran out end at once. Returns the new now.
    pub fn set_clock(&self, unix_secs: u64) -> u64 {
        control::move_clock(&self.app, control::ClockMove::Set(unix_secs))
    }

    /// The messages sent to the Live room `room_id`, oldest first (as the
    /// `live_messages` control op lists them).
    pub fn live_messages(&self, room_id: &str) -> Result<Vec<serde_json::Value>, ApiError> {
        let state = self.app.lock_state();
        Ok(state
            .live
            .messages(room_id)?
            .iter()
            .map(control::message_json)
            .collect())
    }

    /// Ends the running PK battle `battle_id` now (OpType 1).
    pub fn end_battle(&self, battle_id: &str) -> Result<(), ApiError> {
        control::end_battle(&self.app, battle_id)
    }

    /// Seeds the Live gift list (`None`: any gift ID is accepted).
    pub fn seed_gifts(&self, gifts: Option<Vec<state::live::Gift>>) {
        self.app.lock_state().live.seed_gifts(gifts);
    }

    /// How the app answers `Live.CallbackBeforeSendGift` from now on (0
    /// allows; see the `gift_decision` control op), while no receiver is
    /// configured for it: a `live_config` callback configuration enabling
    /// `Live.CallbackBeforeSendGift` sends the callback over HTTP, and its
    /// answer decides instead.
    pub fn set_gift_decision(&self, error_code: i64) {
        self.app.lock_state().live.set_gift_decision(error_code);
    }

    /// The Live callback configuration (`live_config/set_callback`), if any.
    pub fn live_callback_config(&self) -> Option<CallbackConfig> {
        self.app.lock_state().live.callback().cloned()
    }

    /// Adds a fault for upcoming calls.
    pub fn inject_fault(&self, fault: Fault) {
        self.app.faults.add(fault);
    }

    /// Removes every pending fault.
    pub fn clear_faults(&self) {
        self.app.faults.clear();
    }

    /// Receives every state-change event from now on.
    pub fn subscribe_events(&self) -> broadcast::Receiver<Event> {
        self.app.events.subscribe()
    }

    /// The current callback configuration (`set_callback`), if any.
    pub fn callback_config(&self) -> Option<CallbackConfig> {
        self.app.lock_state().callback().cloned()
    }

    /// How many requests of `command` (`create_room`, or
    /// `service/command`) reached the emulator, whatever their outcome
    /// (faults included). Counts catalog commands only.
    pub fn requests_received(&self, command: &str) -> u64 {
        self.received(command, |r| r.count).into_iter().sum()
    }

    /// The `random` query values of the latest requests of `command` (at
    /// most 4096, oldest first): all attempts of one client call carry the
    /// same value.
    pub fn randoms_received(&self, command: &str) -> Vec<u32> {
        self.received(command, |r| r.randoms.iter().copied().collect::<Vec<_>>())
            .into_iter()
            .flatten()
            .collect()
    }

    fn received<T>(&self, command: &str, f: impl Fn(&server::Received) -> T) -> Vec<T> {
        let counts = self.app.received.lock().unwrap_or_else(|e| e.into_inner());
        counts
            .iter()
            .filter(|((s, c), _)| *c == command || command.split_once('/') == Some((*s, *c)))
            .map(|(_, r)| f(r))
            .collect()
    }

    /// Number of live rooms.
    pub fn room_count(&self) -> usize {
        self.app.lock_state().room_count()
    }

    /// What the rate limiter counted per `service/command` (accepted and
    /// refused calls, busiest second), while [`EmulatorConfig::rate_limit`]
    /// is on.
    pub fn rate_stats(&self) -> std::collections::BTreeMap<String, RateStats> {
        self.app.limiter.stats()
    }

    /// The whole state as the state-file document (see [`persist`]).
    pub fn export_state(&self) -> Result<serde_json::Value, PersistError> {
        persist::export_value(&self.app)
    }

    /// Replaces the whole state with a state document (as
    /// [`Emulator::export_state`] gives it), checked as a loaded file is;
    /// nothing changes when it is refused.
    pub fn import_state(&self, document: serde_json::Value) -> Result<(), PersistError> {
        persist::import_value(&self.app, document).map(|_| ())
    }

    /// Saves the state to [`EmulatorConfig::state_file`] now (atomically).
    pub fn save_state(&self) -> Result<Saved, PersistError> {
        let path = self
            .app
            .config
            .state_file
            .as_deref()
            .ok_or_else(|| PersistError {
                origin: "save".into(),
                problem: "no state file configured (EmulatorConfig::state_file)".into(),
            })?;
        persist::save(&self.app, path)
    }

    /// Saves the state to `path` now (atomically), whatever the configured
    /// state file.
    pub fn save_state_to(&self, path: impl AsRef<std::path::Path>) -> Result<Saved, PersistError> {
        persist::save(&self.app, path.as_ref())
    }

    /// Stops the server, waits for the accept loop to end, and saves the
    /// state to [`EmulatorConfig::state_file`] if one is configured (a
    /// failed save is logged; see [`Emulator::shutdown_and_save`]).
    /// Dropping an emulator saves nothing.
    pub async fn shutdown(self) {
        if let Err(e) = self.shutdown_and_save().await {
            tracing::error!(target: "room_emulator", error = %e, "state not saved");
        }
    }

    /// [`Emulator::shutdown`], answering how the save went: `Ok(None)`
    /// without a state file.
    pub async fn shutdown_and_save(mut self) -> Result<Option<Saved>, PersistError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        match self.app.config.state_file.clone() {
            Some(path) => {
                let app = self.app.clone();
                tokio::task::spawn_blocking(move || persist::save(&app, &path))
                    .await
                    .map_err(|e| PersistError {
                        origin: "save".into(),
                        problem: e.to_string(),
                    })?
                    .map(Some)
            }
            None => Ok(None),
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The README's Rust snippets, compiled as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
