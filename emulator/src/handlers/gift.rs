//! `live_engine_http_srv/send_gift` with the app's
//! `Live.CallbackBeforeSendGift` receiver.
//!
//! Who decides whether a gift goes through:
//!
//! 1. When the Live callback configuration (`live_config/set_callback`)
//!    enables `Live.CallbackBeforeSendGift`, its receiver does, over HTTP:
//!    the gift is checked and priced under the state lock, the lock is
//!    released, the callback is POSTed (the query string and signing of the
//!    other deliveries; the `live_config` token when one is enabled) and
//!    answered within [`Decision::BUDGET`] (2 s), then an allowed gift is
//!    recorded under the lock again (100004 if the room went meanwhile).
//!    `ErrorCode` 0 allows; 102100..=102200 fail the call with that code and
//!    the receiver's `ErrorInfo`; any other code, a non-2xx status, an answer
//!    that is not the JSON envelope, a failed POST or no answer within the
//!    budget fail it with 102004 saying which. With
//!    `Live.CallbackBeforeCallBackNotBlock` enabled too, a failed or late
//!    answer (not a refusal) lets the gift through, as Tencent documents.
//! 2. Otherwise the control API's `gift_decision`
//!    ([`Live::gift_refusal`](crate::state::live::Live::gift_refusal);
//!    0, allow, by default) decides, at once: a stand-in for tests without
//!    a receiver. It is not consulted when a receiver is configured.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::json;
use trtc_room::webhook::{Decision, OptPlatform};
use trtc_room::{LiveBeforeSendGiftDecision, LiveSendGift, LiveSendGiftResponse};

use super::{parse_typed, require_named_accounts, Outcome};
use crate::error::{codes, ApiError};
use crate::events::{enabled, LIVE_BEFORE_SEND_GIFT};
use crate::server::App;
use crate::state::live::GiftEntry;
use crate::state::CallbackConfig;
use crate::webhooks::Answer;

/// `Live.CallbackBeforeCallBackNotBlock`: a failed or late before-callback
/// answer lets the action through.
pub const LIVE_BEFORE_CALLBACK_NOT_BLOCK: &str = "Live.CallbackBeforeCallBackNotBlock";

/// The rest of a call that waits for the app's receiver (no lock held).
pub(crate) type Pending = Pin<Box<dyn Future<Output = Outcome> + Send + 'static>>;

/// How far `send_gift` got without waiting.
pub(crate) enum Step {
    /// Answered (refused, or decided without a receiver).
    Done(Outcome),
    /// Checked and priced; the receiver decides in the rest of the call.
    Ask(Pending),
}

/// What the first, locked phase found.
enum Checked {
    /// Decided without a receiver, and recorded.
    Recorded,
    /// To ask the receiver.
    Ask(Box<Asking>),
}

struct Asking {
    room_id: String,
    gift: GiftEntry,
    config: CallbackConfig,
    token: Option<String>,
    not_block: bool,
}

/// `send_gift` as `operator`: see the module docs.
pub(crate) fn send_gift(app: &Arc<App>, operator: &str, body: &[u8]) -> Step {
    let req: LiveSendGift = match parse_typed(body) {
        Ok(req) => req,
        Err(e) => return Step::Done(Err(e)),
    };
    let checked = app.apply(operator, OptPlatform::RestApi, |state, ctx| {
        require_named_accounts(state, &req)?;
        let receiver = state
            .live
            .callback()
            .filter(|c| enabled(&c.commands, LIVE_BEFORE_SEND_GIFT))
            .cloned();
        let Some(config) = receiver else {
            // No receiver: the played `gift_decision`, all under the lock.
            super::live::send_gift(state, ctx, req)?;
            return Ok(Checked::Recorded);
        };
        let gift = super::live::check_gift(state, ctx, &req)?;
        Ok(Checked::Ask(Box::new(Asking {
            room_id: req.room_id,
            gift,
            not_block: enabled(&config.commands, LIVE_BEFORE_CALLBACK_NOT_BLOCK),
            config,
            token: app.live_token(state),
        })))
    });
    match checked {
        Err(e) => Step::Done(Err(e)),
        Ok(Checked::Recorded) => Step::Done(answer()),
        Ok(Checked::Ask(asking)) => Step::Ask(Box::pin(ask_then_record(
            app.clone(),
            operator.to_owned(),
            *asking,
        ))),
    }
}

/// Asks the receiver (no lock held), then records an allowed gift.
async fn ask_then_record(app: Arc<App>, operator: String, asking: Asking) -> Outcome {
    let Asking {
        room_id,
        gift,
        config,
        token,
        not_block,
    } = asking;
    // The documented payload; `Operator_Account` is the sender.
    let mut payload = gift.before_callback_json(&room_id, &gift.from);
    payload["CallbackCommand"] = json!(LIVE_BEFORE_SEND_GIFT);
    let body = serde_json::to_vec(&payload)
        .map_err(|e| ApiError::new(codes::INTERNAL, format!("callback not encodable: {e}")))?;
    let reply = app
        .webhooks
        .ask(
            &config.url,
            LIVE_BEFORE_SEND_GIFT,
            &OptPlatform::RestApi,
            token.as_deref(),
            body,
            LiveBeforeSendGiftDecision::BUDGET,
        )
        .await;
    verdict(reply, not_block)?;
    app.apply(&operator, OptPlatform::RestApi, |state, _ctx| {
        state.live.record_gift(&room_id, gift)
    })?;
    answer()
}

/// The receiver's answer as the call's outcome.
fn verdict(answer: Answer, not_block: bool) -> Result<(), ApiError> {
    let failed = |why: String| {
        ApiError::new(
            codes::GIFT_CALLBACK_FAILED,
            format!("gift before-callback failed: {why}"),
        )
    };
    match answer {
        Answer::Replied { code, info } => {
            match LiveBeforeSendGiftDecision::from_answer(code, &info) {
                Ok(LiveBeforeSendGiftDecision::Allow) => Ok(()),
                Ok(LiveBeforeSendGiftDecision::PassThrough { code, info }) => {
                    let info = if info.is_empty() {
                        format!("the app refused the gift (before-callback ErrorCode {code})")
                    } else {
                        info
                    };
                    Err(ApiError::new(code, info))
                }
                Ok(refusal) => Err(failed(format!(
                    "refused with code {} ({:?})",
                    refusal.error_code(),
                    refusal.error_info()
                ))),
                Err(unknown) => Err(failed(format!(
                    "refused with code {} ({info:?})",
                    unknown.code
                ))),
            }
        }
        failure if not_block => {
            tracing::info!(
                command = LIVE_BEFORE_SEND_GIFT,
                answer = %failure,
                "before-callback failed; non-blocking, so the gift goes through"
            );
            Ok(())
        }
        failure => Err(failed(failure.to_string())),
    }
}

fn answer() -> Outcome {
    serde_json::to_vec(&LiveSendGiftResponse::new())
        .map_err(|e| ApiError::new(codes::INTERNAL, format!("answer not encodable: {e}")))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn answers_map_to_outcomes() {
        let replied = |code: i64, info: &str| Answer::Replied {
            code,
            info: info.to_owned(),
        };
        assert_eq!(verdict(replied(0, ""), false), Ok(()));
        let pass = verdict(replied(102_150, "no coins"), false).unwrap_err();
        assert_eq!((pass.code, pass.info.as_str()), (102_150, "no coins"));
        let reject = verdict(replied(1, "nope"), true).unwrap_err();
        assert_eq!(reject.code, codes::GIFT_CALLBACK_FAILED);
        assert!(
            reject.info.contains("refused with code 1"),
            "{}",
            reject.info
        );
        let odd = verdict(replied(7, ""), false).unwrap_err();
        assert!(odd.info.contains("refused with code 7"), "{}", odd.info);
        let late = Answer::TimedOut(Duration::from_secs(2));
        let e = verdict(late.clone(), false).unwrap_err();
        assert_eq!(e.code, codes::GIFT_CALLBACK_FAILED);
        assert!(e.info.contains("timed out after 2 s"), "{}", e.info);
        assert_eq!(verdict(late, true), Ok(()));
        let bad = verdict(Answer::from_body(b"<html>"), false).unwrap_err();
        assert!(bad.info.contains("bad answer"), "{}", bad.info);
        assert!(verdict(Answer::HttpStatus(500), false)
            .unwrap_err()
            .info
            .contains("500"));
    }
}
