//! Randomized robustness of `SigningKey::verify`: whatever the sig holds, the
//! answer is a typed `VerifyError` (never a panic), a tampered sig is never
//! accepted, and a decompression bomb is refused. Seeded, so every run checks
//! the same cases.

use std::io::Write as _;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{json, Map, Value};
use sha2::Sha256;
use trtc_room::usersig::{self, tencent_b64_decode, tencent_b64_encode, SigningKey, VerifyError};

const APP: u64 = 1400000000;
const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const ID: &str = "admin";
const NOW: u64 = 1_700_000_000;

/// The characters of Tencent's base64 variant (`*`, `-`, `_` for `+`, `/`, `=`).
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-_";

fn key() -> SigningKey {
    SigningKey::new(APP, KEY)
}

fn zlib(data: &[u8], level: u32) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(level));
    enc.write_all(data).expect("in-memory write");
    enc.finish().expect("in-memory finish")
}

/// A sig whose JSON is exactly `doc`, compressed at `level`.
fn sig_of(doc: &Value, level: u32) -> String {
    tencent_b64_encode(&zlib(doc.to_string().as_bytes(), level))
}

/// The `TLS.sig` value of a correctly signed sig with these fields.
fn hmac_b64(id: &str, app: u64, time: u64, expire: u64, userbuf_b64: Option<&str>) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY.as_bytes()).expect("any key length");
    let mut text =
        format!("TLS.identifier:{id}\nTLS.sdkappid:{app}\nTLS.time:{time}\nTLS.expire:{expire}\n");
    if let Some(ub) = userbuf_b64 {
        text.push_str(&format!("TLS.userbuf:{ub}\n"));
    }
    mac.update(text.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// A correctly signed document (as the official libraries write it).
fn signed_doc(time: u64, expire: u64) -> Map<String, Value> {
    let Value::Object(map) = json!({
        "TLS.ver": "2.0",
        "TLS.identifier": ID,
        "TLS.sdkappid": APP,
        "TLS.expire": expire,
        "TLS.time": time,
        "TLS.sig": hmac_b64(ID, APP, time, expire, None),
    }) else {
        unreachable!()
    };
    map
}

fn random_json(rng: &mut StdRng, depth: u32) -> Value {
    let pick = if depth == 0 {
        rng.random_range(0..6)
    } else {
        rng.random_range(0..8)
    };
    match pick {
        0 => Value::Null,
        1 => Value::Bool(rng.random()),
        2 => json!(rng.random::<i64>()),
        3 => json!(rng.random::<u64>()),
        4 => json!(rng.random::<f64>() * 1e300),
        5 => Value::String(random_text(rng, 20)),
        6 => Value::Array(
            (0..rng.random_range(0..4))
                .map(|_| random_json(rng, depth - 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.random_range(0..4))
                .map(|_| (random_text(rng, 8), random_json(rng, depth - 1)))
                .collect(),
        ),
    }
}

fn random_text(rng: &mut StdRng, max: usize) -> String {
    (0..rng.random_range(0..=max))
        .map(|_| match rng.random_range(0..4) {
            0 => char::from(rng.random_range(0x20u8..0x7f)),
            1 => char::from_u32(rng.random_range(0..0x11_0000)).unwrap_or('\u{fffd}'),
            _ => char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]),
        })
        .collect()
}

fn is_malformed(r: &Result<trtc_room::usersig::VerifiedUserSig, VerifyError>) -> bool {
    matches!(r, Err(VerifyError::Malformed(_)))
}

#[test]
fn random_strings_are_malformed() {
    let key = key();
    let mut rng = StdRng::seed_from_u64(0x5EED_0001);
    for case in 0..3000 {
        let sig: String = match case % 3 {
            // Tencent alphabet, any length (a third of them a multiple of 4).
            0 | 1 => {
                let mut len = rng.random_range(0..700);
                if case % 3 == 1 {
                    len -= len % 4;
                }
                (0..len)
                    .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                    .collect()
            }
            // Arbitrary bytes, made into text.
            _ => {
                let bytes: Vec<u8> = (0..rng.random_range(0..700))
                    .map(|_| rng.random())
                    .collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
        };
        let got = key.verify(ID, &sig, NOW);
        assert!(is_malformed(&got), "case {case}: {sig:?} gave {got:?}");
    }
}

#[test]
fn random_bytes_behind_a_zlib_header_are_malformed() {
    // Valid base64 of a valid zlib header followed by junk: reaches the inflater.
    let key = key();
    let mut rng = StdRng::seed_from_u64(0x5EED_0002);
    for case in 0..3000 {
        let mut raw = vec![0x78, [0x01, 0x5e, 0x9c, 0xda][case % 4]];
        raw.extend((0..rng.random_range(0..400)).map(|_| rng.random::<u8>()));
        let sig = tencent_b64_encode(&raw);
        let got = key.verify(ID, &sig, NOW);
        assert!(is_malformed(&got), "case {case}: {raw:?} gave {got:?}");
    }
}

#[test]
fn tampered_sigs_are_never_accepted() {
    let key = key();
    let mut rng = StdRng::seed_from_u64(0x5EED_0003);
    let (mut checked, mut same_document) = (0, 0);
    for case in 0..4000 {
        let time = NOW - rng.random_range(0..1000);
        let good = if case % 2 == 0 {
            key.generate_at(ID, 86_400, time).expect("valid inputs")
        } else {
            // Compressed sigs (what older official libraries write) too.
            sig_of(
                &Value::Object(signed_doc(time, 86_400)),
                rng.random_range(1..=9),
            )
        };
        key.verify(ID, &good, NOW)
            .expect("the untouched sig verifies");
        let mut raw = tencent_b64_decode(&good).expect("valid base64");
        let mut appended = false;
        let tampered = match rng.random_range(0..6) {
            // Flip one bit of the zlib bytes.
            0 | 1 => {
                let at = rng.random_range(0..raw.len());
                raw[at] ^= 1 << rng.random_range(0..8);
                tencent_b64_encode(&raw)
            }
            // Drop bytes from the end of the zlib stream.
            2 => {
                raw.truncate(rng.random_range(0..raw.len()));
                tencent_b64_encode(&raw)
            }
            // Append bytes after the zlib stream.
            3 => {
                appended = true;
                raw.extend((0..rng.random_range(1..16)).map(|_| rng.random::<u8>()));
                tencent_b64_encode(&raw)
            }
            // Cut the text.
            4 => good[..rng.random_range(0..good.len())].to_owned(),
            // Replace one character of the text.
            _ => {
                let mut text = good.clone().into_bytes();
                let at = rng.random_range(0..text.len());
                text[at] = ALPHABET[rng.random_range(0..ALPHABET.len())];
                String::from_utf8(text).expect("ASCII")
            }
        };
        if tampered == good {
            continue;
        }
        checked += 1;
        match key.verify(ID, &tampered, NOW) {
            Err(_) => {}
            // Deflate has bits its decoders ignore (the padding after a
            // stored block's 3-bit header): flipping those keeps the very
            // same signed document, which is no forgery. Anything else
            // accepted is.
            Ok(_) => {
                assert_eq!(
                    usersig::decode(&tampered),
                    usersig::decode(&good),
                    "case {case}: tampered sig accepted\n good {good}\n bad  {tampered}"
                );
                same_document += 1;
            }
        }
        if appended {
            assert!(
                is_malformed(&key.verify(ID, &tampered, NOW)),
                "case {case}: data after the zlib stream accepted"
            );
        }
    }
    assert!(checked > 3500, "only {checked} tampered sigs checked");
    assert!(same_document < checked / 20, "{same_document} of {checked}");
}

/// A check of the error a case must produce.
type ErrCheck = fn(&VerifyError) -> bool;

/// One field of an otherwise correctly signed document made wrong, with the
/// error it must produce.
fn adversarial(rng: &mut StdRng) -> (Map<String, Value>, ErrCheck, &'static str) {
    let time = NOW - 1 - rng.random_range(0..1000);
    let mut doc = signed_doc(time, 86_400);
    let wrong_type = |rng: &mut StdRng| match rng.random_range(0..7) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(-1 - rng.random_range(0..i64::MAX)),
        3 => json!(rng.random::<f64>() + 0.5),
        4 => json!([]),
        5 => json!({"x": [1, {"y": null}]}),
        _ => json!(1e300),
    };
    let malformed: ErrCheck = |e| matches!(e, VerifyError::Malformed(_));
    let mismatch: ErrCheck = |e| matches!(e, VerifyError::SignatureMismatch);
    match rng.random_range(0..16) {
        0 => {
            doc.insert("TLS.sdkappid".into(), wrong_type(rng));
            (doc, malformed, "sdkappid of a wrong type")
        }
        1 => {
            doc.insert("TLS.sdkappid".into(), json!(APP.to_string()));
            (doc, malformed, "sdkappid as a string")
        }
        2 => {
            doc.remove("TLS.sdkappid");
            (
                doc,
                |e| matches!(e, VerifyError::SdkAppIdMismatch { found: 0, .. }),
                "sdkappid missing",
            )
        }
        3 => {
            doc.insert("TLS.sdkappid".into(), json!(rng.random::<u64>() | 1 << 63));
            (
                doc,
                |e| matches!(e, VerifyError::SdkAppIdMismatch { .. }),
                "other sdkappid",
            )
        }
        4 => {
            let v = wrong_type(rng);
            doc.insert("TLS.identifier".into(), v);
            (doc, malformed, "identifier of a wrong type")
        }
        5 => {
            doc.remove("TLS.identifier");
            (
                doc,
                |e| matches!(e, VerifyError::IdentifierMismatch),
                "identifier missing",
            )
        }
        6 => {
            let field = if rng.random() {
                "TLS.time"
            } else {
                "TLS.expire"
            };
            let v = wrong_type(rng);
            doc.insert(field.into(), v);
            (doc, malformed, "time or expire of a wrong type")
        }
        7 => {
            // Beyond u64 (serde_json reads it as a float) or beyond f64.
            let field = if rng.random() {
                "TLS.time"
            } else {
                "TLS.expire"
            };
            doc.insert(field.into(), json!(BIG_MARK));
            (doc, malformed, "integer beyond u64")
        }
        8 => {
            // time + expire overflows: saturates, so not expired; the HMAC
            // (over the stated numbers) then decides.
            doc.insert("TLS.time".into(), json!(u64::MAX - rng.random_range(0..10)));
            doc.insert("TLS.expire".into(), json!(u64::MAX));
            (doc, mismatch, "overflowing time + expire")
        }
        9 => {
            doc.insert("TLS.time".into(), json!(rng.random_range(0..NOW - 86_401)));
            doc.insert("TLS.expire".into(), json!(86_400));
            (doc, |e| matches!(e, VerifyError::Expired { .. }), "expired")
        }
        10 => {
            doc.remove(if rng.random() {
                "TLS.time"
            } else {
                "TLS.expire"
            });
            // A missing time counts as 0 (expired); a missing expire as 0 too.
            (
                doc,
                |e| matches!(e, VerifyError::Expired { .. }),
                "time or expire missing",
            )
        }
        11 => {
            let v = if rng.random() {
                wrong_type(rng)
            } else {
                json!("not*base64!")
            };
            doc.insert("TLS.userbuf".into(), v);
            (doc, malformed, "userbuf of a wrong type or not base64")
        }
        12 => {
            if rng.random() {
                doc.remove("TLS.sig");
            } else {
                let v = wrong_type(rng);
                doc.insert("TLS.sig".into(), v);
            }
            (doc, malformed, "sig missing or of a wrong type")
        }
        13 => {
            doc.insert("TLS.sig".into(), json!("%%%"));
            (doc, malformed, "sig not base64")
        }
        14 => {
            let bytes: Vec<u8> = (0..rng.random_range(0..64)).map(|_| rng.random()).collect();
            doc.insert("TLS.sig".into(), json!(STANDARD.encode(bytes)));
            (doc, mismatch, "sig of random bytes")
        }
        _ => {
            // Junk alongside: extra keys the verifier ignores, and a
            // signature that no longer covers the stated time.
            for _ in 0..rng.random_range(1..5) {
                let (k, v) = (random_text(rng, 12), random_json(rng, 4));
                if !k.starts_with("TLS.") {
                    doc.insert(k, v);
                }
            }
            doc.insert("TLS.time".into(), json!(time + 1));
            (doc, mismatch, "extra junk and a changed time")
        }
    }
}

/// Marks a value to be written as raw digits too big for `u64`.
const BIG_MARK: &str = "@@BIG@@";

#[test]
fn adversarial_json_gets_the_right_error() {
    let key = key();
    let mut rng = StdRng::seed_from_u64(0x5EED_0004);
    for case in 0..3000 {
        let (doc, expected, what) = adversarial(&mut rng);
        let big = ["18446744073709551616", "123456789012345678901234567890"][case % 2];
        let text = Value::Object(doc.clone())
            .to_string()
            .replace(&format!("\"{BIG_MARK}\""), big);
        let sig = tencent_b64_encode(&zlib(text.as_bytes(), rng.random_range(0..=9)));
        match key.verify(ID, &sig, NOW) {
            Err(e) if expected(&e) => {}
            other => panic!("case {case} ({what}): {other:?} for {doc:?}"),
        }
    }
}

#[test]
fn random_json_in_a_valid_stream_is_refused() {
    let key = key();
    let mut rng = StdRng::seed_from_u64(0x5EED_0005);
    for case in 0..3000 {
        let doc = match case % 3 {
            0 => random_json(&mut rng, 5),
            // Objects holding TLS.* keys of random values.
            _ => {
                let mut map = Map::new();
                for k in [
                    "TLS.ver",
                    "TLS.identifier",
                    "TLS.sdkappid",
                    "TLS.time",
                    "TLS.expire",
                    "TLS.userbuf",
                    "TLS.sig",
                ] {
                    if rng.random_bool(0.8) {
                        map.insert(k.to_owned(), random_json(&mut rng, 2));
                    }
                }
                Value::Object(map)
            }
        };
        let sig = sig_of(&doc, rng.random_range(0..=9));
        let got = key.verify(ID, &sig, NOW);
        assert!(got.is_err(), "case {case}: {doc} accepted");
    }
}

#[test]
fn deep_nesting_is_malformed() {
    let key = key();
    for depth in [1_000usize, 5_000, 7_000, 100_000] {
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let sig = tencent_b64_encode(&zlib(text.as_bytes(), 9));
        assert!(is_malformed(&key.verify(ID, &sig, NOW)), "depth {depth}");
        let text = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        let sig = tencent_b64_encode(&zlib(text.as_bytes(), 9));
        assert!(is_malformed(&key.verify(ID, &sig, NOW)), "depth {depth}");
    }
}

#[test]
fn a_zlib_bomb_is_refused() {
    // A sig well under the length limit that would inflate to 8 MiB: a valid
    // document whose `TLS.ver` is padded with zeros.
    let mut doc = signed_doc(NOW, 86_400);
    doc.insert("TLS.ver".into(), json!("@@PAD@@"));
    let text = Value::Object(doc)
        .to_string()
        .replace("@@PAD@@", &"0".repeat(8 << 20));
    let sig = tencent_b64_encode(&zlib(text.as_bytes(), 9));
    assert!(sig.len() < 16 * 1024, "bomb sig is {} chars", sig.len());
    match key().verify(ID, &sig, NOW) {
        Err(VerifyError::Malformed(msg)) => assert!(msg.contains("too large"), "{msg}"),
        other => panic!("{other:?}"),
    }
    // A sig over the length limit is refused before decoding.
    let long = "A".repeat(16 * 1024 + 4);
    assert!(is_malformed(&key().verify(ID, &long, NOW)));
}

#[test]
fn signed_documents_verify_whatever_the_compression() {
    // The positive control: the same checks accept correct sigs at any level
    // and with keys the verifier ignores, so the refusals above are honest.
    let key = key();
    let mut rng = StdRng::seed_from_u64(0x5EED_0006);
    for case in 0..500 {
        let time = NOW - rng.random_range(0..1000);
        let mut doc = signed_doc(time, 86_400);
        if rng.random() {
            doc.insert("Junk".into(), random_json(&mut rng, 3));
        }
        let sig = sig_of(&Value::Object(doc), rng.random_range(0..=9));
        let ok = key
            .verify(ID, &sig, NOW)
            .unwrap_or_else(|e| panic!("case {case}: {e}"));
        assert_eq!((ok.time, ok.expire), (time, 86_400));
    }
}
