//! One line per set: the form `apply --dry-run` diffs. Lines carry no set numbers, so a
//! set that moves shows as one line removed and one added, not as every line changed.

use std::fmt::Write as _;

use version_sets::VersionSets;

use super::{Options, numbered, shown};

/// `set: 1.0, 1.1` for each set, oldest first (the last build ID of a set is its default),
/// then `queue default: ID`.
pub(crate) fn flat(state: &VersionSets) -> Vec<String> {
    let mut lines: Vec<String> = numbered(state, Options::default())
        .iter()
        .map(|set| {
            let mut line = String::from("set:");
            for (j, member) in (0..).zip(&set.members) {
                let separator = if j == 0 { " " } else { ", " };
                let _ = write!(line, "{separator}{}", shown(&member.id));
                if member.marks.contains(&"deleted") {
                    line.push_str(" (deleted)");
                }
            }
            line
        })
        .collect();
    lines.push(match state.default_build_id() {
        Some(id) => format!("queue default: {}", shown(id.as_str())),
        None => "queue default: none (unversioned)".to_owned(),
    });
    lines
}
