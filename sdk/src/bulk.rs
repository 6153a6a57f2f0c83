//! Jobs over many accounts or members.
//!
//! Commands that take a list accept a documented maximum of items per call
//! (100 accounts per import, check or delete; 20 members per kick or ban; 10
//! per mark). The helpers here take any number of items, split them into
//! calls of that maximum (the limits come from the spec, as the
//! `*_MAX_ITEMS` constants of the request types), send up to
//! [`Bulk::concurrency`] calls at a time, and return one outcome per item, in
//! the order given.
//!
//! They pace themselves through the client's rate limiter (see
//! [`crate::limit`]): with the default settings a job of any size runs at
//! just under the documented rate of its command and is not refused. (With
//! [`RateLimits::off`](crate::RateLimits::off) nothing paces the calls.)
//!
//! ```no_run
//! # async fn demo(client: trtc_room::Client) {
//! use trtc_room::AccountToImport;
//!
//! let accounts = (0..10_000).map(|i| AccountToImport::new(format!("user-{i}")));
//! let report = client
//!     .bulk()
//!     .concurrency(8)
//!     .on_progress(|p| eprintln!("{}/{} accounts", p.items_done, p.items_total))
//!     .import_accounts(accounts)
//!     .await;
//! for failed in report.failures() {
//!     eprintln!("{}: {}", failed.id, failed.result.as_ref().unwrap_err());
//! }
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::generated::prelude::*;
use crate::Client;

/// Where a bulk job stands; passed to the [`Bulk::on_progress`] callback
/// after each call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Items whose call has finished.
    pub items_done: usize,
    /// Items of the job.
    pub items_total: usize,
    /// Finished items that failed.
    pub items_failed: usize,
    /// Calls finished.
    pub calls_done: usize,
    /// Calls of the job.
    pub calls_total: usize,
    /// Time since the job started.
    pub elapsed: Duration,
}

/// Why one item of a bulk job failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ItemError {
    /// The call carrying the item failed (shared by every item of that
    /// call).
    Call(Arc<Error>),
    /// The call succeeded but the service reports this item failed.
    Refused {
        /// The item's `ResultCode`, when the service gives one.
        code: Option<i64>,
        /// The item's `ResultInfo`, or what the failure was.
        info: String,
    },
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemError::Call(e) => write!(f, "{e}"),
            ItemError::Refused {
                code: Some(code),
                info,
            } => write!(f, "refused with code {code}: {info}"),
            ItemError::Refused { code: None, info } => write!(f, "refused: {info}"),
        }
    }
}

impl std::error::Error for ItemError {}

/// The outcome of one item.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ItemOutcome<T> {
    /// The account the item is about.
    pub id: String,
    /// What happened to it.
    pub result: Result<T, ItemError>,
}

/// The outcome of a whole bulk job: one entry per item, in input order.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BulkReport<T> {
    /// Per-item outcomes, in the order the items were given.
    pub items: Vec<ItemOutcome<T>>,
    /// Calls sent (excluding retries).
    pub calls: usize,
    /// Wall time of the job.
    pub elapsed: Duration,
}

impl<T> BulkReport<T> {
    /// The items that failed.
    pub fn failures(&self) -> impl Iterator<Item = &ItemOutcome<T>> {
        self.items.iter().filter(|i| i.result.is_err())
    }

    /// How many items failed.
    pub fn failed(&self) -> usize {
        self.failures().count()
    }

    /// Whether every item succeeded.
    pub fn all_succeeded(&self) -> bool {
        self.failed() == 0
    }
}

type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// A bulk job builder; see the [module docs](self). Made by
/// [`Client::bulk`].
#[derive(Clone)]
pub struct Bulk {
    client: Client,
    concurrency: usize,
    progress: Option<ProgressFn>,
}

impl fmt::Debug for Bulk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bulk")
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

/// Default number of calls of a bulk job in flight at once.
pub const DEFAULT_CONCURRENCY: usize = 8;

impl Client {
    /// Bulk jobs on this client: see [`crate::bulk`].
    pub fn bulk(&self) -> Bulk {
        Bulk {
            client: self.clone(),
            concurrency: DEFAULT_CONCURRENCY,
            progress: None,
        }
    }
}

impl Bulk {
    /// Calls in flight at once (at least 1; default
    /// [`DEFAULT_CONCURRENCY`]). The rate limiter still paces them; more
    /// concurrency only helps when round trips are long.
    pub fn concurrency(mut self, calls: usize) -> Self {
        self.concurrency = calls.max(1);
        self
    }

    /// Called after each call of the job finishes.
    pub fn on_progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }

    /// Imports accounts with `multiaccount_import`, up to
    /// [`MultiaccountImport::ACCOUNT_LIST_MAX_ITEMS`] per call. An account
    /// listed in `FailAccounts` fails with [`ItemError::Refused`].
    pub async fn import_accounts(
        &self,
        accounts: impl IntoIterator<Item = AccountToImport>,
    ) -> BulkReport<()> {
        let items: Vec<AccountToImport> = accounts.into_iter().collect();
        self.run(
            items,
            MultiaccountImport::ACCOUNT_LIST_MAX_ITEMS,
            |a| a.user_id.clone(),
            |client, chunk: Vec<AccountToImport>| async move {
                let ids: Vec<String> = chunk.iter().map(|a| a.user_id.clone()).collect();
                let reply = client
                    .call(&MultiaccountImport::new().account_list(chunk))
                    .await?;
                let failed = reply.fail_accounts.as_deref().unwrap_or_default();
                Ok(ids
                    .into_iter()
                    .map(|id| {
                        let result = if failed.contains(&id) {
                            Err(ItemError::Refused {
                                code: None,
                                info: "listed in FailAccounts".into(),
                            })
                        } else {
                            Ok(())
                        };
                        ItemOutcome { id, result }
                    })
                    .collect())
            },
        )
        .await
    }

    /// Checks accounts with `account_check`, up to
    /// [`AccountCheck::CHECK_ITEM_MAX_ITEMS`] per call; each succeeds with
    /// its [`AccountStatus`].
    pub async fn check_accounts(
        &self,
        ids: impl IntoIterator<Item = impl Into<String>>,
    ) -> BulkReport<AccountStatus> {
        let ids: Vec<String> = ids.into_iter().map(Into::into).collect();
        self.run(
            ids,
            AccountCheck::CHECK_ITEM_MAX_ITEMS,
            Clone::clone,
            |client, chunk: Vec<String>| async move {
                let req = AccountCheck::new(chunk.iter().map(AccountRef::new));
                let reply = client.call(&req).await?;
                Ok(per_account(chunk, reply.into_inner().result_item, |r| {
                    Ok(r.account_status
                        .clone()
                        .unwrap_or(AccountStatus::Unknown(String::new())))
                }))
            },
        )
        .await
    }

    /// Deletes accounts with `account_delete`, up to
    /// [`AccountDelete::DELETE_ITEM_MAX_ITEMS`] per call.
    pub async fn delete_accounts(
        &self,
        ids: impl IntoIterator<Item = impl Into<String>>,
    ) -> BulkReport<()> {
        let ids: Vec<String> = ids.into_iter().map(Into::into).collect();
        self.run(
            ids,
            AccountDelete::DELETE_ITEM_MAX_ITEMS,
            Clone::clone,
            |client, chunk: Vec<String>| async move {
                let req = AccountDelete::new(chunk.iter().map(AccountRef::new));
                let reply = client.call(&req).await?;
                Ok(per_account(chunk, reply.into_inner().result_item, |_| {
                    Ok(())
                }))
            },
        )
        .await
    }

    /// Removes members from `room_id` with `kick_user_out`, up to
    /// [`KickUserOut::MEMBER_LIST_ACCOUNT_MAX_ITEMS`] per call.
    pub async fn kick_members(
        &self,
        room_id: impl Into<String>,
        accounts: impl IntoIterator<Item = impl Into<String>>,
        reason: impl Into<String>,
    ) -> BulkReport<()> {
        let (room, reason) = (room_id.into(), reason.into());
        let ids: Vec<String> = accounts.into_iter().map(Into::into).collect();
        self.run(
            ids,
            KickUserOut::MEMBER_LIST_ACCOUNT_MAX_ITEMS,
            Clone::clone,
            move |client, chunk: Vec<String>| {
                let req = KickUserOut::new(room.clone(), chunk.clone(), reason.clone());
                whole_call(client, req, chunk)
            },
        )
        .await
    }

    /// Bans members of `room_id` for `duration_secs` with
    /// `ban_room_member`, up to [`BanRoomMember::MEMBER_LIST_ACCOUNT_MAX_ITEMS`]
    /// per call.
    pub async fn ban_members(
        &self,
        room_id: impl Into<String>,
        accounts: impl IntoIterator<Item = impl Into<String>>,
        reason: impl Into<String>,
        duration_secs: u64,
    ) -> BulkReport<()> {
        let (room, reason) = (room_id.into(), reason.into());
        let ids: Vec<String> = accounts.into_iter().map(Into::into).collect();
        self.run(
            ids,
            BanRoomMember::MEMBER_LIST_ACCOUNT_MAX_ITEMS,
            Clone::clone,
            move |client, chunk: Vec<String>| {
                let req =
                    BanRoomMember::new(room.clone(), chunk.clone(), reason.clone(), duration_secs);
                whole_call(client, req, chunk)
            },
        )
        .await
    }

    /// Sets or deletes marks of members of `room_id` with
    /// `mark_room_member`, up to [`MarkRoomMember::MEMBER_LIST_MAX_ITEMS`]
    /// members per call.
    pub async fn mark_members(
        &self,
        room_id: impl Into<String>,
        command: MarkCommandType,
        members: impl IntoIterator<Item = MemberMarks>,
    ) -> BulkReport<()> {
        let room = room_id.into();
        let members: Vec<MemberMarks> = members.into_iter().collect();
        self.run(
            members,
            MarkRoomMember::MEMBER_LIST_MAX_ITEMS,
            |m| m.member_account.clone(),
            move |client, chunk: Vec<MemberMarks>| {
                let ids = chunk.iter().map(|m| m.member_account.clone()).collect();
                let req = MarkRoomMember::new(room.clone(), command, chunk);
                whole_call(client, req, ids)
            },
        )
        .await
    }

    /// Splits `items` into calls of `per_call`, runs them with bounded
    /// concurrency, reports progress, and reassembles outcomes in order.
    async fn run<I, T, F, Fut>(
        &self,
        items: Vec<I>,
        per_call: usize,
        id: impl Fn(&I) -> String,
        call: F,
    ) -> BulkReport<T>
    where
        I: Send + 'static,
        T: Send + 'static,
        F: Fn(Client, Vec<I>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Vec<ItemOutcome<T>>, Error>> + Send + 'static,
    {
        let started = Instant::now();
        let per_call = per_call.max(1);
        let items_total = items.len();
        let mut chunks: Vec<(Vec<String>, Vec<I>)> = Vec::new();
        let mut rest = items.into_iter().peekable();
        while rest.peek().is_some() {
            let chunk: Vec<I> = rest.by_ref().take(per_call).collect();
            chunks.push((chunk.iter().map(&id).collect(), chunk));
        }
        let calls_total = chunks.len();
        let call = Arc::new(call);
        let mut results: Vec<Option<Vec<ItemOutcome<T>>>> =
            (0..calls_total).map(|_| None).collect();
        let mut ids_of: Vec<Vec<String>> = Vec::with_capacity(calls_total);
        let mut progress = Progress {
            items_done: 0,
            items_total,
            items_failed: 0,
            calls_done: 0,
            calls_total,
            elapsed: Duration::ZERO,
        };
        let mut set = tokio::task::JoinSet::new();
        let mut pending = chunks.into_iter().enumerate();
        loop {
            while set.len() < self.concurrency {
                let Some((index, (ids, chunk))) = pending.next() else {
                    break;
                };
                ids_of.push(ids);
                let (client, call) = (self.client.clone(), call.clone());
                set.spawn(async move { (index, call(client, chunk).await) });
            }
            let Some(joined) = set.join_next().await else {
                break;
            };
            let (index, outcome) = match joined {
                Ok(done) => done,
                Err(e) => {
                    // Only a panic in the caller's own code can end a task
                    // early; its index is lost with it, so find the chunk
                    // that has no result and no running task by elimination
                    // once the job ends.
                    tracing::error!(error = %e, "a bulk call's task failed");
                    continue;
                }
            };
            let outcomes = match outcome {
                Ok(o) => o,
                Err(e) => fail_all(&ids_of[index], Arc::new(e)),
            };
            progress.calls_done += 1;
            progress.items_done += outcomes.len();
            progress.items_failed += outcomes.iter().filter(|o| o.result.is_err()).count();
            progress.elapsed = started.elapsed();
            if let Some(f) = &self.progress {
                f(&progress);
            }
            results[index] = Some(outcomes);
        }
        let mut all = Vec::with_capacity(items_total);
        for (index, r) in results.into_iter().enumerate() {
            match r {
                Some(o) => all.extend(o),
                None => all.extend(fail_all(
                    &ids_of[index],
                    Arc::new(Error::Config(crate::ConfigError::invalid(
                        "bulk",
                        "the call's task ended abnormally (a panic in it)",
                    ))),
                )),
            }
        }
        BulkReport {
            items: all,
            calls: calls_total,
            elapsed: started.elapsed(),
        }
    }
}

fn fail_all<T>(ids: &[String], e: Arc<Error>) -> Vec<ItemOutcome<T>> {
    ids.iter()
        .map(|id| ItemOutcome {
            id: id.clone(),
            result: Err(ItemError::Call(e.clone())),
        })
        .collect()
}

/// A command whose answer is all-or-nothing: every item shares its result.
async fn whole_call<C: crate::Command>(
    client: Client,
    req: C,
    ids: Vec<String>,
) -> Result<Vec<ItemOutcome<()>>, Error> {
    client.call(&req).await?;
    Ok(ids
        .into_iter()
        .map(|id| ItemOutcome { id, result: Ok(()) })
        .collect())
}

/// Matches `ResultItem` entries to the accounts asked about; an account
/// missing from the answer or with a non-zero `ResultCode` fails.
fn per_account<T>(
    ids: Vec<String>,
    results: Option<Vec<AccountResult>>,
    ok: impl Fn(&AccountResult) -> Result<T, ItemError>,
) -> Vec<ItemOutcome<T>> {
    let results = results.unwrap_or_default();
    ids.into_iter()
        .map(|id| {
            let result = match results.iter().find(|r| r.user_id == id) {
                None => Err(ItemError::Refused {
                    code: None,
                    info: "the answer does not mention this account".into(),
                }),
                Some(r) if r.result_code != 0 => Err(ItemError::Refused {
                    code: Some(r.result_code),
                    info: r.result_info.clone().unwrap_or_default(),
                }),
                Some(r) => ok(r),
            };
            ItemOutcome { id, result }
        })
        .collect()
}
