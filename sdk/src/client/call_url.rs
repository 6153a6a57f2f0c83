//! The URL of one attempt.
//!
//! Everything before `random` (base, path, `sdkappid`, `identifier`,
//! `usersig`) is the same for every call of one command made with one admin
//! UserSig, so it is parsed once per sig and command and kept; an attempt
//! clones it and appends `random` and `contenttype`. Parsing the whole URL
//! on every call (the UserSig is a few hundred characters of query) was the
//! largest cost the SDK added over a bare HTTP call, and setting the path on
//! every call was the next one.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

use super::auth::IssuedUserSig;

/// Commands whose URL start is kept per sig: every command of the catalog
/// (68 with Live), with room for raw calls; beyond it, the path is set on
/// each call. A test checks the catalog fits.
const MAX_COMMANDS: usize = 128;

/// The parsed start of the URL for the current sig.
#[derive(Default)]
pub(super) struct UrlTemplate {
    cached: Mutex<Option<Cached>>,
}

struct Cached {
    sig: Arc<IssuedUserSig>,
    /// `{base}/?sdkappid=…&identifier=…&usersig=…`
    url: reqwest::Url,
    /// The base URL's own path, without a trailing `/`.
    base_path: String,
    /// `(service, command, {base}/v4/{service}/{command}?sdkappid=…&identifier=…&usersig=…)`.
    commands: Vec<(String, String, reqwest::Url)>,
}

impl Cached {
    fn new(url: reqwest::Url, sig: &Arc<IssuedUserSig>) -> Cached {
        Cached {
            base_path: url.path().trim_end_matches('/').to_owned(),
            url,
            sig: sig.clone(),
            commands: Vec::new(),
        }
    }

    /// The URL start of one command, made and kept on its first use.
    fn command_url(&mut self, service: &str, command: &str) -> reqwest::Url {
        if let Some((_, _, url)) = self
            .commands
            .iter()
            .find(|(s, c, _)| c == command && s == service)
        {
            return url.clone();
        }
        let mut url = self.url.clone();
        url.set_path(&format!("{}/v4/{service}/{command}", self.base_path));
        if self.commands.len() < MAX_COMMANDS {
            self.commands
                .push((service.to_owned(), command.to_owned(), url.clone()));
        }
        url
    }
}

/// What identifies the app and admin in every URL.
pub(super) struct Identity<'a> {
    pub base: &'a str,
    pub sdk_app_id: u64,
    pub admin: &'a str,
}

impl UrlTemplate {
    /// `{base}/v4/{service}/{command}?sdkappid=…&identifier=…&usersig=…&random=…&contenttype=json`.
    /// When the text does not parse as a URL, the text itself, so the HTTP
    /// client reports the problem as it would for any bad URL.
    pub(super) fn build(
        &self,
        id: &Identity<'_>,
        sig: &Arc<IssuedUserSig>,
        service: &str,
        command: &str,
        random: u32,
    ) -> Result<reqwest::Url, String> {
        let mut url = {
            let mut cached = self.cached.lock().unwrap_or_else(PoisonError::into_inner);
            match cached.as_mut() {
                Some(c) if Arc::ptr_eq(&c.sig, sig) => c.command_url(service, command),
                _ => {
                    let url = match reqwest::Url::parse(&prefix(id, sig.sig())) {
                        Ok(url) => url,
                        Err(_) => return Err(plain(id, sig.sig(), service, command, random)),
                    };
                    cached
                        .insert(Cached::new(url, sig))
                        .command_url(service, command)
                }
            }
        };
        let mut digits = [0u8; 10];
        url.query_pairs_mut()
            .append_pair("random", decimal(random, &mut digits))
            .append_pair("contenttype", "json");
        Ok(url)
    }
}

/// `n` in decimal, written into `buf`.
fn decimal(mut n: u32, buf: &mut [u8; 10]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

/// `{base}/?sdkappid=…&identifier=…&usersig=…`
fn prefix(id: &Identity<'_>, sig: &str) -> String {
    let mut url = String::with_capacity(id.base.len() + sig.len() + 64);
    url.push_str(id.base);
    url.push('/');
    push_identity(id, sig, &mut url);
    url
}

/// The whole URL as text, built without parsing.
fn plain(id: &Identity<'_>, sig: &str, service: &str, command: &str, random: u32) -> String {
    let mut url = String::with_capacity(id.base.len() + sig.len() + 128);
    url.push_str(id.base);
    let _ = write!(url, "/v4/{service}/{command}");
    push_identity(id, sig, &mut url);
    let _ = write!(url, "&random={random}&contenttype=json");
    url
}

/// `?sdkappid=…&identifier=…&usersig=…`, the part every URL shares.
fn push_identity(id: &Identity<'_>, sig: &str, url: &mut String) {
    let _ = write!(url, "?sdkappid={}", id.sdk_app_id);
    url.push_str("&identifier=");
    encode_query(id.admin, url);
    url.push_str("&usersig=");
    encode_query(sig, url);
}

/// Percent-encodes a query value, keeping only unreserved characters and
/// `*` (which UserSigs use) as they are.
fn encode_query(v: &str, out: &mut String) {
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'*') {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(base: &str) -> Identity<'_> {
        Identity {
            base,
            sdk_app_id: 1_400_000_000,
            admin: "admin istrator",
        }
    }

    #[test]
    fn the_template_gives_the_same_url_as_plain_text() {
        let sig = Arc::new(IssuedUserSig::new("eJw*ab-c_d+e/f=".to_owned(), u64::MAX));
        for base in ["http://127.0.0.1:9080", "https://proxy.example/trtc"] {
            let t = UrlTemplate::default();
            for (service, command, random) in [
                ("room_engine_http_srv", "create_room", 7),
                ("openim", "querystate", u32::MAX),
            ] {
                let built = t.build(&id(base), &sig, service, command, random).unwrap();
                let text = plain(&id(base), sig.sig(), service, command, random);
                assert_eq!(built, reqwest::Url::parse(&text).unwrap());
                assert_eq!(built.as_str(), text);
            }
        }
    }

    #[test]
    fn each_command_keeps_its_own_path() {
        let sig = Arc::new(IssuedUserSig::new("sig".to_owned(), u64::MAX));
        let t = UrlTemplate::default();
        let base = id("http://127.0.0.1:9080/prefix");
        // Twice each, interleaved: the kept URL of one command never leaks
        // into another, and the same service under another command differs.
        for _ in 0..2 {
            for (service, command) in [
                ("room_engine_http_srv", "create_room"),
                ("room_engine_http_srv", "destroy_room"),
                ("im_open_login_svc", "create_room"),
            ] {
                let built = t.build(&base, &sig, service, command, 42).unwrap();
                assert_eq!(built.as_str(), plain(&base, "sig", service, command, 42));
            }
        }
        // More commands than are kept still get their own URL.
        assert!(
            crate::command::COMMANDS.len() + 16 <= MAX_COMMANDS,
            "every catalog command (and some raw ones) keeps its URL start"
        );
        for i in 0..(MAX_COMMANDS + 5) {
            let command = format!("c{i}");
            let built = t.build(&base, &sig, "s", &command, 0).unwrap();
            assert_eq!(built.path(), format!("/prefix/v4/s/{command}"));
        }
    }

    #[test]
    fn random_is_written_in_decimal() {
        let mut buf = [0u8; 10];
        for n in [0, 7, 10, 99, 4_294_967_295, 1_000_000_000] {
            assert_eq!(decimal(n, &mut buf), n.to_string());
        }
    }

    #[test]
    fn a_new_sig_replaces_the_template() {
        let t = UrlTemplate::default();
        let a = Arc::new(IssuedUserSig::new("first".to_owned(), u64::MAX));
        let b = Arc::new(IssuedUserSig::new("second".to_owned(), u64::MAX));
        let base = id("http://127.0.0.1:9080");
        assert!(t
            .build(&base, &a, "s", "c", 1)
            .unwrap()
            .as_str()
            .contains("usersig=first&"));
        assert!(t
            .build(&base, &b, "s", "c", 1)
            .unwrap()
            .as_str()
            .contains("usersig=second&"));
    }
}
