//! The admin UserSig: where it comes from and how it is cached.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::usersig::{unix_now, SigningKey};

/// A UserSig handed out by a [`UserSigProvider`], with its expiry.
///
/// `Debug` does not show the sig.
#[derive(Clone)]
pub struct IssuedUserSig {
    sig: String,
    valid_until: u64,
}

impl IssuedUserSig {
    /// A sig that the service accepts until unix second `valid_until`.
    pub fn new(sig: impl Into<String>, valid_until: u64) -> Self {
        IssuedUserSig {
            sig: sig.into(),
            valid_until,
        }
    }

    /// Last unix second at which the sig is valid.
    pub fn valid_until(&self) -> u64 {
        self.valid_until
    }

    pub(crate) fn sig(&self) -> &str {
        &self.sig
    }
}

impl fmt::Debug for IssuedUserSig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedUserSig")
            .field("sig", &"<redacted>")
            .field("valid_until", &self.valid_until)
            .finish()
    }
}

/// Boxed error of a [`UserSigProvider`].
pub type ProviderError = Box<dyn std::error::Error + Send + Sync>;

/// The future returned by [`UserSigProvider::user_sig`].
pub type ProviderFuture<'a> =
    Pin<Box<dyn Future<Output = Result<IssuedUserSig, ProviderError>> + Send + 'a>>;

/// A source of admin UserSigs, for applications that keep the secret key
/// out of this process (a signing service, a KMS).
///
/// The client caches the sig and asks again only when it nears expiry (10
/// minutes before, or halfway through the sig's lifetime when that is
/// shorter). One renewal runs at a time; the provider gets the signing
/// timeout (by default the attempt timeout) to answer. When it fails or
/// times out, calls that have no usable sig fail with
/// [`Error::Signing`](crate::Error::Signing), which means nothing was sent,
/// and the next renewal waits (1 s, doubling up to 60 s) while such calls
/// fail at once with the same error. The error text must not contain
/// secrets: it ends up in that error.
pub trait UserSigProvider: Send + Sync + 'static {
    /// A UserSig for the admin `identifier`.
    fn user_sig<'a>(&'a self, identifier: &'a str) -> ProviderFuture<'a>;
}

/// The built-in provider: signs locally with the secret key.
pub(crate) struct LocalSigner {
    pub(crate) key: SigningKey,
    pub(crate) expire: Duration,
}

impl UserSigProvider for LocalSigner {
    fn user_sig<'a>(&'a self, identifier: &'a str) -> ProviderFuture<'a> {
        Box::pin(async move {
            let now = unix_now();
            let expire = self.expire.as_secs();
            let sig = self.key.generate_at(identifier, expire, now)?;
            Ok(IssuedUserSig::new(sig, now.saturating_add(expire)))
        })
    }
}

/// Why no admin sig could be had; becomes [`Error::Signing`](crate::Error::Signing).
#[derive(Debug, Clone)]
pub(crate) struct SignFailure {
    /// What went wrong (the provider's error text).
    pub(crate) message: Arc<str>,
    /// The provider did not answer within the signing timeout.
    pub(crate) timed_out: bool,
}

/// First wait after a failed renewal; doubles with each further failure.
const FAILURE_BACKOFF: Duration = Duration::from_secs(1);
/// Longest wait between two renewals after failures.
const MAX_FAILURE_BACKOFF: Duration = Duration::from_secs(60);

/// A sig in the cache, with when it was obtained (to know its lifetime).
struct Cached {
    sig: Arc<IssuedUserSig>,
    obtained_at: u64,
}

/// The last failed renewal.
struct Failure {
    error: SignFailure,
    /// No new renewal before this instant: callers without a usable sig
    /// fail at once with `error`.
    retry_at: Instant,
    /// Failures in a row.
    streak: u32,
}

#[derive(Default)]
struct CacheState {
    current: Option<Cached>,
    failure: Option<Failure>,
    /// Counts finished renewals, so a caller that waited for one knows
    /// whether it ended while it waited.
    renewals: u64,
}

/// Caches the admin sig and renews it ahead of expiry, one renewal at a time.
///
/// * A sig is renewed `renew_before` before it expires, or halfway through
///   its own lifetime when that is shorter (a provider issuing short-lived
///   sigs is not asked on every call).
/// * While a still-valid sig is being renewed by one caller, the others keep
///   using it.
/// * Without a usable sig, callers wait for the single renewal in flight and
///   share its outcome; after a failure, renewals back off (1 s, doubling up
///   to 60 s) and callers fail at once with the provider's error meanwhile.
/// * The provider gets `sign_timeout` per renewal.
pub(crate) struct SigCache {
    provider: Arc<dyn UserSigProvider>,
    identifier: String,
    renew_before: u64,
    sign_timeout: Duration,
    state: Mutex<CacheState>,
    renewing: tokio::sync::Mutex<()>,
}

impl SigCache {
    pub(crate) fn new(
        provider: Arc<dyn UserSigProvider>,
        identifier: String,
        renew_before: Duration,
        sign_timeout: Duration,
    ) -> Self {
        SigCache {
            provider,
            identifier,
            renew_before: renew_before.as_secs(),
            sign_timeout,
            state: Mutex::new(CacheState::default()),
            renewing: tokio::sync::Mutex::new(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn fresh(&self, c: &Cached, now: u64) -> bool {
        let lifetime = c.sig.valid_until.saturating_sub(c.obtained_at);
        let margin = self.renew_before.min(lifetime / 2);
        now.saturating_add(margin) < c.sig.valid_until
    }

    /// The kept sig when it needs no renewal yet: what
    /// [`get`](Self::get) returns at once in that case, without a future.
    pub(crate) fn cached(&self) -> Option<Arc<IssuedUserSig>> {
        let st = self.lock();
        st.current
            .as_ref()
            .filter(|c| self.fresh(c, unix_now()))
            .map(|c| c.sig.clone())
    }

    /// A sig to use now.
    pub(crate) async fn get(&self) -> Result<Arc<IssuedUserSig>, SignFailure> {
        let now = unix_now();
        let (usable, backing_off, renewals) = {
            let st = self.lock();
            if let Some(c) = &st.current {
                if self.fresh(c, now) {
                    return Ok(c.sig.clone());
                }
            }
            let usable = st
                .current
                .as_ref()
                .filter(|c| now < c.sig.valid_until)
                .map(|c| c.sig.clone());
            let backing_off = st
                .failure
                .as_ref()
                .filter(|f| Instant::now() < f.retry_at)
                .map(|f| f.error.clone());
            (usable, backing_off, st.renewals)
        };
        if let Some(cur) = usable {
            // Near expiry but usable: one caller renews (unless renewals are
            // backing off after a failure), the rest go on with it.
            if backing_off.is_some() {
                return Ok(cur);
            }
            let Ok(_guard) = self.renewing.try_lock() else {
                return Ok(cur);
            };
            if let Some(c) = &self.lock().current {
                if self.fresh(c, unix_now()) {
                    return Ok(c.sig.clone());
                }
            }
            return match self.renew().await {
                Ok(new) => Ok(new),
                Err(e) => {
                    tracing::warn!(error = %e.message, "admin UserSig renewal failed; using the current one until it expires");
                    Ok(cur)
                }
            };
        }
        if let Some(error) = backing_off {
            return Err(error);
        }
        // No usable sig: wait for the renewal in flight, or do it.
        let _guard = self.renewing.lock().await;
        {
            let st = self.lock();
            if let Some(c) = st
                .current
                .as_ref()
                .filter(|c| unix_now() < c.sig.valid_until)
            {
                return Ok(c.sig.clone());
            }
            if st.renewals != renewals {
                if let Some(f) = &st.failure {
                    // The renewal we waited for failed: share its outcome.
                    return Err(f.error.clone());
                }
            }
        }
        self.renew().await
    }

    async fn renew(&self) -> Result<Arc<IssuedUserSig>, SignFailure> {
        tracing::debug!("renewing the admin UserSig");
        let asked =
            tokio::time::timeout(self.sign_timeout, self.provider.user_sig(&self.identifier)).await;
        let now = unix_now();
        let outcome = match asked {
            Ok(Ok(issued)) if issued.valid_until > now => Ok(Arc::new(issued)),
            Ok(Ok(_)) => Err(SignFailure {
                message: "the UserSig provider returned a sig that has already expired".into(),
                timed_out: false,
            }),
            Ok(Err(e)) => Err(SignFailure {
                message: format!("the UserSig provider failed: {e}").into(),
                timed_out: false,
            }),
            Err(_) => Err(SignFailure {
                message: format!(
                    "the UserSig provider did not answer within {:?}",
                    self.sign_timeout
                )
                .into(),
                timed_out: true,
            }),
        };
        let mut st = self.lock();
        st.renewals = st.renewals.wrapping_add(1);
        match outcome {
            Ok(sig) => {
                st.current = Some(Cached {
                    sig: sig.clone(),
                    obtained_at: now,
                });
                st.failure = None;
                Ok(sig)
            }
            Err(error) => {
                let streak = st
                    .failure
                    .as_ref()
                    .map_or(0, |f| f.streak)
                    .saturating_add(1);
                let wait = FAILURE_BACKOFF
                    .saturating_mul(1u32 << (streak - 1).min(16))
                    .min(MAX_FAILURE_BACKOFF);
                st.failure = Some(Failure {
                    error: error.clone(),
                    retry_at: Instant::now() + wait,
                    streak,
                });
                Err(error)
            }
        }
    }
}
