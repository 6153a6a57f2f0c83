//! `live_config`: the Live callback configuration and webhook token.

use trtc_room::{
    LiveCallbackCommand, LiveDeleteCallback, LiveDeleteCallbackResponse, LiveDeleteCallbackToken,
    LiveDeleteCallbackTokenResponse, LiveGetCallback, LiveGetCallbackResponse,
    LiveGetCallbackToken, LiveGetCallbackTokenResponse, LiveSetCallback, LiveSetCallbackResponse,
    LiveSetCallbackToken, LiveSetCallbackTokenResponse, LiveUpdateCallback,
    LiveUpdateCallbackResponse,
};

use crate::error::ApiError;
use crate::state::{Ctx, State};

fn wire(commands: &[LiveCallbackCommand]) -> Vec<String> {
    commands.iter().map(|c| c.as_str().to_owned()).collect()
}

pub fn set_callback(
    state: &mut State,
    _ctx: &mut Ctx,
    req: LiveSetCallback,
) -> Result<LiveSetCallbackResponse, ApiError> {
    state
        .live
        .set_callback(&req.url, &wire(&req.callback_command_list), false)?;
    Ok(LiveSetCallbackResponse::new())
}

pub fn update_callback(
    state: &mut State,
    _ctx: &mut Ctx,
    req: LiveUpdateCallback,
) -> Result<LiveUpdateCallbackResponse, ApiError> {
    state
        .live
        .set_callback(&req.url, &wire(&req.callback_command_list), true)?;
    Ok(LiveUpdateCallbackResponse::new())
}

pub fn get_callback(
    state: &mut State,
    _ctx: &mut Ctx,
    _req: LiveGetCallback,
) -> Result<LiveGetCallbackResponse, ApiError> {
    let cfg = state.live.get_callback()?;
    let mut out = LiveGetCallbackResponse::new();
    out.url = Some(cfg.url.clone());
    out.callback_command_list = Some(
        cfg.commands
            .iter()
            .map(|c| LiveCallbackCommand::from_wire(c))
            .collect(),
    );
    Ok(out)
}

pub fn delete_callback(
    state: &mut State,
    _ctx: &mut Ctx,
    _req: LiveDeleteCallback,
) -> Result<LiveDeleteCallbackResponse, ApiError> {
    state.live.delete_callback()?;
    Ok(LiveDeleteCallbackResponse::new())
}

pub fn get_callback_token(
    state: &mut State,
    _ctx: &mut Ctx,
    _req: LiveGetCallbackToken,
) -> Result<LiveGetCallbackTokenResponse, ApiError> {
    let token = state.live.callback_token()?;
    let mut out = LiveGetCallbackTokenResponse::new();
    out.token = Some(token.token.clone());
    out.is_token_enable = Some(token.enabled);
    Ok(out)
}

pub fn set_callback_token(
    state: &mut State,
    _ctx: &mut Ctx,
    req: LiveSetCallbackToken,
) -> Result<LiveSetCallbackTokenResponse, ApiError> {
    state
        .live
        .set_callback_token(req.token.as_deref(), req.is_token_enable)?;
    Ok(LiveSetCallbackTokenResponse::new())
}

pub fn delete_callback_token(
    state: &mut State,
    _ctx: &mut Ctx,
    _req: LiveDeleteCallbackToken,
) -> Result<LiveDeleteCallbackTokenResponse, ApiError> {
    state.live.delete_callback_token()?;
    Ok(LiveDeleteCallbackTokenResponse::new())
}
