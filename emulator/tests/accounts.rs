//! The Chat account commands through the SDK `Client` against the emulator:
//! per-account outcomes, limits checked before sending, kick revocation,
//! online status and `require_imported_accounts`.

use std::time::Duration;

use trtc_room::client::ProviderFuture;
use trtc_room::{
    AccountCheck, AccountDelete, AccountImport, AccountRef, AccountStatus, Client, CreateRoom,
    Error, ErrorCode, IssuedUserSig, Kick, MultiaccountImport, OnlineDetail, OnlineState,
    QueryOnlineStatus, RetryPolicy, RoomInfo, RoomType, UserSigProvider,
};
use trtc_room_emulator::{Emulator, EmulatorConfig, Fault};

/// A fault code no command answers: still pending = no request arrived.
const MARKER: i64 = 99_999;

async fn emulator(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("start the emulator")
}

fn retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(2)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(2))
        .jitter(false)
        .deadline(Some(Duration::from_secs(30)))
}

fn client(emu: &Emulator) -> Client {
    Client::builder()
        .sdk_app_id(emu.sdk_app_id())
        .secret_key(emu.secret_key())
        .admin(emu.admin())
        .base_url(emu.base_url())
        .retry_policy(retries())
        .build()
        .expect("build the client")
}

fn refs(ids: &[&str]) -> Vec<AccountRef> {
    ids.iter().map(|id| AccountRef::new(*id)).collect()
}

/// `(UserID, AccountStatus)` of every item of an account_check answer,
/// asserting each check itself succeeded.
async fn check(client: &Client, ids: &[&str]) -> Vec<(String, AccountStatus)> {
    let reply = client
        .account_check(AccountCheck::new(refs(ids)))
        .await
        .expect("account_check");
    reply
        .result_item
        .iter()
        .flatten()
        .map(|r| {
            assert_eq!(r.result_code, 0, "check failed for {}", r.user_id);
            let status = r.account_status.clone().expect("AccountStatus present");
            (r.user_id.clone(), status)
        })
        .collect()
}

fn service_code<T: std::fmt::Debug>(result: Result<trtc_room::Reply<T>, Error>) -> ErrorCode {
    match result {
        Err(Error::Service { code, .. }) => code,
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[tokio::test]
async fn one_bad_id_among_good_ones_is_a_typed_per_account_failure() {
    let emu = emulator(EmulatorConfig::default()).await;
    let client = client(&emu);
    // The SDK refuses "Zoë" (not printable ASCII) before sending ...
    assert!(matches!(
        client
            .multiaccount_import(MultiaccountImport::new().accounts(["Zoë"]))
            .await,
        Err(Error::InvalidRequest(_))
    ));
    // ... but a client without that check (another language, call_raw)
    // reaches the service, which refuses it per account inside a
    // successful answer.
    let reply = client
        .call_raw(
            "im_open_login_svc",
            "multiaccount_import",
            &serde_json::json!({ "AccountList": [
                { "UserID": "alice", "Nick": "Alice" },
                { "UserID": "Zoë" },
                { "UserID": "bob" },
            ]}),
        )
        .await
        .expect("the call as a whole succeeds");
    // The Chat services answer without RequestId; the SDK accepts that.
    assert_eq!(reply.request_id(), None);
    let typed: trtc_room::MultiaccountImportResponse =
        serde_json::from_value(reply.into_inner()).expect("the answer decodes");
    assert_eq!(
        typed.fail_accounts.as_deref().unwrap_or_default(),
        ["Zoë".to_owned()]
    );
    assert_eq!(
        check(&client, &["alice", "bob"]).await,
        vec![
            ("alice".to_owned(), AccountStatus::Imported),
            ("bob".to_owned(), AccountStatus::Imported),
        ]
    );
}

#[tokio::test]
async fn more_than_100_accounts_is_refused_before_sending() {
    let emu = emulator(EmulatorConfig::default()).await;
    let client = client(&emu);
    for command in [
        "multiaccount_import",
        "account_delete",
        "query_online_status",
    ] {
        emu.inject_fault(Fault::error_code(MARKER).command(command));
    }
    let ids: Vec<String> = (0..101).map(|i| format!("user_{i}")).collect();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();

    let err = client
        .multiaccount_import(MultiaccountImport::new().accounts(ids.clone()))
        .await
        .expect_err("101 accounts are too many");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(err.to_string().contains("Accounts"), "{err}");

    let err = client
        .account_delete(AccountDelete::new(refs(&id_refs)))
        .await
        .expect_err("101 accounts are too many");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");

    let many: Vec<String> = (0..501).map(|i| format!("user_{i}")).collect();
    let err = client
        .query_online_status(QueryOnlineStatus::new(many))
        .await
        .expect_err("501 accounts are too many");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");

    // 100 is fine (and the marker answers it, proving nothing came before).
    for (service, command) in [
        ("im_open_login_svc", "multiaccount_import"),
        ("im_open_login_svc", "account_delete"),
        ("openim", "query_online_status"),
    ] {
        let err = client
            .call_raw(service, command, &serde_json::json!({}))
            .await
            .expect_err("the marker fault answers");
        assert_eq!(
            err.service_code(),
            Some(MARKER),
            "a request of {command} reached the emulator before: {err}"
        );
    }
    let reply = client
        .multiaccount_import(MultiaccountImport::new().accounts(ids[..100].to_vec()))
        .await
        .expect("100 accounts are allowed");
    assert!(reply
        .fail_accounts
        .as_deref()
        .unwrap_or_default()
        .is_empty());
}

#[tokio::test]
async fn delete_reports_each_account_and_check_follows() {
    let emu = emulator(EmulatorConfig::default()).await;
    let client = client(&emu);
    client
        .account_import(AccountImport::new("dave").nick("Dave"))
        .await
        .expect("account_import");
    // Importing again is harmless.
    client
        .account_import(AccountImport::new("dave"))
        .await
        .expect("account_import again");
    let reply = client
        .account_delete(AccountDelete::new(refs(&["dave", "ghost"])))
        .await
        .expect("the call as a whole succeeds");
    let items = reply.result_item.as_deref().unwrap_or_default();
    let outcome: Vec<(&str, i64)> = items
        .iter()
        .map(|r| (r.user_id.as_str(), r.result_code))
        .collect();
    assert_eq!(outcome, [("dave", 0), ("ghost", 70_107)]);
    assert_eq!(
        items[1].result_info.as_deref(),
        Some("Err_TLS_PT_Open_Login_Account_Not_Exist")
    );
    assert_eq!(
        ErrorCode::from_code(items[1].result_code),
        ErrorCode::AccountNotImported
    );
    assert_eq!(
        check(&client, &["dave"]).await,
        vec![("dave".to_owned(), AccountStatus::NotImported)]
    );
}

/// Signs admin sigs as if issued `ahead` seconds from now: a sig issued after
/// a kick, without waiting for the clock.
struct LaterSigner {
    key: trtc_room::usersig::SigningKey,
    ahead: u64,
}

impl UserSigProvider for LaterSigner {
    fn user_sig<'a>(&'a self, identifier: &'a str) -> ProviderFuture<'a> {
        Box::pin(async move {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default()
                + self.ahead;
            let sig = self.key.generate_at(identifier, 3600, now)?;
            Ok(IssuedUserSig::new(sig, now + 3600))
        })
    }
}

#[tokio::test]
async fn kicking_the_admin_revokes_its_earlier_usersigs() {
    let emu = emulator(EmulatorConfig::default()).await;
    let client = client(&emu);
    // A kick of an account that does not exist fails.
    assert_eq!(
        service_code(client.kick(Kick::new("ghost")).await),
        ErrorCode::AccountNotImported
    );
    // Kicking an ordinary user is accepted.
    client
        .account_import(AccountImport::new("erin"))
        .await
        .expect("import");
    client.kick(Kick::new("erin")).await.expect("kick erin");
    // The client's cached sig still works: only erin's sigs were revoked.
    client
        .account_check(AccountCheck::new(refs(&["erin"])))
        .await
        .expect("admin sig still valid");

    // Kick the admin itself: the sig this client cached is now refused.
    client
        .kick(Kick::new(emu.admin()))
        .await
        .expect("kick the admin");
    assert_eq!(
        service_code(
            client
                .account_check(AccountCheck::new(refs(&["erin"])))
                .await
        ),
        ErrorCode::UserSigNoLongerValid
    );
    // A sig issued after the kick is accepted.
    let fresh = Client::builder()
        .sdk_app_id(emu.sdk_app_id())
        .admin(emu.admin())
        .user_sig_provider(LaterSigner {
            key: trtc_room::usersig::SigningKey::new(emu.sdk_app_id(), emu.secret_key()),
            ahead: 2,
        })
        .base_url(emu.base_url())
        .retry_policy(retries())
        .build()
        .expect("build the client");
    fresh
        .account_check(AccountCheck::new(refs(&["erin"])))
        .await
        .expect("a sig issued after the kick works");
}

#[tokio::test]
async fn online_status_follows_room_membership() {
    let emu = emulator(EmulatorConfig::default()).await;
    let client = client(&emu);
    client
        .multiaccount_import(MultiaccountImport::new().accounts(["frank", "grace"]))
        .await
        .expect("import");
    client
        .create_room(CreateRoom::new(RoomInfo::new("r1", RoomType::Conference)))
        .await
        .expect("create_room");
    emu.enter_room("r1", "frank").expect("frank enters");

    let reply = client
        .query_online_status(
            QueryOnlineStatus::new(["frank", "grace", "ghost"])
                .is_need_detail(OnlineDetail::Include),
        )
        .await
        .expect("the call as a whole succeeds");
    let states: Vec<(&str, &OnlineState)> = reply
        .query_result
        .iter()
        .flatten()
        .map(|r| (r.to_account.as_str(), &r.state))
        .collect();
    assert_eq!(
        states,
        [
            ("frank", &OnlineState::Online),
            ("grace", &OnlineState::Offline)
        ]
    );
    let errors: Vec<(&str, i64)> = reply
        .error_list
        .iter()
        .flatten()
        .map(|e| (e.to_account.as_str(), e.error_code))
        .collect();
    assert_eq!(errors, [("ghost", 70_107)]);

    emu.leave_room("r1", "frank").expect("frank leaves");
    let reply = client
        .query_online_status(QueryOnlineStatus::new(["frank"]))
        .await
        .expect("query");
    let first = reply.query_result.as_deref().unwrap_or_default();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].state, OnlineState::Offline);
}

#[tokio::test]
async fn require_imported_accounts_refuses_unknown_room_accounts() {
    let emu = emulator(EmulatorConfig {
        require_imported_accounts: true,
        ..EmulatorConfig::default()
    })
    .await;
    let client = client(&emu);
    let room = || CreateRoom::new(RoomInfo::new("r2", RoomType::Conference).owner_account("henry"));
    assert_eq!(
        service_code(client.create_room(room()).await),
        ErrorCode::AccountNotImported
    );
    client
        .account_import(AccountImport::new("henry"))
        .await
        .expect("import");
    client
        .create_room(room())
        .await
        .expect("owner imported now");
    let err = emu
        .enter_room("r2", "ivy")
        .expect_err("ivy was not imported");
    assert_eq!(err.code, 70_107);
    emu.enter_room("r2", "henry").expect("henry enters");

    // Off (the default), rooms work without importing.
    let relaxed = emulator(EmulatorConfig::default()).await;
    client_for_default(&relaxed).await;
}

async fn client_for_default(emu: &Emulator) {
    client(emu)
        .create_room(CreateRoom::new(
            RoomInfo::new("r3", RoomType::Conference).owner_account("nobody"),
        ))
        .await
        .expect("accounts are not required by default");
}
