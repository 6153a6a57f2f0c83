//! `room_config`: the callback configuration.

use serde_json::{json, Value};

use super::body::Body;
use super::Outcome;
use crate::state::{Ctx, State};

fn set_or_update(state: &mut State, body: &Value, update: bool) -> Outcome {
    let b = Body::new(body)?;
    let url = b.str("Url")?;
    let list = b.str_list("CallbackCommandList")?;
    state.set_callback(&url, list, update)?;
    Ok(None)
}

pub fn set_callback(state: &mut State, _ctx: &mut Ctx, body: &Value) -> Outcome {
    set_or_update(state, body, false)
}

pub fn update_callback(state: &mut State, _ctx: &mut Ctx, body: &Value) -> Outcome {
    set_or_update(state, body, true)
}

pub fn get_callback(state: &mut State, _ctx: &mut Ctx, body: &Value) -> Outcome {
    Body::new(body)?;
    let cfg = state.get_callback()?;
    Ok(Some(
        json!({"Url": cfg.url, "CallbackCommandList": cfg.commands}),
    ))
}

pub fn delete_callback(state: &mut State, _ctx: &mut Ctx, body: &Value) -> Outcome {
    Body::new(body)?;
    state.delete_callback()?;
    Ok(None)
}
