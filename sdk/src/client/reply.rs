//! A successful answer.

use std::ops::Deref;

/// A successful answer: the typed payload plus the envelope's `RequestId`.
///
/// Derefs to the payload, so `reply.field` reads a field directly.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<T> {
    value: T,
    request_id: Option<String>,
    completed_by_earlier_attempt: bool,
}

impl<T> Reply<T> {
    /// A reply holding `value`, e.g. for a test double.
    pub fn new(value: T, request_id: Option<String>) -> Self {
        Reply {
            value,
            request_id,
            completed_by_earlier_attempt: false,
        }
    }

    pub(crate) fn by_earlier_attempt(mut self, earlier: bool) -> Self {
        self.completed_by_earlier_attempt = earlier;
        self
    }

    /// `true` when an earlier attempt of this call did the work and its
    /// answer was lost: a retry then met the new state and got an error code
    /// that the command declares as "already done" (for example
    /// `destroy_room` answering 100004 after the first attempt timed out).
    /// The call is reported as successful; the payload is empty and
    /// [`request_id`](Self::request_id) is the retry's.
    ///
    /// Only set after an attempt that may have reached the server (a
    /// timeout, a reset, a 5xx, 100001), so such a code on a first attempt is
    /// still an error. The codes of each command are listed in its docs.
    pub fn completed_by_earlier_attempt(&self) -> bool {
        self.completed_by_earlier_attempt
    }

    /// The payload.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The `RequestId` of the envelope (absent for some commands, e.g. the
    /// account ones).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl<T> Deref for Reply<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}
