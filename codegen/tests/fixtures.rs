//! Broken specs fail with an error naming the file, the place and the problem;
//! a small valid spec generates the committed snapshot.
//!
//! Each `fixtures/broken_*` folder holds only the files that differ from
//! `fixtures/small`; the test lays them over a copy of it.
//! Refresh snapshots with `UPDATE_SNAPSHOTS=1 cargo test -p trtc-room-codegen --test fixtures`.

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Copy of `small` with `overlay` on top, in a fresh temp folder named `api-spec`.
fn spec_with(overlay: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!(
            "trtc-codegen-fixture-{}-{overlay}",
            std::process::id()
        ))
        .join("api-spec");
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&fixtures().join("small"), &dir);
    copy_dir(&fixtures().join(overlay), &dir);
    dir
}

fn error_of(overlay: &str) -> String {
    match trtc_room_codegen::generate(&spec_with(overlay)) {
        Ok(_) => panic!("{overlay} should not generate"),
        Err(e) => e.to_string(),
    }
}

fn assert_names(err: &str, parts: &[&str]) {
    for p in parts {
        assert!(err.contains(p), "error {err:?} does not mention {p:?}");
    }
}

#[test]
fn unknown_key() {
    let e = error_of("broken_unknown_key");
    assert_names(
        &e,
        &[
            "api-spec/services/room_svc.yaml",
            "command kick_user_out",
            "unknown field `retries`",
        ],
    );
}

#[test]
fn unknown_type() {
    let e = error_of("broken_unknown_type");
    assert_eq!(
        e,
        "api-spec/services/room_svc.yaml: command kick_user_out: field MemberList_Account: unknown type \"lst<string>\""
    );
}

#[test]
fn duplicate_command() {
    let e = error_of("broken_duplicate_command");
    assert_names(
        &e,
        &[
            "api-spec/services/room_svc.yaml",
            "command kick_user_out",
            "duplicate command",
        ],
    );
}

#[test]
fn duplicate_after_case_conversion() {
    let e = error_of("broken_duplicate_rust_name");
    assert_names(
        &e,
        &[
            "api-spec/services/room_svc.yaml",
            "type Member",
            "field member_account",
            "member_account",
        ],
    );
}

#[test]
fn bad_wire_name() {
    let e = error_of("broken_bad_wire_name");
    assert_names(
        &e,
        &[
            "api-spec/services/room_svc.yaml",
            "command get_members",
            "field Next Page",
            "bad wire name",
        ],
    );
}

#[test]
fn dangling_error_code() {
    let e = error_of("broken_dangling_error");
    assert_names(
        &e,
        &[
            "api-spec/services/room_svc.yaml",
            "command kick_user_out",
            "100099",
            "not declared in common.yaml",
        ],
    );
}

#[test]
fn missing_sample_file() {
    let e = error_of("broken_missing_sample");
    assert_names(
        &e,
        &[
            "command kick_user_out",
            "room_svc.kick_user_out.nope.json",
            "does not exist",
        ],
    );
}

#[test]
fn sample_that_the_types_cannot_build() {
    let e = error_of("broken_sample_field");
    assert_names(
        &e,
        &[
            "command kick_user_out",
            "sample room_svc.kick_user_out.request.json",
            "`Reason`",
            "not declared",
        ],
    );
}

#[test]
fn small_spec_matches_snapshot() {
    let files = trtc_room_codegen::generate(&spec_with("small")).expect("small generates");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/small");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut problems = Vec::new();
    if update {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
    }
    for f in &files {
        let name = f.path.rsplit('/').next().expect("file name");
        let path = dir.join(name);
        if update {
            std::fs::write(&path, &f.contents).expect("write snapshot");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(f.contents.as_str()) {
            problems.push(name.to_owned());
        }
    }
    let expected: Vec<String> = files
        .iter()
        .map(|f| f.path.rsplit('/').next().unwrap_or_default().to_owned())
        .collect();
    for entry in std::fs::read_dir(&dir).expect("snapshot dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !expected.contains(&name) {
            problems.push(format!("orphan {name}"));
        }
    }
    assert!(
        problems.is_empty(),
        "snapshot differs: {problems:?}; review and refresh with UPDATE_SNAPSHOTS=1"
    );
}

#[test]
fn paging_items_not_a_list() {
    let e = error_of("broken_paging_items");
    assert_eq!(
        e,
        "api-spec/services/room_svc.yaml: command get_members: paging: items Next: items must be a `list<..>` field of the response"
    );
}

#[test]
fn paging_missing_cursor_field() {
    let e = error_of("broken_paging_cursor");
    assert_eq!(
        e,
        "api-spec/services/room_svc.yaml: command get_members: paging: response_cursor Cursor: the response has no field with wire name \"Cursor\""
    );
}

#[test]
fn paging_end_does_not_fit_the_cursor_type() {
    let e = error_of("broken_paging_end");
    assert_names(
        &e,
        &[
            "api-spec/services/room_svc.yaml",
            "command get_members",
            "paging",
            "request_cursor Next",
            "an integer type (for `end: zero`)",
        ],
    );
}

#[test]
fn two_commands_on_one_command_line_name() {
    let e = error_of("broken_cli_clash");
    assert_eq!(
        e,
        "api-spec/services/room_svc.yaml: command kick_user_out: cli: `trtc-room rooms make` is taken by another command"
    );
}

#[test]
fn command_line_group_without_a_module_doc() {
    let e = error_of("broken_undeclared_group");
    assert_eq!(
        e,
        "api-spec/services/room_svc.yaml: command create_room: cli: group \"halls\" is not declared under `groups:` in common.yaml"
    );
}

#[test]
fn same_command_in_two_services_needs_a_prefix() {
    let e = error_of("broken_prefix_missing");
    assert_names(
        &e,
        &[
            "api-spec/services/room_svc.yaml",
            "command create_room",
            "client method create_room clashes with command create_room in api-spec/services/live_svc.yaml",
        ],
    );
}

#[test]
fn a_refusal_cannot_include_the_allowing_code() {
    let e = error_of("broken_decision_overlap");
    assert_eq!(
        e,
        "api-spec/webhooks.yaml: command Live.CallbackBeforeSendGift: decision: refusal PassThrough: 0 allows the action; a refusal cannot include it"
    );
}

#[test]
fn an_enum_alias_is_taken_once() {
    let e = error_of("broken_enum_alias_taken");
    assert_names(
        &e,
        &[
            "api-spec/common.yaml",
            "type TakeMode",
            "value ApplyToTake",
            "alias 1 is already a value or alias",
        ],
    );
}
