//! `paging:` of a command, checked against its request and answer.

use super::{Field, Paging, Ty};
use crate::error::{Ctx, SpecError};
use crate::spec;

/// Checks `paging:` against the command's request and response fields.
pub(super) fn resolve_paging(
    def: &spec::PagingDef,
    ctx: &Ctx,
    request: &[Field],
    response: Option<&[Field]>,
) -> Result<Paging, SpecError> {
    let Some(response) = response else {
        return Err(ctx.err("a paged command needs a `response` with the cursor and the items"));
    };
    let find = |fields: &[Field], key: &str, wire: &str, side: &str| {
        fields
            .iter()
            .find(|f| f.wire == wire)
            .cloned()
            .ok_or_else(|| {
                ctx.at(format!("{key} {wire}"))
                    .err(format!("the {side} has no field with wire name {wire:?}"))
            })
    };
    let req = find(request, "request_cursor", &def.request_cursor, "request")?;
    let resp = find(
        response,
        "response_cursor",
        &def.response_cursor,
        "response",
    )?;
    let items = find(response, "items", &def.items, "response")?;
    let cursor_ok = match def.end {
        spec::PagingEnd::Empty => req.ty == Ty::String,
        spec::PagingEnd::Zero => req.ty.is_integer(),
    };
    if !cursor_ok {
        let want = match def.end {
            spec::PagingEnd::Empty => "`string` (for `end: empty`)",
            spec::PagingEnd::Zero => "an integer type (for `end: zero`)",
        };
        return Err(ctx
            .at(format!("request_cursor {}", req.wire))
            .err(format!("the cursor field must be {want}")));
    }
    if resp.ty != req.ty {
        return Err(ctx
            .at(format!("response_cursor {}", resp.wire))
            .err(format!(
                "type {:?} differs from the request cursor {} ({:?})",
                resp.ty, req.wire, req.ty
            )));
    }
    let Ty::List(inner) = &items.ty else {
        return Err(ctx
            .at(format!("items {}", items.wire))
            .err("items must be a `list<..>` field of the response"));
    };
    let item_ty = (**inner).clone();
    Ok(Paging {
        request_cursor: req,
        response_cursor: resp,
        items,
        item_ty,
        end: def.end,
    })
}
