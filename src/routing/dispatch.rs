//! Dispatch-time lookups: where a poller polls and where a task is queued.

use std::fmt;

use crate::build_id::BuildId;
use crate::code::Code;
use crate::set::{CompatibleSet, Lookup};
use crate::set_id::SetId;

/// The queue a poll or a task goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DispatchQueue<'a> {
    /// The task queue's unversioned queue (a task with no build ID on a queue with no sets).
    Unversioned,
    /// The queue of a compatible set: its [primary set ID](CompatibleSet::primary_set_id).
    /// Pollers also drain the [demoted IDs](CompatibleSet::demoted_set_ids).
    Set(CompatibleSet<'a>),
    /// A build ID that no set holds, queued under the set ID it would have. (The server then
    /// routes such work to a queue of that exact build ID.)
    Guessed(GuessedSet<'a>),
}

/// A build ID that no set holds. Its set ID, a hash, is computed only when asked for, so a
/// lookup of an unknown build ID costs one probe of the index and nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuessedSet<'a> {
    build_id: &'a str,
}

impl<'a> GuessedSet<'a> {
    /// The build ID that was looked up.
    pub fn build_id(&self) -> &'a str {
        self.build_id
    }

    /// The set ID the build ID would have: [`SetId::for_build_id`].
    pub fn set_id(&self) -> SetId {
        SetId::for_text(self.build_id)
    }
}

impl DispatchQueue<'_> {
    /// The set ID the work is queued under; `None` when unversioned.
    pub fn set_id(&self) -> Option<SetId> {
        match self {
            Self::Unversioned => None,
            Self::Set(set) => Some(set.primary_set_id().clone()),
            Self::Guessed(guess) => Some(guess.set_id()),
        }
    }
}

/// A poller's build ID is in a set whose default is another build ID, so the server refuses
/// the poll (gRPC `OUT_OF_RANGE`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Task queue has a newer compatible build: {}", go_quote(.default_build_id.as_str()))]
pub struct NewerBuildExists {
    /// The set's default, the build that should poll instead.
    pub default_build_id: BuildId,
}

impl NewerBuildExists {
    /// `OUT_OF_RANGE`.
    pub const fn code(&self) -> Code {
        Code::OutOfRange
    }
}

/// A sticky task for a build ID that is no longer its set's default; the server sends it
/// back to the normal queue (gRPC `UNAVAILABLE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sticky worker unavailable, please use original task queue.")]
pub struct StickyWorkerUnavailable;

impl StickyWorkerUnavailable {
    /// `UNAVAILABLE`.
    pub const fn code(&self) -> Code {
        Code::Unavailable
    }
}

/// Where a versioned worker with `build_id` polls (`lookupVersionSetForPoll`).
pub(crate) fn poll<'a>(
    sets: Lookup<'a>,
    build_id: &'a str,
) -> Result<DispatchQueue<'a>, NewerBuildExists> {
    match sets.set_and_is_default(build_id) {
        None => Ok(DispatchQueue::Guessed(GuessedSet { build_id })),
        Some((set, true)) => Ok(DispatchQueue::Set(set)),
        Some((set, false)) => Err(NewerBuildExists {
            default_build_id: set.default_build_id().clone(),
        }),
    }
}

/// Where a task goes (`lookupVersionSetForAdd`).
pub(crate) fn add_task<'a>(sets: Lookup<'a>, build_id: Option<&'a str>) -> DispatchQueue<'a> {
    match build_id {
        None => sets
            .default_set()
            .map_or(DispatchQueue::Unversioned, DispatchQueue::Set),
        Some(id) => sets.set_of(id).map_or_else(
            || DispatchQueue::Guessed(GuessedSet { build_id: id }),
            DispatchQueue::Set,
        ),
    }
}

/// Whether a worker with `build_id` may poll its sticky queue (`checkVersionForStickyPoll`).
pub(crate) fn sticky_poll(sets: Lookup<'_>, build_id: &str) -> Result<(), NewerBuildExists> {
    poll(sets, build_id).map(|_| ())
}

/// Whether a task for `build_id` may go to that worker's sticky queue
/// (`checkVersionForStickyAdd`).
pub(crate) fn sticky_add(sets: Lookup<'_>, build_id: &str) -> Result<(), StickyWorkerUnavailable> {
    poll(sets, build_id)
        .map(|_| ())
        .map_err(|_| StickyWorkerUnavailable)
}

/// Quotes `text` as Go's `%q` does for the server's message: in double quotes, with `"` and
/// `\` and control characters escaped.
fn go_quote(text: &str) -> impl fmt::Display + '_ {
    struct Quoted<'a>(&'a str);
    impl fmt::Display for Quoted<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("\"")?;
            for c in self.0.chars() {
                match c {
                    '"' => f.write_str("\\\"")?,
                    '\\' => f.write_str("\\\\")?,
                    '\u{7}' => f.write_str("\\a")?,
                    '\u{8}' => f.write_str("\\b")?,
                    '\u{c}' => f.write_str("\\f")?,
                    '\n' => f.write_str("\\n")?,
                    '\r' => f.write_str("\\r")?,
                    '\t' => f.write_str("\\t")?,
                    '\u{b}' => f.write_str("\\v")?,
                    c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                        write!(f, "\\x{:02x}", u32::from(c))?;
                    }
                    c if c.is_control() => write!(f, "\\u{:04x}", u32::from(c))?,
                    c => write!(f, "{c}")?,
                }
            }
            f.write_str("\"")
        }
    }
    Quoted(text)
}

#[cfg(test)]
mod tests {
    use super::go_quote;

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("1.1").to_string(), r#""1.1""#);
        assert_eq!(go_quote("a\"b\\c").to_string(), r#""a\"b\\c""#);
        assert_eq!(go_quote("t\tn\n\u{1}").to_string(), r#""t\tn\n\x01""#);
        assert_eq!(go_quote("\u{85}é").to_string(), "\"\\u0085é\"");
    }
}
