//! Checks of the query string, in the order the service applies them:
//! SDKAppID, UserSig (via the SDK's verifier), admin identifier, `random`,
//! `contenttype`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Mutex;

use trtc_room::usersig::{SigningKey, VerifyError};

use crate::error::{codes, ApiError};

/// The query parameters of a REST call (names are case-sensitive), borrowed
/// from the query string unless they had to be percent-decoded.
#[derive(Default)]
pub struct CallQuery<'a> {
    sdkappid: Option<Cow<'a, str>>,
    identifier: Option<Cow<'a, str>>,
    usersig: Option<Cow<'a, str>>,
    random: Option<Cow<'a, str>>,
    contenttype: Option<Cow<'a, str>>,
}

impl<'a> CallQuery<'a> {
    /// Parses a raw query string (absent = empty), as
    /// `application/x-www-form-urlencoded`. Only the parts with `%` or `+`
    /// are decoded; the rest (every part of a usual call, the UserSig
    /// included) is borrowed as it is.
    pub fn parse(raw: Option<&'a str>) -> Self {
        let mut q = Self::default();
        for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (key, value) = if pair.bytes().any(|b| b == b'%' || b == b'+') {
                match url::form_urlencoded::parse(pair.as_bytes()).next() {
                    Some(decoded) => decoded,
                    None => continue,
                }
            } else {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (Cow::Borrowed(key), Cow::Borrowed(value))
            };
            let slot = match key.as_ref() {
                "sdkappid" => &mut q.sdkappid,
                "identifier" => &mut q.identifier,
                "usersig" => &mut q.usersig,
                "random" => &mut q.random,
                "contenttype" => &mut q.contenttype,
                _ => continue,
            };
            *slot = Some(value);
        }
        q
    }

    /// The `random` parameter, when it is a `u32`.
    pub fn random(&self) -> Option<u32> {
        self.random.as_deref().and_then(|r| r.parse().ok())
    }

    /// The `identifier` parameter (empty when absent).
    pub fn identifier(&self) -> &str {
        self.identifier.as_deref().unwrap_or("")
    }
}

/// What a call is checked against.
pub struct Authority {
    /// The application's key.
    pub key: SigningKey,
    /// The App administrator.
    pub admin: String,
    /// UserSigs that verified, until they expire: a client sends the same
    /// cached sig on every call, so verification (decompress, parse, HMAC)
    /// runs once per sig instead of once per call.
    pub verified: SigCache,
}

/// Most sigs remembered; the cache starts over when full.
const SIG_CACHE_MAX: usize = 1024;

/// Verified UserSigs: sig -> (identifier, issued, last valid second).
#[derive(Default)]
pub struct SigCache(Mutex<HashMap<String, (String, u64, u64)>>);

impl SigCache {
    /// The issue time of `sig` if it verified before for `identifier` and
    /// is still valid at `now`.
    fn get(&self, identifier: &str, sig: &str, now: u64) -> Option<u64> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(sig) {
            Some((id, issued, valid_until)) if id == identifier && now <= *valid_until => {
                Some(*issued)
            }
            _ => None,
        }
    }

    fn put(&self, identifier: &str, sig: &str, issued: u64, valid_until: u64) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= SIG_CACHE_MAX {
            map.clear();
        }
        map.insert(sig.to_owned(), (identifier.to_owned(), issued, valid_until));
    }
}

impl Authority {
    /// Applies every query check; `now` is unix seconds. Returns the unix
    /// second at which the accepted UserSig was issued (for kick revocation).
    pub fn check(&self, q: &CallQuery<'_>, now: u64) -> Result<u64, ApiError> {
        let app = q
            .sdkappid
            .as_deref()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    codes::MISSING_SDK_APP_ID,
                    "sdkappid is missing from the URL",
                )
            })?;
        match app.parse::<u64>() {
            Ok(id) if id == self.key.sdk_app_id() => {}
            _ => {
                return Err(ApiError::new(
                    codes::INVALID_SDK_APP_ID,
                    format!("invalid SDKAppID {app:?}"),
                ))
            }
        }
        let identifier = q.identifier();
        let sig = q.usersig.as_deref().unwrap_or("");
        if sig.is_empty() {
            return Err(ApiError::new(codes::USERSIG_EMPTY, "usersig is empty"));
        }
        let issued = match self.verified.get(identifier, sig, now) {
            Some(issued) => issued,
            None => {
                let verified = self
                    .key
                    .verify(identifier, sig, now)
                    .map_err(verify_error)?;
                check_plausible(verified.time, verified.expire, now)?;
                self.verified
                    .put(identifier, sig, verified.time, verified.expires_at());
                verified.time
            }
        };
        if identifier != self.admin {
            return Err(ApiError::new(
                codes::ADMIN_REQUIRED,
                format!("identifier {identifier:?} is not an App administrator"),
            ));
        }
        match q.random.as_deref().map(str::parse::<u32>) {
            Some(Ok(_)) => {}
            _ => {
                return Err(ApiError::new(
                    codes::HTTP_PARSE,
                    "random must be an integer in 0..=4294967295",
                ))
            }
        }
        if q.contenttype.as_deref() != Some("json") {
            return Err(ApiError::new(codes::HTTP_PARSE, "contenttype must be json"));
        }
        Ok(issued)
    }
}

/// How far in the future a sig's `TLS.time` may be (clock skew between the
/// signer and the service).
pub const MAX_FUTURE_SIG_SECS: u64 = 600;

fn verify_error(e: VerifyError) -> ApiError {
    let (code, info) = match e {
        VerifyError::Malformed(_) => (codes::USERSIG_INVALID, "usersig is invalid"),
        VerifyError::SdkAppIdMismatch { .. } => (
            codes::SDK_APP_ID_MISMATCH,
            "SDKAppID of the request differs from the one in the usersig",
        ),
        VerifyError::IdentifierMismatch => (
            codes::IDENTIFIER_MISMATCH,
            "identifier of the request differs from the one in the usersig",
        ),
        VerifyError::Expired { .. } => (codes::USERSIG_EXPIRED, "usersig expired"),
        _ => (
            codes::USERSIG_VERIFY_FAILED,
            "usersig verification failed (wrong key or altered content)",
        ),
    };
    ApiError::new(code, info)
}

/// Tencent's verifiers accept any `TLS.time` and `TLS.expire`; the service's
/// own limits are not documented. The emulator refuses what no official
/// signer produces, as an invalid sig (70003): an expire the C++ and C#
/// verifiers cannot hold, and a sig issued further in the future than clocks
/// plausibly drift.
fn check_plausible(time: u64, expire: u64, now: u64) -> Result<(), ApiError> {
    if expire > trtc_room::usersig::MAX_EXPIRE_SECS {
        return Err(ApiError::new(
            codes::USERSIG_INVALID,
            format!(
                "usersig expire {} is above the largest valid one ({})",
                expire,
                trtc_room::usersig::MAX_EXPIRE_SECS
            ),
        ));
    }
    if time > now.saturating_add(MAX_FUTURE_SIG_SECS) {
        return Err(ApiError::new(
            codes::USERSIG_INVALID,
            format!(
                "usersig was issued {} s in the future (at most {MAX_FUTURE_SIG_SECS} s of clock skew accepted)",
                time - now
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::CallQuery;

    /// The borrowing parser reads every query as the form decoder does.
    #[test]
    fn query_parsing_matches_form_decoding() {
        for raw in [
            "sdkappid=1400000000&identifier=administrator&usersig=eJw*ab-c_d&random=7&contenttype=json",
            "identifier=admin%20istrator&usersig=a%2Bb+c&random=%37",
            "usersig=x=y&&identifier=&random&sdkappid=1&sdkappid=2",
            "identifier=%E4%B8%AD%FF&contenttype=JSON&other=1",
            "",
        ] {
            let q = CallQuery::parse(Some(raw));
            let mut expected: [Option<String>; 5] = Default::default();
            for (k, v) in url::form_urlencoded::parse(raw.as_bytes()) {
                let i = match k.as_ref() {
                    "sdkappid" => 0,
                    "identifier" => 1,
                    "usersig" => 2,
                    "random" => 3,
                    "contenttype" => 4,
                    _ => continue,
                };
                expected[i] = Some(v.into_owned());
            }
            let got = [
                &q.sdkappid,
                &q.identifier,
                &q.usersig,
                &q.random,
                &q.contenttype,
            ]
            .map(|v| v.as_deref().map(str::to_owned));
            assert_eq!(got, expected, "{raw}");
        }
    }
}
