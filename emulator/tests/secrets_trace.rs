//! Secrets never leave: a whole room life cycle plus failing and retried
//! calls (gateway pages that echo the request line, dropped connections,
//! lost answers, truncated bodies) and signed webhook deliveries, all under
//! a TRACE subscriber that records every span and event of every crate.
//! Neither the secret key, nor any UserSig sent, nor the webhook token,
//! nor a room password may appear in the log or in the `Debug`/`Display`
//! of any reply, error or request.
//!
//! One test per binary: it installs the global subscriber.

mod sdk_support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::RawQuery;
use axum::routing::post;
use sdk_support::fast_retries;
use trtc_room::client::ProviderFuture;
use trtc_room::usersig::SigningKey;
use trtc_room::webhook::{self, WebhookVerifier};
use trtc_room::{
    AccountImport, BanRoomMember, CallbackCommand, Client, CreateRoom, DestroyRoom, GetRoomInfo,
    GetRoomMemberList, GetSeatList, IssuedUserSig, RoomInfo, RoomInfoUpdate, RoomType, SetCallback,
    UnbanRoomMember, UpdateRoomInfo, UserSigProvider,
};
use trtc_room_emulator::{Emulator, EmulatorConfig, Fault, FaultKind};

const TOKEN: &str = "webhook-token-3f9a1c77e2";
const PASSWORD: &str = "room-password-81d2b6";
const NEW_PASSWORD: &str = "room-password-c0ffee";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn note(&self, text: String) {
        let mut buf = self.0.lock().unwrap();
        buf.extend_from_slice(text.as_bytes());
        buf.push(b'\n');
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Signs with the key like the built-in signer, and remembers every sig.
struct RecordingSigner {
    key: SigningKey,
    issued: Arc<Mutex<Vec<String>>>,
}

impl UserSigProvider for RecordingSigner {
    fn user_sig<'a>(&'a self, identifier: &'a str) -> ProviderFuture<'a> {
        Box::pin(async move {
            let now = unix_now();
            let sig = self.key.generate_at(identifier, 3600, now)?;
            self.issued.lock().unwrap().push(sig.clone());
            Ok(IssuedUserSig::new(sig, now + 3600))
        })
    }
}

/// A webhook receiver that logs what it gets, as an app would.
async fn start_receiver(sdk_app_id: u64, log: Capture) -> String {
    let verifier = Arc::new(WebhookVerifier::new(sdk_app_id).with_token(TOKEN));
    let app = axum::Router::new().route(
        "/hook",
        post(move |RawQuery(query): RawQuery, body: axum::body::Bytes| {
            let verifier = verifier.clone();
            let log = log.clone();
            async move {
                match verifier.receive(query.as_deref().unwrap_or(""), &body) {
                    Ok(delivery) => {
                        tracing::info!(?delivery, "webhook received");
                        log.note(format!("{delivery:?}"));
                        webhook::ack().to_vec()
                    }
                    Err(refused) => {
                        tracing::warn!(%refused, ?refused, "webhook refused");
                        webhook::refusal(&refused).1
                    }
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/hook")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_appears_in_a_full_trace() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let emu = Emulator::start(EmulatorConfig {
        callback_token: Some(TOKEN.to_owned()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let key = emu.secret_key().to_owned();
    let issued = Arc::new(Mutex::new(Vec::new()));
    let base = || {
        Client::builder()
            .sdk_app_id(emu.sdk_app_id())
            .admin(emu.admin())
            .base_url(emu.base_url())
            .attempt_timeout(Duration::from_millis(800))
            .retry_policy(fast_retries(3))
    };
    let by_key = base().secret_key(&key).build().unwrap();
    let by_provider = base()
        .user_sig_provider(RecordingSigner {
            key: SigningKey::new(emu.sdk_app_id(), key.clone()),
            issued: issued.clone(),
        })
        .build()
        .unwrap();
    let hook_url = start_receiver(emu.sdk_app_id(), capture.clone()).await;

    for (n, client) in [&by_key, &by_provider].into_iter().enumerate() {
        let room = format!("trace-room-{n}");
        let note = |what: &str, text: String| capture.note(format!("{what}: {text}"));
        macro_rules! run {
            ($what:expr, $call:expr) => {{
                match $call.await {
                    Ok(reply) => note($what, format!("ok {reply:?}")),
                    Err(e) => note($what, format!("error {e} / {e:?}")),
                }
            }};
        }
        run!("import", client.account_import(AccountImport::new("alice")));
        let create = CreateRoom::new(
            RoomInfo::new(&room, RoomType::Conference)
                .is_password_enabled(true)
                .password(PASSWORD)
                .is_seat_enabled(true)
                .max_seat_count(4),
        );
        note("request", format!("{create:?}"));
        run!("create", client.create_room(create));
        if n == 0 {
            run!(
                "set_callback",
                client.set_callback(SetCallback::new(
                    hook_url.clone(),
                    [
                        CallbackCommand::AfterCreateRoom,
                        CallbackCommand::AfterMemberEnter,
                        CallbackCommand::AfterUpdateRoomInfo,
                        CallbackCommand::AfterDestroyRoom,
                    ],
                ))
            );
        }
        emu.enter_room(&room, "alice").unwrap();
        run!("info", client.get_room_info(GetRoomInfo::new(&room)));
        let update = UpdateRoomInfo::new(RoomInfoUpdate::new(&room).password(NEW_PASSWORD));
        note("request", format!("{update:?}"));
        run!("update", client.update_room_info(update));
        run!(
            "members",
            client.get_room_member_list(GetRoomMemberList::new(&room))
        );

        // A gateway page echoing the request line, on an idempotent
        // (retried, then reported) and a non-idempotent command.
        emu.inject_fault(
            Fault::new(FaultKind::EchoRequest { status: 502 })
                .command("get_room_info")
                .times(3),
        );
        run!(
            "echo 502 (idempotent)",
            client.get_room_info(GetRoomInfo::new(&room))
        );
        emu.inject_fault(Fault::new(FaultKind::EchoRequest { status: 502 }).command("create_room"));
        run!(
            "echo 502 (non-idempotent)",
            client.create_room(CreateRoom::new(RoomInfo::new(
                "other",
                RoomType::Conference
            )))
        );
        // Dropped connections, lost answers, truncated bodies, errors.
        emu.inject_fault(Fault::new(FaultKind::DropConnection).command("get_seat_list"));
        run!(
            "drop then retry",
            client.get_seat_list(GetSeatList::new(&room))
        );
        emu.inject_fault(Fault::new(FaultKind::TruncatedBody).command("get_room_info"));
        run!("truncated", client.get_room_info(GetRoomInfo::new(&room)));
        emu.inject_fault(Fault::error_code(100001).command("get_room_info").times(3));
        run!(
            "internal error",
            client.get_room_info(GetRoomInfo::new(&room))
        );
        run!(
            "ban",
            client.ban_room_member(BanRoomMember::new(&room, ["alice"], "test", 60))
        );
        emu.inject_fault(Fault::new(FaultKind::LoseAnswer).command("unban_room_member"));
        run!(
            "unban lost answer",
            client.unban_room_member(UnbanRoomMember::new(&room, ["alice"]))
        );
        emu.inject_fault(
            Fault::new(FaultKind::DelayOnly)
                .command("get_room_info")
                .delay(Duration::from_millis(1500)),
        );
        run!(
            "timeout then retry",
            client.get_room_info(GetRoomInfo::new(&room))
        );
        emu.inject_fault(Fault::new(FaultKind::LoseAnswer).command("destroy_room"));
        run!(
            "destroy lost answer",
            client.destroy_room(DestroyRoom::new(&room))
        );
        run!(
            "destroy again",
            client.destroy_room(DestroyRoom::new(&room))
        );
        note("client", format!("{client:?}"));
    }
    // Let webhook deliveries arrive and be logged.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let text = capture.text();
    // The capture saw the run: spans, retries, the echoed pages, webhooks.
    for expected in [
        "trtc_room.call",
        "retrying",
        "HTTP status 502",
        "usersig=<redacted>",
        "webhook received",
        "completed_by_earlier_attempt: true",
    ] {
        assert!(text.contains(expected), "the capture lacks {expected:?}");
    }
    let sigs = issued.lock().unwrap().clone();
    assert!(!sigs.is_empty());
    let mut secrets = vec![
        key.clone(),
        TOKEN.to_owned(),
        PASSWORD.to_owned(),
        NEW_PASSWORD.to_owned(),
    ];
    secrets.extend(sigs);
    for secret in &secrets {
        if let Some(at) = text.find(secret.as_str()) {
            let from = at.saturating_sub(200);
            panic!(
                "a secret appears in the capture: ...{}...",
                &text[from..(at + 40).min(text.len())].replace(secret.as_str(), "<THE SECRET>")
            );
        }
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
