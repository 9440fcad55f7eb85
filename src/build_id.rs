//! The validated build-ID newtype, and the state of a build ID in a queue.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// The largest build ID the server accepts, in bytes (`limit.workerBuildIdSize`).
pub const MAX_BUILD_ID_LEN: usize = 255;

/// A worker build ID: a non-empty UTF-8 string of at most [`MAX_BUILD_ID_LEN`] bytes.
///
/// The only way to get one is through a validating constructor, so every `BuildId` in the
/// crate is one the server would accept. Cloning is cheap (a reference count), which keeps
/// the lookup index beside the sets free of string copies.
///
/// # Example
/// ```
/// use version_sets::BuildId;
///
/// let id = BuildId::new("deadbeef")?;
/// assert_eq!(id.as_str(), "deadbeef");
/// assert!(BuildId::new("").is_err());
/// assert!("x".repeat(256).parse::<BuildId>().is_err());
/// # Ok::<(), version_sets::BuildIdError>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BuildId(Arc<str>);

/// Why a string is not a valid [`BuildId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildIdError {
    /// The string is empty.
    #[error("build ID must not be empty")]
    Empty,
    /// The string is longer than [`MAX_BUILD_ID_LEN`] bytes.
    #[error("build ID is {len} bytes long; at most 255 are allowed")]
    TooLong {
        /// The length of the rejected string, in bytes.
        len: usize,
    },
}

impl BuildIdError {
    /// `INVALID_ARGUMENT`: what the server answers for a build ID it cannot take.
    pub const fn code(&self) -> crate::Code {
        crate::Code::InvalidArgument
    }
}

/// Whether a build ID is live or a tombstone left by garbage collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BuildIdState {
    /// A live build ID (`STATE_ACTIVE`).
    Active,
    /// A tombstone (`STATE_DELETED`): still counted as existing and towards the limits, still
    /// routed to, but hidden from the public listing until cleared.
    Deleted,
}

named! {
    BuildIdState, "the proto enum";
    Active => "STATE_ACTIVE",
    Deleted => "STATE_DELETED",
}

impl BuildId {
    /// Validates `id` and wraps it.
    ///
    /// # Errors
    /// [`BuildIdError::Empty`] for `""`, [`BuildIdError::TooLong`] past 255 bytes.
    ///
    /// # Example
    /// ```
    /// # use version_sets::{BuildId, BuildIdError};
    /// assert_eq!(BuildId::new(""), Err(BuildIdError::Empty));
    /// ```
    pub fn new(id: impl AsRef<str>) -> Result<Self, BuildIdError> {
        let id = id.as_ref();
        Self::check(id)?;
        Ok(Self(Arc::from(id)))
    }

    /// Whether `id` is a valid build ID, by the rule of [`BuildId::new`], without building
    /// one: for readers that check many build IDs and keep few.
    ///
    /// # Errors
    /// As [`BuildId::new`].
    ///
    /// # Example
    /// ```
    /// # use version_sets::{BuildId, BuildIdError};
    /// assert_eq!(BuildId::check("1.0"), Ok(()));
    /// assert_eq!(BuildId::check(""), Err(BuildIdError::Empty));
    /// ```
    pub fn check(id: &str) -> Result<(), BuildIdError> {
        if id.is_empty() {
            return Err(BuildIdError::Empty);
        }
        if id.len() > MAX_BUILD_ID_LEN {
            return Err(BuildIdError::TooLong { len: id.len() });
        }
        Ok(())
    }

    /// The build ID as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BuildId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for BuildId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl AsRef<str> for BuildId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

// `Hash` and `Eq` of `Arc<str>` agree with those of `str`, so maps keyed by `BuildId` can be
// queried with a plain `&str`.
impl Borrow<str> for BuildId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for BuildId {
    type Error = BuildIdError;

    fn try_from(id: &str) -> Result<Self, Self::Error> {
        Self::new(id)
    }
}

impl TryFrom<String> for BuildId {
    type Error = BuildIdError;

    fn try_from(id: String) -> Result<Self, Self::Error> {
        Self::new(id)
    }
}

impl FromStr for BuildId {
    type Err = BuildIdError;

    fn from_str(id: &str) -> Result<Self, Self::Err> {
        Self::new(id)
    }
}

impl PartialEq<str> for BuildId {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for BuildId {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

#[cfg(test)]
mod tests;
