//! Parsers for flag values: text, integers, JSON (inline or `@file`).

use serde_json::Value;

/// Any text, sent as a JSON string.
pub fn parse_string(s: &str) -> Result<Value, String> {
    Ok(Value::String(s.to_owned()))
}

/// A whole number (up to the range of `u64`, or down to that of `i64`).
pub fn parse_int(s: &str) -> Result<Value, String> {
    let t = s.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Ok(Value::from(n));
    }
    if let Ok(n) = t.parse::<u64>() {
        return Ok(Value::from(n));
    }
    Err(format!("{s:?} is not a whole number"))
}

/// JSON text, or `@path` naming a file that holds it.
pub fn parse_json_arg(s: &str) -> Result<Value, String> {
    let (text, origin) = match s.strip_prefix('@') {
        Some(path) => (
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?,
            format!("file {path}"),
        ),
        None => (s.to_owned(), "the value".to_owned()),
    };
    serde_json::from_str(&text).map_err(|e| format!("{origin} is not valid JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_cover_both_signs_and_u64() {
        assert_eq!(parse_int("-5").unwrap(), Value::from(-5));
        assert_eq!(
            parse_int("18446744073709551615").unwrap(),
            Value::from(u64::MAX)
        );
        assert!(parse_int("1.5").is_err());
        assert!(parse_int("ten").is_err());
    }

    #[test]
    fn json_inline_and_from_file() {
        assert_eq!(parse_json_arg(r#"{"a":1}"#).unwrap()["a"], 1);
        let path = std::env::temp_dir().join(format!("trtc-cli-json-{}.json", std::process::id()));
        std::fs::write(&path, r#"{"b":[2]}"#).unwrap();
        let v = parse_json_arg(&format!("@{}", path.display())).unwrap();
        assert_eq!(v["b"][0], 2);
        let _ = std::fs::remove_file(&path);
        assert!(parse_json_arg("{oops")
            .unwrap_err()
            .contains("not valid JSON"));
        assert!(parse_json_arg("@/nonexistent/x.json")
            .unwrap_err()
            .contains("cannot read"));
    }
}
