//! Criterion benchmarks of the client's per-call work, without the network:
//! UserSig signing and checking, request validation and encoding, answer
//! decoding (the client's one-pass decoder next to a two-pass decode through
//! `serde_json::Value`) and webhook verification and parsing.
//!
//! `cargo bench -p trtc-room --bench hot_paths` (figures in BENCHMARKS.md).

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use trtc_room::client::decode_answer;
use trtc_room::usersig::SigningKey;
use trtc_room::webhook::{WebhookQuery, WebhookVerifier};
use trtc_room::{
    CreateRoom, GetRoomMemberList, GetRoomMemberListResponse, RoomInfo, RoomType, Validate,
};

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const APP: u64 = 1_400_000_000;

fn usersig(c: &mut Criterion) {
    let key = SigningKey::new(APP, KEY);
    let now = 1_700_000_000;
    let sig = key
        .generate_at("administrator", 86_400, now)
        .expect("valid inputs");
    let mut g = c.benchmark_group("usersig");
    g.throughput(Throughput::Elements(1));
    g.bench_function("generate", |b| {
        b.iter(|| key.generate_at(black_box("administrator"), 86_400, now))
    });
    g.bench_function("verify", |b| {
        b.iter(|| key.verify(black_box("administrator"), black_box(&sig), now))
    });
    g.finish();
}

fn encode(c: &mut Criterion) {
    let request = CreateRoom::new(
        RoomInfo::new("room-1", RoomType::Conference)
            .room_name("Weekly sync")
            .owner_account("alice")
            .max_member_count(50),
    );
    let mut g = c.benchmark_group("encode");
    g.bench_function("create_room validate + to_vec", |b| {
        b.iter(|| {
            black_box(&request).validate().expect("valid");
            serde_json::to_vec(black_box(&request)).expect("serializable")
        })
    });
    g.finish();
}

/// A successful get_room_member_list answer with `members` members.
fn member_list_answer(members: usize) -> Vec<u8> {
    let list: Vec<serde_json::Value> = (0..members)
        .map(|i| {
            serde_json::json!({
                "Member_Account": format!("user-{i}"),
                "NameCard": format!("Member {i}"),
                "Role": if i == 0 { "Owner" } else { "Member" },
                "Marks": [1000, 1002],
                "CustomInfo": "",
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "ActionStatus": "OK",
        "ErrorCode": 0,
        "ErrorInfo": "",
        "RequestId": "Id-52f049ba12d741b7a84959700acdb1d5-O-Seq-56287",
        "Response": { "Next": "", "MemberList": list },
    }))
    .expect("serializable")
}

fn decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode get_room_member_list");
    for members in [1usize, 50] {
        let body = member_list_answer(members);
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_function(format!("one pass ({members} members)"), |b| {
            b.iter(|| decode_answer::<GetRoomMemberList>(black_box(&body)).expect("decodes"))
        });
        g.bench_function(format!("through Value ({members} members)"), |b| {
            b.iter(|| {
                let mut v: serde_json::Value =
                    serde_json::from_slice(black_box(&body)).expect("JSON");
                let payload = v["Response"].take();
                serde_json::from_value::<GetRoomMemberListResponse>(payload).expect("decodes")
            })
        });
    }
    g.finish();
}

fn webhook(c: &mut Criterion) {
    let token = "webhook-token";
    let now = SystemTime::now();
    let secs = now
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    let query = WebhookQuery::new(APP, "Room.CallbackAfterMemberEnter")
        .signed(token, secs)
        .to_query_string();
    let body = br#"{"CallbackCommand":"Room.CallbackAfterMemberEnter","Operator_Account":"user1","RoomId":"rid-123","MemberCount":20,"Type":"Enter","MemberList_Account":["user1"],"EventTime":1670574414123}"#;
    let verifier = WebhookVerifier::new(APP).with_token(token);
    let mut g = c.benchmark_group("webhook");
    g.bench_function("verify + parse CallbackAfterMemberEnter", |b| {
        b.iter(|| {
            verifier
                .receive_at(black_box(&query), black_box(body), now)
                .expect("valid delivery")
        })
    });
    g.finish();
}

criterion_group!(benches, usersig, encode, decode, webhook);
criterion_main!(benches);
