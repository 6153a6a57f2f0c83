//! Sending a spec command: the JSON body becomes the SDK's typed request
//! (so its generated validation checks the spec's limits before anything is
//! sent), then goes through the SDK client.
//!
//! The generated table points at [`send`] and [`send_all`] instantiated with
//! each command's request type.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use trtc_room::{Client, Command, Error, Paged};

use crate::exit::CliError;

/// A boxed future borrowing the client.
pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// Sends one request: `raw` returns the whole answer body, otherwise the
/// typed payload as JSON. Without a client it only builds and validates the
/// typed request and returns its JSON (what would be sent).
pub type SendFn =
    for<'a> fn(Option<&'a Client>, Value, bool) -> BoxFut<'a, Result<Value, CliError>>;

/// Follows a paged listing to its end, reporting `(pages, items)` after each
/// page; returns every item as a JSON array.
pub type SendAllFn =
    for<'a> fn(&'a Client, Value, &'a dyn Fn(usize, usize)) -> BoxFut<'a, Result<Value, CliError>>;

/// The typed request of `C` from a JSON body; a field the request type does
/// not know is refused rather than silently dropped.
pub fn typed<C: DeserializeOwned + Serialize>(body: &Value) -> Result<C, CliError> {
    let request: C = serde_json::from_value(body.clone())
        .map_err(|e| CliError::Invalid(format!("the request body does not fit: {e}")))?;
    let back = serde_json::to_value(&request)
        .map_err(|e| CliError::Invalid(format!("cannot serialize the request: {e}")))?;
    if let Some(path) = dropped(body, &back, "") {
        return Err(CliError::Invalid(format!(
            "unknown field {path} in the request body"
        )));
    }
    Ok(request)
}

/// The first key of `given` (recursively) missing from `kept`.
fn dropped(given: &Value, kept: &Value, at: &str) -> Option<String> {
    match (given, kept) {
        (Value::Object(g), Value::Object(k)) => g.iter().find_map(|(key, v)| {
            let path = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            match k.get(key) {
                None if v.is_null() => None,
                None => Some(path),
                Some(kv) => dropped(v, kv, &path),
            }
        }),
        (Value::Array(g), Value::Array(k)) => g
            .iter()
            .zip(k)
            .enumerate()
            .find_map(|(i, (gv, kv))| dropped(gv, kv, &format!("{at}[{i}]"))),
        _ => None,
    }
}

fn to_json<T: Serialize>(v: &T) -> Result<Value, CliError> {
    serde_json::to_value(v).map_err(|e| CliError::Failed(format!("cannot print the answer: {e}")))
}

/// Sends one `C` request built from `body` (see [`SendFn`]).
pub fn send<C>(
    client: Option<&Client>,
    body: Value,
    raw: bool,
) -> BoxFut<'_, Result<Value, CliError>>
where
    C: Command + DeserializeOwned + 'static,
    C::Response: Serialize,
{
    Box::pin(async move {
        let request: C = typed(&body)?;
        let Some(client) = client else {
            request.validate().map_err(Error::from)?;
            return to_json(&request);
        };
        if raw {
            request.validate().map_err(Error::from)?;
            let wire = to_json(&request)?;
            let info = C::INFO;
            let reply = if info.idempotent {
                client
                    .call_raw_idempotent(info.service, info.command, &wire)
                    .await?
            } else {
                client.call_raw(info.service, info.command, &wire).await?
            };
            Ok(reply.into_inner())
        } else {
            let reply = client.call(&request).await?;
            to_json(&reply.into_inner())
        }
    })
}

/// Sends `P` requests from `body`, following the cursor to the end.
///
/// The same loop as the SDK's `Client::call_all` (including its guard
/// against a cursor handed out twice), with a progress report per page.
pub fn send_all<'a, P>(
    client: &'a Client,
    body: Value,
    progress: &'a dyn Fn(usize, usize),
) -> BoxFut<'a, Result<Value, CliError>>
where
    P: Paged + DeserializeOwned + 'static,
    P::Item: Serialize,
{
    Box::pin(async move {
        let mut request: P = typed(&body)?;
        let mut sent: HashSet<P::Cursor> = request.cursor().into_iter().collect();
        let mut items = Vec::new();
        let mut pages = 0usize;
        loop {
            let page = client.call(&request).await?.into_inner();
            pages += 1;
            let next = P::next_cursor(&page);
            for item in P::into_items(page) {
                items.push(to_json(&item)?);
            }
            progress(pages, items.len());
            let Some(cursor) = next else {
                return Ok(Value::Array(items));
            };
            if !sent.insert(cursor.clone()) {
                return Err(Error::RepeatedCursor {
                    service: P::INFO.service,
                    command: P::INFO.command,
                    cursor: cursor.to_string(),
                    pages,
                }
                .into());
            }
            request = request.with_cursor(cursor);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_refuses_unknown_fields_and_accepts_known_ones() {
        let ok: trtc_room::GetRoomInfo = typed(&json!({"RoomId": "r1"})).unwrap();
        assert_eq!(ok.room_id, "r1");
        let err = typed::<trtc_room::CreateRoom>(
            &json!({"RoomInfo": {"RoomId": "r1", "RoomType": "Conference", "MaxMembers": 5}}),
        )
        .err()
        .unwrap();
        assert!(
            matches!(&err, CliError::Invalid(m) if m.contains("RoomInfo.MaxMembers")),
            "{err:?}"
        );
        let missing = typed::<trtc_room::GetRoomInfo>(&json!({})).err().unwrap();
        assert!(matches!(&missing, CliError::Invalid(m) if m.contains("RoomId")));
    }
}
