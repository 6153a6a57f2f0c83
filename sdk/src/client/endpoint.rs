//! Where requests go: a documented region or a custom base URL.

use std::fmt;

use url::Url;

use crate::error::ConfigError;

pub use crate::generated::regions::{Region, UnknownRegion};

/// The API endpoint: a documented Tencent region, or any base URL (the
/// emulator, a proxy, a test server).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Endpoint {
    /// A documented admin domain, reached over HTTPS.
    Region(Region),
    /// A base URL; `/v4/<service>/<command>` is appended to its path.
    BaseUrl(Url),
}

impl Endpoint {
    /// Parses a base URL (`https://…`, or `http://` for loopback hosts).
    pub fn base_url(url: &str) -> Result<Self, crate::Error> {
        let url = Url::parse(url).map_err(|e| {
            crate::Error::Config(ConfigError::invalid(
                "base_url",
                format!("invalid URL: {e}"),
            ))
        })?;
        Ok(Endpoint::BaseUrl(url))
    }

    /// The base URL requests are built on.
    pub fn url(&self) -> Result<Url, crate::Error> {
        match self {
            Endpoint::Region(r) => Url::parse(&format!("https://{}", r.domain())).map_err(|e| {
                crate::Error::Config(ConfigError::invalid(
                    "region",
                    format!("invalid domain: {e}"),
                ))
            }),
            Endpoint::BaseUrl(u) => Ok(u.clone()),
        }
    }
}

impl From<Region> for Endpoint {
    fn from(r: Region) -> Self {
        Endpoint::Region(r)
    }
}

impl From<Url> for Endpoint {
    fn from(u: Url) -> Self {
        Endpoint::BaseUrl(u)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Region(r) => write!(f, "https://{}", r.domain()),
            Endpoint::BaseUrl(u) => write!(f, "{u}"),
        }
    }
}

/// Whether `url` may be used: `https`, or `http` to a loopback host (or
/// anywhere when `allow_insecure` is set).
/// `setting` names where the URL came from, for the error.
pub(crate) fn check_scheme(
    url: &Url,
    allow_insecure: bool,
    setting: &'static str,
) -> Result<(), crate::Error> {
    let bad = |reason: String| Err(crate::Error::Config(ConfigError::invalid(setting, reason)));
    if !url.username().is_empty() || url.password().is_some() {
        // Credentials in the URL would show in Debug output and logs.
        return bad("the base URL must not carry a user name or password".into());
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure || is_loopback(url) => Ok(()),
        "http" => bad(format!(
            "plain http is only allowed for loopback hosts (got host {:?}); use https or \
             ClientBuilder::allow_insecure_http(true)",
            url.host_str().unwrap_or("")
        )),
        other => bad(format!("unsupported URL scheme {other:?}: use https")),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
