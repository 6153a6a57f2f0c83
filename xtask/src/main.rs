//! `cargo xtask codegen [--check]`: regenerates `sdk/src/generated/` and the
//! published description (`api-spec/openapi.json`, `api-spec/catalog.json`,
//! `api-spec/schema/`) from `api-spec/`, or verifies they are up to date.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use trtc_room_codegen::GeneratedFile;

const USAGE: &str = "usage: cargo xtask codegen [--check]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["codegen"] => false,
        ["codegen", "--check"] => true,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(check) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    // xtask/ lives directly under the repository root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn lines(files: &[GeneratedFile]) -> usize {
    files.iter().map(|f| f.contents.lines().count()).sum()
}

fn run(check: bool) -> Result<bool, String> {
    let root = root();
    let start = Instant::now();
    let files = trtc_room_codegen::generate(&root.join("api-spec")).map_err(|e| e.to_string())?;
    println!(
        "codegen: {} files ({} Rust, {} published JSON), {} lines, generated in {:.0?}",
        files.len(),
        files.iter().filter(|f| f.path.ends_with(".rs")).count(),
        files.iter().filter(|f| f.path.ends_with(".json")).count(),
        lines(&files),
        start.elapsed()
    );

    if check {
        let drift = trtc_room_codegen::drift(&root, &files).map_err(|e| e.to_string())?;
        for f in &drift.stale {
            println!("stale: {f}");
        }
        for f in &drift.orphans {
            println!("orphan: {f}");
        }
        if drift.is_clean() {
            println!("codegen: everything is up to date");
        } else {
            println!("run `cargo xtask codegen` and commit");
        }
        return Ok(drift.is_clean());
    }

    let fixed = trtc_room_codegen::write(&root, &files).map_err(|e| e.to_string())?;
    for f in &fixed.stale {
        println!("wrote {f}");
    }
    for f in &fixed.orphans {
        println!("deleted {f}");
    }
    Ok(true)
}
