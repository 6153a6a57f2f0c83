//! State-change events: the hook point for webhook delivery.
//!
//! Every state change that Tencent reports through a callback produces an
//! [`Event`]: the callback command (`Room.CallbackAfterCreateRoom`, ...) and
//! the JSON body documented for it. Events go to every subscriber of
//! [`Emulator::subscribe_events`](crate::Emulator::subscribe_events) and to the
//! [`EventSink`] given in the configuration (webhook delivery implements one).
//! Whether a callback URL is configured, and which commands it enabled, is
//! available from [`Emulator::callback_config`](crate::Emulator::callback_config).

use serde_json::Value;

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

/// Every callback command the service documents, plus the variant spelling
/// seen in the `get_callback` sample.
pub const CALLBACK_COMMANDS: &[&str] = &[
    AFTER_CREATE_ROOM,
    AFTER_DESTROY_ROOM,
    AFTER_UPDATE_ROOM_INFO,
    "Room.CallbackUpdateRoomInfo",
    AFTER_MEMBER_ENTER,
    AFTER_MEMBER_LEAVE,
    AFTER_SEAT_INFO_CHANGED,
];

/// One state change, as the callback Tencent would send for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The `CallbackCommand`, e.g. `Room.CallbackAfterCreateRoom`.
    pub command: &'static str,
    /// The JSON body of the callback (it repeats `CallbackCommand` and
    /// carries `EventTime` in milliseconds).
    pub payload: Value,
}

/// Receives every event as it happens (called on the request path, after
/// the state change; implementations should hand off slow work to a task).
pub trait EventSink: Send + Sync + 'static {
    /// Called once per event, in order.
    fn emit(&self, event: &Event);
}

/// Whether `command` is enabled by a configured callback command list
/// (the `Room.CallbackUpdateRoomInfo` spelling enables the update callback).
pub fn enabled(list: &[String], command: &str) -> bool {
    list.iter().any(|c| {
        c == command || (command == AFTER_UPDATE_ROOM_INFO && c == "Room.CallbackUpdateRoomInfo")
    })
}
