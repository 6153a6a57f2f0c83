//! Calls per second of a bare reqwest loop and of the SDK, back to back,
//! against the same emulator (in alternating slices), plus the server's CPU
//! time per call.
//!
//! ```text
//! cargo run --release --example loadtest -- --calls N --concurrency C [--base-url URL] [--paced]
//! cargo run --release --example loadtest -- --only LOOP --calls N --concurrency C [--base-url URL]
//! ```
//!
//! Without `--base-url` an emulator runs in this process on its own runtime
//! (its threads' CPU time is reported per call); with it, the emulator at
//! that URL must use the default app, key and admin, and `--server-pid PID`
//! reports that process's CPU time per call. Every loop sends get_room_info
//! for one room with the same connection-pool settings. There are two bare
//! loops, both reusing one signed URL: the plain one reads the answer and
//! does not decode it; the checking one also parses it as JSON and checks
//! that `ErrorCode` is 0, the least a caller must do to know the call
//! worked (the service answers HTTP 200 for failures too). `--paced` keeps
//! the SDK's rate limiter on, with a limit high enough never to wait (its
//! bookkeeping cost only).
//!
//! `--only raw|checked|decoded|sdk` runs one loop alone (after a warm-up of
//! its own) and prints `{"loop":…,"calls":…,"calls_per_s":…,"errors":…}`;
//! `decoded` is the bare call followed by the SDK's own answer decoder
//! ([`trtc_room::client::decode_answer`]), which separates the cost of
//! decoding from the rest of the SDK. `benchmarks/instructions.sh` runs each
//! loop alone under callgrind to count the instructions one call takes.
//!
//! Progress goes to stderr; the last stdout line is JSON:
//! `raw_calls_per_s`, `sdk_calls_per_s`, `sdk_vs_raw`,
//! `raw_checked_calls_per_s`, `sdk_vs_raw_checked`, `p50_us`, `p99_us`
//! (SDK latency), `errors`, `usersig_per_s`, and, for the in-process
//! emulator or `--server-pid`, `emulator_cpu_us_per_call` and
//! `emulator_user_cpu_us_per_call` (user space only; all loops together).
//! A benchmark, not a test: compare figures from one run.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use trtc_room::usersig::SigningKey;
use trtc_room::{Client, CreateRoom, GetRoomInfo, RateLimits, RoomInfo, RoomType};
use trtc_room_emulator::config::{DEFAULT_ADMIN, DEFAULT_SDK_APP_ID, DEFAULT_SECRET_KEY};
use trtc_room_emulator::{Emulator, EmulatorConfig};

/// Slices of the run, alternating between the bare loop and the SDK.
const SLICES: usize = 6;

struct Args {
    calls: usize,
    concurrency: usize,
    base_url: Option<String>,
    server_pid: Option<u32>,
    paced: bool,
    only: Option<String>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        calls: 20_000,
        concurrency: 16,
        base_url: None,
        server_pid: None,
        paced: false,
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--calls" => a.calls = value("--calls")?.parse().map_err(|_| "--calls: a number")?,
            "--concurrency" => {
                a.concurrency = value("--concurrency")?
                    .parse()
                    .map_err(|_| "--concurrency: a number")?
            }
            "--base-url" => a.base_url = Some(value("--base-url")?),
            "--paced" => a.paced = true,
            "--only" => {
                let l = value("--only")?;
                if !["raw", "checked", "decoded", "sdk"].contains(&l.as_str()) {
                    return Err(format!("--only: raw, checked, decoded or sdk, not {l:?}"));
                }
                a.only = Some(l);
            }
            "--server-pid" => {
                a.server_pid = Some(
                    value("--server-pid")?
                        .parse()
                        .map_err(|_| "--server-pid: a number")?,
                )
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    a.concurrency = a.concurrency.max(1);
    Ok(a)
}

/// CPU time (user, system) of the given threads of this process.
fn cpu_of(tids: &[u32]) -> Option<(Duration, Duration)> {
    let files: Vec<String> = tids
        .iter()
        .map(|t| format!("/proc/self/task/{t}/stat"))
        .collect();
    cpu_from(&files)
}

/// CPU time (user, system) from `/proc/.../stat` files.
fn cpu_from(files: &[String]) -> Option<(Duration, Duration)> {
    let tick = 100.0; // USER_HZ on Linux
    let (mut user, mut system) = (0u64, 0u64);
    for file in files {
        let stat = std::fs::read_to_string(file).ok()?;
        // Fields after the command name (which may hold spaces).
        let rest = &stat[stat.rfind(')')? + 2..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        user += f.get(11)?.parse::<u64>().ok()?;
        system += f.get(12)?.parse::<u64>().ok()?;
    }
    let secs = |ticks: u64| Duration::from_secs_f64(ticks as f64 / tick);
    Some((secs(user), secs(system)))
}

fn this_tid() -> Option<u32> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

/// Runs an emulator on its own two-thread runtime; returns its base URL and
/// the ids of its threads.
fn start_emulator() -> (String, Arc<Mutex<Vec<u32>>>) {
    let tids: Arc<Mutex<Vec<u32>>> = Arc::default();
    let record = tids.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        if let Some(t) = this_tid() {
            record.lock().unwrap().push(t);
        }
        let rec = record.clone();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .on_thread_start(move || {
                if let Some(t) = this_tid() {
                    rec.lock().unwrap().push(t);
                }
            })
            .build()
            .expect("emulator runtime");
        rt.block_on(async move {
            let emu = Emulator::start(EmulatorConfig::default())
                .await
                .expect("start the emulator");
            tx.send(emu.base_url()).expect("send url");
            std::future::pending::<()>().await;
        });
    });
    (rx.recv().expect("emulator url"), tids)
}

fn http() -> reqwest::Client {
    trtc_room::http_client_builder()
        .expect("TLS setup")
        .pool_idle_timeout(Duration::from_secs(90))
        .tcp_keepalive(Duration::from_secs(60))
        .build()
        .expect("http client")
}

/// The bare call: one pre-signed URL and the same body, straight through
/// reqwest.
#[derive(Clone)]
struct Bare {
    http: reqwest::Client,
    url: reqwest::Url,
    body: bytes::Bytes,
}

impl Bare {
    /// Sends it and reads the whole answer; the status and the body.
    async fn call(self) -> Option<(reqwest::StatusCode, bytes::Bytes)> {
        let answer = self
            .http
            .post(self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(self.body)
            .send()
            .await
            .ok()?;
        let status = answer.status();
        Some((status, answer.bytes().await.ok()?))
    }
}

/// Runs `calls` of `one` over `concurrency` tasks; returns the wall time,
/// the sorted latencies and the error count.
async fn drive<F, Fut>(
    calls: usize,
    concurrency: usize,
    label: &str,
    one: F,
) -> (Duration, Vec<u32>, usize)
where
    F: Fn() -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (next, errors, one) = (next.clone(), errors.clone(), one.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < calls {
                let t = Instant::now();
                if !one().await {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                lat.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
            }
            lat
        }));
    }
    let progress = {
        let (next, label) = (next.clone(), label.to_owned());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                eprint!(
                    "\r{label}: {}/{calls}   ",
                    next.load(Ordering::Relaxed).min(calls)
                );
            }
        })
    };
    let mut all = Vec::with_capacity(calls);
    for t in tasks {
        all.extend(t.await.expect("task"));
    }
    let elapsed = started.elapsed();
    progress.abort();
    eprintln!(
        "\r{label}: {calls}/{calls} in {:.2} s",
        elapsed.as_secs_f64()
    );
    all.sort_unstable();
    (elapsed, all, errors.load(Ordering::Relaxed))
}

/// One loop alone: a warm-up, then `calls` calls; the wall time and errors.
/// The warm-up does not depend on `calls`, so two runs differ by exactly
/// the difference in calls.
async fn only<F, Fut>(a: &Args, name: &str, one: F) -> (Duration, usize)
where
    F: Fn() -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let warm = a.concurrency * 20;
    drive(warm, a.concurrency, &format!("warm-up {name}"), one.clone()).await;
    let (t, _, e) = drive(a.calls, a.concurrency, name, one).await;
    (t, e)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args().map_err(|e| format!("loadtest: {e}"))?;
    let (base, emu_threads) = match &a.base_url {
        Some(u) => (u.trim_end_matches('/').to_owned(), None),
        None => {
            let (u, t) = start_emulator();
            (u, Some(t))
        }
    };
    let limits = if a.paced {
        RateLimits::new().all_commands_limit(u32::MAX / 2)
    } else {
        RateLimits::off()
    };
    let client = Client::builder()
        .sdk_app_id(DEFAULT_SDK_APP_ID)
        .secret_key(DEFAULT_SECRET_KEY)
        .admin(DEFAULT_ADMIN)
        .base_url(&base)
        .http_client(http())
        .rate_limits(limits)
        .build()?;
    // A room of this run's own, so runs against one emulator never collide.
    let room: &'static str = format!("loadtest-{}", std::process::id()).leak();
    client
        .create_room(CreateRoom::new(RoomInfo::new(room, RoomType::Conference)))
        .await?;

    // The bare loop: one signed URL, the same body, no envelope decoding.
    let key = SigningKey::new(DEFAULT_SDK_APP_ID, DEFAULT_SECRET_KEY);
    let sig = key.generate(DEFAULT_ADMIN, 86_400)?;
    let url = reqwest::Url::parse_with_params(
        &format!("{base}/v4/room_engine_http_srv/get_room_info"),
        &[
            ("sdkappid", DEFAULT_SDK_APP_ID.to_string()),
            ("identifier", DEFAULT_ADMIN.to_owned()),
            ("usersig", sig),
            ("random", "1".to_owned()),
            ("contenttype", "json".to_owned()),
        ],
    )?;
    let bare = Bare {
        http: http(),
        url,
        body: bytes::Bytes::from(format!("{{\"RoomId\":\"{room}\"}}")),
    };
    let raw_one = {
        let bare = bare.clone();
        move || {
            let bare = bare.clone();
            async move {
                bare.call()
                    .await
                    .is_some_and(|(status, _)| status.is_success())
            }
        }
    };
    let checked_one = {
        let bare = bare.clone();
        move || {
            let bare = bare.clone();
            async move {
                bare.call().await.is_some_and(|(_, bytes)| {
                    serde_json::from_slice::<serde_json::Value>(&bytes)
                        .is_ok_and(|v| v.get("ErrorCode").and_then(|c| c.as_i64()) == Some(0))
                })
            }
        }
    };
    let decoded_one = {
        let bare = bare.clone();
        move || {
            let bare = bare.clone();
            async move {
                bare.call().await.is_some_and(|(_, bytes)| {
                    trtc_room::client::decode_answer::<GetRoomInfo>(&bytes).is_ok()
                })
            }
        }
    };
    let sdk_one = {
        let client = client.clone();
        move || {
            let client = client.clone();
            async move { client.get_room_info(GetRoomInfo::new(room)).await.is_ok() }
        }
    };

    if let Some(name) = a.only.as_deref() {
        let (t, e) = match name {
            "raw" => only(&a, name, raw_one).await,
            "checked" => only(&a, name, checked_one).await,
            "decoded" => only(&a, name, decoded_one).await,
            _ => only(&a, name, sdk_one).await,
        };
        println!(
            "{{\"loop\":\"{name}\",\"calls\":{},\"concurrency\":{},\"calls_per_s\":{:.0},\"errors\":{e}}}",
            a.calls,
            a.concurrency,
            a.calls as f64 / t.as_secs_f64()
        );
        return Ok(());
    }

    // Warm the pools.
    let warm = (a.concurrency * 20).min(a.calls);
    drive(warm, a.concurrency, "warm-up raw", raw_one.clone()).await;
    drive(warm, a.concurrency, "warm-up checked", checked_one.clone()).await;
    drive(warm, a.concurrency, "warm-up sdk", sdk_one.clone()).await;

    // The in-process emulator's threads, or the whole `--server-pid` process.
    let cpu = |t: &Option<Arc<Mutex<Vec<u32>>>>| match (t, a.server_pid) {
        (Some(t), _) => cpu_of(&t.lock().unwrap()),
        (None, Some(pid)) => cpu_from(&[format!("/proc/{pid}/stat")]),
        (None, None) => None,
    };
    let cpu0 = cpu(&emu_threads);
    // The loops' slices alternate, so a change in the machine's load during
    // the run weighs on all of them alike.
    let per = (a.calls / SLICES).max(1);
    let total = per * SLICES;
    let (mut raw_t, mut checked_t, mut sdk_t) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let (mut raw_err, mut checked_err, mut sdk_err) = (0, 0, 0);
    let mut lat = Vec::with_capacity(total);
    for i in 1..=SLICES {
        let (t, _, e) = drive(
            per,
            a.concurrency,
            &format!("raw {i}/{SLICES}"),
            raw_one.clone(),
        )
        .await;
        raw_t += t;
        raw_err += e;
        let (t, _, e) = drive(
            per,
            a.concurrency,
            &format!("checked {i}/{SLICES}"),
            checked_one.clone(),
        )
        .await;
        checked_t += t;
        checked_err += e;
        let (t, l, e) = drive(
            per,
            a.concurrency,
            &format!("sdk {i}/{SLICES}"),
            sdk_one.clone(),
        )
        .await;
        sdk_t += t;
        sdk_err += e;
        lat.extend(l);
    }
    lat.sort_unstable();
    let cpu1 = cpu(&emu_threads);

    let started = Instant::now();
    let mut sigs = 0u64;
    while started.elapsed() < Duration::from_millis(500) {
        for _ in 0..100 {
            std::hint::black_box(key.generate(DEFAULT_ADMIN, 86_400)?);
        }
        sigs += 100;
    }
    let usersig_per_s = sigs as f64 / started.elapsed().as_secs_f64();

    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize];
    let raw_rate = total as f64 / raw_t.as_secs_f64();
    let sdk_rate = total as f64 / sdk_t.as_secs_f64();
    let checked_rate = total as f64 / checked_t.as_secs_f64();
    // Per call of all three loops; the whole (user + kernel) and user space only.
    let per_call = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1e6 / (3 * total) as f64);
    let (emu_cpu, emu_user) = match (cpu0, cpu1) {
        (Some((u0, s0)), Some((u1, s1))) => (per_call((u1 + s1) - (u0 + s0)), per_call(u1 - u0)),
        _ => ("null".into(), "null".into()),
    };
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "null".into());
    println!(
        "{{\"calls\":{},\"concurrency\":{},\"raw_calls_per_s\":{raw_rate:.0},\"sdk_calls_per_s\":{sdk_rate:.0},\"sdk_vs_raw\":{:.3},\"raw_checked_calls_per_s\":{checked_rate:.0},\"sdk_vs_raw_checked\":{:.3},\"p50_us\":{},\"p99_us\":{},\"errors\":{},\"usersig_per_s\":{usersig_per_s:.0},\"emulator_cpu_us_per_call\":{emu_cpu},\"emulator_user_cpu_us_per_call\":{emu_user},\"paced\":{},\"load_avg_1m\":{load}}}",
        total,
        a.concurrency,
        sdk_rate / raw_rate,
        sdk_rate / checked_rate,
        pct(0.50),
        pct(0.99),
        raw_err + checked_err + sdk_err,
        a.paced,
    );
    Ok(())
}
