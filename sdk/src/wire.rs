//! Serde adapters for values the service writes inconsistently, used by the
//! generated types (chosen per field in the spec).
//!
//! - [`account`] (and [`option_account`], [`vec_account`], [`option_vec_account`]):
//!   a user ID. Sent as a JSON string; accepted as a string or a JSON integer,
//!   which is kept digit for digit (64-bit IDs above 2^53 are not rounded).
//! - [`flex_bool`] (and [`option_flex_bool`]): a boolean. Sent as a JSON
//!   boolean; accepted as a boolean or the strings `"true"` / `"false"`.
//!
//! It also holds the one implementation of the generated open enums' serde,
//! `Display` and JSON Schema: each generated enum only lists its variants and
//! their wire values (`as_str`/`from_wire`, or `value`/`from_value`) and
//! invokes `open_str_enum!` or `open_int_enum!` for the rest.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

struct AccountVisitor;

impl Visitor<'_> for AccountVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a user ID (string or integer)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// A user ID that deserializes from a string or an integer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Account(pub String);

impl<'de> Deserialize<'de> for Account {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AccountVisitor).map(Account)
    }
}

/// A boolean that deserializes from a boolean or `"true"`/`"false"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct FlexBool(pub bool);

struct FlexBoolVisitor;

impl Visitor<'_> for FlexBoolVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean or \"true\"/\"false\"")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        match v {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
        }
    }
}

impl<'de> Deserialize<'de> for FlexBool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FlexBoolVisitor).map(FlexBool)
    }
}

struct IntOrStringVisitor;

impl Visitor<'_> for IntOrStringVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or an integer written as a string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim()
            .parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// Reads an integer written as a JSON number or as a string (`"1"`); used by
/// the generated integer enums.
pub fn int_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(IntOrStringVisitor)
}

/// The envelope fields every answer carries, shared by the generated
/// whole-body types (`crate::generated::bodies`) that the wire tests and the
/// published JSON Schema use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// `OK` or `FAIL`.
    #[serde(rename = "ActionStatus")]
    pub action_status: String,
    /// `0` on success.
    #[serde(rename = "ErrorCode")]
    pub error_code: i64,
    /// Error description.
    #[serde(rename = "ErrorInfo", default, skip_serializing_if = "Option::is_none")]
    pub error_info: Option<String>,
    /// The request's unique ID (absent in the Chat account services' answers).
    #[serde(rename = "RequestId", default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// `#[serde(with)]` adapter for a required user ID (`String`).
pub mod account {
    use super::*;

    /// Writes the ID as a string.
    pub fn serialize<S: Serializer>(v: &str, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v)
    }

    /// Reads a string or an integer.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Account::deserialize(d).map(|a| a.0)
    }
}

/// `#[serde(with)]` adapter for an optional user ID (`Option<String>`).
pub mod option_account {
    use super::*;

    /// Writes the ID as a string (or nothing).
    pub fn serialize<S: Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    /// Reads a string, an integer or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(Option::<Account>::deserialize(d)?.map(|a| a.0))
    }
}

/// `#[serde(with)]` adapter for a list of user IDs (`Vec<String>`).
pub mod vec_account {
    use super::*;

    /// Writes the IDs as strings.
    pub fn serialize<S: Serializer>(v: &[String], s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    /// Reads a list of strings and/or integers.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        Ok(Vec::<Account>::deserialize(d)?
            .into_iter()
            .map(|a| a.0)
            .collect())
    }
}

/// `#[serde(with)]` adapter for an optional list of user IDs (`Option<Vec<String>>`).
pub mod option_vec_account {
    use super::*;

    /// Writes the IDs as strings (or nothing).
    pub fn serialize<S: Serializer>(v: &Option<Vec<String>>, s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    /// Reads a list of strings and/or integers, or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
        Ok(Option::<Vec<Account>>::deserialize(d)?.map(|v| v.into_iter().map(|a| a.0).collect()))
    }
}

/// `#[serde(with)]` adapter for a required boolean (`bool`).
pub mod flex_bool {
    use super::*;

    /// Writes a JSON boolean.
    pub fn serialize<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(*v)
    }

    /// Reads a boolean or `"true"`/`"false"`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        FlexBool::deserialize(d).map(|b| b.0)
    }
}

/// `#[serde(with)]` adapter for an optional boolean (`Option<bool>`).
pub mod option_flex_bool {
    use super::*;

    /// Writes a JSON boolean (or nothing).
    pub fn serialize<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    /// Reads a boolean, `"true"`/`"false"` or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        Ok(Option::<FlexBool>::deserialize(d)?.map(|b| b.0))
    }
}

/// `Display` and serde for a generated open enum over strings, from its
/// inherent `as_str(&self) -> &str` and `from_wire(&str) -> Self`.
macro_rules! open_str_enum {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value =
                    <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from_wire(&value))
            }
        }
    };
    // A string enum the service also writes as numbers (`from_number`).
    ($name:ident, numbers) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Ok(match $crate::wire::str_or_int(deserializer)? {
                    $crate::wire::StrOrInt::Str(value) => Self::from_wire(&value),
                    $crate::wire::StrOrInt::Int(value) => Self::from_number(value),
                })
            }
        }
    };
}
pub(crate) use open_str_enum;

/// A JSON string or integer, as read by [`str_or_int`].
pub(crate) enum StrOrInt<'de> {
    Str(std::borrow::Cow<'de, str>),
    Int(i64),
}

/// Reads a JSON string or an integer (within `i64`) for a string enum that
/// the service also writes as numbers.
pub(crate) fn str_or_int<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<StrOrInt<'de>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = StrOrInt<'de>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or an integer")
        }
        fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(StrOrInt::Str(std::borrow::Cow::Borrowed(v)))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(StrOrInt::Str(std::borrow::Cow::Owned(v.to_owned())))
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(StrOrInt::Str(std::borrow::Cow::Owned(v)))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(StrOrInt::Int(v))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i64::try_from(v)
                .map(StrOrInt::Int)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
        }
    }
    deserializer.deserialize_any(V)
}

/// `Display` and serde for a generated open enum over integers, from its
/// inherent `value(&self) -> i64` and `from_value(i64) -> Self`. The number
/// is also accepted written as a string.
macro_rules! open_int_enum {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::wire::int_or_string(deserializer).map(Self::from_value)
            }
        }
    };
}
pub(crate) use open_int_enum;

/// Checks an open string enum (used by the generated wire tests): every
/// known value is written and read as its wire string, and a value the
/// spec does not have is read as `unknown` and written back unchanged.
#[cfg(test)]
pub(crate) fn check_open_str_enum<T>(known: &[(T, &str)], unknown: T)
where
    T: Serialize + serde::de::DeserializeOwned + PartialEq + fmt::Debug,
{
    for (value, wire) in known {
        let json = serde_json::Value::from(*wire);
        assert_eq!(serde_json::to_value(value).expect("serializes"), json);
        assert_eq!(&serde_json::from_value::<T>(json).expect("parses"), value);
    }
    let parsed: T = serde_json::from_str("\"NotInTheSpec\"").expect("parses");
    assert_eq!(parsed, unknown);
    assert_eq!(
        serde_json::to_string(&parsed).expect("serializes"),
        "\"NotInTheSpec\""
    );
}

/// Checks an open integer enum (used by the generated wire tests): every
/// known value is written as its number and read from the number or the
/// number as a string; `987654` is read as `unknown` and written back; a
/// non-numeric string is refused.
#[cfg(test)]
pub(crate) fn check_open_int_enum<T>(known: &[(T, i64)], unknown: T)
where
    T: Serialize + serde::de::DeserializeOwned + PartialEq + fmt::Debug,
{
    for (value, wire) in known {
        let json = serde_json::Value::from(*wire);
        assert_eq!(serde_json::to_value(value).expect("serializes"), json);
        assert_eq!(&serde_json::from_value::<T>(json).expect("parses"), value);
        let text = serde_json::Value::from(wire.to_string());
        assert_eq!(
            &serde_json::from_value::<T>(text).expect("parses a string"),
            value
        );
    }
    let parsed: T = serde_json::from_str("987654").expect("parses");
    assert_eq!(parsed, unknown);
    assert_eq!(
        serde_json::to_string(&parsed).expect("serializes"),
        "987654"
    );
    assert!(serde_json::from_str::<T>("\"x\"").is_err());
}

/// The JSON of a documented sample, or of its expected form (generated
/// wire tests).
#[cfg(test)]
pub(crate) fn sample_json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("sample is JSON")
}

/// Checks a request built through the typed API from a documented sample
/// (generated wire tests): it passes validation, serializes to `expected`,
/// and `expected` parses back to it.
#[cfg(test)]
pub(crate) fn check_request_sample<T>(expected: serde_json::Value, built: &T)
where
    T: Serialize + serde::de::DeserializeOwned + PartialEq + fmt::Debug + crate::validate::Validate,
{
    built.validate().expect("sample passes validation");
    assert_eq!(serde_json::to_value(built).expect("serializes"), expected);
    let parsed: T = serde_json::from_value(expected).expect("parses");
    assert_eq!(&parsed, built);
}

/// Checks that a documented answer body parses and is written back without
/// loss (generated wire tests); returns the parsed value.
#[cfg(test)]
pub(crate) fn check_response_sample<T>(expected: serde_json::Value) -> T
where
    T: Serialize + serde::de::DeserializeOwned,
{
    let parsed: T = serde_json::from_value(expected.clone()).expect("parses");
    assert_eq!(serde_json::to_value(&parsed).expect("serializes"), expected);
    parsed
}

/// Checks that `text` (an original sample, or one with aliased field names)
/// parses to `value` (generated wire tests).
#[cfg(test)]
pub(crate) fn check_parses_as<T>(text: &str, value: &T)
where
    T: serde::de::DeserializeOwned + PartialEq + fmt::Debug,
{
    let parsed: T = serde_json::from_str(text).expect("parses");
    assert_eq!(&parsed, value);
}

/// Parses a documented webhook body as `command`, checks the event names
/// that command and that reading the command from the body gives the same
/// event (generated wire tests); returns the event.
#[cfg(test)]
pub(crate) fn check_webhook_sample(command: &str, body: &[u8]) -> crate::WebhookEvent {
    let event = crate::WebhookEvent::parse(command, body).expect("parses");
    assert_eq!(event.command(), command);
    let from_body = crate::WebhookEvent::from_body(body).expect("parses");
    if from_body.command() == command {
        assert_eq!(from_body, event);
    }
    event
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct T {
        #[serde(with = "super::account")]
        a: String,
        #[serde(
            with = "super::option_account",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        oa: Option<String>,
        #[serde(with = "super::vec_account", default)]
        va: Vec<String>,
        #[serde(with = "super::flex_bool")]
        b: bool,
        #[serde(
            with = "super::option_flex_bool",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        ob: Option<bool>,
    }

    /// Same fields behind `flatten`, which buffers the input before the adapters see it.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Flat {
        #[serde(flatten)]
        t: T,
        #[serde(flatten)]
        extra: serde_json::Map<String, serde_json::Value>,
    }

    #[test]
    fn accounts_above_2_pow_53_are_kept_exactly() {
        let body = r#"{"a": 18446744073709551615, "oa": 9007199254740993, "va": ["x", 9007199254740995], "b": "false"}"#;
        let t: T = serde_json::from_str(body).unwrap();
        assert_eq!(t.a, "18446744073709551615");
        assert_eq!(t.oa.as_deref(), Some("9007199254740993"));
        assert_eq!(t.va, ["x", "9007199254740995"]);
        assert!(!t.b);
        assert_eq!(t.ob, None);
        let flat: Flat = serde_json::from_str(body).unwrap();
        assert_eq!(flat.t, t);
        assert!(flat.extra.is_empty());
    }

    #[test]
    fn sends_strings_and_booleans() {
        let t: T =
            serde_json::from_value(json!({"a": -5, "va": [], "b": "true", "ob": "false"})).unwrap();
        assert_eq!(
            serde_json::to_value(&t).unwrap(),
            json!({"a": "-5", "va": [], "b": true, "ob": false})
        );
        let t: T =
            serde_json::from_value(json!({"a": "u1", "oa": null, "b": true, "ob": true})).unwrap();
        assert_eq!(t.oa, None);
        assert_eq!(t.ob, Some(true));
    }

    #[test]
    fn rejects_other_shapes() {
        for bad in [
            json!({"a": 1.5, "b": true}),
            json!({"a": true, "b": true}),
            json!({"a": "x", "b": "yes"}),
            json!({"a": "x", "b": 1}),
            json!({"a": "x", "b": true, "va": [null]}),
        ] {
            assert!(serde_json::from_value::<T>(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn int_or_string_reads_both_forms() {
        #[derive(Deserialize)]
        struct N(#[serde(deserialize_with = "super::int_or_string")] i64);
        assert_eq!(serde_json::from_str::<N>("7").unwrap().0, 7);
        assert_eq!(serde_json::from_str::<N>("\"-3\"").unwrap().0, -3);
        assert!(serde_json::from_str::<N>("\"x\"").is_err());
        assert!(serde_json::from_str::<N>("1.5").is_err());
        assert!(serde_json::from_str::<N>("18446744073709551615").is_err());
    }
}
