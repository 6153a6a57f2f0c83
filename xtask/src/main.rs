//! `cargo xtask codegen [--check]`: regenerates `sdk/src/generated/` and
//! `api-spec/schema/` from `api-spec/`, or verifies they are up to date.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use trtc_room_codegen::{GeneratedFile, SCHEMA_DIR};

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
    let gen_time = start.elapsed();
    println!(
        "codegen: {} Rust files, {} lines, generated in {:.0?}",
        files.len(),
        lines(&files),
        gen_time
    );

    if check {
        let drift = trtc_room_codegen::drift(&root, &files).map_err(|e| e.to_string())?;
        let mut ok = drift.is_clean();
        for f in &drift.stale {
            println!("stale: {f}");
        }
        for f in &drift.orphans {
            println!("orphan: {f}");
        }
        // schema: export to a temporary folder and compare
        let tmp =
            std::env::temp_dir().join(format!("trtc-room-schema-check-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        export_schema(&root, &tmp)?;
        let schema_ok = compare_dirs(&tmp, &root.join(SCHEMA_DIR), SCHEMA_DIR);
        let _ = std::fs::remove_dir_all(&tmp);
        ok &= schema_ok;
        if ok {
            println!(
                "codegen: everything is up to date ({:.0?})",
                start.elapsed()
            );
        } else {
            println!("run `cargo xtask codegen` and commit");
        }
        return Ok(ok);
    }

    let fixed = trtc_room_codegen::write(&root, &files).map_err(|e| e.to_string())?;
    for f in &fixed.stale {
        println!("wrote {f}");
    }
    for f in &fixed.orphans {
        println!("deleted {f}");
    }
    let schema_start = Instant::now();
    export_schema(&root, &root.join(SCHEMA_DIR))?;
    let schema_files = std::fs::read_dir(root.join(SCHEMA_DIR))
        .map(|d| d.count())
        .unwrap_or(0);
    println!(
        "schema: {schema_files} files in {SCHEMA_DIR} ({:.1?}); total {:.1?}",
        schema_start.elapsed(),
        start.elapsed()
    );
    Ok(true)
}

/// Runs the sdk's `export_schema` example (needs the freshly generated Rust).
fn export_schema(root: &Path, out: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .current_dir(root)
        .args([
            "run",
            "--quiet",
            "-p",
            "trtc-room",
            "--features",
            "json-schema",
            "--example",
            "export_schema",
            "--",
        ])
        .arg(out)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "the schema step failed ({status}); the Rust in sdk/src/generated/ is written, fix the build and rerun"
        ))
    }
}

/// Prints stale/orphan files of `actual` against `expected`; true if equal.
fn compare_dirs(expected: &Path, actual: &Path, label: &str) -> bool {
    let list = |d: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    let want = list(expected);
    let have = list(actual);
    let mut ok = true;
    for f in &want {
        let a = std::fs::read(expected.join(f)).ok();
        let b = std::fs::read(actual.join(f)).ok();
        if a != b {
            println!("stale: {label}/{f}");
            ok = false;
        }
    }
    for f in &have {
        if !want.contains(f) && f != ".gitkeep" {
            println!("orphan: {label}/{f}");
            ok = false;
        }
    }
    ok
}
