//! A small application and its unit tests, written against the test double
//! (`trtc_room::mock`, feature `test-util`): what an app team would write.

/// The application: a "meeting desk" that opens meetings for users and
/// reports who is in them. It uses the concrete `Client`, unchanged in tests.
mod desk {
    use trtc_room::{
        AccountImport, Client, CreateRoom, DestroyRoom, Error, ErrorCode, GetRoomMemberList,
        RoomInfo, RoomType,
    };

    #[derive(Debug, PartialEq)]
    pub enum DeskError {
        /// The service is busy; the caller should try later.
        Busy,
        /// Anything else, with the service's request id when there is one.
        Failed(String),
    }

    impl From<Error> for DeskError {
        fn from(e: Error) -> Self {
            if e.is_rate_limited() {
                DeskError::Busy
            } else {
                DeskError::Failed(format!("{e} (request id {:?})", e.request_id()))
            }
        }
    }

    pub struct Desk {
        pub client: Client,
    }

    impl Desk {
        /// Makes sure the host's account exists, then opens a meeting they own.
        pub async fn open(&self, host: &str, meeting: &str) -> Result<(), DeskError> {
            self.client.account_import(AccountImport::new(host)).await?;
            let room = RoomInfo::new(meeting, RoomType::Conference)
                .owner_account(host)
                .max_member_count(50);
            self.client.create_room(CreateRoom::new(room)).await?;
            Ok(())
        }

        /// Who is in the meeting, across all pages; `None` when it does not exist.
        pub async fn attendees(&self, meeting: &str) -> Result<Option<Vec<String>>, DeskError> {
            let request = GetRoomMemberList::new(meeting).count(2);
            match self.client.get_room_member_list_all(request).await {
                Ok(members) => Ok(Some(
                    members.into_iter().map(|m| m.member_account).collect(),
                )),
                Err(Error::Service {
                    code: ErrorCode::RoomNotFound,
                    ..
                }) => Ok(None),
                Err(e) => Err(e.into()),
            }
        }

        /// Closes a meeting; closing one that is already gone is fine.
        pub async fn close(&self, meeting: &str) -> Result<(), DeskError> {
            match self.client.destroy_room(DestroyRoom::new(meeting)).await {
                Ok(_)
                | Err(Error::Service {
                    code: ErrorCode::RoomNotFound,
                    ..
                }) => Ok(()),
                Err(e) => Err(e.into()),
            }
        }
    }
}

use desk::{Desk, DeskError};
use trtc_room::mock::MockRoom;
use trtc_room::{
    AccountImport, AccountImportResponse, CallInfo, CreateRoom, CreateRoomResponse, DestroyRoom,
    Error, ErrorCode, GetRoomMemberList, GetRoomMemberListResponse, RoomMember,
};

fn desk(mock: &MockRoom) -> Desk {
    Desk {
        client: mock.client(),
    }
}

#[tokio::test]
async fn opening_imports_the_host_then_creates_their_room() {
    let mock = MockRoom::new();
    mock.reply::<AccountImport>(AccountImportResponse::new())
        .reply::<CreateRoom>(CreateRoomResponse::new());

    desk(&mock).open("alice", "standup").await.expect("opened");

    let sent = mock.sent();
    let order: Vec<&str> = sent.iter().map(|s| s.command.as_str()).collect();
    assert_eq!(order, ["account_import", "create_room"]);
    assert_eq!(mock.requests::<AccountImport>()[0].user_id, "alice");
    let created = &mock.requests::<CreateRoom>()[0].room_info;
    assert_eq!(created.room_id, "standup");
    assert_eq!(created.owner_account.as_deref(), Some("alice"));
    assert_eq!(created.max_member_count, Some(50));
}

#[tokio::test]
async fn a_failed_import_stops_before_creating_the_room() {
    let mock = MockRoom::new();
    mock.fail::<AccountImport>(ErrorCode::RateLimited)
        .reply::<CreateRoom>(CreateRoomResponse::new());

    let got = desk(&mock).open("alice", "standup").await;

    assert_eq!(got, Err(DeskError::Busy));
    assert!(mock.requests::<CreateRoom>().is_empty());
}

#[tokio::test]
async fn attendees_are_collected_across_pages() {
    let mock = MockRoom::new();
    mock.on::<GetRoomMemberList>(|req| {
        Ok(match req.next.as_deref() {
            None => GetRoomMemberListResponse::new()
                .member_list([RoomMember::new("alice"), RoomMember::new("bob")])
                .next("page-2"),
            Some("page-2") => {
                GetRoomMemberListResponse::new().member_list([RoomMember::new("carol")])
            }
            Some(other) => panic!("unexpected cursor {other}"),
        })
    });

    let got = desk(&mock).attendees("standup").await.expect("listed");

    assert_eq!(
        got,
        Some(vec!["alice".into(), "bob".into(), "carol".into()])
    );
    let cursors: Vec<Option<String>> = mock
        .requests::<GetRoomMemberList>()
        .into_iter()
        .map(|r| r.next)
        .collect();
    assert_eq!(cursors, [None, Some("page-2".into())]);
}

#[tokio::test]
async fn a_missing_meeting_has_no_attendees_and_closes_cleanly() {
    let mock = MockRoom::new();
    mock.fail::<GetRoomMemberList>(ErrorCode::RoomNotFound)
        .fail::<DestroyRoom>(ErrorCode::RoomNotFound);

    let desk = desk(&mock);
    assert_eq!(desk.attendees("gone").await, Ok(None));
    assert_eq!(desk.close("gone").await, Ok(()));
}

#[tokio::test]
async fn other_service_errors_reach_the_caller_with_their_request_id() {
    let mock = MockRoom::new();
    // A hand-built error, as the service would report it.
    mock.on::<DestroyRoom>(|_| {
        Err(Error::service(
            CallInfo::of::<DestroyRoom>(),
            ErrorCode::PermissionDenied,
            "not the owner",
            Some("req-42".into()),
        ))
    });

    match desk(&mock).close("standup").await {
        Err(DeskError::Failed(msg)) => {
            assert!(msg.contains("not the owner"), "{msg}");
            assert!(msg.contains("req-42"), "{msg}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test]
async fn invalid_requests_are_refused_before_reaching_the_mock() {
    let mock = MockRoom::new();
    mock.reply::<AccountImport>(AccountImportResponse::new())
        .reply::<CreateRoom>(CreateRoomResponse::new());

    // RoomId is limited to 48 bytes: the client refuses it as it would for real.
    let got = desk(&mock).open("alice", &"x".repeat(49)).await;

    assert!(
        matches!(got, Err(DeskError::Failed(ref m)) if m.contains("RoomId")),
        "{got:?}"
    );
    assert_eq!(mock.requests::<CreateRoom>().len(), 0);
}
