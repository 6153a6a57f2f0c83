//! Measures the SDK's end-to-end call rate and latency against the emulator
//! over loopback HTTP (signing, pooled keep-alive connections, envelope
//! decoding, and the emulator's own auth check and state lookup).
//!
//! ```text
//! cargo run --release -p trtc-room-emulator --example bench_calls [-- <calls> <concurrency>]
//! ```
//!
//! Prints calls per second and latency percentiles. It is a benchmark, not a
//! test: figures depend on the machine, and both sides share its cores.

use std::time::{Duration, Instant};

use trtc_room::{Client, CreateRoom, GetRoomInfo, RateLimits, RoomInfo, RoomType};
use trtc_room_emulator::{Emulator, EmulatorConfig};

const ROOM: &str = "bench-room";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let calls: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let concurrency: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(16);

    let emu = Emulator::start(EmulatorConfig::default()).await?;
    let client = Client::builder()
        .sdk_app_id(emu.sdk_app_id())
        .secret_key(emu.secret_key())
        .admin(emu.admin())
        .base_url(emu.base_url())
        // The emulator enforces no limit here: measure the calls, not the pacing.
        .rate_limits(RateLimits::off())
        .build()?;
    client
        .create_room(CreateRoom::new(RoomInfo::new(ROOM, RoomType::Conference)))
        .await?;

    // Warm the connection pool and the cached UserSig.
    run(&client, concurrency * 10, concurrency).await?;

    let start = Instant::now();
    let mut latencies = run(&client, calls, concurrency).await?;
    let elapsed = start.elapsed();
    latencies.sort();

    let pct = |p: f64| {
        let i = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies[i].as_secs_f64() * 1e6
    };
    println!(
        "get_room_info x {calls}, concurrency {concurrency}: {:.0} calls/s; latency p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
        calls as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.99),
        pct(1.0),
    );
    Ok(())
}

/// Runs `calls` get_room_info calls over `concurrency` tasks and returns
/// each call's latency.
async fn run(
    client: &Client,
    calls: usize,
    concurrency: usize,
) -> Result<Vec<Duration>, trtc_room::Error> {
    let concurrency = concurrency.max(1);
    let mut tasks = Vec::with_capacity(concurrency);
    for worker in 0..concurrency {
        let client = client.clone();
        let share = calls / concurrency + usize::from(worker < calls % concurrency);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(share);
            for _ in 0..share {
                let t = Instant::now();
                client.get_room_info(GetRoomInfo::new(ROOM)).await?;
                latencies.push(t.elapsed());
            }
            Ok::<_, trtc_room::Error>(latencies)
        }));
    }
    let mut all = Vec::with_capacity(calls);
    for task in tasks {
        match task.await {
            Ok(result) => all.extend(result?),
            Err(join) => panic!("benchmark task failed: {join}"),
        }
    }
    Ok(all)
}
