//! Which commands exist: the SDK's generated catalog drives routing, so a
//! command added to the spec is routed (and answers "not implemented" until
//! a handler is written).

use trtc_room::CommandInfo;

/// The catalog entry of `service/command`.
pub fn lookup(service: &str, command: &str) -> Option<&'static CommandInfo> {
    trtc_room::generated::catalog::find(service, command)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_catalog_command_has_a_handler() {
        let missing: Vec<String> = trtc_room::generated::catalog::COMMANDS
            .iter()
            .filter(|c| crate::handlers::handler(c.service, c.command).is_none())
            .map(|c| format!("{}/{}", c.service, c.command))
            .collect();
        assert!(missing.is_empty(), "no handler for {missing:?}");
    }
}
