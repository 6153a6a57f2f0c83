//! Prints a UserSig.
//!
//! ```text
//! TRTC_SECRET_KEY=... cargo run -p trtc-room --example usersig -- \
//!     --sdk-app-id <N> --identifier <ID> --expire <SECONDS>
//! ```
//!
//! The secret key comes from `--secret-key-file <PATH>` (`-` reads stdin),
//! else the `TRTC_SECRET_KEY` environment variable, else `--secret-key <KEY>`
//! (visible to other users in the process list: avoid it on shared
//! machines). An empty key is refused.
//!
//! Only the sig goes to stdout; bad arguments print the usage to stderr and
//! exit with status 2 (`--help` prints the usage to stdout and exits with 0).

use std::ffi::OsString;
use std::process::ExitCode;

use trtc_room::usersig::SigningKey;

const USAGE: &str = "\
usage: usersig --sdk-app-id <N> --identifier <ID> --expire <SECONDS> [KEY SOURCE]

The secret key comes from the first of:
    --secret-key-file <PATH>   a file holding the key (`-` reads it from stdin)
    TRTC_SECRET_KEY            the environment variable
    --secret-key <KEY>         the key itself (visible in the process list)";

/// Where the secret key comes from.
enum KeySource {
    File(String),
    Flag(String),
}

struct Args {
    app: u64,
    key: Option<KeySource>,
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
            "--secret-key" => key = Some(KeySource::Flag(value()?)),
            "--secret-key-file" => key = Some(KeySource::File(value()?)),
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
        key,
        id: id.ok_or("--identifier is required")?,
        expire: expire.ok_or("--expire is required")?,
    }))
}

/// The secret key from its source (a file or stdin, the environment, the
/// flag); never empty. Errors never echo the key.
fn secret_key(flag: Option<KeySource>) -> Result<String, String> {
    use std::io::Read as _;
    let (key, from) = match flag {
        Some(KeySource::File(path)) if path == "-" => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read the secret key from stdin: {e}"))?;
            (text, "stdin")
        }
        Some(KeySource::File(path)) => (
            std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read the secret key file {path:?}: {e}"))?,
            "--secret-key-file",
        ),
        Some(KeySource::Flag(_)) if std::env::var_os("TRTC_SECRET_KEY").is_some() => {
            return Err("give the secret key once: TRTC_SECRET_KEY or --secret-key".into());
        }
        Some(KeySource::Flag(key)) => (key, "--secret-key"),
        None => match std::env::var("TRTC_SECRET_KEY") {
            Ok(key) => (key, "TRTC_SECRET_KEY"),
            Err(std::env::VarError::NotPresent) => {
                return Err("no secret key: set TRTC_SECRET_KEY or use --secret-key-file".into())
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err("TRTC_SECRET_KEY is not valid UTF-8".into())
            }
        },
    };
    // A file usually ends with a newline; the key itself never has spaces.
    let key = key.trim().to_owned();
    if key.is_empty() {
        return Err(format!("the secret key from {from} is empty"));
    }
    Ok(key)
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
    let key = match secret_key(args.key) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match SigningKey::new(args.app, key).generate(&args.id, args.expire) {
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
