//! The field-by-field reader agrees with the library's serde form, and reports each type
//! error once, at its path.

use serde_json::Value;
use version_sets::{VersionSets, VersioningData};

use super::read;
use crate::cli::state::walk::Walk;

fn findings(text: &str) -> Vec<String> {
    let value: Value = serde_json::from_str(text).unwrap();
    let mut walk = Walk::default();
    let state = read(value.as_object().unwrap(), &mut walk);
    let found: Vec<String> = walk.findings.iter().map(ToString::to_string).collect();
    assert_eq!(state.is_some(), found.is_empty(), "{text}");
    found
}

const T: &str = r#"{"wallClock": "5", "version": 1, "clusterId": 2}"#;

#[test]
fn valid_documents_read_as_the_serde_form_does() {
    let documents = [
        "{}".to_owned(),
        r#"{"versionSets": []}"#.to_owned(),
        format!(
            r#"{{"versionSets": [{{"setIds": ["b", "a"], "becameDefaultTimestamp": {T},
                "buildIds": [{{"id": "1", "state": "STATE_ACTIVE", "stateUpdateTimestamp": {T}, "becameDefaultTimestamp": {T}}},
                             {{"id": "2", "state": 2, "stateUpdateTimestamp": {{}}, "becameDefaultTimestamp": {{"wallClock": 9}}}}]}}]}}"#
        ),
    ];
    for text in documents {
        let value: Value = serde_json::from_str(&text).unwrap();
        let mut walk = Walk::default();
        let ours = read(value.as_object().unwrap(), &mut walk).unwrap();
        let data: VersioningData = serde_json::from_str(&text).unwrap();
        assert_eq!(ours, VersionSets::from_data(&data).unwrap(), "{text}");
    }
}

#[test]
fn documents_the_serde_form_refuses_are_refused() {
    let documents = [
        r#"{"versionSets": {}}"#.to_owned(),
        r#"{"versionSets": [], "extra": 1}"#.to_owned(),
        r#"{"versionSets": [{"setIds": null}]}"#.to_owned(),
        r#"{"versionSets": [{"setIds": ["a"], "becameDefaultTimestamp": {"wallClock": 1.5}, "buildIds": []}]}"#.to_owned(),
        r#"{"versionSets": [{"setIds": ["a"], "becameDefaultTimestamp": {"version": 3000000000}, "buildIds": []}]}"#.to_owned(),
        format!(
            r#"{{"versionSets": [{{"setIds": ["a"], "becameDefaultTimestamp": {T}, "buildIds": [{{"id": "1", "state": -1}}]}}]}}"#
        ),
        format!(
            r#"{{"versionSets": [{{"setIds": ["a"], "becameDefaultTimestamp": {T}, "buildIds": [{{"id": "1", "state": "ACTIVE"}}]}}]}}"#
        ),
    ];
    for text in documents {
        assert!(
            serde_json::from_str::<VersioningData>(&text).is_err(),
            "{text}"
        );
        assert!(!findings(&text).is_empty(), "{text}");
    }
}

#[test]
fn a_null_timestamp_is_a_missing_one() {
    let text = format!(
        r#"{{"versionSets": [{{"setIds": ["a"], "becameDefaultTimestamp": null,
            "buildIds": [{{"id": "1", "state": 1, "stateUpdateTimestamp": {T}, "becameDefaultTimestamp": {T}}}]}}]}}"#
    );
    let data: VersioningData = serde_json::from_str(&text).unwrap();
    assert_eq!(data.version_sets[0].became_default_timestamp, None);
    assert_eq!(
        findings(&text),
        ["versionSets[0].becameDefaultTimestamp: timestamp is missing"]
    );
}

#[test]
fn each_type_error_is_reported_once() {
    let text = format!(
        r#"{{"versionSets": [
            "not a set",
            {{"setIds": [1, 2], "becameDefaultTimestamp": {{"wallClock": "soon"}}, "buildIds": [
                {{"id": 7, "state": "ACTIVE", "stateUpdateTimestamp": [], "becameDefaultTimestamp": {T}, "note": ""}}]}}]}}"#
    );
    assert_eq!(
        findings(&text),
        [
            r#"versionSets[0]: expected an object, got "not a set""#,
            "versionSets[1].setIds[0]: expected a string, got 1",
            "versionSets[1].setIds[1]: expected a string, got 2",
            "versionSets[1].buildIds[0].note: unknown key",
            "versionSets[1].buildIds[0].id: expected a build ID string, got 7",
            r#"versionSets[1].buildIds[0].state: expected STATE_ACTIVE, STATE_DELETED, STATE_UNSPECIFIED or 1, 2, 0, got "ACTIVE""#,
            "versionSets[1].buildIds[0].stateUpdateTimestamp: expected an object, got an array",
            r#"versionSets[1].becameDefaultTimestamp.wallClock: expected an integer (a number or a decimal string), got "soon""#,
        ]
    );
}
