//! Live quickstart: a live room's whole life cycle through the `trtc-room`
//! SDK, against the emulator started in this process.
//!
//! ```text
//! cargo run --example live_quickstart
//! ```
//!
//! The walk: import the accounts, point the Live callbacks at a receiver in
//! this process, create a live room, set its metadata, let an audience in
//! (control API), appoint an admin, mute and ban, add a robot, post a text
//! message, send two gifts (the receiver allows one and refuses the other),
//! run a PK battle against a second room, read the statistics, destroy the
//! rooms. Every step prints one line: the command, what happened, the
//! RequestId. Any failure stops the walk and exits with status 1.

use std::fmt::Display;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use axum::extract::{RawQuery, State};
use axum::routing::post;
use trtc_room::webhook::{self, Decision, WebhookVerifier};
use trtc_room::{
    Client, Error, LiveAddRobot, LiveAdminOpType, LiveBanMember, LiveCallbackCommand,
    LiveCreateBattle, LiveCreateRoom, LiveDeleteCallback, LiveDestroyRoom, LiveGetAdminList,
    LiveGetBannedMemberList, LiveGetBattleInfo, LiveGetGiftCount, LiveGetMemberList,
    LiveGetMutedMemberList, LiveGetRoomInfo, LiveGetRoomList, LiveGetRoomMetadata,
    LiveGetRoomStats, LiveMetadata, LiveModifyAdmin, LiveMuteMember, LiveRoomInfo, LiveRoomType,
    LiveSendGift, LiveSendTextMsg, LiveSetCallback, LiveSetRoomMetadata, LiveUnbanMember,
    MultiaccountImport, TakeSeatMode, WebhookEvent,
};
use trtc_room_emulator::{Emulator, EmulatorConfig};

/// The host of the demo room, the host of the rival room, and the audience.
const HOST: &str = "host-anna";
const RIVAL: &str = "host-ben";
const VIEWERS: [&str; 3] = ["viewer-chen", "viewer-dita", "viewer-eli"];
const ROBOT: &str = "robot-obs";

const ROOM: &str = "live-quickstart";
const RIVAL_ROOM: &str = "live-quickstart-rival";

/// The gift the receiver allows, and the one it refuses.
const ROSE: &str = "rose";
const ROCKET: &str = "rocket";

const USAGE: &str = "\
live_quickstart: a live room's whole life cycle through the trtc-room SDK

USAGE:
    cargo run --example live_quickstart [-- --help]

Runs against an emulator started in this process, with a gift before-callback
receiver (Live.CallbackBeforeSendGift) in this process too. RUST_LOG sets what
the SDK logs on stderr (for example RUST_LOG=trtc_room=debug).";

#[tokio::main]
async fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        None => {}
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("live_quickstart: unknown argument {other:?}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(()) => {
            println!("\nDone: the live room went through its whole life cycle.");
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("\nlive_quickstart failed: {failure}");
            ExitCode::FAILURE
        }
    }
}

/// A failed step: what was being done and why it failed.
struct Failure(String);

impl Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn failed<E: Display>(step: &'static str) -> impl Fn(E) -> Failure {
    move |e| Failure(format!("{step}: {e}"))
}

fn check(ok: bool, what: impl Into<String>) -> Result<(), Failure> {
    if ok {
        Ok(())
    } else {
        Err(Failure(what.into()))
    }
}

/// Prints one step's line.
struct Steps(u32);

impl Steps {
    fn done(&mut self, command: &str, what: impl Display, request_id: Option<&str>) {
        self.0 += 1;
        println!(
            "{:>2}. {command:<24} {what}  [RequestId {}]",
            self.0,
            request_id.unwrap_or("-")
        );
    }

    fn note(&mut self, command: &str, what: impl Display) {
        self.0 += 1;
        println!("{:>2}. {command:<24} {what}", self.0);
    }
}

/// What the in-process receiver saw, for the walk to report.
#[derive(Default)]
struct Received {
    /// `(gift, allowed)` of each gift before-callback.
    gifts: Vec<(String, bool)>,
    /// Callback commands of the other (after-event) deliveries.
    events: Vec<String>,
}

struct Receiver {
    verifier: WebhookVerifier,
    seen: Mutex<Received>,
}

/// The app's webhook endpoint: verifies each delivery, answers the gift
/// before-callback with a typed decision (roses yes, rockets no), and
/// acknowledges everything else.
async fn receive(
    State(rx): State<Arc<Receiver>>,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> (webhook::StatusCode, Vec<u8>) {
    let delivery = match rx.verifier.receive(query.as_deref().unwrap_or(""), &body) {
        Ok(delivery) => delivery,
        Err(refused) => return webhook::refusal(&refused),
    };
    let mut seen = rx.seen.lock().unwrap_or_else(|p| p.into_inner());
    match &delivery.event {
        WebhookEvent::LiveBeforeSendGift(gift) => {
            let gift_id = gift
                .gift_water
                .as_ref()
                .and_then(|w| w.gift_id.clone())
                .unwrap_or_default();
            let decision = if gift_id == ROCKET {
                trtc_room::LiveBeforeSendGiftDecision::reject("rockets are not sold in this room")
            } else {
                trtc_room::LiveBeforeSendGiftDecision::allow()
            };
            seen.gifts.push((gift_id, decision.is_allowed()));
            (webhook::StatusCode::OK, decision.to_body())
        }
        other => {
            seen.events.push(other.command().to_owned());
            (webhook::StatusCode::OK, webhook::ack().to_vec())
        }
    }
}

/// Starts the receiver on a free loopback port; returns its URL.
async fn start_receiver(rx: Arc<Receiver>) -> Result<String, Failure> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(failed("bind the webhook receiver"))?;
    let addr = listener
        .local_addr()
        .map_err(failed("bind the webhook receiver"))?;
    let app = axum::Router::new()
        .route("/live-callbacks", post(receive))
        .with_state(rx);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}/live-callbacks"))
}

async fn run() -> Result<(), Failure> {
    let emu = Emulator::start(EmulatorConfig::default())
        .await
        .map_err(failed("start the emulator"))?;
    let client = Client::builder()
        .sdk_app_id(emu.sdk_app_id())
        .secret_key(emu.secret_key())
        .admin(emu.admin())
        .base_url(emu.base_url())
        .build()
        .map_err(failed("build the client"))?;
    println!(
        "In-process emulator at {} (SDKAppID {}, admin {})\nRoom ID: {ROOM}\n",
        emu.base_url(),
        emu.sdk_app_id(),
        emu.admin()
    );
    let mut verifier = WebhookVerifier::new(emu.sdk_app_id());
    if let Some(token) = emu.callback_token() {
        verifier = verifier.with_token(token);
    }
    let rx = Arc::new(Receiver {
        verifier,
        seen: Mutex::new(Received::default()),
    });
    let url = start_receiver(rx.clone()).await?;
    let mut steps = Steps(0);
    let walked = walk(&client, &emu, &rx, &url, &mut steps).await;
    // Clean up whatever the walk left, even after a failure.
    for room in [ROOM, RIVAL_ROOM] {
        let _ = client.live_destroy_room(LiveDestroyRoom::new(room)).await;
    }
    let _ = client.live_delete_callback(LiveDeleteCallback::new()).await;
    emu.shutdown().await;
    walked
}

async fn walk(
    client: &Client,
    emu: &Emulator,
    rx: &Receiver,
    url: &str,
    steps: &mut Steps,
) -> Result<(), Failure> {
    // Every user of a live room is a Chat account of the app.
    let users: Vec<&str> = [HOST, RIVAL, ROBOT].into_iter().chain(VIEWERS).collect();
    let reply = client
        .multiaccount_import(MultiaccountImport::new().accounts(users.iter().copied()))
        .await
        .map_err(failed("multiaccount_import"))?;
    steps.done(
        "multiaccount_import",
        format!("{} accounts ready", users.len()),
        reply.request_id(),
    );

    // The app's Live callbacks, including the gift before-callback.
    let reply = client
        .live_set_callback(LiveSetCallback::new(
            url,
            [
                LiveCallbackCommand::BeforeSendGift,
                LiveCallbackCommand::AfterCreateRoom,
                LiveCallbackCommand::AfterCreateBattle,
                LiveCallbackCommand::AfterDestroyRoom,
            ],
        ))
        .await
        .map_err(failed("live_config/set_callback"))?;
    steps.done(
        "set_callback",
        format!("Live callbacks go to {url}"),
        reply.request_id(),
    );

    rooms(client, steps).await?;
    audience(client, emu, steps).await?;
    moderation(client, emu, steps).await?;
    robots_and_messages(client, emu, steps).await?;
    gifts(client, rx, steps).await?;
    battle(client, emu, steps).await?;
    stats_and_destroy(client, rx, steps).await
}

async fn rooms(client: &Client, steps: &mut Steps) -> Result<(), Failure> {
    for (room, host, name) in [
        (ROOM, HOST, "Anna's evening show"),
        (RIVAL_ROOM, RIVAL, "Ben's rival show"),
    ] {
        let info = LiveRoomInfo::new(room, LiveRoomType::Live)
            .room_name(name)
            .owner_account(host)
            .max_seat_count(4)
            .take_seat_mode(TakeSeatMode::ApplyToTake);
        let reply = client
            .live_create_room(LiveCreateRoom::new(info))
            .await
            .map_err(failed("live_create_room"))?;
        steps.done(
            "create_room",
            format!("{room}, hosted by {host}"),
            reply.request_id(),
        );
    }
    // Creating it again: the engine says it exists with the same owner.
    let again = client
        .live_create_room(LiveCreateRoom::new(
            LiveRoomInfo::new(ROOM, LiveRoomType::Live).owner_account(HOST),
        ))
        .await;
    match again {
        Err(e) if e.is_room_id_in_use() => steps.note(
            "create_room (again)",
            format!(
                "ErrorCode {}: the room exists with this owner (reuse it)",
                e.service_code().unwrap_or_default()
            ),
        ),
        other => {
            return Err(Failure(format!(
                "create_room again: expected 100010, got {other:?}"
            )))
        }
    }

    let metadata = [
        LiveMetadata::new("topic", "sunset songs"),
        LiveMetadata::new("pinned", "requests open at nine"),
    ];
    let reply = client
        .live_set_room_metadata(LiveSetRoomMetadata::new(ROOM, metadata))
        .await
        .map_err(failed("set_room_metadata"))?;
    steps.done(
        "set_room_metadata",
        "topic and pinned set",
        reply.request_id(),
    );
    let reply = client
        .live_get_room_metadata(LiveGetRoomMetadata::new(ROOM, ["topic"]))
        .await
        .map_err(failed("get_room_metadata"))?;
    let topic = reply
        .metadata
        .as_deref()
        .and_then(|m| m.iter().find(|kv| kv.key == "topic"))
        .map(|kv| kv.value.clone());
    check(
        topic.as_deref() == Some("sunset songs"),
        format!("get_room_metadata: topic is {topic:?}"),
    )?;
    steps.done(
        "get_room_metadata",
        "topic = sunset songs",
        reply.request_id(),
    );

    let listed = client
        .live_get_room_list_all(LiveGetRoomList::new("", 20))
        .await
        .map_err(failed("get_room_list"))?;
    check(
        listed.iter().any(|r| r.room_id == ROOM),
        "get_room_list: our room is missing",
    )?;
    steps.note(
        "get_room_list (all pages)",
        format!("{} rooms, most viewed first", listed.len()),
    );
    Ok(())
}

async fn audience(client: &Client, emu: &Emulator, steps: &mut Steps) -> Result<(), Failure> {
    for viewer in VIEWERS {
        emu.enter_room(ROOM, viewer)
            .map_err(failed("enter_room (control API)"))?;
    }
    steps.note(
        "enter_room (emulator)",
        format!("{} viewers joined", VIEWERS.len()),
    );
    let members = client
        .live_get_member_list_all(LiveGetMemberList::new(ROOM, ""))
        .await
        .map_err(failed("get_member_list"))?;
    check(
        VIEWERS
            .iter()
            .all(|v| members.iter().any(|m| m.member_account == *v)),
        "get_member_list: a viewer is missing",
    )?;
    steps.note("get_member_list (all)", format!("{} online", members.len()));
    Ok(())
}

async fn moderation(client: &Client, emu: &Emulator, steps: &mut Steps) -> Result<(), Failure> {
    let [chen, dita, eli] = VIEWERS;
    let reply = client
        .live_modify_admin(LiveModifyAdmin::new(ROOM, [chen], LiveAdminOpType::Add))
        .await
        .map_err(failed("modify_admin"))?;
    steps.done(
        "modify_admin",
        format!("{chen} is an admin"),
        reply.request_id(),
    );
    let reply = client
        .live_get_admin_list(LiveGetAdminList::new(ROOM))
        .await
        .map_err(failed("get_admin_list"))?;
    steps.done(
        "get_admin_list",
        format!("{:?}", reply.admin_account.as_deref().unwrap_or_default()),
        reply.request_id(),
    );

    let reply = client
        .live_mute_member(LiveMuteMember::new(ROOM, [dita], 600))
        .await
        .map_err(failed("mute_member"))?;
    steps.done(
        "mute_member",
        format!("{dita} muted for 10 min"),
        reply.request_id(),
    );
    let reply = client
        .live_get_muted_member_list(LiveGetMutedMemberList::new(ROOM))
        .await
        .map_err(failed("get_muted_member_list"))?;
    let muted = reply
        .muted_account_list
        .as_deref()
        .unwrap_or_default()
        .len();
    check(muted == 1, format!("get_muted_member_list: {muted} muted"))?;
    steps.done("get_muted_member_list", "1 muted", reply.request_id());

    let reply = client
        .live_ban_member(LiveBanMember::new(ROOM, [eli], 3600).reason("spam links"))
        .await
        .map_err(failed("ban_member"))?;
    steps.done(
        "ban_member",
        format!("{eli} banned for 1 h"),
        reply.request_id(),
    );
    check(
        emu.enter_room(ROOM, eli).is_err(),
        "a banned viewer got back in",
    )?;
    steps.note("enter_room (emulator)", format!("{eli} is kept out"));
    // An hour later, on the emulator's clock: the ban has run out.
    emu.advance_clock(3601);
    let reply = client
        .live_get_banned_member_list(LiveGetBannedMemberList::new(ROOM))
        .await
        .map_err(failed("get_banned_member_list"))?;
    let banned = reply
        .banned_account_list
        .as_deref()
        .unwrap_or_default()
        .len();
    check(
        banned == 0,
        format!("{banned} still banned after the ban ran out"),
    )?;
    steps.done(
        "get_banned_member_list",
        "empty one hour later (emulator clock)",
        reply.request_id(),
    );
    let reply = client
        .live_unban_member(LiveUnbanMember::new(ROOM, [eli]))
        .await
        .map_err(failed("unban_member"))?;
    steps.done(
        "unban_member",
        format!("{eli} may come back"),
        reply.request_id(),
    );
    Ok(())
}

async fn robots_and_messages(
    client: &Client,
    emu: &Emulator,
    steps: &mut Steps,
) -> Result<(), Failure> {
    let reply = client
        .live_add_robot(LiveAddRobot::new(ROOM, [ROBOT]))
        .await
        .map_err(failed("add_robot"))?;
    steps.done("add_robot", format!("{ROBOT} joined"), reply.request_id());
    let reply = client
        .live_send_text_msg(LiveSendTextMsg::new(ROOM, HOST, "Welcome, everyone!"))
        .await
        .map_err(failed("send_text_msg"))?;
    steps.done(
        "send_text_msg",
        format!("seq {}", reply.msg_seq.unwrap_or_default()),
        reply.request_id(),
    );
    let recorded = emu
        .live_messages(ROOM)
        .map_err(failed("live_messages (control API)"))?;
    check(!recorded.is_empty(), "the emulator recorded no message")?;
    steps.note(
        "live_messages (emulator)",
        format!("{} message(s) in the room", recorded.len()),
    );
    Ok(())
}

async fn gifts(client: &Client, rx: &Receiver, steps: &mut Steps) -> Result<(), Failure> {
    let [chen, ..] = VIEWERS;
    let reply = client
        .live_send_gift(LiveSendGift::new(ROOM, ROSE, chen, [HOST]))
        .await
        .map_err(failed("send_gift (rose)"))?;
    steps.done(
        "send_gift",
        "a rose: the receiver allowed it",
        reply.request_id(),
    );
    match client
        .live_send_gift(LiveSendGift::new(ROOM, ROCKET, chen, [HOST]))
        .await
    {
        Err(Error::Service { code, info, .. }) => steps.note(
            "send_gift",
            format!(
                "a rocket: refused by the receiver ({}: {info})",
                code.code()
            ),
        ),
        other => {
            return Err(Failure(format!(
                "send_gift (rocket): expected a refusal, got {other:?}"
            )))
        }
    }
    let decided = rx.seen.lock().map(|s| s.gifts.clone()).unwrap_or_default();
    check(
        decided == [(ROSE.to_owned(), true), (ROCKET.to_owned(), false)],
        format!("the receiver decided {decided:?}"),
    )?;
    let reply = client
        .live_get_gift_count(LiveGetGiftCount::new(ROOM, HOST))
        .await
        .map_err(failed("get_gift_count"))?;
    steps.done(
        "get_gift_count",
        format!(
            "{} gift(s) counted for {HOST}",
            reply.total_count.unwrap_or_default()
        ),
        reply.request_id(),
    );
    Ok(())
}

async fn battle(client: &Client, emu: &Emulator, steps: &mut Steps) -> Result<(), Failure> {
    let reply = client
        .live_create_battle(LiveCreateBattle::new(ROOM, [RIVAL_ROOM], 300_000))
        .await
        .map_err(failed("create_battle"))?;
    let battle_id = reply.battle_id.clone().unwrap_or_default();
    let joined = reply
        .result
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter(|r| r.result_code.value() == 0)
        .count();
    check(
        !battle_id.is_empty() && joined == 1,
        "create_battle: the rival did not join",
    )?;
    steps.done(
        "create_battle",
        format!("battle {battle_id}: {ROOM} vs {RIVAL_ROOM}, 5 min"),
        reply.request_id(),
    );
    let reply = client
        .live_get_battle_info(LiveGetBattleInfo::new().battle_id(&battle_id))
        .await
        .map_err(failed("get_battle_info"))?;
    steps.done("get_battle_info", "running", reply.request_id());
    // Five minutes later on the emulator's clock, the battle is over.
    emu.advance_clock(301);
    steps.note("advance_clock (emulator)", "5 minutes later: battle ended");
    Ok(())
}

async fn stats_and_destroy(
    client: &Client,
    rx: &Receiver,
    steps: &mut Steps,
) -> Result<(), Failure> {
    let reply = client
        .live_get_room_stats(LiveGetRoomStats::new(ROOM))
        .await
        .map_err(failed("get_room_stats"))?;
    steps.done(
        "get_room_stats",
        format!(
            "{} viewers, {} gift(s), {} message(s)",
            reply.total_viewers.unwrap_or_default(),
            reply.total_gifts_sent.unwrap_or_default(),
            reply.total_msg_count.unwrap_or_default()
        ),
        reply.request_id(),
    );
    let reply = client
        .live_get_room_info(LiveGetRoomInfo::new(ROOM))
        .await
        .map_err(failed("get_room_info"))?;
    steps.done(
        "get_room_info",
        format!(
            "{} ({} seats, {:?})",
            reply.room_info.room_name.as_deref().unwrap_or_default(),
            reply.room_info.max_seat_count.unwrap_or_default(),
            reply.room_info.take_seat_mode
        ),
        reply.request_id(),
    );
    for room in [RIVAL_ROOM, ROOM] {
        let reply = client
            .live_destroy_room(LiveDestroyRoom::new(room))
            .await
            .map_err(failed("destroy_room"))?;
        steps.done("destroy_room", room, reply.request_id());
    }
    // Deliveries are asynchronous: give the last ones a moment to arrive.
    for _ in 0..50 {
        let n = rx.seen.lock().map(|s| s.events.len()).unwrap_or_default();
        if n >= 4 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let events = rx.seen.lock().map(|s| s.events.clone()).unwrap_or_default();
    steps.note(
        "webhooks received",
        format!(
            "{} after-event callbacks: {}",
            events.len(),
            events.join(", ")
        ),
    );
    Ok(())
}
