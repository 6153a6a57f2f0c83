//! Client-side checks of the documented constraints, run before a request is
//! sent.
//!
//! The generated types implement [`Validate`] by calling the helper functions
//! of this module; a broken constraint becomes an [`InvalidRequest`] naming the
//! field (as a path of wire names, e.g. `RoomInfo.RoomId`) and the limit.

use std::fmt;

/// A documented constraint that a request breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRequest {
    /// Path of the offending field in wire names, e.g. `RoomInfo.RoomId` or
    /// `MemberList[3].Member_Account`.
    pub field: String,
    /// What is wrong with it.
    pub problem: Problem,
}

/// The kind of constraint that was broken.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A string is longer than allowed (UTF-8 bytes).
    TooLong {
        /// The documented maximum.
        max_bytes: usize,
        /// The actual length.
        actual: usize,
    },
    /// A string is shorter than allowed (UTF-8 bytes).
    TooShort {
        /// The documented minimum.
        min_bytes: usize,
        /// The actual length.
        actual: usize,
    },
    /// A list has more items than allowed.
    TooManyItems {
        /// The documented maximum.
        max: usize,
        /// The actual count.
        actual: usize,
    },
    /// A list has fewer items than allowed.
    TooFewItems {
        /// The documented minimum.
        min: usize,
        /// The actual count.
        actual: usize,
    },
    /// A number is outside the documented range.
    OutOfRange {
        /// The documented minimum, if any.
        min: Option<i64>,
        /// The documented maximum, if any.
        max: Option<i64>,
        /// The actual value.
        actual: i64,
    },
    /// An enum value the service reports in answers but refuses in requests
    /// (e.g. `TakeSeatMode::NotSet`, wire value `None`).
    NotAccepted {
        /// The wire value.
        value: String,
    },
    /// A string that may only hold printable ASCII (0x20-0x7e) holds something else.
    NotPrintableAscii {
        /// Byte offset of the first character outside the range.
        at: usize,
    },
    /// A string does not start with any of the allowed prefixes.
    BadPrefix {
        /// The allowed prefixes.
        allowed: Vec<String>,
    },
    /// Not exactly one of several alternative fields is set.
    NotExactlyOne {
        /// The alternatives (wire names).
        fields: Vec<String>,
        /// How many of them are set.
        set: usize,
    },
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.field)?;
        match &self.problem {
            Problem::TooLong { max_bytes, actual } => {
                write!(f, "{actual} bytes, at most {max_bytes} allowed")
            }
            Problem::TooShort { min_bytes, actual } => {
                write!(f, "{actual} bytes, at least {min_bytes} required")
            }
            Problem::TooManyItems { max, actual } => {
                write!(f, "{actual} items, at most {max} allowed")
            }
            Problem::TooFewItems { min, actual } => {
                write!(f, "{actual} items, at least {min} required")
            }
            Problem::OutOfRange { min, max, actual } => match (min, max) {
                (Some(lo), Some(hi)) => write!(f, "{actual} is outside {lo}..={hi}"),
                (Some(lo), None) => write!(f, "{actual} is below the minimum {lo}"),
                (None, Some(hi)) => write!(f, "{actual} is above the maximum {hi}"),
                (None, None) => write!(f, "{actual} is out of range"),
            },
            Problem::NotAccepted { value } => write!(
                f,
                "{value:?} is only reported by the service and is refused in requests"
            ),
            Problem::NotPrintableAscii { at } => write!(
                f,
                "only printable ASCII (0x20-0x7e) is allowed; byte {at} is outside it"
            ),
            Problem::BadPrefix { allowed } => {
                write!(f, "must start with one of {}", allowed.join(", "))
            }
            Problem::NotExactlyOne { fields, set } => write!(
                f,
                "exactly one of {} must be set, not {set}",
                fields.join(", ")
            ),
        }
    }
}

impl std::error::Error for InvalidRequest {}

/// Checks the documented constraints of a value.
pub trait Validate {
    /// Checks this value, reporting fields below `path` (wire names joined by
    /// `.`; empty at the top level).
    fn validate_at(&self, path: &str) -> Result<(), InvalidRequest>;

    /// Checks this value as a whole request.
    fn validate(&self) -> Result<(), InvalidRequest> {
        self.validate_at("")
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_at(&self, path: &str) -> Result<(), InvalidRequest> {
        match self {
            Some(v) => v.validate_at(path),
            None => Ok(()),
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_at(&self, path: &str) -> Result<(), InvalidRequest> {
        for (i, item) in self.iter().enumerate() {
            item.validate_at(&format!("{path}[{i}]"))?;
        }
        Ok(())
    }
}

/// Joins a parent path and a field's wire name.
pub fn join(parent: &str, field: &str) -> String {
    if parent.is_empty() {
        field.to_owned()
    } else {
        format!("{parent}.{field}")
    }
}

/// Refuses a string longer than `max` UTF-8 bytes.
pub fn max_bytes(path: &str, field: &str, value: &str, max: usize) -> Result<(), InvalidRequest> {
    if value.len() > max {
        return Err(InvalidRequest {
            field: join(path, field),
            problem: Problem::TooLong {
                max_bytes: max,
                actual: value.len(),
            },
        });
    }
    Ok(())
}

/// Refuses a string shorter than `min` UTF-8 bytes.
pub fn min_bytes(path: &str, field: &str, value: &str, min: usize) -> Result<(), InvalidRequest> {
    if value.len() < min {
        return Err(InvalidRequest {
            field: join(path, field),
            problem: Problem::TooShort {
                min_bytes: min,
                actual: value.len(),
            },
        });
    }
    Ok(())
}

/// Refuses a list with more than `max` items.
pub fn max_items<T>(
    path: &str,
    field: &str,
    value: &[T],
    max: usize,
) -> Result<(), InvalidRequest> {
    if value.len() > max {
        return Err(InvalidRequest {
            field: join(path, field),
            problem: Problem::TooManyItems {
                max,
                actual: value.len(),
            },
        });
    }
    Ok(())
}

/// Refuses a list with fewer than `min` items.
pub fn min_items<T>(
    path: &str,
    field: &str,
    value: &[T],
    min: usize,
) -> Result<(), InvalidRequest> {
    if value.len() < min {
        return Err(InvalidRequest {
            field: join(path, field),
            problem: Problem::TooFewItems {
                min,
                actual: value.len(),
            },
        });
    }
    Ok(())
}

/// Refuses a number outside `min..=max` (either bound may be absent).
pub fn range(
    path: &str,
    field: &str,
    value: i64,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<(), InvalidRequest> {
    let below = min.is_some_and(|m| value < m);
    let above = max.is_some_and(|m| value > m);
    if below || above {
        return Err(InvalidRequest {
            field: join(path, field),
            problem: Problem::OutOfRange {
                min,
                max,
                actual: value,
            },
        });
    }
    Ok(())
}

/// Refuses a value the service only reports (`response_only` in the spec).
pub fn accepted_value(path: &str, response_only: bool, value: &str) -> Result<(), InvalidRequest> {
    if response_only {
        return Err(InvalidRequest {
            field: path.to_owned(),
            problem: Problem::NotAccepted {
                value: value.to_owned(),
            },
        });
    }
    Ok(())
}

/// Refuses a string with a character outside printable ASCII (0x20-0x7e).
pub fn printable_ascii(path: &str, field: &str, value: &str) -> Result<(), InvalidRequest> {
    match value.bytes().position(|b| !(0x20..=0x7e).contains(&b)) {
        Some(at) => Err(InvalidRequest {
            field: join(path, field),
            problem: Problem::NotPrintableAscii { at },
        }),
        None => Ok(()),
    }
}

/// Refuses a string that starts with none of `allowed`.
pub fn starts_with(
    path: &str,
    field: &str,
    value: &str,
    allowed: &[&str],
) -> Result<(), InvalidRequest> {
    if allowed.iter().any(|p| value.starts_with(p)) {
        return Ok(());
    }
    Err(InvalidRequest {
        field: join(path, field),
        problem: Problem::BadPrefix {
            allowed: allowed.iter().map(|p| (*p).to_owned()).collect(),
        },
    })
}

/// Refuses unless exactly one of the `(wire name, is set)` alternatives is set.
pub fn exactly_one_of(path: &str, fields: &[(&str, bool)]) -> Result<(), InvalidRequest> {
    let set = fields.iter().filter(|(_, present)| *present).count();
    if set == 1 {
        return Ok(());
    }
    let names: Vec<String> = fields.iter().map(|(w, _)| join(path, w)).collect();
    Err(InvalidRequest {
        field: names.join("|"),
        problem: Problem::NotExactlyOne { fields: names, set },
    })
}
