//! `send_gift` asks the app's `Live.CallbackBeforeSendGift` receiver, a real
//! HTTP server in the test, and follows its answer; the state lock is not
//! held while the receiver decides.

mod sdk_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sdk_support::{expect_ok, expect_service, Setup};
use tokio::sync::{mpsc, Notify};
use trtc_room::webhook::{Decision, OptPlatform, WebhookVerifier};
use trtc_room::{
    ErrorCode, LiveBeforeSendGiftDecision, LiveCallbackCommand, LiveCreateRoom, LiveDeleteCallback,
    LiveDestroyRoom, LiveGetGiftCount, LiveGetRoomInfo, LiveRoomInfo, LiveRoomType, LiveSendGift,
    LiveSetCallback, LiveSetCallbackToken, LiveUpdateCallback, WebhookEvent,
};
use trtc_room_emulator::state::live::Gift;

/// What the receiver answers.
#[derive(Clone)]
enum Behaviour {
    /// HTTP 200 with this decision.
    Decide(LiveBeforeSendGiftDecision),
    /// HTTP 200 with `{"ErrorCode": code, "ErrorInfo": info}` (any code).
    Code(i64, &'static str),
    /// This HTTP status with an HTML page.
    Status(u16),
    /// HTTP 200 with a body that is not the envelope.
    NotJson,
    /// Says it was reached, then waits for `release` (at most 3 s) and
    /// allows.
    Hold {
        reached: Arc<Notify>,
        release: Arc<Notify>,
    },
}

#[derive(Clone)]
struct Receiver {
    behaviour: Arc<Mutex<Behaviour>>,
    deliveries: mpsc::UnboundedSender<(String, Bytes)>,
}

impl Receiver {
    fn set(&self, behaviour: Behaviour) {
        *self.behaviour.lock().unwrap() = behaviour;
    }
}

async fn receive(
    State(receiver): State<Receiver>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let _ = receiver.deliveries.send((query.unwrap_or_default(), body));
    let behaviour = receiver.behaviour.lock().unwrap().clone();
    match behaviour {
        Behaviour::Decide(decision) => decision.to_body().into_response(),
        Behaviour::Code(code, info) => {
            serde_json::json!({"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": info})
                .to_string()
                .into_response()
        }
        Behaviour::Status(status) => (
            StatusCode::from_u16(status).unwrap(),
            "<html>upstream broke</html>",
        )
            .into_response(),
        Behaviour::NotJson => "OK".into_response(),
        Behaviour::Hold { reached, release } => {
            reached.notify_one();
            tokio::select! {
                () = release.notified() => {}
                () = tokio::time::sleep(Duration::from_secs(3)) => {}
            }
            LiveBeforeSendGiftDecision::allow()
                .to_body()
                .into_response()
        }
    }
}

/// A receiver on 127.0.0.1:0: its URL, its handle, and the deliveries it
/// got (query string, body).
async fn receiver() -> (String, Receiver, mpsc::UnboundedReceiver<(String, Bytes)>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let receiver = Receiver {
        behaviour: Arc::new(Mutex::new(Behaviour::Decide(
            LiveBeforeSendGiftDecision::allow(),
        ))),
        deliveries: tx,
    };
    let app = axum::Router::new()
        .fallback(receive)
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/live-callbacks"), receiver, rx)
}

/// An emulator with the live room `g` (owner `host`), `rose` at 10 coins,
/// and the Live callback configuration sending `commands` to a receiver.
async fn setup(
    commands: &[LiveCallbackCommand],
) -> (Setup, Receiver, mpsc::UnboundedReceiver<(String, Bytes)>) {
    let s = Setup::new().await;
    let (url, receiver, rx) = receiver().await;
    expect_ok(
        s.client
            .live_set_callback(LiveSetCallback::new(url, commands.to_vec()))
            .await,
    );
    let info = LiveRoomInfo::new("g", LiveRoomType::Live).owner_account("host");
    expect_ok(s.client.live_create_room(LiveCreateRoom::new(info)).await);
    s.emu.seed_gifts(Some(vec![Gift {
        id: "rose".into(),
        coins: 10,
    }]));
    (s, receiver, rx)
}

fn rose(count: u32) -> LiveSendGift {
    LiveSendGift::new("g", "rose", "fan", ["host"]).count(count)
}

/// (gifts, coins) `host` received in `g`.
async fn received(s: &Setup) -> (Option<u64>, Option<u64>) {
    let count = expect_ok(
        s.client
            .live_get_gift_count(LiveGetGiftCount::new("g", "host"))
            .await,
    );
    (count.total_count, count.total_coins)
}

/// The next delivery, parsed by the SDK's verifier.
async fn next_delivery(
    rx: &mut mpsc::UnboundedReceiver<(String, Bytes)>,
    verifier: &WebhookVerifier,
) -> trtc_room::webhook::Delivery {
    let (query, body) = tokio::time::timeout(Duration::from_secs(30), rx.recv())
        .await
        .expect("a delivery within 30 s")
        .expect("receiver alive");
    verifier.receive(&query, &body).expect("a valid delivery")
}

fn code(n: i64) -> ErrorCode {
    ErrorCode::from_code(n)
}

#[tokio::test]
async fn the_receiver_allows_refuses_and_passes_codes_through() {
    let (s, receiver, mut rx) = setup(&[LiveCallbackCommand::BeforeSendGift]).await;
    let verifier = WebhookVerifier::new(s.emu.sdk_app_id());

    // Allowed: recorded, and the receiver got the documented payload.
    expect_ok(s.client.live_send_gift(rose(3)).await);
    assert_eq!(received(&s).await, (Some(3), Some(30)));
    let delivery = next_delivery(&mut rx, &verifier).await;
    assert_eq!(
        delivery.query.command.as_deref(),
        Some("Live.CallbackBeforeSendGift")
    );
    assert_eq!(delivery.query.opt_platform, Some(OptPlatform::RestApi));
    let WebhookEvent::LiveBeforeSendGift(asked) = delivery.event else {
        panic!("not a gift before-callback: {:?}", delivery.event);
    };
    assert_eq!(asked.room_id, "g");
    assert_eq!(asked.operator_account.as_deref(), Some("fan"));
    let water = asked.gift_water.expect("GiftWater");
    assert_eq!(
        (
            water.from_account.as_deref(),
            water.to_account,
            water.gift_id.as_deref(),
            water.count,
            water.coins,
            water.time,
        ),
        (
            Some("fan"),
            Some(vec!["host".to_owned()]),
            Some("rose"),
            Some(3),
            Some(30),
            Some(s.emu.now() as i64),
        )
    );

    // ErrorCode 1: 102004, not recorded.
    receiver.set(Behaviour::Decide(LiveBeforeSendGiftDecision::reject(
        "no gifts today",
    )));
    let e = expect_service(
        s.client.live_send_gift(rose(1)).await,
        ErrorCode::GiftCallbackFailed,
    );
    assert!(e.to_string().contains("refused with code 1"), "{e}");
    // A code in 102100..=102200: passed through with the receiver's info.
    receiver.set(Behaviour::Decide(
        LiveBeforeSendGiftDecision::pass_through(102_150, "out of coins").unwrap(),
    ));
    let e = expect_service(s.client.live_send_gift(rose(1)).await, code(102_150));
    assert!(
        matches!(&e, trtc_room::Error::Service { info, .. } if info == "out of coins"),
        "{e:?}"
    );
    // Any other code, a non-2xx answer, a body that is not the envelope: 102004.
    receiver.set(Behaviour::Code(7, "odd"));
    let e = expect_service(
        s.client.live_send_gift(rose(1)).await,
        ErrorCode::GiftCallbackFailed,
    );
    assert!(e.to_string().contains("refused with code 7"), "{e}");
    receiver.set(Behaviour::Status(500));
    let e = expect_service(
        s.client.live_send_gift(rose(1)).await,
        ErrorCode::GiftCallbackFailed,
    );
    assert!(e.to_string().contains("bad answer: HTTP status 500"), "{e}");
    receiver.set(Behaviour::NotJson);
    let e = expect_service(
        s.client.live_send_gift(rose(1)).await,
        ErrorCode::GiftCallbackFailed,
    );
    assert!(e.to_string().contains("not the JSON envelope"), "{e}");
    assert_eq!(received(&s).await, (Some(3), Some(30)), "refusals recorded");

    // A configured receiver decides: the played `gift_decision` is not used.
    receiver.set(Behaviour::Decide(LiveBeforeSendGiftDecision::allow()));
    s.emu.set_gift_decision(1);
    expect_ok(s.client.live_send_gift(rose(1)).await);
    assert_eq!(received(&s).await, (Some(4), Some(40)));
    // Without the command enabled, the receiver is not asked and the played
    // decision applies again.
    expect_ok(
        s.client
            .live_update_callback(LiveUpdateCallback::new(
                "http://127.0.0.1:1/unused",
                [LiveCallbackCommand::AfterCreateRoom],
            ))
            .await,
    );
    expect_service(
        s.client.live_send_gift(rose(1)).await,
        ErrorCode::GiftCallbackFailed,
    );
    s.emu.set_gift_decision(0);
    expect_ok(s.client.live_send_gift(rose(1)).await);
    expect_ok(
        s.client
            .live_delete_callback(LiveDeleteCallback::new())
            .await,
    );
    expect_ok(s.client.live_send_gift(rose(1)).await);
    assert_eq!(received(&s).await, (Some(6), Some(60)));
    // Seven calls reached the receiver: the allowed one, five refusals, and
    // the one the played decision would have refused.
    let mut asked = 0;
    while rx.try_recv().is_ok() {
        asked += 1;
    }
    assert_eq!(asked + 1, 7);
}

#[tokio::test]
async fn a_slow_receiver_fails_the_gift_without_holding_the_lock() {
    let (s, receiver, _rx) = setup(&[LiveCallbackCommand::BeforeSendGift]).await;
    let (reached, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    receiver.set(Behaviour::Hold {
        reached: reached.clone(),
        release,
    });
    let client = s.client.clone();
    let gift = tokio::spawn(async move { client.live_send_gift(rose(1)).await });
    reached.notified().await;
    // The receiver is deciding (for up to 3 s): other calls go ahead.
    let room = expect_ok(s.client.live_get_room_info(LiveGetRoomInfo::new("g")).await);
    assert_eq!(room.room_info.room_id, "g");
    assert_eq!(received(&s).await, (Some(0), Some(0)));
    assert!(
        !gift.is_finished(),
        "send_gift answered before the 2 s budget ran out"
    );
    let e = expect_service(gift.await.unwrap(), ErrorCode::GiftCallbackFailed);
    assert!(e.to_string().contains("timed out after 2 s"), "{e}");
    assert_eq!(received(&s).await, (Some(0), Some(0)));
    assert_eq!(
        LiveBeforeSendGiftDecision::BUDGET,
        Duration::from_secs(2),
        "the budget the message names"
    );
}

#[tokio::test]
async fn a_room_destroyed_while_the_receiver_decides_gets_no_gift() {
    let (s, receiver, _rx) = setup(&[LiveCallbackCommand::BeforeSendGift]).await;
    let (reached, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    receiver.set(Behaviour::Hold {
        reached: reached.clone(),
        release: release.clone(),
    });
    let client = s.client.clone();
    let gift = tokio::spawn(async move { client.live_send_gift(rose(1)).await });
    reached.notified().await;
    expect_ok(s.client.live_destroy_room(LiveDestroyRoom::new("g")).await);
    release.notify_one();
    expect_service(gift.await.unwrap(), code(100_004));
}

#[tokio::test]
async fn the_non_blocking_switch_lets_failed_answers_through_but_not_refusals() {
    let (s, receiver, _rx) = setup(&[
        LiveCallbackCommand::BeforeSendGift,
        LiveCallbackCommand::BeforeCallbackNotBlock,
    ])
    .await;
    receiver.set(Behaviour::Status(502));
    expect_ok(s.client.live_send_gift(rose(1)).await);
    receiver.set(Behaviour::NotJson);
    expect_ok(s.client.live_send_gift(rose(1)).await);
    receiver.set(Behaviour::Decide(LiveBeforeSendGiftDecision::reject("no")));
    expect_service(
        s.client.live_send_gift(rose(1)).await,
        ErrorCode::GiftCallbackFailed,
    );
    assert_eq!(received(&s).await, (Some(2), Some(20)));
}

#[tokio::test]
async fn live_deliveries_are_signed_with_the_live_token_while_it_is_enabled() {
    let (s, _receiver, mut rx) = setup(&[
        LiveCallbackCommand::BeforeSendGift,
        LiveCallbackCommand::AfterCreateRoom,
    ])
    .await;
    let unsigned = WebhookVerifier::new(s.emu.sdk_app_id());
    // No token yet: the create_room of `setup` went out unsigned.
    let created = next_delivery(&mut rx, &unsigned).await;
    assert!(matches!(
        created.event,
        WebhookEvent::LiveAfterCreateRoom(_)
    ));
    assert_eq!(created.query.sign, None);

    expect_ok(
        s.client
            .live_set_callback_token(
                LiveSetCallbackToken::new()
                    .token("live-secret")
                    .is_token_enable(true),
            )
            .await,
    );
    let signed = WebhookVerifier::new(s.emu.sdk_app_id()).with_token("live-secret");
    expect_ok(s.client.live_send_gift(rose(1)).await);
    let asked = next_delivery(&mut rx, &signed).await;
    assert!(matches!(asked.event, WebhookEvent::LiveBeforeSendGift(_)));
    let info = LiveRoomInfo::new("g2", LiveRoomType::Live).owner_account("host");
    expect_ok(s.client.live_create_room(LiveCreateRoom::new(info)).await);
    let created = next_delivery(&mut rx, &signed).await;
    assert!(matches!(
        created.event,
        WebhookEvent::LiveAfterCreateRoom(_)
    ));

    // Disabled: unsigned again.
    expect_ok(
        s.client
            .live_set_callback_token(LiveSetCallbackToken::new().is_token_enable(false))
            .await,
    );
    expect_ok(s.client.live_send_gift(rose(1)).await);
    let asked = next_delivery(&mut rx, &unsigned).await;
    assert_eq!((asked.query.sign, asked.query.request_time), (None, None));
}
