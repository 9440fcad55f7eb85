//! The names of the public enums (and of [`Limits`](crate::Limits)): `as_str`, `FromStr`
//! and `Display` written once, and the one error a name that is not one of them gets.
//!
//! Each fieldless public enum is spelled as its proto enum value where Temporal's API has
//! one (`STATE_ACTIVE`, `VERSIONING_INTENT_COMPATIBLE`, `TASK_REACHABILITY_OPEN_WORKFLOWS`,
//! `NOT_FOUND`), and otherwise by the lowercase word the trace format and the command use
//! (`changed`, `noop`, `same`, `multi-cluster`). `FromStr` reads exactly those names.

use std::fmt;

use crate::code::Code;

/// A string that names none of a type's values: what `FromStr` answers for the crate's
/// enums and for [`Limits`](crate::Limits). `Display` says what was expected, e.g.
/// `expected STATE_ACTIVE or STATE_DELETED`, and leaves quoting the text to the caller.
///
/// # Example
/// ```
/// use version_sets::{BuildIdState, Code, ParseError};
///
/// assert_eq!("STATE_DELETED".parse(), Ok(BuildIdState::Deleted));
/// let err = "deleted".parse::<BuildIdState>().unwrap_err();
/// assert_eq!(err.to_string(), "expected STATE_ACTIVE or STATE_DELETED");
/// assert_eq!(err.type_name(), "BuildIdState");
/// assert_eq!(err.code(), Code::InvalidArgument);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub struct ParseError {
    type_name: &'static str,
    expected: &'static [&'static str],
}

impl ParseError {
    pub(crate) const fn new(type_name: &'static str, expected: &'static [&'static str]) -> Self {
        Self {
            type_name,
            expected,
        }
    }

    /// The type that was being read, e.g. `"VersioningIntent"`.
    pub const fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// What would have been read, in the type's order.
    pub const fn expected(&self) -> &'static [&'static str] {
        self.expected
    }

    /// `INVALID_ARGUMENT`: the caller named no value of the type.
    pub const fn code(&self) -> Code {
        Code::InvalidArgument
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected ")?;
        let last = self.expected.len().saturating_sub(1);
        for (i, name) in self.expected.iter().enumerate() {
            match i {
                0 => {}
                i if i == last => f.write_str(" or ")?,
                _ => f.write_str(", ")?,
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

/// `as_str`, `FromStr` and `Display` for a fieldless enum, from one table of names.
macro_rules! named {
    ($ty:ident, $what:literal; $($variant:ident => $name:literal),+ $(,)?) => {
        impl $ty {
            /// Every name, in declaration order.
            const NAMES: &'static [&'static str] = &[$($name),+];

            #[doc = concat!(
                "The name of the value, as [`FromStr`](std::str::FromStr) reads it back (",
                $what, "): ", $("`", $name, "` "),+
            )]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = crate::ParseError;

            #[doc = concat!("Reads one of ", $("`", $name, "` "),+)]
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($name => Ok(Self::$variant),)+
                    _ => Err(crate::ParseError::new(stringify!($ty), Self::NAMES)),
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

// `Code`'s names are here rather than beside it, so that `code.rs` stays below this module
// (the name error answers a `Code` too).
named! {
    Code, "a gRPC status name";
    InvalidArgument => "INVALID_ARGUMENT",
    NotFound => "NOT_FOUND",
    FailedPrecondition => "FAILED_PRECONDITION",
    OutOfRange => "OUT_OF_RANGE",
    Unavailable => "UNAVAILABLE",
    Internal => "INTERNAL",
}

#[cfg(test)]
mod tests {
    use super::ParseError;

    #[test]
    fn lists_what_was_expected_as_a_sentence() {
        let words = |expected| ParseError::new("T", expected).to_string();
        assert_eq!(words(&["a"]), "expected a");
        assert_eq!(words(&["a", "b"]), "expected a or b");
        assert_eq!(words(&["a", "b", "c"]), "expected a, b or c");
    }
}
