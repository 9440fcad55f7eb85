//! Graphviz DOT: one cluster per set, build IDs chained oldest to newest.

use std::fmt::Write as _;

use version_sets::VersionSets;

use super::{Options, numbered, shown};

/// The sets as a DOT digraph. Set defaults have a double border, the queue default is
/// bold and tombstones are dashed.
pub(crate) fn dot(state: &VersionSets, options: Options) -> String {
    let mut text = String::from("digraph version_sets {\n  rankdir=LR;\n  node [shape=box];\n");
    for set in numbered(state, options) {
        let number = set.number;
        let _ = writeln!(text, "  subgraph cluster_{number} {{");
        let mut label = format!("set {number}");
        if number == state.set_count() {
            label.push_str(" (default set)");
        }
        if options.set_ids {
            let _ = write!(label, "\n{}", set.set_ids);
        }
        let _ = writeln!(text, "    label={};", quoted(&label));
        for (j, member) in (1..).zip(&set.members) {
            let marks = &member.marks;
            let mut attributes = vec![format!("label={}", quoted(&shown(&member.id)))];
            if marks.contains(&"set default") {
                attributes.push("peripheries=2".to_owned());
            }
            let mut style = Vec::new();
            if marks.contains(&"queue default") {
                style.push("bold");
            }
            if marks.contains(&"deleted") {
                style.push("dashed");
            }
            if !style.is_empty() {
                attributes.push(format!("style=\"{}\"", style.join(",")));
            }
            let _ = writeln!(text, "    b{number}_{j} [{}];", attributes.join(", "));
            if j > 1 {
                let _ = writeln!(text, "    b{number}_{} -> b{number}_{j};", j - 1);
            }
        }
        text.push_str("  }\n");
    }
    text.push_str("}\n");
    text
}

/// A DOT string literal; a newline in `text` becomes a line break in the label.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
