//! State that survives restarts: the state file (round trip, refused
//! files, atomic saves, the binary's save on SIGTERM), export/import and
//! seed files.

mod sdk_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sdk_support::{builder, expect_ok};
use serde_json::{json, Value};
use trtc_room::{
    AccountImport, Client, CreateRoom, LiveAddRobot, LiveAdminOpType, LiveBanMember,
    LiveCreateBattle, LiveCreateRoom, LiveMetadata, LiveModifyAdmin, LiveMuteMember, LiveRoomInfo,
    LiveRoomType, LiveSendGift, LiveSendTextMsg, LiveSetCallbackToken, LiveSetRoomMetadata,
    MultiaccountImport, PortraitSet, ProfileItem, RoomInfo, RoomType,
};
use trtc_room_emulator::config::{DEFAULT_ADMIN, DEFAULT_SDK_APP_ID, DEFAULT_SECRET_KEY};
use trtc_room_emulator::persist::temp_path;
use trtc_room_emulator::state::live::Gift;
use trtc_room_emulator::{Emulator, EmulatorConfig};

/// A fresh directory for one test (removed when dropped).
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "trtc-persist-{}-{name}-{}",
            std::process::id(),
            rand_suffix()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn with_state_file(path: &Path) -> EmulatorConfig {
    EmulatorConfig {
        state_file: Some(path.to_owned()),
        ..EmulatorConfig::default()
    }
}

async fn start(path: &Path) -> (Emulator, Client) {
    let emu = Emulator::start(with_state_file(path))
        .await
        .expect("start the emulator");
    let client = builder(&emu).build().unwrap();
    (emu, client)
}

fn http() -> reqwest::Client {
    trtc_room::http_client_builder().unwrap().build().unwrap()
}

async fn control(emu: &Emulator, op: &str, body: Value) -> Value {
    let text = http()
        .post(format!("{}/emulator/v1/{op}", emu.base_url()))
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    serde_json::from_str(&text).expect("control JSON")
}

async fn raw(client: &Client, service: &str, command: &str, body: Value) {
    client
        .call_raw(service, command, &body)
        .await
        .unwrap_or_else(|e| panic!("{service}/{command}: {e}"));
}

/// Builds a state touching every part through the SDK client (and the
/// simulated clients of the control API).
async fn rich_state(emu: &Emulator, c: &Client) {
    c.account_import(AccountImport::new("alice").nick("Alice"))
        .await
        .expect("account_import");
    c.multiaccount_import(MultiaccountImport::new().accounts(["bob", "carol", "dave"]))
        .await
        .expect("multiaccount_import");
    // The clock moves first, so the bans, mutes and the battle below still
    // run when the state is saved.
    emu.advance_clock(3600);
    // A Room room with members, a seat, a ban and marks.
    let info = RoomInfo::new("conf", RoomType::Conference)
        .owner_account("alice")
        .room_name("Planning")
        .is_seat_enabled(true)
        .max_seat_count(4);
    expect_ok(c.create_room(CreateRoom::new(info)).await);
    for user in ["bob", "carol", "dave"] {
        emu.enter_room("conf", user).unwrap();
    }
    emu.take_seat("conf", "bob", 1).unwrap();
    raw(
        c,
        "room_engine_http_srv",
        "ban_room_member",
        json!({"RoomId": "conf", "MemberList_Account": ["dave"], "Reason": "spam", "Duration": 600}),
    )
    .await;
    raw(
        c,
        "room_engine_http_srv",
        "mark_room_member",
        json!({"RoomId": "conf", "CommandType": 1, "MemberList": [{"Member_Account": "carol", "Marks": [1000, 1001]}]}),
    )
    .await;
    // Live rooms with metadata, admins, a mute, a ban, a robot, a message, a
    // gift and a battle.
    for (id, owner) in [("show", "host"), ("rival", "host2")] {
        let info = LiveRoomInfo::new(id, LiveRoomType::Live).owner_account(owner);
        expect_ok(c.live_create_room(LiveCreateRoom::new(info)).await);
    }
    emu.enter_room("show", "alice").unwrap();
    emu.enter_room("show", "carol").unwrap();
    expect_ok(
        c.live_set_room_metadata(LiveSetRoomMetadata::new(
            "show",
            [LiveMetadata::new("topic", "cooking")],
        ))
        .await,
    );
    expect_ok(
        c.live_modify_admin(LiveModifyAdmin::new(
            "show",
            ["alice"],
            LiveAdminOpType::Add,
        ))
        .await,
    );
    expect_ok(
        c.live_mute_member(LiveMuteMember::new("show", ["carol"], 600))
            .await,
    );
    expect_ok(
        c.live_ban_member(LiveBanMember::new("show", ["troll"], 600).reason("spam"))
            .await,
    );
    expect_ok(c.live_add_robot(LiveAddRobot::new("show", ["bot1"])).await);
    expect_ok(
        c.live_send_text_msg(LiveSendTextMsg::new("show", "host", "welcome"))
            .await,
    );
    emu.seed_gifts(Some(vec![Gift {
        id: "rose".into(),
        coins: 5,
    }]));
    expect_ok(
        c.live_send_gift(LiveSendGift::new("show", "rose", "alice", ["host"]))
            .await,
    );
    expect_ok(
        c.live_create_battle(LiveCreateBattle::new("show", ["rival"], 600_000))
            .await,
    );
    let nick = ProfileItem::new("Tag_Profile_IM_Nick", json!("Alice"));
    expect_ok(c.portrait_set(PortraitSet::new("alice", [nick])).await);
    // Callback configurations last (nothing is delivered to port 9 after).
    raw(
        c,
        "room_config",
        "set_callback",
        json!({"Url": "http://127.0.0.1:9/room", "CallbackCommandList": ["Room.CallbackAfterCreateRoom"]}),
    )
    .await;
    raw(
        c,
        "live_config",
        "set_callback",
        json!({"Url": "http://127.0.0.1:9/live", "CallbackCommandList": ["Live.CallbackAfterCreateRoom"]}),
    )
    .await;
    expect_ok(
        c.live_set_callback_token(
            LiveSetCallbackToken::new()
                .token("secret")
                .is_token_enable(true),
        )
        .await,
    );
}

#[tokio::test]
async fn round_trip_restores_the_whole_state() {
    let dir = TempDir::new("round-trip");
    let file = dir.join("state.json");
    let (emu, client) = start(&file).await;
    rich_state(&emu, &client).await;
    let first = emu.export_state().unwrap();
    assert_eq!(first["format"], "trtc-room-emulator-state");
    assert_eq!(first["version"], 1);
    let state = &first["state"];
    // Every part is there.
    assert_eq!(state["rooms"]["conf"]["seats"][1]["member"], "bob");
    assert_eq!(state["rooms"]["conf"]["bans"][0][0], "dave");
    let carol = state["rooms"]["conf"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["account"] == "carol")
        .unwrap();
    assert_eq!(carol["marks"], json!([1000, 1001]));
    let show = &state["live"]["rooms"]["show"];
    assert_eq!(show["metadata"]["topic"], "cooking");
    assert_eq!(show["admins"], json!(["alice"]));
    assert_eq!(show["mutes"][0]["account"], "carol");
    assert_eq!(show["bans"][0]["account"], "troll");
    assert_eq!(show["robots"], json!(["bot1"]));
    assert_eq!(show["messages"].as_array().unwrap().len(), 1);
    assert_eq!(show["gifts"][0]["gift_id"], "rose");
    assert!(show["battle"].is_string());
    assert_eq!(state["live"]["token"]["token"], "secret");
    assert_eq!(state["callback"]["url"], "http://127.0.0.1:9/room");
    assert!(state["accounts"]["imported"]["alice"].is_object());
    assert!(state["clock_offset_ms"].as_i64().unwrap() >= 3_600_000);

    // The HTTP export is the same document.
    let text = http()
        .get(format!("{}/emulator/v1/export", emu.base_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let over_http: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(over_http["state"], first["state"]);

    // The save op answers the path and size.
    let saved = control(&emu, "save", json!({})).await;
    assert_eq!(saved["ErrorCode"], 0, "{saved}");
    assert_eq!(saved["Path"], file.display().to_string());
    assert_eq!(
        saved["Bytes"].as_u64().unwrap(),
        std::fs::metadata(&file).unwrap().len()
    );
    emu.shutdown().await;

    // A new emulator from the file has the same state, exactly.
    let (emu2, client2) = start(&file).await;
    let second = emu2.export_state().unwrap();
    assert_eq!(second["state"], first["state"]);
    // And it behaves as the first did: the ban holds, the clock is ahead.
    let banned = emu2.enter_room("show", "troll").unwrap_err();
    assert_eq!(banned.code, 100006);
    assert!(emu2.now() >= trtc_room_emulator::clock::wall_ms() / 1000 + 3599);
    let count = expect_ok(
        client2
            .live_get_gift_count(trtc_room::LiveGetGiftCount::new("show", "host"))
            .await,
    );
    assert_eq!((count.total_count, count.total_coins), (Some(1), Some(5)));

    // Import into a fresh emulator: the same state again.
    let fresh = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let imported = control(&fresh, "import", first.clone()).await;
    assert_eq!(imported["ErrorCode"], 0, "{imported}");
    assert_eq!(imported["Rooms"], 1);
    assert_eq!(imported["LiveRooms"], 2);
    assert_eq!(fresh.export_state().unwrap()["state"], first["state"]);
    emu2.shutdown().await;
}

fn versioned(version: u64) -> Vec<u8> {
    json!({"format": "trtc-room-emulator-state", "version": version, "saved_at": 0, "state": {}})
        .to_string()
        .into_bytes()
}

#[tokio::test]
async fn refused_files_name_the_problem_and_stay_untouched() {
    let dir = TempDir::new("refused");
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "corrupt.json",
            b"{\"format\": \"trtc-room-emu".to_vec(),
            "not valid JSON",
        ),
        (
            "other.json",
            json!({"format": "firebase-export", "version": 1})
                .to_string()
                .into_bytes(),
            "not a state file of this emulator",
        ),
        ("newer.json", versioned(2), "version 2 is newer"),
        ("bad-state.json", versioned(1), "state."),
        (
            "inconsistent.json",
            {
                // A complete Room room, filed under another ID.
                let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
                create_r(&emu).await;
                let mut doc = emu.export_state().unwrap();
                let room = doc["state"]["rooms"]["r"].take();
                doc["state"]["rooms"] = json!({ "elsewhere": room });
                doc.to_string().into_bytes()
            },
            "is filed under",
        ),
    ];
    for (name, bytes, problem) in cases {
        let file = dir.join(name);
        std::fs::write(&file, &bytes).unwrap();
        let err = Emulator::start(with_state_file(&file))
            .await
            .expect_err(name);
        let msg = err.to_string();
        assert!(msg.contains(&file.display().to_string()), "{msg}");
        assert!(msg.contains(problem), "{name}: {msg}");
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert_eq!(std::fs::read(&file).unwrap(), bytes, "{name} was changed");
    }
    // The import op refuses the same documents and changes nothing.
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    create_r(&emu).await;
    let before = emu.export_state().unwrap();
    for doc in [
        json!({"format": "trtc-room-emulator-state", "version": 9, "state": {}}),
        json!([1, 2]),
    ] {
        let answer = control(&emu, "import", doc).await;
        assert_eq!(answer["ErrorCode"], 100002, "{answer}");
    }
    assert_eq!(emu.export_state().unwrap()["state"], before["state"]);
}

/// Creates the Room room `r` through the REST API.
async fn create_r(emu: &Emulator) {
    let client = builder(emu).build().unwrap();
    let info = RoomInfo::new("r", RoomType::Conference);
    expect_ok(client.create_room(CreateRoom::new(info)).await);
}

fn room_ids(doc: &Value) -> Vec<String> {
    doc["state"]["rooms"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[tokio::test]
async fn an_interrupted_save_keeps_the_previous_file() {
    let dir = TempDir::new("interrupted");
    let file = dir.join("state.json");
    let (emu, client) = start(&file).await;
    let create = |id: &'static str| {
        let client = client.clone();
        async move {
            let info = RoomInfo::new(id, RoomType::Conference);
            expect_ok(client.create_room(CreateRoom::new(info)).await);
        }
    };
    create("a").await;
    emu.save_state().unwrap();
    let first = std::fs::read(&file).unwrap();

    // A crash mid-save leaves a partial temporary file: loading ignores it.
    std::fs::write(temp_path(&file), b"{\"format\": \"trtc-ro").unwrap();
    let (other, _) = start(&file).await;
    assert_eq!(room_ids(&other.export_state().unwrap()), ["a"]);
    drop(other);

    // A save whose write fails (the temporary file cannot be created)
    // reports the file and leaves it as it was.
    std::fs::remove_file(temp_path(&file)).unwrap();
    std::fs::create_dir(temp_path(&file)).unwrap();
    create("b").await;
    let err = emu.save_state().unwrap_err();
    assert!(err.to_string().contains("cannot save"), "{err}");
    assert!(
        err.to_string().contains(&file.display().to_string()),
        "{err}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), first);
    let answer = control(&emu, "save", json!({})).await;
    assert_eq!(answer["ErrorCode"], 100001, "{answer}");
    assert_eq!(std::fs::read(&file).unwrap(), first);

    // Once writing works again, the next save has both rooms.
    std::fs::remove_dir(temp_path(&file)).unwrap();
    emu.save_state().unwrap();
    assert!(!temp_path(&file).exists());
    let (again, _) = start(&file).await;
    assert_eq!(room_ids(&again.export_state().unwrap()), ["a", "b"]);
}

/// Reads the base URL the binary prints on its first stdout line.
fn read_base_url(child: &mut std::process::Child) -> String {
    use std::io::BufRead;
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap();
    line.trim().to_owned()
}

#[tokio::test]
async fn the_binary_saves_on_sigterm_and_refuses_a_newer_file() {
    let dir = TempDir::new("binary");
    let file = dir.join("state.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_room-emulator"))
        .args(["--listen", "127.0.0.1:0", "--state-file"])
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base_url = read_base_url(&mut child);
    let client = Client::builder()
        .sdk_app_id(DEFAULT_SDK_APP_ID)
        .secret_key(DEFAULT_SECRET_KEY)
        .admin(DEFAULT_ADMIN)
        .base_url(base_url)
        .build()
        .unwrap();
    let info = RoomInfo::new("saved-on-term", RoomType::Conference);
    expect_ok(client.create_room(CreateRoom::new(info)).await);
    assert!(!file.exists(), "saved before the signal");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the emulator did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    let doc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(room_ids(&doc), ["saved-on-term"]);

    // A newer version: a clear error, a non-zero exit, the file as it was.
    let newer = dir.join("newer.json");
    std::fs::write(&newer, versioned(2)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_room-emulator"))
        .args(["--listen", "127.0.0.1:0", "--state-file"])
        .arg(&newer)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("version 2 is newer"), "{stderr}");
    assert!(stderr.contains("newer.json"), "{stderr}");
    assert_eq!(std::fs::read(&newer).unwrap(), versioned(2));
}

fn example_seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/example.yaml")
}

#[tokio::test]
async fn the_example_seed_loads() {
    let emu = Emulator::start(EmulatorConfig {
        seed: Some(example_seed()),
        ..EmulatorConfig::default()
    })
    .await
    .expect("the example seed applies");
    let doc = emu.export_state().unwrap();
    let state = &doc["state"];
    let standup = &state["rooms"]["standup"];
    let members: Vec<&str> = standup["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["account"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["alice", "bob", "carol"]);
    assert_eq!(standup["seats"][0]["member"], "bob");
    let live = &state["live"]["rooms"]["live-1"];
    assert_eq!(live["metadata"]["topic"], "cooking");
    assert_eq!(live["admins"], json!(["alice"]));
    assert_eq!(live["online"].as_array().unwrap().len(), 2);
    assert_eq!(state["accounts"]["imported"]["bob"]["nick"], json!("Bob"));
    assert!(emu.callback_config().is_some());
    assert!(emu.live_callback_config().is_some());
}

#[tokio::test]
async fn seeds_are_checked_and_skipped_once_a_state_was_saved() {
    let dir = TempDir::new("seeds");
    // A JSON seed with a refused entry: the error names it.
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        json!({"rooms": [{"create_room": {"RoomInfo": {"RoomId": "x", "RoomType": "Nope"}}}]})
            .to_string(),
    )
    .unwrap();
    let err = Emulator::start(EmulatorConfig {
        seed: Some(bad.clone()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("bad.json") && err.contains("rooms[0]"),
        "{err}"
    );
    let typo = dir.join("typo.yaml");
    std::fs::write(&typo, "acounts: [alice]\n").unwrap();
    let err = Emulator::start(EmulatorConfig {
        seed: Some(typo),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap_err()
    .to_string();
    assert!(err.contains("acounts"), "{err}");

    // With a state file: seeded on the first start, loaded after.
    let file = dir.join("state.json");
    let config = EmulatorConfig {
        seed: Some(example_seed()),
        ..with_state_file(&file)
    };
    let emu = Emulator::start(config.clone()).await.unwrap();
    let client = builder(&emu).build().unwrap();
    let info = RoomInfo::new("later", RoomType::Conference);
    expect_ok(client.create_room(CreateRoom::new(info)).await);
    emu.shutdown().await;
    let emu = Emulator::start(config).await.expect("seed skipped");
    assert_eq!(room_ids(&emu.export_state().unwrap()), ["later", "standup"]);
}

/// Save and load figures for 10,000 rooms (5,000 Room rooms and 5,000 live
/// rooms, 4 members each). Run with
/// `cargo test -p trtc-room-emulator --release --test persist -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "prints timings"]
async fn save_and_load_10k_rooms() {
    let dir = TempDir::new("bench");
    let seed = dir.join("seed.json");
    let room = |service_room: bool, i: usize| {
        let id = format!("{}-{i}", if service_room { "room" } else { "live" });
        let members: Vec<String> = (0..4).map(|m| format!("u{m}-{i}")).collect();
        let info = if service_room {
            json!({"RoomId": id, "RoomType": "Conference", "RoomName": format!("Room {i}"), "IsSeatEnabled": true, "MaxSeatCount": 4})
        } else {
            json!({"RoomId": id, "RoomType": "Live", "RoomName": format!("Live {i}"), "Owner_Account": members[0]})
        };
        json!({"create_room": {"RoomInfo": info}, "members": members, "seated": [members[1]]})
    };
    let n = 5_000;
    let doc = json!({
        "rooms": (0..n).map(|i| room(true, i)).collect::<Vec<_>>(),
        "live_rooms": (0..n).map(|i| room(false, i)).collect::<Vec<_>>(),
    });
    std::fs::write(&seed, doc.to_string()).unwrap();
    let file = dir.join("state.json");
    let started = Instant::now();
    let emu = Emulator::start(EmulatorConfig {
        seed: Some(seed),
        ..with_state_file(&file)
    })
    .await
    .unwrap();
    let seeded = started.elapsed();
    assert_eq!(emu.room_count(), n);

    let started = Instant::now();
    let saved = emu.save_state().unwrap();
    let save = started.elapsed();
    let started = Instant::now();
    let exported = emu.export_state().unwrap();
    let export = started.elapsed();
    let started = Instant::now();
    let over_http = http()
        .get(format!("{}/emulator/v1/export", emu.base_url()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let http_export = started.elapsed();
    drop(emu);

    let started = Instant::now();
    let loaded = Emulator::start(with_state_file(&file)).await.unwrap();
    let load = started.elapsed();
    assert_eq!(loaded.room_count(), n);
    assert_eq!(loaded.export_state().unwrap()["state"], exported["state"]);
    println!(
        "10,000 rooms ({n} Room + {n} Live, 4 members each): seed {seeded:?}; save {save:?} ({} bytes); export as a JSON value {export:?}; GET /emulator/v1/export {http_export:?} ({} bytes, compact); load (start from the file) {load:?}",
        saved.bytes,
        over_http.len()
    );
}
