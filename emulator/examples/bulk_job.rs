//! A back-end's bulk job against an emulator that enforces the documented
//! rate limits: import 10,000 accounts, then 5,000 room calls spread over
//! five commands, all at once. Run it with the client's pacing (the
//! default) and without it, side by side:
//!
//! ```text
//! cargo run --release -p trtc-room-emulator --example bulk_job -- [--accounts N] [--room-calls N] [--no-limiter] [--timeline FILE]
//! ```
//!
//! Prints a JSON line: wall time, failures, and for each command the calls
//! the emulator let through, how many it refused, and the achieved rate as a
//! fraction of the documented one (from the emulator's own accounting).
//! `--timeline` writes `elapsed_ms,succeeded_calls` samples every 100 ms
//! (the charts of BENCHMARKS.md). A benchmark, not a test.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use trtc_room::{
    AccountToImport, Client, CreateRoom, Error, GetBannedMemberList, GetRoomInfo,
    GetRoomMemberList, GetSeatList, MarkCommandType, MarkRoomMember, MemberMarks, RateLimits,
    RoomInfo, RoomType,
};
use trtc_room_emulator::{Emulator, EmulatorConfig};

const ROOM: &str = "bulk-job-room";
const ROOM_CONCURRENCY: usize = 8;

struct Args {
    accounts: usize,
    room_calls: usize,
    limiter: bool,
    timeline: Option<String>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        accounts: 10_000,
        room_calls: 5_000,
        limiter: true,
        timeline: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut num = |name: &str| {
            it.next()
                .and_then(|v| v.parse::<usize>().ok())
                .ok_or(format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--accounts" => a.accounts = num("--accounts")?,
            "--room-calls" => a.room_calls = num("--room-calls")?,
            "--no-limiter" => a.limiter = false,
            "--timeline" => a.timeline = Some(it.next().ok_or("--timeline needs a file")?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(a)
}

/// One of the room commands of the mix.
async fn room_call(client: &Client, kind: usize, i: usize) -> Result<(), Error> {
    match kind {
        0 => client.get_room_info(GetRoomInfo::new(ROOM)).await.map(drop),
        1 => client
            .get_room_member_list(GetRoomMemberList::new(ROOM))
            .await
            .map(drop),
        2 => client
            .get_banned_member_list(GetBannedMemberList::new(ROOM))
            .await
            .map(drop),
        3 => client.get_seat_list(GetSeatList::new(ROOM)).await.map(drop),
        _ => client
            .mark_room_member(MarkRoomMember::new(
                ROOM,
                MarkCommandType::Set,
                [MemberMarks::new(format!("member-{}", i % 10), [1001])],
            ))
            .await
            .map(drop),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = args().map_err(|e| format!("bulk_job: {e}"))?;
    // RUST_LOG sets what the SDK logs on stderr (errors only by default).
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .with_writer(std::io::stderr)
        .init();
    let emu = Emulator::start(EmulatorConfig {
        rate_limit: true,
        ..EmulatorConfig::default()
    })
    .await?;
    let limits = if args.limiter {
        RateLimits::new()
    } else {
        RateLimits::off()
    };
    let client = Client::builder()
        .sdk_app_id(emu.sdk_app_id())
        .secret_key(emu.secret_key())
        .admin(emu.admin())
        .base_url(emu.base_url())
        .rate_limits(limits)
        .build()?;
    client
        .create_room(CreateRoom::new(
            RoomInfo::new(ROOM, RoomType::Conference)
                .is_seat_enabled(true)
                .max_seat_count(8),
        ))
        .await?;
    for i in 0..10 {
        emu.enter_room(ROOM, &format!("member-{i}"))?;
    }
    // Setup calls are not part of the job's accounting.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let baseline = emu.rate_stats();

    let succeeded = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let samples: Arc<std::sync::Mutex<Vec<(u64, u64)>>> = Arc::default();
    let sampler = {
        let (succeeded, samples) = (succeeded.clone(), samples.clone());
        tokio::spawn(async move {
            loop {
                samples.lock().unwrap().push((
                    started.elapsed().as_millis() as u64,
                    succeeded.load(Ordering::Relaxed),
                ));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };

    let import = {
        let (client, succeeded) = (client.clone(), succeeded.clone());
        let accounts: Vec<AccountToImport> = (0..args.accounts)
            .map(|i| AccountToImport::new(format!("bulk-{i}")))
            .collect();
        tokio::spawn(async move {
            let last = Arc::new(AtomicU64::new(0));
            let report = client
                .bulk()
                .on_progress(move |p| {
                    let ok = (p.items_done - p.items_failed) as u64;
                    let before = last.swap(ok, Ordering::Relaxed);
                    // Count calls (of 100 accounts) like the room calls.
                    let calls = |n: u64| n.div_ceil(100);
                    succeeded.fetch_add(calls(ok).saturating_sub(calls(before)), Ordering::Relaxed);
                    eprint!("\raccounts {}/{}", p.items_done, p.items_total);
                })
                .import_accounts(accounts)
                .await;
            eprintln!();
            report.failed()
        })
    };
    let mut room_tasks = Vec::new();
    let per_kind = args.room_calls / 5;
    for kind in 0..5 {
        for worker in 0..ROOM_CONCURRENCY {
            let (client, succeeded) = (client.clone(), succeeded.clone());
            room_tasks.push(tokio::spawn(async move {
                let mut failed = 0usize;
                let mut i = worker;
                while i < per_kind {
                    match room_call(&client, kind, i).await {
                        Ok(()) => {
                            succeeded.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => {
                            failed += 1;
                            if failed == 1 {
                                eprintln!("room call failed: {e}");
                            }
                        }
                    }
                    i += ROOM_CONCURRENCY;
                }
                failed
            }));
        }
    }
    let mut failures = import.await?;
    let mut room_failures = 0;
    for t in room_tasks {
        room_failures += t.await?;
    }
    failures += room_failures;
    let elapsed = started.elapsed();
    sampler.abort();

    let mut commands = Vec::new();
    for (key, s) in emu.rate_stats() {
        let before = baseline.get(&key).map_or(0, |b| b.accepted);
        let (service, command) = key.split_once('/').unwrap_or(("", ""));
        let documented =
            trtc_room::command::find(service, command).map_or(0, |i| i.rate_limit_per_second);
        let rate = s.accepted_per_second().unwrap_or(0.0);
        if s.accepted - before < 10 {
            continue;
        }
        commands.push(format!(
            "{{\"command\":\"{command}\",\"accepted\":{},\"refused\":{},\"busiest_second\":{},\"calls_per_s\":{rate:.1},\"of_documented\":{:.3}}}",
            s.accepted - before,
            s.refused,
            s.busiest_second,
            rate / f64::from(documented.max(1)),
        ));
    }
    if let Some(path) = &args.timeline {
        let mut csv = String::from("elapsed_ms,succeeded_calls\n");
        for (ms, n) in samples.lock().unwrap().iter() {
            csv.push_str(&format!("{ms},{n}\n"));
        }
        csv.push_str(&format!(
            "{},{}\n",
            elapsed.as_millis(),
            succeeded.load(Ordering::Relaxed)
        ));
        std::fs::write(path, csv)?;
    }
    println!(
        "{{\"limiter\":{},\"accounts\":{},\"room_calls\":{},\"seconds\":{:.2},\"failed_items\":{},\"failed_room_calls\":{},\"commands\":[{}]}}",
        args.limiter,
        args.accounts,
        per_kind * 5,
        elapsed.as_secs_f64(),
        failures - room_failures,
        room_failures,
        commands.join(",")
    );
    Ok(())
}
