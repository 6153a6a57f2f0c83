//! Where the app's settings come from: flags, `TRTC_*` environment
//! variables and named profiles in `~/.config/trtc-room/config.toml`.
//!
//! Precedence, highest first: flags; the profile named by `--profile` (or
//! `TRTC_PROFILE`); the environment; the file's default profile. The secret
//! key is read from a file, an environment variable or a no-echo prompt,
//! never from a flag value, and is never printed.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use trtc_room::{Client, Endpoint, Region};

use crate::exit::CliError;

/// The config file's contents.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Profile used when none is named (else the one called `default`).
    #[serde(default)]
    pub default_profile: Option<String>,
    /// Named apps.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One named app.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// SDKAppID.
    pub sdk_app_id: Option<u64>,
    /// Admin identifier.
    pub admin: Option<String>,
    /// Region name or domain.
    pub region: Option<String>,
    /// Base URL (takes precedence over `region`).
    pub base_url: Option<String>,
    /// File holding the secret key.
    pub secret_key_file: Option<PathBuf>,
    /// Environment variable holding the secret key.
    pub secret_key_env: Option<String>,
    /// Refused with a hint: the key does not belong in the file.
    #[serde(default)]
    secret_key: Option<toml::Value>,
}

/// Where the secret key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable, by name.
    Env(String),
    /// A file.
    File(PathBuf),
}

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A region name or domain.
    Region(String),
    /// A base URL.
    BaseUrl(String),
}

/// One source of settings; later layers override earlier ones.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Layer {
    /// SDKAppID.
    pub sdk_app_id: Option<u64>,
    /// Admin identifier.
    pub admin: Option<String>,
    /// Region or base URL.
    pub target: Option<Target>,
    /// Secret key source.
    pub secret: Option<SecretSource>,
}

impl Layer {
    fn over(self, top: Layer) -> Layer {
        Layer {
            sdk_app_id: top.sdk_app_id.or(self.sdk_app_id),
            admin: top.admin.or(self.admin),
            target: top.target.or(self.target),
            secret: top.secret.or(self.secret),
        }
    }
}

/// Global flags that select or override settings.
#[derive(Debug, Default, Clone)]
pub struct Flags {
    /// `--config`.
    pub config: Option<PathBuf>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--sdk-app-id`, `--admin`, `--region`/`--base-url`, `--secret-key-file`.
    pub layer: Layer,
    /// `--timeout` (seconds per attempt).
    pub timeout: Option<f64>,
}

/// Reads an environment variable; empty counts as unset.
fn env(name: &str) -> Result<Option<String>, CliError> {
    match std::env::var(name) {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => Ok(Some(v)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(CliError::Config(format!("{name} is not valid UTF-8")))
        }
    }
}

/// The `TRTC_*` variables (the same ones `Client::from_env` reads).
pub fn env_layer() -> Result<Layer, CliError> {
    let sdk_app_id = match env("TRTC_SDK_APP_ID")? {
        Some(v) => Some(v.trim().parse().map_err(|_| {
            CliError::Config(format!(
                "TRTC_SDK_APP_ID must be a positive integer, got {v:?}"
            ))
        })?),
        None => None,
    };
    let target = match (env("TRTC_BASE_URL")?, env("TRTC_REGION")?) {
        (Some(u), _) => Some(Target::BaseUrl(u)),
        (None, Some(r)) => Some(Target::Region(r)),
        (None, None) => None,
    };
    let secret = if env("TRTC_SECRET_KEY")?.is_some() {
        Some(SecretSource::Env("TRTC_SECRET_KEY".to_owned()))
    } else {
        env("TRTC_SECRET_KEY_FILE")?.map(|p| SecretSource::File(PathBuf::from(p)))
    };
    Ok(Layer {
        sdk_app_id,
        admin: env("TRTC_ADMIN")?,
        target,
        secret,
    })
}

/// The config file path: `--config`, `TRTC_CONFIG`, then
/// `$XDG_CONFIG_HOME/trtc-room/config.toml` or `~/.config/trtc-room/config.toml`.
pub fn config_path(flag: Option<&Path>) -> Result<(Option<PathBuf>, bool), CliError> {
    if let Some(p) = flag {
        return Ok((Some(p.to_path_buf()), true));
    }
    if let Some(p) = env("TRTC_CONFIG")? {
        return Ok((Some(PathBuf::from(p)), true));
    }
    let base = match (env("XDG_CONFIG_HOME")?, env("HOME")?) {
        (Some(x), _) => Some(PathBuf::from(x)),
        (None, Some(h)) => Some(PathBuf::from(h).join(".config")),
        (None, None) => None,
    };
    Ok((base.map(|b| b.join("trtc-room").join("config.toml")), false))
}

/// Reads the config file; a missing file is empty unless it was named.
pub fn read_config(path: Option<&Path>, named: bool) -> Result<ConfigFile, CliError> {
    let Some(path) = path else {
        return Ok(ConfigFile::default());
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => {
            return Ok(ConfigFile::default())
        }
        Err(e) => {
            return Err(CliError::Config(format!(
                "cannot read {}: {e}",
                path.display()
            )))
        }
    };
    let file: ConfigFile = toml::from_str(&text)
        .map_err(|e| CliError::Config(format!("{}: {}", path.display(), e.message())))?;
    for (name, p) in &file.profiles {
        if p.secret_key.is_some() {
            return Err(CliError::Config(format!(
                "{}: profile {name:?} has `secret_key`; keep the key out of this file and set `secret_key_file` or `secret_key_env`",
                path.display()
            )));
        }
    }
    Ok(file)
}

fn profile_layer(p: &Profile, dir: Option<&Path>) -> Layer {
    let target = match (&p.base_url, &p.region) {
        (Some(u), _) => Some(Target::BaseUrl(u.clone())),
        (None, Some(r)) => Some(Target::Region(r.clone())),
        (None, None) => None,
    };
    let secret = match (&p.secret_key_file, &p.secret_key_env) {
        (Some(f), _) => Some(SecretSource::File(expand(f, dir))),
        (None, Some(v)) => Some(SecretSource::Env(v.clone())),
        (None, None) => None,
    };
    Layer {
        sdk_app_id: p.sdk_app_id,
        admin: p.admin.clone(),
        target,
        secret,
    }
}

/// `~/x` from the home folder, a relative path from the config file's folder.
fn expand(p: &Path, dir: Option<&Path>) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~") {
        if let Ok(Some(home)) = env("HOME") {
            return PathBuf::from(home).join(rest);
        }
    }
    match dir {
        Some(d) if p.is_relative() => d.join(p),
        _ => p.to_path_buf(),
    }
}

/// The merged settings of this run.
pub fn resolve(flags: &Flags) -> Result<Layer, CliError> {
    let (path, named) = config_path(flags.config.as_deref())?;
    let file = read_config(path.as_deref(), named)?;
    let dir = path.as_deref().and_then(Path::parent);
    let env_layer = env_layer()?;
    let explicit = match &flags.profile {
        Some(p) => Some(p.clone()),
        None => env("TRTC_PROFILE")?,
    };
    let merged = match explicit {
        Some(name) => {
            let p = file.profiles.get(&name).ok_or_else(|| {
                let known: Vec<&String> = file.profiles.keys().collect();
                CliError::Config(format!(
                    "no profile {name:?} in {} (profiles: {known:?})",
                    path.as_deref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| "the config file".into())
                ))
            })?;
            env_layer.over(profile_layer(p, dir))
        }
        None => {
            let default = match &file.default_profile {
                Some(name) => Some(file.profiles.get(name).ok_or_else(|| {
                    CliError::Config(format!("default_profile {name:?} is not defined"))
                })?),
                None => file.profiles.get("default"),
            };
            default
                .map(|p| profile_layer(p, dir))
                .unwrap_or_default()
                .over(env_layer)
        }
    };
    Ok(merged.over(flags.layer.clone()))
}

/// The secret key from its source, or a prompt when stdin is a terminal.
pub fn secret_key(layer: &Layer) -> Result<String, CliError> {
    let key = match &layer.secret {
        Some(SecretSource::Env(name)) => env(name)?
            .ok_or_else(|| CliError::Config(format!("{name} (secret key) is not set")))?,
        Some(SecretSource::File(path)) => std::fs::read_to_string(path).map_err(|e| {
            CliError::Config(format!(
                "cannot read the secret key file {}: {}",
                path.display(),
                e.kind()
            ))
        })?,
        None if std::io::stdin().is_terminal() => {
            rpassword::prompt_password("Secret key (not echoed): ")
                .map_err(|e| CliError::Config(format!("cannot read the secret key: {e}")))?
        }
        None => {
            return Err(CliError::Config(
                "no secret key: set TRTC_SECRET_KEY or TRTC_SECRET_KEY_FILE, use --secret-key-file, or `secret_key_file` in the profile".into(),
            ))
        }
    };
    let key = key.trim().to_owned();
    if key.is_empty() {
        return Err(CliError::Config("the secret key is empty".into()));
    }
    Ok(key)
}

/// The SDKAppID, required.
pub fn sdk_app_id(layer: &Layer) -> Result<u64, CliError> {
    layer.sdk_app_id.ok_or_else(|| {
        CliError::Config(
            "no SDKAppID: set TRTC_SDK_APP_ID, use --sdk-app-id, or `sdk_app_id` in the profile"
                .into(),
        )
    })
}

/// The endpoint, required.
pub fn endpoint(layer: &Layer) -> Result<Endpoint, CliError> {
    match &layer.target {
        Some(Target::BaseUrl(u)) => Endpoint::base_url(u.trim())
            .map_err(|e| CliError::Config(format!("base URL {u:?}: {e}"))),
        Some(Target::Region(r)) => r
            .trim()
            .parse::<Region>()
            .map(Endpoint::Region)
            .map_err(|e| CliError::Config(format!("region {r:?}: {e}"))),
        None => Err(CliError::Config(
            "no region: set TRTC_REGION or TRTC_BASE_URL, use --region or --base-url, or `region` in the profile".into(),
        )),
    }
}

/// A client from the settings.
pub fn client(layer: &Layer, timeout: Option<f64>) -> Result<(Client, String), CliError> {
    let app = sdk_app_id(layer)?;
    let admin = layer.admin.clone().ok_or_else(|| {
        CliError::Config("no admin: set TRTC_ADMIN, use --admin, or `admin` in the profile".into())
    })?;
    let endpoint = endpoint(layer)?;
    let shown = endpoint.to_string();
    let key = secret_key(layer)?;
    let mut b = Client::builder()
        .sdk_app_id(app)
        .admin(admin)
        .secret_key(key)
        .endpoint(endpoint);
    if let Some(t) = timeout {
        if !(t.is_finite() && t > 0.0) {
            return Err(CliError::Invalid(format!(
                "--timeout must be a positive number of seconds, got {t}"
            )));
        }
        b = b.attempt_timeout(Duration::from_secs_f64(t));
    }
    let client = b.build().map_err(CliError::Api)?;
    Ok((client, shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_layers_override_field_by_field() {
        let low = Layer {
            sdk_app_id: Some(1),
            admin: Some("a".into()),
            target: Some(Target::Region("china".into())),
            secret: None,
        };
        let high = Layer {
            admin: Some("b".into()),
            ..Layer::default()
        };
        let m = low.over(high);
        assert_eq!(m.sdk_app_id, Some(1));
        assert_eq!(m.admin.as_deref(), Some("b"));
        assert_eq!(m.target, Some(Target::Region("china".into())));
    }

    #[test]
    fn a_secret_key_in_the_file_is_refused_without_echoing_it() {
        let dir = std::env::temp_dir().join(format!("trtc-cli-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(
            &path,
            "[profiles.dev]\nsdk_app_id = 1\nsecret_key = \"hunter2-secret\"\n",
        )
        .unwrap();
        let err = read_config(Some(&path), true).unwrap_err();
        let text = format!("{err:?}");
        assert!(text.contains("secret_key_file"), "{text}");
        assert!(!text.contains("hunter2-secret"), "{text}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn relative_key_files_resolve_next_to_the_config() {
        let p = profile_layer(
            &Profile {
                secret_key_file: Some(PathBuf::from("keys/dev.key")),
                ..Profile::default()
            },
            Some(Path::new("/etc/trtc")),
        );
        assert_eq!(
            p.secret,
            Some(SecretSource::File(PathBuf::from("/etc/trtc/keys/dev.key")))
        );
    }
}
