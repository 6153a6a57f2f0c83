//! The axum glue (`trtc_room::webhook::axum`), driven with axum's own test
//! tools (no sockets): valid, forged, stale, oversized and unknown
//! deliveries; the typed gift decision; the before-callback budget.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{json, Value};
use tower::ServiceExt;
use trtc_room::webhook::axum::{router, Answer};
use trtc_room::webhook::{decide_within, Decision, Delivery, WebhookQuery, WebhookVerifier};
use trtc_room::{LiveBeforeSendGiftDecision, WebhookEvent};

const APP: u64 = 1_400_000_000;
const TOKEN: &str = "callback-token";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

fn app() -> axum::Router {
    let verifier = WebhookVerifier::new(APP)
        .with_token(TOKEN)
        .with_max_body(1024);
    router("/callback", verifier, |delivery: Delivery| async move {
        match delivery.event {
            WebhookEvent::LiveBeforeSendGift(gift) => {
                let rocket =
                    gift.gift_water.as_ref().and_then(|w| w.gift_id.as_deref()) == Some("rocket");
                Answer::decision(&if rocket {
                    LiveBeforeSendGiftDecision::reject("no rockets")
                } else {
                    LiveBeforeSendGiftDecision::allow()
                })
            }
            _ => Answer::ack(),
        }
    })
}

async fn post(query: &str, body: impl Into<Body>) -> (StatusCode, Value) {
    let response = app()
        .oneshot(
            Request::post(format!("/callback?{query}"))
                .header("content-type", "application/json")
                .body(body.into())
                .expect("request"),
        )
        .await
        .expect("the router answers");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    (
        status,
        serde_json::from_slice(&bytes).expect("a JSON answer"),
    )
}

fn signed(command: &str, time: u64) -> String {
    WebhookQuery::new(APP, command)
        .signed(TOKEN, time)
        .to_query_string()
}

const DESTROYED: &str = r#"{"CallbackCommand":"Room.CallbackAfterDestroyRoom","Operator_Account":"admin","RoomId":"r1","EventTime":1703589922780}"#;

fn gift(id: &str) -> String {
    json!({
        "CallbackCommand": "Live.CallbackBeforeSendGift",
        "Operator_Account": "viewer",
        "RoomId": "live-1",
        "GiftWater": {"From_Account": "viewer", "To_Account": ["host"], "Time": 1703589922, "GiftId": id, "Count": 1, "Coins": 10}
    })
    .to_string()
}

#[tokio::test]
async fn a_valid_delivery_is_acknowledged() {
    let (status, body) = post(&signed("Room.CallbackAfterDestroyRoom", now()), DESTROYED).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0})
    );
}

#[tokio::test]
async fn a_forged_sign_is_refused_with_401() {
    let forged = WebhookQuery::new(APP, "Room.CallbackAfterDestroyRoom")
        .signed("another-token", now())
        .to_query_string();
    let (status, body) = post(&forged, DESTROYED).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["ActionStatus"], "FAIL");
    assert!(!body.to_string().contains(TOKEN));
}

#[tokio::test]
async fn a_stale_delivery_is_refused_with_401() {
    let (status, body) = post(
        &signed("Room.CallbackAfterDestroyRoom", now() - 3600),
        DESTROYED,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body["ErrorInfo"]
            .as_str()
            .unwrap_or_default()
            .contains("RequestTime"),
        "{body}"
    );
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413_before_parsing() {
    let big = format!(
        r#"{{"CallbackCommand":"Room.CallbackAfterDestroyRoom","Pad":"{}"}}"#,
        "x".repeat(4096)
    );
    let (status, body) = post(&signed("Room.CallbackAfterDestroyRoom", now()), big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["ActionStatus"], "FAIL");
}

#[tokio::test]
async fn an_unknown_event_reaches_the_handler_and_a_malformed_one_does_not() {
    let unknown = r#"{"CallbackCommand":"Room.CallbackSomethingNew","RoomId":"r1"}"#;
    let (status, body) = post(&signed("Room.CallbackSomethingNew", now()), unknown).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["ErrorCode"], 0);
    let (status, body) = post(&signed("Room.CallbackAfterDestroyRoom", now()), "{not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["ActionStatus"], "FAIL");
}

#[tokio::test]
async fn the_gift_before_callback_gets_a_typed_decision() {
    let q = signed("Live.CallbackBeforeSendGift", now());
    let (status, body) = post(&q, gift("rose")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["ErrorCode"], 0);
    let (status, body) = post(&q, gift("rocket")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"ActionStatus": "FAIL", "ErrorInfo": "no rockets", "ErrorCode": 1})
    );
}

#[test]
fn decisions_round_trip_and_refuse_undocumented_codes() {
    let passed = LiveBeforeSendGiftDecision::pass_through(102150, "sold out").expect("in range");
    assert_eq!(passed.error_code(), 102150);
    assert_eq!(
        LiveBeforeSendGiftDecision::from_answer(102150, "sold out"),
        Ok(passed)
    );
    assert!(LiveBeforeSendGiftDecision::pass_through(102201, "x").is_err());
    assert!(LiveBeforeSendGiftDecision::from_answer(7, "x").is_err());
    assert_eq!(
        LiveBeforeSendGiftDecision::from_answer(0, ""),
        Ok(LiveBeforeSendGiftDecision::allow())
    );
    assert_eq!(LiveBeforeSendGiftDecision::BUDGET, Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn a_slow_decision_is_replaced_by_the_fallback_within_the_budget() {
    let started = tokio::time::Instant::now();
    let slow = async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        LiveBeforeSendGiftDecision::allow()
    };
    let fallback = LiveBeforeSendGiftDecision::reject("could not check in time");
    let decided = decide_within(Duration::from_millis(1700), slow, fallback.clone()).await;
    assert_eq!(decided, fallback);
    // The paused clock moved exactly to the budget, not to the handler's 5 s.
    assert_eq!(started.elapsed(), Duration::from_millis(1700));
    // A fast decision is answered as decided.
    let fast = async { LiveBeforeSendGiftDecision::allow() };
    let decided = decide_within(Duration::from_millis(1700), fast, fallback).await;
    assert!(decided.is_allowed());
}
