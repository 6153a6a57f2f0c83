//! One call on the wire: URL, attempts, retries, envelope decoding.

use std::time::Instant;

use tracing::Instrument as _;

use std::sync::Arc;

use super::auth::IssuedUserSig;
use super::call_url::Identity;
use super::{decode_error, CallKind, Client, Payload, Success};
use crate::command::{CommandInfo, PayloadLocation};
use crate::error::{excerpt, CallInfo, Error};
use crate::generated::errors::ErrorCode;
use crate::redact::redact;

/// Largest answer body read, in bytes.
const MAX_BODY: usize = 8 * 1024 * 1024;

/// Envelope keys removed from top-level payloads.
const ENVELOPE_KEYS: [&str; 4] = ["ActionStatus", "ErrorCode", "ErrorInfo", "RequestId"];

/// How one attempt ended, with what the retry rules need to know.
enum Outcome {
    Done(Success),
    Failed { error: Error, retry: RetryClass },
}

/// Which commands may retry a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RetryClass {
    /// Never (bad answer, client-side problem, non-retryable service code).
    Never,
    /// Every command: the request surely had no effect (rate limit,
    /// connection failed before sending).
    Always,
    /// Only idempotent commands: the request may have had an effect.
    IfIdempotent,
}

impl Client {
    pub(super) async fn execute(
        &self,
        service: &str,
        command: &str,
        body: Vec<u8>,
        kind: CallKind,
        info: Option<&'static CommandInfo>,
    ) -> Result<Success, Error> {
        let random: u32 = crate::random::u32();
        // Fields recorded once, when the call ends (recording a field again
        // would print it twice in formatted output).
        let span = tracing::info_span!(
            "trtc_room.call",
            service,
            command,
            random,
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let start = Instant::now();
        let result = self
            .run(service, command, body, kind, info, random)
            .instrument(span.clone())
            .await;
        let latency_ms = start.elapsed().as_millis() as u64;
        let _entered = span.enter();
        match &result {
            Ok(done) => {
                span.record("attempts", done.call.attempts);
                if let Some(id) = &done.request_id {
                    span.record("request_id", id.as_str());
                }
                tracing::debug!(
                    outcome = "ok",
                    attempts = done.call.attempts,
                    latency_ms,
                    request_id = done.request_id.as_deref(),
                    "call succeeded"
                );
            }
            Err(error) => {
                let attempts = error.call().map(|c| c.attempts);
                if let Some(n) = attempts {
                    span.record("attempts", n);
                }
                if let Some(id) = error.request_id() {
                    span.record("request_id", id);
                }
                tracing::warn!(
                    outcome = error_kind(error),
                    attempts,
                    latency_ms,
                    request_id = error.request_id(),
                    error = %error,
                    "call failed"
                );
            }
        }
        result
    }

    async fn run(
        &self,
        service: &str,
        command: &str,
        body: Vec<u8>,
        kind: CallKind,
        info: Option<&'static CommandInfo>,
        random: u32,
    ) -> Result<Success, Error> {
        let inner = &*self.inner;
        // Shared by every attempt without copying.
        let body = bytes::Bytes::from(body);
        let start = Instant::now();
        let deadline = inner.retry.deadline.map(|d| start + d);
        let max_attempts = inner.retry.max_attempts.max(1);
        let mut attempt = 0u32;
        // Whether an earlier attempt may have reached the server.
        let mut may_have_reached = false;
        loop {
            attempt += 1;
            let call = CallInfo {
                service: service.to_owned(),
                command: command.to_owned(),
                random,
                attempts: attempt,
            };
            self.pace(&call, info, deadline).await?;
            let mut budget = inner.attempt_timeout;
            if let Some(d) = deadline {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(Error::Timeout {
                        call: Box::new(call),
                        deadline_exceeded: true,
                    });
                }
                budget = budget.min(left);
            }
            // A kept sig needs neither a timer nor a future.
            let signed = match inner.sigs.cached() {
                Some(sig) => Ok(Ok(sig)),
                None => tokio::time::timeout(budget, inner.sigs.get()).await,
            };
            let sig = match signed {
                Ok(Ok(sig)) => sig,
                Ok(Err(failure)) => {
                    return Err(Error::Signing {
                        call: Box::new(call),
                        message: failure.message.to_string(),
                        timed_out: failure.timed_out,
                    })
                }
                Err(_) => {
                    return Err(Error::Signing {
                        call: Box::new(call),
                        message: format!("no admin UserSig within {budget:?}"),
                        timed_out: true,
                    })
                }
            };
            // Signing may have taken part of the time: the HTTP attempt gets
            // the attempt timeout again, within the deadline.
            let mut budget = inner.attempt_timeout;
            if let Some(d) = deadline {
                budget = budget.min(d.saturating_duration_since(Instant::now()));
            }
            let capped_by_deadline = budget < inner.attempt_timeout;
            let outcome =
                match tokio::time::timeout(budget, self.attempt(&call, &sig, &body, kind, info))
                    .await
                {
                    Ok(o) => o,
                    Err(_) => Outcome::Failed {
                        error: Error::Timeout {
                            call: Box::new(call.clone()),
                            deadline_exceeded: capped_by_deadline,
                        },
                        retry: if capped_by_deadline {
                            RetryClass::Never
                        } else {
                            RetryClass::IfIdempotent
                        },
                    },
                };
            let (error, class) = match outcome {
                Outcome::Done(s) => return Ok(s),
                Outcome::Failed { error, retry } => (error, retry),
            };
            self.paced_failure(&call, &error);
            if may_have_reached {
                if let Some(done) = done_by_earlier_attempt(&error, info, &sig) {
                    return Ok(done);
                }
            }
            may_have_reached |= class == RetryClass::IfIdempotent;
            let allowed = match class {
                RetryClass::Never => false,
                RetryClass::Always => true,
                RetryClass::IfIdempotent => kind.idempotent,
            };
            if !allowed || attempt >= max_attempts {
                return Err(error);
            }
            let wait = inner.retry.backoff(attempt + 1);
            if let Some(d) = deadline {
                if Instant::now() + wait >= d {
                    tracing::debug!(reason = %error, "not retrying: the backoff would pass the deadline");
                    return Err(error);
                }
            }
            tracing::debug!(
                reason = %error,
                attempt,
                request_id = error.request_id(),
                next_attempt = attempt + 1,
                backoff_ms = wait.as_millis() as u64,
                "retrying"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// The secrets an echoed body may contain: the secret key (when signing
    /// locally) and the sig sent.
    fn secrets<'a>(&'a self, sig: &'a IssuedUserSig) -> [&'a str; 2] {
        [self.inner.secret_key.as_deref().unwrap_or(""), sig.sig()]
    }

    async fn attempt(
        &self,
        call: &CallInfo,
        sig: &Arc<IssuedUserSig>,
        body: &bytes::Bytes,
        kind: CallKind,
        info: Option<&'static CommandInfo>,
    ) -> Outcome {
        let secrets = self.secrets(sig);
        let inner = &*self.inner;
        let id = Identity {
            base: &inner.base,
            sdk_app_id: inner.sdk_app_id,
            admin: &inner.admin,
        };
        let request = match inner
            .urls
            .build(&id, sig, &call.service, &call.command, call.random)
        {
            Ok(url) => inner.http.post(url),
            Err(text) => inner.http.post(text),
        };
        let sent = request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.clone())
            .send()
            .await;
        let mut resp = match sent {
            Ok(r) => r,
            Err(e) => return transport_failure(call, e),
        };
        let status = resp.status();
        let mut raw = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if raw.len() + chunk.len() > MAX_BODY {
                        return Outcome::Failed {
                            error: decode_error(
                                call,
                                format!("the body is larger than {MAX_BODY} bytes"),
                                &raw,
                                &secrets,
                            ),
                            retry: RetryClass::Never,
                        };
                    }
                    raw.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return transport_failure(call, e),
            }
        }
        if !status.is_success() {
            let retry = if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                // Refused for rate before processing, like the rate-limit codes.
                RetryClass::Always
            } else if status.is_server_error() {
                RetryClass::IfIdempotent
            } else {
                RetryClass::Never
            };
            return Outcome::Failed {
                error: Error::HttpStatus {
                    call: Box::new(call.clone()),
                    status: status.as_u16(),
                    body_excerpt: excerpt(&raw, &secrets),
                },
                retry,
            };
        }
        decode_body(call, raw, kind, info, sig, &secrets)
    }
}

/// A short name of an error's kind, for the `outcome` field of the log.
fn error_kind(error: &Error) -> &'static str {
    match error {
        Error::InvalidRequest(_) => "invalid_request",
        Error::Config(_) => "config",
        Error::Transport { .. } => "transport",
        Error::Timeout { .. } => "timeout",
        Error::HttpStatus { .. } => "http_status",
        Error::Decode { .. } => "decode",
        Error::Service { .. } => "service_error",
        Error::Signing { .. } => "signing",
        _ => "error",
    }
}

fn transport_failure(call: &CallInfo, e: reqwest::Error) -> Outcome {
    let e = e.without_url();
    // Nothing was written, so anything may be retried, when connecting
    // failed or when the HTTP layer gave the request up before writing it
    // (a pooled connection that closed while the request waited for it).
    let not_sent = e.is_connect() || canceled_before_sending(&e);
    let retry = if not_sent {
        RetryClass::Always
    } else {
        RetryClass::IfIdempotent
    };
    let mut message = e.to_string();
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(&e);
    while let Some(s) = src {
        message.push_str(": ");
        message.push_str(&s.to_string());
        src = s.source();
    }
    if e.is_timeout() {
        return Outcome::Failed {
            error: Error::Timeout {
                call: Box::new(call.clone()),
                deadline_exceeded: false,
            },
            retry,
        };
    }
    Outcome::Failed {
        error: Error::Transport {
            call: Box::new(call.clone()),
            may_have_reached_server: !not_sent,
            message,
            source: Some(Box::new(e)),
        },
        retry,
    }
}

/// Whether hyper reports the request as canceled: it was never written to
/// the connection (hyper hands such requests back unsent).
fn canceled_before_sending(e: &reqwest::Error) -> bool {
    let mut src: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = src {
        if let Some(h) = s.downcast_ref::<hyper::Error>() {
            return h.is_canceled();
        }
        src = s.source();
    }
    false
}

/// [`decode_body`] for a body that did not come over the network.
pub(super) fn decode_answer(
    call: &CallInfo,
    raw: Vec<u8>,
    kind: CallKind,
    info: Option<&'static CommandInfo>,
    sig: &Arc<IssuedUserSig>,
) -> Result<Success, Error> {
    match decode_body(call, raw, kind, info, sig, &[]) {
        Outcome::Done(done) => Ok(done),
        Outcome::Failed { error, .. } => Err(error),
    }
}

fn decode_body(
    call: &CallInfo,
    raw: Vec<u8>,
    kind: CallKind,
    info: Option<&'static CommandInfo>,
    sig: &Arc<IssuedUserSig>,
    secrets: &[&str],
) -> Outcome {
    if let (Some(fast), Some(location)) = (kind.fast, kind.payload) {
        if let Some(done) = fast(&raw, location) {
            return Outcome::Done(Success {
                payload: Payload::Typed(done.payload),
                request_id: done.request_id,
                call: call.clone(),
                raw,
                sig: sig.clone(),
                by_earlier_attempt: false,
            });
        }
    }
    let fail = |what: String, raw: &[u8]| Outcome::Failed {
        error: decode_error(call, what, raw, secrets),
        retry: RetryClass::Never,
    };
    let mut body = match serde_json::from_slice::<serde_json::Value>(&raw) {
        Ok(serde_json::Value::Object(map)) => map,
        Ok(_) => return fail("the body is not a JSON object".into(), &raw),
        Err(e) => return fail(format!("the body is not JSON: {e}"), &raw),
    };
    let code = match body.get("ErrorCode") {
        None => None,
        Some(v) => match v
            .as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        {
            Some(c) => Some(c),
            None => return fail("ErrorCode is not an integer".into(), &raw),
        },
    };
    let status = body.get("ActionStatus").and_then(|v| v.as_str());
    let request_id = body
        .get("RequestId")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let failed = match (status, code) {
        (None, None) => {
            return fail(
                "the body has neither ActionStatus nor ErrorCode".into(),
                &raw,
            )
        }
        (_, Some(c)) if c != 0 => true,
        (Some(s), _) => !s.eq_ignore_ascii_case("OK"),
        (None, Some(_)) => false,
    };
    if failed {
        let code = ErrorCode::from_code(code.unwrap_or(-1));
        let info_text = redact(
            body.get("ErrorInfo").and_then(|v| v.as_str()).unwrap_or(""),
            secrets,
        );
        let meaning = info
            .and_then(|i| i.error_meaning(code.code()))
            .or_else(|| code.meaning());
        let retry = if code.is_rate_limited() {
            RetryClass::Always
        } else if code.is_transient() {
            RetryClass::IfIdempotent
        } else {
            RetryClass::Never
        };
        return Outcome::Failed {
            error: Error::Service {
                call: Box::new(call.clone()),
                code,
                info: info_text,
                request_id,
                meaning,
            },
            retry,
        };
    }
    let payload = match kind.payload {
        // Raw calls get the whole body.
        None => serde_json::Value::Object(body),
        Some(PayloadLocation::Wrapped(key)) => match body.remove(key) {
            Some(v) => v,
            None => return fail(format!("the successful answer lacks `{key}`"), &raw),
        },
        Some(PayloadLocation::None) | Some(PayloadLocation::TopLevel) => {
            for k in ENVELOPE_KEYS {
                body.remove(k);
            }
            serde_json::Value::Object(body)
        }
    };
    Outcome::Done(Success {
        payload: Payload::Value(payload),
        request_id,
        call: call.clone(),
        raw,
        sig: sig.clone(),
        by_earlier_attempt: false,
    })
}

/// When `error` answers a retry with a code the command declares as "done
/// by an earlier attempt", the success that attempt had.
fn done_by_earlier_attempt(
    error: &Error,
    info: Option<&'static CommandInfo>,
    sig: &Arc<IssuedUserSig>,
) -> Option<Success> {
    let Error::Service {
        call,
        code,
        request_id,
        ..
    } = error
    else {
        return None;
    };
    let info = info?;
    if !info.done_by_earlier_attempt.contains(&code.code()) {
        return None;
    }
    tracing::info!(
        code = code.code(),
        attempt = call.attempts,
        "the retry's answer shows that an earlier attempt did the work; reporting success"
    );
    Some(Success {
        payload: Payload::Value(serde_json::Value::Object(serde_json::Map::new())),
        request_id: request_id.clone(),
        call: (**call).clone(),
        raw: Vec::new(),
        sig: sig.clone(),
        by_earlier_attempt: true,
    })
}
