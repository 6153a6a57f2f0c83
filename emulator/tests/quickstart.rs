//! The README's first command, `cargo run --example quickstart`, must keep
//! working: run the built example (cargo builds examples before it runs the
//! tests) without any `TRTC_*` variable, so it uses the in-process emulator,
//! and check that it walks the whole life cycle and exits 0.
//!
//! Run it with the whole suite (`cargo test --workspace --all-features`),
//! which builds the examples first; `cargo test --test quickstart` alone does
//! not rebuild the example.

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// `target/<profile>/examples/quickstart`, next to this test's `deps/` folder.
fn quickstart_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test executable lives in <target>/<profile>/deps");
    profile_dir
        .join("examples")
        .join(format!("quickstart{}", std::env::consts::EXE_SUFFIX))
}

#[test]
fn quickstart_runs_against_the_embedded_emulator() {
    let bin = quickstart_binary();
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
        .expect("run the quickstart");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "quickstart failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
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
