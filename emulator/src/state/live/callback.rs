//! The Live callback configuration (`live_config`, one per app: 100300 when
//! it exists on set, 100301 when missing) and the webhook token
//! (100302 when missing).

use super::Live;
use crate::error::{codes, ApiError};
use crate::state::CallbackConfig;

/// The callback commands `CallbackCommandList` may name (the documented
/// list, plus the spelling the MemberStateChanged table uses).
pub const LIVE_CALLBACK_COMMANDS: &[&str] = &[
    "Live.CallbackAfterCreateRoom",
    "Live.CallbackAfterDestroyRoom",
    "Live.CallbackAfterUpdateRoomInfo",
    "Live.CallbackAfterSetMetadata",
    "Live.CallbackAfterDelMetadata",
    "Live.CallbackAfterCreateRoomReachingThreshold",
    "Live.CallbackAfterMemberStateChanged",
    "Live.CallbackMemberStateChanged",
    "Live.CallbackAfterChangeOwner",
    "Live.CallbackAfterModifyAdmin",
    "Mic.CallbackAfterSeatInfoChanged",
    "Live.CallbackAfterCreateBattle",
    "Live.CallbackAfterStartBattle",
    "Live.CallbackAfterEndBattle",
    "Live.CallbackBeforeSendGift",
    "Live.CallbackBeforeCallBackNotBlock",
    "Group.CallbackAfterSendMsg",
    "Group.CallbackBeforeSendMsg",
    "Follow.CallbackAfterFollowAdd",
    "Follow.CallbackAfterFollowDelete",
];

/// Longest token, characters.
pub const MAX_TOKEN_CHARS: usize = 128;

/// The webhook authentication token.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallbackToken {
    /// `Token`.
    pub token: String,
    /// `IsTokenEnable`: whether deliveries are signed.
    pub enabled: bool,
}

fn missing_token() -> ApiError {
    ApiError::new(
        codes::CALLBACK_TOKEN_MISSING,
        "webhook-auth configuration does not exist; create it with set_callback_token",
    )
}

impl Live {
    /// `set_callback` (`update == false`: 100300 if one exists) or
    /// `update_callback` (100301 if none). The URL must be http(s) and the
    /// commands known (100002).
    pub fn set_callback(
        &mut self,
        url: &str,
        commands: &[String],
        update: bool,
    ) -> Result<(), ApiError> {
        CallbackConfig::check_url(url)?;
        if let Some(bad) = commands
            .iter()
            .find(|c| !LIVE_CALLBACK_COMMANDS.contains(&c.as_str()))
        {
            return Err(ApiError::bad_param(format!(
                "unknown callback command {bad:?} in CallbackCommandList"
            )));
        }
        CallbackConfig::store(&mut self.callback, url, commands.to_vec(), update)
    }

    /// The callback configuration, if any.
    pub fn callback(&self) -> Option<&CallbackConfig> {
        self.callback.as_ref()
    }

    /// `get_callback`: 100301 when none.
    pub fn get_callback(&self) -> Result<&CallbackConfig, ApiError> {
        CallbackConfig::get(&self.callback)
    }

    /// `delete_callback`: 100301 when none.
    pub fn delete_callback(&mut self) -> Result<(), ApiError> {
        CallbackConfig::delete(&mut self.callback)
    }

    /// `set_callback_token`: both fields are required the first time
    /// (100002), either afterwards; the token has 1-128 characters.
    pub fn set_callback_token(
        &mut self,
        token: Option<&str>,
        enabled: Option<bool>,
    ) -> Result<(), ApiError> {
        if let Some(t) = token {
            let chars = t.chars().count();
            if chars == 0 || chars > MAX_TOKEN_CHARS {
                return Err(ApiError::bad_param(format!(
                    "Token has {chars} characters; 1..={MAX_TOKEN_CHARS}"
                )));
            }
        }
        match (&mut self.token, token, enabled) {
            (Some(current), token, enabled) => {
                if let Some(t) = token {
                    current.token = t.to_owned();
                }
                if let Some(e) = enabled {
                    current.enabled = e;
                }
            }
            (None, Some(t), Some(e)) => {
                self.token = Some(CallbackToken {
                    token: t.to_owned(),
                    enabled: e,
                })
            }
            (None, _, _) => {
                return Err(ApiError::bad_param(
                    "Token and IsTokenEnable are both required on the first setup",
                ))
            }
        }
        Ok(())
    }

    /// `get_callback_token`: 100302 when none.
    pub fn callback_token(&self) -> Result<&CallbackToken, ApiError> {
        self.token.as_ref().ok_or_else(missing_token)
    }

    /// `delete_callback_token`: 100302 when none.
    pub fn delete_callback_token(&mut self) -> Result<(), ApiError> {
        self.token.take().map(|_| ()).ok_or_else(missing_token)
    }
}
