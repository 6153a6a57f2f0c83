//! Soak run: many calls at a given concurrency against an emulator running
//! in a child process, mixing the commands of a room's life cycle (accounts,
//! rooms, members, marks, seats, bans, kicks, destroy, account checks and
//! online status). Reports errors by kind, latency percentiles, and the
//! resident memory of the client (this process) and of the emulator, before
//! and after.
//!
//! ```text
//! cargo run --release -p trtc-room-emulator --example soak [-- <calls> <concurrency>]
//! ```
//!
//! Defaults: 20,000 calls at concurrency 64. Each worker repeats a cycle of
//! 18 calls on its own room (members enter through the emulator's control
//! API, which is not counted), so every cycle leaves no room and no
//! account behind. Linux only for the memory figures (`/proc`).

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};
use trtc_room::{
    AccountCheck, AccountImport, AccountRef, BanRoomMember, Client, CreateRoom, DestroyRoom, Error,
    GetBannedMemberList, GetRoomInfo, GetRoomMemberList, GetSeatList, KickUserOffSeat, KickUserOut,
    LockSeat, MarkCommandType, MarkRoomMember, MemberInfo, MemberMarks, PickUserOnSeat,
    QueryOnlineStatus, RoomInfo, RoomInfoUpdate, RoomType, UnbanRoomMember, UpdateRoomInfo,
    UpdateRoomMemberInfo,
};
use trtc_room_emulator::config::{DEFAULT_ADMIN, DEFAULT_SDK_APP_ID, DEFAULT_SECRET_KEY};
use trtc_room_emulator::{Emulator, EmulatorConfig};

/// Calls per cycle (see `cycle`).
const CYCLE: usize = 18;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // RUST_LOG sets what the SDK logs on stderr (errors only by default).
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .with_writer(std::io::stderr)
        .init();
    if std::env::args().nth(1).as_deref() == Some("--emulator") {
        return serve_emulator().await;
    }
    let mut args = std::env::args().skip(1);
    let calls: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let concurrency: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64)
        .max(1);

    // The emulator in a child process (this same program), so each side's
    // memory can be measured.
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .arg("--emulator")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let emu_pid = child.id().ok_or("the emulator exited at once")?;
    let mut lines = BufReader::new(child.stdout.take().ok_or("no stdout")?).lines();
    let base_url = lines
        .next_line()
        .await?
        .ok_or("the emulator printed nothing")?;

    let client = Client::builder()
        .sdk_app_id(DEFAULT_SDK_APP_ID)
        .secret_key(DEFAULT_SECRET_KEY)
        .admin(DEFAULT_ADMIN)
        .base_url(&base_url)
        .build()?;
    let control = trtc_room::http_client_builder().unwrap().build().unwrap();

    // Warm up (pool, cached sig), then measure.
    run(
        &client,
        &control,
        &base_url,
        concurrency * CYCLE,
        concurrency,
        "warm",
    )
    .await;
    let (client_before, emu_before) = (rss_kib("self"), rss_kib(&emu_pid.to_string()));
    let start = Instant::now();
    let (mut latencies, errors) =
        run(&client, &control, &base_url, calls, concurrency, "soak").await;
    let elapsed = start.elapsed();
    let (client_after, emu_after) = (rss_kib("self"), rss_kib(&emu_pid.to_string()));

    latencies.sort_unstable();
    let pct = |p: f64| {
        let i = ((latencies.len().max(1) - 1) as f64 * p).round() as usize;
        latencies.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    let total_errors: usize = errors.values().sum();
    println!(
        "{} calls at concurrency {concurrency} in {:.1} s ({:.0} calls/s)",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
    println!("errors: {total_errors}");
    for (kind, n) in &errors {
        println!("  {n} x {kind}");
    }
    println!(
        "latency: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(0.50),
        pct(0.99),
        pct(1.0)
    );
    println!(
        "RSS client: {} -> {} KiB; emulator: {} -> {} KiB",
        show(client_before),
        show(client_after),
        show(emu_before),
        show(emu_after)
    );
    child.kill().await?;
    Ok(())
}

/// Child mode: run the emulator, print its base URL, serve until killed.
async fn serve_emulator() -> Result<(), Box<dyn std::error::Error>> {
    let emu = Emulator::start(EmulatorConfig::default()).await?;
    println!("{}", emu.base_url());
    std::future::pending::<()>().await;
    Ok(())
}

fn show(v: Option<u64>) -> String {
    v.map_or("?".to_owned(), |v| v.to_string())
}

/// VmRSS of `/proc/<pid>` in KiB.
fn rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs about `calls` calls (whole cycles) over `concurrency` workers;
/// returns every call's latency and the errors by kind.
async fn run(
    client: &Client,
    control: &reqwest::Client,
    base_url: &str,
    calls: usize,
    concurrency: usize,
    tag: &'static str,
) -> (Vec<Duration>, BTreeMap<String, usize>) {
    let cycles = calls.div_ceil(CYCLE);
    let mut tasks = Vec::with_capacity(concurrency);
    for worker in 0..concurrency {
        let share = cycles / concurrency + usize::from(worker < cycles % concurrency);
        let (client, control, base) = (client.clone(), control.clone(), base_url.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(share * CYCLE);
            let mut errors = BTreeMap::new();
            for n in 0..share {
                let room = format!("{tag}-{worker}-{n}");
                cycle(&client, &control, &base, &room, &mut latencies, &mut errors).await;
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::with_capacity(cycles * CYCLE);
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    for task in tasks {
        let (l, e) = task.await.expect("a soak worker panicked");
        all.extend(l);
        for (k, n) in e {
            *errors.entry(k).or_default() += n;
        }
    }
    (all, errors)
}

fn kind(e: &Error) -> String {
    match e {
        Error::Service { code, call, .. } => format!("{} ErrorCode {}", call.command, code.code()),
        other => {
            let call = other.call().map_or("-".to_owned(), |c| c.command.clone());
            let text = other.to_string();
            let variant = text.split(' ').next().unwrap_or("error").to_owned();
            format!("{call} {variant}")
        }
    }
}

macro_rules! timed {
    ($lat:expr, $errors:expr, $call:expr) => {{
        let t = Instant::now();
        let result = $call.await;
        $lat.push(t.elapsed());
        if let Err(e) = &result {
            *$errors.entry(kind(e)).or_default() += 1;
        }
    }};
}

/// One room's life: 18 calls.
async fn cycle(
    c: &Client,
    control: &reqwest::Client,
    base: &str,
    room: &str,
    lat: &mut Vec<Duration>,
    errors: &mut BTreeMap<String, usize>,
) {
    let (a, b) = (format!("{room}-a"), format!("{room}-b"));
    timed!(lat, errors, c.account_import(AccountImport::new(&a)));
    timed!(
        lat,
        errors,
        c.create_room(CreateRoom::new(
            RoomInfo::new(room, RoomType::Conference)
                .is_seat_enabled(true)
                .max_seat_count(4)
        ))
    );
    for user in [&a, &b] {
        let _ = control
            .post(format!("{base}/emulator/v1/enter_room"))
            .header("content-type", "application/json")
            .body(serde_json::json!({"RoomId": room, "Member_Account": user}).to_string())
            .send()
            .await;
    }
    timed!(lat, errors, c.get_room_info(GetRoomInfo::new(room)));
    timed!(
        lat,
        errors,
        c.update_room_info(UpdateRoomInfo::new(
            RoomInfoUpdate::new(room).room_name("soak")
        ))
    );
    timed!(
        lat,
        errors,
        c.get_room_member_list(GetRoomMemberList::new(room))
    );
    timed!(
        lat,
        errors,
        c.update_room_member_info(UpdateRoomMemberInfo::new(
            room,
            MemberInfo::new(&a).name_card("n")
        ))
    );
    timed!(
        lat,
        errors,
        c.mark_room_member(MarkRoomMember::new(
            room,
            MarkCommandType::Set,
            [MemberMarks::new(&a, [1001])]
        ))
    );
    timed!(lat, errors, c.get_seat_list(GetSeatList::new(room)));
    timed!(
        lat,
        errors,
        c.pick_user_on_seat(PickUserOnSeat::new(room, 1, &a))
    );
    timed!(lat, errors, c.lock_seat(LockSeat::new(room, 2)));
    timed!(
        lat,
        errors,
        c.kick_user_off_seat(KickUserOffSeat::new(room, &a).data("soak"))
    );
    timed!(
        lat,
        errors,
        c.ban_room_member(BanRoomMember::new(room, [&b], "soak", 60))
    );
    timed!(
        lat,
        errors,
        c.get_banned_member_list(GetBannedMemberList::new(room))
    );
    timed!(
        lat,
        errors,
        c.unban_room_member(UnbanRoomMember::new(room, [&b]))
    );
    timed!(
        lat,
        errors,
        c.kick_user_out(KickUserOut::new(room, [&a], "soak"))
    );
    timed!(lat, errors, c.destroy_room(DestroyRoom::new(room)));
    timed!(
        lat,
        errors,
        c.account_check(AccountCheck::new([AccountRef::new(&a)]))
    );
    timed!(
        lat,
        errors,
        c.query_online_status(QueryOnlineStatus::new([&a]))
    );
}
