//! Paged listings as a stream of pages, against the test double.

use trtc_room::mock::MockRoom;
use trtc_room::{BannedMember, Error, ErrorCode, GetBannedMemberList, GetBannedMemberListResponse};

/// Serves pages of two banned members at offsets 0, 2 and 4 (the last one
/// ends the list with offset 0), recording nothing else.
fn three_pages(mock: &MockRoom) {
    mock.on::<GetBannedMemberList>(|req| {
        let offset = req.offset.unwrap_or(0);
        let ids: &[&str] = match offset {
            0 => &["a", "b"],
            2 => &["c", "d"],
            _ => &["e"],
        };
        let next = if offset >= 4 { 0 } else { offset + 2 };
        Ok(GetBannedMemberListResponse::new()
            .banned_account_list(ids.iter().map(|id| BannedMember::new(*id)))
            .next_offset(next))
    });
}

fn offsets(mock: &MockRoom) -> Vec<Option<u64>> {
    mock.requests::<GetBannedMemberList>()
        .into_iter()
        .map(|r| r.offset)
        .collect()
}

#[tokio::test]
async fn each_page_comes_with_its_request_id() {
    let mock = MockRoom::new();
    three_pages(&mock);
    let client = mock.client();

    let mut pages = client.get_banned_member_list_pages(GetBannedMemberList::new("r"));
    let mut seen = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.expect("page");
        let ids: Vec<String> = page
            .banned_account_list
            .iter()
            .flatten()
            .map(|m| m.member_account.clone())
            .collect();
        seen.push((ids, page.request_id().map(str::to_owned)));
    }

    assert_eq!(
        seen,
        [
            (vec!["a".into(), "b".into()], Some("mock-1".into())),
            (vec!["c".into(), "d".into()], Some("mock-2".into())),
            (vec!["e".into()], Some("mock-3".into())),
        ]
    );
    assert_eq!(offsets(&mock), [None, Some(2), Some(4)]);
}

#[tokio::test]
async fn stopping_early_fetches_no_further_page() {
    let mock = MockRoom::new();
    three_pages(&mock);
    let client = mock.client();

    let mut pages = client.get_banned_member_list_pages(GetBannedMemberList::new("r"));
    let first = pages.next().await.expect("a page").expect("ok");
    assert_eq!(first.next_offset, Some(2));
    drop(pages);

    assert_eq!(offsets(&mock), [None]);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let mock = MockRoom::new();
    mock.on::<GetBannedMemberList>(|req| match req.offset {
        None => Ok(GetBannedMemberListResponse::new()
            .banned_account_list([BannedMember::new("a")])
            .next_offset(1u64)),
        Some(_) => Err(Error::service(
            trtc_room::CallInfo::of::<GetBannedMemberList>(),
            ErrorCode::RoomNotFound,
            "room not exist",
            None,
        )),
    });
    let client = mock.client();

    let mut pages = client.get_banned_member_list_pages(GetBannedMemberList::new("r"));
    assert!(pages.next().await.expect("first").is_ok());
    let err = pages.next().await.expect("second").unwrap_err();
    assert!(
        matches!(
            err,
            Error::Service {
                code: ErrorCode::RoomNotFound,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(pages.next().await.is_none());
    assert_eq!(offsets(&mock), [None, Some(1)]);
}

#[tokio::test]
async fn a_repeated_cursor_is_reported_after_its_page_and_ends_the_stream() {
    let mock = MockRoom::new();
    mock.on::<GetBannedMemberList>(|req| {
        let offset = req.offset.unwrap_or(0);
        // offset 1 points back to itself
        Ok(GetBannedMemberListResponse::new()
            .banned_account_list([BannedMember::new(format!("m{offset}"))])
            .next_offset(1u64))
    });
    let client = mock.client();

    let mut pages = client.get_banned_member_list_pages(GetBannedMemberList::new("r"));
    assert!(pages.next().await.expect("page 1").is_ok());
    assert!(pages.next().await.expect("page 2").is_ok());
    match pages.next().await {
        Some(Err(Error::RepeatedCursor {
            cursor, pages: n, ..
        })) => {
            assert_eq!(cursor, "1");
            assert_eq!(n, 2);
        }
        other => panic!("expected RepeatedCursor, got {other:?}"),
    }
    assert!(pages.next().await.is_none());
    assert_eq!(offsets(&mock), [None, Some(1)]);
}
