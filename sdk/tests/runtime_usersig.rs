//! UserSig generation and verification against the reference vectors, plus
//! interop with the official Python package and the reference verifier.

use std::process::Command;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::Value;
use trtc_room::usersig::{self, MapRoom, SigningKey, UserSigError, VerifyError};

fn vectors() -> Vec<Value> {
    let text = include_str!("data/usersig_vectors.json");
    let doc: Value = serde_json::from_str(text).expect("vectors parse");
    doc["usersig"].as_array().expect("usersig array").clone()
}

struct Vector {
    name: String,
    app: u64,
    key: String,
    id: String,
    expire: u64,
    time: u64,
    userbuf: Option<Vec<u8>>,
    hmac: String,
    v: Value,
}

fn parse(v: &Value) -> Vector {
    Vector {
        name: v["name"].as_str().unwrap().to_owned(),
        app: v["sdkappid"].as_u64().unwrap(),
        key: v["key"].as_str().unwrap().to_owned(),
        id: v["identifier"].as_str().unwrap().to_owned(),
        expire: v["expire"].as_u64().unwrap(),
        time: v["time"].as_u64().unwrap(),
        userbuf: v["userbuf"]["b64"]
            .as_str()
            .map(|b| STANDARD.decode(b).unwrap()),
        hmac: v["tls_sig_hmac_b64"].as_str().unwrap().to_owned(),
        v: v.clone(),
    }
}

/// Vectors whose inputs some official library mishandles; we refuse them.
const REFUSED: [&str; 2] = ["empty_identifier", "expire_zero"];

fn ours(vec: &Vector) -> Result<String, UserSigError> {
    let key = SigningKey::new(vec.app, vec.key.as_str());
    let ub = &vec.v["userbuf"];
    if let Some(room) = ub["roomid"].as_u64() {
        key.private_map_key_at(
            &vec.id,
            vec.expire,
            MapRoom::Numeric(room as u32),
            ub["privilege_map"].as_u64().unwrap() as u32,
            vec.time,
        )
    } else if let Some(room) = ub["roomstr"].as_str() {
        key.private_map_key_at(
            &vec.id,
            vec.expire,
            MapRoom::Named(room),
            ub["privilege_map"].as_u64().unwrap() as u32,
            vec.time,
        )
    } else if let Some(buf) = &vec.userbuf {
        key.generate_with_userbuf_at(&vec.id, vec.expire, buf, vec.time)
    } else {
        key.generate_at(&vec.id, vec.expire, vec.time)
    }
}

#[test]
fn all_thirteen_vectors() {
    let all = vectors();
    assert_eq!(all.len(), 13);
    let mut generated = 0;
    for raw in &all {
        let vec = parse(raw);
        // Every official package's sig verifies with our verifier, at `time`
        // and at `time + expire`, and fails one second later.
        for (pkg, exp) in raw["expected"].as_object().unwrap() {
            let sig = exp["sig"].as_str().unwrap();
            let key = SigningKey::new(vec.app, vec.key.as_str());
            let end = vec.time + vec.expire;
            for now in [vec.time, end] {
                let ok = key
                    .verify(&vec.id, sig, now)
                    .unwrap_or_else(|e| panic!("{} / {pkg} at {now}: {e}", vec.name));
                assert_eq!(ok.identifier, vec.id);
                assert_eq!(ok.time, vec.time);
                assert_eq!(ok.expire, vec.expire);
                assert_eq!(ok.userbuf, vec.userbuf, "{} / {pkg}", vec.name);
            }
            assert!(
                matches!(
                    key.verify(&vec.id, sig, end + 1),
                    Err(VerifyError::Expired { .. })
                ),
                "{} / {pkg} should be expired",
                vec.name
            );
            let wrong = SigningKey::new(vec.app, format!("{}x", vec.key));
            assert_eq!(
                wrong.verify(&vec.id, sig, vec.time),
                Err(VerifyError::SignatureMismatch)
            );
            if let Some(buf) = &vec.userbuf {
                assert!(key.verify_with_userbuf(&vec.id, sig, buf, vec.time).is_ok());
                assert_eq!(
                    key.verify_with_userbuf(&vec.id, sig, b"other", vec.time),
                    Err(VerifyError::UserBufMismatch)
                );
            }
        }

        // Our own sig for the same inputs: same HMAC and fields.
        match ours(&vec) {
            Err(e) => {
                assert!(REFUSED.contains(&vec.name.as_str()), "{}: {e}", vec.name);
                continue;
            }
            Ok(sig) => {
                assert!(
                    !REFUSED.contains(&vec.name.as_str()),
                    "{} must be refused",
                    vec.name
                );
                generated += 1;
                let doc = usersig::decode(&sig).unwrap();
                assert_eq!(doc["TLS.sig"], vec.hmac.as_str(), "{}", vec.name);
                assert_eq!(doc["TLS.ver"], "2.0");
                assert_eq!(doc["TLS.identifier"], vec.id.as_str());
                assert_eq!(doc["TLS.sdkappid"], vec.app);
                assert_eq!(doc["TLS.time"], vec.time);
                assert_eq!(doc["TLS.expire"], vec.expire);
                assert_eq!(
                    doc.get("TLS.userbuf").and_then(Value::as_str),
                    raw["userbuf"]["b64"].as_str(),
                    "{}",
                    vec.name
                );
                // Tencent's alphabet only, zlib level-0 header 78 01.
                assert!(sig.starts_with("eA"), "{sig}");
                assert!(sig
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"*-_".contains(&b)));
            }
        }
    }
    assert_eq!(generated, 11);
}

#[test]
fn refused_inputs_have_clear_errors() {
    let key = SigningKey::new(1400000000, "k");
    assert_eq!(key.generate("", 60), Err(UserSigError::EmptyIdentifier));
    assert_eq!(key.generate("a", 0), Err(UserSigError::InvalidExpire(0)));
    let too_long = i32::MAX as u64 + 1;
    assert_eq!(
        key.generate("a", too_long),
        Err(UserSigError::InvalidExpire(too_long))
    );
    assert!(key.generate("a", i32::MAX as u64).is_ok());
    assert_eq!(
        key.generate_with_userbuf("a", 60, b""),
        Err(UserSigError::EmptyUserBuf)
    );
    assert!(matches!(
        key.private_map_key("用户", 60, MapRoom::Numeric(1), 255),
        Err(UserSigError::PrivateMapKey(_))
    ));
    assert!(matches!(
        key.private_map_key("a", 60, MapRoom::Named(""), 255),
        Err(UserSigError::PrivateMapKey(_))
    ));
    assert!(UserSigError::EmptyIdentifier
        .to_string()
        .contains("identifier"));
}

#[test]
fn expiry_boundary_and_mismatches() {
    let key = SigningKey::new(1400000000, "secret");
    let sig = key.generate_at("admin", 100, 1_000).unwrap();
    assert!(key.verify("admin", &sig, 1_100).is_ok());
    assert_eq!(
        key.verify("admin", &sig, 1_101),
        Err(VerifyError::Expired {
            expired_at: 1_100,
            now: 1_101
        })
    );
    assert_eq!(
        key.verify("someone", &sig, 1_000),
        Err(VerifyError::IdentifierMismatch)
    );
    let other_app = SigningKey::new(1400000001, "secret");
    assert_eq!(
        other_app.verify("admin", &sig, 1_000),
        Err(VerifyError::SdkAppIdMismatch {
            expected: 1400000001,
            found: 1400000000
        })
    );
    let other_key = SigningKey::new(1400000000, "secret2");
    assert_eq!(
        other_key.verify("admin", &sig, 1_000),
        Err(VerifyError::SignatureMismatch)
    );
    // A plain sig does not satisfy a userbuf requirement.
    assert_eq!(
        key.verify_with_userbuf("admin", &sig, b"x", 1_000),
        Err(VerifyError::UserBufMismatch)
    );
}

/// Re-encodes a decoded sig document (as an attacker could) after `edit`.
fn reencode(sig: &str, edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let mut doc = usersig::decode(sig).unwrap();
    edit(&mut doc);
    let json = serde_json::to_vec(&doc).unwrap();
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut z, &json).unwrap();
    usersig::tencent_b64_encode(&z.finish().unwrap())
}

#[test]
fn tampering_is_detected() {
    let key = SigningKey::new(1400000000, "secret");
    let sig = key.generate_at("admin", 100, 1_000).unwrap();
    // Untouched but recompressed at level 6: still valid.
    assert!(key.verify("admin", &reencode(&sig, |_| {}), 1_000).is_ok());
    let longer = reencode(&sig, |d| {
        d.insert("TLS.expire".into(), 10_000.into());
    });
    assert_eq!(
        key.verify("admin", &longer, 5_000),
        Err(VerifyError::SignatureMismatch)
    );
    let later = reencode(&sig, |d| {
        d.insert("TLS.time".into(), 2_000.into());
    });
    assert_eq!(
        key.verify("admin", &later, 2_000),
        Err(VerifyError::SignatureMismatch)
    );
    let other = reencode(&sig, |d| {
        d.insert("TLS.identifier".into(), "root".into());
    });
    assert_eq!(
        key.verify("root", &other, 1_000),
        Err(VerifyError::SignatureMismatch)
    );
    let buf = reencode(&sig, |d| {
        d.insert("TLS.userbuf".into(), "YWJj".into());
    });
    assert_eq!(
        key.verify("admin", &buf, 1_000),
        Err(VerifyError::SignatureMismatch)
    );
    let bad_type = reencode(&sig, |d| {
        d.insert("TLS.time".into(), "1000".into());
    });
    assert!(matches!(
        key.verify("admin", &bad_type, 1_000),
        Err(VerifyError::Malformed(_))
    ));

    for junk in ["", "not base64!", "eJzz", "AAAA", &sig[..sig.len() - 8]] {
        assert!(
            matches!(
                key.verify("admin", junk, 1_000),
                Err(VerifyError::Malformed(_))
            ),
            "{junk:?}"
        );
    }
    // A flipped character in the middle never verifies.
    let mut chars: Vec<char> = sig.chars().collect();
    let mid = chars.len() / 2;
    chars[mid] = if chars[mid] == 'A' { 'B' } else { 'A' };
    let flipped: String = chars.into_iter().collect();
    assert!(key.verify("admin", &flipped, 1_000).is_err());
}

#[test]
fn debug_redacts_the_key() {
    let key = SigningKey::new(1400000000, "very-secret-key-123");
    let dbg = format!("{key:?}");
    assert!(!dbg.contains("very-secret-key-123"), "{dbg}");
    assert!(dbg.contains("1400000000"));
}

/// Whether a missing interop prerequisite must fail the test rather than
/// skip it (CI sets `TRTC_REQUIRE_INTEROP=1` after installing them).
fn interop_required() -> bool {
    std::env::var("TRTC_REQUIRE_INTEROP").is_ok_and(|v| v == "1")
}

/// Skips (with a NOTICE) or, when interop is required, fails.
fn missing(what: &str) -> bool {
    assert!(!interop_required(), "TRTC_REQUIRE_INTEROP=1 but {what}");
    eprintln!("NOTICE: {what}; skipping this interop check");
    false
}

fn python_ok() -> bool {
    match Command::new("python3").arg("--version").output() {
        Ok(o) if o.status.success() => true,
        _ => missing("python3 is not available"),
    }
}

/// Whether Tencent's official package (`tls-sig-api-v2` on PyPI, module
/// `TLSSigAPIv2`) can be imported.
fn official_package_ok() -> bool {
    if !python_ok() {
        return false;
    }
    let probe = Command::new("python3")
        .args(["-c", "import TLSSigAPIv2"])
        .output()
        .expect("run python3");
    probe.status.success()
        || missing("the official package is not installed (pip install tls-sig-api-v2==1.1)")
}

#[test]
fn interop_our_sigs_pass_the_reference_verifier() {
    if !python_ok() {
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/usersig_verify.py");
    let key = SigningKey::new(
        1400000000,
        "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e",
    );
    let now = 1_700_000_000;
    let cases = [
        (
            "administrator",
            key.generate_at("administrator", 86400, now).unwrap(),
            None,
        ),
        (
            "用户甲-测试",
            key.generate_at("用户甲-测试", 3600, now).unwrap(),
            None,
        ),
        (
            "a\"b\\c/d<e>&f",
            key.generate_at("a\"b\\c/d<e>&f", 3600, now).unwrap(),
            None,
        ),
        (
            "xiaojun",
            key.generate_with_userbuf_at("xiaojun", 600, b"abc", now)
                .unwrap(),
            Some(STANDARD.encode(b"abc")),
        ),
    ];
    for (id, sig, ub) in cases {
        let run = |at: u64| {
            let mut cmd = Command::new("python3");
            cmd.arg(script)
                .args(["--sdkappid", "1400000000", "--key"])
                .arg("5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e")
                .arg("--identifier")
                .arg(id)
                .arg("--sig")
                .arg(&sig)
                .arg("--now")
                .arg(at.to_string());
            if let Some(b) = &ub {
                cmd.arg("--userbuf-b64").arg(b);
            }
            cmd.output().expect("run verify.py")
        };
        let ok = run(now);
        assert!(
            ok.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&ok.stdout)
        );
        let late = run(now + 1_000_000);
        assert_eq!(late.status.code(), Some(1), "{id} should be expired");
    }
}

#[test]
fn interop_official_python_sigs_pass_our_verifier() {
    if !official_package_ok() {
        return;
    }
    let key_text = "kT9#密钥-not-hex_ü";
    let script = r#"
import sys, TLSSigAPIv2
api = TLSSigAPIv2.TLSSigAPIv2(int(sys.argv[1]), sys.argv[2])
print(api.gen_sig(sys.argv[3], int(sys.argv[4])))
print(api.gen_sig_with_userbuf(sys.argv[3], int(sys.argv[4]), b"abc"))
"#;
    for id in ["administrator", "用户甲", "🎉user"] {
        let out = Command::new("python3")
            .args(["-c", script, "1600000001", key_text, id, "86400"])
            .output()
            .expect("run python3");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines();
        let plain = lines.next().unwrap();
        let with_buf = lines.next().unwrap();
        let key = SigningKey::new(1600000001, key_text);
        let now = usersig::decode(plain).unwrap()["TLS.time"]
            .as_u64()
            .unwrap();
        let v = key.verify(id, plain, now).unwrap();
        assert_eq!(v.expire, 86400);
        assert!(key.verify_with_userbuf(id, with_buf, b"abc", now).is_ok());
        // And our own sig for the same inputs carries the same HMAC.
        let ours = key.generate_at(id, 86400, now).unwrap();
        assert_eq!(
            usersig::decode(&ours).unwrap()["TLS.sig"],
            usersig::decode(plain).unwrap()["TLS.sig"]
        );
    }
}

/// The `usersig` example's executable, built (or found fresh) by Cargo with
/// this test's features.
fn usersig_example() -> std::path::PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "build",
        "--quiet",
        "--package",
        "trtc-room",
        "--example",
        "usersig",
        "--message-format=json",
    ]);
    // Cargo gives this test process the variables of the package under
    // test; some build scripts watch them, so passing them on would make
    // this build and the enclosing `cargo test` rebuild each other.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if [
            "CARGO_PKG_",
            "CARGO_MANIFEST_",
            "CARGO_CRATE_",
            "CARGO_BIN_",
            "CARGO_PRIMARY_",
        ]
        .iter()
        .any(|p| name.starts_with(p))
            || name == "CARGO_TARGET_TMPDIR"
            || name == "OUT_DIR"
        {
            cmd.env_remove(&*name);
        }
    }
    let out = cmd.output().expect("run cargo build --example usersig");
    assert!(
        out.status.success(),
        "cargo build --example usersig failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "usersig")
        .find_map(|m| m["executable"].as_str().map(std::path::PathBuf::from))
        .expect("cargo reports the usersig executable")
}

#[test]
fn usersig_example_prints_only_a_sig_that_the_official_library_verifies() {
    let official = official_package_ok();
    if !python_ok() {
        return;
    }
    let exe = usersig_example();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/usersig_verify.py");
    let key_text = "kT9#密钥-not-hex_ü";
    for id in ["用户甲-测试", "a\"b\\c/d<e>&f", "administrator"] {
        let out = Command::new(&exe)
            .args(["--sdk-app-id", "1400000000", "--secret-key", key_text])
            .args(["--identifier", id, "--expire", "86400"])
            .output()
            .expect("run the usersig example");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
        // Only the sig: one line, no label, nothing else.
        let sig = stdout.strip_suffix('\n').expect("one line");
        assert!(
            !sig.is_empty() && !sig.contains(char::is_whitespace),
            "{stdout:?}"
        );
        assert!(!stdout.contains(key_text));

        let mut verify = Command::new("python3");
        verify
            .arg(script)
            .args(["--sdkappid", "1400000000", "--key", key_text])
            .args(["--identifier", id, "--sig", sig]);
        if official {
            // Also recompute the HMAC with Tencent's own module.
            verify.arg("--official");
        }
        let checked = verify.output().expect("run usersig_verify.py");
        assert!(
            checked.status.success(),
            "{id}: {}{}",
            String::from_utf8_lossy(&checked.stdout),
            String::from_utf8_lossy(&checked.stderr)
        );
        // The same check with another identifier must fail (the test can fail).
        let mut wrong = Command::new("python3");
        wrong
            .arg(script)
            .args(["--sdkappid", "1400000000", "--key", key_text])
            .args(["--identifier", "someone-else", "--sig", sig]);
        assert_eq!(wrong.output().expect("run").status.code(), Some(1));
    }
}

#[test]
fn usersig_example_refuses_bad_arguments_with_status_2() {
    let exe = usersig_example();
    let full = [
        "--sdk-app-id",
        "1400000000",
        "--secret-key",
        "k",
        "--identifier",
        "a",
        "--expire",
        "60",
    ];
    let bad: Vec<Vec<&str>> = vec![
        vec![],
        full[..6].to_vec(),                                 // no --expire
        [&full[..7], &["sixty"][..]].concat(),              // not a number
        [&full[..7], &["0"][..]].concat(),                  // refused expire
        [&full[..5], &["", "--expire", "60"][..]].concat(), // empty identifier
        [&full[..], &["--verbose"][..]].concat(),           // unknown flag
        [&full[..], &["stray"][..]].concat(),               // stray value
        full[..7].to_vec(),                                 // flag without value
    ];
    for args in bad {
        let out = Command::new(&exe).args(&args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("usage:"), "{args:?}: {err}");
    }
    let help = Command::new(&exe).arg("--help").output().expect("run");
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("usage:"));
}
