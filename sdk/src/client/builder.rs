//! Building a [`Client`].

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use super::auth::{LocalSigner, SigCache, UserSigProvider};
use super::endpoint::{check_scheme, Endpoint, Region};
use super::retry::RetryPolicy;
use super::{Client, Inner};
use crate::error::Error;
use crate::limit::{Limiter, RateLimits};
use crate::usersig::{SigningKey, MAX_EXPIRE_SECS};

/// How long an idle pooled connection is kept by default: below the
/// keep-alive timeouts common in front of HTTP APIs (60 s and more), so the
/// client closes an idle connection before the server does and never sends
/// on one the server is closing.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(50);

enum Auth {
    /// The signing key and its text (kept to redact echoes of it).
    Key(SigningKey, String),
    Provider(Arc<dyn UserSigProvider>),
}

/// Configures a [`Client`]. Required: the SDKAppID, the secret key (or a
/// [`UserSigProvider`]), the admin identifier, and a region or base URL.
///
/// `Debug` never shows the secret key.
pub struct ClientBuilder {
    sdk_app_id: Option<u64>,
    secret_key: Option<String>,
    provider: Option<Arc<dyn UserSigProvider>>,
    admin: Option<String>,
    endpoint: Option<Endpoint>,
    attempt_timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    http: Option<reqwest::Client>,
    allow_insecure_http: bool,
    sig_lifetime: Duration,
    sig_renew_before: Duration,
    sig_timeout: Option<Duration>,
    pool_idle_timeout: Duration,
    bad_url: Option<String>,
    rate_limits: RateLimits,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("sdk_app_id", &self.sdk_app_id)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .field("provider", &self.provider.as_ref().map(|_| "<provider>"))
            .field("admin", &self.admin)
            .field("endpoint", &self.endpoint)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("rate_limits", &self.rate_limits)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// A builder with the defaults: 5 s per attempt (the service gives up at
    /// 3 s), [`RetryPolicy::default`], admin sigs valid for a day and renewed
    /// 10 minutes before they expire.
    pub fn new() -> Self {
        ClientBuilder {
            sdk_app_id: None,
            secret_key: None,
            provider: None,
            admin: None,
            endpoint: None,
            attempt_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(3),
            retry: RetryPolicy::default(),
            user_agent: concat!("trtc-room-rust/", env!("CARGO_PKG_VERSION")).to_owned(),
            http: None,
            allow_insecure_http: false,
            sig_lifetime: Duration::from_secs(24 * 3600),
            sig_renew_before: Duration::from_secs(600),
            sig_timeout: None,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            bad_url: None,
            rate_limits: RateLimits::new(),
        }
    }

    /// A builder filled from `TRTC_SDK_APP_ID`, `TRTC_SECRET_KEY`,
    /// `TRTC_ADMIN` and `TRTC_REGION` or `TRTC_BASE_URL` (further settings
    /// can be chained before [`build`](Self::build)).
    pub fn from_env() -> Result<Self, Error> {
        fn var(name: &str) -> Result<Option<String>, Error> {
            match std::env::var(name) {
                Ok(v) if v.trim().is_empty() => Ok(None),
                Ok(v) => Ok(Some(v)),
                Err(std::env::VarError::NotPresent) => Ok(None),
                Err(std::env::VarError::NotUnicode(_)) => {
                    Err(Error::Config(format!("{name} is not valid UTF-8")))
                }
            }
        }
        fn required(name: &str) -> Result<String, Error> {
            var(name)?.ok_or_else(|| Error::Config(format!("{name} is not set")))
        }
        let app = required("TRTC_SDK_APP_ID")?;
        let app: u64 = app.trim().parse().map_err(|_| {
            Error::Config(format!(
                "TRTC_SDK_APP_ID must be a positive integer, got {app:?}"
            ))
        })?;
        let key = required("TRTC_SECRET_KEY")?;
        let admin = required("TRTC_ADMIN")?;
        let endpoint = match (var("TRTC_BASE_URL")?, var("TRTC_REGION")?) {
            (Some(url), _) => Endpoint::base_url(url.trim())
                .map_err(|e| Error::Config(format!("TRTC_BASE_URL is not a usable URL: {e}")))?,
            (None, Some(region)) => Endpoint::Region(
                Region::from_str(region.trim())
                    .map_err(|e| Error::Config(format!("TRTC_REGION: {e}")))?,
            ),
            (None, None) => {
                return Err(Error::Config(
                    "neither TRTC_REGION nor TRTC_BASE_URL is set".into(),
                ))
            }
        };
        Ok(ClientBuilder::new()
            .sdk_app_id(app)
            .secret_key(key)
            .admin(admin)
            .endpoint(endpoint))
    }

    /// The application's SDKAppID.
    pub fn sdk_app_id(mut self, id: u64) -> Self {
        self.sdk_app_id = Some(id);
        self
    }

    /// The console's secret key; the client signs its admin UserSig with it.
    pub fn secret_key(mut self, key: impl Into<String>) -> Self {
        self.secret_key = Some(key.into());
        self
    }

    /// Obtain admin UserSigs from `provider` instead of a secret key.
    pub fn user_sig_provider(mut self, provider: impl UserSigProvider) -> Self {
        self.provider = Some(Arc::new(provider));
        self
    }

    /// The App admin account the client calls as.
    pub fn admin(mut self, identifier: impl Into<String>) -> Self {
        self.admin = Some(identifier.into());
        self
    }

    /// Call a documented region.
    pub fn region(mut self, region: Region) -> Self {
        self.endpoint = Some(Endpoint::Region(region));
        self.bad_url = None;
        self
    }

    /// Call a custom base URL (the emulator, a proxy). A bad URL is
    /// reported by [`build`](Self::build).
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        match url::Url::parse(url.as_ref()) {
            Ok(u) => {
                self.endpoint = Some(Endpoint::BaseUrl(u));
                self.bad_url = None;
            }
            Err(e) => {
                self.endpoint = None;
                self.bad_url = Some(format!("invalid base URL: {e}"));
            }
        }
        self
    }

    /// Call this endpoint.
    pub fn endpoint(mut self, endpoint: impl Into<Endpoint>) -> Self {
        self.endpoint = Some(endpoint.into());
        self.bad_url = None;
        self
    }

    /// Time limit of one attempt (default 5 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Time limit of connection setup, within an attempt (default 3 s).
    /// Only applies to the HTTP client the builder creates itself.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Overall time budget of one call across retries (shortcut for the
    /// retry policy's `deadline`).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.retry.deadline = Some(deadline);
        self
    }

    /// The retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` header (only for the HTTP client the builder creates).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Use this `reqwest::Client` (its own timeouts, proxy and TLS settings
    /// apply; the attempt timeout and deadline still do).
    ///
    /// Build it with `.redirect(reqwest::redirect::Policy::none())`, as the
    /// client the builder creates is: the admin UserSig travels in the query
    /// string, and reqwest's default policy would send it on to wherever a
    /// redirect points.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Allow `http://` to non-loopback hosts (sigs then travel in clear text).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Lifetime of the admin UserSigs the client signs (default one day).
    pub fn user_sig_lifetime(mut self, lifetime: Duration) -> Self {
        self.sig_lifetime = lifetime;
        self
    }

    /// Renew the cached admin UserSig this long before it expires (default
    /// 10 minutes).
    pub fn user_sig_renew_before(mut self, margin: Duration) -> Self {
        self.sig_renew_before = margin;
        self
    }

    /// How the client paces its calls to the documented rate limits
    /// (default [`RateLimits::new`]: on, shared by the client's clones;
    /// [`RateLimits::off`] turns it off). See [`crate::limit`].
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.rate_limits = limits;
        self
    }

    /// Time a [`UserSigProvider`] gets to hand out a sig (default: the
    /// attempt timeout). A call that has no usable sig when this runs out
    /// fails with [`Error::Signing`] (`timed_out: true`): nothing was sent.
    pub fn user_sig_timeout(mut self, timeout: Duration) -> Self {
        self.sig_timeout = Some(timeout);
        self
    }

    /// How long an idle keep-alive connection stays in the pool (default
    /// [`DEFAULT_POOL_IDLE_TIMEOUT`]). Keep it below the server's own
    /// keep-alive timeout, so the client never sends on a connection the
    /// server is closing. Only applies to the HTTP client the builder creates.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let sdk_app_id = self
            .sdk_app_id
            .ok_or_else(|| Error::Config("the SDKAppID is not set".into()))?;
        let admin = self
            .admin
            .ok_or_else(|| Error::Config("the admin identifier is not set".into()))?;
        if admin.is_empty() {
            return Err(Error::Config("the admin identifier is empty".into()));
        }
        if let Some(msg) = self.bad_url {
            return Err(Error::Config(msg));
        }
        let endpoint = self
            .endpoint
            .ok_or_else(|| Error::Config("neither a region nor a base URL is set".into()))?;
        let url = endpoint.url()?;
        check_scheme(&url, self.allow_insecure_http)?;
        if url.cannot_be_a_base() || url.host().is_none() {
            return Err(Error::Config(format!("{url} cannot be a base URL")));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::Config(
                "the base URL must not have a query or fragment".into(),
            ));
        }
        let base = url.as_str().trim_end_matches('/').to_owned();
        if self.attempt_timeout.is_zero() {
            return Err(Error::Config("the attempt timeout must not be zero".into()));
        }
        let auth = match (self.secret_key, self.provider) {
            (Some(_), Some(_)) => {
                return Err(Error::Config(
                    "set either a secret key or a UserSig provider, not both".into(),
                ))
            }
            (Some(key), None) => {
                if key.is_empty() {
                    return Err(Error::Config("the secret key is empty".into()));
                }
                Auth::Key(SigningKey::new(sdk_app_id, key.clone()), key)
            }
            (None, Some(p)) => Auth::Provider(p),
            (None, None) => {
                return Err(Error::Config(
                    "neither a secret key nor a UserSig provider is set".into(),
                ))
            }
        };
        let secret_key = match &auth {
            Auth::Key(_, text) => Some(text.clone()),
            Auth::Provider(_) => None,
        };
        let provider: Arc<dyn UserSigProvider> = match auth {
            Auth::Key(key, _) => {
                let secs = self.sig_lifetime.as_secs();
                if secs == 0 || secs > MAX_EXPIRE_SECS {
                    return Err(Error::Config(format!(
                        "the UserSig lifetime must be 1..={MAX_EXPIRE_SECS} seconds"
                    )));
                }
                if self.sig_renew_before >= self.sig_lifetime {
                    return Err(Error::Config(
                        "the UserSig renewal margin must be shorter than its lifetime".into(),
                    ));
                }
                Arc::new(LocalSigner {
                    key,
                    expire: self.sig_lifetime,
                })
            }
            Auth::Provider(p) => p,
        };
        let http = match self.http {
            Some(h) => h,
            None => reqwest::Client::builder()
                .user_agent(self.user_agent)
                .connect_timeout(self.connect_timeout)
                .pool_idle_timeout(self.pool_idle_timeout)
                .tcp_keepalive(Duration::from_secs(60))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                sdk_app_id,
                sigs: SigCache::new(
                    provider,
                    admin.clone(),
                    self.sig_renew_before,
                    self.sig_timeout.unwrap_or(self.attempt_timeout),
                ),
                secret_key,
                admin,
                base,
                http,
                attempt_timeout: self.attempt_timeout,
                retry: self.retry,
                #[cfg(feature = "test-util")]
                mock: None,
                limiter: Limiter::new(self.rate_limits, sdk_app_id),
            }),
        })
    }
}
