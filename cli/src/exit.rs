//! Exit codes and how failures are reported on stderr.

use std::process::ExitCode;

use trtc_room::Error;

/// The command did what was asked.
pub const SUCCESS: u8 = 0;
/// Something else failed (a file, a port, a signature that does not verify).
pub const FAILURE: u8 = 1;
/// Invalid input: bad flags or values, a request breaking the spec's limits,
/// a body that does not fit the command. Nothing was sent.
pub const INVALID_INPUT: u8 = 2;
/// The service answered with an error (`ErrorCode` other than 0).
pub const SERVICE_ERROR: u8 = 3;
/// No usable answer: connection failure, timeout, HTTP error status, an
/// undecodable body or a broken paging cursor.
pub const TRANSPORT_ERROR: u8 = 4;
/// Unusable configuration: missing or bad SDKAppID, admin, secret key,
/// region, base URL or profile.
pub const CONFIG_ERROR: u8 = 5;

/// The exit code table, for `--help`.
pub const TABLE: &str = "\
Exit codes:
  0  success
  1  other failure (file, port, signature that does not verify)
  2  invalid input (flags, values, spec limits, request body); nothing was sent
  3  service error (ErrorCode, its meaning and RequestId on stderr)
  4  transport error (connection, timeout, HTTP status, undecodable answer)
  5  configuration error (SDKAppID, admin, secret key, region, profile)";

/// A failure of the tool.
#[derive(Debug)]
pub enum CliError {
    /// Invalid input; nothing was sent.
    Invalid(String),
    /// Unusable configuration.
    Config(String),
    /// A call failed.
    Api(Error),
    /// Anything else.
    Failed(String),
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Api(e)
    }
}

impl CliError {
    /// The documented exit code.
    pub fn code(&self) -> u8 {
        match self {
            CliError::Invalid(_) => INVALID_INPUT,
            CliError::Config(_) => CONFIG_ERROR,
            CliError::Failed(_) => FAILURE,
            CliError::Api(e) => match e {
                Error::InvalidRequest(_) => INVALID_INPUT,
                Error::Config(_) => CONFIG_ERROR,
                Error::Service { .. } => SERVICE_ERROR,
                Error::Transport { .. }
                | Error::Timeout { .. }
                | Error::HttpStatus { .. }
                | Error::Decode { .. }
                | Error::RepeatedCursor { .. } => TRANSPORT_ERROR,
                _ => FAILURE,
            },
        }
    }

    /// Prints the failure on stderr and returns its exit code.
    pub fn report(&self) -> ExitCode {
        match self {
            CliError::Invalid(m) => eprintln!("trtc-room: invalid input: {m}"),
            CliError::Config(m) => eprintln!("trtc-room: configuration: {m}"),
            CliError::Failed(m) => eprintln!("trtc-room: {m}"),
            CliError::Api(Error::Service {
                call,
                code,
                info,
                request_id,
                meaning,
            }) => {
                eprintln!(
                    "trtc-room: service error: {}/{} answered ErrorCode {}",
                    call.service,
                    call.command,
                    code.code()
                );
                eprintln!("  ErrorInfo: {info}");
                if let Some(m) = meaning {
                    eprintln!("  meaning:   {m}");
                }
                eprintln!("  RequestId: {}", request_id.as_deref().unwrap_or("-"));
                eprintln!("  random:    {} (attempts {})", call.random, call.attempts);
            }
            CliError::Api(e @ Error::InvalidRequest(_)) => eprintln!("trtc-room: {e}"),
            CliError::Api(
                e @ (Error::HttpStatus {
                    body_excerpt: body, ..
                }
                | Error::Decode { body, .. }),
            ) => {
                eprintln!("trtc-room: {e}");
                if !body.is_empty() {
                    eprintln!("  body: {body}");
                }
            }
            CliError::Api(e) => eprintln!("trtc-room: {e}"),
        }
        ExitCode::from(self.code())
    }
}
