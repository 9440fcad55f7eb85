//! Temporal's stored `VersioningData` in proto-JSON, read field by field so that every
//! violation, of type or of invariant, is reported with its path.
//!
//! It accepts exactly what the library's serde form accepts (int64 values as numbers or
//! decimal strings, states by name or number, absent fields as defaults, unknown fields
//! refused); the tests of this module hold the two to that.

use serde_json::{Map, Value};
use version_sets::{BuildIdData, BuildIdState, Hlc, VersionSetData, VersionSets, VersioningData};

use super::walk::{Walk, child};
use crate::cli::json::describe;

/// The sets of a stored document, or `None` with every finding in `walk`.
pub(crate) fn read(root: &Map<String, Value>, walk: &mut Walk) -> Option<VersionSets> {
    let mut reader = Reader {
        walk,
        placeholders: Vec::new(),
    };
    let data = reader.data(root);
    let Reader { walk, placeholders } = reader;
    match VersionSets::from_data(&data) {
        Ok(state) if walk.findings.is_empty() => Some(state),
        Ok(_) => None,
        Err(invalid) => {
            // Where a field had the wrong type, a stand-in took its place; what the
            // library says about the stand-in repeats the type error, so it is left out.
            for violation in invalid.violations() {
                let repeated = placeholders.iter().any(|at| within(&violation.path, at));
                if !repeated {
                    walk.report(&violation.path, &violation.problem);
                }
            }
            None
        }
    }
}

/// Whether `path` is `at` or lies inside it.
fn within(path: &str, at: &str) -> bool {
    path.strip_prefix(at)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

struct Reader<'w> {
    walk: &'w mut Walk,
    /// The paths of values replaced by stand-ins after a type error.
    placeholders: Vec<String>,
}

impl Reader<'_> {
    fn data(&mut self, root: &Map<String, Value>) -> VersioningData {
        self.walk.known_keys(root, "", &["versionSets"]);
        let sets = root
            .get("versionSets")
            .and_then(|sets| self.walk.array(sets, "versionSets", "an array of sets"))
            .unwrap_or_default();
        VersioningData {
            version_sets: sets
                .iter()
                .enumerate()
                .map(|(i, set)| self.set(set, &format!("versionSets[{i}]")))
                .collect(),
        }
    }

    fn set(&mut self, value: &Value, path: &str) -> VersionSetData {
        let Some(set) = self.object(value, path) else {
            return VersionSetData::default();
        };
        self.walk
            .known_keys(set, path, &["setIds", "buildIds", "becameDefaultTimestamp"]);
        let set_ids = self
            .list(set, path, "setIds", "an array of set IDs")
            .iter()
            .enumerate()
            .map(|(k, id)| {
                let at = format!("{path}.setIds[{k}]");
                match id.as_str() {
                    Some(id) => id.to_owned(),
                    None => {
                        self.walk
                            .report(&at, format_args!("expected a string, got {}", describe(id)));
                        self.placeholders.push(at);
                        // Distinct stand-ins, so that two bad set IDs are not also "listed twice".
                        format!("\u{0}{k}")
                    }
                }
            })
            .collect();
        let build_ids = self
            .list(set, path, "buildIds", "an array of build ID records")
            .iter()
            .enumerate()
            .map(|(j, record)| self.record(record, &format!("{path}.buildIds[{j}]")))
            .collect();
        VersionSetData {
            set_ids,
            build_ids,
            became_default_timestamp: self.timestamp(set, path, "becameDefaultTimestamp"),
        }
    }

    fn record(&mut self, value: &Value, path: &str) -> BuildIdData {
        let Some(record) = self.object(value, path) else {
            return BuildIdData::default();
        };
        self.walk.known_keys(
            record,
            path,
            &[
                "id",
                "state",
                "stateUpdateTimestamp",
                "becameDefaultTimestamp",
            ],
        );
        let id = match record.get("id") {
            None => String::new(),
            Some(Value::String(id)) => id.clone(),
            Some(other) => {
                let at = child(path, "id");
                self.walk.report(
                    &at,
                    format_args!("expected a build ID string, got {}", describe(other)),
                );
                self.placeholders.push(at);
                String::new()
            }
        };
        BuildIdData {
            id,
            state: self.state(record, path),
            state_update_timestamp: self.timestamp(record, path, "stateUpdateTimestamp"),
            became_default_timestamp: self.timestamp(record, path, "becameDefaultTimestamp"),
        }
    }

    /// `state` by name or number; absent is `STATE_UNSPECIFIED`.
    fn state(&mut self, record: &Map<String, Value>, path: &str) -> Option<BuildIdState> {
        let value = record.get("state")?;
        let state = match value {
            Value::String(name) => match name.as_str() {
                "STATE_UNSPECIFIED" => Some(None),
                "STATE_ACTIVE" => Some(Some(BuildIdState::Active)),
                "STATE_DELETED" => Some(Some(BuildIdState::Deleted)),
                _ => None,
            },
            Value::Number(n) => match n.as_u64() {
                Some(0) => Some(None),
                Some(1) => Some(Some(BuildIdState::Active)),
                Some(2) => Some(Some(BuildIdState::Deleted)),
                _ => None,
            },
            _ => None,
        };
        state.unwrap_or_else(|| {
            let at = child(path, "state");
            self.walk.report(
                &at,
                format_args!(
                    "expected STATE_ACTIVE, STATE_DELETED, STATE_UNSPECIFIED or 1, 2, 0, got {}",
                    describe(value)
                ),
            );
            self.placeholders.push(at);
            None
        })
    }

    /// A clock `{"wallClock", "version", "clusterId"}`, each part optional (zero).
    fn timestamp(&mut self, map: &Map<String, Value>, path: &str, key: &str) -> Option<Hlc> {
        // The serde form reads a message field as an `Option`, for which `null` is absent.
        let value = map.get(key).filter(|value| !value.is_null())?;
        let at = child(path, key);
        let clock = self.object(value, &at)?;
        self.walk
            .known_keys(clock, &at, &["wallClock", "version", "clusterId"]);
        let before = self.walk.findings.len();
        let wall_clock = self.integer(clock, &at, "wallClock");
        let version = self.integer(clock, &at, "version");
        let cluster_id = self.integer(clock, &at, "clusterId");
        if self.walk.findings.len() > before {
            self.placeholders.push(at);
            return None;
        }
        Some(Hlc {
            wall_clock,
            version,
            cluster_id,
        })
    }

    /// A proto-JSON integer: a number or a decimal string, in range for `T`.
    fn integer<T>(&mut self, map: &Map<String, Value>, path: &str, key: &str) -> T
    where
        T: Default + TryFrom<i64> + TryFrom<u64> + std::str::FromStr,
    {
        let Some(value) = map.get(key) else {
            return T::default();
        };
        let parsed = match value {
            Value::Number(n) => n
                .as_i64()
                .and_then(|n| T::try_from(n).ok())
                .or_else(|| n.as_u64().and_then(|n| T::try_from(n).ok())),
            Value::String(text) => text.parse::<T>().ok(),
            _ => None,
        };
        parsed.unwrap_or_else(|| {
            let problem = match value {
                Value::Number(n) if n.is_i64() || n.is_u64() => format!("{n} is out of range"),
                other => format!(
                    "expected an integer (a number or a decimal string), got {}",
                    describe(other)
                ),
            };
            self.walk.report(&child(path, key), problem);
            T::default()
        })
    }

    /// The object at `path`, or a finding and a stand-in.
    fn object<'a>(&mut self, value: &'a Value, path: &str) -> Option<&'a Map<String, Value>> {
        let object = self.walk.object(value, path);
        if object.is_none() {
            self.placeholders.push(path.to_owned());
        }
        object
    }

    /// The array under `key`; absent is empty.
    fn list<'a>(
        &mut self,
        map: &'a Map<String, Value>,
        path: &str,
        key: &str,
        what: &str,
    ) -> &'a [Value] {
        let Some(value) = map.get(key) else {
            return &[];
        };
        let at = child(path, key);
        let list = self.walk.array(value, &at, what);
        if list.is_none() {
            self.placeholders.push(at);
        }
        list.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
