//! Shared test harness: an emulator plus a raw HTTP client.
#![allow(dead_code)]

use serde_json::{json, Value};
use trtc_room_emulator::{Emulator, EmulatorConfig};

pub struct Harness {
    pub emu: Emulator,
    pub http: reqwest::Client,
}

impl Harness {
    pub async fn new() -> Self {
        Self::with(EmulatorConfig::default()).await
    }

    pub async fn with(config: EmulatorConfig) -> Self {
        let emu = Emulator::start(config).await.expect("start emulator");
        Self {
            emu,
            http: trtc_room::http_client_builder().unwrap().build().unwrap(),
        }
    }

    /// POSTs `body` to `path?query` and returns (status, body text).
    pub async fn post_raw(
        &self,
        path_and_query: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, String) {
        let resp = self
            .http
            .post(format!("{}{}", self.emu.base_url(), path_and_query))
            .body(body)
            .send()
            .await
            .expect("send");
        let status = resp.status().as_u16();
        (status, resp.text().await.expect("body"))
    }

    /// A signed admin call; returns the parsed envelope (asserts HTTP 200).
    pub async fn call(&self, service: &str, command: &str, body: Value) -> Value {
        let path = format!("/v4/{service}/{command}?{}", self.emu.admin_query());
        self.call_path(&path, body.to_string()).await
    }

    pub async fn call_path(&self, path_and_query: &str, body: impl Into<reqwest::Body>) -> Value {
        let (status, text) = self.post_raw(path_and_query, body).await;
        assert_eq!(status, 200, "body: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }

    /// A control API call.
    pub async fn control(&self, op: &str, body: Value) -> Value {
        self.call_path(&format!("/emulator/v1/{op}"), body.to_string())
            .await
    }

    pub async fn srv(&self, command: &str, body: Value) -> Value {
        self.call("room_engine_http_srv", command, body).await
    }

    pub async fn mic(&self, command: &str, body: Value) -> Value {
        self.call("room_engine_http_mic", command, body).await
    }

    pub async fn cfg(&self, command: &str, body: Value) -> Value {
        self.call("room_config", command, body).await
    }

    /// Creates a room with `extra` merged into its RoomInfo; asserts success.
    pub async fn create_room(&self, room_id: &str, extra: Value) {
        let mut info = json!({"RoomId": room_id, "RoomType": "Conference"});
        if let (Some(info), Some(extra)) = (info.as_object_mut(), extra.as_object()) {
            info.extend(extra.clone());
        }
        let r = self.srv("create_room", json!({"RoomInfo": info})).await;
        assert_ok(&r);
    }

    pub fn enter(&self, room_id: &str, users: &[&str]) {
        for u in users {
            self.emu.enter_room(room_id, u).expect("enter");
        }
    }
}

#[track_caller]
pub fn assert_ok(v: &Value) {
    assert_eq!(v["ErrorCode"], 0, "expected OK, got {v}");
    assert_eq!(v["ActionStatus"], "OK", "{v}");
}

#[track_caller]
pub fn assert_code(v: &Value, code: i64) {
    assert_eq!(v["ErrorCode"], code, "expected {code}, got {v}");
    assert_eq!(v["ActionStatus"], "FAIL", "{v}");
    assert!(
        v["ErrorInfo"].as_str().is_some_and(|s| !s.is_empty()),
        "{v}"
    );
    assert!(
        v["RequestId"].as_str().is_some_and(|s| !s.is_empty()),
        "{v}"
    );
}
