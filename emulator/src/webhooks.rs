//! Webhook delivery: POSTs the callbacks enabled in the callback
//! configuration to its URL, the way the Room service does.
//!
//! Each delivery carries the documented query parameters (`SdkAppid`,
//! `CallbackCommand`, `contenttype=json`, `ClientIP`, `OptPlatform`: `RESTAPI`
//! for a change made by a REST call, the configured client platform for one
//! made by a simulated client through the control API) and, when a callback
//! token is configured, `RequestTime` and `Sign`. The body is the event's
//! JSON payload. Live callbacks go to the `live_config` configuration and
//! are signed with the `live_config/set_callback_token` token while it is
//! enabled (unsigned while it is disabled; with no such token, the
//! emulator's configured one, as Room callbacks).
//!
//! Delivery never holds up the REST call that caused it: events are put on a
//! bounded queue that one background task works through in order (so a
//! receiver sees the events of a room in the order they happened). Each POST
//! has a timeout; a failed delivery is logged and dropped (no retries), and
//! when the queue is full new events are logged and dropped.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::mpsc;
use trtc_room::webhook::{OptPlatform, WebhookQuery};

use crate::config::EmulatorConfig;
use crate::console::DeliveryLog;
use crate::events::{enabled, Event};
use crate::state::CallbackConfig;

/// Timeout of one delivery when no other is configured.
pub const DEFAULT_DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);
/// How many deliveries may wait before new ones are dropped.
pub const QUEUE_CAPACITY: usize = 1024;
/// `ClientIP` sent with every delivery (the emulator's REST callers are local).
pub const DEFAULT_CLIENT_IP: &str = "127.0.0.1";

/// Settings of the delivery worker.
#[derive(Clone)]
pub struct DeliverySettings {
    /// `SdkAppid` of every delivery.
    pub sdk_app_id: u64,
    /// Webhook token: when set, deliveries carry `RequestTime` and `Sign`.
    pub token: Option<String>,
    /// Timeout of one POST (connect to response). Default
    /// [`DEFAULT_DELIVERY_TIMEOUT`].
    pub timeout: Duration,
    /// `ClientIP` query parameter. Default [`DEFAULT_CLIENT_IP`].
    pub client_ip: String,
}

impl DeliverySettings {
    /// Settings taken from the emulator's configuration.
    pub fn from_config(config: &EmulatorConfig) -> Self {
        DeliverySettings {
            sdk_app_id: config.sdk_app_id,
            token: config.callback_token.clone(),
            timeout: DEFAULT_DELIVERY_TIMEOUT,
            client_ip: DEFAULT_CLIENT_IP.to_owned(),
        }
    }
}

impl fmt::Debug for DeliverySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliverySettings")
            .field("sdk_app_id", &self.sdk_app_id)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .field("client_ip", &self.client_ip)
            .finish()
    }
}

/// One queued POST.
struct Job {
    url: String,
    command: String,
    body: Vec<u8>,
}

/// Handle to the delivery worker; cheap to clone. The worker stops once every
/// handle is dropped and the queue is empty.
#[derive(Clone)]
pub struct WebhookDispatcher {
    settings: DeliverySettings,
    queue: mpsc::Sender<Job>,
    /// The client of the worker, shared with [`WebhookDispatcher::ask`].
    http: Result<reqwest::Client, String>,
    /// The web console's delivery log, if any.
    log: Option<Arc<DeliveryLog>>,
}

impl fmt::Debug for WebhookDispatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookDispatcher")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl WebhookDispatcher {
    /// Start the delivery worker on the current Tokio runtime.
    ///
    /// # Panics
    ///
    /// When called outside a Tokio runtime (a programming error of the
    /// emulator, not something data from outside can cause).
    pub fn start(settings: DeliverySettings) -> Self {
        Self::start_with(settings, None)
    }

    /// [`start`](Self::start), recording every delivery in `log` (the web
    /// console's delivery log).
    pub(crate) fn start_logged(settings: DeliverySettings, log: Arc<DeliveryLog>) -> Self {
        Self::start_with(settings, Some(log))
    }

    fn start_with(settings: DeliverySettings, log: Option<Arc<DeliveryLog>>) -> Self {
        let (queue, jobs) = mpsc::channel(QUEUE_CAPACITY);
        // The SDK's TLS setup (a plain reqwest client may lack a TLS crypto
        // provider), following redirects as a webhook sender may.
        let http = trtc_room::http_client_builder()
            .map_err(|error| error.to_string())
            .and_then(|builder| {
                builder
                    .redirect(reqwest::redirect::Policy::default())
                    .timeout(settings.timeout)
                    .build()
                    .map_err(|error| error.to_string())
            });
        if let Err(error) = &http {
            tracing::warn!(%error, "webhook HTTP client unavailable; deliveries will fail");
        }
        tokio::spawn(work(http.clone(), jobs, log.clone()));
        WebhookDispatcher {
            settings,
            queue,
            http,
            log,
        }
    }

    /// The settings deliveries are made with.
    pub fn settings(&self) -> &DeliverySettings {
        &self.settings
    }

    /// Queue the events the configuration enables (nothing when no callback
    /// is configured). Returns at once; never fails the caller.
    pub fn dispatch_all(&self, config: Option<&CallbackConfig>, events: &[Event]) {
        if let Some(config) = config {
            for event in events {
                self.dispatch(config, event);
            }
        }
    }

    /// Queue `event` when `config` enables its command, signed with the
    /// settings' token (if any). Returns at once.
    pub fn dispatch(&self, config: &CallbackConfig, event: &Event) {
        self.dispatch_signed(config, event, self.settings.token.as_deref());
    }

    /// Queue `event` when `config` enables its command, signed with `token`
    /// (`None`: unsigned) instead of the settings' token: Live callbacks
    /// are signed with the `live_config` token. Returns at once.
    pub fn dispatch_signed(&self, config: &CallbackConfig, event: &Event, token: Option<&str>) {
        if !enabled(&config.commands, event.command) {
            return;
        }
        let url = match self.signed_url(
            &config.url,
            event.command,
            &event.platform,
            unix_now(),
            token,
        ) {
            Ok(url) => url,
            Err(error) => {
                tracing::warn!(url = %config.url, %error, "webhook URL unusable; callback dropped");
                return;
            }
        };
        let body = match serde_json::to_vec(&event.payload) {
            Ok(body) => body,
            Err(error) => {
                tracing::warn!(command = event.command, %error, "webhook body unserializable; dropped");
                return;
            }
        };
        let job = Job {
            url,
            command: event.command.to_owned(),
            body,
        };
        if let Err(error) = self.queue.try_send(job) {
            let reason = match error {
                mpsc::error::TrySendError::Full(_) => "delivery queue full",
                mpsc::error::TrySendError::Closed(_) => "delivery worker stopped",
            };
            tracing::warn!(command = event.command, reason, "webhook dropped");
        }
    }

    /// The URL one delivery of `command` caused from `platform` is POSTed
    /// to, signed with the token (if any) at `request_time` (Unix seconds).
    /// Parameters already in the configured URL are kept in front.
    pub fn delivery_url(
        &self,
        configured: &str,
        command: &str,
        platform: &OptPlatform,
        request_time: u64,
    ) -> Result<String, InvalidCallbackUrl> {
        let token = self.settings.token.as_deref();
        self.signed_url(configured, command, platform, request_time, token)
    }

    /// [`WebhookDispatcher::delivery_url`] signed with `token` (`None`:
    /// unsigned) instead of the settings' token.
    pub fn signed_url(
        &self,
        configured: &str,
        command: &str,
        platform: &OptPlatform,
        request_time: u64,
        token: Option<&str>,
    ) -> Result<String, InvalidCallbackUrl> {
        let invalid = || InvalidCallbackUrl {
            url: configured.to_owned(),
        };
        let mut url = reqwest::Url::parse(configured).map_err(|_| invalid())?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid());
        }
        let mut query = WebhookQuery::new(self.settings.sdk_app_id, command)
            .client_ip(self.settings.client_ip.clone())
            .opt_platform(platform.clone());
        if let Some(token) = token {
            query = query.signed(token, request_time);
        }
        let ours = query.to_query_string();
        let combined = match url.query() {
            Some(existing) if !existing.is_empty() => format!("{existing}&{ours}"),
            _ => ours,
        };
        url.set_query(Some(&combined));
        Ok(url.into())
    }
}

impl WebhookDispatcher {
    /// POSTs a before-callback (`command`, with `body`) to `configured` and
    /// waits at most `budget` for the receiver's answer: the same query
    /// string and signing as [`WebhookDispatcher::dispatch_signed`], sent at
    /// once rather than queued (the caller is waiting for the answer).
    pub async fn ask(
        &self,
        configured: &str,
        command: &str,
        platform: &OptPlatform,
        token: Option<&str>,
        body: Vec<u8>,
        budget: Duration,
    ) -> Answer {
        let url = match self.signed_url(configured, command, platform, unix_now(), token) {
            Ok(url) => url,
            Err(error) => return Answer::Failed(error.to_string()),
        };
        let http = match &self.http {
            Ok(http) => http,
            Err(error) => return Answer::Failed(format!("no HTTP client: {error}")),
        };
        let started = std::time::Instant::now();
        let logged = self.log.as_ref().map(|log| (log, body.clone()));
        let exchange = async {
            let response = http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body)
                .send()
                .await
                .map_err(|error| Answer::Failed(error.without_url().to_string()))?;
            let status = response.status();
            if !status.is_success() {
                return Err(Answer::HttpStatus(status.as_u16()));
            }
            let bytes = response
                .bytes()
                .await
                .map_err(|error| Answer::Failed(error.without_url().to_string()))?;
            Ok(Answer::from_body(&bytes))
        };
        let answer = match tokio::time::timeout(budget, exchange).await {
            Ok(Ok(answer) | Err(answer)) => answer,
            Err(_) => Answer::TimedOut(budget),
        };
        if let Some((log, body)) = logged {
            crate::console::log_answer(log, command, &url, body, started, &answer);
        }
        match &answer {
            Answer::Replied { code, .. } => {
                tracing::info!(command, code, "before-callback answered");
            }
            failed => {
                tracing::warn!(command, answer = %failed, "before-callback failed");
            }
        }
        answer
    }
}

/// What came of asking a before-callback receiver
/// ([`WebhookDispatcher::ask`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The receiver answered the JSON envelope.
    Replied {
        /// Its `ErrorCode` (0 allows).
        code: i64,
        /// Its `ErrorInfo` (empty when absent).
        info: String,
    },
    /// The receiver answered with this non-2xx HTTP status.
    HttpStatus(u16),
    /// The receiver answered 2xx with a body that is not the envelope.
    BadBody(String),
    /// The callback could not be sent or the answer not read.
    Failed(String),
    /// No answer within this budget.
    TimedOut(Duration),
}

impl Answer {
    /// Reads a 2xx answer body: a JSON object with an integer `ErrorCode`
    /// (`ErrorInfo`, a string, may be absent; `ActionStatus` is not read).
    pub fn from_body(body: &[u8]) -> Self {
        let value: serde_json::Value = match serde_json::from_slice(body) {
            Ok(value) => value,
            Err(error) => return Answer::BadBody(format!("not JSON: {error}")),
        };
        let Some(code) = value.get("ErrorCode").and_then(serde_json::Value::as_i64) else {
            return Answer::BadBody("no integer ErrorCode".to_owned());
        };
        let info = match value.get("ErrorInfo") {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(info)) => info.clone(),
            Some(_) => return Answer::BadBody("ErrorInfo is not a string".to_owned()),
        };
        Answer::Replied { code, info }
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Replied { code, info } => write!(f, "answered ErrorCode {code} ({info:?})"),
            Answer::HttpStatus(status) => write!(f, "bad answer: HTTP status {status}"),
            Answer::BadBody(why) => write!(f, "bad answer: not the JSON envelope ({why})"),
            Answer::Failed(why) => write!(f, "not delivered: {why}"),
            Answer::TimedOut(budget) => {
                write!(f, "timed out after {} s", budget.as_secs_f64())
            }
        }
    }
}

/// The configured callback URL is not an absolute http(s) URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("callback URL {url:?} is not an absolute http or https URL")]
pub struct InvalidCallbackUrl {
    /// The configured URL.
    pub url: String,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_secs())
        .unwrap_or(0)
}

/// The worker: one POST at a time, in queue order.
async fn work(
    http: Result<reqwest::Client, String>,
    mut jobs: mpsc::Receiver<Job>,
    log: Option<Arc<DeliveryLog>>,
) {
    while let Some(job) = jobs.recv().await {
        let started = std::time::Instant::now();
        // What the console's delivery log needs (a copy of the body).
        let logged = log.as_ref().map(|_| (job.url.clone(), job.body.clone()));
        let http = match &http {
            Ok(http) => http,
            Err(error) => {
                tracing::warn!(command = %job.command, %error, "webhook delivery failed: no HTTP client");
                continue;
            }
        };
        let sent = http
            .post(&job.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(job.body)
            .send()
            .await;
        let sent = match (sent, log.as_ref().zip(logged)) {
            (sent, None) => sent,
            (sent, Some((log, (url, body)))) => {
                crate::console::log_delivery(log, &job.command, url, body, started, sent).await
            }
        };
        match sent {
            Ok(response) if response.status().is_success() => {
                tracing::debug!(command = %job.command, "webhook delivered");
            }
            Ok(response) => {
                tracing::warn!(command = %job.command, status = %response.status(), "webhook refused by receiver");
            }
            Err(error) => {
                tracing::warn!(command = %job.command, error = %error.without_url(), "webhook delivery failed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use axum::body::Bytes;
    use axum::extract::{RawQuery, State};
    use serde_json::json;
    use tokio::sync::mpsc;
    use trtc_room::webhook::{compute_sign, WebhookQuery, WebhookVerifier};

    use super::*;
    use crate::events::{AFTER_DESTROY_ROOM, AFTER_MEMBER_ENTER};

    const APP: u64 = 1_400_000_000;
    const TOKEN: &str = "emulator-token";

    fn dispatcher(token: Option<&str>) -> WebhookDispatcher {
        WebhookDispatcher::start(DeliverySettings {
            sdk_app_id: APP,
            token: token.map(str::to_owned),
            timeout: DEFAULT_DELIVERY_TIMEOUT,
            client_ip: DEFAULT_CLIENT_IP.to_owned(),
        })
    }

    #[tokio::test]
    async fn url_carries_documented_parameters_and_sign() {
        let signed = dispatcher(Some(TOKEN));
        let url = signed
            .delivery_url(
                "http://example.com/cb?tenant=a",
                AFTER_DESTROY_ROOM,
                &OptPlatform::RestApi,
                1_700_000_000,
            )
            .expect("valid url");
        let (base, query) = url.split_once('?').expect("query");
        assert_eq!(base, "http://example.com/cb");
        let parsed = WebhookQuery::parse(query).expect("parse");
        assert_eq!(parsed.sdk_app_id, APP);
        assert_eq!(parsed.command.as_deref(), Some(AFTER_DESTROY_ROOM));
        assert_eq!(parsed.content_type.as_deref(), Some("json"));
        assert_eq!(parsed.client_ip.as_deref(), Some(DEFAULT_CLIENT_IP));
        assert_eq!(parsed.opt_platform, Some(OptPlatform::RestApi));
        assert_eq!(parsed.request_time.as_deref(), Some("1700000000"));
        assert_eq!(parsed.sign, Some(compute_sign(TOKEN, "1700000000")));
        assert_eq!(parsed.extra, vec![("tenant".to_owned(), "a".to_owned())]);
        WebhookVerifier::new(APP)
            .with_token(TOKEN)
            .verify_at(&parsed, UNIX_EPOCH + Duration::from_secs(1_700_000_010))
            .expect("verifies");

        let unsigned = dispatcher(None)
            .delivery_url(
                "https://example.com/",
                AFTER_DESTROY_ROOM,
                &OptPlatform::Android,
                1_700_000_000,
            )
            .expect("valid url");
        let parsed =
            WebhookQuery::parse(unsigned.split_once('?').expect("query").1).expect("parse");
        assert_eq!((parsed.request_time, parsed.sign), (None, None));
        assert_eq!(parsed.opt_platform, Some(OptPlatform::Android));
    }

    #[tokio::test]
    async fn refuses_unusable_urls_and_hides_token() {
        let signed = dispatcher(Some(TOKEN));
        for bad in ["not a url", "ftp://example.com/cb", "/relative"] {
            assert!(
                signed
                    .delivery_url(bad, AFTER_DESTROY_ROOM, &OptPlatform::RestApi, 0)
                    .is_err(),
                "{bad}"
            );
        }
        assert!(!format!("{signed:?}").contains(TOKEN));
    }

    async fn record(
        State(received): State<mpsc::UnboundedSender<(String, Bytes)>>,
        RawQuery(query): RawQuery,
        body: Bytes,
    ) -> &'static [u8] {
        let _ = received.send((query.unwrap_or_default(), body));
        trtc_room::webhook::ack()
    }

    #[tokio::test]
    async fn delivers_enabled_events_in_order() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let app = axum::Router::new().fallback(record).with_state(tx);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await });

        let config = CallbackConfig {
            url: format!("http://{addr}/hook"),
            commands: vec![AFTER_MEMBER_ENTER.to_owned()],
        };
        let destroy = Event {
            command: AFTER_DESTROY_ROOM,
            payload: json!({"CallbackCommand": AFTER_DESTROY_ROOM, "RoomId": "r1"}),
            platform: OptPlatform::RestApi,
        };
        let enter = Event {
            command: AFTER_MEMBER_ENTER,
            payload: json!({"CallbackCommand": AFTER_MEMBER_ENTER, "RoomId": "r1", "MemberCount": 1}),
            platform: OptPlatform::RestApi,
        };
        let dispatcher = dispatcher(Some(TOKEN));
        // Not delivered: no configuration (it would arrive first otherwise).
        let unconfigured = Event {
            command: AFTER_MEMBER_ENTER,
            payload: json!({"CallbackCommand": AFTER_MEMBER_ENTER, "RoomId": "r0"}),
            platform: OptPlatform::RestApi,
        };
        dispatcher.dispatch_all(None, &[unconfigured]);
        dispatcher.dispatch_all(Some(&config), &[destroy, enter.clone()]);
        dispatcher.dispatch(&config, &enter);

        let verifier = WebhookVerifier::new(APP).with_token(TOKEN);
        for _ in 0..2 {
            let next = tokio::time::timeout(Duration::from_secs(30), rx.recv()).await;
            let (query, body) = next.expect("a delivery within 30 s").expect("delivery");
            let query = WebhookQuery::parse(&query).expect("query");
            verifier.verify(&query).expect("signed");
            assert_eq!(query.command.as_deref(), Some(AFTER_MEMBER_ENTER));
            let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
            assert_eq!(body, enter.payload);
        }
    }
    /// A receiver built on the SDK: verifies with the token, forwards every
    /// accepted delivery, refuses the rest.
    async fn verifying_receiver(
        verifier: WebhookVerifier,
    ) -> (
        String,
        mpsc::UnboundedReceiver<trtc_room::webhook::Delivery>,
    ) {
        use axum::response::IntoResponse;

        type Shared = (
            std::sync::Arc<WebhookVerifier>,
            mpsc::UnboundedSender<trtc_room::webhook::Delivery>,
        );
        async fn handle(
            State((verifier, deliveries)): State<Shared>,
            RawQuery(query): RawQuery,
            body: Bytes,
        ) -> axum::response::Response {
            match verifier.receive(query.as_deref().unwrap_or(""), &body) {
                Ok(delivery) => {
                    let _ = deliveries.send(delivery);
                    trtc_room::webhook::ack().into_response()
                }
                Err(refused) => {
                    let (status, body) = trtc_room::webhook::refusal(&refused);
                    (status, body).into_response()
                }
            }
        }
        let (tx, rx) = mpsc::unbounded_channel();
        let shared: Shared = (std::sync::Arc::new(verifier), tx);
        let app = axum::Router::new().fallback(handle).with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        (format!("http://{addr}/room-callbacks"), rx)
    }

    #[tokio::test]
    async fn emulator_delivers_all_six_callbacks_to_a_verifying_receiver() {
        use trtc_room::webhook::Delivery;
        use trtc_room::{
            CallbackCommand, CreateRoom, DestroyRoom, KickUserOut, PickUserOnSeat, RoomInfo,
            RoomInfoUpdate, RoomType, SetCallback, UpdateRoomInfo, WebhookEvent,
        };

        let emu = crate::Emulator::start(crate::EmulatorConfig {
            callback_token: Some(TOKEN.to_owned()),
            ..crate::EmulatorConfig::default()
        })
        .await
        .expect("emulator");
        let (url, mut deliveries) =
            verifying_receiver(WebhookVerifier::new(emu.sdk_app_id()).with_token(TOKEN)).await;
        let client = trtc_room::Client::builder()
            .sdk_app_id(emu.sdk_app_id())
            .secret_key(emu.secret_key())
            .admin(emu.admin())
            .base_url(emu.base_url())
            .build()
            .expect("client");

        let all: Vec<CallbackCommand> = WebhookEvent::COMMANDS
            .iter()
            .map(|c| CallbackCommand::from_wire(c))
            .collect();
        client
            .set_callback(SetCallback::new(url, all))
            .await
            .expect("set_callback");

        const ROOM: &str = "webhook-e2e";
        let room = ROOM;
        client
            .create_room(CreateRoom::new(
                RoomInfo::new(room, RoomType::Conference)
                    .owner_account("owner")
                    .is_seat_enabled(true)
                    .max_seat_count(4),
            ))
            .await
            .expect("create_room");
        client
            .update_room_info(UpdateRoomInfo::new(
                RoomInfoUpdate::new(room).room_name("renamed"),
            ))
            .await
            .expect("update_room_info");
        emu.enter_room(room, "alice").expect("alice enters");
        client
            .pick_user_on_seat(PickUserOnSeat::new(room, 1, "alice"))
            .await
            .expect("pick_user_on_seat");
        client
            .kick_user_out(KickUserOut::new(room, ["alice"], "test"))
            .await
            .expect("kick_user_out");
        client
            .destroy_room(DestroyRoom::new(room))
            .await
            .expect("destroy_room");

        // Deliveries come in order; collect until the room is destroyed.
        let mut received: Vec<Delivery> = Vec::new();
        while !matches!(
            received.last().map(|d| &d.event),
            Some(WebhookEvent::AfterDestroyRoom(_))
        ) {
            let next = tokio::time::timeout(Duration::from_secs(30), deliveries.recv()).await;
            received.push(
                next.expect("a delivery within 30 s")
                    .expect("receiver alive"),
            );
        }
        for delivery in &received {
            assert_eq!(delivery.query.sdk_app_id, emu.sdk_app_id());
            // alice entered as a simulated client (the control API); every
            // other change was a REST call.
            let platform = match &delivery.event {
                WebhookEvent::AfterMemberEnter(_) => OptPlatform::Unknown,
                _ => OptPlatform::RestApi,
            };
            assert_eq!(delivery.query.opt_platform, Some(platform));
            assert_eq!(delivery.query.content_type.as_deref(), Some("json"));
            assert!(delivery.query.sign.is_some() && delivery.query.request_time.is_some());
        }
        let first = |pick: fn(&WebhookEvent) -> bool| {
            received
                .iter()
                .position(|d| pick(&d.event))
                .unwrap_or_else(|| panic!("missing event; got {received:#?}"))
        };
        let order = [
            first(|e| matches!(e, WebhookEvent::AfterCreateRoom(c) if c.room_info.room_id == ROOM)),
            first(|e| {
                matches!(e, WebhookEvent::AfterUpdateRoomInfo(u)
                    if u.room_info.room_name.as_deref() == Some("renamed"))
            }),
            first(|e| {
                matches!(e, WebhookEvent::AfterMemberEnter(m)
                    if m.member_list_account.as_deref() == Some(&["alice".to_owned()][..]))
            }),
            first(|e| {
                matches!(e, WebhookEvent::AfterSeatInfoChanged(s)
                    if s.seat_list.iter().flatten().any(|seat|
                        seat.member_account.as_deref() == Some("alice")))
            }),
            first(|e| {
                matches!(e, WebhookEvent::AfterMemberLeave(m)
                    if m.member_list_account.as_deref() == Some(&["alice".to_owned()][..]))
            }),
            first(|e| matches!(e, WebhookEvent::AfterDestroyRoom(d) if d.room_id == ROOM)),
        ];
        assert!(order.windows(2).all(|w| w[0] < w[1]), "order {order:?}");
    }
}
