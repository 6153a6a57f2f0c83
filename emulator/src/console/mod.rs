//! The web console: a page at [`CONSOLE_PATH`] that shows the emulator's
//! state, the request log and the webhook deliveries as they change, and
//! drives the control API (faults, clock, simulated clients).
//!
//! The page (one HTML file with plain JavaScript and CSS, compiled into the
//! binary) polls read-only JSON endpoints:
//!
//! | endpoint | answer |
//! | --- | --- |
//! | `GET /emulator/v1/state` | rooms (members, seats, bans), live rooms (online members, admins, bans, mutes, metadata, robots), battles, imported accounts, callback settings, pending faults, the clock |
//! | `GET /emulator/v1/requests` | the newest REST calls first (the last [`LOG_CAPACITY`]): time, command, HTTP status, `ErrorCode`, `ErrorInfo`, `RequestId`, latency, request and answer bodies; `usersig`, tokens and `Sign` redacted. Query: `room`, `command` (substring), `error` (`only`, `ok` or a code), `limit` (default 100), `after` (an `Id`) |
//! | `GET /emulator/v1/deliveries` | the newest webhook deliveries first: callback, target URL, HTTP status, the receiver's answer, latency, attempts; `limit`, `after` |
//!
//! and acts through the control API (`POST /emulator/v1/<op>`, see
//! [`crate::control`]; `resend_delivery` with `{"Id"}` sends a logged
//! delivery again).
//!
//! Security: with a console token ([`EmulatorConfig::console_token`]) every
//! `/emulator/...` path (console, endpoints, control API) needs it, as
//! `Authorization: Bearer <token>` or `?token=<token>`. An emulator refuses
//! to listen on a non-loopback address without one.

mod log;
mod snapshot;

use std::io;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{Query, RawQuery, Request, State as AxState};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub(crate) use log::{DeliveryLog, DeliveryOutcome};
pub use log::{LOG_CAPACITY, MAX_KEPT_BODY};

use crate::config::EmulatorConfig;
use crate::error::ApiError;
use crate::server::{App, ConnKill};

/// Where the console page is served.
pub const CONSOLE_PATH: &str = "/emulator/console";
/// The environment variable the `room-emulator` binary reads the console
/// token from (when `--console-token` is not given).
pub const TOKEN_ENV: &str = "ROOM_EMULATOR_CONSOLE_TOKEN";

const PAGE_HTML: &str = include_str!("assets/console.html");
const PAGE_JS: &str = include_str!("assets/console.js");
const PAGE_CSS: &str = include_str!("assets/console.css");

/// The console's share of the emulator: its logs and its token.
pub(crate) struct Console {
    pub(crate) requests: log::RequestLog,
    pub(crate) deliveries: Arc<DeliveryLog>,
    /// SHA-256 of the token (compared in constant time).
    token: Option<[u8; 32]>,
    resend_client: OnceLock<Result<reqwest::Client, String>>,
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

impl Console {
    pub(crate) fn new(config: &EmulatorConfig) -> Self {
        Self {
            requests: log::RequestLog::default(),
            deliveries: Arc::new(DeliveryLog::default()),
            token: config.console_token.as_deref().map(digest),
            resend_client: OnceLock::new(),
        }
    }

    pub(crate) fn token_required(&self) -> bool {
        self.token.is_some()
    }

    /// Whether a request with these headers and query may use the console
    /// and the control API.
    fn allows(&self, headers: &HeaderMap, query: Option<&str>) -> bool {
        let Some(want) = &self.token else {
            return true;
        };
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let from_query = query.and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "token")
                .map(|(_, v)| v.into_owned())
        });
        let same = |given: &str| {
            digest(given)
                .iter()
                .zip(want)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
        };
        bearer.is_some_and(same) || from_query.as_deref().is_some_and(same)
    }
}

/// Refuses a configuration that would expose the console and the control
/// API beyond this machine without a token (and an empty token).
pub fn check_listen(config: &EmulatorConfig) -> io::Result<()> {
    match config.console_token.as_deref() {
        Some("") => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the console token must not be empty",
        )),
        Some(_) => Ok(()),
        None if config.listen.ip().is_loopback() => Ok(()),
        None => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "refusing to listen on {} (not loopback) without a console token: \
                 the console and the control API would be open to the network; \
                 give --console-token or {TOKEN_ENV}",
                config.listen
            ),
        )),
    }
}

/// The console's routes (the token guard is layered on by the router).
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route(CONSOLE_PATH, get(page))
        .route("/emulator/v1/state", get(state))
        .route("/emulator/v1/requests", get(requests))
        .route("/emulator/v1/deliveries", get(deliveries))
}

/// Middleware: every `/emulator/...` route needs the token, when one is set.
pub(crate) async fn guard(AxState(app): AxState<Arc<App>>, req: Request, next: Next) -> Response {
    if app.console.allows(req.headers(), req.uri().query()) {
        return next.run(req).await;
    }
    let body = json!({
        "ActionStatus": "FAIL",
        "ErrorCode": 401,
        "ErrorInfo": "this emulator's console and control API need its console token \
                      (Authorization: Bearer <token>, or ?token=<token>)",
    });
    (
        StatusCode::UNAUTHORIZED,
        [
            (header::WWW_AUTHENTICATE, "Bearer"),
            (header::CONTENT_TYPE, "application/json"),
        ],
        body.to_string(),
    )
        .into_response()
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn page() -> Response {
    static PAGE: OnceLock<String> = OnceLock::new();
    let html = PAGE.get_or_init(|| {
        PAGE_HTML
            .replace("/*CONSOLE_CSS*/", PAGE_CSS)
            .replace("/*CONSOLE_JS*/", PAGE_JS)
    });
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // Everything is inline; nothing may load from elsewhere.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                 connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'",
            ),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html.as_str(),
    )
        .into_response();
    response.headers_mut().insert(
        header::HeaderName::from_static("x-frame-options"),
        HeaderValue::from_static("DENY"),
    );
    no_store(response)
}

fn json_ok(v: &Value) -> Response {
    no_store(
        (
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_vec(v).unwrap_or_default(),
        )
            .into_response(),
    )
}

async fn state(AxState(app): AxState<Arc<App>>) -> Response {
    json_ok(&snapshot::snapshot(&app))
}

async fn requests(
    AxState(app): AxState<Arc<App>>,
    Query(filter): Query<log::RequestFilter>,
) -> Response {
    let limit = filter.limit.unwrap_or(100).min(LOG_CAPACITY);
    let list: Vec<Value> = app
        .console
        .requests
        .newest_first()
        .iter()
        .filter_map(|r| r.to_json(&filter))
        .take(limit)
        .collect();
    json_ok(&json!({
        "Requests": list,
        "Recorded": app.console.requests.total(),
        "Capacity": LOG_CAPACITY,
    }))
}

#[derive(serde::Deserialize)]
struct Page {
    limit: Option<usize>,
    after: Option<u64>,
}

async fn deliveries(AxState(app): AxState<Arc<App>>, Query(page): Query<Page>) -> Response {
    let limit = page.limit.unwrap_or(100).min(LOG_CAPACITY);
    let list: Vec<Value> = app
        .console
        .deliveries
        .newest_first()
        .iter()
        .filter(|d| page.after.is_none_or(|after| d.id > after))
        .take(limit)
        .map(|d| d.to_json())
        .collect();
    json_ok(&json!({
        "Deliveries": list,
        "Recorded": app.console.deliveries.total(),
        "Capacity": LOG_CAPACITY,
    }))
}

/// The control op `resend_delivery` (`{"Id"}`): POSTs a logged delivery
/// again, to the same URL with the same body; the new attempt is logged
/// with `ResendOf`. Answers at once (`{"Queued": true}`).
pub(crate) fn resend(app: &App, body: &Value) -> Result<Value, ApiError> {
    let id = body
        .get("Id")
        .and_then(Value::as_u64)
        .ok_or_else(|| ApiError::bad_param("Id (the delivery's Id) is required"))?;
    let Some(delivery) = app.console.deliveries.get(id) else {
        return Err(ApiError::bad_param(format!(
            "no delivery {id} in the log (it keeps the last {LOG_CAPACITY})"
        )));
    };
    let client = app
        .console
        .resend_client
        .get_or_init(|| {
            trtc_room::http_client_builder()
                .map_err(|e| e.to_string())
                .and_then(|b| {
                    b.timeout(crate::webhooks::DEFAULT_DELIVERY_TIMEOUT)
                        .build()
                        .map_err(|e| e.to_string())
                })
        })
        .clone()
        .map_err(|e| ApiError::new(crate::error::codes::INTERNAL, e))?;
    let log = app.console.deliveries.clone();
    tokio::spawn(async move {
        let started = Instant::now();
        let result = post(&client, &delivery.url, delivery.body.clone()).await;
        log.record(DeliveryOutcome {
            command: delivery.command.clone(),
            url: delivery.url.clone(),
            body: delivery.body.clone(),
            result,
            latency: started.elapsed(),
            attempts: 1,
            resend_of: Some(delivery.id),
        });
    });
    Ok(json!({"Queued": true}))
}

async fn post(client: &reqwest::Client, url: &str, body: Bytes) -> Result<(u16, Bytes), String> {
    let response = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string().replace(url, &log::redact_url(url)))?;
    let status = response.status().as_u16();
    let answer = response.bytes().await.unwrap_or_default();
    Ok((status, answer))
}

/// Keeps what the request log needs while a REST call runs, and records
/// the call when it is answered, or when its connection closes unanswered
/// (a dropped-connection fault) and the call is dropped with it.
struct InFlight {
    app: Arc<App>,
    method: axum::http::Method,
    target: String,
    seen: Arc<std::sync::Mutex<Vec<Bytes>>>,
    started: Instant,
    done: bool,
}

impl InFlight {
    fn finish(&mut self, answer: Option<(u16, &Bytes)>, sample: bool) {
        self.done = true;
        self.app.console.requests.record(
            self.method.clone(),
            std::mem::take(&mut self.target),
            log::joined(&self.seen),
            answer,
            self.started.elapsed(),
            sample,
        );
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if !self.done {
            self.finish(None, false);
        }
    }
}

/// The router's fallback: Tencent's paths, answered by the server and
/// recorded (after the answer is built) in the request log.
pub(crate) async fn recorded(AxState(app): AxState<Arc<App>>, req: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let (tee, seen) = log::Tee::new(body);
    let mut in_flight = InFlight {
        app: app.clone(),
        method: parts.method.clone(),
        target: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned()),
        seen,
        started,
        done: false,
    };
    let kill = parts.extensions.get::<ConnKill>().cloned().map(Extension);
    let query = parts.uri.query().map(str::to_owned);
    let response = crate::server::api(
        AxState(app),
        kill,
        parts.method,
        parts.uri,
        RawQuery(query),
        Body::new(tee),
    )
    .await;
    let (head, body) = response.into_parts();
    // The server's answers are whole buffers: this takes no copy.
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let sample = head.headers.contains_key(crate::server::ANSWER_HEADER);
    in_flight.finish(Some((head.status.as_u16(), &bytes)), sample);
    Response::from_parts(head, Body::from(bytes))
}

/// Records one webhook POST in the delivery log (reading the receiver's
/// answer) and hands the outcome back to the webhook worker unchanged.
pub(crate) async fn log_delivery(
    log: &DeliveryLog,
    command: &str,
    url: String,
    body: Vec<u8>,
    started: Instant,
    sent: Result<reqwest::Response, reqwest::Error>,
) -> Result<reqwest::Response, reqwest::Error> {
    let (result, passed) = match sent {
        Ok(response) => {
            let status = response.status();
            let answer = response.bytes().await.unwrap_or_default();
            let mut rebuilt = axum::http::Response::new(answer.clone());
            *rebuilt.status_mut() = status;
            (
                Ok((status.as_u16(), answer)),
                Ok(reqwest::Response::from(rebuilt)),
            )
        }
        Err(e) => {
            // Without the URL's `Sign`.
            let text = e.to_string().replace(&url, &log::redact_url(&url));
            (Err(text), Err(e))
        }
    };
    log.record(DeliveryOutcome {
        command: command.to_owned(),
        url,
        body: Bytes::from(body),
        result,
        latency: started.elapsed(),
        attempts: 1,
        resend_of: None,
    });
    passed
}

/// Records one before-callback exchange (`WebhookDispatcher::ask`) in the
/// delivery log, from what came of it.
pub(crate) fn log_answer(
    log: &DeliveryLog,
    command: &str,
    url: &str,
    body: Vec<u8>,
    started: Instant,
    answer: &crate::webhooks::Answer,
) {
    use crate::webhooks::Answer;
    let result = match answer {
        Answer::Replied { code, info } => Ok((
            200,
            Bytes::from(json!({"ErrorCode": code, "ErrorInfo": info}).to_string()),
        )),
        Answer::HttpStatus(status) => Ok((*status, Bytes::new())),
        Answer::BadBody(text) => Ok((200, Bytes::from(text.clone()))),
        failed @ (Answer::Failed(_) | Answer::TimedOut(_)) => {
            Err(failed.to_string().replace(url, &log::redact_url(url)))
        }
    };
    log.record(DeliveryOutcome {
        command: command.to_owned(),
        url: url.to_owned(),
        body: Bytes::from(body),
        result,
        latency: started.elapsed(),
        attempts: 1,
        resend_of: None,
    });
}
