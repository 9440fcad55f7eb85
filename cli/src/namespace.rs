//! `--queue NAME=PATH`, repeated: the task queues of one namespace, each read from a file of
//! its own (any shape `show` accepts), for `reachability`, `gc` and `check`.
//!
//! Repeated flags rather than one namespace document: each queue's data stays the file
//! Temporal's tools print for one queue (`get-build-ids -o json`, a stored
//! `TaskQueueUserData`, ...), so a namespace is put together from files a user already
//! has, with no wrapper format to learn or to write.

use std::collections::BTreeMap;
use std::path::PathBuf;

use version_sets::Namespace;

use super::state::{self, Facts};
use super::{Output, input, json::quote};

/// A `--queue` value: `NAME=PATH`, split at the first `=` (a task queue name with `=` in it
/// cannot be given), the name checked as the server checks one.
pub(crate) fn parse_queue(value: &str) -> Result<(String, PathBuf), String> {
    let Some((name, path)) = value.split_once('=') else {
        return Err(format!("expected NAME=PATH, got {}", quote(value)));
    };
    Namespace::check_task_queue(name)
        .map_err(|error| format!("task queue {}: {error}", quote(name)))?;
    if path.is_empty() {
        return Err(format!(
            "expected NAME=PATH, got {} (no PATH)",
            quote(value)
        ));
    }
    Ok((name.to_owned(), PathBuf::from(path)))
}

/// The namespace of the `--queue` files, in the order given. Says on standard error why
/// it cannot: a file that cannot be read as sets, standard input named twice, or a task
/// queue named twice.
pub(crate) fn open(queues: &[(String, PathBuf)], output: &mut Output<'_>) -> Option<Namespace> {
    open_with_facts(queues, output).map(|(namespace, _)| namespace)
}

/// As [`open`], with which facts of each queue's data are its own, by queue name.
pub(crate) fn open_with_facts(
    queues: &[(String, PathBuf)],
    output: &mut Output<'_>,
) -> Option<(Namespace, BTreeMap<String, Facts>)> {
    let paths: Vec<PathBuf> = queues.iter().map(|(_, path)| path.clone()).collect();
    if let Err(error) = input::stdin_once(&paths) {
        output.diagnostic(error);
        return None;
    }
    let mut names = std::collections::BTreeSet::new();
    if let Some((name, _)) = queues.iter().find(|(name, _)| !names.insert(name)) {
        output.diagnostic(format_args!("task queue {} is given twice", quote(name)));
        return None;
    }
    let mut namespace = Namespace::new();
    let mut facts = BTreeMap::new();
    for (name, path) in queues {
        let opened = state::open(path, output)?;
        // The name was checked when the flag was read.
        if let Err(error) = namespace.insert(name, opened.sets) {
            output.diagnostic(format_args!("task queue {}: {error}", quote(name)));
            return None;
        }
        facts.insert(name.clone(), opened.facts);
    }
    Some((namespace, facts))
}

/// The newest timestamp of any queue's data whose timestamps are its own, in Unix
/// milliseconds (`i64::MIN` for none).
pub(crate) fn newest_ms(namespace: &Namespace, facts: &BTreeMap<String, Facts>) -> i64 {
    namespace
        .queues()
        .filter(|(name, _)| facts.get(*name).is_some_and(Facts::timestamps_known))
        .map(|(_, sets)| sets.clock().wall_clock)
        .max()
        .unwrap_or(i64::MIN)
}
