//! The `json` target: arbitrary bytes read as the crate's proto-JSON forms.
//!
//! Loading never panics, and what loads is a value: it validates, serialises and loads back
//! to the same value, survives every operation with its invariants intact (a failed update
//! leaving it untouched), and deserialising it as `VersionSets` agrees with reading
//! `VersioningData` and checking it with `from_data`. Updates and the public view read from
//! the same bytes round-trip too.

use version_sets::{
    BuildId, BuildIdCompatibility, Limits, Outcome, QueueDefault, TargetQueue, Update, VersionSets,
    VersioningData, VersioningIntent,
};

/// A build ID no loaded data is likely to hold (any that does is fine: it is just not fresh).
const FRESH: &str = "fresh-build-id";

/// At most this many of the loaded build IDs are tried as operands (each costs a dozen
/// operations).
const OPERANDS: usize = 4;

pub fn run(data: &[u8]) {
    let direct = serde_json::from_slice::<VersionSets>(data);
    match serde_json::from_slice::<VersioningData>(data) {
        Ok(stored) => match VersionSets::from_data(&stored) {
            Ok(sets) => {
                assert_eq!(
                    direct.as_ref().ok(),
                    Some(&sets),
                    "from_data vs deserialize"
                );
                check_loaded(&sets);
            }
            Err(invalid) => {
                assert!(
                    !invalid.violations().is_empty(),
                    "an error with no violation"
                );
                assert!(!invalid.to_string().is_empty());
                assert!(direct.is_err(), "invalid data deserialised: {invalid}");
            }
        },
        Err(_) => assert!(direct.is_err(), "unreadable data deserialised"),
    }
    if let Ok(update) = serde_json::from_slice::<Update>(data) {
        let text = to_json(&update);
        let again: Result<Update, _> = serde_json::from_str(&text);
        assert_eq!(again.ok(), Some(update), "update round trip of {text}");
    }
    if let Ok(view) = serde_json::from_slice::<BuildIdCompatibility>(data) {
        let text = to_json(&view);
        let again: Result<BuildIdCompatibility, _> = serde_json::from_str(&text);
        assert_eq!(again.ok(), Some(view), "view round trip of {text}");
    }
}

#[track_caller]
fn to_json<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_string(value) {
        Ok(text) => text,
        Err(error) => panic!("serialising failed: {error}"),
    }
}

#[track_caller]
fn check_valid(sets: &VersionSets, context: &dyn std::fmt::Display) {
    if let Err(error) = sets.validate() {
        panic!("{context}: validate() failed: {error:?}");
    }
}

/// Everything a loaded value must do: validate, round-trip, and keep its invariants under
/// every operation.
#[track_caller]
pub fn check_loaded(sets: &VersionSets) {
    check_valid(sets, &"loaded");
    let text = to_json(sets);
    let again: VersionSets = match serde_json::from_str(&text) {
        Ok(again) => again,
        Err(error) => panic!("written value does not load: {error}: {text}"),
    };
    assert_eq!(&again, sets, "round trip of {text}");
    assert_eq!(to_json(&again), text, "second write differs");
    assert_eq!(
        VersionSets::from_data(&sets.to_data()).ok().as_ref(),
        Some(sets)
    );

    let mut ids: Vec<BuildId> = sets
        .sets()
        .flat_map(|set| set.build_ids().map(|r| r.id().clone()))
        .take(OPERANDS)
        .collect();
    if let Ok(fresh) = BuildId::new(FRESH) {
        ids.push(fresh);
    }
    for id in &ids {
        // Lookups must answer without panicking whatever the data.
        let _ = sets.poll(id.as_str());
        let _ = sets.add_task(Some(id.as_str()));
        for intent in [
            VersioningIntent::Unspecified,
            VersioningIntent::Compatible,
            VersioningIntent::Default,
        ] {
            let resolution = sets.resolve(intent, Some(id.as_str()), TargetQueue::Same);
            let _ = resolution.to_string();
        }
    }
    let mut updates = Vec::new();
    for a in &ids {
        updates.push(Update::add_new_default(a.clone()));
        updates.push(Update::promote_set_by_build_id(a.clone()));
        updates.push(Update::promote_build_id_within_set(a.clone()));
        for b in &ids {
            updates.push(Update::add_new_compatible(
                a.clone(),
                b.clone(),
                QueueDefault::Make,
            ));
            updates.push(Update::add_new_compatible(
                a.clone(),
                b.clone(),
                QueueDefault::Keep,
            ));
            updates.push(Update::merge_sets(a.clone(), b.clone()));
        }
    }
    // Wall times before, at and after anything loaded: the clock must cope with all.
    for now_ms in [i64::MIN, 0, sets.clock().wall_clock, i64::MAX] {
        for update in &updates {
            for limits in [Limits::NONE, Limits::SERVER_DEFAULT] {
                check_update(sets, update, now_ms, limits);
            }
        }
        for id in &ids {
            let mut removed = sets.clone();
            removed.remove_build_ids(std::slice::from_ref(id), now_ms);
            check_valid(&removed, &format_args!("remove {id}"));
            removed.clear_tombstones();
            check_valid(&removed, &format_args!("clear after remove {id}"));
            let mut persisted = sets.clone();
            persisted.persist_unknown_build_id(id, now_ms);
            check_valid(&persisted, &format_args!("persist {id}"));
        }
    }
}

/// One update on a copy: a success keeps the invariants and is idempotent; a failure leaves
/// the value exactly as it was.
#[track_caller]
fn check_update(sets: &VersionSets, update: &Update, now_ms: i64, limits: Limits) {
    let mut after = sets.clone();
    match after.apply(update, now_ms, limits) {
        Ok(outcome) => {
            check_valid(&after, &format_args!("{update:?} at {now_ms}"));
            if outcome == Outcome::NoOp {
                assert_eq!(&after, sets, "no-op {update:?} changed the value");
            }
            let once = after.clone();
            let twice = after.apply(update, now_ms, limits);
            assert_eq!(twice, Ok(Outcome::NoOp), "{update:?} applied twice");
            assert_eq!(after, once, "{update:?} applied twice changed the value");
        }
        Err(_) => assert_eq!(&after, sets, "failed {update:?} changed the value"),
    }
}
