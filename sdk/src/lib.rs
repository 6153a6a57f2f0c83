//! Typed client for the Tencent RTC Room server REST API (TUIRoomKit / Room Engine).
#![deny(missing_docs)]

pub mod command;
pub mod validate;

pub use command::{Command, CommandInfo, PayloadLocation};
pub use validate::{InvalidRequest, Validate};
