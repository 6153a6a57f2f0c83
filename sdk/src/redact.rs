//! Keeping secrets out of text the SDK copies from elsewhere (answer bodies,
//! `ErrorInfo`): a gateway or proxy may echo the request line, and with it
//! the admin UserSig, in its error page.

/// What replaces a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// Secrets shorter than this are not searched for (a one-letter test key
/// would otherwise blank out every occurrence of that letter).
const MIN_SECRET_LEN: usize = 4;

/// Bytes that end a query value in echoed text.
fn ends_value(b: u8) -> bool {
    matches!(
        b,
        b'&' | b'"' | b'\'' | b'<' | b'>' | b'#' | b';' | b',' | b')' | b'`'
    ) || b.is_ascii_whitespace()
        || b.is_ascii_control()
}

/// `text` with every occurrence of a secret and the value of every
/// `usersig=` parameter (any letter case) replaced by `<redacted>`.
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    // Only ASCII-delimited runs are replaced, so valid UTF-8 stays valid.
    String::from_utf8_lossy(&redact_bytes(text.as_bytes(), secrets)).into_owned()
}

/// Like [`redact`], on raw bytes (an answer body that may not be UTF-8).
pub(crate) fn redact_bytes(bytes: &[u8], secrets: &[&str]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for secret in secrets {
        if secret.len() >= MIN_SECRET_LEN {
            out = replace_all(&out, secret.as_bytes());
        }
    }
    redact_usersig_params(&out)
}

fn replace_all(hay: &[u8], needle: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(needle) {
            out.extend_from_slice(REDACTED.as_bytes());
            i += needle.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

/// Replaces the value after each `usersig=` (ASCII case-insensitive).
fn redact_usersig_params(bytes: &[u8]) -> Vec<u8> {
    const KEY: &[u8] = b"usersig=";
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if i + KEY.len() <= bytes.len() && bytes[i..i + KEY.len()].eq_ignore_ascii_case(KEY) {
            let start = i + KEY.len();
            let mut end = start;
            while end < bytes.len() && !ends_value(bytes[end]) {
                end += 1;
            }
            out.extend_from_slice(&bytes[i..start]);
            if end > start {
                out.extend_from_slice(REDACTED.as_bytes());
            }
            i = end;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usersig_values_are_replaced_whatever_the_case() {
        let page = "<h1>502</h1>POST /v4/a/b?sdkappid=1&UserSig=eJw1jc*Abc-_x&random=7 HTTP/1.1";
        let r = redact(page, &[]);
        assert!(!r.contains("eJw1jc"), "{r}");
        assert!(r.contains("UserSig=<redacted>&random=7"), "{r}");
        assert_eq!(redact("usersig=", &[]), "usersig=");
        assert_eq!(redact("a usersig=xyz", &[]), "a usersig=<redacted>");
    }

    #[test]
    fn known_secrets_are_replaced_anywhere() {
        let r = redact(
            "key is s3cr3t-key, sig eJwSIG here",
            &["s3cr3t-key", "eJwSIG", "x"],
        );
        assert_eq!(r, "key is <redacted>, sig <redacted> here");
    }

    #[test]
    fn multibyte_text_around_the_parameter_is_kept() {
        let r = redact("é usersig=abc é", &[]);
        assert_eq!(r, "é usersig=<redacted> é");
    }
}
