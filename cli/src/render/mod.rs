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
use version_sets::VersionSets;

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

/// One set as the renderings show it, copied out of the state (so no rendering holds a
/// borrow of the library's set type, whose shape is not the command's business).
pub(crate) struct SetRow {
    /// 1-based, oldest is 1.
    pub(crate) number: usize,
    /// The set's IDs as `A (primary), B, C`.
    pub(crate) set_ids: String,
    /// The build IDs, oldest first.
    pub(crate) members: Vec<Member>,
}

/// One build ID of a [`SetRow`].
pub(crate) struct Member {
    /// The build ID as it is (renderings pass it through [`shown`]).
    pub(crate) id: String,
    /// `set default`, `queue default`, `deleted`, in that order, where they apply.
    pub(crate) marks: Vec<&'static str>,
}

/// The sets with their 1-based positions (oldest is 1), in the order asked for.
pub(crate) fn numbered(state: &VersionSets, options: Options) -> Vec<SetRow> {
    let mut rows = Vec::new();
    for (number, set) in (1..).zip(state.sets()) {
        let mut ids: Vec<String> = set
            .set_ids()
            .map(|id| shown(id.as_str()).into_owned())
            .collect();
        if let Some(primary) = ids.first_mut() {
            primary.push_str(" (primary)");
        }
        let default = set.default_build_id().to_string();
        let members = set
            .build_ids()
            .map(|record| {
                let id = record.id().to_string();
                let mut marks = Vec::new();
                if id == default {
                    marks.push("set default");
                    if state.is_queue_default(id.as_str()) {
                        marks.push("queue default");
                    }
                }
                if !record.is_active() {
                    marks.push("deleted");
                }
                Member { id, marks }
            })
            .collect();
        rows.push(SetRow {
            number,
            set_ids: ids.join(", "),
            members,
        });
    }
    if options.newest_first {
        rows.reverse();
    }
    rows
}
