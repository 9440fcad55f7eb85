//! Set IDs: the names of the physical queues behind a compatible set.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE;
use sha2::{Digest as _, Sha256};

use crate::BuildId;

/// The number of base64 characters Temporal keeps of a build ID's hash.
const SET_ID_LEN: usize = 20;

/// The ID of a compatible set, the name its tasks are queued under.
///
/// A set made by an operation is named [`SetId::for_build_id`] of its first build ID; a set
/// made by merging keeps the names of both halves. Set IDs read from stored data are kept as
/// they are, whatever their text.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SetId(Arc<str>);

impl SetId {
    /// The set ID Temporal derives from a build ID (`hashBuildId`): the first 20 characters
    /// of the URL-safe base64 of the SHA-256 of its UTF-8 bytes.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, SetId};
    ///
    /// let id = SetId::for_build_id(&BuildId::new("my-build-id")?);
    /// assert_eq!(id.as_str(), "ftrPuUeORv2JD4Wp2wTU");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_build_id(build_id: &BuildId) -> Self {
        Self::for_text(build_id.as_str())
    }

    /// The set ID a build ID named `text` would have, whether or not `text` is a valid build
    /// ID (a lookup may be asked about any string).
    pub(crate) fn for_text(text: &str) -> Self {
        let digest = Sha256::digest(text.as_bytes());
        let mut text = URL_SAFE.encode(digest);
        // 32 bytes encode to 44 characters, so the cut never reaches the padding.
        text.truncate(SET_ID_LEN);
        Self(Arc::from(text))
    }

    /// Wraps a set ID read from stored data. Any text is kept as it is; emptiness is
    /// reported by validation, not here.
    pub fn from_stored(text: impl AsRef<str>) -> Self {
        Self(Arc::from(text.as_ref()))
    }

    /// The set ID as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

#[cfg(test)]
mod tests;
