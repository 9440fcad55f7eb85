//! Details of the public API that no other test pins: comparisons, conversions, iterator
//! sizes, error predicates and the words of every explanation. (Most were found by
//! `cargo mutants` surviving; see TESTING.md.)
use version_sets::{
    BuildId, Limits, QueueDefault, SetId, Target, TargetQueue, Update, UpdateError, VersionSets,
    VersioningData, VersioningIntent,
};

#[track_caller]
fn id(name: &str) -> BuildId {
    BuildId::new(name).unwrap()
}

/// `1.0` + `1.1` + `1.2` in one set, then `2.0` as the queue default.
#[track_caller]
fn two_sets() -> VersionSets {
    let mut sets = VersionSets::new();
    let updates = [
        Update::add_new_default(id("1.0")),
        Update::add_new_compatible(id("1.1"), id("1.0"), QueueDefault::Keep),
        Update::add_new_compatible(id("1.2"), id("1.0"), QueueDefault::Keep),
        Update::add_new_default(id("2.0")),
    ];
    for (now_ms, update) in (1..).zip(&updates) {
        sets.apply(update, now_ms, Limits::NONE).unwrap();
    }
    sets
}

#[test]
fn build_ids_compare_with_plain_strings() {
    let build_id = id("1.0");
    assert!(build_id == *"1.0");
    assert!(build_id != *"1.1");
    assert!(build_id == "1.0");
    assert!(build_id != "1.1");
    let text: &str = build_id.as_ref();
    assert_eq!(text, "1.0");
}

#[test]
fn only_limit_errors_are_limits() {
    let mut sets = two_sets();
    let too_many_sets = sets
        .apply(
            &Update::add_new_default(id("3.0")),
            9,
            Limits {
                max_sets: 2,
                max_build_ids: 0,
            },
        )
        .unwrap_err();
    assert!(matches!(too_many_sets, UpdateError::TooManySets { .. }));
    assert!(too_many_sets.is_limit());
    let too_many_ids = sets
        .apply(
            &Update::add_new_default(id("3.0")),
            9,
            Limits {
                max_sets: 0,
                max_build_ids: 4,
            },
        )
        .unwrap_err();
    assert!(matches!(too_many_ids, UpdateError::TooManyBuildIds { .. }));
    assert!(too_many_ids.is_limit());
    let not_found = sets
        .apply(&Update::promote_set_by_build_id(id("9")), 9, Limits::NONE)
        .unwrap_err();
    assert!(!not_found.is_limit());
}

#[test]
fn conversions_to_and_from_stored_data_match_the_methods() {
    let sets = two_sets();
    let data = VersioningData::from(&sets);
    assert_eq!(data, sets.to_data());
    assert_eq!(data.version_sets.len(), 2);
    assert_eq!(VersionSets::try_from(&data), Ok(sets));
    let mut broken = data;
    broken.version_sets.reverse();
    let error = VersionSets::try_from(&broken).unwrap_err();
    assert_eq!(Some(error), VersionSets::from_data(&broken).err());
}

#[test]
fn member_iterators_know_their_remaining_length() {
    let sets = two_sets();
    let set = sets.sets().next().unwrap();
    let mut members = set.build_ids();
    assert_eq!(members.len(), 3);
    assert_eq!(members.next().map(|r| r.id().as_str()), Some("1.0"));
    assert_eq!(members.len(), 2);
    assert_eq!(members.next_back().map(|r| r.id().as_str()), Some("1.2"));
    assert_eq!((members.len(), members.size_hint()), (1, (1, Some(1))));
    assert_eq!(members.next().map(|r| r.id().as_str()), Some("1.1"));
    assert_eq!((members.len(), members.next()), (0, None));
    let mut set_ids = set.set_ids();
    assert_eq!(set_ids.len(), 1);
    set_ids.next_back();
    assert_eq!(set_ids.len(), 0);
}

#[test]
fn poll_refusal_quotes_the_default_as_go_does() {
    for (default, quoted) in [
        ("a b", r#""a b""#),
        ("a\u{1f}b", r#""a\x1fb""#),
        ("a~", r#""a~""#),
        ("a\u{7f}", r#""a\x7f""#),
    ] {
        let mut sets = VersionSets::new();
        sets.apply(&Update::add_new_default(id("old")), 1, Limits::NONE)
            .unwrap();
        sets.apply(
            &Update::add_new_compatible(id(default), id("old"), QueueDefault::Keep),
            2,
            Limits::NONE,
        )
        .unwrap();
        let refused = sets.poll("old").unwrap_err();
        assert_eq!(
            refused.to_string(),
            format!("Task queue has a newer compatible build: {quoted}")
        );
    }
}

#[test]
fn resolutions_explain_themselves() {
    let sets = two_sets();
    let empty = VersionSets::new();
    let (old, unknown) = (id("1.0"), id("x"));
    let cases = [
        (
            &sets,
            VersioningIntent::Compatible,
            Some(&old),
            true,
            Target::SetDefault(id("1.2")),
            "compatible: 1.0 is in set [1.0, 1.1, 1.2] whose default is 1.2",
        ),
        (
            &sets,
            VersioningIntent::Compatible,
            Some(&old),
            false,
            Target::Rejected,
            "compatible: a compatible intent cannot target another task queue; the server fails the workflow task",
        ),
        (
            &sets,
            VersioningIntent::Unspecified,
            None,
            true,
            Target::Unversioned,
            "unspecified on the caller's own task queue means compatible: the caller is unversioned, so the new work is unversioned too",
        ),
        (
            &sets,
            VersioningIntent::Compatible,
            Some(&unknown),
            true,
            Target::ExactBuildId(id("x")),
            "compatible: x is in no set of the target task queue, so the work goes to that exact build ID",
        ),
        (
            &empty,
            VersioningIntent::Default,
            Some(&old),
            true,
            Target::Unversioned,
            "default: the target task queue has no sets, so the work is unversioned",
        ),
        (
            &sets,
            VersioningIntent::Unspecified,
            Some(&old),
            false,
            Target::SetDefault(id("2.0")),
            "unspecified on another task queue means default: the target task queue's default set is [2.0] whose default is 2.0",
        ),
    ];
    for (queue, intent, caller, same_task_queue, target, text) in cases {
        let target_queue = if same_task_queue {
            TargetQueue::Same
        } else {
            TargetQueue::Other
        };
        let resolution = queue.resolve(intent, caller.map(BuildId::as_str), target_queue);
        assert_eq!(resolution.target(), &target);
        assert_eq!(resolution.to_string(), text);
    }
}

#[test]
fn a_set_holds_only_its_members() {
    let sets = two_sets();
    let set = sets.sets().next().unwrap();
    assert!(set.contains("1.1"));
    assert!(!set.contains("2.0"));
}

#[test]
fn set_ids_print_as_their_text() {
    let sets = two_sets();
    let set_id = sets.sets().nth(1).unwrap().primary_set_id();
    assert_eq!(set_id.to_string(), set_id.as_str());
    assert_eq!(format!("{set_id:?}"), format!("{:?}", set_id.as_str()));
    assert!(!set_id.as_str().is_empty());
}

/// Values are equal when their sets and their clocks are.
#[test]
fn equality_looks_at_the_sets_and_the_clock() {
    let later = version_sets::Hlc {
        wall_clock: 5,
        version: 0,
        cluster_id: 0,
    };
    assert_ne!(VersionSets::new(), VersionSets::starting_at(later));
    let mut a = VersionSets::new();
    let mut b = VersionSets::new();
    a.apply(&Update::add_new_default(id("a")), 1, Limits::NONE)
        .unwrap();
    b.apply(&Update::add_new_default(id("b")), 1, Limits::NONE)
        .unwrap();
    assert_eq!(a.clock(), b.clock());
    assert_ne!(a, b);
    assert_eq!(a, a.clone());
}

#[cfg(feature = "serde")]
mod serde_forms {
    use version_sets::{BuildIdData, BuildIdState, Hlc};

    fn state(json: &str) -> Result<Option<BuildIdState>, String> {
        serde_json::from_str::<BuildIdData>(&format!(r#"{{"id": "1.0", "state": {json}}}"#))
            .map(|record| record.state)
            .map_err(|error| error.to_string())
    }

    /// Every spelling of the three states, and the words of the errors for the rest.
    #[test]
    fn build_id_states_read_as_names_or_numbers() {
        assert_eq!(state("0"), Ok(None));
        assert_eq!(state("1"), Ok(Some(BuildIdState::Active)));
        assert_eq!(state("2"), Ok(Some(BuildIdState::Deleted)));
        assert_eq!(state(r#""STATE_UNSPECIFIED""#), Ok(None));
        assert_eq!(state(r#""STATE_ACTIVE""#), Ok(Some(BuildIdState::Active)));
        assert_eq!(state(r#""STATE_DELETED""#), Ok(Some(BuildIdState::Deleted)));
        let expected = "STATE_ACTIVE, STATE_DELETED, STATE_UNSPECIFIED or 0, 1, 2";
        for bad in ["-1", "3", r#""ACTIVE""#, "true"] {
            let error = state(bad).unwrap_err();
            assert!(error.contains(expected), "{bad}: {error}");
        }
    }

    #[test]
    fn clock_fields_that_are_not_integers_say_what_they_should_be() {
        let error = serde_json::from_str::<Hlc>(r#"{"wallClock": true}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("expected an integer, as a number or a decimal string"),
            "{error}"
        );
    }
}

/// Every error type answers `code()`, the gRPC status the server would send (or `INTERNAL`
/// for an inconsistency, which only a bug can make).
#[test]
fn every_error_type_has_a_code() {
    use version_sets::Code;
    assert_eq!(BuildId::new("").unwrap_err().code(), Code::InvalidArgument);
    let invalid = version_sets::VersioningData {
        version_sets: vec![version_sets::VersionSetData::default()],
    };
    assert_eq!(
        VersionSets::from_data(&invalid).unwrap_err().code(),
        Code::InvalidArgument
    );
    assert_eq!(Code::Internal.as_str(), "INTERNAL");
    // `const`: a code is known at compile time.
    const TOO_MANY: Code = version_sets::ReachabilityError::NoBuildIds.code();
    assert_eq!(TOO_MANY, Code::InvalidArgument);
}

#[test]
fn checking_a_build_id_is_the_rule_of_new() {
    for len in [0, 1, 254, 255, 256, 300] {
        let text = "x".repeat(len);
        assert_eq!(
            BuildId::check(&text),
            BuildId::new(&text).map(|_| ()),
            "{len} bytes"
        );
    }
    assert_eq!(
        BuildId::check(&"é".repeat(128)),
        Err(version_sets::BuildIdError::TooLong { len: 256 })
    );
}

/// Hostile data can hold a violation for every three bytes: past the listed thousand, they
/// are counted, and every count agrees.
#[test]
fn invalid_data_lists_the_first_thousand_violations_and_counts_the_rest() {
    use version_sets::{InvalidData, VersionSetData, VersioningData};

    // Each empty set has three violations: no set IDs, no build IDs, no timestamp.
    let invalid = |sets: usize| {
        let data = VersioningData {
            version_sets: vec![VersionSetData::default(); sets],
        };
        VersionSets::from_data(&data).unwrap_err()
    };
    let under = invalid(InvalidData::MAX_LISTED / 3);
    assert_eq!(under.violations().len(), 999);
    assert_eq!((under.unlisted(), under.count()), (0, 999));
    assert!(under.to_string().ends_with(" (and 998 more)"));

    let past = invalid(InvalidData::MAX_LISTED / 3 + 1);
    assert_eq!(past.violations().len(), InvalidData::MAX_LISTED);
    assert_eq!(past.violations()[..999], *under.violations());
    assert_eq!((past.unlisted(), past.count()), (2, 1002));
    assert_eq!(
        past.to_string(),
        "versionSets[0].setIds: a set needs at least one set ID (and 1001 more)"
    );

    let one = invalid(1);
    assert_eq!(
        (one.violations().len(), one.unlisted(), one.count()),
        (3, 0, 3)
    );
}

#[test]
fn sets_iterate_from_both_ends_and_know_their_remaining_length() {
    let mut sets = two_sets();
    sets.apply(&Update::add_new_default(id("3.0")), 10, Limits::NONE)
        .unwrap();
    let defaults = |iter: &mut dyn Iterator<Item = version_sets::CompatibleSet<'_>>| {
        iter.map(|set| set.default_build_id().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(defaults(&mut sets.sets().rev()), ["3.0", "2.0", "1.2"]);
    let mut all = sets.sets();
    assert_eq!(all.len(), 3);
    assert_eq!(all.next().map(|set| set.len()), Some(3));
    assert_eq!((all.len(), all.size_hint()), (2, (2, Some(2))));
    assert_eq!(
        all.next_back()
            .map(|set| set.default_build_id().to_string()),
        Some("3.0".to_owned())
    );
    assert_eq!(all.len(), 1);
    // The two ends meet at the middle set, which comes out once.
    assert_eq!(defaults(&mut all), ["2.0"]);
    assert!(sets.sets().skip(3).next_back().is_none());
}

/// Views compare by what they show: every field counts.
#[test]
fn records_and_sets_are_equal_only_when_every_field_is() {
    let sets = two_sets();
    fn record<'a>(sets: &'a VersionSets, name: &str) -> version_sets::BuildIdRecord<'a> {
        let set = sets.set_of(name).unwrap();
        set.build_ids().find(|r| r.id().as_str() == name).unwrap()
    }
    let same = two_sets();
    assert_eq!(record(&sets, "1.1"), record(&same, "1.1"));
    assert_ne!(record(&sets, "1.1"), record(&sets, "1.0"));

    // Same ID, state changed (and so its state stamp).
    let mut removed = two_sets();
    assert_eq!(
        removed.remove_build_ids(&[id("1.1")], 20),
        version_sets::Outcome::Changed
    );
    assert_ne!(record(&sets, "1.1"), record(&removed, "1.1"));
    // Same ID and state, promoted: only the became-default stamp differs.
    let mut promoted = two_sets();
    promoted
        .apply(
            &Update::promote_build_id_within_set(id("1.1")),
            30,
            Limits::NONE,
        )
        .unwrap();
    let (before, after) = (record(&sets, "1.1"), record(&promoted, "1.1"));
    assert_eq!(
        (before.state(), before.state_update_timestamp()),
        (after.state(), after.state_update_timestamp())
    );
    assert_ne!(before, after);

    // Sets: equal, then the same timestamp with other members, then other set IDs.
    fn first(sets: &VersionSets) -> version_sets::CompatibleSet<'_> {
        sets.sets().next().unwrap()
    }
    assert_eq!(first(&sets), first(&same));
    assert_ne!(first(&sets), first(&promoted));
    assert_eq!(
        first(&sets).became_default_timestamp(),
        first(&promoted).became_default_timestamp()
    );
    let mut shorter = VersionSets::new();
    for (now, update) in [
        (1, Update::add_new_default(id("1.0"))),
        (
            2,
            Update::add_new_compatible(id("1.1"), id("1.0"), QueueDefault::Keep),
        ),
    ] {
        shorter.apply(&update, now, Limits::NONE).unwrap();
    }
    assert_ne!(first(&sets), first(&shorter));
}

#[test]
fn debug_forms_show_what_the_value_holds() {
    let sets = two_sets();
    let text = format!("{sets:?}");
    for part in [
        "VersionSets",
        "CompatibleSet",
        "BuildIdRecord",
        "\"1.2\"",
        "clock",
    ] {
        assert!(text.contains(part), "{part} missing from {text}");
    }
    let set = format!("{:?}", sets.sets().next().unwrap());
    assert!(set.starts_with("CompatibleSet { set_ids: ["), "{set}");
    let record = format!(
        "{:?}",
        sets.set_of("2.0").unwrap().build_ids().next().unwrap()
    );
    assert!(
        record.starts_with("BuildIdRecord { id: \"2.0\", state: Active"),
        "{record}"
    );
}

#[test]
fn limits_read_as_the_command_reports_them() {
    assert_eq!(Limits::SERVER_DEFAULT.to_string(), "10 sets, 100 build IDs");
    assert_eq!(
        Limits::NONE.to_string(),
        "unlimited sets, unlimited build IDs"
    );
    let one = Limits {
        max_sets: 1,
        max_build_ids: 1,
    };
    assert_eq!(one.to_string(), "1 set, 1 build ID");
}

#[test]
fn violations_taken_out_are_the_ones_listed() {
    let data = VersioningData {
        version_sets: vec![version_sets::VersionSetData::default()],
    };
    let invalid = VersionSets::from_data(&data).unwrap_err();
    let listed = invalid.violations().to_vec();
    assert_eq!(listed.len(), 3);
    assert_eq!(invalid.into_violations(), listed);
}

/// Every fieldless public enum reads back the name it writes, and refuses anything else
/// with a [`ParseError`](version_sets::ParseError) that lists the names.
#[test]
fn enum_names_read_back_what_they_write() {
    use std::fmt::Display;
    use std::str::FromStr;
    use version_sets::{
        BuildIdState, ClusterMode, Code, Outcome, ParseError, QueueDefault, ReachabilityType,
        Retention, StatusFilter, TargetQueue, TaskReachability, VersioningIntent,
    };

    #[track_caller]
    fn round_trip<T>(values: &[T], as_str: fn(T) -> &'static str) -> Vec<&'static str>
    where
        T: Copy + Display + FromStr<Err = ParseError> + PartialEq + std::fmt::Debug,
    {
        for &value in values {
            assert_eq!(value.to_string(), as_str(value));
            assert_eq!(as_str(value).parse::<T>(), Ok(value));
        }
        let err = "not a name".parse::<T>().unwrap_err();
        assert_eq!(err.expected().len(), values.len());
        values.iter().map(|&value| as_str(value)).collect()
    }

    assert_eq!(
        round_trip(
            &[BuildIdState::Active, BuildIdState::Deleted],
            BuildIdState::as_str
        ),
        ["STATE_ACTIVE", "STATE_DELETED"]
    );
    let codes = [
        Code::InvalidArgument,
        Code::NotFound,
        Code::FailedPrecondition,
        Code::OutOfRange,
        Code::Unavailable,
        Code::Internal,
    ];
    round_trip(&codes, Code::as_str);
    round_trip(&[Outcome::Changed, Outcome::NoOp], Outcome::as_str);
    round_trip(
        &[QueueDefault::Keep, QueueDefault::Make],
        QueueDefault::as_str,
    );
    round_trip(
        &[TargetQueue::Same, TargetQueue::Other],
        TargetQueue::as_str,
    );
    let intents = [
        VersioningIntent::Unspecified,
        VersioningIntent::Compatible,
        VersioningIntent::Default,
    ];
    assert_eq!(
        round_trip(&intents, VersioningIntent::as_str),
        [
            "VERSIONING_INTENT_UNSPECIFIED",
            "VERSIONING_INTENT_COMPATIBLE",
            "VERSIONING_INTENT_DEFAULT"
        ]
    );
    let kinds = [
        ReachabilityType::Unspecified,
        ReachabilityType::NewWorkflows,
        ReachabilityType::ExistingWorkflows,
        ReachabilityType::OpenWorkflows,
        ReachabilityType::ClosedWorkflows,
    ];
    round_trip(&kinds, ReachabilityType::as_str);
    let found = [
        TaskReachability::NewWorkflows,
        TaskReachability::ExistingWorkflows,
        TaskReachability::OpenWorkflows,
        TaskReachability::ClosedWorkflows,
    ];
    round_trip(&found, TaskReachability::as_str);
    let statuses = [
        StatusFilter::Any,
        StatusFilter::Running,
        StatusFilter::Closed,
    ];
    round_trip(&statuses, StatusFilter::as_str);
    round_trip(&[Retention::Respect, Retention::Ignore], Retention::as_str);
    round_trip(
        &[ClusterMode::SingleCluster, ClusterMode::MultiCluster],
        ClusterMode::as_str,
    );

    let err = "same-queue".parse::<TargetQueue>().unwrap_err();
    assert_eq!(err.to_string(), "expected same or other");
    assert_eq!(err.type_name(), "TargetQueue");
    assert_eq!(
        "NOT FOUND".parse::<Code>().unwrap_err().to_string(),
        "expected INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, OUT_OF_RANGE, UNAVAILABLE \
         or INTERNAL"
    );
    // Names are exact: no other case, no missing prefix.
    assert!("state_active".parse::<BuildIdState>().is_err());
    assert!("OPEN_WORKFLOWS".parse::<ReachabilityType>().is_err());
}

/// `Limits` reads what the command's `--limits` takes, with its message word for word.
#[test]
fn limits_read_as_the_command_spells_them() {
    assert_eq!("none".parse(), Ok(Limits::NONE));
    assert_eq!("server".parse(), Ok(Limits::SERVER_DEFAULT));
    let both = |max_sets, max_build_ids| Limits {
        max_sets,
        max_build_ids,
    };
    assert_eq!("3,4".parse(), Ok(both(3, 4)));
    assert_eq!(" 0 , 7 ".parse(), Ok(both(0, 7)));
    for bad in ["", "10", "a,1", "1,-1", "1,2,3", "Server", "none,"] {
        let err = bad.parse::<Limits>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected none, server or MAX_SETS,MAX_BUILD_IDS (e.g. 10,100)",
            "{bad:?}"
        );
        assert_eq!(err.code(), version_sets::Code::InvalidArgument);
    }
}

/// A merged set's demoted set IDs are every ID but the primary, and know how many are left.
#[test]
fn demoted_set_ids_are_all_but_the_primary() {
    let mut sets = two_sets();
    let merge = Update::merge_sets(id("2.0"), id("1.0"));
    sets.apply(&merge, 10, Limits::NONE).unwrap();
    let set = sets.default_set().unwrap();
    let all: Vec<&SetId> = set.set_ids().collect();
    let mut demoted = set.demoted_set_ids();
    assert_eq!(all.len(), 2);
    assert_eq!(demoted.len(), 1);
    assert_eq!(all[0], set.primary_set_id());
    assert_eq!(demoted.next(), Some(all[1]));
    assert_eq!((demoted.len(), demoted.next()), (0, None));
}

/// Questions take the build ID as a string, any string; changes take a `BuildId`.
#[test]
fn questions_take_any_string() {
    let sets = two_sets();
    let long = "x".repeat(300); // no valid build ID, but a fine question
    assert!(!sets.contains(&long));
    assert!(sets.set_of("").is_none());
    assert!(sets.poll(&long).is_ok());
    assert!(sets.sticky_add("").is_ok());
    let known = id("1.0");
    assert!(sets.contains(known.as_str()));
}
