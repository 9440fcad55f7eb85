//! ARCHITECTURE.md stays true: for each crate of the workspace it lists every top-level
//! module with the modules it imports, and those imports have no circle.
//!
//! A module's imports are read from its files: every `crate::NAME` path (NAME a module, or an
//! item the crate root re-exports from one) and every `super::NAME` path that names a sibling
//! module. The check is textual, which is enough for code that imports through paths.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// The crates whose modules ARCHITECTURE.md lists: the heading of each list, and the crate's
/// `src` folder and root file.
const CRATES: [(&str, &str, &str); 5] = [
    ("version-sets", "src", "lib.rs"),
    ("version-sets-trace", "trace/src", "lib.rs"),
    ("version-sets-cli", "cli/src", "main.rs"),
    ("worker-deployments", "deployments/src", "lib.rs"),
    (
        "worker-deployments-trace",
        "deployments/trace/src",
        "lib.rs",
    ),
];

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every `.rs` file of a top-level module: `src/m.rs` and everything under `src/m/`.
fn modules(src: &Path, root_file: &str) -> BTreeMap<String, Vec<PathBuf>> {
    let mut modules: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            let mut files = Vec::new();
            collect(&path, &mut files);
            modules.entry(name).or_default().extend(files);
        } else if let Some(stem) = name.strip_suffix(".rs")
            && name != root_file
            && !is_tests(&path)
        {
            modules.entry(stem.to_owned()).or_default().push(path);
        }
    }
    modules
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// `text` without its comments (doc links are not imports: every line from its `//` on)
/// and without its inline test modules (`#[cfg(test)] mod NAME { ... }`): tests may use the
/// whole crate.
fn code(text: &str) -> String {
    let mut code: String = text
        .lines()
        .map(|line| line.split_once("//").map_or(line, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n");
    while let Some(at) = code.find("#[cfg(test)]") {
        let rest = &code[at..];
        let end = match (rest.find("mod "), rest.find(';'), rest.find('{')) {
            (Some(module), Some(semi), Some(open)) if module < open && open < semi => {
                let mut depth = 0;
                let close = rest[open..].char_indices().find_map(|(i, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    (depth == 0).then_some(open + i + 1)
                });
                close.unwrap_or(rest.len())
            }
            _ => "#[cfg(test)]".len(),
        };
        code.replace_range(at..at + end, "");
    }
    code
}

/// Whether a file is a module's tests (`tests.rs`, `*_tests.rs`), which may use the whole
/// crate.
fn is_tests(file: &Path) -> bool {
    file.file_stem()
        .is_some_and(|stem| stem == "tests" || stem.to_string_lossy().ends_with("_tests"))
}

/// The identifier at the start of `text`.
fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The first identifier of each entry of the brace group that `text` starts with
/// (`{a, b::c, d as e}` gives a, b, d), nested groups skipped.
fn group(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut depth = 0;
    let mut start = true;
    for (at, c) in text.char_indices() {
        match c {
            '{' => {
                depth += 1;
                start = depth == 1;
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => start = true,
            c if start && depth == 1 && (c.is_alphanumeric() || c == '_') => {
                names.push(ident(&text[at..]));
                start = false;
            }
            _ => {}
        }
    }
    names
}

/// The names each path prefix (`crate::`, `super::`) is followed by in `text`.
fn after<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut names = Vec::new();
    for (at, _) in text.match_indices(prefix) {
        let rest = &text[at + prefix.len()..];
        if rest.starts_with('{') {
            names.extend(group(rest));
        } else {
            names.push(ident(rest));
        }
    }
    names
}

/// What the crate root re-exports, item by item: the module each comes from.
fn reexports(root: &str) -> BTreeMap<String, String> {
    let mut items = BTreeMap::new();
    for statement in code(root).split(';') {
        let Some(rest) = statement.rfind("pub use ").map(|at| &statement[at + 8..]) else {
            continue;
        };
        let module = ident(rest);
        let Some(path) = rest.strip_prefix(module).and_then(|r| r.strip_prefix("::")) else {
            continue;
        };
        let names = if path.starts_with('{') {
            group(path)
        } else {
            vec![ident(path)]
        };
        for name in names {
            items.insert(name.to_owned(), module.to_owned());
        }
    }
    items
}

fn imports(src: &str, root_file: &str) -> Graph {
    let src = Path::new(ROOT).join(src);
    let modules = modules(&src, root_file);
    let items = reexports(&fs::read_to_string(src.join(root_file)).unwrap());
    let owner = |name: &str| -> Option<String> {
        if modules.contains_key(name) {
            Some(name.to_owned())
        } else {
            items.get(name).cloned()
        }
    };
    let mut graph = Graph::new();
    for (module, files) in &modules {
        let mut deps = BTreeSet::new();
        for file in files.iter().filter(|file| !is_tests(file)) {
            let text = code(&fs::read_to_string(file).unwrap());
            // `super::` names a sibling only in a module's own root file.
            let top = file.parent() == Some(src.as_path())
                || (file.file_name().is_some_and(|n| n == "mod.rs")
                    && file.parent().and_then(Path::parent) == Some(src.as_path()));
            let mut names = after(&text, "crate::");
            names.extend(after(&text, "super::super::"));
            if top {
                names.extend(after(&text, "super::"));
            }
            deps.extend(names.into_iter().filter_map(owner));
        }
        deps.remove(module);
        graph.insert(module.clone(), deps);
    }
    graph
}

/// A circle in the graph, if it has one: a module that reaches itself.
fn circle(graph: &Graph) -> Option<String> {
    for start in graph.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = graph[start].iter().collect();
        while let Some(next) = stack.pop() {
            if next == start {
                return Some(start.clone());
            }
            if seen.insert(next) {
                stack.extend(graph.get(next).into_iter().flatten());
            }
        }
    }
    None
}

/// ARCHITECTURE.md's list for one crate: the lines `- \`module\` → a, b` under the heading
/// `### Modules of \`NAME\``, until the next heading.
fn listed(architecture: &str, name: &str) -> Graph {
    let heading = format!("### Modules of `{name}`");
    let start = architecture
        .find(&heading)
        .unwrap_or_else(|| panic!("ARCHITECTURE.md has no heading {heading:?}"));
    let mut graph = Graph::new();
    for line in architecture[start + heading.len()..].lines() {
        if line.starts_with('#') {
            break;
        }
        let Some(entry) = line.strip_prefix("- `") else {
            continue;
        };
        let (module, rest) = entry.split_once('`').unwrap();
        let deps = rest
            .split_once('→')
            .map(|(_, deps)| deps.trim())
            .filter(|deps| *deps != "nothing")
            .map(|deps| {
                deps.split(", ")
                    .map(|d| d.trim_matches('`').to_owned())
                    .collect()
            })
            .unwrap_or_default();
        graph.insert(module.to_owned(), deps);
    }
    graph
}

#[test]
fn no_crate_has_an_import_circle_and_architecture_md_lists_every_import() {
    let architecture = fs::read_to_string(Path::new(ROOT).join("ARCHITECTURE.md")).unwrap();
    let mut wrong = String::new();
    for (name, src, root_file) in CRATES {
        let graph = imports(src, root_file);
        assert!(graph.len() > 3, "{name}: {graph:?}");
        let expected: String = graph
            .iter()
            .map(|(module, deps)| {
                let deps: Vec<String> = deps.iter().map(|d| format!("`{d}`")).collect();
                let deps = if deps.is_empty() {
                    "nothing".to_owned()
                } else {
                    deps.join(", ")
                };
                format!("- `{module}` → {deps}\n")
            })
            .collect();
        if listed(&architecture, name) != graph {
            wrong += &format!("ARCHITECTURE.md's modules of `{name}` should read:\n{expected}\n");
        }
        if let Some(module) = circle(&graph) {
            wrong += &format!("`{name}` has an import circle through `{module}`:\n{expected}\n");
        }
    }
    assert!(wrong.is_empty(), "{wrong}");
}

#[test]
fn a_circle_is_found() {
    let graph: Graph = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")]
        .into_iter()
        .map(|(m, d)| (m.to_owned(), BTreeSet::from([d.to_owned()])))
        .collect();
    assert_eq!(circle(&graph), Some("a".to_owned()));
    let mut acyclic = graph.clone();
    acyclic.insert("c".to_owned(), BTreeSet::new());
    assert_eq!(circle(&acyclic), None);
}

#[test]
fn paths_are_read_through_groups_and_re_exports() {
    let text = "use crate::{core::Core, BuildId, set::{A, B}};\nlet x = super::ops::plan();";
    assert_eq!(after(text, "crate::"), ["core", "BuildId", "set"]);
    assert_eq!(after(text, "super::"), ["ops"]);
    let root = "pub use build_id::{BuildId, MAX};\npub use clock::Hlc;\nmod x;";
    let items = reexports(root);
    assert_eq!(items["BuildId"], "build_id");
    assert_eq!(items["MAX"], "build_id");
    assert_eq!(items["Hlc"], "clock");
}
