//! `trtc-room usersig`: generate a UserSig, or check one with `--verify`.

use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Arg, ArgAction, ArgMatches};
use serde_json::json;
use trtc_room::usersig::SigningKey;

use crate::config::{self, Layer};
use crate::exit::CliError;
use crate::output;

/// The clap command.
pub fn command() -> clap::Command {
    clap::Command::new("usersig")
        .about("Generate a UserSig for a user, or check one with --verify")
        .long_about(
            "Generate a UserSig (TLS sig v2) for a user of the app, signed with the app's secret key \
             (from the configuration: environment, profile, --secret-key-file or a prompt), or check \
             one with --verify. The SDKAppID comes from the configuration too.",
        )
        .arg(
            Arg::new("identifier")
                .long("identifier")
                .value_name("USER")
                .help("The user ID the sig is for [default: the configured admin]"),
        )
        .arg(
            Arg::new("expire")
                .long("expire")
                .value_name("SECS")
                .value_parser(clap::value_parser!(u64))
                .default_value("86400")
                .help("Validity in seconds from now"),
        )
        .arg(
            Arg::new("userbuf")
                .long("userbuf")
                .value_name("TEXT")
                .help("Embed this userbuf (or, with --verify, require it)"),
        )
        .arg(
            Arg::new("verify")
                .long("verify")
                .value_name("SIG")
                .help("Check this UserSig instead of generating one (exit 0 if valid, 1 if not)"),
        )
        .arg(
            Arg::new("decode")
                .long("decode")
                .action(ArgAction::SetTrue)
                .requires("verify")
                .help("With --verify, also print the sig's decoded content when it does not verify"),
        )
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Runs it.
pub fn run(layer: &Layer, m: &ArgMatches) -> Result<String, CliError> {
    let app = config::sdk_app_id(layer)?;
    let identifier = match m.get_one::<String>("identifier") {
        Some(i) => i.clone(),
        None => layer.admin.clone().ok_or_else(|| {
            CliError::Invalid("--identifier is needed (no admin is configured)".into())
        })?,
    };
    let key = SigningKey::new(app, config::secret_key(layer)?);
    let userbuf = m.get_one::<String>("userbuf");
    if let Some(sig) = m.get_one::<String>("verify") {
        let checked = match userbuf {
            Some(b) => key.verify_with_userbuf(&identifier, sig, b.as_bytes(), now()),
            None => key.verify(&identifier, sig, now()),
        };
        return match checked {
            Ok(v) => Ok(output::json(&json!({
                "valid": true,
                "identifier": v.identifier,
                "sdk_app_id": v.sdk_app_id,
                "time": v.time,
                "expire": v.expire,
                "expires_at": v.expires_at(),
                "userbuf": v.userbuf.map(|b| String::from_utf8_lossy(&b).into_owned()),
            }))),
            Err(e) => {
                let mut msg = format!("the UserSig does not verify for {identifier:?}: {e}");
                if m.get_flag("decode") {
                    if let Ok(doc) = trtc_room::usersig::decode(sig) {
                        let mut doc = serde_json::Value::Object(doc);
                        if let Some(o) = doc.as_object_mut() {
                            o.remove("TLS.sig");
                        }
                        msg.push_str(&format!("\ncontent (without its signature): {doc}"));
                    }
                }
                Err(CliError::Failed(msg))
            }
        };
    }
    let expire = m.get_one::<u64>("expire").copied().unwrap_or(86400);
    let sig = match userbuf {
        Some(b) => key.generate_with_userbuf(&identifier, expire, b.as_bytes()),
        None => key.generate(&identifier, expire),
    }
    .map_err(|e| CliError::Invalid(e.to_string()))?;
    Ok(format!("{sig}\n"))
}
