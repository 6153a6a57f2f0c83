//! Room metadata: at most 10 keys (100500), a value at most 2 KB (100501),
//! all values at most 16 KB (100502); keys at most 50 bytes (100002).

use serde_json::json;

use super::Live;
use crate::error::{codes, ApiError};
use crate::events;
use crate::state::Ctx;

/// Most keys in a room.
pub const MAX_METADATA_KEYS: usize = 10;
/// Longest key, bytes.
pub const MAX_METADATA_KEY_BYTES: usize = 50;
/// Longest value, bytes.
pub const MAX_METADATA_VALUE: usize = 2 * 1024;
/// Most bytes of all values together.
pub const MAX_METADATA_TOTAL: usize = 16 * 1024;

impl Live {
    /// `set_room_metadata`: adds or updates the pairs, all or none.
    pub fn set_metadata(
        &mut self,
        ctx: &mut Ctx,
        room_id: &str,
        pairs: &[(String, String)],
    ) -> Result<(), ApiError> {
        let room = self.room_mut(room_id)?;
        if pairs.is_empty() {
            return Err(ApiError::bad_param("Metadata is empty"));
        }
        let mut merged = room.metadata.clone();
        for (key, value) in pairs {
            if key.is_empty() || key.len() > MAX_METADATA_KEY_BYTES {
                return Err(ApiError::bad_param(format!(
                    "metadata key {key:?} must have 1..={MAX_METADATA_KEY_BYTES} bytes"
                )));
            }
            if value.len() > MAX_METADATA_VALUE {
                return Err(ApiError::new(
                    codes::METADATA_VALUE_TOO_LARGE,
                    format!(
                        "metadata value of {key:?} has {} bytes; at most {MAX_METADATA_VALUE}",
                        value.len()
                    ),
                ));
            }
            merged.insert(key.clone(), value.clone());
        }
        if merged.len() > MAX_METADATA_KEYS {
            return Err(ApiError::new(
                codes::METADATA_TOO_MANY_KEYS,
                format!(
                    "room metadata would have {} keys; at most {MAX_METADATA_KEYS}",
                    merged.len()
                ),
            ));
        }
        let total: usize = merged.values().map(String::len).sum();
        if total > MAX_METADATA_TOTAL {
            return Err(ApiError::new(
                codes::METADATA_TOO_LARGE,
                format!(
                    "room metadata values would have {total} bytes; at most {MAX_METADATA_TOTAL}"
                ),
            ));
        }
        room.metadata = merged;
        let list: Vec<_> = pairs
            .iter()
            .map(|(k, v)| json!({ "Key": k, "Value": v }))
            .collect();
        ctx.emit_json(
            events::LIVE_AFTER_SET_METADATA,
            json!({ "Operator_Account": ctx.operator, "RoomId": room_id, "Metadata": list }),
        );
        Ok(())
    }

    /// `get_room_metadata`: the pairs of `keys` that exist, or all of them
    /// when `keys` is empty; in key order.
    pub fn metadata(
        &self,
        room_id: &str,
        keys: &[String],
    ) -> Result<Vec<(String, String)>, ApiError> {
        let room = self.room(room_id)?;
        Ok(room
            .metadata
            .iter()
            .filter(|(k, _)| keys.is_empty() || keys.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    /// `del_room_metadata`: removes `keys` (absent ones are ignored).
    pub fn del_metadata(
        &mut self,
        ctx: &mut Ctx,
        room_id: &str,
        keys: &[String],
    ) -> Result<(), ApiError> {
        let room = self.room_mut(room_id)?;
        if keys.is_empty() {
            return Err(ApiError::bad_param("Keys is empty"));
        }
        for key in keys {
            room.metadata.remove(key);
        }
        ctx.emit_json(
            events::LIVE_AFTER_DEL_METADATA,
            json!({ "Operator_Account": ctx.operator, "RoomId": room_id, "Keys": keys }),
        );
        Ok(())
    }
}
