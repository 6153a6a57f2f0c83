//! The `trtc-room` binary against the emulator: a room life cycle, each error
//! class with its exit code, `--json` bodies, configuration, utilities, the
//! secret never printed, and the help of one generated subcommand.
//!
//! Refresh the help snapshot with
//! `UPDATE_SNAPSHOTS=1 cargo test -p trtc-room-cli --test binary`.

mod common;

use common::{run, Rig, Run, SECRET};
use serde_json::json;

fn assert_code(r: &Run, code: i32) {
    assert_eq!(
        r.code, code,
        "exit code\nstdout: {}\nstderr: {}",
        r.stdout, r.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn room_life_cycle() {
    let rig = Rig::start("life").await;
    let r = rig
        .run(&[
            "rooms",
            "create",
            "--room-id",
            "r1",
            "--room-type",
            "Conference",
            "--max-member-count",
            "50",
        ])
        .await;
    assert_code(&r, 0);
    assert_eq!(rig.emu.room_count(), 1);

    let r = rig.run(&["rooms", "get", "--room-id", "r1"]).await;
    assert_code(&r, 0);
    let info = &r.json()["RoomInfo"];
    assert_eq!(info["RoomId"], "r1");
    assert_eq!(info["MaxMemberCount"], 50);

    // members, paged to the end, as JSON and as a table
    rig.emu.enter_room("r1", "alice").expect("alice enters");
    rig.emu.enter_room("r1", "bob").expect("bob enters");
    let r = rig
        .run(&[
            "members",
            "list",
            "--room-id",
            "r1",
            "--count",
            "1",
            "--all",
        ])
        .await;
    assert_code(&r, 0);
    let accounts: Vec<String> = r
        .json()
        .as_array()
        .expect("an array of members")
        .iter()
        .map(|m| m["Member_Account"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(accounts.contains(&"alice".to_owned()) && accounts.contains(&"bob".to_owned()));
    let r = rig
        .run(&["members", "list", "--room-id", "r1", "-o", "table"])
        .await;
    assert_code(&r, 0);
    let mut lines = r.stdout.lines();
    let header: Vec<&str> = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert!(header.contains(&"Member_Account"), "{}", r.stdout);
    assert_eq!(
        lines.filter(|l| l.contains(" alice ")).count(),
        1,
        "{}",
        r.stdout
    );

    // seats: a room with seats, alice picked onto seat 1
    let r = rig
        .run(&[
            "rooms",
            "create",
            "--room-id",
            "r2",
            "--room-type",
            "Conference",
            "--is-seat-enabled",
            "true",
            "--max-seat-count",
            "4",
        ])
        .await;
    assert_code(&r, 0);
    rig.emu.enter_room("r2", "alice").expect("alice enters r2");
    let seat_room = "r2";
    let r = rig
        .run(&[
            "seats",
            "pick",
            "--room-id",
            seat_room,
            "--member-account",
            "alice",
            "--index",
            "1",
        ])
        .await;
    assert_code(&r, 0);
    let r = rig.run(&["seats", "list", "--room-id", seat_room]).await;
    assert_code(&r, 0);
    assert!(r.stdout.contains("alice"), "{}", r.stdout);

    // kick, destroy, and the room is gone
    let r = rig
        .run(&[
            "members",
            "kick",
            "--room-id",
            "r1",
            "--member-list-account",
            "bob",
            "--reason",
            "demo",
        ])
        .await;
    assert_code(&r, 0);
    for room in ["r1", "r2"] {
        let r = rig.run(&["rooms", "destroy", "--room-id", room]).await;
        assert_code(&r, 0);
    }
    assert_eq!(rig.emu.room_count(), 0);
    let r = rig.run(&["rooms", "get", "--room-id", "r1"]).await;
    assert_code(&r, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_error_class_has_its_exit_code() {
    let rig = Rig::start("errors").await;

    // invalid input: a spec limit (RoomId at most 48 bytes), nothing sent
    let long = "x".repeat(49);
    let r = rig
        .run(&[
            "rooms",
            "create",
            "--room-id",
            &long,
            "--room-type",
            "Conference",
        ])
        .await;
    assert_code(&r, 2);
    assert!(r.stderr.contains("RoomInfo.RoomId"), "{}", r.stderr);
    assert_eq!(rig.emu.room_count(), 0);
    // invalid input: a missing required flag, a bad enum value, an unknown JSON field
    assert_code(&rig.run(&["rooms", "get"]).await, 2);
    let r = rig
        .run(&["rooms", "create", "--room-id", "r", "--room-type", "Party"])
        .await;
    assert_code(&r, 2);
    assert!(r.stderr.contains("Conference"), "{}", r.stderr);
    let r = rig
        .run(&["rooms", "get", "--json", r#"{"RoomId":"r","Extra":1}"#])
        .await;
    assert_code(&r, 2);
    assert!(r.stderr.contains("Extra"), "{}", r.stderr);

    // service error: code, meaning and RequestId on stderr
    let r = rig.run(&["rooms", "get", "--room-id", "missing"]).await;
    assert_code(&r, 3);
    assert!(r.stderr.contains("ErrorCode 100004"), "{}", r.stderr);
    assert!(r.stderr.contains("meaning:"), "{}", r.stderr);
    assert!(r.stderr.contains("RequestId: Id-"), "{}", r.stderr);
    assert!(r.stdout.is_empty());

    // transport error: nothing listens there
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let r = rig
        .run(&["rooms", "get", "--room-id", "r", "--base-url", &url])
        .await;
    assert_code(&r, 4);
    assert!(r.stderr.contains("transport error"), "{}", r.stderr);

    // configuration error: no SDKAppID anywhere
    let mut c = rig.cmd();
    c.env_remove("TRTC_SDK_APP_ID");
    let r = run(c, &["rooms", "get", "--room-id", "r"]).await;
    assert_code(&r, 5);
    assert!(r.stderr.contains("TRTC_SDK_APP_ID"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_bodies_inline_from_a_file_and_under_flags() {
    let rig = Rig::start("json").await;
    let r = rig
        .run(&[
            "rooms",
            "create",
            "--json",
            r#"{"RoomInfo":{"RoomId":"j1","RoomType":"Conference","RoomName":"from json"}}"#,
        ])
        .await;
    assert_code(&r, 0);
    let file = rig.home.join("body.json");
    std::fs::write(
        &file,
        r#"{"RoomInfo":{"RoomId":"j2","RoomType":"Conference","MaxMemberCount":7}}"#,
    )
    .expect("write body");
    // a flag overrides the file's field
    let r = rig
        .run(&[
            "rooms",
            "create",
            "--json",
            &format!("@{}", file.display()),
            "--max-member-count",
            "9",
        ])
        .await;
    assert_code(&r, 0);
    let got = rig.run(&["rooms", "get", "--room-id", "j1"]).await.json();
    assert_eq!(got["RoomInfo"]["RoomName"], "from json");
    let got = rig.run(&["rooms", "get", "--room-id", "j2"]).await.json();
    assert_eq!(got["RoomInfo"]["MaxMemberCount"], 9);

    // a list of objects: one JSON object per flag; integer enums by name
    let r = rig
        .run(&[
            "members",
            "mark",
            "--room-id",
            "j1",
            "--command-type",
            "set",
            "--member-list",
            r#"{"Member_Account":"administrator","Marks":[1001]}"#,
            "--dry-run",
        ])
        .await;
    assert_code(&r, 0);
    assert_eq!(
        r.json(),
        json!({"RoomId":"j1","CommandType":1,"MemberList":[{"Member_Account":"administrator","Marks":[1001]}]})
    );
    // a list of one-field objects: a repeatable flag
    let r = rig
        .run(&[
            "accounts",
            "delete",
            "--user-id",
            "a",
            "--user-id",
            "b",
            "--dry-run",
        ])
        .await;
    assert_code(&r, 0);
    assert_eq!(
        r.json(),
        json!({"DeleteItem":[{"UserID":"a"},{"UserID":"b"}]})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_output_is_the_whole_envelope() {
    let rig = Rig::start("raw").await;
    let r = rig
        .run(&[
            "rooms",
            "create",
            "--room-id",
            "w",
            "--room-type",
            "Conference",
        ])
        .await;
    assert_code(&r, 0);
    let r = rig
        .run(&["rooms", "get", "--room-id", "w", "-o", "raw"])
        .await;
    assert_code(&r, 0);
    let body = r.json();
    assert_eq!(body["ActionStatus"], "OK");
    assert_eq!(body["ErrorCode"], 0);
    assert!(body["RequestId"].is_string());
    assert_eq!(body["Response"]["RoomInfo"]["RoomId"], "w");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profiles_and_flags_override_in_order() {
    let rig = Rig::start("profiles").await;
    let key = rig.home.join("dev.key");
    std::fs::write(&key, format!("{SECRET}\n")).expect("key file");
    let dir = rig.home.join(".config/trtc-room");
    std::fs::create_dir_all(&dir).expect("config dir");
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "default_profile = \"broken\"\n\
             [profiles.broken]\nsdk_app_id = 1\nadmin = \"nobody\"\nbase_url = \"{url}\"\nsecret_key_file = \"{key}\"\n\
             [profiles.dev]\nsdk_app_id = {app}\nadmin = \"{admin}\"\nbase_url = \"{url}\"\nsecret_key_file = \"{key}\"\n",
            url = rig.emu.base_url(),
            key = key.display(),
            app = rig.emu.sdk_app_id(),
            admin = rig.emu.admin(),
        ),
    )
    .expect("config file");
    // the default profile names the wrong app: the service refuses the sig
    let create = |id: &'static str| {
        [
            "rooms",
            "create",
            "--room-id",
            id,
            "--room-type",
            "Conference",
        ]
    };
    let r = run(rig.bare(), &create("p1")).await;
    assert_code(&r, 3);
    assert_eq!(rig.emu.room_count(), 0);
    // --profile picks the right one
    let mut args = vec!["--profile", "dev"];
    args.extend(create("p2"));
    let r = run(rig.bare(), &args).await;
    assert_code(&r, 0);
    // a flag overrides the default profile's value
    let r = run(
        rig.bare(),
        &[
            "rooms",
            "create",
            "--room-id",
            "p3",
            "--room-type",
            "Conference",
            "--sdk-app-id",
            &rig.emu.sdk_app_id().to_string(),
            "--admin",
            rig.emu.admin(),
        ],
    )
    .await;
    assert_code(&r, 0);
    assert_eq!(rig.emu.room_count(), 2);
    // an unknown profile is a configuration error
    let r = run(
        rig.bare(),
        &["--profile", "nope", "rooms", "get", "--room-id", "p2"],
    )
    .await;
    assert_code(&r, 5);
    assert!(r.stderr.contains("dev"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secret_is_never_printed() {
    let rig = Rig::start("secret").await;
    let runs = vec![
        rig.run(&[
            "-v",
            "rooms",
            "create",
            "--room-id",
            "s",
            "--room-type",
            "Conference",
        ])
        .await,
        rig.run(&["-v", "rooms", "get", "--room-id", "missing"])
            .await,
        rig.run(&["-v", "-o", "raw", "rooms", "get", "--room-id", "s"])
            .await,
        rig.run(&["-v", "members", "list", "--room-id", "s", "--all"])
            .await,
        rig.run(&["usersig", "--verify", "not-a-sig", "--decode"])
            .await,
        rig.run(&[
            "--secret-key-file",
            "/nonexistent/key",
            "rooms",
            "get",
            "--room-id",
            "s",
        ])
        .await,
        rig.run(&[
            "rooms",
            "get",
            "--room-id",
            "s",
            "--base-url",
            "http://127.0.0.1:1",
        ])
        .await,
    ];
    let verbose = &runs[0];
    assert_code(verbose, 0);
    assert!(
        verbose.stderr.contains("usersig=<redacted>"),
        "{}",
        verbose.stderr
    );
    assert!(verbose.stderr.contains("latency"), "{}", verbose.stderr);
    assert!(verbose.stderr.contains("attempts 1"), "{}", verbose.stderr);
    for r in &runs {
        for text in [&r.stdout, &r.stderr] {
            assert!(!text.contains(SECRET), "secret printed: {text}");
            assert!(!text.contains("usersig=eJ"), "a UserSig printed: {text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usersig_generates_and_verifies() {
    let rig = Rig::start("usersig").await;
    let r = rig.run(&["usersig", "--identifier", "alice"]).await;
    assert_code(&r, 0);
    let sig = r.stdout.trim().to_owned();
    let r = rig
        .run(&["usersig", "--identifier", "alice", "--verify", &sig])
        .await;
    assert_code(&r, 0);
    assert_eq!(r.json()["identifier"], "alice");
    let r = rig
        .run(&["usersig", "--identifier", "bob", "--verify", &sig])
        .await;
    assert_code(&r, 1);
    // the sig is what the emulator accepts: signed with the same key
    let r = rig.run(&["usersig"]).await;
    assert_code(&r, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_sign_delivers_to_webhook_listen() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let rig = Rig::start("webhook").await;
    let mut listen = rig.cmd();
    listen
        .args([
            "webhook", "listen", "--port", "0", "--token", "tok-1", "--count", "1",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let mut child = listen.spawn().expect("listen starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let first = lines
        .next_line()
        .await
        .expect("read")
        .expect("a start line");
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {first:?}"))
        .to_owned();
    let body = r#"{"RoomId":"r1","Operator_Account":"administrator","EventTime":1700000000000}"#;
    // a wrong token is refused
    let r = rig
        .run(&[
            "webhook",
            "sign",
            "--command",
            "Room.CallbackAfterDestroyRoom",
            "--body",
            body,
            "--token",
            "wrong",
            "--url",
            &url,
            "--send",
        ])
        .await;
    assert_code(&r, 1);
    // the right one is accepted and printed
    let r = rig
        .run(&[
            "webhook",
            "sign",
            "--command",
            "Room.CallbackAfterDestroyRoom",
            "--body",
            body,
            "--token",
            "tok-1",
            "--url",
            &url,
            "--send",
        ])
        .await;
    assert_code(&r, 0);
    assert_eq!(r.json()["status"], 200);
    let out = child.wait_with_output().await.expect("listen exits");
    assert!(out.status.success());
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("Room.CallbackAfterDestroyRoom") && printed.contains("\"r1\""),
        "{printed}"
    );
    assert!(!printed.contains("tok-1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_and_emulator_help() {
    let rig = Rig::start("misc").await;
    let r = rig.run(&["completions", "bash"]).await;
    assert_code(&r, 0);
    assert!(r.stdout.contains("rooms") && r.stdout.contains("--room-id"));
    let r = rig.run(&["emulator", "--help"]).await;
    assert_code(&r, 0);
    assert!(
        r.stdout.contains("--require-imported-accounts"),
        "{}",
        r.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_of_a_generated_subcommand_matches_the_snapshot() {
    let rig = Rig::start("help").await;
    let r = rig.run(&["rooms", "create", "--help"]).await;
    assert_code(&r, 0);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots/rooms-create.help.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &r.stdout).expect("write snapshot");
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        want == r.stdout,
        "`trtc-room rooms create --help` changed; review and refresh with UPDATE_SNAPSHOTS=1\n--- got:\n{}",
        r.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_reaches_any_command_by_its_wire_names() {
    let rig = Rig::start("call").await;
    // A command of the spec, by its wire names: the answer as received.
    let r = rig
        .run(&[
            "call",
            "room_engine_http_srv",
            "create_room",
            "--json",
            r#"{"RoomInfo":{"RoomId":"c1","RoomType":"Conference"}}"#,
        ])
        .await;
    assert_code(&r, 0);
    assert_eq!(rig.emu.room_count(), 1);
    let r = rig
        .run(&[
            "call",
            "room_engine_http_srv",
            "get_room_info",
            "--idempotent",
            "--json",
            r#"{"RoomId":"c1"}"#,
        ])
        .await;
    assert_code(&r, 0);
    // The whole answer body, envelope included.
    assert_eq!(r.json()["Response"]["RoomInfo"]["RoomId"], "c1");
    assert_eq!(r.json()["ErrorCode"], 0);
    // A service error keeps its exit code and message.
    let r = rig
        .run(&[
            "call",
            "room_engine_http_srv",
            "get_room_info",
            "--json",
            r#"{"RoomId":"missing"}"#,
        ])
        .await;
    assert_code(&r, 3);
    assert!(r.stderr.contains("ErrorCode 100004"), "{}", r.stderr);
    // A command the spec does not have is still sent (the emulator does
    // not know it either and says so with a service error, not a CLI one).
    let r = rig
        .run(&["call", "room_engine_http_srv", "not_in_the_spec"])
        .await;
    assert_code(&r, 3);
    assert!(r.stderr.contains("not_in_the_spec"), "{}", r.stderr);
    assert!(r.stderr.contains("ErrorCode 60009"), "{}", r.stderr);
    // Bad names and bodies are refused before anything is sent.
    assert_code(&rig.run(&["call", "Room Svc", "x"]).await, 2);
    assert_code(
        &rig.run(&["call", "room_engine_http_srv", "x", "--json", "[1]"])
            .await,
        2,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_never_offer_values_the_service_only_reports() {
    let rig = Rig::start("choices").await;
    let r = rig.run(&["rooms", "create", "--help"]).await;
    assert_code(&r, 0);
    // `Meeting` is reported in callbacks but refused in requests.
    assert!(!r.stdout.contains("Meeting"), "{}", r.stdout);
    let r = rig
        .run(&[
            "rooms",
            "create",
            "--room-id",
            "m",
            "--room-type",
            "Meeting",
        ])
        .await;
    assert_code(&r, 2);
    assert_eq!(rig.emu.room_count(), 0);
}
