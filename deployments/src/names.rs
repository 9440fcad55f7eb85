//! The names of the public fieldless enums: `as_str`, `FromStr` and `Display` written once
//! (the `named!` macro, as in the version-sets model), and the error a name that is none
//! of them gets. Enums with a proto counterpart are spelled as its enum value
//! (`WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT`, `TASK_QUEUE_TYPE_WORKFLOW`, `NOT_FOUND`).

use std::fmt;

use crate::code::Code;

/// A string that names none of a type's values: what `FromStr` answers for the crate's
/// enums. `Display` says what was expected.
///
/// # Example
/// ```
/// use worker_deployments::{Code, TaskQueueType};
///
/// assert_eq!("TASK_QUEUE_TYPE_ACTIVITY".parse(), Ok(TaskQueueType::Activity));
/// let err = "activity".parse::<TaskQueueType>().unwrap_err();
/// assert_eq!(err.type_name(), "TaskQueueType");
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

    /// The type that was being read, e.g. `"TaskQueueType"`.
    pub const fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The names that would have been read, in the type's order.
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

// `Code`'s names are here so that `code.rs` stays below this module.
named! {
    Code, "a gRPC status name";
    InvalidArgument => "INVALID_ARGUMENT",
    NotFound => "NOT_FOUND",
    AlreadyExists => "ALREADY_EXISTS",
    FailedPrecondition => "FAILED_PRECONDITION",
    ResourceExhausted => "RESOURCE_EXHAUSTED",
}

#[cfg(test)]
mod tests {
    use crate::Code;

    #[test]
    fn a_code_reads_back_its_name_and_nothing_else() {
        for code in [
            Code::InvalidArgument,
            Code::NotFound,
            Code::AlreadyExists,
            Code::FailedPrecondition,
            Code::ResourceExhausted,
        ] {
            assert_eq!(code.as_str().parse(), Ok(code));
        }
        let err = "OK".parse::<Code>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION or RESOURCE_EXHAUSTED"
        );
    }
}
