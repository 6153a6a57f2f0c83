//! Helpers of the generated property tests (`generated/prop_tests.rs`): a
//! seeded source of field values, an arbitrary-JSON strategy, and the
//! properties themselves.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Field values from a seed: short strings mixing ASCII, control and
/// non-ASCII characters, integers across their whole range, small lists.
pub(crate) struct Gen(StdRng);

impl Gen {
    pub(crate) fn new(seed: u64) -> Self {
        Gen(StdRng::seed_from_u64(seed))
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0.random_range(0..n.max(1))
    }

    pub(crate) fn bool(&mut self) -> bool {
        self.0.random()
    }

    pub(crate) fn int<T>(&mut self) -> T
    where
        rand::distr::StandardUniform: rand::distr::Distribution<T>,
    {
        self.0.random()
    }

    pub(crate) fn string(&mut self) -> String {
        const CHARS: &[char] = &[
            'a', 'Z', '0', ' ', '"', '\\', '\n', '\u{0}', 'é', '房', '🎥', '&', '=',
        ];
        let len = self.below(8);
        (0..len).map(|_| CHARS[self.below(CHARS.len())]).collect()
    }

    pub(crate) fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.bool() {
            Some(f(self))
        } else {
            None
        }
    }

    pub(crate) fn list<T>(&mut self, mut f: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let len = self.below(4);
        (0..len).map(|_| f(self)).collect()
    }

    /// Any JSON value but `null` (an optional field holding `null` reads back
    /// as absent, which is the documented meaning, not a round-trip loss).
    pub(crate) fn json(&mut self) -> Value {
        match self.below(5) {
            0 => Value::Bool(self.bool()),
            1 => Value::from(self.int::<i64>()),
            2 => Value::from(self.string()),
            3 => Value::Array(self.list(|g| Value::from(g.int::<u32>()))),
            _ => {
                let mut m = serde_json::Map::new();
                m.insert(self.string(), Value::from(self.string()));
                Value::Object(m)
            }
        }
    }

    /// Fields the type does not know (kept in `extra`).
    pub(crate) fn extra(&mut self) -> serde_json::Map<String, Value> {
        let mut m = serde_json::Map::new();
        for i in 0..self.below(3) {
            m.insert(format!("XUnknownField{i}"), self.json());
        }
        m
    }

    /// A string enum value none of `known` spells.
    pub(crate) fn unknown_string(&mut self, known: &[&str]) -> String {
        loop {
            let s = format!("Unknown{}", self.string());
            if !known.contains(&s.as_str()) {
                return s;
            }
        }
    }

    /// An integer enum value that is none of `known`.
    pub(crate) fn unknown_int(&mut self, known: &[i64]) -> i64 {
        loop {
            let v = self.int::<i64>();
            if !known.contains(&v) {
                return v;
            }
        }
    }
}

/// Any JSON: scalars (integers, floats, strings with odd characters), and
/// arrays and objects of them a few levels deep, with keys from the spec's
/// spelling as well as arbitrary ones.
pub(crate) fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
    ];
    let key = prop_oneof![
        Just("RoomId".to_owned()),
        Just("RoomInfo".to_owned()),
        Just("Response".to_owned()),
        Just("ErrorCode".to_owned()),
        Just("ActionStatus".to_owned()),
        Just("MemberList".to_owned()),
        Just("Member_Account".to_owned()),
        Just("CallbackCommand".to_owned()),
        "[A-Za-z_]{1,12}",
    ];
    leaf.prop_recursive(3, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// `value` survives serialization and deserialization unchanged.
pub(crate) fn round_trip<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let bytes = serde_json::to_vec(value)
        .map_err(|e| TestCaseError::fail(format!("cannot serialize {value:?}: {e}")))?;
    let back: T = serde_json::from_slice(&bytes).map_err(|e| {
        TestCaseError::fail(format!(
            "cannot read back {}: {e}",
            String::from_utf8_lossy(&bytes)
        ))
    })?;
    prop_assert_eq!(&back, value);
    Ok(())
}

/// Decoding any JSON as `T` gives a value or an error; a value round-trips.
pub(crate) fn decode_any<T>(v: Value) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let bytes = serde_json::to_vec(&v).expect("a JSON value serializes");
    if let Ok(decoded) = serde_json::from_slice::<T>(&bytes) {
        round_trip(&decoded)?;
    }
    Ok(())
}

/// Parsing any JSON as the callback `command` gives an event or an error.
pub(crate) fn parse_webhook_any(command: &str, v: &Value) -> Result<(), TestCaseError> {
    let bytes = serde_json::to_vec(v).expect("a JSON value serializes");
    let _ = crate::WebhookEvent::parse(command, &bytes);
    let query = format!("SdkAppid=1400000000&CallbackCommand={command}");
    let _ = crate::webhook::Delivery::parse(&query, &bytes);
    Ok(())
}
