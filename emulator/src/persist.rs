//! State that survives restarts: the state file, export and import, and
//! seed files.
//!
//! # The state file
//!
//! With [`EmulatorConfig::state_file`](crate::EmulatorConfig::state_file)
//! (`--state-file PATH`) the emulator loads the file at start (a missing
//! file is an empty start) and saves it on shutdown
//! ([`Emulator::shutdown`](crate::Emulator::shutdown); SIGINT or SIGTERM for
//! the binary) and on the `save` control op. The file is versioned, compact
//! JSON (`jq . FILE` reads it):
//!
//! ```json
//! {"format": "trtc-room-emulator-state", "version": 1, "saved_at": 1735689600000,
//!  "state": {"clock_offset_ms": 0, "accounts": {..}, "rooms": {..}, "callback": null,
//!            "live": {..}, "groups": {..}, "profiles": {..}}}
//! ```
//!
//! `saved_at` is the wall-clock time of the save (unix milliseconds);
//! `state` holds everything the emulated service remembers (Room rooms with
//! members, seats, bans and marks; Chat accounts; the Room callback
//! configuration; the Live service: live rooms with metadata, admins, bans,
//! mutes, robots, messages, gifts, seats, battles, the gift list, the Live
//! callback configuration and token; Chat groups and profiles) and
//! `clock_offset_ms`, how far the emulator's [clock](crate::clock) is ahead
//! of the wall clock. The settings (SDKAppID, key, admin, ...) are not part
//! of it: they come from the configuration of the emulator that loads it.
//!
//! A file that is not JSON, has another `format`, a newer `version`, or a
//! state that does not parse or is inconsistent (a room filed under another
//! ID, a room without its Chat group, a battle that is not there) is refused
//! with a [`PersistError`] naming the file and the problem:
//! [`Emulator::start`](crate::Emulator::start) fails, and the file is left
//! as it is.
//!
//! Saves are atomic: the document is written to [`temp_path`] (a hidden
//! file next to the target), flushed to disk, and renamed over the target;
//! the directory is then synced (on unix). A crash or a failing write at
//! any point leaves the previous file whole; a leftover temporary file is
//! ignored at load and replaced by the next save.
//!
//! # Export and import
//!
//! `GET` or `POST /emulator/v1/export` answers the same document (compact
//! JSON); `POST /emulator/v1/import` with such a document replaces the whole
//! state (checked as a loaded file is; nothing changes when it is refused,
//! answered with 100002). `POST /emulator/v1/save` saves to the state file
//! and answers `{"Path", "Bytes"}` (100002 without a state file).
//!
//! # Seeds
//!
//! With [`EmulatorConfig::seed`](crate::EmulatorConfig::seed) (`--seed
//! FILE`, YAML for `.yaml`/`.yml`, JSON for `.json`) the emulator applies
//! fixtures at start, unless a state was loaded from the state file. Each
//! entry runs as the REST call (or control op) it names, as the App
//! administrator, so it is checked exactly as a call would be; the first
//! refusal stops the start with an error naming the entry. In this order:
//!
//! | key | each entry | runs |
//! | --- | --- | --- |
//! | `accounts` | a user ID, or an `account_import` body (`{UserID, Nick, FaceUrl}`) | `im_open_login_svc/account_import` |
//! | `rooms` | `{create_room: <body>, members: [ids], seated: [ids]}` | `room_engine_http_srv/create_room`, then `enter_room` for each member and `take_seat` (first free seat) for each seated one |
//! | `live_rooms` | the same | `live_engine_http_srv/create_room`, then the same |
//! | `calls` | `{command: "service/command", body: <body>}` | any REST command with a handler |
//! | `callback` | a `set_callback` body (`{Url, CallbackCommandList}`) | `room_config/set_callback` |
//! | `live_callback` | a `set_callback` body | `live_config/set_callback` |
//!
//! The callbacks come last, so seeding sends no webhooks. See
//! `emulator/seeds/example.yaml`.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::State as AxState;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use trtc_room::webhook::OptPlatform;
use trtc_room::PayloadLocation;

use crate::error::{codes, ApiError};
use crate::server::{envelope, json_response, App};
use crate::state::snapshot::{Snapshot, SnapshotRef};

/// The `format` of a state document.
pub const FORMAT: &str = "trtc-room-emulator-state";
/// The `version` this emulator writes, and the newest it reads.
pub const VERSION: u64 = 1;
/// Largest `import` body read.
const MAX_IMPORT_BODY: usize = 1 << 30;

/// Why a state document or a seed could not be used, or a save failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersistError {
    /// What was read or written: `state file "PATH"`, `seed file "PATH"`,
    /// `import`.
    pub origin: String,
    /// What is wrong.
    pub problem: String,
}

impl PersistError {
    fn new(origin: &str, problem: impl Into<String>) -> Self {
        Self {
            origin: origin.to_owned(),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for PersistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.problem)
    }
}

impl std::error::Error for PersistError {}

impl From<PersistError> for io::Error {
    fn from(e: PersistError) -> Self {
        io::Error::new(io::ErrorKind::InvalidData, e)
    }
}

/// A completed save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// The file written.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

fn file_origin(kind: &str, path: &Path) -> String {
    format!("{kind} {:?}", path.display().to_string())
}

/// The temporary file a save of `path` writes before renaming it over
/// `path`: `.NAME.tmp` in the same directory.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

#[derive(Serialize)]
struct DocumentRef<'a> {
    format: &'static str,
    version: u64,
    saved_at: u64,
    state: SnapshotRef<'a>,
}

/// Encodes the state document of `app` with `encode`, under the state lock
/// (so it is one consistent state).
fn encode_document<R>(
    app: &App,
    encode: impl FnOnce(&DocumentRef<'_>) -> serde_json::Result<R>,
) -> Result<R, PersistError> {
    let state = app.lock_state();
    let doc = DocumentRef {
        format: FORMAT,
        version: VERSION,
        saved_at: crate::clock::wall_ms(),
        state: state.snapshot(app.clock.offset_ms()),
    };
    encode(&doc).map_err(|e| PersistError::new("export", format!("state not encodable: {e}")))
}

/// The state document of `app` as compact JSON bytes.
pub(crate) fn export_bytes(app: &App) -> Result<Vec<u8>, PersistError> {
    encode_document(app, |doc| {
        let mut out = Vec::with_capacity(64 * 1024);
        serde_json::to_writer(&mut out, doc).map(|()| out)
    })
}

/// The state document of `app` as a JSON value.
pub(crate) fn export_value(app: &App) -> Result<Value, PersistError> {
    encode_document(app, |doc| serde_json::to_value(doc))
}

/// Reads a state document: header, then the state, then its consistency.
fn parse_document(value: Value, origin: &str) -> Result<Snapshot, PersistError> {
    let err = |p: String| PersistError::new(origin, p);
    let Value::Object(mut doc) = value else {
        return Err(err(format!(
            "not a state document (a JSON object with \"format\": {FORMAT:?})"
        )));
    };
    match doc.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(other) => {
            return Err(err(format!(
                "format is {other}, not {FORMAT:?}: not a state file of this emulator"
            )))
        }
        None => {
            return Err(err(format!(
                "no \"format\" member: not a state file of this emulator (format {FORMAT:?})"
            )))
        }
    }
    let version = doc.get("version").cloned().unwrap_or(Value::Null);
    match version.as_u64() {
        Some(VERSION) => {}
        Some(v) if v > VERSION => {
            return Err(err(format!(
            "version {v} is newer than this emulator reads (up to {VERSION}); use a newer emulator"
        )))
        }
        _ => {
            return Err(err(format!(
                "version {version} is not supported (this emulator reads version {VERSION})"
            )))
        }
    }
    let state = doc
        .remove("state")
        .ok_or_else(|| err("no \"state\" member".into()))?;
    let snapshot: Snapshot = serde_path_to_error::deserialize(state).map_err(|e| {
        let at = match e.path().to_string() {
            p if p == "." => "state".to_owned(),
            p => format!("state.{p}"),
        };
        err(format!("{at}: {}", e.inner()))
    })?;
    snapshot
        .check()
        .map_err(|p| err(format!("inconsistent state: {p}")))?;
    Ok(snapshot)
}

/// A state document parsed in one pass (the header checked afterwards).
#[derive(Deserialize)]
struct Document {
    format: String,
    version: u64,
    state: Snapshot,
}

/// Parses `bytes` as a state document. A well-formed document of this
/// version parses in one pass, straight from the bytes; anything else goes
/// through a JSON value, which tells the problems apart (and names where
/// the state goes wrong).
fn parse_bytes(bytes: &[u8], origin: &str) -> Result<Snapshot, PersistError> {
    if let Ok(doc) = serde_json::from_slice::<Document>(bytes) {
        if doc.format == FORMAT && doc.version == VERSION {
            doc.state
                .check()
                .map_err(|p| PersistError::new(origin, format!("inconsistent state: {p}")))?;
            return Ok(doc.state);
        }
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| PersistError::new(origin, format!("not valid JSON ({e})")))?;
    parse_document(value, origin)
}

/// Replaces the state of `app` with `snapshot` (and sets the clock offset).
fn install(app: &App, snapshot: Snapshot) {
    let mut state = app.lock_state();
    let offset = state.restore(snapshot);
    app.clock.set_offset_ms(offset);
}

/// Replaces the state of `app` with the document `value` (the `import`
/// control op, [`Emulator::import_state`](crate::Emulator::import_state)).
/// Returns the number of Room rooms and live rooms.
pub(crate) fn import_value(app: &App, value: Value) -> Result<(usize, usize), PersistError> {
    let snapshot = parse_document(value, "import")?;
    let counts = snapshot.room_counts();
    install(app, snapshot);
    Ok(counts)
}

/// Reads the state file `path`: `None` when it does not exist.
pub fn read_state_file(path: &Path) -> Result<Option<Vec<u8>>, PersistError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(PersistError::new(
            &file_origin("state file", path),
            format!("cannot read: {e}"),
        )),
    }
}

/// One save at a time (in this process), so an older state never lands
/// after a newer one.
static SAVING: Mutex<()> = Mutex::new(());

/// Saves the state of `app` to `path`, atomically.
pub(crate) fn save(app: &App, path: &Path) -> Result<Saved, PersistError> {
    let _one = SAVING.lock().unwrap_or_else(|e| e.into_inner());
    let origin = file_origin("state file", path);
    let bytes = export_bytes(app).map_err(|e| PersistError::new(&origin, e.problem))?;
    write_atomic(path, &bytes)
        .map_err(|e| PersistError::new(&origin, format!("cannot save: {e}")))?;
    Ok(Saved {
        path: path.to_owned(),
        bytes: bytes.len() as u64,
    })
}

/// Writes `bytes` to `path` so that `path` holds either its previous
/// content or all of `bytes`, whatever happens: [`temp_path`] first,
/// flushed to disk, then renamed over `path`; the directory is synced
/// afterwards where the platform allows.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_path(path);
    let written = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        // Best effort: the target is untouched either way.
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(path);
    Ok(())
}

/// Syncs the directory of `path`, so the rename itself is on disk (unix;
/// elsewhere directories cannot be opened for this).
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// At start: loads the state file (if configured and present), then
/// applies the seed (if configured and no state was loaded).
pub(crate) fn startup(app: &App) -> Result<(), PersistError> {
    let mut loaded = false;
    if let Some(path) = &app.config.state_file {
        if let Some(bytes) = read_state_file(path)? {
            let snapshot = parse_bytes(&bytes, &file_origin("state file", path))?;
            let (rooms, live) = snapshot.room_counts();
            install(app, snapshot);
            loaded = true;
            tracing::info!(target: "room_emulator", path = %path.display(), rooms, live_rooms = live, "state loaded");
        } else {
            tracing::info!(target: "room_emulator", path = %path.display(), "no state file yet: empty start");
        }
    }
    if let Some(seed) = &app.config.seed {
        if loaded {
            tracing::info!(target: "room_emulator", seed = %seed.display(), "seed not applied: a saved state was loaded");
        } else {
            apply_seed_file(app, seed)?;
        }
    }
    Ok(())
}

/// A seed file (see the [module docs](self)).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    #[serde(default)]
    accounts: Vec<Value>,
    #[serde(default)]
    rooms: Vec<SeedRoom>,
    #[serde(default)]
    live_rooms: Vec<SeedRoom>,
    #[serde(default)]
    calls: Vec<SeedCall>,
    #[serde(default)]
    callback: Option<Value>,
    #[serde(default)]
    live_callback: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedRoom {
    create_room: Value,
    #[serde(default)]
    members: Vec<String>,
    #[serde(default)]
    seated: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedCall {
    command: String,
    #[serde(default)]
    body: Value,
}

/// Reads and applies the seed file `path`.
pub(crate) fn apply_seed_file(app: &App, path: &Path) -> Result<(), PersistError> {
    let origin = file_origin("seed file", path);
    let err = |p: String| PersistError::new(&origin, p);
    let text = fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let seed: Seed = match ext.as_deref() {
        Some("yaml" | "yml") => {
            serde_norway::from_str(&text).map_err(|e| err(format!("not a valid seed: {e}")))?
        }
        Some("json") => {
            serde_json::from_str(&text).map_err(|e| err(format!("not a valid seed: {e}")))?
        }
        _ => return Err(err("the name must end in .yaml, .yml or .json".into())),
    };
    apply_seed(app, seed).map_err(err)?;
    tracing::info!(target: "room_emulator", seed = %path.display(), "seed applied");
    Ok(())
}

fn apply_seed(app: &App, seed: Seed) -> Result<(), String> {
    for (i, account) in seed.accounts.into_iter().enumerate() {
        let body = match account {
            Value::String(id) => serde_json::json!({ "UserID": id }),
            other => other,
        };
        rest(app, "im_open_login_svc/account_import", &body)
            .map_err(|e| format!("accounts[{i}]: {e}"))?;
    }
    for (key, service, rooms) in [
        ("rooms", "room_engine_http_srv", seed.rooms),
        ("live_rooms", "live_engine_http_srv", seed.live_rooms),
    ] {
        for (i, room) in rooms.into_iter().enumerate() {
            seed_room(app, service, room).map_err(|e| format!("{key}[{i}]: {e}"))?;
        }
    }
    for (i, call) in seed.calls.into_iter().enumerate() {
        rest(app, &call.command, &call.body).map_err(|e| format!("calls[{i}]: {e}"))?;
    }
    if let Some(body) = seed.callback {
        rest(app, "room_config/set_callback", &body).map_err(|e| format!("callback: {e}"))?;
    }
    if let Some(body) = seed.live_callback {
        rest(app, "live_config/set_callback", &body).map_err(|e| format!("live_callback: {e}"))?;
    }
    Ok(())
}

fn seed_room(app: &App, service: &str, room: SeedRoom) -> Result<(), String> {
    let id = room
        .create_room
        .pointer("/RoomInfo/RoomId")
        .and_then(Value::as_str)
        .ok_or("create_room has no RoomInfo.RoomId")?
        .to_owned();
    rest(app, &format!("{service}/create_room"), &room.create_room)?;
    let failed = |what: &str, account: &str, e: ApiError| {
        format!(
            "{what} {account:?} in room {id:?}: error {}: {}",
            e.code, e.info
        )
    };
    for account in &room.members {
        crate::control::enter_room(app, &id, account).map_err(|e| failed("member", account, e))?;
    }
    for account in &room.seated {
        crate::control::take_seat(app, &id, account, -1)
            .map_err(|e| failed("seated", account, e))?;
    }
    Ok(())
}

/// Runs the REST command `service/command` with `body` as the App
/// administrator, through its handler (checked as a call is).
fn rest(app: &App, command: &str, body: &Value) -> Result<(), String> {
    let (service, name) = command
        .split_once('/')
        .ok_or_else(|| format!("command {command:?} is not service/command"))?;
    let handler = crate::handlers::handler(service, name).ok_or_else(|| {
        format!("{command}: not a command this emulator handles (see the API catalog)")
    })?;
    let bytes = serde_json::to_vec(body).map_err(|e| e.to_string())?;
    let fail = |e: ApiError| format!("{command}: error {}: {}", e.code, e.info);
    let call = handler(&bytes).map_err(fail)?;
    let answer = app
        .apply(&app.config.admin, OptPlatform::RestApi, call)
        .map_err(fail)?;
    // Batch commands report refused items inside a successful answer.
    let answer: Value = serde_json::from_slice(&answer).unwrap_or_default();
    match answer.get("FailAccounts").and_then(Value::as_array) {
        Some(failed) if !failed.is_empty() => Err(format!(
            "{command}: refused accounts {}",
            Value::Array(failed.clone())
        )),
        _ => Ok(()),
    }
}

/// The state-file routes of the control API (`export`, `import`, `save`).
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/emulator/v1/export", get(export_op).post(export_op))
        .route("/emulator/v1/import", post(import_op))
        .route("/emulator/v1/save", post(save_op))
}

async fn export_op(AxState(app): AxState<Arc<App>>) -> Response {
    match export_bytes(&app) {
        Ok(bytes) => {
            tracing::info!(target: "room_emulator", op = "export", bytes = bytes.len(), "control");
            ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
        }
        Err(e) => answer(
            &app,
            "export",
            Err(ApiError::new(codes::INTERNAL, e.to_string())),
        ),
    }
}

async fn import_op(AxState(app): AxState<Arc<App>>, body: Body) -> Response {
    let result = match axum::body::to_bytes(body, MAX_IMPORT_BODY).await {
        Err(e) => Err(ApiError::new(
            codes::HTTP_PARSE,
            format!("cannot read the body (at most {MAX_IMPORT_BODY} bytes): {e}"),
        )),
        Ok(bytes) => serde_json::from_slice::<Value>(&bytes)
            .map_err(|e| ApiError::new(codes::JSON_PARSE, format!("body is not valid JSON: {e}")))
            .and_then(|value| {
                import_value(&app, value).map_err(|e| ApiError::bad_param(e.to_string()))
            })
            .map(|(rooms, live)| Some(serde_json::json!({"Rooms": rooms, "LiveRooms": live}))),
    };
    answer(&app, "import", result)
}

async fn save_op(AxState(app): AxState<Arc<App>>) -> Response {
    let result = match &app.config.state_file {
        None => Err(ApiError::bad_param(
            "no state file: start the emulator with --state-file PATH",
        )),
        Some(path) => {
            let app2 = app.clone();
            let path = path.clone();
            tokio::task::spawn_blocking(move || save(&app2, &path))
                .await
                .map_err(|e| PersistError::new("save", e.to_string()))
                .and_then(|r| r)
                .map(|saved| {
                    Some(serde_json::json!({
                        "Path": saved.path.display().to_string(),
                        "Bytes": saved.bytes,
                    }))
                })
                .map_err(|e| ApiError::new(codes::INTERNAL, e.to_string()))
        }
    };
    answer(&app, "save", result)
}

fn answer(app: &App, op: &str, result: Result<Option<Value>, ApiError>) -> Response {
    tracing::info!(target: "room_emulator", op, code = result.as_ref().err().map_or(0, |e| e.code), "control");
    json_response(&envelope(
        &app.request_id(),
        result,
        PayloadLocation::TopLevel,
    ))
}

/// Waits for the signal that stops the process: Ctrl-C (SIGINT), or SIGTERM
/// on unix.
pub async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
