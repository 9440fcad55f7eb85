//! Mermaid flowchart: one subgraph per set, build IDs chained oldest to newest.

use std::fmt::Write as _;

use version_sets::VersionSets;

use super::{Options, numbered, shown};

/// The sets as a Mermaid flowchart. Marks are spelled out in the labels, and tombstones
/// and the queue default also get a class.
pub(crate) fn mermaid(state: &VersionSets, options: Options) -> String {
    let mut text = String::from("flowchart LR\n");
    let mut deleted = Vec::new();
    let mut queue_default = None;
    for set in numbered(state, options) {
        let number = set.number;
        let mut label = format!("set {number}");
        if number == state.set_count() {
            label.push_str(" (default set)");
        }
        if options.set_ids {
            let _ = write!(label, ": {}", set.set_ids);
        }
        let _ = writeln!(text, "  subgraph s{number}[\"{}\"]", escaped(&label));
        for (j, member) in (1..).zip(&set.members) {
            let node = format!("b{number}_{j}");
            let marks = &member.marks;
            let mut label = shown(&member.id).into_owned();
            if !marks.is_empty() {
                let _ = write!(label, " ({})", marks.join(", "));
            }
            let _ = writeln!(text, "    {node}[\"{}\"]", escaped(&label));
            if j > 1 {
                let _ = writeln!(text, "    b{number}_{} --> {node}", j - 1);
            }
            if marks.contains(&"deleted") {
                deleted.push(node.clone());
            }
            if marks.contains(&"queue default") {
                queue_default = Some(node);
            }
        }
        text.push_str("  end\n");
    }
    if let Some(node) = queue_default {
        text.push_str("  classDef queueDefault stroke-width:3px;\n");
        let _ = writeln!(text, "  class {node} queueDefault;");
    }
    if !deleted.is_empty() {
        text.push_str("  classDef deleted stroke-dasharray: 5 5;\n");
        let _ = writeln!(text, "  class {} deleted;", deleted.join(","));
    }
    text
}

/// Label text with the characters Mermaid would read as syntax or HTML written as its
/// entity codes (`#quot;`, `#35;` and so on).
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' | '<' | '>' | '&' | '`' | '\n' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}
