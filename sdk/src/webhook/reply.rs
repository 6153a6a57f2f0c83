//! What a receiver answers.

use serde_json::{json, Value};

use super::WebhookError;

/// The documented acknowledgement body,
/// `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`.
pub const ACK: &[u8] = br#"{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}"#;

/// The acknowledgement to answer a valid delivery with (HTTP 200,
/// `Content-Type: application/json`). Room callbacks are after-event
/// notifications: Tencent ignores the result, but expects this reply.
pub fn ack() -> &'static [u8] {
    ACK
}

/// The acknowledgement as a JSON value.
pub fn ack_value() -> Value {
    json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0})
}

/// The `ErrorCode` of a [`fail`] reply.
pub const FAIL_ERROR_CODE: i64 = 1;

/// A `FAIL` envelope: `{"ActionStatus":"FAIL","ErrorInfo":<info>,"ErrorCode":1}`.
pub fn fail_value(error_info: &str) -> Value {
    json!({"ActionStatus": "FAIL", "ErrorInfo": error_info, "ErrorCode": FAIL_ERROR_CODE})
}

/// A `FAIL` envelope as bytes, for an answer to a delivery the receiver
/// refuses (see [`refusal`]).
pub fn fail(error_info: &str) -> Vec<u8> {
    fail_value(error_info).to_string().into_bytes()
}

/// The HTTP status and `FAIL` body to answer a refused delivery with
/// (401 for authentication failures, 400 for malformed deliveries). The
/// body carries the error's message, which never contains the token.
///
/// The status is an [`http::StatusCode`], the type web frameworks (axum,
/// hyper, actix-web via `http`) answer with.
pub fn refusal(error: &WebhookError) -> (http::StatusCode, Vec<u8>) {
    let status =
        http::StatusCode::from_u16(error.http_status()).unwrap_or(http::StatusCode::BAD_REQUEST);
    (status, fail(&error.to_string()))
}
