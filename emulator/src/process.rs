//! The emulator as a process: option parsing and the serve loop shared by the
//! `room-emulator` binary and the `trtc-room emulator` command.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;

use trtc_room::webhook::OptPlatform;

use crate::config::{DEFAULT_ADMIN, DEFAULT_SDK_APP_ID, DEFAULT_SECRET_KEY};
use crate::{Emulator, EmulatorConfig};

/// The options [`parse`] accepts, as help text (one option per line).
pub const OPTIONS: &str =
    "    --listen <ADDR>          address to listen on [default: 127.0.0.1:9080]
    --sdk-app-id <N>         SDKAppID of the emulated app [default: 1400000000]
    --secret-key <KEY>       secret key UserSigs are checked with [default: {DEFAULT_SECRET_KEY}]
    --admin <ID>             App administrator identifier [default: administrator]
    --rate-limit             answer 60007 above 200 calls/s per command
    --require-imported-accounts
                             room commands refuse accounts not imported (70107)
    --callback-token <T>     token for signing webhook deliveries
    --client-platform <P>    OptPlatform of the callbacks caused by simulated
                             clients (control API) [default: Unknown]
    --console-token <T>      token the web console (/emulator/console) and the
                             control API require (Authorization: Bearer <T>
                             or ?token=<T>); required to listen off loopback
                             [default: $ROOM_EMULATOR_CONSOLE_TOKEN]
    --strict                 answer 60017 for a spec command without a handler
                             (default: its documented sample answer)
    --sample-answer <SERVICE/COMMAND>
                             answer this command from its documented sample
                             even though it has a handler (repeatable)
    --state-file <PATH>      load the state from PATH at start (missing: empty
                             start), save it there on SIGINT/SIGTERM and on
                             POST /emulator/v1/save
    --seed <FILE>            fixtures (YAML or JSON) applied at start when no
                             saved state was loaded
    -h, --help               print this help

Prints its base URL on stdout, then logs one line per request on stderr
(RUST_LOG=room_emulator=info by default; colours only on a terminal).";

/// Full help text for the command `program`, with the default secret key
/// filled in (a fixed, published test key, so clients can sign for the
/// default emulator).
pub fn usage(program: &str) -> String {
    let options = OPTIONS.replace("{DEFAULT_SECRET_KEY}", DEFAULT_SECRET_KEY);
    format!(
        "{program}: in-memory Tencent RTC Room REST service\n\nUSAGE:\n    {program} [OPTIONS]\n\nOPTIONS:\n{options}"
    )
}

/// Parses the options listed in [`OPTIONS`]. `Ok(None)` means help was
/// asked for; the error names the bad option.
pub fn parse(args: impl Iterator<Item = String>) -> Result<Option<EmulatorConfig>, String> {
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
            "--console-token" => cfg.console_token = Some(value("--console-token")?),
            "--client-platform" => {
                cfg.client_platform = OptPlatform::from_wire(&value("--client-platform")?);
            }
            "--strict" => cfg.strict = true,
            "--sample-answer" => {
                let v = value("--sample-answer")?;
                let known = v
                    .split_once('/')
                    .is_some_and(|(s, c)| crate::catalog::lookup(s, c).is_some());
                if !known {
                    return Err(format!(
                        "--sample-answer: {v:?} is not a SERVICE/COMMAND of the spec"
                    ));
                }
                cfg.sample_answers.push(v);
            }
            "--state-file" => cfg.state_file = Some(value("--state-file")?.into()),
            "--seed" => cfg.seed = Some(value("--seed")?.into()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if cfg.console_token.is_none() {
        cfg.console_token = std::env::var(crate::console::TOKEN_ENV)
            .ok()
            .filter(|t| !t.is_empty());
    }
    crate::console::check_listen(&cfg).map_err(|e| e.to_string())?;
    if cfg.admin.is_empty() {
        return Err("--admin must not be empty".into());
    }
    Ok(Some(cfg))
}

/// Runs an emulator as a process would: parses `args` (the options after
/// the program name), serves until Ctrl-C or SIGTERM (then saves the state
/// file, if any), and returns the exit code.
/// `program` names the command in messages and help.
pub async fn run(program: &str, args: impl Iterator<Item = String>) -> ExitCode {
    let cfg = match parse(args) {
        Ok(Some(cfg)) => cfg,
        Ok(None) => {
            println!("{}", usage(program));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{program}: {e}\n\n{}", usage(program));
            return ExitCode::from(2);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("room_emulator=info"));
    let stderr = std::io::stderr();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(stderr.is_terminal())
        // Never blocks request handling on a full stderr pipe.
        .with_writer(crate::logsink::LogSink::start(std::io::stderr()))
        .try_init()
        .ok();
    let emu = match Emulator::start(cfg).await {
        Ok(emu) => emu,
        Err(e) => {
            eprintln!("{program}: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", emu.base_url());
    eprintln!(
        "{program}: web console at {}{}",
        emu.console_url(),
        if emu.addr().ip().is_loopback() {
            ""
        } else {
            " (needs the console token)"
        }
    );
    eprintln!(
        "{program}: SDKAppID {} admin {:?}{}{} (Ctrl-C or SIGTERM to stop)",
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
    crate::persist::stop_signal().await;
    match emu.shutdown_and_save().await {
        Ok(Some(saved)) => {
            eprintln!(
                "{program}: state saved to {} ({} bytes)",
                saved.path.display(),
                saved.bytes
            );
            ExitCode::SUCCESS
        }
        Ok(None) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{program}: {e}");
            ExitCode::FAILURE
        }
    }
}
