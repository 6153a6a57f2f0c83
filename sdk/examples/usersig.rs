//! Prints a UserSig.
//!
//! ```text
//! cargo run -p trtc-room --example usersig -- --sdk-app-id <N> --secret-key <KEY> \
//!     --identifier <ID> --expire <SECONDS>
//! ```
//!
//! Only the sig goes to stdout; bad arguments print the usage to stderr and
//! exit with status 2 (`--help` prints the usage to stdout and exits with 0).

use std::ffi::OsString;
use std::process::ExitCode;

use trtc_room::usersig::SigningKey;

const USAGE: &str =
    "usage: usersig --sdk-app-id <N> --secret-key <KEY> --identifier <ID> --expire <SECONDS>";

struct Args {
    app: u64,
    key: String,
    id: String,
    expire: u64,
}

/// What the command line asks for.
enum Parsed {
    Sign(Args),
    Help,
}

fn parse(mut it: impl Iterator<Item = OsString>) -> Result<Parsed, String> {
    let (mut app, mut key, mut id, mut expire) = (None, None, None, None);
    while let Some(flag) = it.next() {
        let flag = flag
            .into_string()
            .map_err(|_| "an argument is not valid UTF-8".to_owned())?;
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{flag} needs a value"))?
                .into_string()
                // Not echoed: it may be the secret key.
                .map_err(|_| format!("the value of {flag} is not valid UTF-8"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--sdk-app-id" => {
                let v = value()?;
                app = Some(
                    v.parse::<u64>()
                        .map_err(|_| format!("bad --sdk-app-id {v:?}"))?,
                );
            }
            "--secret-key" => key = Some(value()?),
            "--identifier" => id = Some(value()?),
            "--expire" => {
                let v = value()?;
                expire = Some(
                    v.parse::<u64>()
                        .map_err(|_| format!("bad --expire {v:?}"))?,
                );
            }
            other if other.starts_with('-') => return Err(format!("unknown flag {other:?}")),
            // Not echoed: a misplaced value may be the secret key.
            _ => return Err("unexpected argument without a flag".to_owned()),
        }
    }
    Ok(Parsed::Sign(Args {
        app: app.ok_or("--sdk-app-id is required")?,
        key: key.ok_or("--secret-key is required")?,
        id: id.ok_or("--identifier is required")?,
        expire: expire.ok_or("--expire is required")?,
    }))
}

fn main() -> ExitCode {
    let args = match parse(std::env::args_os().skip(1)) {
        Ok(Parsed::Sign(a)) => a,
        Ok(Parsed::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match SigningKey::new(args.app, args.key).generate(&args.id, args.expire) {
        Ok(sig) => {
            println!("{sig}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
