//! Quickstart: one room's whole life cycle through the `trtc-room` SDK.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! With no `TRTC_*` variables set, it starts the emulator in this process
//! and talks to it over loopback HTTP, so nothing needs credentials or the
//! internet. With `TRTC_SDK_APP_ID`, `TRTC_SECRET_KEY`, `TRTC_ADMIN` and
//! `TRTC_REGION` (or `TRTC_BASE_URL`) set, the same program calls Tencent
//! instead: it skips the steps that need people in the room (only the
//! emulator can simulate them), uses a fresh room ID, always destroys the
//! room it created, and only touches the callback configuration when the
//! application has none.
//!
//! Every step prints one line: the command, what happened, the RequestId.
//! Any failure stops the walk, cleans up, and exits with status 1.

use std::fmt::Display;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use trtc_room::{
    BanRoomMember, CallbackCommand, ChangeRoomOwner, Client, DeleteCallback, DestroyRoom, Error,
    ErrorCode, GetBannedMemberList, GetCallback, GetRoomInfo, GetRoomMemberList, GetSeatList,
    KickUserOffSeat, KickUserOut, LockSeat, MarkCommandType, MarkRoomMember, MemberInfo,
    MemberMarks, MemberRole, MoveSeatPolicy, MoveUserToSeat, PickUserOnSeat, RoomInfo,
    RoomInfoUpdate, RoomType, SetCallback, SwitchSeat, TakeSeatMode, UnbanRoomMember,
    UpdateCallback, UpdateRoomInfo, UpdateRoomMemberInfo,
};
use trtc_room_emulator::{Emulator, EmulatorConfig};

/// The people the emulator lets into the room.
const ALICE: &str = "alice";
const BOB: &str = "bob";
const CAROL: &str = "carol";
const DAVE: &str = "dave";

/// Seats of the demo room, and the one the demo locks (the last).
const SEATS: u32 = 4;
const LOCKED_SEAT: u32 = 3;

/// Where the demo points the room's callbacks. Nothing listens there; the
/// configuration is deleted again a few steps later.
const CALLBACK_URL: &str = "https://example.com/trtc-room/callback";

const USAGE: &str = "\
quickstart: one room's whole life cycle through the trtc-room SDK

USAGE:
    cargo run --example quickstart [-- --help]

With no TRTC_* variables set, it runs against an emulator started in this
process. With TRTC_SDK_APP_ID, TRTC_SECRET_KEY, TRTC_ADMIN and TRTC_REGION
(or TRTC_BASE_URL) set, it talks to that service instead.

RUST_LOG sets what the SDK logs on stderr (for example RUST_LOG=trtc_room=debug
shows one line per call with its outcome, attempts, latency and RequestId).";

#[tokio::main]
async fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        None => {}
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("quickstart: unknown argument {other:?}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    // Quiet by default (the walk prints its own lines); RUST_LOG opens it up.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(()) => {
            println!("\nDone: the room went through its whole life cycle.");
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("\nquickstart failed: {failure}");
            ExitCode::FAILURE
        }
    }
}

/// Picks the backend, creates the room, walks it, and always cleans up.
async fn run() -> Result<(), Failure> {
    let mut demo = Demo::connect().await?;
    println!("Room ID: {}\n", demo.room);

    // Create first: if that fails there is nothing to walk, but a timed-out
    // create may still have made the room, so clean up in every case.
    // Room accounts must exist in the app's Chat account system first.
    import_accounts(&mut demo).await?;
    let walked = match create_room(&mut demo).await {
        Ok(()) => walk(&mut demo).await,
        Err(e) => Err(e),
    };
    let cleaned = cleanup(&mut demo, walked.is_ok()).await;
    match (walked, cleaned) {
        (Err(first), Err(cleanup)) => {
            eprintln!("cleanup failed too: {cleanup}");
            Err(first)
        }
        (walked, cleaned) => walked.and(cleaned),
    }
}

/// Every step after `create_room`, in the order a real app might do them.
async fn walk(demo: &mut Demo) -> Result<(), Failure> {
    read_room(demo).await?;
    if demo.has_emulator() {
        simulate_members(demo)?;
    } else {
        demo.skip(
            "enter_room",
            "members can only be simulated by the emulator",
        );
    }
    list_members(demo).await?;
    seats(demo).await?;
    if demo.has_emulator() {
        roles_and_owner(demo).await?;
        mark_ban_and_kick(demo).await?;
    } else {
        for step in [
            "update_room_member_info",
            "change_room_owner",
            "mark_room_member",
            "ban_room_member",
            "unban_room_member",
            "kick_user_out",
        ] {
            demo.skip(step, "needs members in the room");
        }
    }
    list_banned(demo).await?;
    callbacks(demo).await?;
    update_room(demo).await
}

// ---------------------------------------------------------------------------
// The steps
// ---------------------------------------------------------------------------

/// `multiaccount_import`: make sure the demo's user IDs exist as Chat
/// accounts (importing an existing one is harmless). The call succeeds even
/// when some accounts fail, so `FailAccounts` is checked. Accounts are never
/// deleted here: against a real app they may be in use elsewhere.
async fn import_accounts(demo: &mut Demo) -> Result<(), Failure> {
    let users = [ALICE, BOB, CAROL, DAVE];
    let reply = demo
        .client
        .multiaccount_import(trtc_room::MultiaccountImport::new().accounts(users))
        .await
        .map_err(failed("multiaccount_import"))?;
    let failed_ids = reply.fail_accounts.as_deref().unwrap_or_default();
    demo.check(
        failed_ids.is_empty(),
        format!("multiaccount_import: could not import {failed_ids:?}"),
    )?;
    demo.done(
        "multiaccount_import",
        format!("{} accounts ready", users.len()),
        reply.request_id(),
    );
    if demo.has_emulator() {
        let items = users.iter().map(|u| trtc_room::AccountRef::new(*u));
        let reply = demo
            .client
            .account_check(trtc_room::AccountCheck::new(items))
            .await
            .map_err(failed("account_check"))?;
        let imported = reply
            .result_item
            .iter()
            .flatten()
            .filter(|r| {
                r.result_code == 0 && r.account_status == Some(trtc_room::AccountStatus::Imported)
            })
            .count();
        demo.check(
            imported == users.len(),
            format!("account_check: {imported} of {} imported", users.len()),
        )?;
        demo.done(
            "account_check",
            format!("{imported} of {} imported", users.len()),
            reply.request_id(),
        );
    }
    Ok(())
}

/// `create_room`: a conference room with a few seats anyone may take.
async fn create_room(demo: &mut Demo) -> Result<(), Failure> {
    let info = RoomInfo::new(&demo.room, RoomType::Conference)
        .room_name("Quickstart")
        .max_member_count(50)
        .is_seat_enabled(true)
        .max_seat_count(SEATS)
        .take_seat_mode(TakeSeatMode::FreeToTake);
    let result = demo
        .client
        .create_room(trtc_room::CreateRoom::new(info))
        .await;
    // A service error means nothing was created; a timeout or broken
    // connection leaves it open, so cleanup then tries to destroy anyway.
    demo.room_may_exist = !matches!(result, Err(Error::Service { .. }));
    let reply = result.map_err(failed("create_room"))?;
    demo.done(
        "create_room",
        format!("created with {SEATS} seats"),
        reply.request_id(),
    );
    Ok(())
}

/// `get_room_info`: read the room back.
async fn read_room(demo: &mut Demo) -> Result<(), Failure> {
    let reply = demo
        .client
        .get_room_info(GetRoomInfo::new(&demo.room))
        .await
        .map_err(failed("get_room_info"))?;
    let info = &reply.room_info;
    let detail = format!(
        "{:?}, owner {}, {} seats, {} members",
        info.room_name.as_deref().unwrap_or(""),
        info.owner_account.as_deref().unwrap_or("?"),
        info.max_seat_count.unwrap_or(0),
        info.member_count.unwrap_or(0),
    );
    demo.done("get_room_info", detail, reply.request_id());
    Ok(())
}

/// Emulator only: four people enter, as their client apps would.
fn simulate_members(demo: &mut Demo) -> Result<(), Failure> {
    let Some(emu) = &demo.emulator else {
        return Ok(());
    };
    for user in [ALICE, BOB, CAROL, DAVE] {
        emu.enter_room(&demo.room, user)
            .map_err(failed("enter_room (emulator)"))?;
    }
    demo.note(
        "enter_room (emulator)",
        "alice, bob, carol and dave entered",
    );
    Ok(())
}

/// `get_room_member_list`: who is in the room, with roles.
async fn list_members(demo: &mut Demo) -> Result<usize, Failure> {
    let reply = demo
        .client
        .get_room_member_list(GetRoomMemberList::new(&demo.room))
        .await
        .map_err(failed("get_room_member_list"))?;
    let members = reply.member_list.as_deref().unwrap_or_default();
    let names: Vec<String> = members
        .iter()
        .map(|m| match &m.role {
            Some(role) if *role != MemberRole::Member => {
                format!("{} ({})", m.member_account, role.as_str())
            }
            _ => m.member_account.clone(),
        })
        .collect();
    let detail = match names.len() {
        0 => "0 members".to_owned(),
        n => format!("{n} members: {}", names.join(", ")),
    };
    demo.done("get_room_member_list", detail, reply.request_id());
    Ok(members.len())
}

/// The seat commands: list, pick, switch, move, lock, kick off.
async fn seats(demo: &mut Demo) -> Result<(), Failure> {
    show_seats(demo).await?;
    if demo.has_emulator() {
        let reply = demo
            .client
            .pick_user_on_seat(PickUserOnSeat::new(&demo.room, 0, BOB))
            .await
            .map_err(failed("pick_user_on_seat"))?;
        demo.done("pick_user_on_seat", "bob is on seat 0", reply.request_id());

        let reply = demo
            .client
            .switch_seat(SwitchSeat::new(&demo.room, 1, BOB))
            .await
            .map_err(failed("switch_seat"))?;
        demo.done("switch_seat", "bob switched to seat 1", reply.request_id());

        let reply = demo
            .client
            .move_user_to_seat(MoveUserToSeat::new(
                &demo.room,
                2,
                BOB,
                MoveSeatPolicy::Cancel,
            ))
            .await
            .map_err(failed("move_user_to_seat"))?;
        demo.done(
            "move_user_to_seat",
            "bob moved to seat 2",
            reply.request_id(),
        );
    } else {
        for step in ["pick_user_on_seat", "switch_seat", "move_user_to_seat"] {
            demo.skip(step, "needs a member to seat");
        }
    }

    let last = LOCKED_SEAT;
    let reply = demo
        .client
        .lock_seat(LockSeat::new(&demo.room, last).forbid_taken(true))
        .await
        .map_err(failed("lock_seat"))?;
    demo.done(
        "lock_seat",
        format!("seat {last} locked (nobody may take it)"),
        reply.request_id(),
    );

    if demo.has_emulator() {
        let reply = demo
            .client
            .kick_user_off_seat(KickUserOffSeat::new(&demo.room, BOB).data("make room"))
            .await
            .map_err(failed("kick_user_off_seat"))?;
        demo.done("kick_user_off_seat", "bob left seat 2", reply.request_id());
    } else {
        demo.skip("kick_user_off_seat", "needs a seated member");
    }
    show_seats(demo).await
}

/// `get_seat_list`: a one-line picture of the seats.
async fn show_seats(demo: &mut Demo) -> Result<(), Failure> {
    let reply = demo
        .client
        .get_seat_list(GetSeatList::new(&demo.room))
        .await
        .map_err(failed("get_seat_list"))?;
    let seats = reply.seat_list.as_deref().unwrap_or_default();
    let picture: Vec<String> = seats
        .iter()
        .map(|s| {
            let who = match (&s.member_account, s.is_taken_disabled) {
                (Some(user), _) if !user.is_empty() => user.as_str(),
                (_, Some(true)) => "locked",
                _ => "free",
            };
            format!("#{} {who}", s.index)
        })
        .collect();
    demo.done(
        "get_seat_list",
        format!("{} seats: {}", seats.len(), picture.join(" | ")),
        reply.request_id(),
    );
    Ok(())
}

/// Make carol an admin, then hand the room from the admin account to alice.
async fn roles_and_owner(demo: &mut Demo) -> Result<(), Failure> {
    let request =
        UpdateRoomMemberInfo::new(&demo.room, MemberInfo::new(CAROL).role(MemberRole::Admin));
    let reply = demo
        .client
        .update_room_member_info(request)
        .await
        .map_err(failed("update_room_member_info"))?;
    demo.done(
        "update_room_member_info",
        "carol is now an Admin",
        reply.request_id(),
    );

    let owner = demo.client.admin().to_owned();
    let reply = demo
        .client
        .change_room_owner(ChangeRoomOwner::new(&demo.room, &owner, ALICE))
        .await
        .map_err(failed("change_room_owner"))?;
    demo.done(
        "change_room_owner",
        format!("owner {owner} -> alice"),
        reply.request_id(),
    );
    Ok(())
}

/// Mark dave, ban him (which also removes him), unban him, kick bob.
async fn mark_ban_and_kick(demo: &mut Demo) -> Result<(), Failure> {
    let marks = vec![MemberMarks::new(DAVE, vec![1001])];
    let reply = demo
        .client
        .mark_room_member(MarkRoomMember::new(&demo.room, MarkCommandType::Set, marks))
        .await
        .map_err(failed("mark_room_member"))?;
    demo.done("mark_room_member", "dave marked 1001", reply.request_id());

    let reply = demo
        .client
        .ban_room_member(BanRoomMember::new(&demo.room, [DAVE], "spamming", 600))
        .await
        .map_err(failed("ban_room_member"))?;
    demo.done(
        "ban_room_member",
        "dave banned for 10 minutes",
        reply.request_id(),
    );
    list_banned(demo).await?;

    let reply = demo
        .client
        .unban_room_member(UnbanRoomMember::new(&demo.room, [DAVE]))
        .await
        .map_err(failed("unban_room_member"))?;
    demo.done(
        "unban_room_member",
        "dave may come back",
        reply.request_id(),
    );

    let reply = demo
        .client
        .kick_user_out(KickUserOut::new(&demo.room, [BOB], "see you"))
        .await
        .map_err(failed("kick_user_out"))?;
    demo.done("kick_user_out", "bob removed", reply.request_id());

    // alice (owner) and carol (admin) remain.
    let left = list_members(demo).await?;
    demo.check(left == 2, format!("expected 2 members left, found {left}"))
}

/// `get_banned_member_list`.
async fn list_banned(demo: &mut Demo) -> Result<(), Failure> {
    let reply = demo
        .client
        .get_banned_member_list(GetBannedMemberList::new(&demo.room))
        .await
        .map_err(failed("get_banned_member_list"))?;
    let banned: Vec<&str> = reply
        .banned_account_list
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|b| b.member_account.as_str())
        .collect();
    let detail = match banned.len() {
        0 => "nobody is banned".to_owned(),
        n => format!("{n} banned: {}", banned.join(", ")),
    };
    demo.done("get_banned_member_list", detail, reply.request_id());
    Ok(())
}

/// The callback configuration: set, read, update, delete. It belongs to
/// the whole application, so an existing one is left alone.
async fn callbacks(demo: &mut Demo) -> Result<(), Failure> {
    if let Some(existing) = current_callback_url(demo).await? {
        demo.skip(
            "set/update/delete_callback",
            format!("the app already has callbacks ({existing}); leaving them alone"),
        );
        return Ok(());
    }

    let request = SetCallback::new(CALLBACK_URL, vec![CallbackCommand::AfterCreateRoom]);
    let reply = demo
        .client
        .set_callback(request)
        .await
        .map_err(failed("set_callback"))?;
    demo.created_callback = true;
    demo.done(
        "set_callback",
        "1 event (create room), sent to example.com",
        reply.request_id(),
    );

    let commands = vec![
        CallbackCommand::AfterCreateRoom,
        CallbackCommand::AfterDestroyRoom,
        CallbackCommand::AfterMemberEnter,
    ];
    let reply = demo
        .client
        .update_callback(UpdateCallback::new(CALLBACK_URL, commands))
        .await
        .map_err(failed("update_callback"))?;
    demo.done(
        "update_callback",
        "now 3 events: create, destroy, member enter",
        reply.request_id(),
    );

    let reply = demo
        .client
        .get_callback(GetCallback::new())
        .await
        .map_err(failed("get_callback"))?;
    let count = reply.callback_command_list.as_ref().map_or(0, Vec::len);
    demo.done(
        "get_callback",
        format!("{count} events enabled"),
        reply.request_id(),
    );
    demo.check(
        count == 3,
        format!("expected 3 callback events, found {count}"),
    )?;

    delete_our_callback(demo).await
}

/// `get_callback`: the configured URL, or `None` when there is none (the
/// service answers 100301 then; an empty answer counts as none too).
async fn current_callback_url(demo: &mut Demo) -> Result<Option<String>, Failure> {
    match demo.client.get_callback(GetCallback::new()).await {
        Ok(reply) => {
            let url = reply.url.clone().filter(|u| !u.is_empty());
            let detail = match &url {
                Some(url) => format!("configured: {url}"),
                None => "none configured".to_owned(),
            };
            demo.done("get_callback", detail, reply.request_id());
            Ok(url)
        }
        Err(Error::Service {
            code: ErrorCode::CallbackConfigNotFound,
            request_id,
            ..
        }) => {
            demo.done(
                "get_callback",
                "none configured (100301, as expected)",
                request_id.as_deref(),
            );
            Ok(None)
        }
        Err(e) => Err(failed("get_callback")(e)),
    }
}

/// `delete_callback`, only ever for the configuration this program set.
async fn delete_our_callback(demo: &mut Demo) -> Result<(), Failure> {
    let reply = demo
        .client
        .delete_callback(DeleteCallback::new())
        .await
        .map_err(failed("delete_callback"))?;
    demo.created_callback = false;
    demo.done(
        "delete_callback",
        "our callback configuration removed",
        reply.request_id(),
    );
    Ok(())
}

/// `update_room_info`, then read it back to see the change.
async fn update_room(demo: &mut Demo) -> Result<(), Failure> {
    let update = RoomInfoUpdate::new(&demo.room)
        .room_name("Quickstart v2")
        .is_message_disabled(true);
    let reply = demo
        .client
        .update_room_info(UpdateRoomInfo::new(update))
        .await
        .map_err(failed("update_room_info"))?;
    demo.done(
        "update_room_info",
        "renamed, chat turned off",
        reply.request_id(),
    );
    read_room(demo).await
}

/// Runs whatever must not be left behind: our callback configuration and
/// the room. `walked_ok` says whether the walk got through; if not, a room
/// that never came to exist is not an error.
async fn cleanup(demo: &mut Demo, walked_ok: bool) -> Result<(), Failure> {
    let mut result = Ok(());
    if demo.created_callback {
        if let Err(e) = delete_our_callback(demo).await {
            result = Err(e);
        }
    }
    if !demo.room_may_exist {
        return result;
    }
    match demo.client.destroy_room(DestroyRoom::new(&demo.room)).await {
        Ok(reply) => demo.done("destroy_room", "room destroyed", reply.request_id()),
        Err(Error::Service {
            code: ErrorCode::RoomNotFound,
            ..
        }) if !walked_ok => demo.note(
            "destroy_room",
            "nothing to destroy (the room was never made)",
        ),
        Err(e) => return result.and(Err(failed("destroy_room")(e))),
    }
    if walked_ok {
        // The matchable error: the room is gone now.
        match demo
            .client
            .get_room_info(GetRoomInfo::new(&demo.room))
            .await
        {
            Err(Error::Service {
                code: ErrorCode::RoomNotFound,
                request_id,
                ..
            }) => demo.done(
                "get_room_info",
                "100004 RoomNotFound, as expected",
                request_id.as_deref(),
            ),
            Ok(_) => {
                return result.and(Err(Failure::new(
                    "get_room_info",
                    "the room still exists after destroy_room",
                )))
            }
            Err(e) => return result.and(Err(failed("get_room_info")(e))),
        }
    }
    result
}

// ---------------------------------------------------------------------------
// Plumbing: the backend, step printing, failures
// ---------------------------------------------------------------------------

/// The client, the emulator when there is one, and what cleanup must undo.
struct Demo {
    client: Client,
    /// `Some` when talking to the in-process emulator.
    emulator: Option<Emulator>,
    room: String,
    step: u32,
    /// Whether `create_room` may have made the room (cleanup destroys it).
    room_may_exist: bool,
    /// Whether this run set the callback configuration (cleanup deletes it).
    created_callback: bool,
}

impl Demo {
    /// Tencent when any `TRTC_*` credential variable is set, else a fresh
    /// emulator.
    async fn connect() -> Result<Demo, Failure> {
        let wants_tencent = ["TRTC_SDK_APP_ID", "TRTC_SECRET_KEY", "TRTC_ADMIN"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
        let (client, emulator) = if wants_tencent {
            // The error names the missing or bad variable, never its value.
            let client = Client::from_env().map_err(failed("reading the TRTC_* variables"))?;
            let target = match std::env::var("TRTC_BASE_URL") {
                Ok(url) if !url.trim().is_empty() => "the base URL in TRTC_BASE_URL".to_owned(),
                _ => format!(
                    "Tencent region {}",
                    std::env::var("TRTC_REGION").unwrap_or_default()
                ),
            };
            println!(
                "TRTC_* variables set: talking to {target} (SDKAppID {}, admin {})",
                client.sdk_app_id(),
                client.admin()
            );
            (client, None)
        } else {
            let emu = Emulator::start(EmulatorConfig::default())
                .await
                .map_err(failed("start the emulator"))?;
            let client = Client::builder()
                .sdk_app_id(emu.sdk_app_id())
                .secret_key(emu.secret_key())
                .admin(emu.admin())
                .base_url(emu.base_url())
                .build()
                .map_err(failed("building the client"))?;
            println!(
                "No TRTC_* variables: talking to the in-process emulator at {} (SDKAppID {}, admin {})",
                emu.base_url(),
                emu.sdk_app_id(),
                emu.admin()
            );
            (client, Some(emu))
        };
        Ok(Demo {
            client,
            emulator,
            room: unique_room_id(),
            step: 0,
            room_may_exist: false,
            created_callback: false,
        })
    }

    fn has_emulator(&self) -> bool {
        self.emulator.is_some()
    }

    /// Prints one finished SDK call.
    fn done(&mut self, command: &str, detail: impl Display, request_id: Option<&str>) {
        self.step += 1;
        let id = request_id.unwrap_or("-");
        // Pad the detail so the RequestIds line up.
        let detail = detail.to_string();
        println!(
            "{:>3}. {command:<24} {detail:<56} RequestId {id}",
            self.step
        );
    }

    /// Prints one step that is not an SDK call (emulator control, cleanup).
    fn note(&mut self, what: &str, detail: impl Display) {
        self.step += 1;
        println!("{:>3}. {what:<24} {detail}", self.step);
    }

    /// Prints a step left out, and why.
    fn skip(&mut self, what: &str, why: impl Display) {
        println!("  -  {what:<24} skipped: {why}");
    }

    /// Fails the walk unless `ok`.
    fn check(&self, ok: bool, message: String) -> Result<(), Failure> {
        if ok {
            Ok(())
        } else {
            Err(Failure::new("check", message))
        }
    }
}

/// A room ID no earlier run used: time plus process ID (at most 48 bytes).
fn unique_room_id() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    format!("quickstart-{now}-{}", std::process::id())
}

/// Which step failed, and why.
#[derive(Debug)]
struct Failure {
    step: String,
    message: String,
}

impl Failure {
    fn new(step: &str, message: impl Display) -> Self {
        Failure {
            step: step.to_owned(),
            message: message.to_string(),
        }
    }
}

impl Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.step, self.message)
    }
}

/// For `map_err`: turns any error into a [`Failure`] of `step`.
fn failed<E: Display>(step: &'static str) -> impl FnOnce(E) -> Failure {
    move |e| Failure::new(step, e)
}
