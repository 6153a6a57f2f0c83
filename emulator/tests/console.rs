//! The console's endpoints and its token rule, over HTTP (no browser; see
//! `console_browser.rs` for the page itself).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use trtc_room::{CallbackCommand, Client, CreateRoom, RoomInfo, RoomType, SetCallback};
use trtc_room_emulator::console::{check_listen, CONSOLE_PATH, LOG_CAPACITY};
use trtc_room_emulator::{Emulator, EmulatorConfig};

const TOKEN: &str = "s3cret-console-token";

fn http() -> reqwest::Client {
    trtc_room::http_client_builder()
        .expect("client")
        .build()
        .expect("client")
}

fn client(emu: &Emulator) -> Client {
    Client::builder()
        .sdk_app_id(emu.sdk_app_id())
        .secret_key(emu.secret_key())
        .admin(emu.admin())
        .base_url(emu.base_url())
        .build()
        .expect("client")
}

async fn get(emu: &Emulator, path: &str, bearer: Option<&str>) -> (u16, String) {
    let mut req = http().get(format!("{}{path}", emu.base_url()));
    if let Some(token) = bearer {
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.expect("GET");
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap_or_default())
}

async fn post(emu: &Emulator, op: &str, body: Value, bearer: Option<&str>) -> (u16, Value) {
    let mut req = http()
        .post(format!("{}/emulator/v1/{op}", emu.base_url()))
        .body(body.to_string());
    if let Some(token) = bearer {
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.expect("POST");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON")
}

#[tokio::test]
async fn a_token_guards_the_console_and_the_control_api() {
    let emu = Emulator::start(EmulatorConfig {
        console_token: Some(TOKEN.to_owned()),
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator");
    let page = format!("{CONSOLE_PATH}?token={TOKEN}");
    for path in [
        CONSOLE_PATH,
        "/emulator/v1/state",
        "/emulator/v1/requests",
        "/emulator/v1/deliveries",
    ] {
        let (status, body) = get(&emu, path, None).await;
        assert_eq!(status, 401, "{path} without the token: {body}");
        assert!(!body.contains("Rooms"), "{path} leaked state");
        assert_eq!(get(&emu, path, Some("wrong")).await.0, 401, "{path}");
        assert_eq!(
            get(&emu, path, Some(TOKEN)).await.0,
            200,
            "{path} with Bearer"
        );
    }
    let (status, html) = get(&emu, &page, None).await;
    assert_eq!(status, 200);
    assert!(html.contains("<title>Room Emulator console</title>"));
    assert_eq!(
        get(&emu, &format!("/emulator/v1/state?token={TOKEN}"), None)
            .await
            .0,
        200
    );
    assert_eq!(
        get(&emu, "/emulator/v1/state?token=nope", None).await.0,
        401
    );

    // The control API too: nothing happens without the token.
    let fault = json!({"Command": "create_room", "ErrorCode": 100002});
    let (status, _) = post(&emu, "faults", fault.clone(), None).await;
    assert_eq!(status, 401);
    let c = client(&emu);
    c.create_room(CreateRoom::new(RoomInfo::new("free", RoomType::Conference)))
        .await
        .expect("no fault was armed without the token");
    let (status, answer) = post(&emu, "faults", fault, Some(TOKEN)).await;
    assert_eq!((status, answer["ErrorCode"].as_i64()), (200, Some(0)));
    let refused = c
        .create_room(CreateRoom::new(RoomInfo::new(
            "faulted",
            RoomType::Conference,
        )))
        .await
        .expect_err("armed with the token");
    assert_eq!(refused.service_code(), Some(100002));

    // Tencent's paths never need it (the UserSig guards them).
    assert_eq!(emu.room_count(), 1);
}

#[tokio::test]
async fn off_loopback_needs_a_token() {
    let open = EmulatorConfig {
        listen: SocketAddr::from(([0, 0, 0, 0], 0)),
        ..EmulatorConfig::default()
    };
    let refused = Emulator::start(open.clone())
        .await
        .expect_err("0.0.0.0 without a console token");
    assert_eq!(refused.kind(), std::io::ErrorKind::InvalidInput);
    assert!(refused.to_string().contains("console token"), "{refused}");
    let guarded = EmulatorConfig {
        console_token: Some(TOKEN.to_owned()),
        ..open.clone()
    };
    check_listen(&guarded).expect("a token allows any address");
    let empty = EmulatorConfig {
        console_token: Some(String::new()),
        ..open
    };
    assert!(check_listen(&empty).is_err(), "an empty token is no token");
    check_listen(&EmulatorConfig::default()).expect("loopback needs none");
    for ipv6 in ["[::1]:0", "[::]:0"] {
        let config = EmulatorConfig {
            listen: ipv6.parse().unwrap(),
            ..EmulatorConfig::default()
        };
        assert_eq!(check_listen(&config).is_ok(), ipv6 == "[::1]:0", "{ipv6}");
    }

    // The binary's options: the same rule.
    let args = |list: &[&str]| {
        list.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .into_iter()
    };
    let err = trtc_room_emulator::process::parse(args(&["--listen", "0.0.0.0:9080"]));
    // (Unless the environment gives a token.)
    if std::env::var_os(trtc_room_emulator::console::TOKEN_ENV).is_none() {
        assert!(err.unwrap_err().contains("console token"));
    }
    let cfg = trtc_room_emulator::process::parse(args(&[
        "--listen",
        "0.0.0.0:9080",
        "--console-token",
        TOKEN,
    ]))
    .expect("parses")
    .expect("a config");
    assert_eq!(cfg.console_token.as_deref(), Some(TOKEN));
    assert!(!format!("{cfg:?}").contains(TOKEN), "Debug shows the token");
}

#[tokio::test]
async fn the_logs_show_calls_and_deliveries_without_secrets() {
    let emu = Emulator::start(EmulatorConfig {
        callback_token: Some("webhook-secret".into()),
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator");
    let c = client(&emu);
    // A receiver that refuses, so the log shows its answer.
    let app = axum::Router::new().fallback(|| async {
        (
            axum::http::StatusCode::FORBIDDEN,
            "{\"ErrorCode\":1,\"ErrorInfo\":\"go away\"}",
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    c.set_callback(SetCallback::new(
        hook.clone(),
        vec![CallbackCommand::AfterCreateRoom],
    ))
    .await
    .expect("set_callback");
    c.create_room(CreateRoom::new(RoomInfo::new(
        "logged",
        RoomType::Conference,
    )))
    .await
    .expect("create_room");
    let _ = c
        .create_room(CreateRoom::new(RoomInfo::new(
            "logged",
            RoomType::Conference,
        )))
        .await
        .expect_err("exists");

    let (_, text) = get(&emu, "/emulator/v1/requests", None).await;
    let log = json(&text);
    let list = log["Requests"].as_array().expect("list");
    assert_eq!(list.len(), 3, "{log}");
    assert_eq!(list[0]["Command"], "create_room");
    assert_eq!(list[0]["ErrorCode"], 100010, "{}", list[0]);
    assert_eq!(list[1]["ErrorCode"], 0);
    assert!(list[1]["RequestId"].as_str().unwrap().starts_with("Id-"));
    assert_eq!(list[1]["Request"]["RoomInfo"]["RoomId"], "logged");
    assert_eq!(list[1]["Answer"]["ErrorCode"], 0);
    assert!(list[1]["LatencyMicros"].as_u64().is_some());
    assert_eq!(log["Capacity"], LOG_CAPACITY);
    let sig = emu.user_sig(emu.admin(), 3600);
    assert!(!text.contains(&sig[..20]), "a UserSig is shown");
    assert!(text.contains("usersig=%3Credacted%3E"));

    for (query, want) in [
        ("room=logged", 2),
        ("room=other", 0),
        ("command=set_call", 1),
        ("error=only", 1),
        ("error=100010", 1),
        ("error=ok", 2),
        ("limit=1", 1),
    ] {
        let (_, text) = get(&emu, &format!("/emulator/v1/requests?{query}"), None).await;
        assert_eq!(
            json(&text)["Requests"].as_array().unwrap().len(),
            want,
            "{query}"
        );
    }

    // The delivery: refused by the receiver, its answer shown, Sign hidden.
    let deadline = Instant::now() + Duration::from_secs(10);
    let delivery = loop {
        let (_, text) = get(&emu, "/emulator/v1/deliveries", None).await;
        let v = json(&text);
        if let Some(d) = v["Deliveries"].get(0) {
            assert!(!text.contains("webhook-secret"));
            break d.clone();
        }
        assert!(Instant::now() < deadline, "no delivery logged");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(delivery["CallbackCommand"], "Room.CallbackAfterCreateRoom");
    assert_eq!(delivery["HttpStatus"], 403);
    assert_eq!(delivery["Delivered"], false);
    assert_eq!(delivery["Answer"]["ErrorInfo"], "go away");
    assert_eq!(delivery["Target"], hook.as_str());
    assert_eq!(delivery["Attempts"], 1);
    let url = delivery["Url"].as_str().unwrap();
    assert!(
        url.contains("Sign=%3Credacted%3E") && url.contains("RequestTime="),
        "{url}"
    );
    assert_eq!(delivery["Body"]["RoomInfo"]["RoomId"], "logged");

    // Sent again through the control op.
    let id = delivery["Id"].as_u64().unwrap();
    let (_, answer) = post(&emu, "resend_delivery", json!({"Id": id}), None).await;
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, text) = get(&emu, "/emulator/v1/deliveries", None).await;
        let v = json(&text);
        if v["Deliveries"].as_array().unwrap().len() == 2 {
            assert_eq!(v["Deliveries"][0]["ResendOf"], id);
            assert_eq!(v["Deliveries"][0]["HttpStatus"], 403);
            break;
        }
        assert!(Instant::now() < deadline, "no resend logged");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (_, answer) = post(&emu, "resend_delivery", json!({"Id": 999}), None).await;
    assert_eq!(answer["ErrorCode"], 100002);

    // The state endpoint.
    let (_, text) = get(&emu, "/emulator/v1/state", None).await;
    let state = json(&text);
    assert_eq!(state["Rooms"][0]["RoomId"], "logged");
    assert_eq!(state["Callback"]["Url"], hook.as_str());
    assert_eq!(state["RequestsRecorded"], 3);
}

#[tokio::test]
async fn a_dropped_connection_is_logged_without_an_answer() {
    let emu = Emulator::start(EmulatorConfig::default())
        .await
        .expect("emulator");
    let (_, answer) = post(
        &emu,
        "faults",
        json!({"Command": "create_room", "Drop": true}),
        None,
    )
    .await;
    assert_eq!(answer["ErrorCode"], 0);
    let c = client(&emu);
    let _ = c
        .create_room(CreateRoom::new(RoomInfo::new(
            "dropped",
            RoomType::Conference,
        )))
        .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, text) = get(&emu, "/emulator/v1/requests?error=only", None).await;
        let v = json(&text);
        if let Some(first) = v["Requests"].as_array().unwrap().last() {
            assert_eq!(first["HttpStatus"], Value::Null, "{first}");
            assert_eq!(first["Command"], "create_room");
            break;
        }
        assert!(Instant::now() < deadline, "the dropped call is not logged");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
