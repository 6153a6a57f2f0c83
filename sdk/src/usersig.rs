//! UserSig (Tencent "TLS signature v2"): generate and verify.
//!
//! A UserSig proves that its holder knows the application's secret key. The
//! Room REST API wants one for the admin account on every call; the client
//! generates, caches and renews it for you, so most applications never call
//! this module directly. It is public for the other uses: handing UserSigs
//! and PrivateMapKeys to end-user devices, and checking sigs in test servers
//! (the crate's emulator uses [`SigningKey::verify`]).
//!
//! ```
//! use trtc_room::usersig::SigningKey;
//!
//! let key = SigningKey::new(1400000000, "secret key from the console");
//! // A UserSig for an end user's device, valid for one day.
//! let sig = key.generate("alice", 86_400).expect("a valid identifier");
//!
//! // What a server holding the same key sees in it.
//! let now = std::time::SystemTime::now()
//!     .duration_since(std::time::UNIX_EPOCH)
//!     .unwrap()
//!     .as_secs();
//! let checked = key.verify("alice", &sig, now).expect("signed with this key");
//! assert_eq!(checked.sdk_app_id, 1400000000);
//! assert_eq!(checked.expire, 86_400);
//! ```
//!
//! # Format
//!
//! 1. `TLS.sig` = standard base64 of HMAC-SHA256, keyed with the secret key's
//!    UTF-8 bytes (never hex-decoded), over the lines
//!    `TLS.identifier:<id>\n TLS.sdkappid:<n>\n TLS.time:<t>\n TLS.expire:<e>\n`
//!    (plus `TLS.userbuf:<base64>\n` when a userbuf is present).
//! 2. A compact JSON object carrying `TLS.ver` (`"2.0"`), those fields and
//!    `TLS.sig`.
//! 3. zlib (RFC 1950) of the JSON bytes.
//! 4. Standard base64 with padding, then `+`→`*`, `/`→`-`, `=`→`_`.
//!
//! Official verifiers parse the JSON and recompute the HMAC, so key order and
//! the compression level do not matter to them.
//!
//! # Compression choice
//!
//! This module writes the zlib stream with **stored (uncompressed) deflate
//! blocks** — what zlib produces at level 0, and what Tencent's official Go
//! library emits by default since v1.4.0. It is built by hand (a 2-byte
//! header, one stored block, an Adler-32 trailer), which takes a microsecond
//! or two; a fresh `flate2` encoder costs over a hundred microseconds because
//! of its state allocation. The sig is a little longer (a few hundred bytes,
//! well within URL limits). Verification decodes any level with `flate2`.
//!
//! # Edge cases refused
//!
//! Some inputs produce sigs that one or another official implementation
//! mishandles; generation refuses them with a [`UserSigError`]: an empty
//! identifier, `expire` of 0 or above `i32::MAX`, an empty userbuf, and (for
//! PrivateMapKeys) a non-ASCII account or an empty string room id.

use std::fmt;
use std::io::Read;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The largest accepted `expire` (what the C++ and C# verifiers can hold).
pub const MAX_EXPIRE_SECS: u64 = i32::MAX as u64;

/// Longest sig accepted by [`SigningKey::verify`], in characters.
const MAX_SIG_LEN: usize = 16 * 1024;
/// Largest decompressed JSON accepted by [`SigningKey::verify`], in bytes.
const MAX_JSON_LEN: u64 = 16 * 1024;

/// Privilege bits of a PrivateMapKey (`dwPrivilegeMap`); combine with `|`.
pub mod privilege {
    /// May create the room.
    pub const CREATE_ROOM: u32 = 1;
    /// May enter the room.
    pub const ENTER_ROOM: u32 = 2;
    /// May send audio.
    pub const SEND_AUDIO: u32 = 4;
    /// May receive audio.
    pub const RECV_AUDIO: u32 = 8;
    /// May send video.
    pub const SEND_VIDEO: u32 = 16;
    /// May receive video.
    pub const RECV_VIDEO: u32 = 32;
    /// May send the sub-stream (screen sharing).
    pub const SEND_SUB_STREAM: u32 = 64;
    /// May receive the sub-stream.
    pub const RECV_SUB_STREAM: u32 = 128;
    /// Every privilege (255).
    pub const ALL: u32 = 255;
}

/// The room a PrivateMapKey is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapRoom<'a> {
    /// A numeric TRTC room id (`cVer` 0).
    Numeric(u32),
    /// A string room id (`cVer` 1).
    Named(&'a str),
}

/// Why a UserSig could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UserSigError {
    /// The identifier is empty.
    #[error("the UserSig identifier must not be empty")]
    EmptyIdentifier,
    /// `expire` is 0 or larger than [`MAX_EXPIRE_SECS`].
    #[error("UserSig expire must be within 1..={MAX_EXPIRE_SECS} seconds, got {0}")]
    InvalidExpire(u64),
    /// The userbuf is empty (such sigs cannot be verified by the official libraries).
    #[error("the UserSig userbuf must not be empty")]
    EmptyUserBuf,
    /// A PrivateMapKey field cannot be encoded (non-ASCII account, empty or
    /// too long room id, expiry beyond the 32-bit range).
    #[error("cannot build a PrivateMapKey: {0}")]
    PrivateMapKey(&'static str),
}

/// Why a UserSig was rejected by [`SigningKey::verify`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Not a UserSig at all: bad base64, zlib or JSON, or a field of the wrong type.
    #[error("malformed UserSig: {0}")]
    Malformed(String),
    /// Signed for another application.
    #[error("UserSig is for SDKAppID {found}, expected {expected}")]
    SdkAppIdMismatch {
        /// The application of this key.
        expected: u64,
        /// The application named in the sig.
        found: u64,
    },
    /// Signed for another identifier.
    #[error("UserSig identifier does not match")]
    IdentifierMismatch,
    /// Past its expiry (`now > time + expire`).
    #[error("UserSig expired at {expired_at} (now {now})")]
    Expired {
        /// Last second at which the sig was valid.
        expired_at: u64,
        /// The time the check was made at.
        now: u64,
    },
    /// The userbuf is missing or differs from the expected one.
    #[error("UserSig userbuf does not match")]
    UserBufMismatch,
    /// The HMAC does not match: wrong key or altered fields.
    #[error("UserSig signature does not match")]
    SignatureMismatch,
}

/// The decoded content of a UserSig that passed verification.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedUserSig {
    /// `TLS.identifier`.
    pub identifier: String,
    /// `TLS.sdkappid`.
    pub sdk_app_id: u64,
    /// `TLS.time`: when it was signed (unix seconds).
    pub time: u64,
    /// `TLS.expire`: validity in seconds after `time`.
    pub expire: u64,
    /// The decoded `TLS.userbuf`, if any.
    pub userbuf: Option<Vec<u8>>,
}

impl VerifiedUserSig {
    /// The last unix second at which the sig is valid (`time + expire`).
    pub fn expires_at(&self) -> u64 {
        self.time.saturating_add(self.expire)
    }
}

/// An application's signing key: SDKAppID plus secret key.
///
/// Only the keyed HMAC state is kept, not the key text; `Debug` shows the
/// SDKAppID alone.
#[derive(Clone)]
pub struct SigningKey {
    sdk_app_id: u64,
    mac: HmacSha256,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("sdk_app_id", &self.sdk_app_id)
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

#[derive(Serialize)]
struct SigDoc<'a> {
    #[serde(rename = "TLS.ver")]
    ver: &'static str,
    #[serde(rename = "TLS.identifier")]
    identifier: &'a str,
    #[serde(rename = "TLS.sdkappid")]
    sdk_app_id: u64,
    #[serde(rename = "TLS.expire")]
    expire: u64,
    #[serde(rename = "TLS.time")]
    time: u64,
    #[serde(rename = "TLS.userbuf", skip_serializing_if = "Option::is_none")]
    userbuf: Option<&'a str>,
    #[serde(rename = "TLS.sig")]
    sig: &'a str,
}

/// Current unix time in seconds (0 if the clock is before 1970).
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl SigningKey {
    /// A key for `sdk_app_id` with the console's secret key (used as its UTF-8
    /// text, exactly as shown in the console).
    pub fn new(sdk_app_id: u64, secret_key: impl Into<String>) -> Self {
        let key: String = secret_key.into();
        let mac = match HmacSha256::new_from_slice(key.as_bytes()) {
            Ok(m) => m,
            // HMAC accepts keys of any length; this arm is unreachable.
            Err(_) => unreachable!("HMAC-SHA256 accepts any key length"),
        };
        SigningKey { sdk_app_id, mac }
    }

    /// The SDKAppID this key signs for.
    pub fn sdk_app_id(&self) -> u64 {
        self.sdk_app_id
    }

    /// A UserSig for `identifier`, valid for `expire_secs` from now.
    pub fn generate(&self, identifier: &str, expire_secs: u64) -> Result<String, UserSigError> {
        self.generate_at(identifier, expire_secs, unix_now())
    }

    /// A UserSig signed as of `now_unix` (for tests and reproducible output).
    pub fn generate_at(
        &self,
        identifier: &str,
        expire_secs: u64,
        now_unix: u64,
    ) -> Result<String, UserSigError> {
        self.sign(identifier, expire_secs, now_unix, None)
    }

    /// A UserSig carrying an opaque `userbuf`, valid for `expire_secs` from now.
    pub fn generate_with_userbuf(
        &self,
        identifier: &str,
        expire_secs: u64,
        userbuf: &[u8],
    ) -> Result<String, UserSigError> {
        self.generate_with_userbuf_at(identifier, expire_secs, userbuf, unix_now())
    }

    /// [`generate_with_userbuf`](Self::generate_with_userbuf) signed as of `now_unix`.
    pub fn generate_with_userbuf_at(
        &self,
        identifier: &str,
        expire_secs: u64,
        userbuf: &[u8],
        now_unix: u64,
    ) -> Result<String, UserSigError> {
        if userbuf.is_empty() {
            return Err(UserSigError::EmptyUserBuf);
        }
        self.sign(identifier, expire_secs, now_unix, Some(userbuf))
    }

    /// A PrivateMapKey: a UserSig whose userbuf restricts `identifier` to one
    /// room and a set of [`privilege`] bits, valid for `expire_secs` from now.
    pub fn private_map_key(
        &self,
        identifier: &str,
        expire_secs: u64,
        room: MapRoom<'_>,
        privilege_map: u32,
    ) -> Result<String, UserSigError> {
        self.private_map_key_at(identifier, expire_secs, room, privilege_map, unix_now())
    }

    /// [`private_map_key`](Self::private_map_key) signed as of `now_unix`.
    pub fn private_map_key_at(
        &self,
        identifier: &str,
        expire_secs: u64,
        room: MapRoom<'_>,
        privilege_map: u32,
        now_unix: u64,
    ) -> Result<String, UserSigError> {
        check_common(identifier, expire_secs)?;
        let buf =
            self.private_map_userbuf(identifier, expire_secs, room, privilege_map, now_unix)?;
        self.sign(identifier, expire_secs, now_unix, Some(&buf))
    }

    /// The binary userbuf of a PrivateMapKey (big-endian layout of the
    /// official libraries), without signing it.
    pub fn private_map_userbuf(
        &self,
        identifier: &str,
        expire_secs: u64,
        room: MapRoom<'_>,
        privilege_map: u32,
        now_unix: u64,
    ) -> Result<Vec<u8>, UserSigError> {
        if identifier.is_empty() {
            return Err(UserSigError::EmptyIdentifier);
        }
        if !identifier.is_ascii() {
            return Err(UserSigError::PrivateMapKey(
                "the account must be ASCII (official libraries disagree on other characters)",
            ));
        }
        let account_len = u16::try_from(identifier.len())
            .map_err(|_| UserSigError::PrivateMapKey("the account is longer than 65535 bytes"))?;
        let sdk_app_id = u32::try_from(self.sdk_app_id)
            .map_err(|_| UserSigError::PrivateMapKey("the SDKAppID does not fit in 32 bits"))?;
        let exp_time = now_unix
            .checked_add(expire_secs)
            .and_then(|v| u32::try_from(v).ok())
            .ok_or(UserSigError::PrivateMapKey(
                "the absolute expiry does not fit in 32 bits",
            ))?;
        let (ver, auth_id, room_str) = match room {
            MapRoom::Numeric(id) => (0u8, id, None),
            MapRoom::Named(name) => {
                if name.is_empty() {
                    return Err(UserSigError::PrivateMapKey("the string room id is empty"));
                }
                (1u8, 0u32, Some(name))
            }
        };
        let mut buf = Vec::with_capacity(32 + identifier.len());
        buf.push(ver);
        buf.extend_from_slice(&account_len.to_be_bytes());
        buf.extend_from_slice(identifier.as_bytes());
        buf.extend_from_slice(&sdk_app_id.to_be_bytes());
        buf.extend_from_slice(&auth_id.to_be_bytes());
        buf.extend_from_slice(&exp_time.to_be_bytes());
        buf.extend_from_slice(&privilege_map.to_be_bytes());
        buf.extend_from_slice(&0u32.to_be_bytes());
        if let Some(name) = room_str {
            let len = u16::try_from(name.len()).map_err(|_| {
                UserSigError::PrivateMapKey("the room id is longer than 65535 bytes")
            })?;
            buf.extend_from_slice(&len.to_be_bytes());
            buf.extend_from_slice(name.as_bytes());
        }
        Ok(buf)
    }

    fn hmac_b64(
        &self,
        identifier: &str,
        time: u64,
        expire: u64,
        userbuf_b64: Option<&str>,
    ) -> String {
        STANDARD.encode(self.hmac_raw(identifier, time, expire, userbuf_b64))
    }

    fn hmac_raw(
        &self,
        identifier: &str,
        time: u64,
        expire: u64,
        userbuf_b64: Option<&str>,
    ) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(b"TLS.identifier:");
        mac.update(identifier.as_bytes());
        mac.update(b"\nTLS.sdkappid:");
        mac.update(self.sdk_app_id.to_string().as_bytes());
        mac.update(b"\nTLS.time:");
        mac.update(time.to_string().as_bytes());
        mac.update(b"\nTLS.expire:");
        mac.update(expire.to_string().as_bytes());
        mac.update(b"\n");
        if let Some(ub) = userbuf_b64 {
            mac.update(b"TLS.userbuf:");
            mac.update(ub.as_bytes());
            mac.update(b"\n");
        }
        mac.finalize().into_bytes().into()
    }

    fn sign(
        &self,
        identifier: &str,
        expire: u64,
        time: u64,
        userbuf: Option<&[u8]>,
    ) -> Result<String, UserSigError> {
        check_common(identifier, expire)?;
        let userbuf_b64 = userbuf.map(|b| STANDARD.encode(b));
        let sig = self.hmac_b64(identifier, time, expire, userbuf_b64.as_deref());
        let doc = SigDoc {
            ver: "2.0",
            identifier,
            sdk_app_id: self.sdk_app_id,
            expire,
            time,
            userbuf: userbuf_b64.as_deref(),
            sig: &sig,
        };
        // Serializing a struct of strings and integers cannot fail.
        let json = serde_json::to_vec(&doc).unwrap_or_default();
        Ok(tencent_b64_encode(&zlib_stored(&json)))
    }

    /// Checks a UserSig for `identifier` at time `now_unix` (official order:
    /// SDKAppID, identifier, expiry, userbuf, HMAC). A sig with a userbuf is
    /// accepted here without comparing the userbuf; use
    /// [`verify_with_userbuf`](Self::verify_with_userbuf) to require one.
    pub fn verify(
        &self,
        identifier: &str,
        sig: &str,
        now_unix: u64,
    ) -> Result<VerifiedUserSig, VerifyError> {
        self.verify_inner(identifier, sig, now_unix, None)
    }

    /// Like [`verify`](Self::verify), and also requires the sig to carry
    /// exactly `userbuf`.
    pub fn verify_with_userbuf(
        &self,
        identifier: &str,
        sig: &str,
        userbuf: &[u8],
        now_unix: u64,
    ) -> Result<VerifiedUserSig, VerifyError> {
        self.verify_inner(identifier, sig, now_unix, Some(userbuf))
    }

    fn verify_inner(
        &self,
        identifier: &str,
        sig: &str,
        now: u64,
        want_userbuf: Option<&[u8]>,
    ) -> Result<VerifiedUserSig, VerifyError> {
        let doc = decode(sig)?;
        let found_app = match doc.get("TLS.sdkappid") {
            None => 0,
            Some(v) => v
                .as_u64()
                .ok_or_else(|| malformed("TLS.sdkappid is not a non-negative integer"))?,
        };
        if found_app != self.sdk_app_id {
            return Err(VerifyError::SdkAppIdMismatch {
                expected: self.sdk_app_id,
                found: found_app,
            });
        }
        let found_id = match doc.get("TLS.identifier") {
            None => "",
            Some(v) => v
                .as_str()
                .ok_or_else(|| malformed("TLS.identifier is not a string"))?,
        };
        if found_id != identifier {
            return Err(VerifyError::IdentifierMismatch);
        }
        let time = int_field(&doc, "TLS.time")?;
        let expire = int_field(&doc, "TLS.expire")?;
        let expired_at = time.saturating_add(expire);
        if now > expired_at {
            return Err(VerifyError::Expired { expired_at, now });
        }
        let (userbuf, userbuf_b64) = match doc.get("TLS.userbuf") {
            None => (None, None),
            Some(v) => {
                let s = v
                    .as_str()
                    .ok_or_else(|| malformed("TLS.userbuf is not a string"))?;
                let bytes = STANDARD
                    .decode(s)
                    .map_err(|e| malformed(format!("TLS.userbuf is not base64: {e}")))?;
                // Re-encode, as the official verifier does.
                let canonical = STANDARD.encode(&bytes);
                (Some(bytes), Some(canonical))
            }
        };
        if let Some(want) = want_userbuf {
            if userbuf.as_deref() != Some(want) {
                return Err(VerifyError::UserBufMismatch);
            }
        }
        let got = doc
            .get("TLS.sig")
            .and_then(|v| v.as_str())
            .ok_or_else(|| malformed("TLS.sig is missing or not a string"))?;
        let got = STANDARD
            .decode(got)
            .map_err(|e| malformed(format!("TLS.sig is not base64: {e}")))?;
        let want = self.hmac_raw(identifier, time, expire, userbuf_b64.as_deref());
        use subtle::ConstantTimeEq as _;
        if got.len() != want.len() || !bool::from(got.as_slice().ct_eq(&want)) {
            return Err(VerifyError::SignatureMismatch);
        }
        Ok(VerifiedUserSig {
            identifier: found_id.to_owned(),
            sdk_app_id: found_app,
            time,
            expire,
            userbuf,
        })
    }
}

fn check_common(identifier: &str, expire: u64) -> Result<(), UserSigError> {
    if identifier.is_empty() {
        return Err(UserSigError::EmptyIdentifier);
    }
    if expire == 0 || expire > MAX_EXPIRE_SECS {
        return Err(UserSigError::InvalidExpire(expire));
    }
    Ok(())
}

fn malformed(msg: impl Into<String>) -> VerifyError {
    VerifyError::Malformed(msg.into())
}

fn int_field(
    doc: &serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Result<u64, VerifyError> {
    match doc.get(name) {
        None => Ok(0),
        Some(v) => v
            .as_u64()
            .ok_or_else(|| malformed(format!("{name} is not a non-negative integer"))),
    }
}

/// Decodes a UserSig into its JSON object without checking anything else.
pub fn decode(sig: &str) -> Result<serde_json::Map<String, serde_json::Value>, VerifyError> {
    if sig.is_empty() {
        return Err(malformed("empty sig"));
    }
    if sig.len() > MAX_SIG_LEN {
        return Err(malformed("sig is too long"));
    }
    let raw = tencent_b64_decode(sig)?;
    let mut json = Vec::new();
    let mut inflater = flate2::read::ZlibDecoder::new(raw.as_slice());
    (&mut inflater)
        .take(MAX_JSON_LEN + 1)
        .read_to_end(&mut json)
        .map_err(|e| malformed(format!("zlib decode failed: {e}")))?;
    if json.len() as u64 > MAX_JSON_LEN {
        return Err(malformed("decompressed sig is too large"));
    }
    // Bytes after the end of the zlib stream would make several sig texts
    // decode to one sig; no generator writes them.
    if inflater.total_in() != raw.len() as u64 {
        return Err(malformed("data after the end of the zlib stream"));
    }
    match serde_json::from_slice::<serde_json::Value>(&json) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(malformed("JSON is not an object")),
        Err(e) => Err(malformed(format!("JSON parse failed: {e}"))),
    }
}

/// Standard base64 with padding, then `+`→`*`, `/`→`-`, `=`→`_`.
pub fn tencent_b64_encode(data: &[u8]) -> String {
    STANDARD
        .encode(data)
        .chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            c => c,
        })
        .collect()
}

/// The reverse of [`tencent_b64_encode`] (strict: padding required).
pub fn tencent_b64_decode(s: &str) -> Result<Vec<u8>, VerifyError> {
    let std: String = s
        .chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            c => c,
        })
        .collect();
    STANDARD
        .decode(std)
        .map_err(|e| malformed(format!("base64 decode failed: {e}")))
}

/// A zlib stream (RFC 1950) holding `data` in stored deflate blocks (level 0).
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let blocks = data.len().div_ceil(0xFFFF).max(1);
    let mut out = Vec::with_capacity(data.len() + 6 + 5 * blocks);
    // CMF 0x78 (deflate, 32K window), FLG 0x01 (fastest; header checksum ok).
    out.extend_from_slice(&[0x78, 0x01]);
    let mut chunks = data.chunks(0xFFFF).peekable();
    if data.is_empty() {
        out.extend_from_slice(&[0x01, 0x00, 0x00, 0xFF, 0xFF]);
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        out.push(u8::from(last));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 is the largest run that cannot overflow u32 before the modulo.
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_zlib_round_trips_through_flate2() {
        for len in [0usize, 1, 300, 70_000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let z = zlib_stored(&data);
            let mut back = Vec::new();
            flate2::read::ZlibDecoder::new(z.as_slice())
                .read_to_end(&mut back)
                .expect("valid zlib");
            assert_eq!(back, data, "length {len}");
        }
    }

    #[test]
    fn adler32_known_value() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }
}
