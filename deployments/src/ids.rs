//! Deployment names, build IDs and version strings (specification.md section 0.1): the field checks in the
//! server's order, the two string forms of a version (`D.b` and `D:b`) and the parser that
//! cuts at the first delimiter.

use std::fmt;

/// The unversioned sentinel of the deprecated string fields (`UnversionedVersionId`).
pub const UNVERSIONED: &str = "__unversioned__";

/// Which request field a name check is about; its `Display` is the server's field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The deployment name (`WorkerDeploymentName`).
    DeploymentName,
    /// The build ID (`BuildID`).
    BuildId,
}

named! {
    Field, "the server's field name";
    DeploymentName => "WorkerDeploymentName",
    BuildId => "BuildID",
}

/// One version of one deployment: the pair `(deployment_name, build_id)`.
///
/// A plain pair: every operation validates what it takes from a request before it builds
/// one, and a key names a version whether or not it exists.
///
/// # Example
/// ```
/// use worker_deployments::VersionKey;
///
/// let v = VersionKey::new("orders", "b1");
/// assert_eq!(v.v31(), "orders.b1");
/// assert_eq!(v.v32(), "orders:b1");
/// assert_eq!(VersionKey::parse("orders:b1.x")?, Some(VersionKey::new("orders", "b1.x")));
/// assert_eq!(VersionKey::parse("__unversioned__")?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VersionKey {
    deployment_name: String,
    build_id: String,
}

impl VersionKey {
    /// The version `build_id` of deployment `deployment_name`.
    pub fn new(deployment_name: impl Into<String>, build_id: impl Into<String>) -> Self {
        Self {
            deployment_name: deployment_name.into(),
            build_id: build_id.into(),
        }
    }

    /// The deployment's name.
    pub fn deployment_name(&self) -> &str {
        &self.deployment_name
    }

    /// The build ID.
    pub fn build_id(&self) -> &str {
        &self.build_id
    }

    /// The "v31" string `<name>.<build>` of the deprecated fields and the deployment's keys.
    pub fn v31(&self) -> String {
        format!("{}.{}", self.deployment_name, self.build_id)
    }

    /// The "v32" string `<name>:<build>` of error messages and workflow IDs.
    pub fn v32(&self) -> String {
        format!("{}:{}", self.deployment_name, self.build_id)
    }

    /// `WorkerDeploymentVersionFromStringV31`: [`UNVERSIONED`] is `None`; otherwise the text
    /// is cut at its first `.`, or at its first `:` when that comes before the first `.`. A
    /// text with a `:` and no `.` is not cut at all: it is all name and no build ID, as the
    /// server's parse reads it (Go's `strings.Cut` at `.` gives the whole text and nothing
    /// when it finds no `.`, and the `:` is only tried as the earlier of two), observed live
    /// on Server 1.32.0: `D:b1` is refused with "build id is empty".
    ///
    /// # Errors
    /// [`VersionStringError`] when there is no delimiter or one side is empty.
    pub fn parse(text: &str) -> Result<Option<Self>, VersionStringError> {
        if text == UNVERSIONED {
            return Ok(None);
        }
        let cut = match (text.find('.'), text.find(':')) {
            (None, None) => return Err(VersionStringError::NoDelimiter(text.to_owned())),
            (None, Some(_)) => None,
            (Some(dot), Some(colon)) if colon < dot => Some(colon),
            (Some(dot), _) => Some(dot),
        };
        let (name, build) = match cut {
            Some(at) => {
                let (name, rest) = text.split_at(at);
                (name, rest.get(1..).unwrap_or_default())
            }
            None => (text, ""),
        };
        if name.is_empty() {
            return Err(VersionStringError::EmptyName(text.to_owned()));
        }
        if build.is_empty() {
            return Err(VersionStringError::EmptyBuild(text.to_owned()));
        }
        Ok(Some(Self::new(name, build)))
    }
}

impl VersionKey {
    /// `WorkerDeploymentVersionFromStringV32`: the `<name>:<build>` form this type displays
    /// as, cut at its first `:` ([`UNVERSIONED`] is `None`), so a build ID may hold `:` and `.`.
    ///
    /// # Errors
    /// [`VersionStringError`] when there is no `:` or one side is empty.
    ///
    /// # Example
    /// ```
    /// use worker_deployments::VersionKey;
    ///
    /// assert_eq!(VersionKey::parse_v32("D:b1.x")?, Some(VersionKey::new("D", "b1.x")));
    /// assert!(VersionKey::parse_v32("D.b1").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse_v32(text: &str) -> Result<Option<Self>, VersionStringError> {
        if text == UNVERSIONED {
            return Ok(None);
        }
        let Some((name, build)) = text.split_once(':') else {
            return Err(VersionStringError::NoColon(text.to_owned()));
        };
        if name.is_empty() {
            return Err(VersionStringError::EmptyName(text.to_owned()));
        }
        if build.is_empty() {
            return Err(VersionStringError::EmptyBuild(text.to_owned()));
        }
        Ok(Some(Self::new(name, build)))
    }
}

impl fmt::Display for VersionKey {
    /// The v32 form, `<name>:<build>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.deployment_name, self.build_id)
    }
}

/// Why a version string does not parse; `Display` is the server's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VersionStringError {
    /// Neither `.` nor `:` in the text.
    #[error("expected delimiter ':' or '.' not found in version string {0}")]
    NoDelimiter(String),
    /// No `:` in a `<name>:<build>` text ([`VersionKey::parse_v32`]).
    #[error("expected delimiter ':' not found in version string {0}")]
    NoColon(String),
    /// Nothing before the delimiter.
    #[error("deployment name is empty in version string {0}")]
    EmptyName(String),
    /// Nothing after the delimiter.
    #[error("build id is empty in version string {0}")]
    EmptyBuild(String),
}

/// Go's `%q` of a string: double quotes, with `"` and `\` escaped and control characters
/// written as escapes (what the server's `ALREADY_EXISTS` messages and the delete-version
/// parse error print).
pub(crate) fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_cuts_at_the_first_dot_or_an_earlier_colon() {
        assert_eq!(
            VersionKey::parse("a.b.b1"),
            Ok(Some(VersionKey::new("a", "b.b1")))
        );
        assert_eq!(
            VersionKey::parse("a:b.c"),
            Ok(Some(VersionKey::new("a", "b.c")))
        );
        // A `:` alone does not cut: the whole text is the name (observed live).
        assert_eq!(
            VersionKey::parse("D:b1").unwrap_err().to_string(),
            "build id is empty in version string D:b1"
        );
        assert_eq!(
            VersionKey::parse(":b1").unwrap_err().to_string(),
            "build id is empty in version string :b1"
        );
        assert_eq!(
            VersionKey::parse("a.b:c"),
            Ok(Some(VersionKey::new("a", "b:c")))
        );
        assert_eq!(
            VersionKey::parse("nodelimiter").unwrap_err().to_string(),
            "expected delimiter ':' or '.' not found in version string nodelimiter"
        );
        assert_eq!(
            VersionKey::parse(".b1").unwrap_err().to_string(),
            "deployment name is empty in version string .b1"
        );
        assert_eq!(
            VersionKey::parse("D.").unwrap_err().to_string(),
            "build id is empty in version string D."
        );
    }

    #[test]
    fn parse_v32_cuts_at_the_first_colon() {
        assert_eq!(
            VersionKey::parse_v32("my-deployment:build-123:extra"),
            Ok(Some(VersionKey::new("my-deployment", "build-123:extra")))
        );
        assert_eq!(VersionKey::parse_v32(UNVERSIONED), Ok(None));
        for (text, message) in [
            ("", "expected delimiter ':' not found in version string "),
            (":", "deployment name is empty in version string :"),
            (
                "D.b1",
                "expected delimiter ':' not found in version string D.b1",
            ),
            (":b1", "deployment name is empty in version string :b1"),
            ("D:", "build id is empty in version string D:"),
        ] {
            assert_eq!(
                VersionKey::parse_v32(text).unwrap_err().to_string(),
                message
            );
        }
    }

    #[test]
    fn go_quote_escapes_like_percent_q() {
        assert_eq!(go_quote("D"), "\"D\"");
        assert_eq!(go_quote("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\x01é\"");
    }
}
