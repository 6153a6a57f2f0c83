//! `trtc-room call <service> <command>`: any command by its wire names,
//! including one the spec does not have yet, through the SDK's
//! `call_raw` (the same signing, retries, redaction and exit codes as the
//! generated subcommands).

use clap::{Arg, ArgAction, ArgMatches};
use serde_json::Value;

use crate::exit::CliError;
use crate::{app, config, input, output, verbose};

/// The `call` subcommand.
pub fn command() -> clap::Command {
    clap::Command::new("call")
        .about("Send any command by its service and command name, with a JSON body")
        .long_about(
            "Send any command by its service and command name, with a JSON body: also one the \
             spec does not have yet. The body is sent as given (at least `{}`); the answer is \
             printed as received. Signing, retries, redaction and exit codes are those of the \
             generated subcommands. Without --idempotent, the command is never re-sent once it \
             may have reached the server.",
        )
        .arg(
            Arg::new("service")
                .required(true)
                .value_name("SERVICE")
                .help("Tencent service name, e.g. live_engine_http_srv"),
        )
        .arg(
            Arg::new("command")
                .required(true)
                .value_name("COMMAND")
                .help("Command name, e.g. get_room_info"),
        )
        .arg(
            Arg::new("json")
                .long("json")
                .value_name("JSON|@FILE")
                .value_parser(input::parse_json_arg)
                .help("The request body (default `{}`)"),
        )
        .arg(
            Arg::new("idempotent")
                .long("idempotent")
                .action(ArgAction::SetTrue)
                .help("The command is safe to re-send after a failure that may have reached the server"),
        )
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Runs `call`; returns the answer to print.
pub async fn run(cm: &ArgMatches, top: &ArgMatches) -> Result<String, CliError> {
    let service = cm.get_one::<String>("service").map_or("", String::as_str);
    let command = cm.get_one::<String>("command").map_or("", String::as_str);
    for (what, name) in [("service", service), ("command", command)] {
        if !is_name(name) {
            return Err(CliError::Invalid(format!(
                "call: {what} {name:?} must be lower-case letters, digits and `_`"
            )));
        }
    }
    let body = cm
        .get_one::<Value>("json")
        .cloned()
        .unwrap_or_else(|| Value::Object(Default::default()));
    if !body.is_object() {
        return Err(CliError::Invalid(
            "call: the body must be a JSON object".into(),
        ));
    }
    let flags = app::flags(top);
    let layer = config::resolve(&flags)?;
    let (client, base) = config::client(&layer, flags.timeout)?;
    if top.get_flag("verbose") {
        verbose::install(verbose::UrlParts {
            base,
            sdk_app_id: client.sdk_app_id(),
            admin: client.admin().to_owned(),
        });
    }
    let reply = if cm.get_flag("idempotent") {
        client.call_raw_idempotent(service, command, &body).await?
    } else {
        client.call_raw(service, command, &body).await?
    };
    Ok(output::json(&reply.into_inner()))
}
