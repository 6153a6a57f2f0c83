//! The control API (not Tencent's): drive what clients would do, and inject
//! faults. `POST /emulator/v1/<op>` with a JSON body, answered with the
//! usual envelope.
//!
//! | op | body |
//! | --- | --- |
//! | `enter_room` | `{"RoomId", "Member_Account"}` (70107 for an account not imported, with `require_imported_accounts`) |
//! | `leave_room` | `{"RoomId", "Member_Account"}` |
//! | `take_seat` | `{"RoomId", "Member_Account", "Index"}` (negative: first free seat) |
//! | `faults` | see [`Fault::from_json`] |
//! | `clear_faults` | `{}` |

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use trtc_room::webhook::OptPlatform;
use trtc_room::PayloadLocation;

use crate::error::{codes, ApiError};
use crate::faults::Fault;
use crate::server::{envelope, json_response, App};

/// The body of `enter_room`, `leave_room` and `take_seat`.
#[derive(serde::Deserialize)]
struct MemberOp {
    #[serde(rename = "RoomId")]
    room_id: String,
    #[serde(rename = "Member_Account")]
    account: String,
    /// `take_seat` only.
    #[serde(rename = "Index")]
    index: Option<i64>,
}

impl MemberOp {
    fn parse(body: &Value) -> Result<Self, ApiError> {
        Self::deserialize(body).map_err(|e| ApiError::bad_param(format!("invalid body: {e}")))
    }
}

pub(crate) async fn control(
    AxState(app): AxState<Arc<App>>,
    Path(op): Path<String>,
    body: Bytes,
) -> Response {
    let request_id = app.request_id();
    let result = run(&app, &op, &body);
    tracing::info!(target: "room_emulator", op, code = result.as_ref().err().map_or(0, |e| e.code), "control");
    json_response(&envelope(
        &request_id,
        result.map(|()| None),
        PayloadLocation::None,
    ))
}

fn run(app: &App, op: &str, body: &[u8]) -> Result<(), ApiError> {
    let body: Value = if body.is_empty() {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::new(codes::JSON_PARSE, format!("body is not valid JSON: {e}")))?
    };
    match op {
        "enter_room" => {
            let op = MemberOp::parse(&body)?;
            enter_room(app, &op.room_id, &op.account)
        }
        "leave_room" => {
            let op = MemberOp::parse(&body)?;
            leave_room(app, &op.room_id, &op.account)
        }
        "take_seat" => {
            let op = MemberOp::parse(&body)?;
            let index = op
                .index
                .ok_or_else(|| ApiError::bad_param("Index is required (integer)"))?;
            take_seat(app, &op.room_id, &op.account, index)
        }
        "faults" => {
            app.faults.add(Fault::from_json(&body)?);
            Ok(())
        }
        "clear_faults" => {
            app.faults.clear();
            Ok(())
        }
        other => Err(ApiError::new(
            codes::UNKNOWN_RESOURCE,
            format!("unknown control operation {other:?}"),
        )),
    }
}

/// The platform the simulated clients use (the `OptPlatform` of the
/// callbacks their actions cause).
fn client_platform(app: &App) -> OptPlatform {
    app.config.client_platform.clone()
}

pub(crate) fn enter_room(app: &App, room_id: &str, account: &str) -> Result<(), ApiError> {
    crate::state::check_account("Member_Account", account)?;
    app.apply(account, client_platform(app), |state, ctx| {
        state.require_account(account)?;
        state.room_mut(room_id)?.enter(ctx, account)
    })
}

pub(crate) fn leave_room(app: &App, room_id: &str, account: &str) -> Result<(), ApiError> {
    app.apply(account, client_platform(app), |state, ctx| {
        state.room_mut(room_id)?.leave(ctx, account)
    })
}

pub(crate) fn take_seat(
    app: &App,
    room_id: &str,
    account: &str,
    index: i64,
) -> Result<(), ApiError> {
    app.apply(account, client_platform(app), |state, ctx| {
        state.room_mut(room_id)?.pick(ctx, account, index)
    })
}
