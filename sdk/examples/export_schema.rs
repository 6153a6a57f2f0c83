//! Writes the JSON Schema of every request, response body and webhook payload
//! into a folder: `cargo run -p trtc-room --features json-schema --example export_schema -- <dir>`.
//!
//! Files the SDK no longer produces are deleted from that folder.

#[cfg(feature = "json-schema")]
fn main() -> std::process::ExitCode {
    use std::process::ExitCode;
    let Some(dir) = std::env::args_os().nth(1).map(std::path::PathBuf::from) else {
        eprintln!("usage: export_schema <dir>");
        return ExitCode::from(2);
    };
    if let Err(e) = write_all(&dir) {
        eprintln!("export_schema: {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(feature = "json-schema")]
fn write_all(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let schemas = trtc_room::generated::schemas::all();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".schema.json") && !schemas.iter().any(|(n, _)| *n == name) {
            std::fs::remove_file(entry.path())?;
        }
    }
    for (name, schema) in &schemas {
        let mut text = serde_json::to_string_pretty(schema)?;
        text.push('\n');
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(path, text)?;
        }
    }
    Ok(())
}

#[cfg(not(feature = "json-schema"))]
fn main() {
    eprintln!("build with `--features json-schema`");
    std::process::exit(2);
}
