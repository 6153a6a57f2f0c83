//! Lenient reading of request bodies: a missing required field or a value
//! of the wrong type is a 100002 naming the field.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// A request body (a JSON object) or a nested object of it.
pub struct Body<'a> {
    path: String,
    map: &'a Map<String, Value>,
}

fn wrong(path: &str, key: &str, what: &str) -> ApiError {
    ApiError::bad_param(format!("{}{key} must be {what}", prefix(path)))
}

fn prefix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}.")
    }
}

impl<'a> Body<'a> {
    /// The top-level body.
    pub fn new(value: &'a Value) -> Result<Self, ApiError> {
        let map = value
            .as_object()
            .ok_or_else(|| ApiError::bad_param("body must be a JSON object"))?;
        Ok(Self {
            path: String::new(),
            map,
        })
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn missing(&self, key: &str) -> ApiError {
        ApiError::bad_param(format!("{}{key} is required", prefix(&self.path)))
    }

    /// A required nested object.
    pub fn object(&self, key: &str) -> Result<Body<'a>, ApiError> {
        let v = self.get(key).ok_or_else(|| self.missing(key))?;
        let map = v
            .as_object()
            .ok_or_else(|| wrong(&self.path, key, "an object"))?;
        Ok(Body {
            path: format!("{}{key}", prefix(&self.path)),
            map,
        })
    }

    /// An optional string.
    pub fn opt_str(&self, key: &str) -> Result<Option<String>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) if key.ends_with("_Account") => Ok(Some(n.to_string())),
            Some(_) => Err(wrong(&self.path, key, "a string")),
        }
    }

    /// A required string.
    pub fn str(&self, key: &str) -> Result<String, ApiError> {
        self.opt_str(key)?.ok_or_else(|| self.missing(key))
    }

    /// An optional integer (also accepted as a decimal string).
    pub fn opt_i64(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| wrong(&self.path, key, "an integer")),
            Some(Value::String(s)) => s
                .parse()
                .map(Some)
                .map_err(|_| wrong(&self.path, key, "an integer")),
            Some(_) => Err(wrong(&self.path, key, "an integer")),
        }
    }

    /// A required integer.
    pub fn i64(&self, key: &str) -> Result<i64, ApiError> {
        self.opt_i64(key)?.ok_or_else(|| self.missing(key))
    }

    /// An optional non-negative integer.
    pub fn opt_u64(&self, key: &str) -> Result<Option<u64>, ApiError> {
        match self.opt_i64(key)? {
            None => Ok(None),
            Some(v) => u64::try_from(v)
                .map(Some)
                .map_err(|_| wrong(&self.path, key, "a non-negative integer")),
        }
    }

    /// An optional boolean (also accepted as `"true"`/`"false"`).
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s == "true" => Ok(Some(true)),
            Some(Value::String(s)) if s == "false" => Ok(Some(false)),
            Some(_) => Err(wrong(&self.path, key, "a boolean")),
        }
    }

    /// An optional list of strings.
    pub fn opt_str_list(&self, key: &str) -> Result<Option<Vec<String>>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    _ => Err(wrong(&self.path, key, "a list of strings")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(wrong(&self.path, key, "a list of strings")),
        }
    }

    /// A required list of strings.
    pub fn str_list(&self, key: &str) -> Result<Vec<String>, ApiError> {
        self.opt_str_list(key)?.ok_or_else(|| self.missing(key))
    }

    /// A required list of objects.
    pub fn objects(&self, key: &str) -> Result<Vec<Body<'a>>, ApiError> {
        let v = self.get(key).ok_or_else(|| self.missing(key))?;
        let items = v
            .as_array()
            .ok_or_else(|| wrong(&self.path, key, "a list of objects"))?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item.as_object()
                    .map(|map| Body {
                        path: format!("{}{key}[{i}]", prefix(&self.path)),
                        map,
                    })
                    .ok_or_else(|| wrong(&self.path, key, "a list of objects"))
            })
            .collect()
    }

    /// A required list of non-negative integers.
    pub fn u64_list(&self, key: &str) -> Result<Vec<u64>, ApiError> {
        let v = self.get(key).ok_or_else(|| self.missing(key))?;
        let items = v
            .as_array()
            .ok_or_else(|| wrong(&self.path, key, "a list of integers"))?;
        items
            .iter()
            .map(|v| {
                v.as_u64()
                    .ok_or_else(|| wrong(&self.path, key, "a list of integers"))
            })
            .collect()
    }
}
