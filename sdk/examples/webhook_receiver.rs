//! A minimal Room and Live webhook receiver built on
//! `trtc_room::webhook::axum` (feature `axum`).
//!
//! ```sh
//! cargo run -p trtc-room --features axum --example webhook_receiver -- \
//!     --listen 127.0.0.1:8080 --sdk-app-id 1400000000 [--token <T>]
//! ```
//!
//! The token can also come from the `TRTC_WEBHOOK_TOKEN` environment variable
//! (keeps it out of the process list). Accepts POSTs on `/callback`; the
//! SDK's router verifies each (SdkAppid, and Sign/RequestTime when a token
//! is set) before the handler below sees it, and refuses the others with
//! HTTP 401 (authentication), 413 (body over the verifier's limit, which
//! also caps how much is read) or 400 (malformed) and a FAIL envelope. The
//! handler prints one line per event and answers the acknowledgement, or,
//! for Live's gift before-callback, a typed decision within the callback's
//! budget. Everything printed that came from the request has its control
//! characters escaped, so a signed delivery cannot forge log lines. An
//! empty token is refused at start.

use std::net::SocketAddr;
use std::process::ExitCode;

use trtc_room::webhook::axum::{router, Answer};
use trtc_room::webhook::{decide_in_time, Delivery, WebhookVerifier};
use trtc_room::{LiveBeforeSendGiftDecision, WebhookEvent};

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

/// What the app does with each verified delivery.
async fn handle(delivery: Delivery) -> Answer {
    println!("{}", printable(&describe(&delivery)));
    match &delivery.event {
        // A before-callback: decide within its budget; if the app's own
        // check is too slow, the gift goes ahead (the app's choice here).
        WebhookEvent::LiveBeforeSendGift(_) => {
            let decision = decide_in_time(
                async { LiveBeforeSendGiftDecision::allow() },
                LiveBeforeSendGiftDecision::allow(),
            )
            .await;
            Answer::decision(&decision)
        }
        _ => Answer::ack(),
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
    let signed = if verifier.requires_sign() {
        "Sign required"
    } else {
        "no token: SdkAppid check only"
    };
    let app = router("/callback", verifier, handle);
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
        "listening on http://{local}/callback for SdkAppid {} ({signed})",
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
