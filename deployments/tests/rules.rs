//! Every rule of `docs/semantics.md` is cited by a test (`// rule: ID`), and every cited
//! rule exists.

use std::collections::BTreeSet;
use std::fs;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn rules() -> BTreeSet<String> {
    let doc = fs::read_to_string(format!("{ROOT}/docs/semantics.md")).unwrap();
    doc.lines()
        .filter_map(|l| l.strip_prefix("- `"))
        .filter_map(|l| l.split_once("`:"))
        .map(|(id, _)| id.to_owned())
        .collect()
}

fn cited() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in fs::read_dir(format!("{ROOT}/tests")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = fs::read_to_string(path).unwrap();
        for line in text.lines() {
            if let Some(ids) = line.trim().strip_prefix("// rule: ") {
                out.extend(ids.split(", ").map(str::to_owned));
            }
        }
    }
    out
}

#[test]
fn every_rule_is_cited_by_a_test_and_every_citation_is_a_rule() {
    let rules = rules();
    let cited = cited();
    assert!(rules.len() > 30, "{rules:?}");
    let uncited: Vec<_> = rules.difference(&cited).collect();
    let unknown: Vec<_> = cited.difference(&rules).collect();
    assert!(uncited.is_empty(), "rules no test cites: {uncited:?}");
    assert!(unknown.is_empty(), "citations of no rule: {unknown:?}");
}
