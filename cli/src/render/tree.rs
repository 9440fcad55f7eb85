//! The ASCII tree `show` prints by default.

use std::fmt::Write as _;

use version_sets::VersionSets;

use super::{Options, SetRow, numbered, shown};

/// The sets as a tree, e.g.
///
/// ```text
/// task queue: 2 sets, 3 build IDs, default build ID 2.0
/// |-- set 1
/// |   |-- 1.0
/// |   `-- 1.1 (set default)
/// `-- set 2 (default set)
///     `-- 2.0 (set default, queue default)
/// ```
pub(crate) fn tree(state: &VersionSets, options: Options) -> String {
    let sets = numbered(state, options);
    let mut text = header(state, &sets);
    let last_set = sets.len();
    for (k, set) in (1..).zip(&sets) {
        let number = set.number;
        let (branch, indent) = if k == last_set {
            ("`-- ", "    ")
        } else {
            ("|-- ", "|   ")
        };
        let mut line = format!("{branch}set {number}");
        if number == state.set_count() {
            line.push_str(" (default set)");
        }
        if options.set_ids {
            let _ = write!(line, " [set IDs: {}]", set.set_ids);
        }
        let _ = writeln!(text, "{line}");
        let last_member = set.members.len();
        for (j, member) in (1..).zip(&set.members) {
            let twig = if j == last_member { "`-- " } else { "|-- " };
            let _ = write!(text, "{indent}{twig}{}", shown(&member.id));
            if !member.marks.is_empty() {
                let _ = write!(text, " ({})", member.marks.join(", "));
            }
            text.push('\n');
        }
    }
    text
}

/// `task queue: N sets, M build IDs (D deleted), default build ID X`.
fn header(state: &VersionSets, sets: &[SetRow]) -> String {
    let Some(default) = state.default_build_id() else {
        return "task queue: no sets (unversioned)\n".to_owned();
    };
    let deleted = sets
        .iter()
        .flat_map(|set| &set.members)
        .filter(|member| member.marks.contains(&"deleted"))
        .count();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let deleted = match deleted {
        0 => String::new(),
        n => format!(" ({n} deleted)"),
    };
    format!(
        "task queue: {}, {}{deleted}, default build ID {}\n",
        plural(state.set_count(), "set"),
        plural(state.build_id_count(), "build ID"),
        shown(default.as_str())
    )
}
