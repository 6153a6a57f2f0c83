//! Running the built `trtc-room` binary against an in-process emulator.

use std::path::PathBuf;
use std::process::Output;

use trtc_room_emulator::{Emulator, EmulatorConfig};

pub const SECRET: &str = "cli-test-secret-key-0123456789abcdef";

/// An emulator and a private HOME for the binary.
pub struct Rig {
    pub emu: Emulator,
    pub home: PathBuf,
}

/// What a run printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Rig {
    pub async fn start(name: &str) -> Rig {
        let emu = Emulator::start(EmulatorConfig {
            secret_key: SECRET.to_owned(),
            ..EmulatorConfig::default()
        })
        .await
        .expect("emulator starts");
        let home =
            std::env::temp_dir().join(format!("trtc-cli-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).expect("temp home");
        Rig { emu, home }
    }

    /// The binary with a clean environment: no TRTC_* variables, HOME in a
    /// temp folder (no config file).
    pub fn bare(&self) -> tokio::process::Command {
        let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_trtc-room"));
        for (k, _) in std::env::vars() {
            if k.starts_with("TRTC_") || k == "XDG_CONFIG_HOME" {
                c.env_remove(k);
            }
        }
        c.env("HOME", &self.home);
        c.stdin(std::process::Stdio::null());
        c
    }

    /// The binary configured for the emulator through TRTC_* variables.
    pub fn cmd(&self) -> tokio::process::Command {
        let mut c = self.bare();
        c.env("TRTC_SDK_APP_ID", self.emu.sdk_app_id().to_string())
            .env("TRTC_ADMIN", self.emu.admin())
            .env("TRTC_BASE_URL", self.emu.base_url())
            .env("TRTC_SECRET_KEY", SECRET);
        c
    }

    pub async fn run(&self, args: &[&str]) -> Run {
        run(self.cmd(), args).await
    }
}

pub async fn run(mut c: tokio::process::Command, args: &[&str]) -> Run {
    c.args(args).output().await.expect("the binary runs").into()
}
