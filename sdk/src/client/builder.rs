//! Building a [`Client`].

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use super::auth::{LocalSigner, SigCache, UserSigProvider};
use super::endpoint::{check_scheme, Endpoint, Region};
use super::retry::RetryPolicy;
use super::{Client, Inner};
use crate::error::{ConfigError, Error};
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
///
/// ```
/// use std::time::Duration;
/// use trtc_room::{Client, RetryPolicy};
///
/// // A client of a local emulator (plain http is accepted for loopback hosts).
/// let client = Client::builder()
///     .sdk_app_id(1400000000)
///     .secret_key("emulator-secret")
///     .admin("administrator")
///     .base_url("http://127.0.0.1:8080")
///     .attempt_timeout(Duration::from_secs(2))
///     .retry_policy(RetryPolicy::default().max_attempts(2))
///     .build()?;
/// # let _ = client;
///
/// // A missing setting is named in the error.
/// let err = Client::builder().sdk_app_id(1400000000).build().unwrap_err();
/// assert!(err.to_string().contains("admin"));
/// # Ok::<(), trtc_room::Error>(())
/// ```
pub struct ClientBuilder {
    sdk_app_id: Option<u64>,
    secret_key: Option<String>,
    provider: Option<Arc<dyn UserSigProvider>>,
    admin: Option<String>,
    endpoint: Option<Endpoint>,
    attempt_timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    deadline: Option<Duration>,
    user_agent: String,
    http: Option<reqwest::Client>,
    allow_insecure_http: bool,
    sig_lifetime: Duration,
    sig_renew_before: Duration,
    sig_timeout: Option<Duration>,
    pool_idle_timeout: Duration,
    bad_url: Option<String>,
    rate_limits: RateLimits,
    /// How the endpoint was given, for errors (`base_url`, `TRTC_BASE_URL`, ...).
    endpoint_setting: &'static str,
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
            deadline: None,
            user_agent: concat!("trtc-room-rust/", env!("CARGO_PKG_VERSION")).to_owned(),
            http: None,
            allow_insecure_http: false,
            sig_lifetime: Duration::from_secs(24 * 3600),
            sig_renew_before: Duration::from_secs(600),
            sig_timeout: None,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            bad_url: None,
            rate_limits: RateLimits::new(),
            endpoint_setting: "base_url",
        }
    }

    /// A builder filled from `TRTC_SDK_APP_ID`, `TRTC_SECRET_KEY`,
    /// `TRTC_ADMIN` and `TRTC_REGION` or `TRTC_BASE_URL` (further settings
    /// can be chained before [`build`](Self::build)).
    ///
    /// Every missing variable is reported at once
    /// ([`ConfigError::Missing`]); a bad value names its variable
    /// ([`ConfigError::Invalid`]), also when [`build`](Self::build) finds it
    /// unusable (e.g. an `http://` `TRTC_BASE_URL` to a remote host).
    pub fn from_env() -> Result<Self, Error> {
        fn var(name: &'static str) -> Result<Option<String>, Error> {
            match std::env::var(name) {
                Ok(v) if v.trim().is_empty() => Ok(None),
                Ok(v) => Ok(Some(v)),
                Err(std::env::VarError::NotPresent) => Ok(None),
                Err(std::env::VarError::NotUnicode(_)) => {
                    Err(ConfigError::invalid(name, "not valid UTF-8").into())
                }
            }
        }
        let app = var("TRTC_SDK_APP_ID")?;
        let key = var("TRTC_SECRET_KEY")?;
        let admin = var("TRTC_ADMIN")?;
        let url = var("TRTC_BASE_URL")?;
        let region = var("TRTC_REGION")?;
        let mut missing = Vec::new();
        for (name, value) in [
            ("TRTC_SDK_APP_ID", &app),
            ("TRTC_SECRET_KEY", &key),
            ("TRTC_ADMIN", &admin),
        ] {
            if value.is_none() {
                missing.push(name);
            }
        }
        if url.is_none() && region.is_none() {
            missing.push("TRTC_REGION or TRTC_BASE_URL");
        }
        let (Some(app), Some(key), Some(admin)) = (app, key, admin) else {
            return Err(ConfigError::Missing(missing).into());
        };
        if !missing.is_empty() {
            return Err(ConfigError::Missing(missing).into());
        }
        let app: u64 = app.trim().parse().map_err(|_| {
            ConfigError::invalid(
                "TRTC_SDK_APP_ID",
                format!("must be a positive integer, got {app:?}"),
            )
        })?;
        let (endpoint, source) = match (url, region) {
            (Some(url), _) => (
                Endpoint::BaseUrl(url::Url::parse(url.trim()).map_err(|e| {
                    ConfigError::invalid("TRTC_BASE_URL", format!("invalid URL: {e}"))
                })?),
                "TRTC_BASE_URL",
            ),
            (None, Some(region)) => (
                Endpoint::Region(
                    Region::from_str(region.trim())
                        .map_err(|e| ConfigError::invalid("TRTC_REGION", e.to_string()))?,
                ),
                "TRTC_REGION",
            ),
            (None, None) => unreachable!("reported as missing above"),
        };
        let mut builder = ClientBuilder::new()
            .sdk_app_id(app)
            .secret_key(key)
            .admin(admin)
            .endpoint(endpoint);
        builder.endpoint_setting = source;
        Ok(builder)
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
        self.endpoint_setting = "region";
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
                self.bad_url = Some(format!("invalid URL: {e}"));
            }
        }
        self.endpoint_setting = "base_url";
        self
    }

    /// Call this endpoint.
    pub fn endpoint(mut self, endpoint: impl Into<Endpoint>) -> Self {
        let endpoint = endpoint.into();
        self.endpoint_setting = match endpoint {
            Endpoint::Region(_) => "region",
            Endpoint::BaseUrl(_) => "base_url",
        };
        self.endpoint = Some(endpoint);
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

    /// Overall time budget of one call across retries. Takes precedence
    /// over the deadline of the [`retry_policy`](Self::retry_policy), in
    /// whichever order the two are set.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The retry policy (its deadline applies unless
    /// [`deadline`](Self::deadline) is set).
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
    /// apply; the attempt timeout and deadline still do). `reqwest` is
    /// re-exported as [`trtc_room::reqwest`](crate::reqwest), the version
    /// this takes.
    ///
    /// Start from [`http_client_builder`](crate::http_client_builder): it has
    /// the TLS setup of the crate's features and redirects off, as the client
    /// the builder creates does. Redirects must stay off: the admin UserSig
    /// travels in the query string, and reqwest's default policy would send
    /// it on to wherever a redirect points.
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
        let invalid = |setting, reason: &str| Error::from(ConfigError::invalid(setting, reason));
        let mut missing = Vec::new();
        if self.sdk_app_id.is_none() {
            missing.push("sdk_app_id");
        }
        if self.secret_key.is_none() && self.provider.is_none() {
            missing.push("secret_key or user_sig_provider");
        }
        if self.admin.is_none() {
            missing.push("admin");
        }
        if self.endpoint.is_none() && self.bad_url.is_none() {
            missing.push("region or base_url");
        }
        let (Some(sdk_app_id), Some(admin), false) =
            (self.sdk_app_id, self.admin, !missing.is_empty())
        else {
            return Err(ConfigError::Missing(missing).into());
        };
        if admin.is_empty() {
            return Err(invalid("admin", "empty"));
        }
        let setting = self.endpoint_setting;
        if let Some(msg) = self.bad_url {
            return Err(invalid(setting, &msg));
        }
        let Some(endpoint) = self.endpoint else {
            return Err(ConfigError::Missing(vec!["region or base_url"]).into());
        };
        let url = endpoint.url()?;
        check_scheme(&url, self.allow_insecure_http, setting)?;
        if url.scheme() == "https" && !super::tls::HAS_TLS && self.http.is_none() {
            return Err(invalid(
                setting,
                "https needs one of the features rustls, rustls-platform-verifier or \
                 native-tls of trtc-room, and this build has none",
            ));
        }
        if url.cannot_be_a_base() || url.host().is_none() {
            return Err(invalid(setting, &format!("{url} cannot be a base URL")));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(
                setting,
                "the base URL must not have a query or fragment",
            ));
        }
        let base = url.as_str().trim_end_matches('/').to_owned();
        if self.attempt_timeout.is_zero() {
            return Err(invalid("attempt_timeout", "must not be zero"));
        }
        let auth = match (self.secret_key, self.provider) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "secret_key",
                    "set either a secret key or a UserSig provider, not both",
                ))
            }
            (Some(key), None) => {
                if key.is_empty() {
                    return Err(invalid("secret_key", "empty"));
                }
                Auth::Key(SigningKey::new(sdk_app_id, key.clone()), key)
            }
            (None, Some(p)) => Auth::Provider(p),
            (None, None) => {
                return Err(ConfigError::Missing(vec!["secret_key or user_sig_provider"]).into())
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
                    return Err(invalid(
                        "user_sig_lifetime",
                        &format!("must be 1..={MAX_EXPIRE_SECS} seconds"),
                    ));
                }
                if self.sig_renew_before >= self.sig_lifetime {
                    return Err(invalid(
                        "user_sig_renew_before",
                        "must be shorter than the UserSig lifetime",
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
            None => super::tls::http_client_builder()?
                .user_agent(self.user_agent)
                .connect_timeout(self.connect_timeout)
                .pool_idle_timeout(self.pool_idle_timeout)
                .tcp_keepalive(Duration::from_secs(60))
                .build()
                .map_err(|e| invalid("http_client", &format!("cannot build it: {e}")))?,
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
                retry: RetryPolicy {
                    deadline: self.deadline.or(self.retry.deadline),
                    ..self.retry
                },
                #[cfg(feature = "test-util")]
                mock: None,
                limiter: Limiter::new(self.rate_limits, sdk_app_id),
                urls: Default::default(),
            }),
        })
    }
}
