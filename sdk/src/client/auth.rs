//! The admin UserSig: where it comes from and how it is cached.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::Duration;

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
/// The client caches the sig and asks again only when it nears expiry.
/// The error text must not contain secrets: it ends up in
/// [`Error::Config`](crate::Error::Config).
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

/// Caches the admin sig; renews it `renew_before` ahead of expiry. While a
/// still-valid sig is being renewed by one caller, the others keep using it.
pub(crate) struct SigCache {
    provider: Arc<dyn UserSigProvider>,
    identifier: String,
    renew_before: u64,
    current: RwLock<Option<Arc<IssuedUserSig>>>,
    renewing: tokio::sync::Mutex<()>,
}

impl SigCache {
    pub(crate) fn new(
        provider: Arc<dyn UserSigProvider>,
        identifier: String,
        renew_before: Duration,
    ) -> Self {
        SigCache {
            provider,
            identifier,
            renew_before: renew_before.as_secs(),
            current: RwLock::new(None),
            renewing: tokio::sync::Mutex::new(()),
        }
    }

    fn snapshot(&self) -> Option<Arc<IssuedUserSig>> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn store(&self, sig: Arc<IssuedUserSig>) {
        match self.current.write() {
            Ok(mut g) => *g = Some(sig),
            Err(poisoned) => *poisoned.into_inner() = Some(sig),
        }
    }

    fn fresh(&self, s: &IssuedUserSig, now: u64) -> bool {
        now.saturating_add(self.renew_before) < s.valid_until
    }

    /// A sig to use now.
    pub(crate) async fn get(&self) -> Result<Arc<IssuedUserSig>, crate::Error> {
        let now = unix_now();
        if let Some(cur) = self.snapshot() {
            if self.fresh(&cur, now) {
                return Ok(cur);
            }
            if now < cur.valid_until {
                // Near expiry but usable: one caller renews, the rest go on.
                let Ok(_guard) = self.renewing.try_lock() else {
                    return Ok(cur);
                };
                if let Some(latest) = self.snapshot() {
                    if self.fresh(&latest, unix_now()) {
                        return Ok(latest);
                    }
                }
                return match self.renew().await {
                    Ok(new) => Ok(new),
                    Err(e) => {
                        tracing::warn!(error = %e, "admin UserSig renewal failed; using the current one until it expires");
                        Ok(cur)
                    }
                };
            }
        }
        // No usable sig: everybody waits for one renewal.
        let _guard = self.renewing.lock().await;
        if let Some(latest) = self.snapshot() {
            if unix_now() < latest.valid_until {
                return Ok(latest);
            }
        }
        self.renew().await
    }

    async fn renew(&self) -> Result<Arc<IssuedUserSig>, crate::Error> {
        tracing::debug!("renewing the admin UserSig");
        let issued = self
            .provider
            .user_sig(&self.identifier)
            .await
            .map_err(|e| {
                crate::Error::Config(crate::ConfigError::invalid(
                    "user_sig_provider",
                    format!("cannot obtain the admin UserSig: {e}"),
                ))
            })?;
        let issued = Arc::new(issued);
        self.store(issued.clone());
        Ok(issued)
    }
}
