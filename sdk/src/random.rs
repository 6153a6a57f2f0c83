//! Random numbers for retry jitter and each call's `random` nonce: SipHash,
//! keyed once per process from the OS by the standard library's
//! `RandomState`, over a counter. Unpredictable without the key, but not
//! meant for secrets.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// A random `u64`.
pub(crate) fn u64() -> u64 {
    static KEY: OnceLock<RandomState> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    KEY.get_or_init(RandomState::new)
        .hash_one(COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A random `u32`.
pub(crate) fn u32() -> u32 {
    (u64() >> 32) as u32
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_differ_and_spread() {
        let values: std::collections::HashSet<u64> = (0..1000).map(|_| super::u64()).collect();
        assert_eq!(values.len(), 1000);
        // Every bit of the high half is set in some value and clear in another.
        let (or, and) = (0..1000)
            .map(|_| super::u32())
            .fold((0, u32::MAX), |(o, a), v| (o | v, a & v));
        assert_eq!((or, and), (u32::MAX, 0));
    }
}
