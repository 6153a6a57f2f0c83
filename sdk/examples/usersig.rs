//! Prints a UserSig.
//!
//! ```text
//! cargo run -p trtc-room --example usersig -- --sdk-app-id <N> --secret-key <KEY> \
//!     --identifier <ID> --expire <SECONDS>
//! ```
//!
//! Only the sig goes to stdout; bad arguments print the usage to stderr and
//! exit with status 2.

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

fn parse(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut app, mut key, mut id, mut expire) = (None, None, None, None);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
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
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Args {
        app: app.ok_or("--sdk-app-id is required")?,
        key: key.ok_or("--secret-key is required")?,
        id: id.ok_or("--identifier is required")?,
        expire: expire.ok_or("--expire is required")?,
    })
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
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
