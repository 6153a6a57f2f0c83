//! Several processes share one rate-limit budget through Redis.
//!
//! Runs without the libtest harness: the test binary is also the worker.
//! The coordinator starts a `redis-server` on a free loopback port and an
//! emulator enforcing a limit, then runs this binary four times as workers
//! (`TRTC_REDIS_WORKER` set), each with its own client paced through the
//! same Redis key. The emulator's own accounting must show every call
//! accepted, none refused, and never more than the limit in a second.
//!
//! Without `redis-server` on PATH the multi-process part skips with a
//! NOTICE, unless `TRTC_REQUIRE_REDIS=1` (set by CI), where it fails.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use trtc_room::limit::RedisBackend;
use trtc_room::{Client, GetRoomInfo, RateLimits, RetryPolicy};
use trtc_room_emulator::{Emulator, EmulatorConfig, RateStats};

/// Limit the emulator enforces, per command.
const LIMIT: u32 = 40;
/// The workers pace at this fraction of it: the slack absorbs calls that
/// a loaded machine delays and then sends together.
const HEADROOM: f64 = 0.7;
const WORKERS: usize = 4;
const CALLS_PER_WORKER: usize = 30;
const WORKER_CONCURRENCY: usize = 4;

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    if let Ok(spec) = std::env::var("TRTC_REDIS_WORKER") {
        std::process::exit(rt.block_on(worker(&spec)));
    }
    rt.block_on(unreachable_redis_falls_back_to_local_pacing());
    println!("test unreachable_redis_falls_back_to_local_pacing ... ok");
    match rt.block_on(processes_share_one_budget()) {
        Some(()) => println!("test processes_share_one_budget ... ok"),
        None => println!("test processes_share_one_budget ... skipped (NOTICE above)"),
    }
}

fn client(base_url: &str, limits: RateLimits) -> Client {
    Client::builder()
        .sdk_app_id(trtc_room_emulator::config::DEFAULT_SDK_APP_ID)
        .secret_key(trtc_room_emulator::config::DEFAULT_SECRET_KEY)
        .admin(trtc_room_emulator::config::DEFAULT_ADMIN)
        .base_url(base_url)
        .rate_limits(limits)
        // One attempt: a single refusal fails a call.
        .retry_policy(RetryPolicy::no_retries())
        .build()
        .expect("build the client")
}

/// Sends `calls` get_room_info calls, `WORKER_CONCURRENCY` at a time;
/// returns how many failed otherwise than with 100004 (no such room).
async fn run_calls(client: &Client, calls: usize) -> usize {
    let mut set = tokio::task::JoinSet::new();
    let mut failed = 0;
    for _ in 0..calls {
        if set.len() >= WORKER_CONCURRENCY {
            failed += set.join_next().await.map_or(0, |r| r.expect("task"));
        }
        let c = client.clone();
        set.spawn(async move {
            match c.get_room_info(GetRoomInfo::new("no-such-room")).await {
                Err(e) if e.service_code() != Some(100_004) => {
                    eprintln!("call failed: {e}");
                    1
                }
                _ => 0,
            }
        });
    }
    while let Some(r) = set.join_next().await {
        failed += r.expect("task");
    }
    failed
}

/// Worker: `<base_url> <redis_url>`; prints `failed=<n>`.
async fn worker(spec: &str) -> i32 {
    let (base, redis) = spec.split_once(' ').expect("worker spec");
    let backend = RedisBackend::new(redis).expect("redis url");
    let limits = RateLimits::new()
        .all_commands_limit(LIMIT)
        .headroom(HEADROOM)
        .backend(Arc::new(backend));
    let failed = run_calls(&client(base, limits), CALLS_PER_WORKER).await;
    println!("failed={failed}");
    0
}

async fn limited_emulator() -> Emulator {
    Emulator::start(EmulatorConfig {
        rate_limit: true,
        rate_limit_override: Some(LIMIT),
        ..EmulatorConfig::default()
    })
    .await
    .expect("start the emulator")
}

fn stats(emu: &Emulator) -> RateStats {
    *emu.rate_stats()
        .get("room_engine_http_srv/get_room_info")
        .expect("get_room_info was counted")
}

/// Collects what the tracing subscriber writes.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn unreachable_redis_falls_back_to_local_pacing() {
    let logs = Logs::default();
    let sink = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .finish();
    // Global: the calls run on the runtime's worker threads.
    tracing::subscriber::set_global_default(subscriber).expect("one subscriber");

    // Nothing listens on a port we just freed.
    let port = free_port();
    let emu = limited_emulator().await;
    let backend = Arc::new(RedisBackend::new(&format!("redis://127.0.0.1:{port}/")).expect("url"));
    let limits = RateLimits::new()
        .all_commands_limit(LIMIT)
        .headroom(0.75)
        .backend(backend.clone());
    let c = client(&emu.base_url(), limits);
    let calls = (LIMIT * 2) as usize;
    let failed = run_calls(&c, calls).await;
    assert_eq!(failed, 0, "calls were lost while Redis was down");
    let s = stats(&emu);
    // Every call was sent once, paced by the local schedule.
    assert_eq!((s.accepted, s.refused), (calls as u64, 0), "{s:?}");
    assert!(backend.is_degraded());
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(
        text.contains("WARN") && text.contains("Redis is unreachable"),
        "no warning: {text}"
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// Stops the child process when dropped.
struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_redis() -> Option<(Kill, String)> {
    let required = std::env::var("TRTC_REQUIRE_REDIS").is_ok_and(|v| v == "1");
    let port = free_port();
    let spawned = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match spawned {
        Ok(c) => Kill(c),
        Err(e) if !required => {
            println!("NOTICE: redis-server cannot be started ({e}); the multi-process Redis test is skipped (set TRTC_REQUIRE_REDIS=1 to require it)");
            return None;
        }
        Err(e) => panic!("redis-server cannot be started: {e}"),
    };
    // Wait until it answers PING.
    let until = Instant::now() + Duration::from_secs(20);
    while !answers_ping(port) {
        assert!(Instant::now() < until, "redis-server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let url = format!("redis://127.0.0.1:{port}/");
    Some((child, url))
}

fn answers_ping(port: u16) -> bool {
    use std::io::Read;
    let Ok(mut conn) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = conn.set_read_timeout(Some(Duration::from_secs(1)));
    let mut answer = [0u8; 7];
    conn.write_all(b"PING\r\n").is_ok()
        && conn.read_exact(&mut answer).is_ok()
        && &answer == b"+PONG\r\n"
}

async fn processes_share_one_budget() -> Option<()> {
    let (_redis, url) = start_redis()?;
    let emu = limited_emulator().await;
    let exe = std::env::current_exe().expect("own path");
    let workers: Vec<Kill> = (0..WORKERS)
        .map(|_| {
            Kill(
                Command::new(&exe)
                    .env("TRTC_REDIS_WORKER", format!("{} {url}", emu.base_url()))
                    .stdout(Stdio::piped())
                    .spawn()
                    .expect("start a worker"),
            )
        })
        .collect();
    let mut failed = 0;
    for mut w in workers {
        // Wait without blocking the emulator's runtime.
        let out = w.0.stdout.take().expect("stdout");
        let line = tokio::task::spawn_blocking(move || {
            BufReader::new(out)
                .lines()
                .map_while(Result::ok)
                .find(|l| l.starts_with("failed="))
        })
        .await
        .expect("reader")
        .expect("the worker reported");
        let status = tokio::task::spawn_blocking(move || w.0.wait().map(|s| (s, w)))
            .await
            .expect("wait")
            .expect("worker status");
        assert!(status.0.success(), "worker exited with {}", status.0);
        failed += line["failed=".len()..].parse::<usize>().expect("count");
    }
    let s = stats(&emu);
    let total = (WORKERS * CALLS_PER_WORKER) as u64;
    assert_eq!(failed, 0, "{s:?}");
    assert_eq!((s.accepted, s.refused), (total, 0), "{s:?}");
    assert!(s.busiest_second <= LIMIT, "{s:?}");
    let rate = s.accepted_per_second().expect("a rate");
    assert!(
        rate <= f64::from(LIMIT),
        "combined {rate:.1} calls/s: {s:?}"
    );
    println!(
        "{WORKERS} processes, {total} calls: {rate:.1} calls/s combined (limit {LIMIT}, paced at {:.0}), busiest second {}, refused {}",
        f64::from(LIMIT) * HEADROOM,
        s.busiest_second,
        s.refused
    );
    Some(())
}
