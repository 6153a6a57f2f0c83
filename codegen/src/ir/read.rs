//! Reading the spec's YAML files into their serde form (`spec.rs`), with
//! parse errors located by command, field or type.

use std::collections::BTreeMap;
use std::path::Path;

use indexmap::IndexMap;
use serde::de::DeserializeOwned;

use crate::error::SpecError;
use crate::spec;

pub(super) fn read_yaml<T: DeserializeOwned>(path: &Path, display: &str) -> Result<T, SpecError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| SpecError::new(display, &[], format!("cannot read: {e}")))?;
    serde_norway::from_str(&text).map_err(|e| {
        let msg = e.to_string();
        let place = locate(&text, &msg);
        SpecError::new(display, &place, msg)
    })
}

/// Turns a serde path prefix like `commands[2].request.fields[0]: ...` into
/// human places (`command kick_user_out`, `field X`) where possible.
fn locate(text: &str, msg: &str) -> Vec<String> {
    let Some((path, _)) = msg.split_once(": ") else {
        return Vec::new();
    };
    let Ok(doc) = serde_norway::from_str::<serde_norway::Value>(text) else {
        return Vec::new();
    };
    let mut places = Vec::new();
    let mut cur = Some(&doc);
    for seg in path.split('.') {
        let (key, idx) = match seg.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (seg, None),
        };
        cur = cur.and_then(|v| v.get(key));
        if let Some(i) = idx {
            cur = cur.and_then(|v| v.get(i));
            let label = match key {
                "commands" | "webhooks" => Some(("command", "command")),
                "fields" => Some(("field", "wire")),
                "values" => Some(("value", "wire")),
                "error_codes" => Some(("error code", "code")),
                "regions" => Some(("region", "name")),
                _ => None,
            };
            if let (Some((what, k)), Some(v)) = (label, cur) {
                if let Some(name) = v.get(k) {
                    let name = match name {
                        serde_norway::Value::String(s) => s.clone(),
                        serde_norway::Value::Number(n) => n.to_string(),
                        _ => continue,
                    };
                    places.push(format!("{what} {name}"));
                }
            }
        } else if places.is_empty() && key != "types" && cur.is_some() {
            // inside a types map: the segment is the type name
        }
        if path.starts_with("types.") && places.is_empty() && key != "types" {
            places.push(format!("type {key}"));
        }
    }
    places
}

/// The spec's files, parsed.
pub(super) struct SpecFiles {
    /// Display prefix of spec files (`api-spec`).
    pub dir_name: String,
    pub common_file: String,
    pub common: spec::CommonFile,
    /// `(display path, file name, contents)` of each `services/*.yaml`, by file name.
    pub services: Vec<(String, String, spec::ServiceFile)>,
    pub webhooks_file: String,
    pub webhooks: spec::WebhooksFile,
}

/// Reads `common.yaml`, every `services/*.yaml` and `webhooks.yaml` (optional).
pub(super) fn read_files(dir: &Path) -> Result<SpecFiles, SpecError> {
    let dir_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "api-spec".to_owned());
    let disp = |rel: &str| format!("{dir_name}/{rel}");

    let common_file = disp("common.yaml");
    let common: spec::CommonFile = read_yaml(&dir.join("common.yaml"), &common_file)?;

    let mut service_paths: BTreeMap<String, std::path::PathBuf> = BTreeMap::new();
    let entries = std::fs::read_dir(dir.join("services"))
        .map_err(|e| SpecError::new(disp("services"), &[], format!("cannot read: {e}")))?;
    for entry in entries {
        let entry = entry
            .map_err(|e| SpecError::new(disp("services"), &[], format!("cannot read: {e}")))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".yaml") || name.ends_with(".yml") {
            service_paths.insert(name, entry.path());
        }
    }
    let mut services = Vec::new();
    for (name, path) in &service_paths {
        let display = disp(&format!("services/{name}"));
        let file: spec::ServiceFile = read_yaml(path, &display)?;
        services.push((display, name.clone(), file));
    }
    let webhooks_file = disp("webhooks.yaml");
    let webhooks: spec::WebhooksFile = if dir.join("webhooks.yaml").exists() {
        read_yaml(&dir.join("webhooks.yaml"), &webhooks_file)?
    } else {
        spec::WebhooksFile {
            doc: None,
            webhooks: Vec::new(),
            query: Vec::new(),
            ack_sample: None,
            types: IndexMap::new(),
            note: None,
        }
    };
    Ok(SpecFiles {
        dir_name,
        common_file,
        common,
        services,
        webhooks_file,
        webhooks,
    })
}

/// The `samples/` folder: each sample a command or webhook names must be a
/// JSON file there.
pub(super) struct Samples {
    dir: std::path::PathBuf,
    dir_name: String,
}

impl Samples {
    pub(super) fn new(spec_dir: &Path, dir_name: &str) -> Self {
        Samples {
            dir: spec_dir.join("samples"),
            dir_name: dir_name.to_owned(),
        }
    }

    /// Checks that sample `name` exists and is JSON.
    pub(super) fn check(&self, ctx: &crate::error::Ctx, name: &str) -> Result<(), SpecError> {
        let p = self.dir.join(name);
        if name.contains('/') || name.contains('\\') || !p.is_file() {
            return Err(ctx.err(format!(
                "sample file {}/samples/{name} does not exist",
                self.dir_name
            )));
        }
        let text = std::fs::read_to_string(&p)
            .map_err(|e| ctx.err(format!("sample {name}: cannot read: {e}")))?;
        serde_json::from_str::<serde_json::Value>(&text)
            .map_err(|e| ctx.err(format!("sample {name}: not JSON: {e}")))?;
        Ok(())
    }
}
