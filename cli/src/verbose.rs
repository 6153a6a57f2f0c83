//! `--verbose`: one stderr line per call (URL with the UserSig redacted,
//! attempts, latency, RequestId) and one per retry.
//!
//! The SDK runs every call in a `trtc_room.call` tracing span carrying
//! service, command and `random` (with `attempts` and RequestId recorded
//! when the call ends), and logs retries and the call's outcome as events
//! inside it; this layer reads those and prints them. The URL is
//! rebuilt from the settings and the span's fields, with `usersig=<redacted>`.

use std::fmt::Write as _;
use std::time::Instant;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

const SPAN: &str = "trtc_room.call";

/// What the URL is built from.
#[derive(Debug, Clone)]
pub struct UrlParts {
    /// Base URL (no trailing `/`).
    pub base: String,
    /// SDKAppID.
    pub sdk_app_id: u64,
    /// Admin identifier.
    pub admin: String,
}

/// The tracing layer.
pub struct VerboseLayer {
    parts: UrlParts,
}

impl VerboseLayer {
    /// A layer printing calls made with these settings.
    pub fn new(parts: UrlParts) -> Self {
        VerboseLayer { parts }
    }
}

/// Per-span state, kept in the span's extensions.
#[derive(Default)]
struct CallState {
    service: String,
    command: String,
    random: u64,
    attempts: u64,
    request_id: Option<String>,
    started: Option<Instant>,
}

impl Visit for CallState {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "random" => self.random = value,
            "attempts" => self.attempts = value,
            _ => {}
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.record_u64(field, value.max(0) as u64);
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "service" => self.service = value.to_owned(),
            "command" => self.command = value.to_owned(),
            "request_id" => self.request_id = Some(value.to_owned()),
            _ => {}
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.record_str(field, format!("{value:?}").trim_matches('"'));
    }
}

/// An event's message and fields as one line.
#[derive(Default)]
struct EventLine(String);

impl Visit for EventLine {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.push_str(value);
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }
}

/// Percent-encodes a query value.
fn encode(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

impl VerboseLayer {
    fn url(&self, s: &CallState) -> String {
        format!(
            "{}/v4/{}/{}?sdkappid={}&identifier={}&usersig=<redacted>&random={}&contenttype=json",
            self.parts.base.trim_end_matches('/'),
            s.service,
            s.command,
            self.parts.sdk_app_id,
            encode(&self.parts.admin),
            s.random
        )
    }
}

impl<S> Layer<S> for VerboseLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != SPAN {
            return;
        }
        let mut state = CallState {
            started: Some(Instant::now()),
            ..CallState::default()
        };
        attrs.record(&mut state);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(state);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(state) = span.extensions_mut().get_mut::<CallState>() {
                values.record(state);
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.event_span(event) else {
            return;
        };
        let ext = span.extensions();
        let Some(state) = ext.get::<CallState>() else {
            return;
        };
        let mut line = EventLine::default();
        event.record(&mut line);
        eprintln!("* {}/{}: {}", state.service, state.command, line.0);
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else {
            return;
        };
        let ext = span.extensions();
        let Some(state) = ext.get::<CallState>() else {
            return;
        };
        let ms = state
            .started
            .map(|t| t.elapsed().as_secs_f64() * 1000.0)
            .unwrap_or_default();
        eprintln!("> POST {}", self.url(state));
        eprintln!(
            "< attempts {}, latency {ms:.1} ms, RequestId {}",
            state.attempts,
            state.request_id.as_deref().unwrap_or("-")
        );
    }
}

/// Installs the layer for the rest of the process.
pub fn install(parts: UrlParts) {
    use tracing_subscriber::prelude::*;
    let _ = tracing_subscriber::registry()
        .with(
            VerboseLayer::new(parts).with_filter(tracing_subscriber::filter::filter_fn(|m| {
                m.target().starts_with("trtc_room")
            })),
        )
        .try_init();
}
