//! Text renderings of a state: an ASCII tree, Graphviz DOT, Mermaid, and a flat listing of
//! one line per set for before/after diffs.

mod dot;
mod flat;
mod mermaid;
mod tree;

use std::borrow::Cow;

pub(crate) use dot::dot;
pub(crate) use flat::flat;
pub(crate) use mermaid::mermaid;
pub(crate) use tree::tree;
use version_sets::{BuildIdRecord, CompatibleSet, VersionSets};

/// What to show besides the build IDs.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options {
    /// Each set's IDs, the primary first.
    pub(crate) set_ids: bool,
    /// Newest set first instead of oldest first.
    pub(crate) newest_first: bool,
}

/// A build ID or set ID as text on one line: as it is, unless it holds control characters
/// or surrounding spaces, which would break or hide in the layout; then quoted and escaped.
pub(crate) fn shown(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_control) || text.trim() != text {
        Cow::Owned(format!("{text:?}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The sets with their 1-based positions (oldest is 1), in the order asked for.
pub(crate) fn numbered(state: &VersionSets, options: Options) -> Vec<(usize, CompatibleSet<'_>)> {
    let mut sets: Vec<_> = (1..).zip(state.sets()).collect();
    if options.newest_first {
        sets.reverse();
    }
    sets
}

/// The marks after a build ID: `set default`, `queue default`, `deleted`.
pub(crate) fn marks(
    state: &VersionSets,
    set: &CompatibleSet<'_>,
    record: &BuildIdRecord<'_>,
) -> Vec<&'static str> {
    let mut marks = Vec::new();
    if set.default_build_id() == record.id() {
        marks.push("set default");
        if state.is_queue_default(record.id()) {
            marks.push("queue default");
        }
    }
    if !record.is_active() {
        marks.push("deleted");
    }
    marks
}

/// A set's IDs as `A (primary), B, C`.
pub(crate) fn set_ids(set: &CompatibleSet<'_>) -> String {
    let mut ids: Vec<String> = set
        .set_ids()
        .map(|id| shown(id.as_str()).into_owned())
        .collect();
    if let Some(primary) = ids.first_mut() {
        primary.push_str(" (primary)");
    }
    ids.join(", ")
}
