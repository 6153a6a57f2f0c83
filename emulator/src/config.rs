//! Emulator settings.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use trtc_room::webhook::OptPlatform;

use crate::events::EventSink;

/// Default SDKAppID of the emulated application.
pub const DEFAULT_SDK_APP_ID: u64 = 1_400_000_000;
/// Default secret key (a fixed test key; never use it for a real app).
pub const DEFAULT_SECRET_KEY: &str =
    "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
/// Default App administrator account.
pub const DEFAULT_ADMIN: &str = "administrator";
/// Default member cap of the emulated package (used when `create_room` has
/// no `MaxMemberCount`, and the highest value accepted).
pub const DEFAULT_PACKAGE_MAX_MEMBERS: u32 = 300;
/// Seat count of a seat-enabled room created without `MaxSeatCount`.
pub const DEFAULT_MAX_SEAT_COUNT: u32 = 16;

/// How to run an emulator.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// Address to listen on; port 0 picks a free port. Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// The SDKAppID requests must name. Default [`DEFAULT_SDK_APP_ID`].
    pub sdk_app_id: u64,
    /// The secret key UserSigs must be signed with. Default [`DEFAULT_SECRET_KEY`].
    pub secret_key: String,
    /// The App administrator (`identifier`). Default [`DEFAULT_ADMIN`].
    pub admin: String,
    /// Answer 60007 once a command gets more calls in one second than its
    /// documented limit (200/s). Off by default.
    pub rate_limit: bool,
    /// With `rate_limit`, use this many calls per second instead of each
    /// command's documented limit (handy in tests). Default `None`.
    pub rate_limit_override: Option<u32>,
    /// Package member cap. Default [`DEFAULT_PACKAGE_MAX_MEMBERS`].
    pub package_max_members: u32,
    /// Require Chat accounts to exist, as the real service does: room
    /// commands naming an account (`Owner_Account`, `Member_Account`,
    /// `MemberList_Account`, ... anywhere in the body) and the control API's
    /// `enter_room` answer 70107 for one that was neither imported
    /// (`account_import`, `multiaccount_import`) nor is the administrator.
    /// Off by default, so rooms can be used without importing accounts first.
    /// (Which code the real service answers here is not documented; 70107 is
    /// the account service's "not imported".)
    pub require_imported_accounts: bool,
    /// Token for signing webhook deliveries (`Sign`/`RequestTime`); none by default.
    pub callback_token: Option<String>,
    /// `OptPlatform` of the callbacks caused by the simulated clients of the
    /// control API (`enter_room`, `leave_room`, `take_seat`). Callbacks of
    /// REST calls always carry `RESTAPI`. Default `Unknown`.
    pub client_platform: OptPlatform,
    /// Extra receiver of state-change events (webhook delivery).
    pub event_sink: Option<Arc<dyn EventSink>>,
    /// Token the web console and the control API require (as
    /// `Authorization: Bearer <token>` or `?token=<token>`); none by
    /// default. Required to listen on a non-loopback address (see
    /// [`crate::console`]).
    pub console_token: Option<String>,
    /// Answer 60017 for a spec command without a handler, instead of its
    /// documented sample answer. Off by default.
    pub strict: bool,
    /// Commands (`service/command`) answered from their documented sample
    /// even though the emulator has a handler for them. Empty by default.
    pub sample_answers: Vec<String>,
    /// State file (see [`crate::persist`]): loaded at start (a missing file
    /// is an empty start), saved by [`Emulator::shutdown`](crate::Emulator::shutdown)
    /// and the `save` control op. Default `None` (nothing persists).
    pub state_file: Option<PathBuf>,
    /// Seed file (YAML or JSON by extension; see [`crate::persist`]) applied
    /// at start when no state was loaded from `state_file`. Default `None`.
    pub seed: Option<PathBuf>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            sdk_app_id: DEFAULT_SDK_APP_ID,
            secret_key: DEFAULT_SECRET_KEY.to_owned(),
            admin: DEFAULT_ADMIN.to_owned(),
            rate_limit: false,
            rate_limit_override: None,
            package_max_members: DEFAULT_PACKAGE_MAX_MEMBERS,
            require_imported_accounts: false,
            callback_token: None,
            client_platform: OptPlatform::Unknown,
            event_sink: None,
            console_token: None,
            strict: false,
            sample_answers: Vec::new(),
            state_file: None,
            seed: None,
        }
    }
}

impl fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("listen", &self.listen)
            .field("sdk_app_id", &self.sdk_app_id)
            .field("secret_key", &"<redacted>")
            .field("admin", &self.admin)
            .field("rate_limit", &self.rate_limit)
            .field("rate_limit_override", &self.rate_limit_override)
            .field("package_max_members", &self.package_max_members)
            .field("require_imported_accounts", &self.require_imported_accounts)
            .field(
                "callback_token",
                &self.callback_token.as_ref().map(|_| "<redacted>"),
            )
            .field("client_platform", &self.client_platform)
            .field("event_sink", &self.event_sink.as_ref().map(|_| "<sink>"))
            .field(
                "console_token",
                &self.console_token.as_ref().map(|_| "<redacted>"),
            )
            .field("strict", &self.strict)
            .field("sample_answers", &self.sample_answers)
            .field("state_file", &self.state_file)
            .field("seed", &self.seed)
            .finish()
    }
}
