//! Client-side pacing against an emulator that enforces a rate limit.

mod sdk_support;

use std::sync::Arc;
use std::time::Duration;

use sdk_support::builder;
use trtc_room::{Client, GetRoomInfo, LocalBackend, RateLimits, RetryPolicy};
use trtc_room_emulator::{Emulator, EmulatorConfig, RateStats};

/// The limit the emulator enforces per command in these tests.
const LIMIT: u32 = 40;

async fn limited_emulator() -> Emulator {
    Emulator::start(EmulatorConfig {
        rate_limit: true,
        rate_limit_override: Some(LIMIT),
        ..EmulatorConfig::default()
    })
    .await
    .expect("start the emulator")
}

fn client(emu: &Emulator, limits: RateLimits, attempts: u32) -> Client {
    builder(emu)
        .rate_limits(limits)
        .retry_policy(RetryPolicy::default().max_attempts(attempts))
        .build()
        .expect("build the client")
}

/// Sends `calls` get_room_info calls, `concurrency` at a time, spread over
/// `clients` (round robin); returns how many failed and with which errors.
async fn burst(clients: &[Client], calls: usize, concurrency: usize) -> Vec<String> {
    let mut failures = Vec::new();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..calls {
        if set.len() >= concurrency {
            if let Some(r) = set.join_next().await {
                failures.extend(r.expect("task"));
            }
        }
        let c = clients[i % clients.len()].clone();
        set.spawn(async move {
            // The room does not exist: 100004 is a normal answer here. Only
            // other errors count as failures.
            match c.get_room_info(GetRoomInfo::new("no-such-room")).await {
                Err(e) if e.service_code() != Some(100_004) => Some(e.to_string()),
                _ => None,
            }
        });
    }
    while let Some(r) = set.join_next().await {
        failures.extend(r.expect("task"));
    }
    failures
}

fn stats(emu: &Emulator) -> RateStats {
    *emu.rate_stats()
        .get("room_engine_http_srv/get_room_info")
        .expect("get_room_info was counted")
}

#[tokio::test]
async fn a_paced_client_stays_under_the_limit_without_a_single_refusal() {
    let emu = limited_emulator().await;
    // One attempt only: a single refusal would fail a call.
    // 75 % headroom: a scheduling hiccup of a loaded machine that bunches
    // delayed calls must not push a second over the limit.
    let c = client(
        &emu,
        RateLimits::new().all_commands_limit(LIMIT).headroom(0.75),
        1,
    );
    // Clones share the schedule: spread the calls over three of them.
    let clients = [c.clone(), c.clone(), c];
    let calls = (LIMIT * 3) as usize;
    let failures = burst(&clients, calls, 32).await;
    assert!(failures.is_empty(), "{failures:?}");
    let s = stats(&emu);
    assert_eq!((s.accepted, s.refused), (calls as u64, 0), "{s:?}");
    assert!(s.busiest_second <= LIMIT, "{s:?}");
}

#[tokio::test]
async fn without_pacing_the_same_burst_is_refused_in_part() {
    let emu = limited_emulator().await;
    let c = client(&emu, RateLimits::off(), 1);
    let calls = (LIMIT * 3) as usize;
    let failures = burst(&[c], calls, 32).await;
    let s = stats(&emu);
    assert!(s.refused > 0 && !failures.is_empty(), "{s:?}");
    assert_eq!(failures.len() as u64, s.refused, "{failures:?}");
    assert!(failures.iter().all(|f| f.contains("60007")), "{failures:?}");
}

#[tokio::test]
async fn clients_given_one_backend_share_one_budget() {
    let emu = limited_emulator().await;
    let shared: Arc<LocalBackend> = Arc::new(LocalBackend::new());
    let limits = RateLimits::new()
        .all_commands_limit(LIMIT)
        .headroom(0.75)
        .backend(shared.clone());
    let a = client(&emu, limits.clone(), 1);
    let b = client(&emu, limits, 1);
    let calls = (LIMIT * 2) as usize;
    let failures = burst(&[a, b], calls, 32).await;
    assert!(failures.is_empty(), "{failures:?}");
    let s = stats(&emu);
    assert_eq!(s.refused, 0, "{s:?}");
}

#[tokio::test]
async fn separate_budgets_over_the_limit_slow_down_and_finish_every_call() {
    let emu = limited_emulator().await;
    // Two clients, each believing it has the whole budget: together they
    // send at twice the limit until the refusals slow them down.
    let limits = RateLimits::new().all_commands_limit(LIMIT).headroom(1.0);
    let a = client(&emu, limits.clone(), 8);
    let b = client(&emu, limits, 8);
    let calls = (LIMIT * 5) as usize;
    let failures = burst(&[a, b], calls, 16).await;
    assert!(failures.is_empty(), "{failures:?}");
    let s = stats(&emu);
    assert!(s.refused > 0, "the two clients never collided: {s:?}");
    assert_eq!(s.accepted, calls as u64, "{s:?}");
    // Halving on refusals keeps them far from sending everything twice.
    assert!(s.refused < calls as u64 / 2, "{s:?}");
}

#[tokio::test]
async fn a_slot_beyond_the_deadline_fails_fast_without_sending() {
    let emu = limited_emulator().await;
    let c = builder(&emu)
        .rate_limits(RateLimits::new().all_commands_limit(1).headroom(1.0))
        .deadline(Duration::from_millis(300))
        .build()
        .expect("build");
    let first = c.get_room_info(GetRoomInfo::new("no-such-room")).await;
    assert_eq!(first.err().and_then(|e| e.service_code()), Some(100_004));
    // The next slot is a second away, past the 300 ms deadline.
    let started = std::time::Instant::now();
    let err = c
        .get_room_info(GetRoomInfo::new("no-such-room"))
        .await
        .expect_err("no slot within the deadline");
    assert!(
        matches!(
            err,
            trtc_room::Error::Timeout {
                deadline_exceeded: true,
                ..
            }
        ),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_millis(250));
    assert_eq!(stats(&emu).accepted, 1);
}
