//! A successful answer.

use std::ops::Deref;

/// A successful answer: the typed payload plus the envelope's `RequestId`.
///
/// Derefs to the payload, so `reply.field` reads a field directly.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<T> {
    value: T,
    request_id: Option<String>,
}

impl<T> Reply<T> {
    /// A reply holding `value`, e.g. for a test double.
    pub fn new(value: T, request_id: Option<String>) -> Self {
        Reply { value, request_id }
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
