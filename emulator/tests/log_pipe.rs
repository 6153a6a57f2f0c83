//! The binary logs a line per request on stderr. A parent that spawns it
//! with a pipe it never reads (the default of Node's `child_process.spawn`,
//! common in Python) must not freeze it once the pipe's buffer is full:
//! thousands of calls go through while stderr is never read, and the
//! dropped lines are reported once stderr drains.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use trtc_room::{Client, GetRoomInfo};

const SDK_APP_ID: u64 = 1_400_000_321;
const SECRET_KEY: &str = "log-pipe-secret-key";
const ADMIN: &str = "administrator";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unread_stderr_pipe_never_stalls_the_emulator() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_room-emulator"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--sdk-app-id",
            &SDK_APP_ID.to_string(),
        ])
        .args(["--secret-key", SECRET_KEY, "--admin", ADMIN])
        .env("RUST_LOG", "room_emulator=info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped()) // never read until the end
        .spawn()
        .expect("spawn room-emulator");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut base_url = String::new();
    stdout.read_line(&mut base_url).expect("base URL line");
    let base_url = base_url.trim().to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url:?}");

    let client = Client::builder()
        .sdk_app_id(SDK_APP_ID)
        .secret_key(SECRET_KEY)
        .admin(ADMIN)
        .base_url(&base_url)
        .rate_limits(trtc_room::limit::RateLimits::off())
        .build()
        .expect("client");
    // ~150 bytes a line: 3,000 lines are several times a 64 KiB pipe buffer.
    let calls = 3_000;
    let mut answered = 0;
    for _ in 0..calls {
        // Every call is answered (100004: no such room) instead of hanging.
        let outcome = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            client.get_room_info(GetRoomInfo::new("missing")),
        )
        .await
        .expect("the emulator stopped answering: a full stderr pipe blocked it");
        assert_eq!(outcome.unwrap_err().service_code(), Some(100_004));
        answered += 1;
    }
    assert_eq!(answered, calls);

    // Now stderr drains: the queued lines come out, then the report of
    // the lines dropped while nobody read it.
    let mut stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0
                || tx
                    .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                    .is_err()
            {
                break;
            }
        }
    });
    let mut text = String::new();
    for _ in 0..200 {
        // A fresh line after the drain carries the report out.
        let _ = client.get_room_info(GetRoomInfo::new("missing")).await;
        while let Ok(chunk) = rx.try_recv() {
            text.push_str(&chunk);
        }
        if text.contains("log line(s) dropped") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(text.contains("request"), "no request lines at all");
    assert!(
        text.contains("log line(s) dropped"),
        "no report of the dropped lines in:\n{}",
        &text[text.len().saturating_sub(2000)..]
    );
}
