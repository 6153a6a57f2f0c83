//! The README's first command, `cargo run --example quickstart`, and the
//! Live one, `cargo run --example live_quickstart`, must keep working: run
//! the built examples (cargo builds examples before it runs the tests)
//! without any `TRTC_*` variable, so they use the in-process emulator, and
//! check that each walks its whole life cycle and exits 0.
//!
//! Run it with the whole suite (`cargo test --workspace --all-features`),
//! which builds the examples first; `cargo test --test quickstart` alone does
//! not rebuild the example.

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// `target/<profile>/examples/<name>`, next to this test's `deps/` folder.
fn example_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test executable lives in <target>/<profile>/deps");
    profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// Runs example `name` without `TRTC_*` variables; returns its stdout after
/// checking that it exited 0.
fn run_example(name: &str) -> String {
    let bin = example_binary(name);
    assert!(
        bin.exists(),
        "{} is missing: cargo test builds the examples first",
        bin.display()
    );
    let mut cmd = Command::new(&bin);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("TRTC_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {name}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{name} failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    stdout
}

#[test]
fn quickstart_runs_against_the_embedded_emulator() {
    let stdout = run_example("quickstart");
    for step in [
        "create_room",
        "get_room_member_list",
        "move_user_to_seat",
        "change_room_owner",
        "ban_room_member",
        "set_callback",
        "destroy_room",
    ] {
        assert!(stdout.contains(step), "no {step} step in:\n{stdout}");
    }
    assert!(
        stdout.contains("100004"),
        "the room should be gone at the end:\n{stdout}"
    );
}

#[test]
fn live_quickstart_runs_against_the_embedded_emulator() {
    let stdout = run_example("live_quickstart");
    for step in [
        "set_callback",
        "create_room",
        "set_room_metadata",
        "get_member_list",
        "modify_admin",
        "mute_member",
        "ban_member",
        "add_robot",
        "send_text_msg",
        "a rose: the receiver allowed it",
        "a rocket: refused by the receiver",
        "create_battle",
        "get_room_stats",
        "destroy_room",
    ] {
        assert!(stdout.contains(step), "no {step} step in:\n{stdout}");
    }
    assert!(stdout.contains("Done: the live room went through its whole life cycle."));
}
