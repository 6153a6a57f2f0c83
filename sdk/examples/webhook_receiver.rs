//! A minimal Room webhook receiver built on `trtc_room::webhook`.
//!
//! ```sh
//! cargo run -p trtc-room --example webhook_receiver -- \
//!     --listen 127.0.0.1:8080 --sdk-app-id 1400000000 [--token <T>]
//! ```
//!
//! The token can also come from the `TRTC_WEBHOOK_TOKEN` environment variable
//! (keeps it out of the process list). Accepts a POST on any path, verifies
//! it (SdkAppid, and Sign/RequestTime when a token is set), prints one line
//! per event and answers the documented OK acknowledgement; refused
//! deliveries get HTTP 401 (authentication), 413 (body over the verifier's
//! limit, which also caps how much is read) or 400 (malformed) with a FAIL
//! envelope, and a line on stderr saying why. Everything printed that came
//! from the request has its control characters escaped, so a signed
//! delivery cannot forge log lines. An empty token is refused at start.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use trtc_room::webhook::{self, Delivery, WebhookVerifier};
use trtc_room::WebhookEvent;

const USAGE: &str = "usage: webhook_receiver --listen <addr:port> --sdk-app-id <N> [--token <T>]";

struct Args {
    listen: SocketAddr,
    sdk_app_id: u64,
    token: Option<String>,
}

/// The arguments, or `None` for `--help`.
fn parse_args() -> Result<Option<Args>, String> {
    let mut listen = None;
    let mut sdk_app_id = None;
    let mut token = std::env::var("TRTC_WEBHOOK_TOKEN")
        .ok()
        .filter(|t| !t.is_empty());
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value\n{USAGE}"));
        match flag.as_str() {
            "--listen" => {
                let v = value()?;
                listen = Some(v.parse().map_err(|e| format!("--listen {v:?}: {e}"))?);
            }
            "--sdk-app-id" => {
                let v = value()?;
                sdk_app_id = Some(v.parse().map_err(|e| format!("--sdk-app-id {v:?}: {e}"))?);
            }
            "--token" => token = Some(value()?),
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(Some(Args {
        listen: listen.ok_or(format!("--listen is required\n{USAGE}"))?,
        sdk_app_id: sdk_app_id.ok_or(format!("--sdk-app-id is required\n{USAGE}"))?,
        token,
    }))
}

/// A short summary of the event's main fields.
fn summary(event: &WebhookEvent) -> String {
    let who = |operator: &Option<String>| operator.clone().unwrap_or_else(|| "-".to_owned());
    match event {
        WebhookEvent::AfterCreateRoom(e) => format!(
            "room={} by={} type={}",
            e.room_info.room_id,
            who(&e.operator_account),
            e.room_info
                .room_type
                .as_ref()
                .map_or("-".to_owned(), |t| t.to_string()),
        ),
        WebhookEvent::AfterDestroyRoom(e) => {
            format!("room={} by={}", e.room_id, who(&e.operator_account))
        }
        WebhookEvent::AfterUpdateRoomInfo(e) => {
            format!(
                "room={} by={}",
                e.room_info.room_id,
                who(&e.operator_account)
            )
        }
        WebhookEvent::AfterMemberEnter(e) => format!(
            "room={} members={:?} count={}",
            e.room_id,
            e.member_list_account.clone().unwrap_or_default(),
            e.member_count.map_or("-".to_owned(), |c| c.to_string()),
        ),
        WebhookEvent::AfterMemberLeave(e) => format!(
            "room={} members={:?} count={} reason={}",
            e.room_id,
            e.member_list_account.clone().unwrap_or_default(),
            e.member_count.map_or("-".to_owned(), |c| c.to_string()),
            e.reason.as_deref().unwrap_or("-"),
        ),
        WebhookEvent::AfterSeatInfoChanged(e) => {
            let seats: Vec<String> = e
                .seat_list
                .iter()
                .flatten()
                .map(|seat| {
                    format!(
                        "{}:{}",
                        seat.index,
                        seat.member_account.as_deref().unwrap_or("")
                    )
                })
                .collect();
            format!("room={} seats=[{}]", e.room_id, seats.join(" "))
        }
        WebhookEvent::Unknown { body, .. } => format!("body={body}"),
        other => format!("{other:?}"),
    }
}

/// `text` with its control characters (newlines, escape sequences) written
/// as escapes, so outside data prints as one inert line.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// One line describing a delivery.
fn describe(delivery: &Delivery) -> String {
    let query = &delivery.query;
    format!(
        "{} app={} platform={} ip={} {}",
        delivery.command,
        query.sdk_app_id,
        query
            .opt_platform
            .as_ref()
            .map_or("-", |platform| platform.as_str()),
        query.client_ip.as_deref().unwrap_or("-"),
        summary(&delivery.event),
    )
}

fn json_reply(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn receive(
    State(verifier): State<Arc<WebhookVerifier>>,
    method: Method,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    if method != Method::POST {
        return json_reply(
            StatusCode::METHOD_NOT_ALLOWED,
            webhook::fail("webhooks are delivered with POST"),
        );
    }
    match verifier.receive(query.as_deref().unwrap_or(""), &body) {
        Ok(delivery) => {
            println!("{}", printable(&describe(&delivery)));
            json_reply(StatusCode::OK, webhook::ack().to_vec())
        }
        Err(refused) => {
            eprintln!("refused delivery: {}", printable(&refused.to_string()));
            let (status, body) = webhook::refusal(&refused);
            json_reply(status, body)
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    // RUST_LOG=debug (or trtc_room=debug) shows what the SDK does.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match serve(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("webhook_receiver: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args) -> Result<(), String> {
    let mut verifier = WebhookVerifier::new(args.sdk_app_id);
    if let Some(token) = args.token {
        verifier = match verifier.try_with_token(token) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("--token: {e}");
                std::process::exit(2);
            }
        };
    }
    let max_body = verifier.max_body();
    let signed = if verifier.requires_sign() {
        "Sign required"
    } else {
        "no token: SdkAppid check only"
    };
    let app = Router::new()
        .fallback(receive)
        // Stop reading at the verifier's limit (answered 413).
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(Arc::new(verifier));
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => format!(
                "cannot listen on {}: the address is already in use (another process listens \
                 there; stop it or pick another --listen)",
                args.listen
            ),
            _ => format!("cannot listen on {}: {e}", args.listen),
        })?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!(
        "listening on http://{local} for SdkAppid {} ({signed})",
        args.sdk_app_id
    );
    axum::serve(listener, app)
        .await
        .map_err(|e| format!("the server stopped: {e}"))
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            printable("room\nFAKE line\u{1b}[31m"),
            "room\\nFAKE line\\u{1b}[31m"
        );
        assert_eq!(printable("plain é"), "plain é");
    }
}
