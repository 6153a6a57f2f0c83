//! Robots (at most 3 per room) and the messages sent to a room through the
//! REST API (recorded per room, readable through the control API).

use super::Live;
use crate::error::ApiError;
use crate::state::{check_account, check_not_empty, Ctx};

/// Most robots in a room.
pub const MAX_ROBOTS: usize = 3;

/// What a message carries.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum MessageBody {
    /// `send_text_msg`.
    Text {
        /// `TextContent`.
        text: String,
        /// `ExtensionInfo` (JSON text), if given.
        extension: Option<String>,
    },
    /// `send_custom_msg`.
    Custom {
        /// `BusinessId`.
        business_id: String,
        /// `Data`.
        data: String,
    },
    /// `group_open_http_svc/send_group_msg` to the room's group: the
    /// `MsgBody` elements as sent.
    Chat {
        /// `MsgBody`.
        body: serde_json::Value,
        /// `CloudCustomData`, if given.
        cloud_custom_data: Option<String>,
    },
}

/// A message sent to a room.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LiveMessage {
    /// `MsgSeq`: 1, 2, ... per room.
    pub seq: u64,
    /// `MsgTime`, unix seconds.
    pub time: u64,
    /// The sender (the operator when the request names none).
    pub sender: String,
    /// The content.
    pub body: MessageBody,
}

/// What a send answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentMessage {
    /// `MsgSeq`.
    pub seq: u64,
    /// `MsgTime`, unix seconds.
    pub time: u64,
}

impl Live {
    /// `add_robot` (see [`State::live_add_robot`](crate::state::State::live_add_robot),
    /// which answers 100006 for a Room room): more than 3 robots in the
    /// room is 100002 (the docs give the limit, not its code); robots
    /// already there are ignored.
    pub fn add_robots(
        &mut self,
        _ctx: &mut Ctx,
        room_id: &str,
        robots: &[String],
    ) -> Result<(), ApiError> {
        let room = self.room_mut(room_id)?;
        check_not_empty("RobotList_Account", robots)?;
        robots
            .iter()
            .try_for_each(|r| check_account("RobotList_Account", r))?;
        let mut all = room.robots.clone();
        for robot in robots {
            if !all.contains(robot) {
                all.push(robot.clone());
            }
        }
        if all.len() > MAX_ROBOTS {
            return Err(ApiError::bad_param(format!(
                "the room would have {} robots; at most {MAX_ROBOTS}",
                all.len()
            )));
        }
        room.robots = all;
        Ok(())
    }

    /// `get_robot`.
    pub fn robots(&self, room_id: &str) -> Result<&[String], ApiError> {
        Ok(&self.room(room_id)?.robots)
    }

    /// `del_robot` (accounts that are no robot of the room are ignored).
    pub fn del_robots(&mut self, room_id: &str, robots: &[String]) -> Result<(), ApiError> {
        let room = self.room_mut(room_id)?;
        check_not_empty("RobotList_Account", robots)?;
        room.robots.retain(|r| !robots.contains(r));
        Ok(())
    }

    /// `send_text_msg` / `send_custom_msg`: records the message. A text
    /// message's `ExtensionInfo` must be JSON (100002); `sender` `None`
    /// sends as the operator.
    pub fn send_message(
        &mut self,
        ctx: &Ctx,
        room_id: &str,
        sender: Option<&str>,
        body: MessageBody,
    ) -> Result<SentMessage, ApiError> {
        let room = self.room_mut(room_id)?;
        let sender = match sender {
            Some(s) => {
                check_account("Sender_Account", s)?;
                s.to_owned()
            }
            None => ctx.operator.clone(),
        };
        match &body {
            MessageBody::Text { text, extension } => {
                if text.is_empty() {
                    return Err(ApiError::bad_param("TextContent is empty"));
                }
                if let Some(ext) = extension.as_deref().filter(|e| !e.is_empty()) {
                    serde_json::from_str::<serde_json::Value>(ext).map_err(|e| {
                        ApiError::bad_param(format!("ExtensionInfo is not JSON: {e}"))
                    })?;
                }
            }
            MessageBody::Custom { business_id, .. } => {
                if business_id.is_empty() {
                    return Err(ApiError::bad_param("BusinessId is empty"));
                }
            }
            MessageBody::Chat { .. } => {}
        }
        let sent = SentMessage {
            seq: room.next_msg_seq,
            time: ctx.now,
        };
        room.next_msg_seq += 1;
        room.messages.push(LiveMessage {
            seq: sent.seq,
            time: sent.time,
            sender,
            body,
        });
        Ok(sent)
    }

    /// The messages of a room, oldest first (control API).
    pub fn messages(&self, room_id: &str) -> Result<&[LiveMessage], ApiError> {
        Ok(&self.room(room_id)?.messages)
    }
}
