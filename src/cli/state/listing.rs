//! The array `temporal task-queue get-build-ids -o json` prints: one object per set, oldest
//! first, `{"buildIds": [...], "defaultForSet": ID, "isDefaultSet": BOOL}`.

use serde_json::Value;
use version_sets::BuildId;

use super::walk::Walk;
use crate::cli::json::{describe, quote};

/// The sets of the listing, each with its path, oldest first; findings go to `walk`,
/// including every disagreement between `defaultForSet`/`isDefaultSet` and the order of the
/// sets and build IDs.
pub(crate) fn read(items: &[Value], walk: &mut Walk) -> Vec<(String, Vec<BuildId>)> {
    let last = items.len().saturating_sub(1);
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let path = format!("[{i}]");
            let set = walk.object(item, &path)?;
            walk.known_keys(set, &path, &["buildIds", "defaultForSet", "isDefaultSet"]);
            let ids_path = format!("{path}.buildIds");
            let ids = match walk.required(set, &path, "buildIds") {
                Some(ids) => walk.set(ids, &ids_path),
                None => Vec::new(),
            };
            if let Some(named) = walk.required(set, &path, "defaultForSet") {
                check_default(
                    walk,
                    named,
                    set.get("buildIds"),
                    &format!("{path}.defaultForSet"),
                );
            }
            if let Some(flag) = walk.required(set, &path, "isDefaultSet") {
                let flag_path = format!("{path}.isDefaultSet");
                match (flag.as_bool(), i == last) {
                    (None, _) => walk.report(
                        &flag_path,
                        format_args!("expected true or false, got {}", describe(flag)),
                    ),
                    (Some(true), false) => walk.report(
                        &flag_path,
                        "is true, but only the last set is the queue's default set",
                    ),
                    (Some(false), true) => walk.report(
                        &flag_path,
                        "is false, but the last set is the queue's default set",
                    ),
                    (Some(_), _) => {}
                }
            }
            Some((ids_path, ids))
        })
        .collect()
}

/// `defaultForSet` must name the last of `buildIds`, the set's default.
fn check_default(walk: &mut Walk, named: &Value, ids: Option<&Value>, path: &str) {
    let Some(named) = named.as_str() else {
        walk.report(
            path,
            format_args!("expected a build ID string, got {}", describe(named)),
        );
        return;
    };
    let last = ids
        .and_then(Value::as_array)
        .and_then(|ids| ids.last())
        .and_then(Value::as_str);
    match last {
        Some(last) if last != named => walk.report(
            path,
            format_args!(
                "is {}, but the set's default (the last of buildIds) is {}",
                quote(named),
                quote(last)
            ),
        ),
        // An empty or broken `buildIds` is reported on its own.
        _ => {}
    }
}
