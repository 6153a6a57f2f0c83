//! State-change events: the hook point for webhook delivery.
//!
//! Every state change that Tencent reports through a callback produces an
//! [`Event`]: the callback command (`Room.CallbackAfterCreateRoom`, ...) and
//! the JSON body documented for it. Events go to every subscriber of
//! [`Emulator::subscribe_events`](crate::Emulator::subscribe_events) and to the
//! [`EventSink`] given in the configuration (webhook delivery implements one).
//! Whether a callback URL is configured, and which commands it enabled, is
//! available from [`Emulator::callback_config`](crate::Emulator::callback_config).

use serde::Serialize;
use serde_json::Value;
use trtc_room::webhook::OptPlatform;
use trtc_room::CallbackCommand;

/// `Room.CallbackAfterCreateRoom`.
pub const AFTER_CREATE_ROOM: &str = "Room.CallbackAfterCreateRoom";
/// `Room.CallbackAfterDestroyRoom`.
pub const AFTER_DESTROY_ROOM: &str = "Room.CallbackAfterDestroyRoom";
/// `Room.CallbackAfterUpdateRoomInfo`.
pub const AFTER_UPDATE_ROOM_INFO: &str = "Room.CallbackAfterUpdateRoomInfo";
/// `Room.CallbackAfterMemberEnter`.
pub const AFTER_MEMBER_ENTER: &str = "Room.CallbackAfterMemberEnter";
/// `Room.CallbackAfterMemberLeave`.
pub const AFTER_MEMBER_LEAVE: &str = "Room.CallbackAfterMemberLeave";
/// `Mic.CallbackAfterSeatInfoChanged`.
pub const AFTER_SEAT_INFO_CHANGED: &str = "Mic.CallbackAfterSeatInfoChanged";

/// `Live.CallbackAfterCreateRoom`.
pub const LIVE_AFTER_CREATE_ROOM: &str = "Live.CallbackAfterCreateRoom";
/// `Live.CallbackAfterDestroyRoom`.
pub const LIVE_AFTER_DESTROY_ROOM: &str = "Live.CallbackAfterDestroyRoom";
/// `Live.CallbackAfterUpdateRoomInfo`.
pub const LIVE_AFTER_UPDATE_ROOM_INFO: &str = "Live.CallbackAfterUpdateRoomInfo";
/// `Live.CallbackAfterSetMetadata`.
pub const LIVE_AFTER_SET_METADATA: &str = "Live.CallbackAfterSetMetadata";
/// `Live.CallbackAfterDelMetadata`.
pub const LIVE_AFTER_DEL_METADATA: &str = "Live.CallbackAfterDelMetadata";
/// `Live.CallbackAfterMemberStateChanged`.
pub const LIVE_AFTER_MEMBER_STATE_CHANGED: &str = "Live.CallbackAfterMemberStateChanged";
/// `Live.CallbackAfterChangeOwner`.
pub const LIVE_AFTER_CHANGE_OWNER: &str = "Live.CallbackAfterChangeOwner";
/// `Live.CallbackAfterModifyAdmin`.
pub const LIVE_AFTER_MODIFY_ADMIN: &str = "Live.CallbackAfterModifyAdmin";
/// `Live.CallbackAfterCreateBattle`.
pub const LIVE_AFTER_CREATE_BATTLE: &str = "Live.CallbackAfterCreateBattle";
/// `Live.CallbackAfterStartBattle`.
pub const LIVE_AFTER_START_BATTLE: &str = "Live.CallbackAfterStartBattle";
/// `Live.CallbackAfterEndBattle`.
pub const LIVE_AFTER_END_BATTLE: &str = "Live.CallbackAfterEndBattle";
/// `Live.CallbackBeforeSendGift` (a before-callback: its reply decides).
pub const LIVE_BEFORE_SEND_GIFT: &str = "Live.CallbackBeforeSendGift";

/// One state change, as the callback Tencent would send for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The `CallbackCommand`, e.g. `Room.CallbackAfterCreateRoom`.
    pub command: &'static str,
    /// The JSON body of the callback (it repeats `CallbackCommand` and
    /// carries `EventTime` in milliseconds).
    pub payload: Value,
    /// The `OptPlatform` of its delivery: `RESTAPI` for a change made by a
    /// REST call, the simulated client's platform for one made through the
    /// control API (see [`EmulatorConfig::client_platform`](crate::EmulatorConfig::client_platform)).
    pub platform: OptPlatform,
}

/// A generated webhook payload type (`trtc_room::CallbackAfter...`) the
/// emulator emits: its callback command, and how to stamp the
/// `CallbackCommand` and `EventTime` fields every callback carries.
pub(crate) trait Callback: Serialize {
    /// The `CallbackCommand`.
    const COMMAND: &'static str;
    /// Sets `CallbackCommand` and `EventTime` (unix milliseconds).
    fn stamp(&mut self, event_time_ms: i64);
}

macro_rules! callbacks {
    ($($ty:ident => $command:ident,)*) => {$(
        impl Callback for trtc_room::$ty {
            const COMMAND: &'static str = $command;
            fn stamp(&mut self, event_time_ms: i64) {
                self.callback_command = Some(CallbackCommand::from_wire($command));
                self.event_time = Some(event_time_ms);
            }
        }
    )*};
}

callbacks! {
    CallbackAfterCreateRoom => AFTER_CREATE_ROOM,
    CallbackAfterDestroyRoom => AFTER_DESTROY_ROOM,
    CallbackAfterUpdateRoomInfo => AFTER_UPDATE_ROOM_INFO,
    CallbackAfterMemberEnter => AFTER_MEMBER_ENTER,
    CallbackAfterMemberLeave => AFTER_MEMBER_LEAVE,
    CallbackAfterSeatInfoChanged => AFTER_SEAT_INFO_CHANGED,
}

/// Receives every event as it happens (called on the request path, after
/// the state change; implementations should hand off slow work to a task).
pub trait EventSink: Send + Sync + 'static {
    /// Called once per event, in order.
    fn emit(&self, event: &Event);
}

/// Whether `command` is enabled by a configured callback command list
/// (the `Room.CallbackUpdateRoomInfo` spelling enables the update callback,
/// `Live.CallbackMemberStateChanged` the member-state one).
pub fn enabled(list: &[String], command: &str) -> bool {
    list.iter().any(|c| {
        c == command
            || (command == AFTER_UPDATE_ROOM_INFO && c == "Room.CallbackUpdateRoomInfo")
            || (command == LIVE_AFTER_MEMBER_STATE_CHANGED
                && c == "Live.CallbackMemberStateChanged")
    })
}
