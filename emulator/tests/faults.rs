//! Fault injection through the Rust API and the control API.

mod common;

use std::time::Duration;

use common::{assert_code, assert_ok, Harness};
use serde_json::json;
use trtc_room_emulator::{Fault, FaultKind};

#[tokio::test]
async fn error_code_faults_hit_the_next_n_calls_of_one_command() {
    let h = Harness::new().await;
    h.emu
        .inject_fault(Fault::error_code(60007).command("get_room_info").times(2));
    assert_code(&h.srv("get_room_info", json!({"RoomId": "x"})).await, 60007);
    // Other commands are untouched.
    assert_code(&h.srv("destroy_room", json!({"RoomId": "x"})).await, 100004);
    assert_code(&h.srv("get_room_info", json!({"RoomId": "x"})).await, 60007);
    assert_code(
        &h.srv("get_room_info", json!({"RoomId": "x"})).await,
        100004,
    );
}

#[tokio::test]
async fn control_api_faults_and_clear() {
    let h = Harness::new().await;
    let v = h.control("faults", json!({"Command": "room_engine_http_srv/get_room_info", "ErrorCode": 100001, "Count": 5})).await;
    assert_ok(&v);
    assert_code(
        &h.srv("get_room_info", json!({"RoomId": "x"})).await,
        100001,
    );
    assert_ok(&h.control("clear_faults", json!({})).await);
    assert_code(
        &h.srv("get_room_info", json!({"RoomId": "x"})).await,
        100004,
    );
    assert_code(&h.control("faults", json!({"Command": "x"})).await, 100002);
    assert_code(&h.control("no_such_op", json!({})).await, 60009);
}

#[tokio::test]
async fn http_status_fault_sends_a_non_json_body() {
    let h = Harness::new().await;
    h.control(
        "faults",
        json!({"HttpStatus": 502, "Body": "<html>bad gateway</html>"}),
    )
    .await;
    let path = format!(
        "/v4/room_engine_http_srv/get_room_info?{}",
        h.emu.admin_query()
    );
    let (status, body) = h.post_raw(&path, "{}").await;
    assert_eq!(status, 502);
    assert_eq!(body, "<html>bad gateway</html>");
}

#[tokio::test]
async fn truncated_body_fault_processes_the_call() {
    let h = Harness::new().await;
    h.emu
        .inject_fault(Fault::new(FaultKind::TruncatedBody).command("create_room"));
    let path = format!(
        "/v4/room_engine_http_srv/create_room?{}",
        h.emu.admin_query()
    );
    let (status, body) = h
        .post_raw(
            &path,
            json!({"RoomInfo": {"RoomId": "t", "RoomType": "Conference"}}).to_string(),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        serde_json::from_str::<serde_json::Value>(&body).is_err(),
        "{body}"
    );
    assert_eq!(h.emu.room_count(), 1, "the call itself took effect");
}

#[tokio::test]
async fn dropped_connection_gets_no_answer() {
    let h = Harness::new().await;
    h.emu.inject_fault(Fault::new(FaultKind::DropConnection));
    let res = h
        .http
        .post(format!(
            "{}/v4/room_engine_http_srv/get_room_info?{}",
            h.emu.base_url(),
            h.emu.admin_query()
        ))
        .body("{}")
        .send()
        .await;
    assert!(res.is_err(), "expected a transport error, got {res:?}");
    // The server keeps serving.
    assert_code(
        &h.srv("get_room_info", json!({"RoomId": "x"})).await,
        100004,
    );
}

#[tokio::test]
async fn delay_fault_then_normal_answer() {
    let h = Harness::new().await;
    h.emu
        .inject_fault(Fault::new(FaultKind::DelayOnly).delay(Duration::from_millis(50)));
    // Only the answer is checked (no timing assertion).
    assert_code(
        &h.srv("get_room_info", json!({"RoomId": "x"})).await,
        100004,
    );
    assert_ok(&h.control("faults", json!({"DelayMs": 10})).await);
    assert_code(
        &h.srv("get_room_info", json!({"RoomId": "x"})).await,
        100004,
    );
}
