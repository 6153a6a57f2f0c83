//! Custom `UserSigProvider`s: short-lived sigs are not re-requested on every
//! call, a failing provider is asked once for many waiting calls (which then
//! fail at once with its error), and a hanging one yields a signing timeout
//! that says nothing was sent.

mod sdk_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sdk_support::{fast_retries, Setup};
use trtc_room::client::ProviderFuture;
use trtc_room::usersig::SigningKey;
use trtc_room::{
    CreateRoom, Error, GetRoomInfo, IssuedUserSig, RoomInfo, RoomType, UserSigProvider,
};

enum Behaviour {
    /// Valid sigs of this many seconds.
    Issue(u64),
    /// An error after a short pause (so callers pile up).
    Fail,
    /// Never answers.
    Hang,
}

struct Provider {
    key: SigningKey,
    calls: Arc<AtomicUsize>,
    behaviour: Behaviour,
}

impl UserSigProvider for Provider {
    fn user_sig<'a>(&'a self, identifier: &'a str) -> ProviderFuture<'a> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            match self.behaviour {
                Behaviour::Issue(secs) => {
                    let now = unix_now();
                    let sig = self.key.generate_at(identifier, secs, now)?;
                    Ok(IssuedUserSig::new(sig, now + secs))
                }
                Behaviour::Fail => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Err("signing service unavailable".into())
                }
                Behaviour::Hang => std::future::pending().await,
            }
        })
    }
}

fn client(s: &Setup, behaviour: Behaviour, calls: &Arc<AtomicUsize>) -> trtc_room::Client {
    Client::builder()
        .sdk_app_id(s.emu.sdk_app_id())
        .admin(s.emu.admin())
        .base_url(s.emu.base_url())
        .retry_policy(fast_retries(3))
        .user_sig_timeout(Duration::from_millis(300))
        .user_sig_provider(Provider {
            key: SigningKey::new(s.emu.sdk_app_id(), s.emu.secret_key()),
            calls: calls.clone(),
            behaviour,
        })
        .build()
        .unwrap()
}

use trtc_room::Client;

#[tokio::test]
async fn short_lived_sigs_are_renewed_by_their_own_lifetime() {
    let s = Setup::new().await;
    s.room("short", 0).await;
    let calls = Arc::new(AtomicUsize::new(0));
    // 300 s sigs, under the default 600 s renewal margin.
    let c = client(&s, Behaviour::Issue(300), &calls);
    for _ in 0..1000 {
        c.get_room_info(GetRoomInfo::new("short")).await.unwrap();
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1, "one sig serves every call");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_provider_is_asked_once_and_waiting_calls_fail_fast() {
    let s = Setup::new().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let c = client(&s, Behaviour::Fail, &calls);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..64 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            c.get_room_info(GetRoomInfo::new(format!("r{i}"))).await
        }));
    }
    for t in tasks {
        match t.await.unwrap() {
            Err(Error::Signing {
                message, timed_out, ..
            }) => {
                assert!(!timed_out);
                assert!(message.contains("signing service unavailable"), "{message}");
            }
            other => panic!("expected a signing error, got {other:?}"),
        }
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "one renewal for 64 waiting calls"
    );
    // Within the backoff, a new call fails at once without asking again.
    let err = c.get_room_info(GetRoomInfo::new("x")).await.unwrap_err();
    assert!(matches!(err, Error::Signing { .. }), "{err:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "callers waited {:?}",
        started.elapsed()
    );
    assert_eq!(s.emu.requests_received("get_room_info"), 0);
}

#[tokio::test]
async fn a_hanging_provider_gives_a_signing_timeout_and_nothing_is_sent() {
    let s = Setup::new().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let c = client(&s, Behaviour::Hang, &calls);
    let err = c
        .create_room(CreateRoom::new(RoomInfo::new("hang", RoomType::Conference)))
        .await
        .unwrap_err();
    match &err {
        Error::Signing {
            timed_out, call, ..
        } => {
            assert!(*timed_out);
            assert_eq!(call.attempts, 1);
        }
        other => panic!("expected a signing timeout, got {other:?}"),
    }
    assert!(err.to_string().contains("request not sent"), "{err}");
    assert_eq!(s.emu.requests_received("create_room"), 0);
    assert_eq!(s.emu.room_count(), 0);
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
