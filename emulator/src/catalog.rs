//! Which commands exist: the SDK's generated catalog drives routing, so a
//! command added to the spec is routed, and answered with its documented
//! sample until a handler is written (see `handlers::sample`).

use trtc_room::CommandInfo;

/// The catalog entry of `service/command`.
pub fn lookup(service: &str, command: &str) -> Option<&'static CommandInfo> {
    trtc_room::command::find(service, command)
}
