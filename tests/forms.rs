//! Every form of a queue's version sets read by the model alone (feature `serde` for the
//! documents): all of proto-JSON, the `TaskQueueUserData` wrapper, the public response and
//! the `get-build-ids` listing, with their errors word for word, their provenance and what
//! they read past.
#![cfg(feature = "serde")]

use version_sets::{
    BuildId, BuildIdCompatibility, CheckedData, CheckedListing, CheckedResponse, ListedSet,
    MajorVersionSet, Note, Problem, Provenance, TaskQueueUserData, VersionSets, VersioningData,
    Violation,
};

/// The same data in JSON names, as the crate writes it.
const CANONICAL: &str = r#"{"versionSets": [
    {"setIds": ["s"], "buildIds": [
        {"id": "1.0", "state": "STATE_ACTIVE",
         "stateUpdateTimestamp": {"wallClock": "1000", "version": 0, "clusterId": "1"},
         "becameDefaultTimestamp": {"wallClock": "1000", "version": 0, "clusterId": "1"}},
        {"id": "1.1", "state": "STATE_DELETED",
         "stateUpdateTimestamp": {"wallClock": "3000", "version": 0, "clusterId": "1"},
         "becameDefaultTimestamp": {"wallClock": "2000", "version": 0, "clusterId": "1"}}],
     "becameDefaultTimestamp": {"wallClock": "1000", "version": 0, "clusterId": "1"}}]}"#;

/// Proto names, `null` for a default (here `version` 0), the state as a number written
/// with a fraction, and int64s as numbers with an exponent.
const SPELLED: &str = r#"{"version_sets": [
    {"set_ids": ["s"], "build_ids": [
        {"id": "1.0", "state": 1.0,
         "state_update_timestamp": {"wall_clock": 1e3, "version": null, "cluster_id": 1},
         "became_default_timestamp": {"wall_clock": 1.0e3, "cluster_id": "1"}},
        {"id": "1.1", "state": "STATE_DELETED", "assignment_rules": null,
         "stateUpdateTimestamp": {"wallClock": 3E3, "version": 0.0, "clusterId": 1},
         "becameDefaultTimestamp": {"wallClock": 2000.0, "clusterId": 1}}],
     "becameDefaultTimestamp": {"wall_clock": "1000", "version": 0, "cluster_id": 1e0}}]}"#;

/// An error's words, without the position serde_json appends.
fn words(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
}

#[test]
fn proto_names_null_and_integral_numbers_read_as_the_json_names() {
    let canonical: VersioningData = serde_json::from_str(CANONICAL).unwrap();
    let spelled: VersioningData = serde_json::from_str(SPELLED).unwrap();
    assert_eq!(spelled, canonical);
    let checked: CheckedData = serde_json::from_str(SPELLED).unwrap();
    assert_eq!(checked.sets, VersionSets::from_data(&canonical));
    assert!(checked.notes.is_empty());
    let sets: VersionSets = serde_json::from_str(SPELLED).unwrap();
    assert_eq!(
        serde_json::to_value(&sets).unwrap(),
        serde_json::from_str::<serde_json::Value>(CANONICAL).unwrap()
    );
    // `null` is the default wherever a field goes, the list of sets included.
    let empty: VersioningData = serde_json::from_str(r#"{"versionSets": null}"#).unwrap();
    assert_eq!(empty, VersioningData::default());
}

#[test]
fn what_proto_json_does_not_allow_is_refused_word_for_word() {
    let cases = [
        (
            r#"{"versionSets": [], "version_sets": []}"#,
            "given twice, as \"version_sets\" and another spelling",
        ),
        (
            r#"{"versionSets": [], "versionSets": null}"#,
            "duplicate field `versionSets`",
        ),
        (
            r#"{"version_sets": [], "versionSets": []}"#,
            "given twice, as \"versionSets\" and another spelling",
        ),
        (
            r#"{"task_queue": "x"}"#,
            "unknown field `taskQueue`, expected `versionSets`",
        ),
        (
            r#"{"versionSets": [{"becameDefaultTimestamp": {"wallClock": 1.5}}]}"#,
            "invalid type: floating point `1.5`, expected an integer, as a number or a decimal string",
        ),
        (
            r#"{"versionSets": [{"becameDefaultTimestamp": {"version": 1e10}}]}"#,
            "integer 10000000000 is out of range",
        ),
        (
            r#"{"versionSets": [{"buildIds": [{"state": 2.5}]}]}"#,
            "invalid type: floating point `2.5`, expected STATE_ACTIVE, STATE_DELETED, STATE_UNSPECIFIED or 0, 1, 2",
        ),
        (
            r#"{"versionSets": [null]}"#,
            "invalid type: null, expected a compatible set (an object with setIds, buildIds and becameDefaultTimestamp)",
        ),
        (
            r#"{"versionSets": [{"becameDefaultTimestamp": 5}]}"#,
            "invalid type: integer `5`, expected a timestamp (an object with wallClock, version and clusterId)",
        ),
    ];
    for (text, error) in cases {
        let plain = serde_json::from_str::<VersioningData>(text).unwrap_err();
        assert_eq!(words(&plain), error, "{text}");
        let checked = serde_json::from_str::<CheckedData>(text).unwrap_err();
        assert_eq!(words(&checked), error, "{text}");
    }
    // An unknown field whose value is `null` is as absent as a known one.
    let data: VersioningData = serde_json::from_str(r#"{"taskQueue": null}"#).unwrap();
    assert_eq!(data, VersioningData::default());
}

#[test]
fn stored_data_reads_past_rules_with_a_note_and_the_plain_form_refuses_them() {
    let text = r#"{"redirect_rules": [{"rule": {}}], "versionSets": [], "assignmentRules": null}"#;
    let checked: CheckedData = serde_json::from_str(text).unwrap();
    assert_eq!(checked.sets, Ok(VersionSets::new()));
    // A rule list of `null` is absent: only what holds something is noted.
    assert_eq!(
        checked.notes,
        [Note::RulesIgnored {
            field: "redirectRules"
        }]
    );
    assert_eq!(
        checked.notes[0].to_string(),
        "redirectRules ignored (worker-versioning rules are outside this model; only the version sets are read)"
    );
    assert_eq!(
        words(&serde_json::from_str::<VersioningData>(text).unwrap_err()),
        "unknown field `redirectRules`, expected `versionSets`"
    );
    // What is read past is still checked for a field given twice.
    assert_eq!(
        words(
            &serde_json::from_str::<CheckedData>(
                r#"{"assignmentRules": [{"createTimestamp": 1, "create_timestamp": 2}]}"#
            )
            .unwrap_err()
        ),
        "given twice, as \"create_timestamp\" and another spelling"
    );
}

#[test]
fn task_queue_user_data_reads_its_versioning_data_and_notes_newer_fields() {
    let text = format!(
        r#"{{"clock": {{"wallClock": "9", "version": 0, "clusterId": "1"}},
             "per_type": {{"1": {{"deploymentData": {{}}, "config": {{}}}}}},
             "versioning_data": {}}}"#,
        CANONICAL
    );
    let user_data: TaskQueueUserData = serde_json::from_str(&text).unwrap();
    let canonical: VersioningData = serde_json::from_str(CANONICAL).unwrap();
    assert_eq!(
        user_data.versioning_data.sets,
        VersionSets::from_data(&canonical)
    );
    assert!(user_data.versioning_data.notes.is_empty());
    assert_eq!(user_data.notes, [Note::FieldIgnored { field: "perType" }]);
    assert_eq!(
        user_data.notes[0].to_string(),
        "perType ignored (it is outside the versioning data, which is all this model reads)"
    );

    // No versioning data is no sets; a `null` perType is absent, so not noted.
    let bare: TaskQueueUserData =
        serde_json::from_str(r#"{"clock": {}, "perType": null}"#).unwrap();
    assert_eq!(bare, TaskQueueUserData::default());
    assert_eq!(bare.versioning_data.sets, Ok(VersionSets::new()));

    // Inside the versioning data an unknown field is an error; outside it, too.
    for (text, error) in [
        (
            r#"{"versioningData": {"versionSets": [], "sets": []}}"#,
            "unknown field `sets`, expected `versionSets`",
        ),
        (
            r#"{"versioningData": {}, "description": "x"}"#,
            "unknown field `description`, expected `versioningData` or `clock`",
        ),
    ] {
        let refused = serde_json::from_str::<TaskQueueUserData>(text).unwrap_err();
        assert_eq!(words(&refused), error, "{text}");
    }
    // Violations inside are found as in bare stored data, at the same paths.
    let invalid: TaskQueueUserData =
        serde_json::from_str(r#"{"versioningData": {"versionSets": [{}]}}"#).unwrap();
    assert_eq!(
        invalid.versioning_data.sets.unwrap_err().violations()[0].to_string(),
        "versionSets[0].setIds: a set needs at least one set ID"
    );
}

fn ids(list: &[&str]) -> Vec<BuildId> {
    list.iter().map(|id| BuildId::new(id).unwrap()).collect()
}

/// The build IDs of each set, oldest first.
fn layout(sets: &VersionSets) -> Vec<Vec<String>> {
    sets.sets()
        .map(|set| {
            set.build_ids()
                .map(|r| r.id().as_str().to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn the_public_response_rebuilds_marked_as_rebuilt() {
    let response = BuildIdCompatibility {
        major_version_sets: vec![
            MajorVersionSet {
                build_ids: ids(&["1.0", "1.1"]),
            },
            MajorVersionSet { build_ids: vec![] },
            MajorVersionSet {
                build_ids: ids(&["2.0"]),
            },
        ],
    };
    let rebuilt = VersionSets::from_response(&response).unwrap();
    assert_eq!(layout(&rebuilt.sets), [vec!["1.0", "1.1"], vec!["2.0"]]);
    assert!(rebuilt.sets.validate().is_ok());
    assert_eq!(rebuilt.provenance, Provenance::Rebuilt);
    assert!(rebuilt.provenance.timestamps_reconstructed());
    assert!(rebuilt.provenance.set_ids_reconstructed());
    assert!(rebuilt.provenance.tombstones_missing());
    assert_eq!(
        rebuilt.notes,
        [Note::EmptySetLeftOut {
            path: "majorVersionSets[1]".into()
        }]
    );
    assert_eq!(
        rebuilt.notes[0].to_string(),
        "majorVersionSets[1] has no live build IDs (all deleted); it is left out of the rebuilt sets"
    );
    // Stored data is the data's own.
    let exact = Provenance::Exact;
    assert!(
        !exact.timestamps_reconstructed()
            && !exact.set_ids_reconstructed()
            && !exact.tombstones_missing()
    );

    // Read from a document, the same.
    let text = serde_json::to_string(&response).unwrap();
    let CheckedResponse(read) = serde_json::from_str(&text).unwrap();
    assert_eq!((read.set_count(), read.build_id_count()), (2, 3));
    assert_eq!(read.rebuild(), Ok(rebuilt));
}

#[test]
fn a_repeated_build_id_in_the_response_is_refused_with_both_places() {
    let response = BuildIdCompatibility {
        major_version_sets: vec![
            MajorVersionSet {
                build_ids: ids(&["1.0", "1.1"]),
            },
            MajorVersionSet {
                build_ids: ids(&["2.0", "1.1", "1.0"]),
            },
        ],
    };
    let invalid = VersionSets::from_response(&response).unwrap_err();
    let found: Vec<String> = invalid
        .violations()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        found,
        [
            "majorVersionSets[1].buildIds[1]: build ID 1.1 also appears at majorVersionSets[0].buildIds[1]",
            "majorVersionSets[1].buildIds[2]: build ID 1.0 also appears at majorVersionSets[0].buildIds[0]",
        ]
    );
    assert_eq!(
        invalid.to_string(),
        "majorVersionSets[1].buildIds[1]: build ID 1.1 also appears at majorVersionSets[0].buildIds[1] (and 1 more)"
    );
    let text = serde_json::to_string(&response).unwrap();
    let CheckedResponse(read) = serde_json::from_str(&text).unwrap();
    assert_eq!(read.invalid(), Some(invalid));
    // An invalid build ID is a violation at its place, as in stored data, not a malformed
    // document; the typed response still refuses to hold it.
    let CheckedResponse(read) =
        serde_json::from_str(r#"{"majorVersionSets": [{"build_ids": ["a", ""]}]}"#).unwrap();
    assert_eq!(
        read.invalid().map(|invalid| invalid.to_string()),
        Some("majorVersionSets[0].buildIds[1]: build ID must not be empty".to_owned())
    );
    assert_eq!(
        words(
            &serde_json::from_str::<BuildIdCompatibility>(
                r#"{"majorVersionSets": [{"build_ids": ["a", ""]}]}"#
            )
            .unwrap_err()
        ),
        "build ID must not be empty"
    );
}

fn listed(build_ids: &[&str], default_for_set: Option<&str>, is_default_set: bool) -> ListedSet {
    ListedSet {
        build_ids: ids(build_ids),
        default_for_set: default_for_set.map(str::to_owned),
        is_default_set,
    }
}

#[test]
fn the_listing_rebuilds_once_its_flags_agree_with_its_order() {
    let listing = [
        listed(&["1.0", "1.1"], Some("1.1"), false),
        listed(&["2.0"], Some("2.0"), true),
    ];
    let rebuilt = VersionSets::from_listing(&listing).unwrap();
    assert_eq!(layout(&rebuilt.sets), [vec!["1.0", "1.1"], vec!["2.0"]]);
    assert_eq!(rebuilt.provenance, Provenance::Rebuilt);
    assert!(rebuilt.notes.is_empty());
    assert_eq!(
        VersionSets::from_listing(&[]).unwrap().sets,
        VersionSets::new()
    );

    let broken = [
        listed(&["1.0", "1.1"], Some("1.0"), true),
        listed(&["1.1"], None, false),
        listed(&["3.0"], Some("3.0"), false),
    ];
    let invalid = VersionSets::from_listing(&broken).unwrap_err();
    assert_eq!(
        invalid.violations(),
        [
            Violation {
                path: "[0].isDefaultSet".into(),
                problem: Problem::NotLastDefaultSet
            },
            Violation {
                path: "[0].defaultForSet".into(),
                problem: Problem::WrongSetDefault {
                    named: "1.0".into(),
                    default: "1.1".into()
                },
            },
            Violation {
                path: "[2].isDefaultSet".into(),
                problem: Problem::LastNotDefaultSet
            },
            Violation {
                path: "[1].buildIds[0]".into(),
                problem: Problem::DuplicateBuildId {
                    build_id: "1.1".into(),
                    first: "[0].buildIds[1]".into(),
                },
            },
        ]
    );
    let words: Vec<String> = invalid
        .violations()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        words,
        [
            "[0].isDefaultSet: is true, but only the last set is the queue's default set",
            "[0].defaultForSet: is \"1.0\", but the set's default (the last of buildIds) is \"1.1\"",
            "[2].isDefaultSet: is false, but the last set is the queue's default set",
            "[1].buildIds[0]: build ID 1.1 also appears at [0].buildIds[1]",
        ]
    );
    // Read from a document (in proto names), the same violations in the same order.
    let text = r#"[{"build_ids": ["1.0", "1.1"], "default_for_set": "1.0", "is_default_set": true},
                   {"buildIds": ["1.1"], "defaultForSet": null},
                   {"buildIds": ["3.0"], "defaultForSet": "3.0", "isDefaultSet": false}]"#;
    let CheckedListing(read) = serde_json::from_str(text).unwrap();
    assert_eq!(read.invalid(), Some(invalid));
    let plain: Vec<ListedSet> = serde_json::from_str(text).unwrap();
    assert_eq!(plain, broken);
}

#[test]
fn the_listing_of_an_unversioned_queue_is_null() {
    let CheckedListing(read) = serde_json::from_str("null").unwrap();
    assert_eq!(
        (read.set_count(), read.build_id_count(), read.invalid()),
        (0, 0, None)
    );
    assert_eq!(read.rebuild().unwrap().sets, VersionSets::new());
    assert_eq!(
        words(
            &serde_json::from_str::<CheckedListing>(r#"[{"buildIds": ["a"], "note": "x"}]"#)
                .unwrap_err()
        ),
        "unknown field `note`, expected one of `buildIds`, `defaultForSet`, `isDefaultSet`"
    );
}

#[test]
fn a_listing_of_many_empty_sets_notes_ten_and_counts_the_rest() {
    let listing: Vec<ListedSet> = (0..13).map(|i| listed(&[], None, i == 12)).collect();
    let rebuilt = VersionSets::from_listing(&listing).unwrap();
    assert_eq!(rebuilt.notes.len(), Note::EMPTY_SETS_NOTED + 1);
    assert_eq!(
        rebuilt.notes[9],
        Note::EmptySetLeftOut { path: "[9]".into() }
    );
    assert_eq!(
        rebuilt.notes[10].to_string(),
        "3 more sets have no live build IDs; they are left out of the rebuilt sets too"
    );
}

/// A build ID kept as a slice of the document, or copied for its escape, reads the same.
#[test]
fn an_escaped_build_id_reads_as_its_text() {
    let text = r#"{"majorVersionSets": [{"buildIds": ["plain", "esc\u0061ped"]}]}"#;
    let CheckedResponse(read) = serde_json::from_str(text).unwrap();
    let rebuilt = read.rebuild().unwrap();
    assert_eq!(layout(&rebuilt.sets), [vec!["plain", "escaped"]]);
}

/// The wall clock a timestamp's `wallClock` reads as, or its error word for word.
fn wall_clock(value: &str) -> Result<i64, String> {
    let text = format!(r#"{{"wallClock": {value}}}"#);
    serde_json::from_str::<version_sets::Hlc>(&text)
        .map(|clock| clock.wall_clock)
        .map_err(|error| words(&error))
}

#[test]
fn int64_fields_read_exactly_at_the_bounds_and_in_every_exact_spelling() {
    let cases = [
        ("9223372036854775807", i64::MAX),
        ("-9223372036854775808", i64::MIN),
        (r#""9223372036854775807""#, i64::MAX),
        (r#""-9223372036854775808""#, i64::MIN),
        // A string is a JSON number's text, exponent and fraction included, read exactly.
        (r#""9007199254740993""#, 9_007_199_254_740_993),
        (r#""9007199254740993.0""#, 9_007_199_254_740_993),
        (r#""9.223372036854775807e18""#, i64::MAX),
        (r#""1e3""#, 1000),
        (r#""120e-1""#, 12),
        (r#""1.50e1""#, 15),
        (r#""5e0""#, 5),
        (r#""5E+00""#, 5),
        (r#""50e-001""#, 5),
        (r#""-0""#, 0),
        (r#""0e999999999999999999999""#, 0),
        // Numbers with a fraction or an exponent, below 2^53.
        ("2.0", 2),
        ("-3.5e2", -350),
        ("1e3", 1000),
        ("1.732e12", 1_732_000_000_000),
    ];
    for (value, expected) in cases {
        assert_eq!(wall_clock(value), Ok(expected), "{value}");
    }
}

#[test]
fn int64_fields_refuse_what_is_not_exactly_an_integer_in_range() {
    const NOT_EXACT: &str = "a number with a fraction or an exponent is read exactly only below \
                             2^53; write this one as a plain integer or a decimal string";
    let cases = [
        // Past 2^53 a float cannot say which integer was written.
        ("9007199254740993.0", NOT_EXACT.to_owned()),
        ("9007199254740992.0", NOT_EXACT.to_owned()),
        ("1e18", NOT_EXACT.to_owned()),
        ("-9223372036854775809", NOT_EXACT.to_owned()),
        (
            "9223372036854775808",
            "integer 9223372036854775808 is out of range".to_owned(),
        ),
        // Strings: one past each bound, not exactly whole, and not JSON's number grammar
        // (as Go's protojson, which reads a string's text as a JSON number).
        (r#""9223372036854775808""#, String::new()),
        (r#""-9223372036854775809""#, String::new()),
        (r#""9.2233720368547758075e18""#, String::new()),
        (r#""1e19""#, String::new()),
        (r#""1e-400""#, String::new()),
        (r#""1.0000000000000000001""#, String::new()),
        (r#""9007199254740993.5""#, String::new()),
        (r#""+5""#, String::new()),
        (r#""007""#, String::new()),
        (r#""-01""#, String::new()),
        (r#"" 5""#, String::new()),
        (r#""5 ""#, String::new()),
        (r#""5.""#, String::new()),
        (r#"".5""#, String::new()),
        (r#""1e""#, String::new()),
        (r#""1e+""#, String::new()),
        (r#""0x10""#, String::new()),
        (r#""""#, String::new()),
        (r#""-""#, String::new()),
    ];
    for (value, error) in cases {
        let error = if error.is_empty() {
            let text: String = serde_json::from_str(value).unwrap();
            format!("{text:?} is not an integer in range")
        } else {
            error
        };
        assert_eq!(wall_clock(value), Err(error), "{value}");
    }
}

proptest::proptest! {
    /// Every int64 reads back from each exact spelling: a plain number, a decimal string, the
    /// string with a zero fraction, and (but 0, which JSON spells with one `0` only) with
    /// trailing zeros taken back by a negative exponent.
    #[test]
    fn every_int64_reads_back_from_its_exact_spellings(n: i64, zeros in 0usize..5) {
        let z = "0".repeat(zeros);
        let mut texts = vec![format!("{n}"), format!("\"{n}\""), format!("\"{n}.{z}0\"")];
        if n != 0 {
            texts.push(format!("\"{n}{z}e-{zeros}\""));
        }
        for text in texts {
            proptest::prop_assert_eq!(wall_clock(&text), Ok(n), "{}", text);
        }
    }
}

/// Every reader of the model names a long key, state, digit string or operation it refuses
/// by an excerpt of 40 characters and its length, never in full.
#[test]
fn long_names_in_errors_are_an_excerpt_and_a_length() {
    let long = "k".repeat(1_000);
    let cut = format!(r#""{}"... (1000 bytes)"#, "k".repeat(40));
    let cases = [
        (
            format!(r#"{{"versionSets": [{{"{long}": 1}}]}}"#),
            format!(
                "unknown field {cut}, expected one of `setIds`, `buildIds`, \
                 `becameDefaultTimestamp`"
            ),
        ),
        (
            format!(r#"{{"versionSets": [{{"buildIds": [{{"state": "{long}"}}]}}]}}"#),
            format!(
                "invalid value: string {cut}, expected STATE_ACTIVE, STATE_DELETED, \
                 STATE_UNSPECIFIED or 0, 1, 2"
            ),
        ),
        (
            format!(
                r#"{{"versionSets": [{{"becameDefaultTimestamp": {{"wallClock": "{long}"}}}}]}}"#
            ),
            format!("{cut} is not an integer in range"),
        ),
    ];
    for (text, error) in &cases {
        let plain = serde_json::from_str::<VersioningData>(text).unwrap_err();
        assert_eq!(&words(&plain), error);
        let checked = serde_json::from_str::<CheckedData>(text).unwrap_err();
        assert_eq!(&words(&checked), error);
    }
    let public = format!(r#"{{"majorVersionSets": [{{"{long}": 1}}]}}"#);
    let response = serde_json::from_str::<CheckedResponse<'_>>(&public).unwrap_err();
    assert_eq!(
        words(&response),
        format!("unknown field {cut}, expected `buildIds`")
    );
    let listing = format!(r#"[{{"{long}": 1}}]"#);
    let listed = serde_json::from_str::<CheckedListing<'_>>(&listing).unwrap_err();
    assert_eq!(
        words(&listed),
        format!("unknown field {cut}, expected one of `buildIds`, `defaultForSet`, `isDefaultSet`")
    );
    let operations = "expected one of `addNewBuildIdInNewDefaultSet`, \
                      `addNewCompatibleBuildId`, `promoteSetByBuildId`, \
                      `promoteBuildIdWithinSet`, `mergeSets`";
    for text in [format!(r#"{{"{long}": 1}}"#), format!(r#""{long}""#)] {
        let update = serde_json::from_str::<version_sets::Update>(&text).unwrap_err();
        assert_eq!(
            words(&update),
            format!("unknown variant {cut}, {operations}")
        );
    }
    // Forty characters are quoted whole, in serde's words.
    let forty = "k".repeat(40);
    let update = serde_json::from_str::<version_sets::Update>(&format!(r#""{forty}""#));
    assert_eq!(
        words(&update.unwrap_err()),
        format!("unknown variant `{forty}`, {operations}")
    );
}
