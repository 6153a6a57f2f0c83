//! Members: list paging, info, roles, owner, marks, bans, kicks.

mod common;

use common::{assert_code, assert_ok, Harness};
use serde_json::{json, Value};

async fn room_with(h: &Harness, id: &str, users: &[&str]) {
    h.create_room(
        id,
        json!({"Owner_Account": "owner", "IsSeatEnabled": true, "MaxSeatCount": 4}),
    )
    .await;
    h.enter(id, users);
}

fn accounts(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m["Member_Account"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn member_list_pages_with_count_and_next() {
    let h = Harness::new().await;
    room_with(&h, "r", &["owner", "u1", "u2", "u3", "u4"]).await;
    let mut seen = Vec::new();
    let mut next = String::new();
    let mut pages = 0;
    loop {
        let v = h
            .srv(
                "get_room_member_list",
                json!({"RoomId": "r", "Count": 2, "Next": next}),
            )
            .await;
        assert_ok(&v);
        seen.extend(accounts(&v["Response"]["MemberList"]));
        next = v["Response"]["Next"].as_str().expect("Next").to_owned();
        pages += 1;
        if next.is_empty() {
            break;
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ["owner", "u1", "u2", "u3", "u4"]);
    let all = h.srv("get_room_member_list", json!({"RoomId": "r"})).await;
    assert_eq!(all["Response"]["MemberList"][0]["Role"], "Owner");
    assert_eq!(all["Response"]["MemberList"][1]["Role"], "Member");
    let bad = h
        .srv(
            "get_room_member_list",
            json!({"RoomId": "r", "Next": "garbage"}),
        )
        .await;
    assert_code(&bad, 100002);
    assert_eq!(
        h.srv("get_room_info", json!({"RoomId": "r"})).await["Response"]["RoomInfo"]["MemberCount"],
        5
    );
}

#[tokio::test]
async fn member_info_limits_and_roles() {
    let h = Harness::new().await;
    room_with(&h, "r", &["owner", "u1"]).await;
    let ok = h
        .srv("update_room_member_info", json!({"RoomId": "r", "MemberInfo": {"Member_Account": "u1", "NameCard": "n".repeat(32), "Role": "Admin", "CustomInfo": "c".repeat(60)}}))
        .await;
    assert_ok(&ok);
    let list = h.srv("get_room_member_list", json!({"RoomId": "r"})).await;
    let u1 = &list["Response"]["MemberList"][1];
    assert_eq!(u1["Role"], "Admin");
    assert_eq!(u1["NameCard"], "n".repeat(32));
    for info in [
        json!({"Member_Account": "u1", "NameCard": "n".repeat(33)}),
        json!({"Member_Account": "u1", "CustomInfo": "c".repeat(61)}),
        json!({"Member_Account": "u1", "Role": "Owner"}),
    ] {
        let v = h
            .srv(
                "update_room_member_info",
                json!({"RoomId": "r", "MemberInfo": info}),
            )
            .await;
        assert_code(&v, 100002);
    }
    let stranger = h
        .srv(
            "update_room_member_info",
            json!({"RoomId": "r", "MemberInfo": {"Member_Account": "zz", "NameCard": "x"}}),
        )
        .await;
    assert_code(&stranger, 100005);
    let owner_role = h
        .srv(
            "update_room_member_info",
            json!({"RoomId": "r", "MemberInfo": {"Member_Account": "owner", "Role": "Member"}}),
        )
        .await;
    assert_code(&owner_role, 100006);
}

#[tokio::test]
async fn owner_changes_only_to_a_member() {
    let h = Harness::new().await;
    room_with(&h, "r", &["owner", "u1"]).await;
    let not_member = h
        .srv(
            "change_room_owner",
            json!({"RoomId": "r", "From_Account": "owner", "NewOwner_Account": "zz"}),
        )
        .await;
    assert_code(&not_member, 100005);
    let wrong_from = h
        .srv(
            "change_room_owner",
            json!({"RoomId": "r", "From_Account": "u1", "NewOwner_Account": "owner"}),
        )
        .await;
    assert_code(&wrong_from, 100002);
    assert_ok(
        &h.srv(
            "change_room_owner",
            json!({"RoomId": "r", "From_Account": "owner", "NewOwner_Account": "u1"}),
        )
        .await,
    );
    let info = h.srv("get_room_info", json!({"RoomId": "r"})).await;
    assert_eq!(info["Response"]["RoomInfo"]["Owner_Account"], "u1");
    let list = h.srv("get_room_member_list", json!({"RoomId": "r"})).await;
    assert_eq!(list["Response"]["MemberList"][0]["Role"], "Member");
    assert_eq!(list["Response"]["MemberList"][1]["Role"], "Owner");
}

#[tokio::test]
async fn marks_set_delete_and_limits() {
    let h = Harness::new().await;
    room_with(&h, "r", &["owner", "u1", "u2"]).await;
    let set = json!({"RoomId": "r", "CommandType": 1, "MemberList": [{"Member_Account": "u1", "Marks": [1000, 1002, 1003]}]});
    assert_ok(&h.srv("mark_room_member", set).await);
    let del = json!({"RoomId": "r", "CommandType": "2", "MemberList": [{"Member_Account": "u1", "Marks": [1002]}]});
    assert_ok(&h.srv("mark_room_member", del).await);
    let list = h.srv("get_room_member_list", json!({"RoomId": "r"})).await;
    assert_eq!(
        list["Response"]["MemberList"][1]["Marks"],
        json!([1000, 1003])
    );
    for (body, code) in [
        (
            json!({"RoomId": "r", "CommandType": 1, "MemberList": [{"Member_Account": "u1", "Marks": [999]}]}),
            100002,
        ),
        (
            json!({"RoomId": "r", "CommandType": 1, "MemberList": [{"Member_Account": "u1", "Marks": [1001, 1004, 1005, 1006]}]}),
            100002,
        ),
        (
            json!({"RoomId": "r", "CommandType": 3, "MemberList": [{"Member_Account": "u1", "Marks": [1001]}]}),
            100002,
        ),
        (
            json!({"RoomId": "r", "CommandType": 1, "MemberList": [{"Member_Account": "zz", "Marks": [1001]}]}),
            100005,
        ),
        (
            json!({"RoomId": "nope", "CommandType": 1, "MemberList": [{"Member_Account": "u1", "Marks": [1001]}]}),
            100004,
        ),
    ] {
        assert_code(&h.srv("mark_room_member", body).await, code);
    }
    // At most 10 distinct marks per room (2 in use now).
    let eight = json!({"RoomId": "r", "CommandType": 1, "MemberList": [
        {"Member_Account": "u2", "Marks": [2001, 2002, 2003]},
        {"Member_Account": "owner", "Marks": [2004, 2005, 2006]},
        {"Member_Account": "u1", "Marks": [2007, 2008]}]});
    assert_ok(&h.srv("mark_room_member", eight).await);
    let eleventh = json!({"RoomId": "r", "CommandType": 1, "MemberList": [{"Member_Account": "u2", "Marks": [3000]}]});
    assert_code(&h.srv("mark_room_member", eleventh).await, 100002);
}

#[tokio::test]
async fn ban_removes_blocks_reentry_lists_and_unbans() {
    let h = Harness::new().await;
    room_with(&h, "r", &["owner", "u1", "u2", "u3"]).await;
    h.emu.take_seat("r", "u1", 0).expect("seat");
    let ban = json!({"RoomId": "r", "MemberList_Account": ["u1", "u2", "u3"], "Reason": "spam", "Duration": 600});
    assert_ok(&h.srv("ban_room_member", ban).await);
    let members = h.srv("get_room_member_list", json!({"RoomId": "r"})).await;
    assert_eq!(accounts(&members["Response"]["MemberList"]), ["owner"]);
    let seats = h.mic("get_seat_list", json!({"RoomId": "r"})).await;
    assert!(
        seats["Response"]["SeatList"][0]
            .get("Member_Account")
            .is_none(),
        "{seats}"
    );
    assert!(
        h.emu.enter_room("r", "u1").is_err(),
        "banned user re-entered"
    );

    let page1 = h
        .srv(
            "get_banned_member_list",
            json!({"RoomId": "r", "Limit": 2, "Offset": 0}),
        )
        .await;
    assert_ok(&page1);
    assert_eq!(
        accounts(&page1["Response"]["BannedAccountList"]),
        ["u1", "u2"]
    );
    assert_eq!(page1["Response"]["NextOffset"], 2);
    let until = page1["Response"]["BannedAccountList"][0]["BannedUntil"]
        .as_u64()
        .expect("until");
    assert!(until > 1_700_000_000);
    let page2 = h
        .srv(
            "get_banned_member_list",
            json!({"RoomId": "r", "Limit": 2, "Offset": 2}),
        )
        .await;
    assert_eq!(accounts(&page2["Response"]["BannedAccountList"]), ["u3"]);
    assert_eq!(page2["Response"]["NextOffset"], 0);
    assert_code(
        &h.srv(
            "get_banned_member_list",
            json!({"RoomId": "r", "Limit": 101}),
        )
        .await,
        100002,
    );

    assert_ok(
        &h.srv(
            "unban_room_member",
            json!({"RoomId": "r", "MemberList_Account": ["u1"]}),
        )
        .await,
    );
    h.emu.enter_room("r", "u1").expect("unbanned user enters");
    assert_code(
        &h.srv(
            "unban_room_member",
            json!({"RoomId": "r", "MemberList_Account": ["u1"]}),
        )
        .await,
        100005,
    );

    let many: Vec<String> = (0..21).map(|i| format!("x{i}")).collect();
    for body in [
        json!({"RoomId": "r", "MemberList_Account": many, "Reason": "r", "Duration": 60}),
        json!({"RoomId": "r", "MemberList_Account": ["u1"], "Reason": "r".repeat(1001), "Duration": 60}),
        json!({"RoomId": "r", "MemberList_Account": ["u1"], "Duration": 60}),
        json!({"RoomId": "r", "MemberList_Account": ["u1"], "Reason": "r"}),
    ] {
        assert_code(&h.srv("ban_room_member", body).await, 100002);
    }
    let stranger =
        json!({"RoomId": "r", "MemberList_Account": ["zz"], "Reason": "r", "Duration": 60});
    assert_code(&h.srv("ban_room_member", stranger).await, 100005);
    let owner =
        json!({"RoomId": "r", "MemberList_Account": ["owner"], "Reason": "r", "Duration": 60});
    assert_code(&h.srv("ban_room_member", owner).await, 100006);
}

#[tokio::test]
async fn kick_removes_members() {
    let h = Harness::new().await;
    room_with(&h, "r", &["owner", "u1", "u2"]).await;
    let kick = json!({"RoomId": "r", "MemberList_Account": ["u1"], "Reason": "bye"});
    assert_ok(&h.srv("kick_user_out", kick).await);
    let members = h.srv("get_room_member_list", json!({"RoomId": "r"})).await;
    assert_eq!(
        accounts(&members["Response"]["MemberList"]),
        ["owner", "u2"]
    );
    // Kicked (not banned): may come back.
    h.emu.enter_room("r", "u1").expect("re-enter");
    for (body, code) in [
        (
            json!({"RoomId": "r", "MemberList_Account": ["zz"], "Reason": "x"}),
            100005,
        ),
        (json!({"RoomId": "r", "MemberList_Account": ["u1"]}), 100002),
        (
            json!({"RoomId": "r", "MemberList_Account": [], "Reason": "x"}),
            100002,
        ),
        (
            json!({"RoomId": "r", "MemberList_Account": ["owner"], "Reason": "x"}),
            100006,
        ),
        (
            json!({"RoomId": "nope", "MemberList_Account": ["u1"], "Reason": "x"}),
            100004,
        ),
    ] {
        assert_code(&h.srv("kick_user_out", body).await, code);
    }
}
