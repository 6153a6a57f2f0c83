//! The console's two bounded logs: REST calls as they were answered, and
//! webhook deliveries. Recording is cheap (the raw bytes, shared where
//! possible, under one short lock); parsing and redaction happen only when
//! a log is served.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::http::Method;
use hyper::body::{Frame, SizeHint};
use serde_json::{json, Map, Value};

/// How many entries each log keeps (the newest).
pub const LOG_CAPACITY: usize = 500;
/// How many bytes of each request and answer body are kept.
pub const MAX_KEPT_BODY: usize = 64 * 1024;

/// A ring buffer of the newest [`LOG_CAPACITY`] entries, numbered from 1.
pub(crate) struct Ring<T> {
    entries: Mutex<VecDeque<Arc<T>>>,
    next_id: AtomicU64,
}

impl<T> Default for Ring<T> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(VecDeque::with_capacity(LOG_CAPACITY)),
            next_id: AtomicU64::new(1),
        }
    }
}

impl<T> Ring<T> {
    fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    fn push(&self, entry: T) {
        let evicted = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            let evicted = if entries.len() >= LOG_CAPACITY {
                entries.pop_front()
            } else {
                None
            };
            entries.push_back(Arc::new(entry));
            evicted
        };
        // Freed outside the lock.
        drop(evicted);
    }

    /// The entries, newest first.
    pub(crate) fn newest_first(&self) -> Vec<Arc<T>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.iter().rev().cloned().collect()
    }

    /// How many entries were ever recorded.
    pub(crate) fn total(&self) -> u64 {
        self.next_id.load(Ordering::Relaxed) - 1
    }
}

pub(crate) fn wall_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or_default()
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// At most [`MAX_KEPT_BODY`] bytes of `bytes`, sharing the buffer when it is
/// small enough.
fn kept(bytes: &Bytes) -> Bytes {
    if bytes.len() <= MAX_KEPT_BODY {
        bytes.clone()
    } else {
        Bytes::copy_from_slice(&bytes[..MAX_KEPT_BODY])
    }
}

// ---------------------------------------------------------------- requests

/// One REST call as the emulator answered it.
pub(crate) struct RequestRecord {
    pub(crate) id: u64,
    pub(crate) at_ms: u64,
    pub(crate) method: Method,
    /// Path and query, copied (a `Uri` from the server shares, and would
    /// keep alive, the connection's read buffer).
    pub(crate) target: String,
    pub(crate) body: Bytes,
    pub(crate) body_len: usize,
    /// `None`: the connection was closed without an answer.
    pub(crate) status: Option<u16>,
    pub(crate) answer: Bytes,
    pub(crate) answer_len: usize,
    pub(crate) latency: Duration,
    /// Answered with the command's documented sample, not by a handler.
    pub(crate) sample: bool,
}

/// The request log.
pub(crate) type RequestLog = Ring<RequestRecord>;

impl RequestLog {
    pub(crate) fn record(
        &self,
        method: Method,
        target: String,
        body: Bytes,
        answer: Option<(u16, &Bytes)>,
        latency: Duration,
        sample: bool,
    ) {
        let (status, answer, answer_len) = match answer {
            Some((status, bytes)) => (Some(status), kept(bytes), bytes.len()),
            None => (None, Bytes::new(), 0),
        };
        let record = RequestRecord {
            id: self.next_id(),
            at_ms: wall_ms(),
            method,
            target,
            body_len: body.len(),
            body: kept(&body),
            status,
            answer,
            answer_len,
            latency,
            sample,
        };
        self.push(record);
    }
}

/// The request body as it is read, keeping a copy of its first
/// [`MAX_KEPT_BODY`] bytes (the chunks are shared, not copied).
pub(crate) struct Tee {
    inner: Body,
    seen: Arc<Mutex<Vec<Bytes>>>,
}

impl Tee {
    pub(crate) fn new(inner: Body) -> (Self, Arc<Mutex<Vec<Bytes>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        (
            Self {
                inner,
                seen: seen.clone(),
            },
            seen,
        )
    }
}

/// What a [`Tee`] saw, as one buffer of its own: a copy, since the chunks
/// share the connection's read buffer, which the server could not reuse
/// while a log entry holds it.
pub(crate) fn joined(seen: &Mutex<Vec<Bytes>>) -> Bytes {
    let chunks = std::mem::take(&mut *seen.lock().unwrap_or_else(|e| e.into_inner()));
    match chunks.as_slice() {
        [] => Bytes::new(),
        [one] => Bytes::copy_from_slice(one),
        many => Bytes::from(many.concat()),
    }
}

impl hyper::body::Body for Tee {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled {
            if let Some(data) = frame.data_ref() {
                let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
                if seen.iter().map(Bytes::len).sum::<usize>() < MAX_KEPT_BODY {
                    seen.push(data.clone());
                }
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

// -------------------------------------------------------------- deliveries

/// One webhook POST (or its failure).
pub(crate) struct DeliveryRecord {
    pub(crate) id: u64,
    pub(crate) at_ms: u64,
    pub(crate) command: String,
    /// The URL POSTed to (with `Sign`; redacted when served).
    pub(crate) url: String,
    pub(crate) body: Bytes,
    /// The receiver's HTTP status, or `None` when no answer came.
    pub(crate) status: Option<u16>,
    /// The receiver's answer body (or the transport error).
    pub(crate) answer: Bytes,
    pub(crate) error: Option<String>,
    pub(crate) latency: Duration,
    /// Tries made for this delivery (1: no retry).
    pub(crate) attempts: u32,
    /// The delivery this one sent again, if it is a resend.
    pub(crate) resend_of: Option<u64>,
}

/// The delivery log.
pub(crate) type DeliveryLog = Ring<DeliveryRecord>;

/// The outcome of one delivery, as the webhook worker reports it.
#[derive(Debug)]
pub(crate) struct DeliveryOutcome {
    /// `CallbackCommand`.
    pub(crate) command: String,
    /// The URL POSTed to.
    pub(crate) url: String,
    /// The body sent.
    pub(crate) body: Bytes,
    /// HTTP status and answer body, or the transport error.
    pub(crate) result: Result<(u16, Bytes), String>,
    /// From the first try to the outcome.
    pub(crate) latency: Duration,
    /// Tries made (1: no retry).
    pub(crate) attempts: u32,
    /// The delivery this one sent again, if it is a resend.
    pub(crate) resend_of: Option<u64>,
}

impl DeliveryLog {
    /// Records what became of one delivery.
    pub(crate) fn record(&self, outcome: DeliveryOutcome) {
        let (status, answer, error) = match outcome.result {
            Ok((status, answer)) => (Some(status), kept(&answer), None),
            Err(e) => (None, Bytes::new(), Some(e)),
        };
        let record = DeliveryRecord {
            id: self.next_id(),
            at_ms: wall_ms(),
            command: outcome.command,
            url: outcome.url,
            body: outcome.body,
            status,
            answer,
            error,
            latency: outcome.latency,
            attempts: outcome.attempts.max(1),
            resend_of: outcome.resend_of,
        };
        self.push(record);
    }

    /// The delivery `id`, while it is still in the log.
    pub(crate) fn get(&self, id: u64) -> Option<Arc<DeliveryRecord>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.iter().find(|d| d.id == id).cloned()
    }
}

// --------------------------------------------------------------- serving

/// Whether a JSON member or query parameter named `key` carries a secret.
pub(crate) fn is_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("usersig") || k.contains("token") || k == "sign" || k.contains("secret")
}

const REDACTED: &str = "<redacted>";

/// `query` with the values of secret parameters replaced.
pub(crate) fn redact_query(query: &str) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        if is_secret(&k) {
            out.append_pair(&k, REDACTED);
        } else {
            out.append_pair(&k, &v);
        }
    }
    out.finish()
}

/// `url` with the values of secret query parameters replaced.
pub(crate) fn redact_url(url: &str) -> String {
    match url.split_once('?') {
        Some((base, query)) => format!("{base}?{}", redact_query(query)),
        None => url.to_owned(),
    }
}

fn redact_value(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_secret(k) && !matches!(v, Value::Object(_) | Value::Array(_)) {
                    *v = Value::String(REDACTED.into());
                } else {
                    redact_value(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}

/// `text` (JSON that did not parse, e.g. cut short) with the string values
/// of secret members replaced: `"UserSig": "..."` becomes
/// `"UserSig": "<redacted>"`.
fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // The last string literal and whether it names a secret.
    let mut secret_key = false;
    while let Some(start) = rest.find('"') {
        let (before, from_quote) = rest.split_at(start);
        let gap = before.trim();
        out.push_str(before);
        let body = &from_quote[1..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let value_of_secret = secret_key && gap == ":";
        match end {
            Some(end) => {
                let literal = &body[..end];
                if value_of_secret {
                    out.push('"');
                    out.push_str(REDACTED);
                    out.push('"');
                    secret_key = false;
                } else {
                    out.push('"');
                    out.push_str(literal);
                    out.push('"');
                    secret_key = is_secret(literal);
                }
                rest = &body[end + 1..];
            }
            None => {
                // Cut short inside a string.
                out.push('"');
                out.push_str(if value_of_secret { REDACTED } else { body });
                return out;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A body for display: its JSON (secrets redacted) when it parses, else
/// its text.
pub(crate) fn shown_body(bytes: &[u8], full_len: usize) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    if bytes.len() == full_len {
        if let Ok(mut v) = serde_json::from_slice::<Value>(bytes) {
            redact_value(&mut v);
            return v;
        }
    }
    let mut text = redact_text(&String::from_utf8_lossy(bytes));
    if full_len > bytes.len() {
        text.push_str(&format!("… ({full_len} bytes in all)"));
    }
    Value::String(text)
}

/// Every string found under a `RoomId` member (at any depth).
fn room_ids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("RoomId", Value::String(id)) => {
                        if !out.contains(id) {
                            out.push(id.clone());
                        }
                    }
                    _ => room_ids(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| room_ids(v, out)),
        _ => {}
    }
}

/// Filters of the request log (`GET /emulator/v1/requests`).
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct RequestFilter {
    /// Calls naming this room (`RoomId` anywhere in the request or answer).
    pub(crate) room: Option<String>,
    /// Calls whose `service/command` contains this text.
    pub(crate) command: Option<String>,
    /// `only`/`true`: failed calls only; `ok`: successful ones; a number:
    /// that `ErrorCode`.
    pub(crate) error: Option<String>,
    /// At most this many entries (newest first). Default 100.
    pub(crate) limit: Option<usize>,
    /// Only entries with a larger `Id`.
    pub(crate) after: Option<u64>,
}

impl RequestRecord {
    /// The entry as `GET /emulator/v1/requests` lists it, if it passes `f`.
    pub(crate) fn to_json(&self, f: &RequestFilter) -> Option<Value> {
        if f.after.is_some_and(|after| self.id <= after) {
            return None;
        }
        let (path, query) = self
            .target
            .split_once('?')
            .unwrap_or((self.target.as_str(), ""));
        let (service, command) = match path.trim_start_matches('/').split('/').collect::<Vec<_>>()[..]
        {
            ["v4", service, command] => (service, command),
            _ => ("", ""),
        };
        if let Some(want) = f.command.as_deref().filter(|c| !c.is_empty()) {
            let full = format!("{service}/{command}");
            if !full
                .to_ascii_lowercase()
                .contains(&want.to_ascii_lowercase())
            {
                return None;
            }
        }
        let request = shown_body(&self.body, self.body_len);
        let answer = shown_body(&self.answer, self.answer_len);
        let code = answer.get("ErrorCode").and_then(Value::as_i64);
        let failed = self.status != Some(200) || code.is_some_and(|c| c != 0) || code.is_none();
        match f.error.as_deref().map(str::trim) {
            None | Some("") | Some("all") => {}
            Some("only" | "true" | "errors" | "1") => {
                if !failed {
                    return None;
                }
            }
            Some("ok" | "false" | "0") => {
                if failed {
                    return None;
                }
            }
            Some(n) => {
                if n.parse::<i64>().ok() != code {
                    return None;
                }
            }
        }
        let mut rooms = Vec::new();
        room_ids(&request, &mut rooms);
        room_ids(&answer, &mut rooms);
        if let Some(room) = f.room.as_deref().filter(|r| !r.is_empty()) {
            if !rooms.iter().any(|r| r == room) {
                return None;
            }
        }
        let mut out = Map::new();
        out.insert("Id".into(), self.id.into());
        out.insert("TimeMillis".into(), self.at_ms.into());
        out.insert("Method".into(), self.method.as_str().into());
        out.insert("Path".into(), path.into());
        out.insert("Service".into(), service.into());
        out.insert("Command".into(), command.into());
        out.insert("Query".into(), redact_query(query).into());
        out.insert("HttpStatus".into(), json!(self.status));
        out.insert("ErrorCode".into(), json!(code));
        out.insert("SampleAnswer".into(), json!(self.sample));
        out.insert(
            "ErrorInfo".into(),
            answer.get("ErrorInfo").cloned().unwrap_or(Value::Null),
        );
        out.insert(
            "RequestId".into(),
            answer.get("RequestId").cloned().unwrap_or(Value::Null),
        );
        out.insert("LatencyMicros".into(), micros(self.latency).into());
        out.insert("Rooms".into(), json!(rooms));
        out.insert("Failed".into(), failed.into());
        out.insert("Request".into(), request);
        out.insert("Answer".into(), answer);
        Some(Value::Object(out))
    }
}

impl DeliveryRecord {
    /// The entry as `GET /emulator/v1/deliveries` lists it.
    pub(crate) fn to_json(&self) -> Value {
        let (base, query) = self.url.split_once('?').unwrap_or((&self.url, ""));
        json!({
            "Id": self.id,
            "TimeMillis": self.at_ms,
            "CallbackCommand": self.command,
            "Url": redact_url(&self.url),
            "Target": base,
            "Query": redact_query(query),
            "HttpStatus": self.status,
            "Answer": shown_body(&self.answer, self.answer.len()),
            "Error": self.error,
            "LatencyMicros": micros(self.latency),
            "Attempts": self.attempts,
            "Retries": self.attempts.saturating_sub(1),
            "ResendOf": self.resend_of,
            "Delivered": self.status.is_some_and(|s| (200..300).contains(&s)),
            "Body": shown_body(&self.body, self.body.len()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_when_served() {
        let q = redact_query("sdkappid=1&identifier=admin&usersig=abc&random=7&contenttype=json");
        assert!(!q.contains("abc"));
        assert!(q.contains("usersig=%3Credacted%3E"));
        assert!(q.contains("identifier=admin"));
        let url = redact_url("http://h/cb?SdkAppid=1&RequestTime=5&Sign=deadbeef");
        assert!(!url.contains("deadbeef") && url.contains("RequestTime=5"));
        let raw = br#"{"Token":"t0p","Nested":[{"CallbackToken":"x"}],"RoomId":"r"}"#;
        let text = shown_body(raw, raw.len()).to_string();
        assert!(!text.contains("t0p") && !text.contains("\"x\""), "{text}");
        assert!(text.contains("\"RoomId\":\"r\""));
        // Cut short (not JSON): redacted as text.
        let text = shown_body(&raw[..40], 4096).to_string();
        assert!(!text.contains("t0p") && !text.contains("\"x"), "{text}");
        assert!(
            text.contains("Nested") && text.contains("4096 bytes"),
            "{text}"
        );
        let cut = redact_text(r#"{"UserSig": "eJyr\"Vi"#);
        assert_eq!(cut, r#"{"UserSig": "<redacted>"#);
        assert_eq!(
            redact_text(r#"{"a":"Token","b" : "keep", "sign":"s"}"#),
            r#"{"a":"Token","b" : "keep", "sign":"<redacted>"}"#
        );
    }

    #[test]
    fn the_ring_keeps_the_newest() {
        let log = RequestLog::default();
        for _ in 0..LOG_CAPACITY + 7 {
            log.record(
                Method::POST,
                "/v4/room_engine_http_srv/create_room?usersig=s".to_owned(),
                Bytes::from_static(br#"{"RoomInfo":{"RoomId":"a"}}"#),
                Some((
                    200,
                    &Bytes::from_static(br#"{"ErrorCode":0,"RequestId":"x"}"#),
                )),
                Duration::from_micros(5),
                false,
            );
        }
        let entries = log.newest_first();
        assert_eq!(entries.len(), LOG_CAPACITY);
        assert_eq!(entries[0].id, (LOG_CAPACITY + 7) as u64);
        assert_eq!(log.total(), (LOG_CAPACITY + 7) as u64);
        let shown = entries[0]
            .to_json(&RequestFilter {
                room: Some("a".into()),
                ..RequestFilter::default()
            })
            .expect("room a");
        assert_eq!(shown["Command"], "create_room");
        assert_eq!(shown["RequestId"], "x");
        assert!(!shown["Query"].as_str().unwrap().contains("=s"));
        let other_room = RequestFilter {
            room: Some("b".into()),
            ..RequestFilter::default()
        };
        assert!(entries[0].to_json(&other_room).is_none());
        let errors = RequestFilter {
            error: Some("only".into()),
            ..RequestFilter::default()
        };
        assert!(entries[0].to_json(&errors).is_none());
    }
}
