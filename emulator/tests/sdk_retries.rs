//! The client's retry rules, driven by the emulator's fault injection:
//! rate limits are retried for every command; timeouts, 5xx and broken
//! connections only for idempotent ones, so a non-idempotent command is
//! never sent twice. "Sent once" is checked without timing: a marker fault
//! queued behind the first fault would be consumed by a second attempt.

mod sdk_support;

use std::time::Duration;

use sdk_support::{expect_ok, expect_service, fast_retries, Setup, MARKER_CODE};
use trtc_room::{CreateRoom, Error, ErrorCode, GetRoomInfo, KickUserOut, RoomInfo, RoomType};
use trtc_room_emulator::{Fault, FaultKind};

const SRV: &str = "room_engine_http_srv";

/// The client's attempt timeout in the timeout tests, and a delay well
/// beyond it (generous, so a loaded machine does not change the outcome).
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(400);
const SLOW_ANSWER: Duration = Duration::from_millis(2500);

fn create(room_id: &str) -> CreateRoom {
    CreateRoom::new(RoomInfo::new(room_id, RoomType::Conference))
}

#[tokio::test]
async fn rate_limit_then_ok_is_retried_even_for_a_non_idempotent_command() {
    let s = Setup::new().await;
    // 60007 then 60011: two rate-limit answers, then the real call.
    s.emu
        .inject_fault(Fault::error_code(60007).command("create_room"));
    s.emu
        .inject_fault(Fault::error_code(60011).command("create_room"));
    expect_ok(s.client.create_room(create("rl")).await);
    assert_eq!(s.emu.room_count(), 1);
    expect_ok(s.client.get_room_info(GetRoomInfo::new("rl")).await);
}

#[tokio::test]
async fn rate_limit_is_reported_once_the_attempts_are_used_up() {
    let s = Setup::new().await;
    let client = s.client_with(|b| b.retry_policy(fast_retries(2)));
    s.emu
        .inject_fault(Fault::error_code(60018).command("create_room").times(2));
    let err = expect_service(
        client.create_room(create("rl")).await,
        ErrorCode::TooManyRequests,
    );
    assert!(err.is_rate_limited() && err.is_retryable(), "{err}");
    assert_eq!(err.call().map(|c| c.attempts), Some(2));
    assert_eq!(s.emu.room_count(), 0);
}

#[tokio::test]
async fn a_timeout_on_a_non_idempotent_command_is_not_resent() {
    let s = Setup::new().await;
    let client = s.client_with(|b| b.attempt_timeout(ATTEMPT_TIMEOUT));
    // The first create_room is answered late (the room is still created);
    // a second attempt would hit the marker instead.
    s.emu.inject_fault(
        Fault::new(FaultKind::DelayOnly)
            .command("create_room")
            .delay(SLOW_ANSWER),
    );
    s.arm_marker("create_room");
    let mut events = s.emu.subscribe_events();

    match client.create_room(create("slow")).await {
        Err(Error::Timeout {
            call,
            deadline_exceeded: false,
        }) => assert_eq!(call.attempts, 1),
        other => panic!("expected an attempt timeout, got {other:?}"),
    }
    s.assert_marker_pending(SRV, "create_room").await;

    // The emulator finishes the late call (as the service would): the room
    // exists, once.
    let event = tokio::time::timeout(Duration::from_secs(30), events.recv())
        .await
        .expect("the delayed create_room is applied")
        .expect("event stream open");
    assert_eq!(event.command, "Room.CallbackAfterCreateRoom");
    assert_eq!(s.emu.room_count(), 1);
    expect_ok(s.client.get_room_info(GetRoomInfo::new("slow")).await);
}

#[tokio::test]
async fn a_timeout_on_an_idempotent_command_is_resent() {
    let s = Setup::new().await;
    s.room("idem", 0).await;
    let client = s.client_with(|b| b.attempt_timeout(ATTEMPT_TIMEOUT));
    s.emu.inject_fault(
        Fault::new(FaultKind::DelayOnly)
            .command("get_room_info")
            .delay(SLOW_ANSWER),
    );
    s.arm_marker("get_room_info");
    // Attempt 1 times out, attempt 2 gets the marker (not retryable): the
    // error proves there were exactly two sends.
    let err = expect_service(
        client.get_room_info(GetRoomInfo::new("idem")).await,
        ErrorCode::Other(MARKER_CODE),
    );
    assert_eq!(err.call().map(|c| c.attempts), Some(2));

    // Without a marker, the retry simply succeeds.
    s.emu.inject_fault(
        Fault::new(FaultKind::DelayOnly)
            .command("get_room_info")
            .delay(SLOW_ANSWER),
    );
    let info = expect_ok(client.get_room_info(GetRoomInfo::new("idem")).await);
    assert_eq!(info.room_info.room_id, "idem");
}

#[tokio::test]
async fn http_502_with_an_html_body_is_an_http_status_error() {
    let s = Setup::new().await;
    s.emu.inject_fault(
        Fault::new(FaultKind::HttpStatus {
            status: 502,
            body: "<html><body>Bad Gateway</body></html>".into(),
        })
        .command("create_room"),
    );
    s.arm_marker("create_room");
    match s.client.create_room(create("gw")).await {
        Err(Error::HttpStatus {
            call,
            status,
            body_excerpt,
        }) => {
            assert_eq!(status, 502);
            assert!(body_excerpt.contains("Bad Gateway"), "{body_excerpt}");
            assert_eq!(call.attempts, 1);
        }
        other => panic!("expected HTTP status 502, got {other:?}"),
    }
    // Non-idempotent: not re-sent, and the gateway error had no effect.
    s.assert_marker_pending(SRV, "create_room").await;
    assert_eq!(s.emu.room_count(), 0);
}

#[tokio::test]
async fn http_5xx_on_an_idempotent_command_is_retried() {
    let s = Setup::new().await;
    s.room("five", 0).await;
    s.emu.inject_fault(
        Fault::new(FaultKind::HttpStatus {
            status: 503,
            body: "<html>busy</html>".into(),
        })
        .command("get_room_info")
        .times(2),
    );
    let info = expect_ok(s.client.get_room_info(GetRoomInfo::new("five")).await);
    assert_eq!(info.room_info.room_id, "five");

    // With fewer attempts than failures, the last status is reported.
    let client = s.client_with(|b| b.retry_policy(fast_retries(2)));
    s.emu.inject_fault(
        Fault::new(FaultKind::HttpStatus {
            status: 503,
            body: "<html>busy</html>".into(),
        })
        .command("get_room_info")
        .times(2),
    );
    match client.get_room_info(GetRoomInfo::new("five")).await {
        Err(Error::HttpStatus {
            status: 503, call, ..
        }) => assert_eq!(call.attempts, 2),
        other => panic!("expected HTTP status 503, got {other:?}"),
    }
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error_keeping_the_raw_start() {
    let s = Setup::new().await;
    s.room("trunc", 0).await;
    s.emu
        .inject_fault(Fault::new(FaultKind::TruncatedBody).command("get_room_info"));
    match s.client.get_room_info(GetRoomInfo::new("trunc")).await {
        Err(Error::Decode { body, call, .. }) => {
            assert!(body.starts_with('{'), "{body}");
            assert_eq!(call.attempts, 1, "a decode error is not retried");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    // The next call is unaffected.
    expect_ok(s.client.get_room_info(GetRoomInfo::new("trunc")).await);
}

#[tokio::test]
async fn a_truncated_answer_to_a_non_idempotent_command_still_applied_it() {
    let s = Setup::new().await;
    s.emu
        .inject_fault(Fault::new(FaultKind::TruncatedBody).command("create_room"));
    let err = s
        .client
        .create_room(create("half"))
        .await
        .expect_err("truncated answer");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    // The service did the work; only the answer was lost.
    assert_eq!(s.emu.room_count(), 1);
    expect_ok(s.client.get_room_info(GetRoomInfo::new("half")).await);
}

#[tokio::test]
async fn a_dropped_connection_on_a_non_idempotent_command_is_not_resent() {
    let s = Setup::new().await;
    s.room_with("drop", 0, &["alice"]).await;
    s.emu
        .inject_fault(Fault::new(FaultKind::DropConnection).command("kick_user_out"));
    s.arm_marker("kick_user_out");
    match s
        .client
        .kick_user_out(KickUserOut::new("drop", ["alice"], "bye"))
        .await
    {
        Err(Error::Transport {
            may_have_reached_server,
            call,
            ..
        }) => {
            assert!(may_have_reached_server);
            assert_eq!(call.attempts, 1);
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    s.assert_marker_pending(SRV, "kick_user_out").await;
}

#[tokio::test]
async fn a_dropped_connection_on_an_idempotent_command_is_retried() {
    let s = Setup::new().await;
    s.room("drop2", 0).await;
    s.emu
        .inject_fault(Fault::new(FaultKind::DropConnection).command("get_room_info"));
    let info = expect_ok(s.client.get_room_info(GetRoomInfo::new("drop2")).await);
    assert_eq!(info.room_info.room_id, "drop2");
}

#[tokio::test]
async fn a_server_internal_error_is_retried_only_for_idempotent_commands() {
    let s = Setup::new().await;
    s.room("int", 0).await;
    s.emu
        .inject_fault(Fault::error_code(100001).command("get_room_info"));
    expect_ok(s.client.get_room_info(GetRoomInfo::new("int")).await);

    s.emu
        .inject_fault(Fault::error_code(100001).command("create_room"));
    s.arm_marker("create_room");
    let err = expect_service(
        s.client.create_room(create("int2")).await,
        ErrorCode::InternalError,
    );
    assert!(err.is_retryable(), "{err}");
    s.assert_marker_pending(SRV, "create_room").await;
}
