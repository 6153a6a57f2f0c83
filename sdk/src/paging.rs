//! Paged listings: page by page as a stream, or all at once.
//!
//! Commands whose spec entry has a `paging:` key (such as
//! `get_room_member_list` and `get_banned_member_list`) implement [`Paged`]
//! in generated code, and get two client methods:
//!
//! - `<command>_pages(request)` returns [`Pages`], a stream of pages: each
//!   page is a [`Reply`] (the typed answer and its `RequestId`), and the
//!   caller can stop at any page by dropping the stream;
//! - `<command>_all(request)` collects every item (built on
//!   [`Client::call_all`]).
//!
//! The loop lives here once; the generated part only says which fields carry
//! the cursor and the items.
//!
//! ```no_run
//! # async fn demo(client: trtc_room::Client) -> Result<(), trtc_room::Error> {
//! use trtc_room::GetRoomMemberList;
//!
//! let mut pages = client.get_room_member_list_pages(GetRoomMemberList::new("room-1").count(50));
//! while let Some(page) = pages.next().await {
//!     let page = page?;
//!     let members = page.member_list.as_deref().unwrap_or_default();
//!     println!("{} members (request id {:?})", members.len(), page.request_id());
//!     if members.iter().any(|m| m.member_account == "alice") {
//!         break; // no further page is fetched
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! [`Pages`] also implements `futures_core::Stream`, for `StreamExt`
//! combinators from `futures` or `tokio-stream`.
//!
//! # Loop guard
//!
//! A well-behaved server never hands out the same cursor twice within one
//! listing. If it does (a bug, or the list changed under a cursor scheme that
//! cannot cope), following it could loop forever. [`Client::call_all`]
//! remembers every cursor it has sent and stops with
//! [`Error::RepeatedCursor`] instead of returning a list that may be
//! incomplete or hold duplicates: an `_all` method either returns every item
//! or fails.

use std::collections::HashSet;
use std::fmt::{self, Display};
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::command::Command;
use crate::error::Error;
use crate::{Client, Reply};

/// A request of a command that lists items page by page with a cursor.
///
/// Implemented by the generated request types of commands with `paging:` in
/// the spec. Use it through [`Client::call_all`] or the `<command>_all`
/// methods.
pub trait Paged: Command + Clone {
    /// The cursor value (`String` or an integer).
    type Cursor: Clone + Eq + Hash + Display + Send + Sync;
    /// One listed item.
    type Item: Send;

    /// The cursor this request starts from; `None` for the first page (an
    /// absent, empty or zero cursor).
    fn cursor(&self) -> Option<Self::Cursor>;

    /// This request, set to fetch the page at `cursor`.
    fn with_cursor(self, cursor: Self::Cursor) -> Self;

    /// The cursor of the page after `response`; `None` when the list is
    /// complete (the spec's end rule: an empty or absent string, or an
    /// absent or zero integer).
    fn next_cursor(response: &Self::Response) -> Option<Self::Cursor>;

    /// The items of one page (empty when the field is absent).
    fn into_items(response: Self::Response) -> Vec<Self::Item>;
}

impl Client {
    /// The pages of a listing, fetched one at a time as the stream is
    /// polled: `request` first, then again with each returned cursor until
    /// the list ends. Each page goes through [`Client::call`]; a failing page
    /// is yielded as an error and ends the stream, and so does a cursor that
    /// was already sent ([`Error::RepeatedCursor`], after the page that
    /// returned it).
    pub fn pages<P: Paged + 'static>(&self, request: P) -> Pages<P> {
        Pages {
            client: self.clone(),
            sent: request.cursor().into_iter().collect(),
            next: Some(request),
            pages: 0,
            repeated: None,
            in_flight: None,
        }
    }

    /// Sends `request`, then again with each returned cursor until the list
    /// ends, and returns every item in server order.
    ///
    /// Every page goes through [`Client::call`] (validation, signing,
    /// retries, error mapping); the first failing page fails the whole
    /// listing. The page size is whatever `request` asks for. If the server
    /// returns a cursor that was already sent in this listing, the loop
    /// stops with [`Error::RepeatedCursor`] (see the [module
    /// docs](crate::paging)).
    pub async fn call_all<P: Paged>(&self, request: P) -> Result<Vec<P::Item>, Error> {
        collect_pages(request, |page| async move {
            self.call(&page).await.map(crate::Reply::into_inner)
        })
        .await
    }
}

type PageFuture<P> =
    Pin<Box<dyn Future<Output = Result<Reply<<P as Command>::Response>, Error>> + Send>>;

/// A stream of the pages of a listing; see [`Client::pages`] and the
/// [module docs](crate::paging).
///
/// Read it with [`next`](Pages::next) or as a `futures_core::Stream`.
/// Dropping it stops the listing: no further page is requested.
pub struct Pages<P: Paged> {
    client: Client,
    /// The request for the next page; `None` once the listing has ended.
    next: Option<P>,
    sent: HashSet<P::Cursor>,
    pages: usize,
    /// A repeated cursor, reported after the page that returned it.
    repeated: Option<P::Cursor>,
    in_flight: Option<(P, PageFuture<P>)>,
}

impl<P: Paged> fmt::Debug for Pages<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("command", &P::INFO.command)
            .field("pages", &self.pages)
            .field("done", &(self.next.is_none() && self.in_flight.is_none()))
            .finish_non_exhaustive()
    }
}

impl<P: Paged + 'static> Pages<P> {
    /// The next page, `None` when the listing has ended.
    pub async fn next(&mut self) -> Option<Result<Reply<P::Response>, Error>> {
        std::future::poll_fn(|cx| self.poll_page(cx)).await
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> usize {
        self.pages
    }

    fn poll_page(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Reply<P::Response>, Error>>> {
        if let Some(cursor) = self.repeated.take() {
            return Poll::Ready(Some(Err(Error::RepeatedCursor {
                service: P::INFO.service,
                command: P::INFO.command,
                cursor: cursor.to_string(),
                pages: self.pages,
            })));
        }
        if self.in_flight.is_none() {
            let Some(request) = self.next.take() else {
                return Poll::Ready(None);
            };
            let client = self.client.clone();
            let sent = request.clone();
            let fut: PageFuture<P> = Box::pin(async move { client.call(&sent).await });
            self.in_flight = Some((request, fut));
        }
        let Some((_, fut)) = self.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        let result = match fut.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(r) => r,
        };
        let Some((request, _)) = self.in_flight.take() else {
            return Poll::Ready(None);
        };
        let page = match result {
            Ok(page) => page,
            // The listing ends at the first failing page.
            Err(e) => return Poll::Ready(Some(Err(e))),
        };
        self.pages += 1;
        if let Some(cursor) = P::next_cursor(&page) {
            if self.sent.insert(cursor.clone()) {
                self.next = Some(request.with_cursor(cursor));
            } else {
                self.repeated = Some(cursor);
            }
        }
        Poll::Ready(Some(Ok(page)))
    }
}

// Every field is `Unpin` (the future is boxed), so the stream is too.
impl<P: Paged> Unpin for Pages<P> {}

impl<P: Paged + 'static> futures_core::Stream for Pages<P> {
    type Item = Result<Reply<P::Response>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

/// The paging loop, with the page fetch as a parameter (tests pass a fake).
async fn collect_pages<P, F, Fut>(mut request: P, mut fetch: F) -> Result<Vec<P::Item>, Error>
where
    P: Paged,
    F: FnMut(P) -> Fut,
    Fut: Future<Output = Result<P::Response, Error>>,
{
    let mut sent: HashSet<P::Cursor> = request.cursor().into_iter().collect();
    let mut items = Vec::new();
    let mut pages = 0usize;
    loop {
        let response = fetch(request.clone()).await?;
        pages += 1;
        let next = P::next_cursor(&response);
        items.extend(P::into_items(response));
        let Some(cursor) = next else {
            return Ok(items);
        };
        if !sent.insert(cursor.clone()) {
            return Err(Error::RepeatedCursor {
                service: P::INFO.service,
                command: P::INFO.command,
                cursor: cursor.to_string(),
                pages,
            });
        }
        request = request.with_cursor(cursor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GetBannedMemberList, GetBannedMemberListResponse};

    fn banned(ids: &[&str], next: Option<u64>) -> GetBannedMemberListResponse {
        GetBannedMemberListResponse {
            banned_account_list: Some(ids.iter().map(|id| crate::BannedMember::new(*id)).collect()),
            next_offset: next,
            extra: serde_json::Map::new(),
        }
    }

    /// Serves `pages` keyed by the request's offset, recording the offsets asked for.
    async fn run(
        request: GetBannedMemberList,
        pages: &[(u64, GetBannedMemberListResponse)],
    ) -> (Result<Vec<String>, Error>, Vec<u64>) {
        let mut asked = Vec::new();
        let result = collect_pages(request, |r: GetBannedMemberList| {
            let offset = r.offset.unwrap_or(0);
            asked.push(offset);
            let page = pages
                .iter()
                .find(|(o, _)| *o == offset)
                .map(|(_, p)| p.clone());
            async move { Ok(page.expect("the loop asked for an offset it was never given")) }
        })
        .await
        .map(|v| v.into_iter().map(|m| m.member_account).collect());
        (result, asked)
    }

    #[tokio::test]
    async fn follows_the_cursor_until_zero() {
        let pages = [
            (0, banned(&["a", "b"], Some(2))),
            (2, banned(&["c", "d"], Some(4))),
            (4, banned(&["e"], Some(0))),
        ];
        let (got, asked) = run(GetBannedMemberList::new("r"), &pages).await;
        assert_eq!(got.expect("complete list"), ["a", "b", "c", "d", "e"]);
        assert_eq!(asked, [0, 2, 4]);
    }

    #[tokio::test]
    async fn absent_cursor_ends_the_list() {
        let pages = [(0, banned(&["a"], Some(1))), (1, banned(&["b"], None))];
        let (got, _) = run(GetBannedMemberList::new("r"), &pages).await;
        assert_eq!(got.expect("complete list"), ["a", "b"]);
    }

    #[tokio::test]
    async fn a_repeated_cursor_stops_with_an_error() {
        // page 3 points back to page 1's cursor: following it would never end
        let pages = [
            (0, banned(&["a"], Some(1))),
            (1, banned(&["b"], Some(2))),
            (2, banned(&["c"], Some(1))),
        ];
        let (got, asked) = run(GetBannedMemberList::new("r"), &pages).await;
        match got {
            Err(Error::RepeatedCursor {
                command,
                cursor,
                pages,
                ..
            }) => {
                assert_eq!(command, "get_banned_member_list");
                assert_eq!(cursor, "1");
                assert_eq!(pages, 3);
            }
            other => panic!("expected RepeatedCursor, got {other:?}"),
        }
        assert_eq!(asked, [0, 1, 2]);
    }

    #[tokio::test]
    async fn a_cursor_equal_to_the_starting_one_is_a_repeat() {
        let pages = [(5, banned(&["x"], Some(5)))];
        let (got, asked) = run(GetBannedMemberList::new("r").offset(5u64), &pages).await;
        assert!(matches!(got, Err(Error::RepeatedCursor { .. })), "{got:?}");
        assert_eq!(asked, [5]);
    }
}
