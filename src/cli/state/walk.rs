//! Walking a JSON document and collecting every violation with its path.

use std::collections::HashMap;
use std::fmt::Display;

use serde_json::{Map, Value};
use version_sets::{BuildId, Problem};

use crate::cli::json::{describe, quote};

/// One violation: where, as a JSON path like `versionSets[1].buildIds[0].id`, and what.
pub(crate) struct Finding {
    pub(crate) path: String,
    pub(crate) problem: String,
}

/// The findings of one document so far, and the build IDs seen, for duplicates.
#[derive(Default)]
pub(crate) struct Walk {
    pub(crate) findings: Vec<Finding>,
    seen: HashMap<String, String>,
}

impl Walk {
    pub(crate) fn report(&mut self, path: &str, problem: impl Display) {
        self.findings.push(Finding {
            path: path.to_owned(),
            problem: problem.to_string(),
        });
    }

    /// The object at `path`, or a finding.
    pub(crate) fn object<'a>(
        &mut self,
        value: &'a Value,
        path: &str,
    ) -> Option<&'a Map<String, Value>> {
        let object = value.as_object();
        if object.is_none() {
            self.report(
                path,
                format_args!("expected an object, got {}", describe(value)),
            );
        }
        object
    }

    /// The array at `path`, or a finding saying it should be `what`.
    pub(crate) fn array<'a>(
        &mut self,
        value: &'a Value,
        path: &str,
        what: &str,
    ) -> Option<&'a [Value]> {
        let array = value.as_array();
        if array.is_none() {
            self.report(
                path,
                format_args!("expected {what}, got {}", describe(value)),
            );
        }
        array.map(Vec::as_slice)
    }

    /// A finding for each key of `map` outside `allowed`.
    pub(crate) fn known_keys(&mut self, map: &Map<String, Value>, path: &str, allowed: &[&str]) {
        for key in map.keys().filter(|key| !allowed.contains(&key.as_str())) {
            self.report(&child(path, key), "unknown key");
        }
    }

    /// The value of a key that must be present, or a finding.
    pub(crate) fn required<'a>(
        &mut self,
        map: &'a Map<String, Value>,
        path: &str,
        key: &str,
    ) -> Option<&'a Value> {
        let value = map.get(key);
        if value.is_none() {
            self.report(path, format_args!("missing key {}", quote(key)));
        }
        value
    }

    /// A valid build ID not seen before in the document, or a finding.
    pub(crate) fn build_id(&mut self, value: &Value, path: &str) -> Option<BuildId> {
        let Some(text) = value.as_str() else {
            self.report(
                path,
                format_args!("expected a build ID string, got {}", describe(value)),
            );
            return None;
        };
        let id = match BuildId::new(text) {
            Ok(id) => id,
            Err(error) => {
                self.report(path, Problem::InvalidBuildId(error));
                return None;
            }
        };
        if let Some(first) = self.seen.get(text) {
            let problem = Problem::DuplicateBuildId {
                build_id: text.to_owned(),
                first: first.clone(),
            };
            self.report(path, problem);
            return None;
        }
        self.seen.insert(text.to_owned(), path.to_owned());
        Some(id)
    }

    /// The build IDs of one set of a listing, each checked, with a finding when there are
    /// none.
    pub(crate) fn set(&mut self, value: &Value, path: &str) -> Vec<BuildId> {
        let Some(items) = self.array(value, path, "an array of build IDs") else {
            return Vec::new();
        };
        if items.is_empty() {
            self.report(path, Problem::NoBuildIds);
        }
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| self.build_id(item, &format!("{path}[{i}]")))
            .collect()
    }
}

/// The path of `key` in the object at `path`: `path.key`, or `path["key"]` for keys that
/// are not plain names.
pub(crate) fn child(path: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match (path.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{}]", quote(key)),
    }
}
