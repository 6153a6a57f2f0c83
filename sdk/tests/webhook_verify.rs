//! Webhook query parsing, Sign computation and verification refusals.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use trtc_room::webhook::{
    self, compute_sign, OptPlatform, WebhookError, WebhookQuery, WebhookVerifier,
};

const APP: u64 = 1_400_000_000;
const TOKEN: &str = "xxxxyyyy";

/// The `callback_sign` vectors of the reference material (the first is the
/// example printed in Tencent's webhook overview).
const VECTORS: &[(&str, u64, &str)] = &[
    (
        "xxxxyyyy",
        1_669_872_112,
        "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061",
    ),
    (
        "kdjsgjdskgjwejsdkkjgkjfklgjdfkjhnkdfhjgkglasdjkfjsekdhgjfsdhgsdjgkdjskgjfhjdfkjgsfdkjgeljsfkjsdkgdfkhgdfjgksdjfsdkjfksdgskhgssss",
        1_700_000_000,
        "e1d4cd03caa5047100e3c859b1820d141f87cdb5bd3f02e78fe7ed58461485aa",
    ),
    (
        "t0ken-\u{5bc6}\u{94a5}",
        1_767_225_600,
        "c33542acf43fbc33f41e2fc966692ed803e8c2cebeec3b769d91fe961d7baab2",
    ),
];

fn at(unix: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix)
}

fn signed_query(app: u64, token: &str, request_time: u64) -> WebhookQuery {
    WebhookQuery::new(app, "Room.CallbackAfterDestroyRoom")
        .client_ip("10.0.0.1")
        .opt_platform(OptPlatform::RestApi)
        .signed(token, request_time)
}

#[test]
fn sign_vectors() {
    for (token, time, sign) in VECTORS {
        assert_eq!(
            compute_sign(token, &time.to_string()),
            *sign,
            "token {token:?}"
        );
        let query = WebhookQuery::new(APP, "Room.CallbackAfterDestroyRoom").signed(token, *time);
        assert_eq!(query.sign.as_deref(), Some(*sign));
        assert_eq!(query.request_time, Some(time.to_string()));
    }
}

#[test]
fn vectors_verify_against_a_receiver() {
    for (token, time, sign) in VECTORS {
        let raw = format!(
            "SdkAppid={APP}&CallbackCommand=Room.CallbackAfterCreateRoom&contenttype=json\
             &ClientIP=1.2.3.4&OptPlatform=RESTAPI&RequestTime={time}&Sign={sign}"
        );
        let query = WebhookQuery::parse(&raw).expect("parse");
        let verifier = WebhookVerifier::new(APP).with_token(*token);
        verifier
            .verify_at(&query, at(*time + 30))
            .expect("documented vector verifies");
        // The same vector under another token is refused.
        let other = WebhookVerifier::new(APP).with_token(format!("{token}x"));
        assert!(matches!(
            other.verify_at(&query, at(*time)),
            Err(WebhookError::SignMismatch)
        ));
    }
}

#[test]
fn parses_documented_query_parameters() {
    let raw = "?SdkAppid=1400000000&CallbackCommand=Mic.CallbackAfterSeatInfoChanged\
               &contenttype=json&ClientIP=192.168.0.7&OptPlatform=IOS&Extra=a%20b";
    let query = WebhookQuery::parse(raw).expect("parse");
    assert_eq!(query.sdk_app_id, APP);
    assert_eq!(
        query.command.as_deref(),
        Some("Mic.CallbackAfterSeatInfoChanged")
    );
    assert_eq!(query.content_type.as_deref(), Some("json"));
    assert_eq!(query.client_ip.as_deref(), Some("192.168.0.7"));
    assert_eq!(query.opt_platform, Some(OptPlatform::Ios));
    assert_eq!(query.request_time, None);
    assert_eq!(query.sign, None);
    assert_eq!(query.extra, vec![("Extra".to_owned(), "a b".to_owned())]);
}

#[test]
fn accepts_live_overview_spellings() {
    let query = WebhookQuery::parse("SdkAppId=7&WebhookCommand=Room.CallbackAfterMemberEnter")
        .expect("parse");
    assert_eq!(query.sdk_app_id, 7);
    assert_eq!(
        query.command.as_deref(),
        Some("Room.CallbackAfterMemberEnter")
    );
}

#[test]
fn unknown_platform_is_kept() {
    let query = WebhookQuery::parse("SdkAppid=7&OptPlatform=HarmonyOS").expect("parse");
    assert_eq!(
        query.opt_platform,
        Some(OptPlatform::Other("HarmonyOS".to_owned()))
    );
    assert_eq!(OptPlatform::from_wire("restapi"), OptPlatform::RestApi);
}

#[test]
fn query_string_round_trips() {
    let query = signed_query(APP, TOKEN, 1_669_872_112);
    let text = query.to_query_string();
    assert!(text.starts_with("SdkAppid=1400000000&CallbackCommand=Room.CallbackAfterDestroyRoom"));
    assert!(text.contains("&OptPlatform=RESTAPI&RequestTime=1669872112&Sign=17773bc3"));
    assert_eq!(WebhookQuery::parse(&text).expect("parse"), query);
}

#[test]
fn query_refusals() {
    assert!(matches!(
        WebhookQuery::parse("CallbackCommand=Room.CallbackAfterDestroyRoom"),
        Err(WebhookError::MissingParameter("SdkAppid"))
    ));
    assert!(matches!(
        WebhookQuery::parse("SdkAppid=-5"),
        Err(WebhookError::MalformedSdkAppId { .. })
    ));
    assert!(matches!(
        WebhookQuery::parse("SdkAppid=1&SdkAppId=2"),
        Err(WebhookError::ConflictingParameter("SdkAppid"))
    ));
    // A repeated identical value is harmless.
    assert!(WebhookQuery::parse("SdkAppid=1&SdkAppid=1").is_ok());
}

#[test]
fn accepts_a_fresh_signed_delivery() {
    let verifier = WebhookVerifier::new(APP).with_token(TOKEN);
    let query = signed_query(APP, TOKEN, 1_700_000_000);
    for now in [1_700_000_000 - 60, 1_700_000_000, 1_700_000_000 + 60] {
        verifier.verify_at(&query, at(now)).expect("within window");
    }
}

#[test]
fn uppercase_sign_is_accepted() {
    let verifier = WebhookVerifier::new(APP).with_token(TOKEN);
    let mut query = signed_query(APP, TOKEN, 1_700_000_000);
    query.sign = query.sign.map(|s| s.to_ascii_uppercase());
    verifier
        .verify_at(&query, at(1_700_000_000))
        .expect("hex case-insensitive");
}

#[test]
fn refuses_forged_sign() {
    let verifier = WebhookVerifier::new(APP).with_token(TOKEN);
    let query = signed_query(APP, "not-the-token", 1_700_000_000);
    let err = verifier.verify_at(&query, at(1_700_000_000)).unwrap_err();
    assert!(matches!(err, WebhookError::SignMismatch), "{err:?}");
    assert_eq!(err.http_status(), 401);

    // A valid Sign for another RequestTime does not carry over.
    let mut query = signed_query(APP, TOKEN, 1_700_000_000);
    query.request_time = Some("1700000001".to_owned());
    assert!(matches!(
        verifier.verify_at(&query, at(1_700_000_000)),
        Err(WebhookError::SignMismatch)
    ));
}

#[test]
fn refuses_stale_and_future_request_time() {
    let verifier = WebhookVerifier::new(APP).with_token(TOKEN);
    let query = signed_query(APP, TOKEN, 1_700_000_000);
    match verifier.verify_at(&query, at(1_700_000_061)) {
        Err(WebhookError::RequestTimeOutOfWindow {
            skew_seconds,
            max_skew_seconds,
        }) => {
            assert_eq!(skew_seconds, 61);
            assert_eq!(max_skew_seconds, 60);
        }
        other => panic!("expected a stale refusal, got {other:?}"),
    }
    assert!(matches!(
        verifier.verify_at(&query, at(1_699_999_939)),
        Err(WebhookError::RequestTimeOutOfWindow {
            skew_seconds: -61,
            ..
        })
    ));
}

#[test]
fn max_skew_is_configurable() {
    let query = signed_query(APP, TOKEN, 1_700_000_000);
    let strict = WebhookVerifier::new(APP)
        .with_token(TOKEN)
        .with_max_skew(Duration::from_secs(5));
    assert!(strict.verify_at(&query, at(1_700_000_005)).is_ok());
    assert!(matches!(
        strict.verify_at(&query, at(1_700_000_006)),
        Err(WebhookError::RequestTimeOutOfWindow { .. })
    ));
    let lenient = WebhookVerifier::new(APP)
        .with_token(TOKEN)
        .with_max_skew(Duration::from_secs(600));
    assert!(lenient.verify_at(&query, at(1_700_000_600)).is_ok());
}

#[test]
fn refuses_foreign_sdk_app_id() {
    let query = signed_query(APP + 1, TOKEN, 1_700_000_000);
    for verifier in [
        WebhookVerifier::new(APP),
        WebhookVerifier::new(APP).with_token(TOKEN),
    ] {
        match verifier.verify_at(&query, at(1_700_000_000)) {
            Err(WebhookError::ForeignSdkAppId { expected, received }) => {
                assert_eq!(expected, APP);
                assert_eq!(received, APP + 1);
            }
            other => panic!("expected a foreign-app refusal, got {other:?}"),
        }
    }
}

#[test]
fn refuses_missing_or_malformed_sign_and_time_when_token_is_set() {
    let verifier = WebhookVerifier::new(APP).with_token(TOKEN);
    let now = at(1_700_000_000);
    let unsigned = WebhookQuery::new(APP, "Room.CallbackAfterDestroyRoom");
    assert!(matches!(
        verifier.verify_at(&unsigned, now),
        Err(WebhookError::MissingSign)
    ));

    let mut no_time = signed_query(APP, TOKEN, 1_700_000_000);
    no_time.request_time = None;
    assert!(matches!(
        verifier.verify_at(&no_time, now),
        Err(WebhookError::MissingRequestTime)
    ));

    let mut short_sign = signed_query(APP, TOKEN, 1_700_000_000);
    short_sign.sign = Some("abc123".to_owned());
    assert!(matches!(
        verifier.verify_at(&short_sign, now),
        Err(WebhookError::MalformedSign)
    ));

    let mut not_hex = signed_query(APP, TOKEN, 1_700_000_000);
    not_hex.sign = Some("z".repeat(64));
    assert!(matches!(
        verifier.verify_at(&not_hex, now),
        Err(WebhookError::MalformedSign)
    ));

    for bad_time in [
        "",
        "+1700000000",
        "1700000000.5",
        "soon",
        "99999999999999999999999",
    ] {
        let mut query = WebhookQuery::new(APP, "Room.CallbackAfterDestroyRoom");
        query.sign = Some(compute_sign(TOKEN, bad_time));
        query.request_time = Some(bad_time.to_owned());
        assert!(
            matches!(
                verifier.verify_at(&query, now),
                Err(WebhookError::MalformedRequestTime)
            ),
            "RequestTime {bad_time:?}"
        );
    }
}

#[test]
fn without_token_only_the_app_id_is_checked() {
    let verifier = WebhookVerifier::new(APP);
    assert!(!verifier.requires_sign());
    let query = WebhookQuery::new(APP, "Room.CallbackAfterDestroyRoom");
    assert!(verifier.verify_at(&query, at(0)).is_ok());
}

#[test]
fn token_never_shown() {
    let token = "super-secret-token-value";
    let verifier = WebhookVerifier::new(APP).with_token(token);
    assert!(!format!("{verifier:?}").contains(token));
    assert!(!format!("{verifier:#?}").contains(token));

    let forged = signed_query(APP, "other", 1_700_000_000);
    let honest = signed_query(APP, token, 1_700_000_000);
    let errors = [
        verifier.verify_at(&forged, at(1_700_000_000)).unwrap_err(),
        verifier.verify_at(&honest, at(1_800_000_000)).unwrap_err(),
    ];
    for err in &errors {
        let (_, body) = webhook::refusal(err);
        for text in [
            err.to_string(),
            format!("{err:?}"),
            String::from_utf8_lossy(&body).into_owned(),
        ] {
            assert!(!text.contains(token), "{text}");
        }
    }
    // The received Sign is not shown by Debug either.
    let sign = honest.sign.clone().expect("signed");
    assert!(!format!("{honest:?}").contains(&sign));
}

#[test]
fn replies() {
    let ack: serde_json::Value = serde_json::from_slice(webhook::ack()).expect("json");
    assert_eq!(ack, webhook::ack_value());
    assert_eq!(
        ack,
        serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0})
    );

    let (status, body) = webhook::refusal(&WebhookError::SignMismatch);
    assert_eq!(status, 401);
    let fail: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(fail["ActionStatus"], "FAIL");
    assert_eq!(fail["ErrorCode"], webhook::FAIL_ERROR_CODE);
    assert_eq!(fail["ErrorInfo"], WebhookError::SignMismatch.to_string());

    let (status, _) = webhook::refusal(&WebhookError::MissingParameter("SdkAppid"));
    assert_eq!(status, 400);
}

#[test]
fn an_empty_token_is_refused() {
    assert!(matches!(
        WebhookVerifier::new(APP).try_with_token(""),
        Err(WebhookError::EmptyToken)
    ));
    assert!(WebhookVerifier::new(APP).try_with_token(TOKEN).is_ok());
    // Set anyway: every delivery is refused, even one correctly signed
    // with the empty token (anyone can compute that Sign).
    let verifier = WebhookVerifier::new(APP).with_token("");
    assert!(verifier.requires_sign());
    let query = signed_query(APP, "", 1_700_000_000);
    let err = verifier.verify_at(&query, at(1_700_000_000)).unwrap_err();
    assert!(matches!(err, WebhookError::EmptyToken), "{err:?}");
    assert!(err.is_authentication_failure());
    assert_eq!(err.http_status(), 401);
}

#[test]
fn bodies_over_the_limit_are_refused_unparsed() {
    let body = br#"{"CallbackCommand":"Room.CallbackAfterDestroyRoom","RoomId":"r","EventTime":1}"#;
    let query = signed_query(APP, TOKEN, 1_700_000_000).to_query_string();
    let verifier = WebhookVerifier::new(APP).with_token(TOKEN);
    assert_eq!(verifier.max_body(), trtc_room::webhook::DEFAULT_MAX_BODY);
    assert!(verifier.receive_at(&query, body, at(1_700_000_000)).is_ok());

    // Over the default limit: refused before any parsing (the body is not
    // even JSON).
    let huge = vec![b'['; trtc_room::webhook::DEFAULT_MAX_BODY + 1];
    match verifier.receive_at(&query, &huge, at(1_700_000_000)) {
        Err(e @ WebhookError::BodyTooLarge { size, limit }) => {
            assert_eq!(size, huge.len());
            assert_eq!(limit, trtc_room::webhook::DEFAULT_MAX_BODY);
            assert_eq!(e.http_status(), 413);
        }
        other => panic!("{other:?}"),
    }
    // Configurable.
    let small = verifier.clone().with_max_body(body.len() - 1);
    assert!(matches!(
        small.receive_at(&query, body, at(1_700_000_000)),
        Err(WebhookError::BodyTooLarge { .. })
    ));
}
