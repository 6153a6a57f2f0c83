//! `room_config`: the callback configuration.

use trtc_room::{
    CallbackCommand, DeleteCallback, DeleteCallbackResponse, GetCallback, GetCallbackResponse,
    SetCallback, SetCallbackResponse, UpdateCallback, UpdateCallbackResponse,
};

use crate::error::ApiError;
use crate::state::{Ctx, State};

pub fn set_callback(
    state: &mut State,
    _ctx: &mut Ctx,
    req: SetCallback,
) -> Result<SetCallbackResponse, ApiError> {
    state.set_callback(&req.url, &req.callback_command_list, false)?;
    Ok(SetCallbackResponse::new())
}

pub fn update_callback(
    state: &mut State,
    _ctx: &mut Ctx,
    req: UpdateCallback,
) -> Result<UpdateCallbackResponse, ApiError> {
    state.set_callback(&req.url, &req.callback_command_list, true)?;
    Ok(UpdateCallbackResponse::new())
}

pub fn get_callback(
    state: &mut State,
    _ctx: &mut Ctx,
    _req: GetCallback,
) -> Result<GetCallbackResponse, ApiError> {
    let cfg = state.get_callback()?;
    let commands = cfg.commands.iter().map(|c| CallbackCommand::from_wire(c));
    Ok(GetCallbackResponse::new()
        .url(&cfg.url)
        .callback_command_list(commands))
}

pub fn delete_callback(
    state: &mut State,
    _ctx: &mut Ctx,
    _req: DeleteCallback,
) -> Result<DeleteCallbackResponse, ApiError> {
    state.delete_callback()?;
    Ok(DeleteCallbackResponse::new())
}
