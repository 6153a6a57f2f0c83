//! The client against a real HTTP server on loopback.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use trtc_room::command::CommandError;
use trtc_room::usersig::SigningKey;
use trtc_room::validate::{max_bytes, InvalidRequest};
use trtc_room::{
    Client, Command, CommandInfo, ConfigError, Error, IssuedUserSig, PayloadLocation, RetryPolicy,
    UserSigProvider, Validate,
};

const APP: u64 = 1400000000;
const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const ADMIN: &str = "admin user+1/é";

// ---------------------------------------------------------------- commands

#[derive(Serialize)]
struct GetThing {
    #[serde(rename = "Id")]
    id: String,
}
impl Validate for GetThing {
    fn validate_at(&self, path: &str) -> Result<(), InvalidRequest> {
        max_bytes(path, "Id", &self.id, 10)
    }
}
#[derive(Debug, Deserialize)]
struct Thing {
    #[serde(rename = "Name")]
    name: String,
}
static GET_THING: CommandInfo = CommandInfo {
    service: "svc_a",
    command: "get_thing",
    idempotent: true,
    rate_limit_per_second: 200,
    payload: PayloadLocation::Wrapped("Response"),
    errors: &[CommandError {
        code: 100004,
        meaning: "the thing does not exist",
    }],
    done_by_earlier_attempt: &[],
    doc_url: "https://example.invalid/get_thing",
};
impl Command for GetThing {
    type Response = Thing;
    const INFO: &'static CommandInfo = &GET_THING;
}

#[derive(Serialize)]
struct DoThing {}
impl Validate for DoThing {
    fn validate_at(&self, _: &str) -> Result<(), InvalidRequest> {
        Ok(())
    }
}
#[derive(Debug, Deserialize)]
struct Done {
    #[serde(flatten)]
    extra: serde_json::Map<String, Value>,
}
static DO_THING: CommandInfo = CommandInfo {
    service: "svc_b",
    command: "do_thing",
    idempotent: false,
    rate_limit_per_second: 200,
    payload: PayloadLocation::None,
    errors: &[],
    done_by_earlier_attempt: &[],
    doc_url: "",
};
impl Command for DoThing {
    type Response = Done;
    const INFO: &'static CommandInfo = &DO_THING;
}

// ------------------------------------------------------------------ server

#[derive(Clone)]
enum Answer {
    Body(u16, &'static str, String),
    Sleep(Duration, Box<Answer>),
}

fn ok_json(v: Value) -> Answer {
    Answer::Body(200, "application/json", v.to_string())
}
fn ok() -> Answer {
    ok_json(
        json!({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"rid-ok","Response":{"Name":"n1"}}),
    )
}
fn fail(code: i64) -> Answer {
    ok_json(
        json!({"ActionStatus":"FAIL","ErrorCode":code,"ErrorInfo":"nope","RequestId":format!("rid-{code}")}),
    )
}

#[derive(Debug, Clone)]
struct Seen {
    path: String,
    query: HashMap<String, String>,
    body: String,
}

#[derive(Clone)]
struct Srv {
    script: Arc<Mutex<VecDeque<Answer>>>,
    fallback: Arc<Mutex<Answer>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

async fn handle(State(s): State<Srv>, uri: Uri, body: Bytes) -> Response {
    let query = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    s.seen.lock().unwrap().push(Seen {
        path: uri.path().to_owned(),
        query,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let next = s.script.lock().unwrap().pop_front();
    let mut answer = next.unwrap_or_else(|| s.fallback.lock().unwrap().clone());
    loop {
        match answer {
            Answer::Sleep(d, inner) => {
                tokio::time::sleep(d).await;
                answer = *inner;
            }
            Answer::Body(status, ct, text) => {
                return (
                    StatusCode::from_u16(status).unwrap(),
                    [("content-type", ct)],
                    text,
                )
                    .into_response()
            }
        }
    }
}

/// A raw server that announces 200 body bytes, sends 25, and hangs up.
async fn truncating_server(count: Arc<AtomicUsize>) -> SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let mut buf = vec![0u8; 65536];
            let _ = sock.read(&mut buf).await;
            let _ = sock
                .write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{\"ActionStatus\":\"OK\",\"Er",
                )
                .await;
            let _ = sock.shutdown().await;
        }
    });
    addr
}

struct TestServer {
    addr: SocketAddr,
    srv: Srv,
}

impl TestServer {
    async fn start(script: Vec<Answer>) -> TestServer {
        let srv = Srv {
            script: Arc::new(Mutex::new(script.into())),
            fallback: Arc::new(Mutex::new(ok())),
            seen: Arc::default(),
        };
        let app = axum::Router::new().fallback(handle).with_state(srv.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TestServer { addr, srv }
    }
    fn url(&self) -> String {
        format!("http://{}/prefix/", self.addr)
    }
    fn seen(&self) -> Vec<Seen> {
        self.srv.seen.lock().unwrap().clone()
    }
    fn client(&self) -> trtc_room::ClientBuilder {
        Client::builder()
            .sdk_app_id(APP)
            .secret_key(KEY)
            .admin(ADMIN)
            .base_url(self.url())
            .attempt_timeout(Duration::from_secs(5))
            .retry_policy(fast_retries(4))
    }
}

fn fast_retries(n: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(n)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
        .jitter(true)
        .deadline(Some(Duration::from_secs(20)))
}

fn get() -> GetThing {
    GetThing { id: "t1".into() }
}

// ------------------------------------------------------------------- tests

#[tokio::test]
async fn ok_call_sends_the_documented_request() {
    let s = TestServer::start(vec![]).await;
    let client = s.client().build().unwrap();
    let reply = client.call(&get()).await.unwrap();
    assert_eq!(reply.name, "n1");
    assert_eq!(reply.request_id(), Some("rid-ok"));
    let seen = s.seen();
    assert_eq!(seen.len(), 1);
    let r = &seen[0];
    assert_eq!(r.path, "/prefix/v4/svc_a/get_thing");
    assert_eq!(r.query["sdkappid"], APP.to_string());
    assert_eq!(r.query["identifier"], ADMIN);
    assert_eq!(r.query["contenttype"], "json");
    assert!(r.query["random"].parse::<u32>().is_ok());
    let now = trtc_room_now();
    SigningKey::new(APP, KEY)
        .verify(ADMIN, &r.query["usersig"], now)
        .expect("the server can verify the sig");
    assert_eq!(
        serde_json::from_str::<Value>(&r.body).unwrap(),
        json!({"Id":"t1"})
    );
    assert_eq!(reply.into_inner().name, "n1");
}

fn trtc_room_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn empty_request_sends_braces_and_top_level_payload_keeps_extras() {
    let s = TestServer::start(vec![ok_json(
        json!({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Extra":5}),
    )])
    .await;
    let client = s.client().build().unwrap();
    let reply = client.call(&DoThing {}).await.unwrap();
    assert_eq!(reply.request_id(), None);
    assert_eq!(reply.extra.get("Extra"), Some(&json!(5)));
    assert!(!reply.extra.contains_key("ActionStatus"));
    assert_eq!(s.seen()[0].body, "{}");
    let raw = client
        .call_raw("svc_c", "anything", &Value::Null)
        .await
        .unwrap();
    assert_eq!(s.seen()[1].body, "{}");
    assert_eq!(raw["ActionStatus"], "OK");
    assert!(matches!(
        client.call_raw("svc c", "x", &json!({})).await,
        Err(Error::Config(_))
    ));
}

#[tokio::test]
async fn invalid_request_is_not_sent() {
    let s = TestServer::start(vec![]).await;
    let client = s.client().build().unwrap();
    let err = client
        .call(&GetThing {
            id: "far-too-long-id".into(),
        })
        .await
        .unwrap_err();
    match err {
        Error::InvalidRequest(e) => assert_eq!(e.field, "Id"),
        other => panic!("{other:?}"),
    }
    assert!(s.seen().is_empty());
}

#[tokio::test]
async fn fail_envelope_becomes_a_service_error() {
    let s = TestServer::start(vec![fail(100004)]).await;
    let client = s.client().build().unwrap();
    let err = client.call(&get()).await.unwrap_err();
    assert_eq!(err.service_code(), Some(100004));
    assert_eq!(err.request_id(), Some("rid-100004"));
    assert!(!err.is_rate_limited());
    assert!(!err.is_retryable());
    match &err {
        Error::Service {
            call,
            info,
            meaning,
            ..
        } => {
            assert_eq!(info, "nope");
            assert_eq!(*meaning, Some("the thing does not exist"));
            assert_eq!(call.command, "get_thing");
            assert_eq!(call.random.to_string(), s.seen()[0].query["random"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("100004"));
    assert_eq!(s.seen().len(), 1);
}

#[tokio::test]
async fn rate_limited_is_retried_even_for_non_idempotent_commands() {
    let s = TestServer::start(vec![fail(60018), fail(60007)]).await;
    let client = s.client().build().unwrap();
    client.call(&DoThing {}).await.unwrap();
    let seen = s.seen();
    assert_eq!(seen.len(), 3);
    // One logical call: the same random on every attempt.
    assert_eq!(seen[0].query["random"], seen[2].query["random"]);
}

#[tokio::test]
async fn rate_limit_retries_stop_at_max_attempts() {
    let s = TestServer::start(vec![fail(60019), fail(60019), fail(60019)]).await;
    let client = s.client().retry_policy(fast_retries(2)).build().unwrap();
    let err = client.call(&DoThing {}).await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.call().unwrap().attempts, 2);
    assert_eq!(s.seen().len(), 2);
}

#[tokio::test]
async fn timeout_not_resent_for_non_idempotent_but_resent_for_idempotent() {
    let slow = || Answer::Sleep(Duration::from_secs(3), Box::new(ok()));
    let s = TestServer::start(vec![slow()]).await;
    let client = s
        .client()
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client.call(&DoThing {}).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                deadline_exceeded: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(s.seen().len(), 1);

    let s = TestServer::start(vec![slow()]).await;
    let client = s
        .client()
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let reply = client.call(&get()).await.unwrap();
    assert_eq!(reply.name, "n1");
    assert_eq!(s.seen().len(), 2);
}

#[tokio::test]
async fn server_internal_error_retried_only_when_idempotent() {
    let s = TestServer::start(vec![fail(100001)]).await;
    let client = s.client().build().unwrap();
    let err = client.call(&DoThing {}).await.unwrap_err();
    assert_eq!(err.service_code(), Some(100001));
    assert!(err.is_retryable());
    assert_eq!(s.seen().len(), 1);

    let s = TestServer::start(vec![fail(100001)]).await;
    let client = s.client().build().unwrap();
    client.call(&get()).await.unwrap();
    assert_eq!(s.seen().len(), 2);
}

#[tokio::test]
async fn deadline_exceeded() {
    let s = TestServer::start(vec![]).await;
    *s.srv.fallback.lock().unwrap() = Answer::Sleep(Duration::from_secs(5), Box::new(ok()));
    let client = s
        .client()
        .attempt_timeout(Duration::from_secs(2))
        .deadline(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client.call(&get()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                deadline_exceeded: true,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn bad_gateway_html() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>".to_owned();
    let s = TestServer::start(vec![Answer::Body(502, "text/html", html.clone())]).await;
    let client = s.client().build().unwrap();
    let err = client.call(&DoThing {}).await.unwrap_err();
    match &err {
        Error::HttpStatus {
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(*status, 502);
            assert_eq!(body_excerpt, &html);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
    assert_eq!(s.seen().len(), 1);

    let s = TestServer::start(vec![Answer::Body(502, "text/html", html)]).await;
    let client = s.client().build().unwrap();
    client.call(&get()).await.unwrap();
    assert_eq!(s.seen().len(), 2);
}

#[tokio::test]
async fn http_429_is_retried_even_for_non_idempotent_commands() {
    // 429 means the server refused the call for rate before processing it.
    let s = TestServer::start(vec![Answer::Body(429, "text/plain", "slow down".into())]).await;
    let client = s.client().build().unwrap();
    client.call(&DoThing {}).await.unwrap();
    assert_eq!(s.seen().len(), 2);
}

#[test]
fn base_url_with_credentials_is_refused() {
    let err = Client::builder()
        .sdk_app_id(APP)
        .secret_key(KEY)
        .admin(ADMIN)
        .base_url("https://user:hunter2@proxy.example.com")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("hunter2"));
}

#[tokio::test]
async fn truncated_body_is_a_transport_error() {
    let count = Arc::new(AtomicUsize::new(0));
    let addr = truncating_server(count.clone()).await;
    let client = Client::builder()
        .sdk_app_id(APP)
        .secret_key(KEY)
        .admin(ADMIN)
        .base_url(format!("http://{addr}"))
        .retry_policy(fast_retries(3))
        .build()
        .unwrap();
    let err = client.call(&DoThing {}).await.unwrap_err();
    match &err {
        Error::Transport {
            may_have_reached_server,
            ..
        } => assert!(may_have_reached_server),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "not re-sent: not idempotent"
    );
    let err = client.call(&get()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(
        count.load(Ordering::SeqCst),
        4,
        "idempotent: three attempts"
    );
}

#[tokio::test]
async fn undecodable_answers_are_decode_errors() {
    let cases = [
        Answer::Body(200, "text/plain", "hello, not json".into()),
        ok_json(json!([1, 2])),
        ok_json(json!({"Response": {"Name": "x"}})),
        // OK, but the payload lacks a required field.
        ok_json(json!({"ActionStatus":"OK","ErrorCode":0,"Response":{"Other":1}})),
        // OK, but no payload at all.
        ok_json(json!({"ActionStatus":"OK","ErrorCode":0,"RequestId":"r"})),
        ok_json(json!({"ActionStatus":"OK","ErrorCode":"zero"})),
    ];
    for answer in cases {
        let s = TestServer::start(vec![answer]).await;
        let client = s.client().build().unwrap();
        let err = client.call(&get()).await.unwrap_err();
        match &err {
            Error::Decode { body, what, .. } => {
                assert!(!body.is_empty());
                assert!(!what.is_empty());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.seen().len(), 1, "decode errors are not retried");
    }
}

#[tokio::test]
async fn connect_failure_retried_for_every_command() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder()
        .sdk_app_id(APP)
        .secret_key(KEY)
        .admin(ADMIN)
        .base_url(format!("http://{addr}"))
        .retry_policy(fast_retries(3))
        .build()
        .unwrap();
    let err = client.call(&DoThing {}).await.unwrap_err();
    match &err {
        Error::Transport {
            may_have_reached_server,
            call,
            ..
        } => {
            assert!(!may_have_reached_server);
            assert_eq!(call.attempts, 3);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn config_errors() {
    let base = || Client::builder().sdk_app_id(APP).secret_key(KEY).admin("a");
    let err = base().base_url("http://example.com").build().unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    assert!(base()
        .base_url("http://example.com")
        .allow_insecure_http(true)
        .build()
        .is_ok());
    assert!(base().base_url("http://localhost:1").build().is_ok());
    assert!(base().base_url("http://[::1]:1").build().is_ok());
    assert!(base().base_url("not a url").build().is_err());
    assert!(base().build().is_err());
    assert!(Client::builder()
        .admin("a")
        .base_url("https://x.invalid")
        .build()
        .is_err());
}

#[test]
fn from_env_names_the_variable() {
    // The only test touching these variables.
    let vars = [
        "TRTC_SDK_APP_ID",
        "TRTC_SECRET_KEY",
        "TRTC_ADMIN",
        "TRTC_REGION",
        "TRTC_BASE_URL",
    ];
    for v in vars {
        std::env::remove_var(v);
    }
    let msg = |r: Result<Client, Error>| r.unwrap_err().to_string();
    let config = |r: Result<Client, Error>| match r {
        Err(Error::Config(c)) => c,
        other => panic!("expected a configuration error, got {other:?}"),
    };
    // Every missing variable at once.
    assert_eq!(
        config(Client::from_env()),
        ConfigError::Missing(vec![
            "TRTC_SDK_APP_ID",
            "TRTC_SECRET_KEY",
            "TRTC_ADMIN",
            "TRTC_REGION or TRTC_BASE_URL"
        ])
    );
    std::env::set_var("TRTC_SDK_APP_ID", "abc");
    std::env::set_var("TRTC_ADMIN", "administrator");
    assert_eq!(
        config(Client::from_env()),
        ConfigError::Missing(vec!["TRTC_SECRET_KEY", "TRTC_REGION or TRTC_BASE_URL"])
    );
    std::env::set_var("TRTC_SECRET_KEY", KEY);
    std::env::set_var("TRTC_REGION", "singapore");
    assert_eq!(
        config(Client::from_env()).setting(),
        Some("TRTC_SDK_APP_ID")
    );
    std::env::set_var("TRTC_SDK_APP_ID", "1400000000");
    std::env::set_var("TRTC_REGION", "atlantis");
    assert_eq!(config(Client::from_env()).setting(), Some("TRTC_REGION"));
    // Tencent Cloud's region IDs are accepted too.
    std::env::set_var("TRTC_REGION", "ap-singapore");
    let c = Client::from_env().unwrap();
    assert_eq!(c.sdk_app_id(), 1400000000);
    // A bad base URL names its variable, whether parsing or build refuses it.
    std::env::set_var("TRTC_BASE_URL", "not a url");
    assert_eq!(config(Client::from_env()).setting(), Some("TRTC_BASE_URL"));
    std::env::set_var("TRTC_BASE_URL", "ftp://x");
    let m = msg(Client::from_env());
    assert!(m.contains("TRTC_BASE_URL") && m.contains("scheme"), "{m}");
    assert!(!m.contains(KEY));
    for v in vars {
        std::env::remove_var(v);
    }
}

#[test]
fn builder_reports_every_missing_setting_and_names_bad_ones() {
    let err = Client::builder().build().unwrap_err();
    assert!(
        matches!(&err, Error::Config(ConfigError::Missing(m)) if m.len() == 4),
        "{err:?}"
    );
    let err = Client::builder()
        .sdk_app_id(APP)
        .secret_key(KEY)
        .admin("a")
        .base_url("http://example.com")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(c) if c.setting() == Some("base_url")),
        "{err:?}"
    );
}

#[test]
fn deadline_survives_a_later_retry_policy() {
    let base = || {
        Client::builder()
            .sdk_app_id(APP)
            .secret_key(KEY)
            .admin("a")
            .base_url("http://127.0.0.1:9")
    };
    let d = Duration::from_secs(2);
    let either_order = [
        base()
            .deadline(d)
            .retry_policy(RetryPolicy::no_retries())
            .build()
            .unwrap(),
        base()
            .retry_policy(RetryPolicy::no_retries())
            .deadline(d)
            .build()
            .unwrap(),
    ];
    for client in either_order {
        assert_eq!(client.retry_policy().deadline, Some(d));
        assert_eq!(client.retry_policy().max_attempts, 1);
    }
    // Without it, the policy's own deadline applies.
    let own = base()
        .retry_policy(RetryPolicy::default().deadline(None))
        .build()
        .unwrap();
    assert_eq!(own.retry_policy().deadline, None);
}

#[test]
fn tencent_region_ids_name_regions() {
    use trtc_room::Region;
    for (id, region) in [
        ("ap-singapore", Region::Singapore),
        ("ap-seoul", Region::Seoul),
        ("ap-tokyo", Region::Tokyo),
        ("eu-frankfurt", Region::Frankfurt),
        ("na-siliconvalley", Region::SiliconValley),
        ("ap-jakarta", Region::Jakarta),
        ("ap-guangzhou", Region::China),
    ] {
        assert_eq!(id.parse::<Region>().ok(), Some(region), "{id}");
    }
}

// ------------------------------------------------------- sig renewal

struct CountingProvider {
    calls: AtomicUsize,
    key: SigningKey,
    /// The renewal (second call) waits for this before answering.
    release: Arc<tokio::sync::Notify>,
}

impl UserSigProvider for CountingProvider {
    fn user_sig<'a>(&'a self, identifier: &'a str) -> trtc_room::client::ProviderFuture<'a> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            let now = trtc_room_now();
            if n == 0 {
                // Valid for 10 s: renewed after half its lifetime (the
                // 600 s margin is longer than the sig's whole lifetime).
                let sig = self.key.generate_at(identifier, 10, now)?;
                Ok(IssuedUserSig::new(sig, now + 10))
            } else {
                self.release.notified().await;
                // Distinguishable from the first: one second later.
                let sig = self.key.generate_at(identifier, 86400, now + 1)?;
                Ok(IssuedUserSig::new(sig, now + 86400))
            }
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sig_renewal_under_concurrency() {
    let s = TestServer::start(vec![]).await;
    let release = Arc::new(tokio::sync::Notify::new());
    let provider = CountingProvider {
        calls: AtomicUsize::new(0),
        key: SigningKey::new(APP, KEY),
        release: release.clone(),
    };
    let client = Client::builder()
        .sdk_app_id(APP)
        .user_sig_provider(provider)
        .admin(ADMIN)
        .base_url(s.url())
        .user_sig_renew_before(Duration::from_secs(600))
        .retry_policy(fast_retries(1))
        .build()
        .unwrap();
    // First call: obtains sig #1; half its lifetime later it is due for
    // renewal but still valid.
    client.call(&get()).await.unwrap();
    let first_sig = s.seen()[0].query["usersig"].clone();
    tokio::time::sleep(Duration::from_millis(5500)).await;

    // 20 concurrent calls: one renews (blocked until released); the other
    // 19 must go through with sig #1 meanwhile, or this test never ends.
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let c = client.clone();
        tasks.push(tokio::spawn(
            async move { c.call(&get()).await.map(|_| ()) },
        ));
    }
    let watcher = {
        let s_seen = s.srv.seen.clone();
        let release = release.clone();
        tokio::spawn(async move {
            loop {
                if s_seen.lock().unwrap().len() >= 20 {
                    release.notify_one();
                    return;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let all = tokio::time::timeout(Duration::from_secs(20), async {
        for t in tasks {
            t.await.unwrap().unwrap();
        }
    })
    .await;
    assert!(
        all.is_ok(),
        "callers waited for the renewal instead of using the valid sig"
    );
    watcher.await.unwrap();
    let seen = s.seen();
    assert_eq!(seen.len(), 21);
    let old = seen
        .iter()
        .filter(|r| r.query["usersig"] == first_sig)
        .count();
    assert_eq!(old, 20, "19 concurrent calls plus the first used sig #1");
    // Afterwards the renewed sig is used, without asking the provider again.
    client.call(&get()).await.unwrap();
    let last = &s.seen()[21].query["usersig"];
    assert_ne!(last, &first_sig);
    let client_dbg = format!("{client:?}");
    assert!(!client_dbg.contains(&first_sig[..20]));
}

// ------------------------------------------------------------- redaction

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);
impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secrets_never_appear_in_logs_debug_or_errors() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let s = TestServer::start(vec![
        fail(60018),
        fail(100004),
        Answer::Body(502, "text/html", "<html>bad</html>".into()),
        Answer::Body(200, "text/plain", "garbage".into()),
    ])
    .await;
    let builder = s.client();
    let builder_dbg = format!("{builder:?}");
    let client = builder.build().unwrap();
    let mut texts = vec![builder_dbg, format!("{client:?}")];
    // Other tests, on other threads, may have registered the SDK's event
    // callsites while this subscriber was being installed, caching them as
    // disabled: have them asked again.
    tracing::callsite::rebuild_interest_cache();
    for _ in 0..3 {
        if let Err(e) = client.call(&DoThing {}).await {
            texts.push(format!("{e} {e:?}"));
        }
    }
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let a = l.local_addr().unwrap();
        drop(l);
        a
    };
    let dead_client = s
        .client()
        .base_url(format!("http://{dead}"))
        .retry_policy(fast_retries(2))
        .build()
        .unwrap();
    let e = dead_client.call(&DoThing {}).await.unwrap_err();
    let mut chain = format!("{e} {e:?}");
    let mut src = std::error::Error::source(&e);
    while let Some(x) = src {
        chain.push_str(&format!(" {x} {x:?}"));
        src = x.source();
    }
    texts.push(chain);
    texts.push(String::from_utf8_lossy(&capture.0.lock().unwrap()).into_owned());

    let sigs: Vec<String> = s
        .seen()
        .iter()
        .map(|r| r.query["usersig"].clone())
        .collect();
    assert!(!sigs.is_empty());
    let logs = texts.last().unwrap().clone();
    assert!(logs.contains("retrying"), "a debug line per retry: {logs}");
    assert!(logs.contains("random"), "{logs}");
    for t in &texts {
        assert!(!t.contains(KEY), "secret key leaked: {t}");
        for sig in &sigs {
            // Any long piece of the sig counts as a leak.
            assert!(!t.contains(&sig[..24]), "UserSig leaked: {t}");
            assert!(!t.contains("usersig="), "URL leaked: {t}");
        }
    }
}
