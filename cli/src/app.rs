//! The whole command line: global flags, the generated spec subcommands and
//! the utilities.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches};

use crate::config::{Flags, Layer, SecretSource, Target};
use crate::exit;
use crate::generated::commands::{COMMANDS, WEBHOOKS};
use crate::output::Format;
use crate::table;

const ABOUT: &str = "Command-line tool for the Tencent RTC Room server REST API";

const LONG_ABOUT: &str = "\
Command-line tool for the Tencent RTC Room server REST API (TUIRoomKit / Room Engine).

Every command of the API is a subcommand, generated from the project's spec: \
`trtc-room <area> <verb> --flags`, e.g. `trtc-room rooms create --room-id r1 --room-type Conference`. \
Flags come from the request fields (nested objects flattened, lists repeatable); --json gives the \
whole body. The spec's limits are checked before anything is sent.";

const AFTER_LONG_HELP: &str = "\
Configuration (highest precedence first):
  flags          --sdk-app-id, --admin, --region/--base-url, --secret-key-file
  --profile      a named profile of the config file (or TRTC_PROFILE)
  environment    TRTC_SDK_APP_ID, TRTC_ADMIN, TRTC_REGION or TRTC_BASE_URL,
                 TRTC_SECRET_KEY or TRTC_SECRET_KEY_FILE
  config file    its default profile (`default_profile`, else `default`)
The secret key is read from the environment, a file or a no-echo prompt (when
stdin is a terminal), and is never printed.

Config file: --config, TRTC_CONFIG, or ~/.config/trtc-room/config.toml:
  default_profile = \"dev\"
  [profiles.dev]
  sdk_app_id = 1400000000
  admin = \"administrator\"
  region = \"singapore\"            # or base_url = \"http://127.0.0.1:9080\"
  secret_key_file = \"dev.key\"     # or secret_key_env = \"DEV_TRTC_SECRET_KEY\"
";

/// The top-level clap command.
pub fn build() -> clap::Command {
    let mut app = clap::Command::new("trtc-room")
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .long_about(LONG_ABOUT)
        .after_help("See `trtc-room --help` for configuration and exit codes.")
        .after_long_help(format!("{AFTER_LONG_HELP}\n{}", exit::TABLE))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_args());
    for (group, entries) in table::groups(COMMANDS) {
        app = app.subcommand(table::group_command(group, &entries));
    }
    app.subcommand(crate::call::command())
        .subcommand(crate::usersig::command())
        .subcommand(crate::webhook::command(WEBHOOKS))
        .subcommand(
            clap::Command::new("emulator")
                .about("Run the Room service emulator (the same options as room-emulator; see `trtc-room emulator --help`)")
                .disable_help_flag(true)
                .arg(
                    Arg::new("options")
                        .num_args(0..)
                        .trailing_var_arg(true)
                        .allow_hyphen_values(true)
                        .help("Emulator options: --listen, --sdk-app-id, --secret-key, --admin, --rate-limit, ..."),
                ),
        )
        .subcommand(
            clap::Command::new("completions")
                .about("Print a shell completion script")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(clap::value_parser!(clap_complete::Shell))
                        .help("The shell"),
                ),
        )
}

fn global_args() -> Vec<Arg> {
    let g = |id: &'static str| {
        Arg::new(id)
            .long(id)
            .global(true)
            .help_heading("Global options")
    };
    vec![
        g("profile")
            .value_name("NAME")
            .help("Use this profile of the config file"),
        g("config")
            .value_name("FILE")
            .value_parser(clap::value_parser!(PathBuf))
            .help("Config file [default: ~/.config/trtc-room/config.toml]"),
        g("sdk-app-id")
            .value_name("N")
            .value_parser(clap::value_parser!(u64))
            .help("SDKAppID of the app"),
        g("admin").value_name("ID").help("App administrator identifier"),
        g("region")
            .value_name("REGION")
            .conflicts_with("base-url")
            .help("Region name or admin domain (china, singapore, seoul, tokyo, frankfurt, siliconvalley, jakarta)"),
        g("base-url")
            .value_name("URL")
            .help("Base URL instead of a region (a proxy, the emulator)"),
        g("secret-key-file")
            .value_name("FILE")
            .value_parser(clap::value_parser!(PathBuf))
            .help("Read the secret key from this file"),
        g("timeout")
            .value_name("SECS")
            .value_parser(clap::value_parser!(f64))
            .help("Timeout of one attempt, in seconds [default: 5]"),
        g("output")
            .short('o')
            .value_name("FORMAT")
            .value_parser(["json", "table", "raw"])
            .default_value("json")
            .help("json: the typed answer; table: lists as a table; raw: the whole answer body, envelope included"),
        g("verbose")
            .short('v')
            .action(ArgAction::SetTrue)
            .help("Show each call's URL (UserSig redacted), attempts, latency and RequestId on stderr"),
    ]
}

/// The global flags of a parse.
pub fn flags(m: &ArgMatches) -> Flags {
    let s = |id: &str| m.get_one::<String>(id).cloned();
    let target = match (s("base-url"), s("region")) {
        (Some(u), _) => Some(Target::BaseUrl(u)),
        (None, Some(r)) => Some(Target::Region(r)),
        (None, None) => None,
    };
    Flags {
        config: m.get_one::<PathBuf>("config").cloned(),
        profile: s("profile"),
        layer: Layer {
            sdk_app_id: m.get_one::<u64>("sdk-app-id").copied(),
            admin: s("admin"),
            target,
            secret: m
                .get_one::<PathBuf>("secret-key-file")
                .cloned()
                .map(SecretSource::File),
        },
        timeout: m.get_one::<f64>("timeout").copied(),
    }
}

/// `--output`.
pub fn format(m: &ArgMatches) -> Format {
    match m.get_one::<String>("output").map(String::as_str) {
        Some("table") => Format::Table,
        Some("raw") => Format::Raw,
        _ => Format::Json,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        // clap's own checks: no duplicate flags (spec fields against
        // global flags), valid defaults, conflicts and requirements.
        build().debug_assert();
    }

    #[test]
    fn every_spec_command_has_exactly_one_subcommand() {
        let catalog = trtc_room::command::COMMANDS;
        assert_eq!(COMMANDS.len(), catalog.len());
        let app = build();
        for info in catalog {
            let entries: Vec<_> = COMMANDS
                .iter()
                .filter(|e| e.info.service == info.service && e.info.command == info.command)
                .collect();
            assert_eq!(entries.len(), 1, "{}/{}", info.service, info.command);
            let e = entries[0];
            let group = app
                .find_subcommand(e.group)
                .unwrap_or_else(|| panic!("no group {}", e.group));
            assert!(
                group.find_subcommand(e.name).is_some(),
                "no subcommand {} {}",
                e.group,
                e.name
            );
        }
    }
}
