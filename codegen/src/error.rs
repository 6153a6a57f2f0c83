//! The generator's error: names the spec file, the place in it and the problem.

use std::fmt;

/// A problem in `api-spec/` (or in writing the output), naming where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The file, relative to the repository root (e.g. `api-spec/services/x.yaml`).
    pub file: String,
    /// Where in the file, outermost first (e.g. `["command kick_user_out", "field MemberList_Account"]`).
    pub place: Vec<String>,
    /// What is wrong.
    pub message: String,
}

impl SpecError {
    pub(crate) fn new(
        file: impl Into<String>,
        place: &[String],
        message: impl Into<String>,
    ) -> Self {
        SpecError {
            file: file.into(),
            place: place.to_vec(),
            message: message.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file)?;
        for p in &self.place {
            write!(f, "{p}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for SpecError {}

/// Builds errors for one file and a nested place inside it.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub file: String,
    pub place: Vec<String>,
}

impl Ctx {
    pub fn file(file: impl Into<String>) -> Self {
        Ctx {
            file: file.into(),
            place: Vec::new(),
        }
    }

    pub fn at(&self, place: impl Into<String>) -> Self {
        let mut c = self.clone();
        c.place.push(place.into());
        c
    }

    pub fn err(&self, message: impl Into<String>) -> SpecError {
        SpecError::new(self.file.clone(), &self.place, message)
    }
}
