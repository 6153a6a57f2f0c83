//! The fault matrix: every fault the client can meet, once on an idempotent
//! command (`get_room_info`) and once on a non-idempotent one
//! (`create_room`). Each cell checks the outcome variant, the attempts
//! made, the requests the server received (a non-idempotent command never
//! twice), and that every attempt of the call carried the same `random`.
//! Faults come from the emulator's fault injection, and from a raw loopback
//! server for what HTTP frameworks cannot do (reset before reading, a
//! trickled body, a 100 MB body, refused connections). The table in the
//! crate docs lists the same outcomes.

mod sdk_support;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sdk_support::fast_retries;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use trtc_room::{Client, CreateRoom, Error, GetRoomInfo, RoomInfo, RoomType};
use trtc_room_emulator::{Emulator, EmulatorConfig, Fault, FaultKind};

const MAX_ATTEMPTS: u32 = 3;
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(600);
/// Slower than the attempt timeout, with a wide margin for a loaded machine.
const SLOW: Duration = Duration::from_millis(2500);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Idempotent,
    NonIdempotent,
}

impl Cmd {
    fn name(self) -> &'static str {
        match self {
            Cmd::Idempotent => "get_room_info",
            Cmd::NonIdempotent => "create_room",
        }
    }

    async fn call(self, client: &Client) -> Result<(), Error> {
        match self {
            Cmd::Idempotent => client
                .get_room_info(GetRoomInfo::new("matrix"))
                .await
                .map(|_| ()),
            Cmd::NonIdempotent => client
                .create_room(CreateRoom::new(RoomInfo::new(
                    "matrix-new",
                    RoomType::Conference,
                )))
                .await
                .map(|_| ()),
        }
    }
}

/// What a cell expects.
struct Expect {
    /// The outcome variant, by name.
    variant: &'static str,
    attempts: u32,
    received: u64,
}

fn variant(e: &Error) -> &'static str {
    match e {
        Error::Transport {
            may_have_reached_server: true,
            ..
        } => "Transport(may have reached)",
        Error::Transport { .. } => "Transport(not sent)",
        Error::Timeout { .. } => "Timeout",
        Error::HttpStatus { .. } => "HttpStatus",
        Error::Decode { .. } => "Decode",
        Error::Service { .. } => "Service",
        Error::Signing { .. } => "Signing",
        _ => "other",
    }
}

fn client_for(base_url: &str, emu: &Emulator) -> Client {
    Client::builder()
        .sdk_app_id(emu.sdk_app_id())
        .secret_key(emu.secret_key())
        .admin(emu.admin())
        .base_url(base_url)
        .attempt_timeout(ATTEMPT_TIMEOUT)
        .retry_policy(fast_retries(MAX_ATTEMPTS))
        .build()
        .unwrap()
}

/// Outcome expected from a fault on each command: `(idempotent, non-idempotent)`.
fn retried_only_if_idempotent(variant: &'static str) -> (Expect, Expect) {
    (
        Expect {
            variant,
            attempts: MAX_ATTEMPTS,
            received: u64::from(MAX_ATTEMPTS),
        },
        Expect {
            variant,
            attempts: 1,
            received: 1,
        },
    )
}

fn retried_always(variant: &'static str) -> (Expect, Expect) {
    let e = || Expect {
        variant,
        attempts: MAX_ATTEMPTS,
        received: u64::from(MAX_ATTEMPTS),
    };
    (e(), e())
}

fn never_retried(variant: &'static str) -> (Expect, Expect) {
    let e = || Expect {
        variant,
        attempts: 1,
        received: 1,
    };
    (e(), e())
}

#[tokio::test]
async fn emulator_faults() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = client_for(&emu.base_url(), &emu);
    client
        .create_room(CreateRoom::new(RoomInfo::new(
            "matrix",
            RoomType::Conference,
        )))
        .await
        .unwrap();
    let cells: Vec<(&str, Fault, (Expect, Expect))> = vec![
        (
            "rate limit 60007",
            Fault::error_code(60007),
            retried_always("Service"),
        ),
        (
            "HTTP 429",
            Fault::new(FaultKind::HttpStatus {
                status: 429,
                body: "slow down".into(),
            }),
            retried_always("HttpStatus"),
        ),
        (
            "HTTP 503",
            Fault::new(FaultKind::HttpStatus {
                status: 503,
                body: "unavailable".into(),
            }),
            retried_only_if_idempotent("HttpStatus"),
        ),
        (
            "gateway page echoing the request",
            Fault::new(FaultKind::EchoRequest { status: 502 }),
            retried_only_if_idempotent("HttpStatus"),
        ),
        (
            "internal error 100001",
            Fault::error_code(100001),
            retried_only_if_idempotent("Service"),
        ),
        (
            "invalid parameter 100002",
            Fault::error_code(100002),
            never_retried("Service"),
        ),
        (
            "answer slower than the attempt timeout",
            Fault::new(FaultKind::DelayOnly).delay(SLOW),
            retried_only_if_idempotent("Timeout"),
        ),
        (
            "connection closed before answering",
            Fault::new(FaultKind::DropConnection),
            retried_only_if_idempotent("Transport(may have reached)"),
        ),
        (
            "answer lost after processing",
            Fault::new(FaultKind::LoseAnswer),
            retried_only_if_idempotent("Transport(may have reached)"),
        ),
        (
            "truncated body",
            Fault::new(FaultKind::TruncatedBody),
            never_retried("Decode"),
        ),
    ];
    for (what, fault, (idem, non_idem)) in cells {
        for (cmd, expect) in [(Cmd::Idempotent, idem), (Cmd::NonIdempotent, non_idem)] {
            emu.clear_faults();
            emu.inject_fault(fault.clone().command(cmd.name()).times(MAX_ATTEMPTS));
            let before = emu.requests_received(cmd.name());
            let randoms_before = emu.randoms_received(cmd.name()).len();
            let err = match cmd.call(&client).await {
                Err(e) => e,
                Ok(()) => panic!("{what} / {cmd:?}: unexpected success"),
            };
            let cell = format!("{what} / {cmd:?}: {err}");
            assert_eq!(variant(&err), expect.variant, "{cell}");
            let call = err.call().expect("a call error");
            assert_eq!(call.attempts, expect.attempts, "{cell}");
            assert_eq!(
                emu.requests_received(cmd.name()) - before,
                expect.received,
                "{cell}"
            );
            let randoms: BTreeSet<u32> = emu.randoms_received(cmd.name())[randoms_before..]
                .iter()
                .copied()
                .collect();
            assert_eq!(randoms, BTreeSet::from([call.random]), "{cell}");
            if cmd == Cmd::NonIdempotent {
                // Let a slow create finish, then remove the room (if any)
                // so the next cell starts alike.
                if expect.variant == "Timeout" {
                    tokio::time::sleep(SLOW).await;
                }
                emu.clear_faults();
                let _ = client
                    .destroy_room(trtc_room::DestroyRoom::new("matrix-new"))
                    .await;
            }
        }
    }
}

/// How the raw server misbehaves.
#[derive(Debug, Clone, Copy)]
enum Raw {
    /// Waits until the request has arrived in its receive buffer, then
    /// resets the connection without reading it.
    ResetBeforeRead,
    /// Reads the request, then sends a valid answer one byte every 200 ms.
    Trickle,
    /// Reads the request, then announces and streams a 100 MB body.
    Huge,
}

const HUGE: usize = 100 * 1024 * 1024;

/// A loopback server that records the `random` of every request line it
/// reads (or, without reading, counts the connection).
struct RawServer {
    url: String,
    connections: Arc<Mutex<u64>>,
    randoms: Arc<Mutex<Vec<u32>>>,
}

async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .and_then(|v| v.trim().parse::<usize>().ok())
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return Some(text[..end].to_owned());
            }
        }
    }
}

fn random_of(head: &str) -> Option<u32> {
    head.split(['?', '&', ' '])
        .find_map(|p| p.strip_prefix("random="))
        .and_then(|r| r.parse().ok())
}

impl RawServer {
    async fn start(mode: Raw) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(Mutex::new(0));
        let randoms = Arc::new(Mutex::new(Vec::new()));
        let (c, r) = (connections.clone(), randoms.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                *c.lock().unwrap() += 1;
                let r = r.clone();
                tokio::spawn(async move {
                    match mode {
                        Raw::ResetBeforeRead => {
                            // Wait for the request's first bytes without
                            // taking them from the socket buffer.
                            let mut first = [0u8; 1];
                            let _ = stream.peek(&mut first).await;
                            // Linger 0: close with a reset (it does not block here).
                            #[allow(deprecated)]
                            let _ = stream.set_linger(Some(Duration::ZERO));
                            drop(stream);
                        }
                        Raw::Trickle => {
                            let Some(head) = read_request(&mut stream).await else {
                                return;
                            };
                            r.lock().unwrap().extend(random_of(&head));
                            let body = br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"x","Response":{}}"#;
                            let head = format!(
                                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                                body.len()
                            );
                            if stream.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                            for b in body {
                                if stream.write_all(&[*b]).await.is_err() {
                                    return;
                                }
                                tokio::time::sleep(Duration::from_millis(200)).await;
                            }
                        }
                        Raw::Huge => {
                            let Some(head) = read_request(&mut stream).await else {
                                return;
                            };
                            r.lock().unwrap().extend(random_of(&head));
                            let head = format!(
                                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {HUGE}\r\n\r\n"
                            );
                            if stream.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                            let chunk = vec![b' '; 64 * 1024];
                            let mut sent = 0;
                            while sent < HUGE {
                                if stream.write_all(&chunk).await.is_err() {
                                    return;
                                }
                                sent += chunk.len();
                            }
                        }
                    }
                });
            }
        });
        RawServer {
            url,
            connections,
            randoms,
        }
    }
}

/// Resident memory of this process in KiB (Linux), if known.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[tokio::test]
async fn raw_server_faults() {
    // Only its key and ids are used; the raw servers answer instead.
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let cells = [
        (
            Raw::ResetBeforeRead,
            retried_only_if_idempotent("Transport(may have reached)"),
        ),
        (Raw::Trickle, retried_only_if_idempotent("Timeout")),
        (Raw::Huge, never_retried("Decode")),
    ];
    for (mode, (idem, non_idem)) in cells {
        for (cmd, expect) in [(Cmd::Idempotent, idem), (Cmd::NonIdempotent, non_idem)] {
            let server = RawServer::start(mode).await;
            let client = client_for(&server.url, &emu);
            let rss_before = rss_kib();
            let err = cmd
                .call(&client)
                .await
                .expect_err("the raw server never succeeds");
            let cell = format!("{mode:?} / {cmd:?}: {err}");
            assert_eq!(variant(&err), expect.variant, "{cell}");
            let call = err.call().expect("a call error");
            assert_eq!(call.attempts, expect.attempts, "{cell}");
            assert_eq!(
                *server.connections.lock().unwrap(),
                expect.received,
                "{cell}"
            );
            let randoms: BTreeSet<u32> = server.randoms.lock().unwrap().iter().copied().collect();
            match mode {
                // Nothing was read, so no request line was seen.
                Raw::ResetBeforeRead => assert!(randoms.is_empty(), "{cell}"),
                _ => assert_eq!(randoms, BTreeSet::from([call.random]), "{cell}"),
            }
            if let (Raw::Huge, Some(before), Some(after)) = (mode, rss_before, rss_kib()) {
                // The client stops reading at its 8 MiB cap.
                assert!(
                    after.saturating_sub(before) < 48 * 1024,
                    "{cell}: RSS grew from {before} KiB to {after} KiB"
                );
            }
        }
    }
}

#[tokio::test]
async fn refused_connection() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    // A port nobody listens on: bind, note it, close.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = client_for(&format!("http://127.0.0.1:{port}"), &emu);
    for cmd in [Cmd::Idempotent, Cmd::NonIdempotent] {
        let err = cmd.call(&client).await.unwrap_err();
        assert_eq!(variant(&err), "Transport(not sent)", "{cmd:?}: {err}");
        // Nothing was sent, so even create_room is retried.
        assert_eq!(err.call().unwrap().attempts, MAX_ATTEMPTS, "{cmd:?}");
    }
}
