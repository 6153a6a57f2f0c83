//! The generated `<command>_all` methods follow the spec's `paging:` cursors
//! against the emulator until the list ends.

mod sdk_support;

use std::collections::BTreeSet;

use sdk_support::Setup;
use trtc_room::{BanRoomMember, GetBannedMemberList, GetRoomMemberList};

fn users(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i:02}")).collect()
}

/// Every id exactly once, and exactly the expected ones.
fn assert_complete(got: &[String], expected: &[String]) {
    let unique: BTreeSet<&String> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "duplicates in {got:?}");
    let want: BTreeSet<&String> = expected.iter().collect();
    assert_eq!(unique, want);
}

#[tokio::test]
async fn members_come_back_complete_across_pages() {
    let s = Setup::new().await;
    let members = users("member", 25);
    let refs: Vec<&str> = members.iter().map(String::as_str).collect();
    s.room_with("paged-room", 0, &refs).await;

    // one page of 10 really is partial: the loop has to follow the cursor
    let first = s
        .client
        .get_room_member_list(GetRoomMemberList::new("paged-room").count(10u32))
        .await
        .expect("first page");
    assert_eq!(first.member_list.as_ref().map(Vec::len), Some(10));
    assert!(first.next.as_deref().is_some_and(|n| !n.is_empty()));

    let all = s
        .client
        .get_room_member_list_all(GetRoomMemberList::new("paged-room").count(10u32))
        .await
        .expect("all members");
    let ids: Vec<String> = all.into_iter().map(|m| m.member_account).collect();
    assert_eq!(ids.len(), 25, "{ids:?}");
    assert_complete(&ids, &members);
}

#[tokio::test]
async fn banned_users_come_back_complete_across_pages() {
    let s = Setup::new().await;
    let banned = users("banned", 12);
    let refs: Vec<&str> = banned.iter().map(String::as_str).collect();
    s.room_with("ban-room", 0, &refs).await;
    for chunk in banned.chunks(5) {
        s.client
            .ban_room_member(BanRoomMember::new(
                "ban-room",
                chunk.iter().cloned(),
                "paging test",
                3600,
            ))
            .await
            .expect("ban");
    }

    let all = s
        .client
        .get_banned_member_list_all(GetBannedMemberList::new("ban-room").limit(5u32))
        .await
        .expect("all banned users");
    let ids: Vec<String> = all.into_iter().map(|m| m.member_account).collect();
    assert_eq!(ids.len(), 12, "{ids:?}");
    assert_complete(&ids, &banned);
}

#[tokio::test]
async fn an_empty_list_is_empty() {
    let s = Setup::new().await;
    s.room("quiet-room", 0).await;

    let banned = s
        .client
        .get_banned_member_list_all(GetBannedMemberList::new("quiet-room").limit(5u32))
        .await
        .expect("banned list");
    assert!(banned.is_empty(), "{banned:?}");

    // the emulator starts a room with no members; entering is separate
    let members = s
        .client
        .get_room_member_list_all(GetRoomMemberList::new("quiet-room").count(10u32))
        .await
        .expect("member list");
    assert!(members.is_empty(), "{members:?}");
}
