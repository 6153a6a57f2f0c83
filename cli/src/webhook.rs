//! `trtc-room webhook listen` (receive, verify and print deliveries) and
//! `trtc-room webhook sign` (build a valid test delivery, optionally send it).

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, Method, StatusCode};
use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches};
use serde_json::{json, Map, Value};
use tokio::sync::Notify;
use trtc_room::webhook::{self, OptPlatform, WebhookQuery, WebhookVerifier};

use crate::config::{self, Layer};
use crate::exit::CliError;
use crate::input;
use crate::output;

/// Environment variable holding the webhook token (instead of `--token`).
pub const TOKEN_ENV: &str = "TRTC_CALLBACK_TOKEN";

fn token_arg() -> Arg {
    Arg::new("token")
        .long("token")
        .value_name("TOKEN")
        .help("Webhook token (Sign/RequestTime authentication); also read from TRTC_CALLBACK_TOKEN. Never printed")
}

/// The clap command.
pub fn command(webhooks: &'static [&'static str]) -> clap::Command {
    clap::Command::new("webhook")
        .about("Receive and verify webhook deliveries, or make a signed test delivery")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            clap::Command::new("listen")
                .about("Listen for webhook deliveries; verify and print each one")
                .long_about(
                    "Listen for webhook deliveries on a local port. Each one is checked (SdkAppid, and with \
                     a token the Sign and the RequestTime window), parsed into its typed event and printed \
                     on stdout, one line each (or pretty JSON with --format json), and acknowledged. \
                     Refused deliveries are reported on stderr and answered with the refusal.",
                )
                .arg(
                    Arg::new("port")
                        .long("port")
                        .value_name("N")
                        .value_parser(clap::value_parser!(u16))
                        .default_value("8080")
                        .help("Port to listen on (0 picks a free one)"),
                )
                .arg(
                    Arg::new("host")
                        .long("host")
                        .value_name("IP")
                        .value_parser(clap::value_parser!(IpAddr))
                        .default_value("127.0.0.1")
                        .help("Address to listen on"),
                )
                .arg(token_arg())
                .arg(
                    Arg::new("format")
                        .long("format")
                        .value_parser(["line", "json"])
                        .default_value("line")
                        .help("One line per delivery, or pretty JSON"),
                )
                .arg(
                    Arg::new("count")
                        .long("count")
                        .value_name("N")
                        .value_parser(clap::value_parser!(usize))
                        .help("Exit after N accepted deliveries"),
                ),
        )
        .subcommand(
            clap::Command::new("sign")
                .about("Make a valid, signed test delivery for a webhook receiver")
                .long_about(
                    "Build the callback URL query (SdkAppid, CallbackCommand, contenttype, ClientIP, \
                     OptPlatform, and with a token RequestTime and Sign) and the body of a delivery, check \
                     that they verify and parse, and print them as JSON; with --send, POST the delivery to \
                     --url and print the receiver's answer.",
                )
                .arg(
                    Arg::new("command")
                        .long("command")
                        .value_name("CALLBACK")
                        .required(true)
                        .value_parser(PossibleValuesParser::new(webhooks.iter().copied()))
                        .help("The callback command"),
                )
                .arg(
                    Arg::new("body")
                        .long("body")
                        .value_name("JSON|@FILE")
                        .required(true)
                        .value_parser(input::parse_json_arg)
                        .help("The event body (CallbackCommand is added when missing)"),
                )
                .arg(token_arg())
                .arg(
                    Arg::new("time")
                        .long("time")
                        .value_name("UNIX")
                        .value_parser(clap::value_parser!(u64))
                        .help("RequestTime to sign with [default: now]"),
                )
                .arg(
                    Arg::new("client-ip")
                        .long("client-ip")
                        .value_name("IP")
                        .default_value("127.0.0.1")
                        .help("ClientIP parameter"),
                )
                .arg(
                    Arg::new("opt-platform")
                        .long("opt-platform")
                        .value_name("PLATFORM")
                        .default_value("RESTAPI")
                        .help("OptPlatform parameter"),
                )
                .arg(
                    Arg::new("url")
                        .long("url")
                        .value_name("URL")
                        .default_value("http://127.0.0.1:8080/")
                        .help("The receiver's callback URL"),
                )
                .arg(
                    Arg::new("send")
                        .long("send")
                        .action(ArgAction::SetTrue)
                        .help("POST the delivery to --url and print the answer (exit 1 unless it is 2xx)"),
                ),
        )
}

fn token(m: &ArgMatches) -> Result<Option<String>, CliError> {
    if let Some(t) = m.get_one::<String>("token") {
        return Ok(Some(t.clone()));
    }
    match std::env::var(TOKEN_ENV) {
        Ok(t) if !t.is_empty() => Ok(Some(t)),
        _ => Ok(None),
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

struct Listener {
    verifier: WebhookVerifier,
    json: bool,
    accepted: AtomicUsize,
    limit: Option<usize>,
    done: Notify,
}

async fn receive(
    State(l): State<Arc<Listener>>,
    method: Method,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> (StatusCode, [(header::HeaderName, &'static str); 1], Vec<u8>) {
    let json_type = [(header::CONTENT_TYPE, "application/json")];
    if method != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            json_type,
            webhook::fail("deliveries are POST requests"),
        );
    }
    let query = query.unwrap_or_default();
    match l.verifier.receive(&query, &body) {
        Ok(delivery) => {
            let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let q = &delivery.query;
            if l.json {
                print!(
                    "{}",
                    output::json(&json!({
                        "command": delivery.command,
                        "sdk_app_id": q.sdk_app_id,
                        "client_ip": q.client_ip,
                        "opt_platform": q.opt_platform.as_ref().map(OptPlatform::as_str),
                        "request_time": q.request_time,
                        "signed": q.sign.is_some(),
                        "event": event,
                    }))
                );
            } else {
                println!(
                    "{} {} {}",
                    q.request_time.clone().unwrap_or_else(|| now().to_string()),
                    delivery.command,
                    event
                );
            }
            let n = l.accepted.fetch_add(1, Ordering::SeqCst) + 1;
            if l.limit.is_some_and(|limit| n >= limit) {
                l.done.notify_one();
            }
            (StatusCode::OK, json_type, webhook::ack().to_vec())
        }
        Err(e) => {
            eprintln!("trtc-room: refused a delivery: {e}");
            let (status, body) = webhook::refusal(&e);
            (status, json_type, body)
        }
    }
}

/// `webhook listen`.
pub async fn listen(layer: &Layer, m: &ArgMatches) -> Result<String, CliError> {
    let app = config::sdk_app_id(layer)?;
    let mut verifier = WebhookVerifier::new(app);
    let signed = match token(m)? {
        Some(t) => {
            verifier = verifier.with_token(t);
            true
        }
        None => false,
    };
    let host = m
        .get_one::<IpAddr>("host")
        .copied()
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let port = m.get_one::<u16>("port").copied().unwrap_or(8080);
    let limit = m.get_one::<usize>("count").copied();
    let listener = Arc::new(Listener {
        verifier,
        json: m.get_one::<String>("format").map(String::as_str) == Some("json"),
        accepted: AtomicUsize::new(0),
        limit,
        done: Notify::new(),
    });
    let socket = tokio::net::TcpListener::bind(SocketAddr::new(host, port))
        .await
        .map_err(|e| CliError::Failed(format!("cannot listen on {host}:{port}: {e}")))?;
    let addr = socket
        .local_addr()
        .map_err(|e| CliError::Failed(format!("cannot listen: {e}")))?;
    eprintln!(
        "trtc-room: listening on http://{addr}/ for SDKAppID {app}; {} (Ctrl-C to stop)",
        if signed {
            "Sign and RequestTime checked"
        } else {
            "no token, Sign not checked"
        }
    );
    let app_router = axum::Router::new()
        .fallback(receive)
        .with_state(listener.clone());
    let stop = listener.clone();
    axum::serve(socket, app_router)
        .with_graceful_shutdown(async move {
            tokio::select! {
                _ = stop.done.notified() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        })
        .await
        .map_err(|e| CliError::Failed(format!("the listener failed: {e}")))?;
    Ok(String::new())
}

/// `webhook sign`.
pub async fn sign(layer: &Layer, m: &ArgMatches) -> Result<String, CliError> {
    let app = config::sdk_app_id(layer)?;
    let command = m
        .get_one::<String>("command")
        .cloned()
        .ok_or_else(|| CliError::Invalid("--command is required".into()))?;
    let mut body = match m.get_one::<Value>("body") {
        Some(Value::Object(o)) => o.clone(),
        _ => return Err(CliError::Invalid("--body must be a JSON object".into())),
    };
    body.entry("CallbackCommand")
        .or_insert_with(|| Value::String(command.clone()));
    let body = Value::Object(body);
    let time = m.get_one::<u64>("time").copied().unwrap_or_else(now);
    let mut query = WebhookQuery::new(app, command.as_str());
    if let Some(ip) = m.get_one::<String>("client-ip") {
        query = query.client_ip(ip.as_str());
    }
    if let Some(p) = m.get_one::<String>("opt-platform") {
        query = query.opt_platform(OptPlatform::from_wire(p));
    }
    let mut verifier = WebhookVerifier::new(app);
    if let Some(t) = token(m)? {
        query = query.signed(&t, time);
        verifier = verifier.with_token(t);
    }
    let query = query.to_query_string();
    let bytes = serde_json::to_vec(&body)
        .map_err(|e| CliError::Failed(format!("cannot serialize the body: {e}")))?;
    let at = UNIX_EPOCH + Duration::from_secs(time);
    verifier
        .receive_at(&query, &bytes, at)
        .map_err(|e| CliError::Invalid(format!("the delivery would be refused: {e}")))?;
    let base = m
        .get_one::<String>("url")
        .cloned()
        .unwrap_or_else(|| "http://127.0.0.1:8080/".into());
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}{query}");
    if !m.get_flag("send") {
        return Ok(output::json(&json!({ "url": url, "body": body })));
    }
    let http = trtc_room::http_client_builder()
        .map_err(|e| CliError::Failed(e.to_string()))?
        .redirect(trtc_room::reqwest::redirect::Policy::default())
        .build()
        .map_err(|e| CliError::Failed(format!("cannot make an HTTP client: {e}")))?;
    let resp = http
        .post(&url)
        .header(header::CONTENT_TYPE.as_str(), "application/json")
        .body(bytes)
        .send()
        .await
        .map_err(|e| CliError::Failed(format!("cannot deliver to {base}: {}", e.without_url())))?;
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    let answer = serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text));
    let mut out = Map::new();
    out.insert("status".into(), Value::from(status.as_u16()));
    out.insert("answer".into(), answer);
    let printed = output::json(&Value::Object(out));
    if status.is_success() {
        Ok(printed)
    } else {
        print!("{printed}");
        Err(CliError::Failed(format!(
            "the receiver answered HTTP {status}"
        )))
    }
}
