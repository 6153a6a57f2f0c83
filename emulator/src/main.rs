//! `room-emulator`: run the Room service emulator as a process.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;

use trtc_room::webhook::OptPlatform;

use trtc_room_emulator::config::{DEFAULT_ADMIN, DEFAULT_SDK_APP_ID, DEFAULT_SECRET_KEY};
use trtc_room_emulator::{Emulator, EmulatorConfig};

const USAGE: &str = "\
room-emulator: in-memory Tencent RTC Room REST service

USAGE:
    room-emulator [OPTIONS]

OPTIONS:
    --listen <ADDR>          address to listen on [default: 127.0.0.1:9080]
    --sdk-app-id <N>         SDKAppID of the emulated app [default: 1400000000]
    --secret-key <KEY>       secret key UserSigs are checked with [default: {DEFAULT_SECRET_KEY}]
    --admin <ID>             App administrator identifier [default: administrator]
    --rate-limit             answer 60007 above 200 calls/s per command
    --require-imported-accounts
                             room commands refuse accounts not imported (70107)
    --callback-token <T>     token for signing webhook deliveries
    --client-platform <P>    OptPlatform of the callbacks caused by simulated
                             clients (control API) [default: Unknown]
    -h, --help               print this help

Prints its base URL on stdout, then logs one line per request on stderr
(RUST_LOG=room_emulator=info by default; colours only on a terminal).";

/// The help text, with the default secret key filled in (it is a fixed,
/// published test key, so clients can sign for the default emulator).
fn usage() -> String {
    USAGE.replace("{DEFAULT_SECRET_KEY}", DEFAULT_SECRET_KEY)
}

fn parse(args: impl Iterator<Item = String>) -> Result<Option<EmulatorConfig>, String> {
    let mut cfg = EmulatorConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 9080)),
        ..EmulatorConfig::default()
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => {
                let v = value("--listen")?;
                cfg.listen = v
                    .parse()
                    .map_err(|_| format!("--listen: bad address {v:?}"))?;
            }
            "--sdk-app-id" => {
                let v = value("--sdk-app-id")?;
                cfg.sdk_app_id = v
                    .parse()
                    .map_err(|_| format!("--sdk-app-id: not a number: {v:?}"))?;
            }
            "--secret-key" => cfg.secret_key = value("--secret-key")?,
            "--admin" => cfg.admin = value("--admin")?,
            "--rate-limit" => cfg.rate_limit = true,
            "--require-imported-accounts" => cfg.require_imported_accounts = true,
            "--callback-token" => cfg.callback_token = Some(value("--callback-token")?),
            "--client-platform" => {
                cfg.client_platform = OptPlatform::from_wire(&value("--client-platform")?);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if cfg.admin.is_empty() {
        return Err("--admin must not be empty".into());
    }
    Ok(Some(cfg))
}

#[tokio::main]
async fn main() -> ExitCode {
    let cfg = match parse(std::env::args().skip(1)) {
        Ok(Some(cfg)) => cfg,
        Ok(None) => {
            println!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("room-emulator: {e}\n\n{}", usage());
            return ExitCode::from(2);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("room_emulator=info"));
    let stderr = std::io::stderr();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(stderr.is_terminal())
        .with_writer(std::io::stderr)
        .init();
    let emu = match Emulator::start(cfg).await {
        Ok(emu) => emu,
        Err(e) => {
            eprintln!("room-emulator: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", emu.base_url());
    eprintln!(
        "room-emulator: SDKAppID {} admin {:?}{}{} (Ctrl-C to stop)",
        emu.sdk_app_id(),
        emu.admin(),
        if emu.sdk_app_id() == DEFAULT_SDK_APP_ID {
            " (default app)"
        } else {
            ""
        },
        if emu.admin() == DEFAULT_ADMIN {
            " (default admin)"
        } else {
            ""
        },
    );
    let _ = tokio::signal::ctrl_c().await;
    emu.shutdown().await;
    ExitCode::SUCCESS
}
