//! Bulk helpers against the emulator: chunking, per-item outcomes, progress.

mod sdk_support;

use std::sync::{Arc, Mutex};

use sdk_support::Setup;
use trtc_room::{
    AccountStatus, AccountToImport, GetBannedMemberList, GetRoomMemberList, ItemError,
    MarkCommandType, MemberMarks, MultiaccountImport, Progress,
};

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i}")).collect()
}

#[tokio::test]
async fn importing_checking_and_deleting_many_accounts_reports_each_one() {
    let s = Setup::new().await;
    let accounts: Vec<AccountToImport> = ids("bulk", 250)
        .into_iter()
        .map(AccountToImport::new)
        .collect();
    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let log = seen.clone();
    let report = s
        .client
        .bulk()
        .concurrency(2)
        .on_progress(move |p| log.lock().unwrap().push(*p))
        .import_accounts(accounts)
        .await;
    // 251 items in calls of the documented maximum (100).
    assert_eq!(MultiaccountImport::ACCOUNT_LIST_MAX_ITEMS, 100);
    assert_eq!(report.calls, 3);
    assert_eq!(report.items.len(), 250);
    assert_eq!(report.failed(), 0);
    assert_eq!(report.items[0].id, "bulk-0");
    assert_eq!(report.items[249].id, "bulk-249");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    let last = seen.last().unwrap();
    assert_eq!(
        (
            last.items_done,
            last.items_total,
            last.items_failed,
            last.calls_done
        ),
        (250, 250, 0, 3)
    );

    // A user ID the SDK refuses (a control character) fails its whole call
    // before anything is sent, and each item of that call says why.
    let refused = s
        .client
        .bulk()
        .import_accounts([
            AccountToImport::new("fine"),
            AccountToImport::new("bad\tid"),
        ])
        .await;
    assert_eq!((refused.calls, refused.failed()), (1, 2));
    assert!(refused.items.iter().all(|i| matches!(
        &i.result,
        Err(ItemError::Call(e)) if matches!(**e, trtc_room::Error::InvalidRequest(_))
    )));

    let mut to_check = ids("bulk", 250);
    to_check.push("never-imported".into());
    let checked = s.client.bulk().check_accounts(to_check).await;
    assert_eq!(checked.calls, 3);
    assert!(checked.all_succeeded(), "{:?}", checked.failures().next());
    assert!(checked.items[..250]
        .iter()
        .all(|i| matches!(i.result, Ok(AccountStatus::Imported))));
    assert!(matches!(
        checked.items[250].result,
        Ok(AccountStatus::NotImported)
    ));

    let deleted = s.client.bulk().delete_accounts(ids("bulk", 150)).await;
    assert_eq!((deleted.calls, deleted.failed()), (2, 0));
    let after = s.client.bulk().check_accounts(ids("bulk", 250)).await;
    let imported = after
        .items
        .iter()
        .filter(|i| matches!(i.result, Ok(AccountStatus::Imported)))
        .count();
    assert_eq!(imported, 100);
}

#[tokio::test]
async fn kicking_banning_and_marking_many_members_chunks_to_the_documented_maximum() {
    let s = Setup::new().await;
    let members = ids("m", 45);
    let refs: Vec<&str> = members.iter().map(String::as_str).collect();
    s.room_with("bulk-room", 0, &refs).await;

    let marks = members.iter().map(|m| MemberMarks::new(m.clone(), [1001]));
    let marked = s
        .client
        .bulk()
        .mark_members("bulk-room", MarkCommandType::Set, marks)
        .await;
    assert_eq!((marked.calls, marked.failed()), (5, 0));

    let banned = s
        .client
        .bulk()
        .ban_members("bulk-room", members[..25].to_vec(), "spam", 600)
        .await;
    assert_eq!((banned.calls, banned.failed()), (2, 0));
    let list = s
        .client
        .get_banned_member_list_all(GetBannedMemberList::new("bulk-room"))
        .await
        .expect("banned list");
    assert_eq!(list.len(), 25);

    let kicked = s
        .client
        .bulk()
        .concurrency(3)
        .kick_members("bulk-room", members[25..].to_vec(), "bye")
        .await;
    assert_eq!((kicked.calls, kicked.failed()), (1, 0));
    let left = s
        .client
        .get_room_member_list_all(GetRoomMemberList::new("bulk-room"))
        .await
        .expect("member list");
    assert!(left
        .iter()
        .all(|m| !members[25..].contains(&m.member_account)));

    // A whole call that fails fails each of its items with the call's error.
    let missing = s
        .client
        .bulk()
        .kick_members("no-such-room", ids("x", 30), "bye")
        .await;
    assert_eq!((missing.calls, missing.failed()), (2, 30));
    assert!(missing.items.iter().all(|i| matches!(
        &i.result,
        Err(ItemError::Call(e)) if e.service_code() == Some(100_004)
    )));
}
