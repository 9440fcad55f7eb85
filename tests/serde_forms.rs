//! The proto-JSON forms (feature `serde`): Temporal's stored `VersioningData`, the public
//! `GetWorkerBuildIdCompatibility` response and the update operations.
#![cfg(feature = "serde")]

mod support;

use serde_json::json;
use support::*;
use version_sets::{
    BuildIdCompatibility, Hlc, Limits, Problem, QueueDefault, Update, VersionSets, VersioningData,
};

fn load_json(value: serde_json::Value) -> Result<VersionSets, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

#[track_caller]
fn data_json(value: serde_json::Value) -> VersioningData {
    serde_json::from_value(value).unwrap()
}

#[test]
fn loads_a_server_dump_with_int64_as_strings_or_numbers() {
    let sets = load_json(json!({"versionSets": [
        {"setIds": [h("0")], "becameDefaultTimestamp": {"wallClock": "100", "clusterId": "1"},
         "buildIds": [{"id": "0", "state": "STATE_ACTIVE",
                       "stateUpdateTimestamp": {"wallClock": 100, "version": 0, "clusterId": 1},
                       "becameDefaultTimestamp": {"wallClock": "100", "version": "0", "clusterId": "1"}}]},
        {"setIds": [h("1")], "becameDefaultTimestamp": {"wallClock": "200", "version": 3},
         "buildIds": [{"id": "1", "state": 2,
                       "stateUpdateTimestamp": {"wallClock": "250"},
                       "becameDefaultTimestamp": {"wallClock": "200"}}]}
    ]}))
    .unwrap();
    assert_eq!(ids(&sets), lists(&[&["0"], &["1"]]));
    assert!(!sets.record("1").unwrap().is_active());
    assert_eq!(
        sets.sets().nth(1).unwrap().became_default_timestamp(),
        Hlc {
            wall_clock: 200,
            version: 3,
            cluster_id: 0
        }
    );
    // The clock is the largest timestamp found, so the next update stamps later.
    assert_eq!(
        sets.clock(),
        Hlc {
            wall_clock: 250,
            version: 0,
            cluster_id: 0
        }
    );
}

#[test]
fn writes_canonical_proto_json_and_reads_it_back() {
    let mut sets = VersionSets::starting_at(T0);
    sets.apply(
        &Update::add_new_default(id("1.0")),
        1_700_000_000_000,
        Limits::NONE,
    )
    .unwrap();
    let value = serde_json::to_value(&sets).unwrap();
    assert_eq!(
        value,
        json!({"versionSets": [{
            "setIds": [h("1.0")],
            "buildIds": [{
                "id": "1.0",
                "state": "STATE_ACTIVE",
                "stateUpdateTimestamp": {"wallClock": "1700000000000", "version": 0, "clusterId": "1"},
                "becameDefaultTimestamp": {"wallClock": "1700000000000", "version": 0, "clusterId": "1"}
            }],
            "becameDefaultTimestamp": {"wallClock": "1700000000000", "version": 0, "clusterId": "1"}
        }]})
    );
    assert_eq!(load_json(value).unwrap(), sets);
}

/// `model.set-id-order`: stored set IDs keep their order, sorted or not (the server routes
/// by the first), and come back out in it.
#[test]
fn loading_keeps_the_order_of_set_ids() {
    let sets = load(vec![set(&[&h("1"), &h("2")], vec![active("1", T0)], T0)]);
    assert_eq!(set_ids(&sets, 0), [h("1"), h("2")]);
    assert_eq!(sets.to_data().version_sets[0].set_ids, [h("1"), h("2")]);
    let sorted = load(vec![set(&[&h("2"), &h("1")], vec![active("1", T0)], T0)]);
    assert_ne!(sorted, sets);
}

#[test]
fn invalid_documents_are_errors_naming_what_is_wrong() {
    let t = json!({"wallClock": "1"});
    let cases = [
        (
            json!({"versionSets": [{"setIds": [], "buildIds": [{"id": "a", "state": "STATE_ACTIVE", "stateUpdateTimestamp": t, "becameDefaultTimestamp": t}], "becameDefaultTimestamp": t}]}),
            "versionSets[0].setIds: a set needs at least one set ID",
        ),
        (
            json!({"versionSets": [{"setIds": ["x"], "buildIds": [], "becameDefaultTimestamp": t}]}),
            "versionSets[0].buildIds: a set needs at least one build ID",
        ),
        (
            json!({"versionSets": [{"setIds": ["x", "x"], "buildIds": [{"id": "a", "state": "STATE_ACTIVE", "stateUpdateTimestamp": t, "becameDefaultTimestamp": t}], "becameDefaultTimestamp": t}]}),
            "versionSets[0].setIds: a set ID is listed twice",
        ),
        (
            json!({"versionSets": [{"setIds": ["x"], "buildIds": [{"id": "", "state": "STATE_ACTIVE", "stateUpdateTimestamp": t, "becameDefaultTimestamp": t}], "becameDefaultTimestamp": t}]}),
            "versionSets[0].buildIds[0].id: build ID must not be empty",
        ),
        (
            json!({"versionSets": [{"setIds": ["x"], "buildIds": [{"id": "a", "stateUpdateTimestamp": t, "becameDefaultTimestamp": t}], "becameDefaultTimestamp": t}]}),
            "versionSets[0].buildIds[0].state: state must be STATE_ACTIVE or STATE_DELETED",
        ),
        (
            json!({"versionSets": [{"setIds": ["x"], "buildIds": [{"id": "a", "state": "STATE_ACTIVE", "becameDefaultTimestamp": t}], "becameDefaultTimestamp": t}]}),
            "versionSets[0].buildIds[0].stateUpdateTimestamp: timestamp is missing",
        ),
    ];
    for (document, message) in cases {
        let err = load_json(document).unwrap_err();
        assert!(
            err.starts_with(message),
            "{err:?} should start with {message:?}"
        );
    }
}

#[test]
fn every_violation_is_reported_with_its_path() {
    let data = data_json(json!({"versionSets": [
        {"setIds": ["b"], "becameDefaultTimestamp": {"wallClock": "5"},
         "buildIds": [{"id": "x", "state": "STATE_ACTIVE", "stateUpdateTimestamp": {"wallClock": "5"}, "becameDefaultTimestamp": {"wallClock": "5"}},
                      {"id": "y", "state": "STATE_ACTIVE", "stateUpdateTimestamp": {"wallClock": "4"}, "becameDefaultTimestamp": {"wallClock": "4"}}]},
        {"setIds": ["a"], "becameDefaultTimestamp": {"wallClock": "3"},
         "buildIds": [{"id": "x", "state": "STATE_ACTIVE", "stateUpdateTimestamp": {"wallClock": "9"}, "becameDefaultTimestamp": {"wallClock": "9"}}]}
    ]}));
    let err = VersionSets::from_data(&data).unwrap_err();
    let found: Vec<_> = err.violations().iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "versionSets[0].buildIds[1].becameDefaultTimestamp: build ID became default at (4, 0, 0), earlier than a build ID of the same cluster listed before it, at (5, 0, 0)",
            "versionSets[1].becameDefaultTimestamp: set became default at (3, 0, 0), earlier than a set of the same cluster listed before it, at (5, 0, 0)",
            "versionSets[1].buildIds[0].id: build ID x also appears at versionSets[0].buildIds[0].id",
        ]
    );
    assert!(matches!(
        err.violations()[2].problem,
        Problem::DuplicateBuildId { .. }
    ));
    assert!(err.to_string().ends_with("(and 2 more)"));
}

#[test]
fn unknown_keys_and_wrong_types_are_rejected() {
    assert!(load_json(json!({"versionSets": [], "extra": 1})).is_err());
    assert!(load_json(json!({"versionSets": [{"setIds": [1]}]})).is_err());
    assert!(load_json(json!({"versionSets": [{"setIds": ["x"], "becameDefaultTimestamp": {"wallClock": "soon"}}]})).is_err());
    assert!(load_json(json!({"versionSets": [{"setIds": ["x"], "becameDefaultTimestamp": {"version": 3000000000u64}}]})).is_err());
    assert_eq!(load_json(json!({})).unwrap(), VersionSets::new());
}

#[test]
fn public_response_form() {
    let sets = init(3, T0);
    let mut sets = sets;
    sets.remove_build_ids(&[id("0")], 1);
    let value = serde_json::to_value(sets.response(0)).unwrap();
    assert_eq!(
        value,
        json!({"majorVersionSets": [{"buildIds": []}, {"buildIds": ["1"]}, {"buildIds": ["2"]}]})
    );
    let back: BuildIdCompatibility = serde_json::from_value(value).unwrap();
    assert_eq!(back, sets.response(0));
    // Canonical proto-JSON omits empty lists.
    let sparse: BuildIdCompatibility =
        serde_json::from_value(json!({"majorVersionSets": [{}]})).unwrap();
    assert!(sparse.major_version_sets[0].build_ids.is_empty());
    let bad = serde_json::from_value::<BuildIdCompatibility>(
        json!({"majorVersionSets": [{"buildIds": [""]}]}),
    );
    assert_eq!(bad.unwrap_err().to_string(), "build ID must not be empty");
}

#[test]
fn update_operations_in_request_proto_json() {
    let cases = [
        (
            json!({"addNewBuildIdInNewDefaultSet": "2.0"}),
            Update::add_new_default(id("2.0")),
        ),
        (
            json!({"addNewCompatibleBuildId": {"newBuildId": "2.1", "existingCompatibleBuildId": "2.0", "makeSetDefault": true}}),
            Update::add_new_compatible(id("2.1"), id("2.0"), QueueDefault::Make),
        ),
        (
            json!({"addNewCompatibleBuildId": {"newBuildId": "2.1", "existingCompatibleBuildId": "2.0"}}),
            Update::add_new_compatible(id("2.1"), id("2.0"), QueueDefault::Keep),
        ),
        (
            json!({"promoteSetByBuildId": "1.0"}),
            Update::promote_set_by_build_id(id("1.0")),
        ),
        (
            json!({"promoteBuildIdWithinSet": "1.0"}),
            Update::promote_build_id_within_set(id("1.0")),
        ),
        (
            json!({"mergeSets": {"primarySetBuildId": "1.0", "secondarySetBuildId": "2.0"}}),
            Update::merge_sets(id("1.0"), id("2.0")),
        ),
    ];
    for (value, update) in cases {
        assert_eq!(serde_json::from_value::<Update>(value).unwrap(), update);
        let written = serde_json::to_value(&update).unwrap();
        assert_eq!(serde_json::from_value::<Update>(written).unwrap(), update);
    }
    assert!(serde_json::from_value::<Update>(json!({"addNewBuildIdInNewDefaultSet": ""})).is_err());
    assert!(
        serde_json::from_value::<Update>(
            json!({"mergeSets": {"primarySetBuildId": "1", "secondarySetBuildId": "2", "x": 1}})
        )
        .is_err()
    );
}

/// Every spelling proto-JSON allows for an operation, read by the model alone: each member
/// and field under its proto name, `null` as absent (`false` for `makeSetDefault`); the
/// operation is written back in JSON names.
#[test]
fn update_operations_in_every_proto_json_spelling() {
    let cases = [
        (
            json!({"add_new_build_id_in_new_default_set": "2.0"}),
            Update::add_new_default(id("2.0")),
        ),
        (
            json!({"add_new_compatible_build_id": {"new_build_id": "2.1", "existing_compatible_build_id": "2.0", "make_set_default": true}}),
            Update::add_new_compatible(id("2.1"), id("2.0"), QueueDefault::Make),
        ),
        (
            json!({"addNewCompatibleBuildId": {"newBuildId": "2.1", "existing_compatible_build_id": "2.0", "makeSetDefault": null}}),
            Update::add_new_compatible(id("2.1"), id("2.0"), QueueDefault::Keep),
        ),
        (
            json!({"promote_set_by_build_id": "1.0"}),
            Update::promote_set_by_build_id(id("1.0")),
        ),
        (
            json!({"promote_build_id_within_set": "1.0"}),
            Update::promote_build_id_within_set(id("1.0")),
        ),
        (
            json!({"merge_sets": {"primary_set_build_id": "1.0", "secondary_set_build_id": "2.0"}}),
            Update::merge_sets(id("1.0"), id("2.0")),
        ),
        // `null` is absent: for another member of the oneof, and for an unknown field.
        (
            json!({"promoteSetByBuildId": null, "mergeSets": {"primarySetBuildId": "1.0", "secondarySetBuildId": "2.0", "note": null}}),
            Update::merge_sets(id("1.0"), id("2.0")),
        ),
    ];
    for (value, update) in cases {
        let text = value.to_string();
        assert_eq!(
            serde_json::from_str::<Update>(&text).unwrap(),
            update,
            "{text}"
        );
        assert_eq!(
            serde_json::from_value::<Update>(value).unwrap(),
            update,
            "{text}"
        );
    }
    let written = serde_json::to_string(&Update::add_new_compatible(
        id("2.1"),
        id("2.0"),
        QueueDefault::Keep,
    ))
    .unwrap();
    assert_eq!(
        written,
        r#"{"addNewCompatibleBuildId":{"newBuildId":"2.1","existingCompatibleBuildId":"2.0","makeSetDefault":false}}"#
    );
}

/// What an operation's reader refuses, in serde's words (those of the derive it replaced)
/// and, for a field given in two spellings, the state reader's.
#[test]
fn update_operations_refused_word_for_word() {
    let refused = |value: serde_json::Value| {
        let from_str = serde_json::from_str::<Update>(&value.to_string())
            .unwrap_err()
            .to_string();
        let from_value = serde_json::from_value::<Update>(value)
            .unwrap_err()
            .to_string();
        // The same words, the stream adding where it stopped.
        assert!(
            from_str.starts_with(&from_value),
            "{from_str} / {from_value}"
        );
        from_value
    };
    let one_of = "expected one of `addNewBuildIdInNewDefaultSet`, `addNewCompatibleBuildId`, \
                  `promoteSetByBuildId`, `promoteBuildIdWithinSet`, `mergeSets`";
    for (value, words) in [
        (
            json!({"mergeSets": {"primarySetBuildId": "1", "primary_set_build_id": "1"}}),
            r#"given twice, as "primary_set_build_id" and another spelling"#.to_owned(),
        ),
        (
            json!({"promoteSetByBuildId": "1", "promote_set_by_build_id": null}),
            r#"given twice, as "promote_set_by_build_id" and another spelling"#.to_owned(),
        ),
        (
            json!({"addNewCompatibleBuildId": {"newBuildId": "2.1", "existingCompatibleBuildId": "2.0", "x_y": 1}}),
            "unknown field `xY`, expected one of `newBuildId`, `existingCompatibleBuildId`, \
             `makeSetDefault`"
                .to_owned(),
        ),
        (
            json!({"mergeSets": {"primarySetBuildId": "1", "secondarySetBuildId": "2", "x": 1}}),
            "unknown field `x`, expected `primarySetBuildId` or `secondarySetBuildId`".to_owned(),
        ),
        (
            json!({"foo": 1}),
            format!("unknown variant `foo`, {one_of}"),
        ),
        (
            json!({"foo": null}),
            "invalid value: map, expected map with a single key".to_owned(),
        ),
        (
            json!({"promoteSetByBuildId": "1", "promoteBuildIdWithinSet": "1"}),
            "invalid value: map, expected map with a single key".to_owned(),
        ),
        (
            json!({"addNewCompatibleBuildId": {"new_build_id": null, "existingCompatibleBuildId": "2.0"}}),
            "missing field `newBuildId`".to_owned(),
        ),
        (
            json!({"merge_sets": ["1", "2"]}),
            "invalid type: sequence, expected struct variant".to_owned(),
        ),
        (
            json!({"add_new_compatible_build_id": {"newBuildId": "2.1", "existingCompatibleBuildId": "2.0", "make_set_default": "yes"}}),
            r#"invalid type: string "yes", expected a boolean"#.to_owned(),
        ),
        (
            json!({"promote_build_id_within_set": ""}),
            "build ID must not be empty".to_owned(),
        ),
        (
            json!("promoteSetByBuildId"),
            "invalid type: unit variant, expected newtype variant".to_owned(),
        ),
        (
            json!(5),
            "invalid type: integer `5`, expected string or map".to_owned(),
        ),
    ] {
        assert_eq!(refused(value), words);
    }
}

/// `CheckedData` and `VersionSets` read stored data set by set, and word what is not stored
/// data as `VersioningData`'s own reader does.
#[test]
fn streamed_readers_word_errors_as_the_typed_reader() {
    use version_sets::{CheckedData, VersionSets, VersioningData};
    for text in [
        r#"{"versionSets": 5}"#,
        r#"{"versionSets": [{"setIds": 7}]}"#,
        r#"{"versionSet": []}"#,
        r#"{"versionSets": [], "versionSets": []}"#,
        "[5]",
        "7",
    ] {
        let typed = serde_json::from_str::<VersioningData>(text)
            .unwrap_err()
            .to_string();
        let checked = serde_json::from_str::<CheckedData>(text)
            .unwrap_err()
            .to_string();
        let value = serde_json::from_str::<VersionSets>(text)
            .unwrap_err()
            .to_string();
        assert_eq!((&checked, &value), (&typed, &typed), "{text}");
    }
    assert_eq!(
        serde_json::from_str::<CheckedData>(r#"{"versionSets": 5}"#)
            .unwrap_err()
            .to_string(),
        "invalid type: integer `5`, expected a sequence at line 1 column 17"
    );
    // No versionSets at all is the empty value, as from_data reads it; serde's sequence form
    // of a struct too.
    for text in ["{}", "[]"] {
        let CheckedData { sets: empty, notes } = serde_json::from_str(text).unwrap();
        assert!(notes.is_empty());
        assert_eq!(empty, VersionSets::from_data(&VersioningData::default()));
        assert_eq!(empty, Ok(VersionSets::default()));
    }
    // The sequence form reads the fields in order, each element a field's value, and ends
    // where the sequence does (what formats that write structs as tuples give back).
    let stamp: Hlc = serde_json::from_str("[5, 2, 1]").unwrap();
    assert_eq!(
        stamp,
        Hlc {
            wall_clock: 5,
            version: 2,
            cluster_id: 1
        }
    );
    let short: Hlc = serde_json::from_str("[7]").unwrap();
    assert_eq!(
        short,
        Hlc {
            wall_clock: 7,
            version: 0,
            cluster_id: 0
        }
    );
}
