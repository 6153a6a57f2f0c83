//! One-pass typed decoding of a successful answer.
//!
//! The common case, a successful answer of a typed command, is decoded in a
//! single pass over the body: the envelope fields (`ActionStatus`,
//! `ErrorCode`, `ErrorInfo`, `RequestId`) are picked up on the way while
//! the payload is deserialized straight into its typed struct, either from
//! the wrapper key (`"Response"`) or from the remaining top-level keys.
//!
//! Anything else (a failed call, an envelope field of an unexpected type, a
//! payload that does not match) is not decided here: the caller falls back
//! to the general decoder, which classifies errors and keeps the lenient
//! handling, so both paths give the same result for every body.

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::command::PayloadLocation;

/// What the fast path produced: the typed payload (boxed, to be downcast by
/// the typed caller) and the `RequestId`.
pub(crate) struct Fast {
    pub(crate) payload: Box<dyn Any + Send>,
    pub(crate) request_id: Option<String>,
}

/// A monomorphic entry point per response type, usable as a plain `fn`.
pub(crate) type FastDecoder = fn(&[u8], PayloadLocation) -> Option<Fast>;

/// Decodes `body` as a successful answer carrying a `T`, in one pass.
/// `None` when the body is anything but a well-formed success.
pub(crate) fn fast_decode<T>(body: &[u8], location: PayloadLocation) -> Option<Fast>
where
    T: de::DeserializeOwned + Send + 'static,
{
    let mut de = serde_json::Deserializer::from_slice(body);
    let (payload, env) = match location {
        PayloadLocation::Wrapped(key) => {
            let mut env = Envelope::default();
            let payload = (&mut de)
                .deserialize_map(WrappedVisitor::<T> {
                    key,
                    env: &mut env,
                    _t: PhantomData,
                })
                .ok()??;
            (payload, env)
        }
        PayloadLocation::None | PayloadLocation::TopLevel => {
            let mut env = Envelope::default();
            let payload = T::deserialize(TopLevel {
                de: &mut de,
                env: &mut env,
            })
            .ok()?;
            (payload, env)
        }
    };
    de.end().ok()?;
    if !env.is_success() {
        return None;
    }
    Some(Fast {
        payload: Box::new(payload),
        request_id: env.request_id,
    })
}

/// The envelope fields seen so far. `odd` marks a field of a type the fast
/// path does not interpret (the general decoder then decides).
#[derive(Default)]
struct Envelope {
    status_ok: Option<bool>,
    code: Option<i64>,
    request_id: Option<String>,
    odd: bool,
}

impl Envelope {
    /// Same rule as the general decoder: a non-zero code fails; otherwise
    /// the status decides; at least one of the two must be present.
    fn is_success(&self) -> bool {
        if self.odd {
            return false;
        }
        match (self.status_ok, self.code) {
            (None, None) => false,
            (_, Some(c)) if c != 0 => false,
            (Some(ok), _) => ok,
            (None, Some(_)) => true,
        }
    }

    fn is_key(key: &str) -> bool {
        matches!(
            key,
            "ActionStatus" | "ErrorCode" | "ErrorInfo" | "RequestId"
        )
    }

    /// Reads the value of envelope key `key`.
    fn read<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        let v: Scalar = map.next_value()?;
        match (key, v) {
            ("ActionStatus", Scalar::Str(s)) => self.status_ok = Some(s.eq_ignore_ascii_case("OK")),
            ("ErrorCode", Scalar::Int(c)) => self.code = Some(c),
            ("ErrorCode", Scalar::Str(s)) => match s.trim().parse() {
                Ok(c) => self.code = Some(c),
                Err(_) => self.odd = true,
            },
            ("RequestId", Scalar::Str(s)) => self.request_id = Some(s),
            ("ErrorInfo", _) => {}
            _ => self.odd = true,
        }
        Ok(())
    }
}

/// An envelope value: what the fast path understands, or `Other`.
enum Scalar {
    Str(String),
    Int(i64),
    Other,
}

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an envelope value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Str(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar::Str(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(i64::try_from(v).map_or(Scalar::Other, Scalar::Int))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Scalar, E> {
                Ok(Scalar::Other)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Scalar, E> {
                Ok(Scalar::Other)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::Other)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Scalar, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Scalar, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// A key of the body, borrowed when the JSON text allows.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        d.deserialize_str(V)
    }
}

/// Walks the body's map: envelope keys into `env`, the wrapper key into
/// `T`, everything else skipped. `None` when the wrapper is absent.
struct WrappedVisitor<'e, T> {
    key: &'static str,
    env: &'e mut Envelope,
    _t: PhantomData<T>,
}

impl<'de, T: de::Deserialize<'de>> Visitor<'de> for WrappedVisitor<'_, T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        let mut payload = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let k = key.as_str();
            if k == self.key {
                if payload.is_some() {
                    return Err(de::Error::custom("duplicate payload key"));
                }
                payload = Some(map.next_value::<T>()?);
            } else if Envelope::is_key(k) {
                self.env.read(k, &mut map)?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(payload)
    }
}

/// The body as a map without its envelope keys (recorded in `env`), for a
/// payload whose fields sit at the top level.
struct TopLevel<'a, 'e, R> {
    de: &'a mut serde_json::Deserializer<R>,
    env: &'e mut Envelope,
}

impl<'de, R: serde_json::de::Read<'de>> Deserializer<'de> for TopLevel<'_, '_, R> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        let env = self.env;
        self.de.deserialize_map(Filter { visitor, env })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// Hands the inner visitor a map that skips (and records) envelope keys.
struct Filter<'e, V> {
    visitor: V,
    env: &'e mut Envelope,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Filter<'_, V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(FilteredMap { map, env: self.env })
    }
}

struct FilteredMap<'e, A> {
    map: A,
    env: &'e mut Envelope,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for FilteredMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        loop {
            let Some(key) = self.map.next_key::<Key<'de>>()? else {
                return Ok(None);
            };
            if Envelope::is_key(key.as_str()) {
                self.env.read(key.as_str(), &mut self.map)?;
                continue;
            }
            return match key {
                Key::Borrowed(s) => seed
                    .deserialize(de::value::BorrowedStrDeserializer::new(s))
                    .map(Some),
                Key::Owned(s) => seed
                    .deserialize(de::value::StringDeserializer::new(s))
                    .map(Some),
            };
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, Self::Error> {
        self.map.next_value_seed(seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct P {
        #[serde(rename = "A")]
        a: i64,
        #[serde(flatten)]
        extra: serde_json::Map<String, serde_json::Value>,
    }

    fn typed(body: &str, loc: PayloadLocation) -> Option<(P, Option<String>)> {
        fast_decode::<P>(body.as_bytes(), loc).map(|f| {
            let p = *f.payload.downcast::<P>().expect("type");
            (p, f.request_id)
        })
    }

    #[test]
    fn a_wrapped_success_is_decoded_with_its_request_id() {
        let body = r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"r-1","Response":{"A":5,"B":true}}"#;
        let (p, id) = typed(body, PayloadLocation::Wrapped("Response")).expect("fast");
        assert_eq!(p.a, 5);
        assert_eq!(p.extra.get("B"), Some(&serde_json::Value::Bool(true)));
        assert_eq!(id.as_deref(), Some("r-1"));
    }

    #[test]
    fn top_level_payloads_do_not_see_the_envelope_keys() {
        let body = r#"{"A":1,"ActionStatus":"OK","ErrorCode":"0","X":"y","ErrorInfo":""}"#;
        let (p, id) = typed(body, PayloadLocation::TopLevel).expect("fast");
        assert_eq!(p.a, 1);
        assert_eq!(p.extra.len(), 1, "{:?}", p.extra);
        assert_eq!(id, None);
    }

    #[test]
    fn anything_but_a_clean_success_is_left_to_the_general_decoder() {
        for body in [
            r#"{"ActionStatus":"FAIL","ErrorCode":60007,"ErrorInfo":"slow","Response":{"A":1}}"#,
            r#"{"ActionStatus":"OK","ErrorCode":"x","Response":{"A":1}}"#,
            r#"{"ActionStatus":"OK","ErrorCode":0}"#,
            r#"{"Response":{"A":1}}"#,
            r#"{"ActionStatus":"OK","ErrorCode":0,"Response":{"A":"not a number"}}"#,
            r#"{"ActionStatus":"OK","ErrorCode":0,"Response":{"A":1}} trailing"#,
            r#"{"ActionStatus":true,"ErrorCode":0,"Response":{"A":1}}"#,
            r#"[1]"#,
        ] {
            assert!(
                typed(body, PayloadLocation::Wrapped("Response")).is_none(),
                "{body}"
            );
        }
        assert!(typed(r#"{"ErrorCode":70107,"A":1}"#, PayloadLocation::TopLevel).is_none());
    }
}
