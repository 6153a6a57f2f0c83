//! The HTTP side: the `/v4/<service>/<command>` endpoint, the envelope,
//! faults, rate limiting, and the accept loop (which can drop a connection).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{RawQuery, State as AxState};
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Router};
use serde_json::{json, Map, Value};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, oneshot, Notify};
use trtc_room::webhook::OptPlatform;
use trtc_room::{Command, CommandInfo, PayloadLocation};

use crate::auth::{Authority, CallQuery};
use crate::catalog;
use crate::clock::Clock;
use crate::config::EmulatorConfig;
use crate::error::{codes, ApiError};
use crate::events::Event;
use crate::faults::{FaultKind, Faults};
use crate::handlers;
use crate::ratelimit::RateLimiter;
use crate::state::{Ctx, State};
use crate::webhooks::{DeliverySettings, WebhookDispatcher};

/// Everything the request handlers share.
pub struct App {
    pub(crate) config: EmulatorConfig,
    pub(crate) authority: Authority,
    pub(crate) state: Mutex<State>,
    pub(crate) faults: Faults,
    pub(crate) limiter: RateLimiter,
    pub(crate) events: broadcast::Sender<Event>,
    pub(crate) webhooks: WebhookDispatcher,
    /// Requests received per (service, command) (whatever became of them).
    pub(crate) received: Mutex<std::collections::HashMap<(&'static str, &'static str), Received>>,
    /// The emulator's clock: the time of every state change.
    pub(crate) clock: Clock,
    /// The web console's logs and token (`crate::console`).
    pub(crate) console: crate::console::Console,
    seq: AtomicU64,
}

impl App {
    pub(crate) fn new(config: EmulatorConfig) -> Self {
        let key = trtc_room::usersig::SigningKey::new(config.sdk_app_id, config.secret_key.clone());
        let (events, _) = broadcast::channel(1024);
        let console = crate::console::Console::new(&config);
        Self {
            authority: Authority {
                key,
                admin: config.admin.clone(),
                verified: Default::default(),
            },
            state: Mutex::new({
                let mut state = State::new(config.admin.clone(), config.package_max_members);
                state.require_imported_accounts = config.require_imported_accounts;
                state
            }),
            faults: Faults::default(),
            limiter: RateLimiter::default(),
            events,
            webhooks: WebhookDispatcher::start_logged(
                DeliverySettings::from_config(&config),
                console.deliveries.clone(),
            ),
            console,
            received: Mutex::new(std::collections::HashMap::new()),
            clock: Clock::default(),
            seq: AtomicU64::new(1),
            config,
        }
    }

    pub(crate) fn lock_state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the state as `operator` acting from `platform` (the
    /// `OptPlatform` of the callbacks) and publishes the events it produced.
    pub(crate) fn apply<T>(
        &self,
        operator: &str,
        platform: OptPlatform,
        f: impl FnOnce(&mut State, &mut Ctx) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut ctx = Ctx::at(operator, platform, self.clock.now_ms());
        let (result, room_callback, live_callback, to_live) = {
            let mut state = self.lock_state();
            // Battles whose time ran out end before anything else happens
            // (their callbacks come first).
            state.live.tick(&mut ctx);
            let result = f(&mut state, &mut ctx);
            // Live callbacks, and the seat callbacks of live rooms.
            let to_live: Vec<bool> = ctx
                .events
                .iter()
                .map(|e| {
                    e.command.starts_with("Live.")
                        || e.payload
                            .get("RoomId")
                            .and_then(Value::as_str)
                            .is_some_and(|id| state.live.contains(id))
                })
                .collect();
            let live = if to_live.contains(&true) {
                state
                    .live
                    .callback()
                    .cloned()
                    .map(|config| (config, self.live_token(&state)))
            } else {
                None
            };
            (result, state.callback().cloned(), live, to_live)
        };
        // Live callbacks (and the seat callbacks of live rooms) go to the
        // Live configuration (`live_config`), signed with its token; the
        // others to the Room one.
        for (event, to_live) in ctx.events.iter().zip(to_live) {
            if to_live {
                if let Some((config, token)) = &live_callback {
                    self.webhooks
                        .dispatch_signed(config, event, token.as_deref());
                }
            } else if let Some(config) = &room_callback {
                self.webhooks.dispatch(config, event);
            }
        }
        for event in &ctx.events {
            if let Some(sink) = &self.config.event_sink {
                sink.emit(event);
            }
            // No subscriber is fine.
            let _ = self.events.send(event.clone());
        }
        result
    }

    /// The token Live deliveries are signed with: the `live_config` token
    /// while it is enabled (none while it is disabled); without a
    /// `live_config` token, the emulator's configured one
    /// ([`EmulatorConfig::callback_token`]), as for Room deliveries.
    pub(crate) fn live_token(&self, state: &State) -> Option<String> {
        match state.live.callback_token() {
            Ok(token) => token.enabled.then(|| token.token.clone()),
            Err(_) => self.config.callback_token.clone(),
        }
    }

    pub(crate) fn request_id(&self) -> String {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed);
        let salt: u128 = rand::random();
        request_id_text(salt, seq)
    }
}

/// `Id-{salt as 32 hex digits}-O-Seq-{seq}`. The salt is written by hand:
/// zero-padded hex formatting of a `u128` was half the cost of this,
/// which runs once per call.
fn request_id_text(salt: u128, seq: u64) -> String {
    use std::fmt::Write as _;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(64);
    id.push_str("Id-");
    for shift in (0..32).rev() {
        id.push(char::from(HEX[((salt >> (shift * 4)) & 0xf) as usize]));
    }
    // Writing to a String cannot fail.
    let _ = write!(id, "-O-Seq-{seq}");
    id
}

/// What the emulator saw of one command's requests.
#[derive(Debug, Default)]
pub(crate) struct Received {
    /// Requests received.
    pub(crate) count: u64,
    /// The `random` query values of the latest requests (at most
    /// [`Received::KEEP`]), oldest first.
    pub(crate) randoms: std::collections::VecDeque<u32>,
}

impl Received {
    const KEEP: usize = 4096;

    fn note(&mut self, random: Option<u32>) {
        self.count += 1;
        if let Some(r) = random {
            if self.randoms.len() == Self::KEEP {
                self.randoms.pop_front();
            }
            self.randoms.push_back(r);
        }
    }
}

/// Builds the answer envelope; `payload` is placed following `location`.
pub(crate) fn envelope(
    request_id: &str,
    result: Result<Option<Value>, ApiError>,
    location: PayloadLocation,
) -> Value {
    let mut body = Map::new();
    match result {
        Ok(payload) => {
            body.insert("ActionStatus".into(), json!("OK"));
            body.insert("ErrorCode".into(), json!(0));
            body.insert("ErrorInfo".into(), json!(""));
            body.insert("RequestId".into(), json!(request_id));
            match (payload, location) {
                (Some(p), PayloadLocation::Wrapped(key)) => {
                    body.insert(key.into(), p);
                }
                (Some(Value::Object(fields)), PayloadLocation::TopLevel) => {
                    body.extend(fields);
                }
                _ => {}
            }
        }
        Err(e) => {
            body.insert("ActionStatus".into(), json!("FAIL"));
            body.insert("ErrorCode".into(), json!(e.code));
            body.insert("ErrorInfo".into(), json!(e.info));
            body.insert("RequestId".into(), json!(request_id));
        }
    }
    Value::Object(body)
}

pub(crate) fn json_response(body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

/// Largest request body read; a larger one is refused with 60002.
const MAX_REQUEST_BODY: usize = 2 * 1024 * 1024;

/// Lets a handler close its own connection without answering.
#[derive(Clone)]
pub(crate) struct ConnKill(Arc<Notify>);

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Every path other than the control API and the console lands here
/// (through `console::recorded`, which logs it).
pub(crate) async fn api(
    AxState(app): AxState<Arc<App>>,
    kill: Option<Extension<ConnKill>>,
    method: Method,
    uri: Uri,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    let started = Instant::now();
    let request_id = app.request_id();
    // Read the body here rather than through the `Bytes` extractor, whose
    // size limit would answer 413 in plain text instead of an envelope.
    let body = match axum::body::to_bytes(body, MAX_REQUEST_BODY).await {
        Ok(bytes) => bytes,
        Err(e) => {
            let e = ApiError::new(
                codes::HTTP_PARSE,
                format!("cannot read the request body (at most {MAX_REQUEST_BODY} bytes): {e}"),
            );
            log(uri.path(), e.code, started, "body refused");
            return json_response(&envelope(&request_id, Err(e), PayloadLocation::None));
        }
    };
    let path = uri.path();
    let mut segments = path.trim_start_matches('/').split('/');
    let (service, command) = match (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) {
        (Some("v4"), Some(service), Some(command), None) => (service, command),
        _ => ("", ""),
    };
    let info = catalog::lookup(service, command);
    // Parsed once: for the record of what arrived and for the auth check.
    let q = CallQuery::parse(query.as_deref());
    if let Some(info) = info {
        app.received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((info.service, info.command))
            .or_default()
            .note(q.random());
    }

    let fault = app.faults.take(service, command);
    // A delayed call that is then processed waits inside the spawned task
    // below, so it still takes effect if the client hangs up meanwhile.
    let processed = fault.as_ref().is_none_or(|f| {
        matches!(
            f.kind,
            FaultKind::DelayOnly | FaultKind::TruncatedBody | FaultKind::LoseAnswer
        )
    });
    if let Some(f) = &fault {
        if !processed && !f.delay.is_zero() {
            tokio::time::sleep(f.delay).await;
        }
        match &f.kind {
            FaultKind::Error { code, info: text } => {
                let e = ApiError::new(*code, text.clone());
                log(path, e.code, started, "injected");
                return json_response(&envelope(&request_id, Err(e), PayloadLocation::None));
            }
            FaultKind::HttpStatus { status, body } => {
                log(path, -1, started, "injected http status");
                let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY);
                return (status, [(header::CONTENT_TYPE, "text/html")], body.clone())
                    .into_response();
            }
            FaultKind::DropConnection => {
                log(path, -1, started, "injected dropped connection");
                return drop_connection(kill).await;
            }
            FaultKind::EchoRequest { status } => {
                log(
                    path,
                    -1,
                    started,
                    "injected http status echoing the request",
                );
                let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY);
                let page = format!(
                    "<html><body><h1>{status}</h1><p>upstream failed for {method} {uri} HTTP/1.1</p></body></html>"
                );
                return (status, [(header::CONTENT_TYPE, "text/html")], page).into_response();
            }
            FaultKind::DelayOnly | FaultKind::TruncatedBody | FaultKind::LoseAnswer => {}
        }
    }

    let location = info.map_or(PayloadLocation::None, |i| i.payload);
    // Like the real service, finish a call that arrived even when the
    // client gives up (times out, disconnects) before the answer.
    let delay = fault.as_ref().map_or(Duration::ZERO, |f| f.delay);
    let task_failed = |_| Err(ApiError::new(codes::INTERNAL, "the call's task failed"));
    let (result, sample) = if delay.is_zero() {
        // Synchronous from here to the answer: nothing can cancel it half
        // way, so it needs no task of its own; the rest of a call that
        // waits for the app's receiver gets one.
        match process(&app, method, &q, info, service, command, &body) {
            Processed::Done(result) => (result, false),
            Processed::Sample(result) => (result, true),
            Processed::Pending(rest) => {
                (tokio::spawn(rest).await.unwrap_or_else(task_failed), false)
            }
        }
    } else {
        let (app, service, command) = (app.clone(), service.to_owned(), command.to_owned());
        let work = async move {
            tokio::time::sleep(delay).await;
            // The task owns its copy of the query, so it parses it again.
            let q = CallQuery::parse(query.as_deref());
            let processed = process(&app, method, &q, info, &service, &command, &body);
            match processed {
                Processed::Done(result) => (result, false),
                Processed::Sample(result) => (result, true),
                Processed::Pending(rest) => (rest.await, false),
            }
        };
        tokio::spawn(work)
            .await
            .unwrap_or_else(|e| (task_failed(e), false))
    };
    let code = result.as_ref().err().map_or(0, |e| e.code);
    if matches!(fault.as_ref().map(|f| &f.kind), Some(FaultKind::LoseAnswer)) {
        log(path, code, started, "processed; answer lost (injected)");
        return drop_connection(kill).await;
    }
    log(path, code, started, if sample { SAMPLE_ANSWER } else { "" });
    let id = sends_request_id(service).then_some(request_id.as_str());
    let mut bytes = encode_envelope(id, result, location);
    if matches!(fault.map(|f| f.kind), Some(FaultKind::TruncatedBody)) {
        bytes.truncate(bytes.len() / 2);
    }
    let mut response = ([(header::CONTENT_TYPE, "application/json")], bytes).into_response();
    if sample {
        response.headers_mut().insert(
            ANSWER_HEADER,
            header::HeaderValue::from_static(SAMPLE_ANSWER),
        );
    }
    response
}

/// Writes the answer envelope straight to bytes, in one pass (the same
/// JSON as [`envelope`], without building an intermediate map). `payload`
/// is the serialized payload object of a successful call.
fn encode_envelope(
    request_id: Option<&str>,
    result: Result<Vec<u8>, ApiError>,
    location: PayloadLocation,
) -> Vec<u8> {
    // The envelope's own members take well under 200 bytes.
    let payload_len = result.as_ref().map_or(0, Vec::len);
    let mut out = Vec::with_capacity(payload_len + 200);
    let string = |out: &mut Vec<u8>, s: &str| {
        // Writing a &str to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    };
    match result {
        Ok(payload) => {
            out.extend_from_slice(b"{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\"");
            if let Some(id) = request_id {
                out.extend_from_slice(br#","RequestId":"#);
                string(&mut out, id);
            }
            match location {
                PayloadLocation::Wrapped(key) => {
                    out.push(b',');
                    string(&mut out, key);
                    out.push(b':');
                    out.extend_from_slice(&payload);
                }
                PayloadLocation::TopLevel => {
                    // The payload's members follow the envelope's. The
                    // response types have no envelope-named fields, and the
                    // emulator leaves their `extra` maps empty.
                    let members = payload
                        .strip_prefix(b"{")
                        .and_then(|p| p.strip_suffix(b"}"))
                        .unwrap_or_default();
                    if !members.is_empty() {
                        out.push(b',');
                        out.extend_from_slice(members);
                    }
                }
                PayloadLocation::None => {}
            }
        }
        Err(e) => {
            out.extend_from_slice(br#"{"ActionStatus":"FAIL","ErrorCode":"#);
            out.extend_from_slice(e.code.to_string().as_bytes());
            out.extend_from_slice(br#","ErrorInfo":"#);
            string(&mut out, &e.info);
            if let Some(id) = request_id {
                out.extend_from_slice(br#","RequestId":"#);
                string(&mut out, id);
            }
        }
    }
    out.push(b'}');
    out
}

/// Closes the connection of the current request without answering.
async fn drop_connection(kill: Option<Extension<ConnKill>>) -> Response {
    if let Some(Extension(ConnKill(notify))) = kill {
        notify.notify_one();
        std::future::pending::<()>().await;
    }
    (StatusCode::BAD_GATEWAY, "connection dropped").into_response()
}

fn log(path: &str, code: i64, started: Instant, note: &str) {
    tracing::info!(
        target: "room_emulator",
        path,
        code,
        elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        note,
        "request"
    );
}

/// What [`process`] did with a call.
enum Processed {
    /// Answered.
    Done(Result<Vec<u8>, ApiError>),
    /// Answered with the command's documented sample (no handler, or asked
    /// for with `--sample-answer`).
    Sample(Result<Vec<u8>, ApiError>),
    /// The rest waits for the app's before-callback receiver (no lock held).
    Pending(handlers::gift::Pending),
}

/// Response header marking an answer that is not the emulator's own
/// behaviour; its value is [`SAMPLE_ANSWER`] for a documented sample.
pub(crate) const ANSWER_HEADER: &str = "x-room-emulator-answer";

/// The log note and [`ANSWER_HEADER`] value of a documented sample answer.
pub(crate) const SAMPLE_ANSWER: &str = "sample answer";

fn process(
    app: &Arc<App>,
    method: Method,
    q: &CallQuery<'_>,
    info: Option<&'static CommandInfo>,
    service: &str,
    command: &str,
    body: &[u8],
) -> Processed {
    let run = |handler: &handlers::Handler| {
        handler(body).and_then(|call| app.apply(q.identifier(), OptPlatform::RestApi, call))
    };
    let handler = match admit(app, method, q, info, service, command) {
        Ok(Admitted::Handler(handler)) => handler,
        Ok(Admitted::Sample(sample)) => return Processed::Sample(run(&sample.handler)),
        Err(e) => return Processed::Done(Err(e)),
    };
    // `send_gift` asks the app's receiver (when one is configured) between
    // checking and recording the gift, without the state lock.
    let gift = <trtc_room::LiveSendGift as Command>::INFO;
    if info.is_some_and(|i| (i.service, i.command) == (gift.service, gift.command)) {
        return match handlers::gift::send_gift(app, q.identifier(), body) {
            handlers::gift::Step::Done(result) => Processed::Done(result),
            handlers::gift::Step::Ask(rest) => Processed::Pending(rest),
        };
    }
    Processed::Done(run(handler))
}

/// The handler a call [`admit`]ted runs.
enum Admitted {
    /// The command's handler.
    Handler(&'static handlers::Handler),
    /// Its documented sample answer (no handler, or asked for).
    Sample(handlers::SampleAnswer),
}

/// The checks every call passes before its handler runs (method, UserSig,
/// known command, rate limit): the handler, or the refusal.
fn admit(
    app: &App,
    method: Method,
    q: &CallQuery<'_>,
    info: Option<&'static CommandInfo>,
    service: &str,
    command: &str,
) -> Result<Admitted, ApiError> {
    if method != Method::POST {
        return Err(ApiError::new(codes::HTTP_PARSE, "REST calls must use POST"));
    }
    let issued = app.authority.check(q, now_secs())?;
    if app.lock_state().accounts.is_revoked(q.identifier(), issued) {
        return Err(ApiError::new(
            codes::USERSIG_REVOKED,
            "usersig is no longer valid: the account was kicked after it was issued",
        ));
    }
    let Some(info) = info else {
        return Err(ApiError::new(
            codes::UNKNOWN_RESOURCE,
            "unknown service or command; check the URL",
        ));
    };
    let canned = app
        .config
        .sample_answers
        .iter()
        .any(|c| c.split_once('/') == Some((info.service, info.command)));
    let admitted = match handlers::handler(info.service, info.command) {
        Some(handler) if !canned => Admitted::Handler(handler),
        found => {
            if app.config.strict && found.is_none() {
                return Err(ApiError::new(
                    codes::REQUEST_DISABLED,
                    format!(
                        "{}/{} is in the API catalog but this emulator does not implement it (--strict)",
                        info.service, info.command
                    ),
                ));
            }
            let sample = handlers::sample_answer(info.service, info.command).ok_or_else(|| {
                ApiError::new(
                    codes::REQUEST_DISABLED,
                    format!("{}/{} has no handler", info.service, info.command),
                )
            })?;
            tracing::info!(
                target: "room_emulator",
                service = info.service,
                command = info.command,
                "sample answer: the documented sample, no state change"
            );
            Admitted::Sample(sample)
        }
    };
    let limit = app
        .config
        .rate_limit_override
        .unwrap_or(info.rate_limit_per_second);
    if app.config.rate_limit && !app.limiter.allow(&format!("{service}/{command}"), limit) {
        return Err(ApiError::new(
            codes::RATE_LIMITED,
            format!("more than {limit} calls per second"),
        ));
    }
    Ok(admitted)
}

/// The Chat services (`im_open_login_svc`, `openim`) answer without a
/// `RequestId` (as their documented samples do); the Room services carry one.
fn sends_request_id(service: &str) -> bool {
    !matches!(service, "im_open_login_svc" | "openim")
}

/// The full router.
pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .merge(crate::persist::routes())
        .route("/emulator/v1/{op}", post(crate::control::control))
        .merge(crate::console::routes())
        .route_layer(axum::middleware::from_fn_with_state(
            app.clone(),
            crate::console::guard,
        ))
        .fallback(crate::console::recorded)
        .with_state(app)
}

/// Serves `router` on `listener` until `shutdown` fires.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    mut shutdown: oneshot::Receiver<()>,
) {
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else { continue };
        let kill = Arc::new(Notify::new());
        let svc = hyper_util::service::TowerToHyperService::new(
            router.clone().layer(Extension(ConnKill(kill.clone()))),
        );
        tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_read_as_before() {
        for (salt, seq) in [
            (0u128, 0u64),
            (u128::MAX, u64::MAX),
            (0x0123_4567_89ab_cdef, 42),
        ] {
            assert_eq!(
                request_id_text(salt, seq),
                format!("Id-{salt:032x}-O-Seq-{seq}")
            );
        }
    }

    /// The one-pass encoder writes the same JSON as the map-building one,
    /// for each payload location and for failures.
    #[test]
    fn one_pass_answers_match_the_reference_envelope() {
        let payload = json!({"RoomInfo": {"RoomId": "r\"1", "MaxMemberCount": 300}, "Next": ""});
        let bytes = serde_json::to_vec(&payload).unwrap();
        let cases = [
            PayloadLocation::Wrapped("Response"),
            PayloadLocation::TopLevel,
            PayloadLocation::None,
        ];
        for location in cases {
            for id in [Some("Id-7"), None] {
                let one_pass: Value =
                    serde_json::from_slice(&encode_envelope(id, Ok(bytes.clone()), location))
                        .unwrap();
                let mut reference = envelope(id.unwrap_or(""), Ok(Some(payload.clone())), location);
                if id.is_none() {
                    reference.as_object_mut().unwrap().remove("RequestId");
                }
                assert_eq!(one_pass, reference, "{location:?}, request id {id:?}");
            }
        }
        let empty: Value = serde_json::from_slice(&encode_envelope(
            Some("Id-8"),
            Ok(b"{}".to_vec()),
            PayloadLocation::TopLevel,
        ))
        .unwrap();
        assert_eq!(
            empty,
            json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-8"})
        );
        let e = ApiError::new(codes::JSON_PARSE, "bad \"body\"");
        let failed: Value = serde_json::from_slice(&encode_envelope(
            Some("Id-9"),
            Err(e.clone()),
            PayloadLocation::None,
        ))
        .unwrap();
        assert_eq!(failed, envelope("Id-9", Err(e), PayloadLocation::None));
    }
}
