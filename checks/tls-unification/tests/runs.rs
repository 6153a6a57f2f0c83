//! Runs the binary: it exits 0 only if the app's own reqwest works with
//! `trtc-room` in the same build (no panic from a missing TLS provider).

#[test]
fn an_apps_own_reqwest_client_works_next_to_trtc_room() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tls-unification-check"))
        .output()
        .expect("run tls-unification-check");
    assert!(
        out.status.success(),
        "exit {}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
