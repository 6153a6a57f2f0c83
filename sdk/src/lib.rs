//! Typed client for the Tencent RTC Room server REST API (TUIRoomKit / Room Engine).
//!
//! # What is where
//!
//! The commands are grouped by what an application manages; each module
//! lists its Tencent service, its commands and their request and answer
//! types, and every request type's page shows a compiled example built from
//! Tencent's documented sample:
//!
//! | module | manages | Tencent service |
//! | --- | --- | --- |
//! | [`rooms`] | create, read, change, hand over and dismiss rooms | `room_engine_http_srv` |
//! | [`members`] | list, change, mark, ban and remove room members | `room_engine_http_srv` |
//! | [`seats`] | seats (microphone positions) of a room | `room_engine_http_mic` |
//! | [`callbacks`] | where and which room events Tencent sends | `room_config` |
//! | [`accounts`] | the app's user accounts and who is online | `im_open_login_svc`, `openim` |
//! | [`webhook`] | receiving those events: verify, parse, answer | (callbacks Tencent POSTs) |
//!
//! Every type of these modules is also available at the crate root
//! (`trtc_room::CreateRoom`). The rest of the crate: [`Client`] and
//! [`ClientBuilder`] (in [`client`]), [`Error`] (in [`error`]), [`paging`],
//! [`bulk`] (many calls within the rate limits), [`limit`] (rate-limit
//! schedules), [`usersig`] (UserSigs for end-user devices) and, with the
//! `test-util` feature, `mock`. The [`command`] module is for advanced
//! uses (routing by service and command name).
//!
//! # Configure a client
//!
//! Build one [`Client`] per application and share it (it is `Clone + Send +
//! Sync`; clones share one pooled keep-alive HTTP client and one cached admin
//! UserSig):
//!
//! ```no_run
//! use std::time::Duration;
//! use trtc_room::{Client, Region, RetryPolicy};
//!
//! # fn main() -> Result<(), trtc_room::Error> {
//! let client = Client::builder()
//!     .sdk_app_id(1400000000)
//!     .secret_key(std::env::var("TRTC_SECRET_KEY").unwrap_or_default())
//!     .admin("administrator")
//!     .region(Region::Singapore)
//!     .attempt_timeout(Duration::from_secs(5))
//!     .retry_policy(RetryPolicy::default().max_attempts(3))
//!     .build()?;
//! // Or from TRTC_SDK_APP_ID, TRTC_SECRET_KEY, TRTC_ADMIN and
//! // TRTC_REGION / TRTC_BASE_URL:
//! let from_env = Client::from_env()?;
//! # let _ = (client, from_env);
//! # Ok(())
//! # }
//! ```
//!
//! The secret key is only used to sign the admin UserSig (TLS sig v2, see
//! [`usersig`]); it never appears in `Debug` output, errors or logs. To keep
//! the key out of the process, pass a [`UserSigProvider`] instead.
//!
//! # Call a command
//!
//! Every command has a typed request (required fields in `new`, optional ones
//! as chained setters) and a client method; [`Client::call`] takes any
//! request, and [`Client::call_raw`] any service/command with a JSON body.
//!
//! ```no_run
//! # async fn demo(client: trtc_room::Client) -> Result<(), trtc_room::Error> {
//! use trtc_room::GetRoomInfo;
//!
//! let reply = client.get_room_info(GetRoomInfo::new("room-1")).await?;
//! println!("request id {:?}: {:?}", reply.request_id(), reply.room_info);
//! let same = client.call(&GetRoomInfo::new("room-1")).await?.into_inner();
//! # let _ = same;
//! # Ok(())
//! # }
//! ```
//!
//! Each call validates the request, signs it, POSTs
//! `/v4/<service>/<command>?sdkappid=…&identifier=…&usersig=…&random=…&contenttype=json`
//! and decodes the envelope. Rate-limit answers (60007, 60011, 60018, 60019,
//! and HTTP 429, which gateways answer before the service sees the call)
//! and connection failures before sending are retried for every command;
//! timeouts, resets, HTTP 5xx and 100001 only for idempotent commands, so a
//! non-idempotent command is never sent twice after it may have reached the
//! server. Backoff is exponential with jitter, within the policy's deadline.
//!
//! # Faults and outcomes
//!
//! What a call returns when something goes wrong, for an idempotent command
//! (such as `get_room_info`) and a non-idempotent one (such as
//! `create_room`); "retried" means up to the policy's `max_attempts`, each
//! attempt with the call's one `random`. The fault-matrix tests check each
//! row.
//!
//! | fault | idempotent | non-idempotent |
//! | --- | --- | --- |
//! | connection refused, DNS or TLS failure | retried; `Transport` (not sent) | the same |
//! | rate-limit code (60007, 60011, 60018, 60019) | retried; `Service` | the same |
//! | HTTP 429 | retried; `HttpStatus` | the same |
//! | HTTP 5xx (a gateway page echoing the URL included) | retried; `HttpStatus` | one attempt; `HttpStatus` |
//! | `100001` internal error | retried; `Service` | one attempt; `Service` |
//! | any other service code | one attempt; `Service` | the same |
//! | no complete answer within the attempt timeout (slow or trickled) | retried; `Timeout` | one attempt; `Timeout` |
//! | connection closed or reset before the answer (even before the server read anything: the client cannot tell) | retried; `Transport` (may have reached) | one attempt; `Transport` (may have reached) |
//! | answer lost after the server did the work | retried; the retry's "already done" code means success, marked by [`Reply::completed_by_earlier_attempt`] | one attempt; `Transport` (may have reached); a re-sent `create_room` gets [`Error::is_room_id_in_use`] |
//! | truncated or undecodable body | one attempt; `Decode` | the same |
//! | body over 8 MiB (reading stops there) | one attempt; `Decode` | the same |
//! | the [`UserSigProvider`] fails, hangs or returns an expired sig | `Signing`, nothing sent | the same |
//!
//! Error bodies and `ErrorInfo` texts are kept with every `usersig=` value,
//! the secret key and the sig sent replaced by `<redacted>`. Idle pooled
//! connections are closed after [`DEFAULT_POOL_IDLE_TIMEOUT`] (50 s), below
//! the keep-alive timeout of the servers in front of the API, so a request is
//! not sent on a connection the server is closing; a request that hyper
//! hands back unsent from such a connection counts as not sent.
//!
//! # Page through a listing
//!
//! Listing commands (`get_room_member_list`, `get_banned_member_list`) answer
//! one page per call. Besides the one-page method, the client has
//! `<command>_all`, which follows the cursor and returns every item (or the
//! first error), and `<command>_pages`, a stream of typed pages that stops
//! fetching when dropped. See [`paging`].
//!
//! ```no_run
//! # async fn demo(client: trtc_room::Client) -> Result<(), trtc_room::Error> {
//! use trtc_room::GetRoomMemberList;
//!
//! let members = client
//!     .get_room_member_list_all(GetRoomMemberList::new("room-1").count(100))
//!     .await?;
//! println!("{} members", members.len());
//!
//! let mut pages = client.get_room_member_list_pages(GetRoomMemberList::new("room-1"));
//! while let Some(page) = pages.next().await {
//!     println!("next cursor {:?}", page?.next);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Receive webhooks
//!
//! Tell Tencent where to send room events with the [`callbacks`] commands,
//! then hand each delivery (query string and body bytes) to a
//! [`webhook::WebhookVerifier`]: it checks the app ID, the signature and the
//! time when a token is set, and returns a typed [`WebhookEvent`]. Answer
//! with [`webhook::ack`], or for a before-callback such as Live's gift check
//! with its typed decision ([`webhook::Decision`], bounded by its budget
//! with [`webhook::decide_in_time`]). The [`webhook`] module shows a whole
//! receiver; with the `axum` feature, `webhook::axum` is a ready router and
//! extractor, and `examples/webhook_receiver.rs` runs one.
//!
//! # Errors
//!
//! Every call returns [`Error`], one matchable enum: [`Error::InvalidRequest`]
//! (a documented limit broken, nothing sent), [`Error::Service`] (the
//! service's [`ErrorCode`], with the command's own meaning in its docs),
//! [`Error::HttpStatus`], [`Error::Timeout`], [`Error::Transport`],
//! [`Error::Decode`], [`Error::Config`] and a few more. Errors about a call
//! carry a [`CallInfo`] with the call's `random`, which appears in Tencent's
//! logs; [`Error::request_id`] gives the server's `RequestId` when there was
//! an answer.
//!
//! # Match an error
//!
//! ```no_run
//! # async fn demo(client: trtc_room::Client) {
//! use trtc_room::{Error, ErrorCode, GetRoomInfo};
//!
//! match client.get_room_info(GetRoomInfo::new("room-1")).await {
//!     Ok(reply) => println!("{:?}", reply.room_info),
//!     Err(Error::Service { code: ErrorCode::RoomNotFound, .. }) => println!("no such room"),
//!     Err(e) if e.is_rate_limited() => println!("slow down: {e}"),
//!     Err(Error::Timeout { call, .. }) => println!("timed out, random {}", call.random),
//!     Err(e) => println!("failed: {e} (request id {:?})", e.request_id()),
//! }
//! # }
//! ```
//!
//! # Retries
//!
//! The client retries by itself, as described above and in the table of
//! faults: [`RetryPolicy`] sets the number of attempts, the backoff and an
//! overall deadline ([`ClientBuilder::retry_policy`]), and
//! [`ClientBuilder::attempt_timeout`] the time allowed for each attempt. Each
//! request type's docs say whether the command is idempotent (re-sent after
//! a failure that may have reached the server) and its rate limit. To stay
//! under the rate limits across many calls, use [`bulk`] or a shared
//! [`RateLimits`] schedule.
//!
//! # Testing an application
//!
//! - With the `test-util` feature, `trtc_room::mock::MockRoom` hands out a
//!   real [`Client`] whose calls are answered by rules the test sets per
//!   command (a typed answer or an [`ErrorCode`]) and recorded, without any
//!   network.
//! - The `trtc-room-emulator` crate runs an in-memory Room service on a
//!   loopback port, with real state, UserSig checks, webhooks and fault
//!   injection; point the client at it with [`ClientBuilder::base_url`]:
//!
//! ```ignore
//! use trtc_room_emulator::{Emulator, EmulatorConfig};
//!
//! let emu = Emulator::start(EmulatorConfig::default()).await?;
//! let client = trtc_room::Client::builder()
//!     .sdk_app_id(emu.sdk_app_id())
//!     .secret_key(emu.secret_key())
//!     .admin(emu.admin())
//!     .base_url(emu.base_url())
//!     .build()?;
//! ```
//!
//! # Pick a region
//!
//! [`Region`] lists the documented admin domains (`"singapore".parse()` also
//! works); [`ClientBuilder::base_url`] points the client anywhere else, such
//! as the crate's emulator or a proxy. Plain `http://` is accepted only for
//! loopback hosts unless [`ClientBuilder::allow_insecure_http`] is set.
//!
//! Every call runs in a `tracing` span `trtc_room.call` with the service,
//! command, `random`, attempt and `RequestId`; retries log at debug level.
//!
//! # TLS
//!
//! | feature | TLS | trusts |
//! | --- | --- | --- |
//! | `rustls` (default) | rustls with the `aws-lc-rs` crypto provider (post-quantum key exchange included) | the Mozilla root certificates compiled in (`webpki-roots`) |
//! | `rustls-platform-verifier` | rustls with `aws-lc-rs` | the operating system's certificate store (`rustls-platform-verifier`) |
//! | `native-tls` | the platform's library: OpenSSL on Linux (needs its headers and `pkg-config` to build), Security.framework on Apple systems, SChannel on Windows | the operating system's certificate store |
//!
//! The default needs no system TLS library (only the C compiler that
//! `aws-lc-rs` builds with) and works the same in a container without CA
//! files. When several are enabled, `native-tls` wins over
//! rustls, and `rustls-platform-verifier` over the bundled roots. With
//! `default-features = false` and none of them, the client speaks plain
//! `http://` only (loopback or [`ClientBuilder::allow_insecure_http`], as for
//! the emulator), and [`ClientBuilder::build`] refuses an `https` endpoint.
//!
//! ```toml
//! [dependencies]
//! trtc-room = { version = "0.1", default-features = false, features = ["native-tls"] }
//! ```
//!
//! [`reqwest`] is re-exported (its version is part of this crate's API). To
//! pass your own client to [`ClientBuilder::http_client`], start from
//! [`http_client_builder`], which carries the TLS setup above. The rustls
//! features turn on reqwest's own `rustls` feature, with the same provider,
//! so a `reqwest::Client::new()` elsewhere in the application works whatever
//! TLS features the application's own reqwest dependency names.
#![deny(missing_docs)]

pub mod bulk;
pub mod client;
pub mod command;
pub mod error;
#[rustfmt::skip] // generated by `cargo xtask codegen` (prettyplease), not rustfmt
mod generated;
pub mod limit;
#[cfg(feature = "test-util")]
pub mod mock;
pub mod paging;
#[cfg(test)]
mod prop_support;
mod random;
mod redact;
pub mod usersig;
// Helpers the generated checks call; the public part is re-exported below.
#[doc(hidden)]
pub mod validate;
pub mod webhook;
// Serde adapters and enum macros of the generated code.
#[doc(hidden)]
pub mod wire;

pub use bulk::{Bulk, BulkReport, ItemError, ItemOutcome, Progress};
pub use client::{
    http_client_builder, Client, ClientBuilder, Endpoint, IssuedUserSig, Region, Reply,
    RetryPolicy, UnknownRegion, UserSigProvider, DEFAULT_POOL_IDLE_TIMEOUT,
};
pub use command::{Command, CommandInfo, PayloadLocation};
pub use error::{CallInfo, ConfigError, Error, ErrorCode};
// The modules of commands: rooms, members, seats, callbacks, accounts.
pub use generated::groups::*;
// Every generated type also at the root (`trtc_room::CreateRoom`); documented
// in its module.
#[doc(no_inline, hidden)]
pub use generated::prelude::*;
pub use limit::{LimiterBackend, LocalBackend, RateLimits};
pub use paging::Paged;
/// The HTTP client crate (its version is part of this crate's API through
/// [`ClientBuilder::http_client`] and [`http_client_builder`]).
pub use reqwest;
pub use validate::{InvalidRequest, Problem, Validate};
pub use webhook::WebhookEvent;
