//! Reading what Temporal's tools print (specification.md section G): the documents of `tests/data/`, captured
//! from a live server, read to what they show; every fault is refused with its JSON path,
//! in exact words; no input panics.

use proptest::prelude::*;
use worker_deployments::{
    DrainageStatus, QueueView, Ramp, Read, ReadNote, Shown, ShownDeployment, ShownForm,
    ShownRouting, ShownSummary, ShownVersion, TaskQueueType, VersionKey, VersionStatus, read_shown,
};

fn data(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn v(build: &str) -> VersionKey {
    VersionKey::new("D", build)
}

fn deployment(read: Read) -> ShownDeployment {
    match read.shown {
        Shown::Deployment(d) => d,
        Shown::List(mut list) if list.len() == 1 => list.remove(0),
        other => panic!("not one deployment: {other:?}"),
    }
}

/// The routing of every capture: current b1, b2 ramping at 10%.
fn b1_b2_at_10(revision: Option<i64>) -> ShownRouting {
    ShownRouting {
        current: Some(v("b1")),
        ramping: Ramp::Version(v("b2")),
        percentage: 10.0,
        revision,
    }
}

#[test]
fn describe_reads_the_routing_and_the_summaries() {
    let read = read_shown(&data("describe.json")).unwrap();
    assert_eq!((read.form, read.notes.len()), (ShownForm::Describe, 0));
    let summary = |build| ShownSummary {
        version: v(build),
        status: None,
        drainage: None,
    };
    assert_eq!(
        deployment(read),
        ShownDeployment {
            name: "D".into(),
            routing: b1_b2_at_10(None),
            versions: vec![summary("b2"), summary("b1")],
            manager_identity: String::new(),
            last_modifier_identity: Some("temporal-cli:root@vm".into()),
            conflict_token: None,
        }
    );
}

#[test]
fn an_unversioned_ramp_is_empty_names_with_a_percentage() {
    let read = read_shown(&data("describe-unversioned-ramp.json")).unwrap();
    let d = deployment(read);
    assert_eq!(d.routing.ramping, Ramp::Unversioned);
    assert_eq!(d.routing.percentage, 30.0);
    assert_eq!(
        d.versions.first().unwrap().drainage,
        Some(DrainageStatus::Draining)
    );
    let view = d.routing.view();
    assert_eq!((view.ramping, view.is_ramping), (None, true));
}

#[test]
fn no_ramp_is_empty_names_at_zero() {
    let text = data("describe.json")
        .replace(
            r#""rampingVersionDeploymentName": "D""#,
            r#""rampingVersionDeploymentName": """#,
        )
        .replace(
            r#""rampingVersionBuildID": "b2""#,
            r#""rampingVersionBuildID": """#,
        )
        .replace(
            r#""rampingVersionPercentage": 10"#,
            r#""rampingVersionPercentage": 0"#,
        );
    let d = deployment(read_shown(&text).unwrap());
    assert_eq!(d.routing.ramping, Ramp::None);
    assert!(!d.routing.view().is_ramping);
}

#[test]
fn list_reads_each_deployment() {
    let read = read_shown(&data("list.json")).unwrap();
    assert_eq!(read.form, ShownForm::List);
    let d = deployment(read);
    assert_eq!((d.routing, d.versions), (b1_b2_at_10(None), vec![]));
    assert_eq!(read_shown("null").unwrap().shown, Shown::List(vec![]));
    assert_eq!(read_shown("[]").unwrap().shown, Shown::List(vec![]));
}

#[test]
fn grpc_reads_the_revision_statuses_and_token() {
    let read = read_shown(&data("grpc-describe.json")).unwrap();
    assert_eq!((read.form, read.notes.len()), (ShownForm::Grpc, 0));
    let d = deployment(read);
    assert_eq!(d.routing, b1_b2_at_10(Some(2)));
    assert_eq!(d.conflict_token.as_deref(), Some("AQAAAA7iqTlJBZLPY///"));
    let statuses: Vec<_> = d
        .versions
        .iter()
        .map(|s| (s.version.clone(), s.status))
        .collect();
    assert_eq!(
        statuses,
        [
            (v("b2"), Some(VersionStatus::Ramping)),
            (v("b1"), Some(VersionStatus::Current))
        ]
    );
    assert_eq!(
        d.routing.view(),
        QueueView {
            current: Some(v("b1")),
            current_revision: 2,
            ramping: Some(v("b2")),
            is_ramping: true,
            percentage: 10.0,
            ramping_revision: 2,
        }
    );
}

#[test]
fn grpc_reads_proto_names_and_an_unversioned_ramp() {
    let text = data("grpc-describe.json")
        .replace("\"workerDeploymentInfo\"", "\"worker_deployment_info\"")
        .replace("\"revisionNumber\"", "\"revision_number\"")
        .replace(
            r#""rampingVersion": "D.b2""#,
            r#""rampingVersion": "__unversioned__""#,
        )
        .replace(
            r#""rampingDeploymentVersion": {
        "buildId": "b2",
        "deploymentName": "D"
      },"#,
            "",
        );
    let d = deployment(read_shown(&text).unwrap());
    assert_eq!(d.routing.ramping, Ramp::Unversioned);
    assert_eq!(d.routing.revision, Some(2));
}

#[test]
fn describe_version_reads_one_version_and_notes_what_it_reads_past() {
    let read = read_shown(&data("describe-version.json")).unwrap();
    assert_eq!(
        (read.form, read.notes.len()),
        (ShownForm::DescribeVersion, 0)
    );
    assert_eq!(
        read.shown,
        Shown::Version(ShownVersion {
            version: v("b2"),
            current: false,
            ramping: Some(10.0),
            drainage: None,
            task_queues: vec![],
        })
    );
    let read = read_shown(&data("describe-version-current.json")).unwrap();
    let Shown::Version(current) = read.shown else {
        panic!()
    };
    assert_eq!((current.current, current.ramping), (true, None));

    let with_queues = data("describe-version.json").replace(
        r#""taskQueuesInfos": null,
  "metadata": null"#,
        r#""taskQueuesInfos": [{"name": "tq", "type": "workflow", "stats": {"approximateBacklogCount": 0}}, {"name": "tq", "type": "activity"}],
  "metadata": {"entries": {}}"#,
    );
    let read = read_shown(&with_queues).unwrap();
    let notes: Vec<String> = read.notes.iter().map(ReadNote::to_string).collect();
    assert_eq!(
        notes,
        [
            "metadata: read past (not deployment routing data)",
            "taskQueuesInfos[0].stats: read past (not deployment routing data)",
        ]
    );
    let Shown::Version(version) = read.shown else {
        panic!()
    };
    assert_eq!(
        version.task_queues,
        [
            ("tq".to_owned(), TaskQueueType::Workflow),
            ("tq".to_owned(), TaskQueueType::Activity)
        ]
    );
}

#[test]
fn a_field_beside_the_grpc_deployment_info_is_read_past_with_a_note() {
    let text = data("grpc-describe.json").replacen('{', r#"{"newerField": {"x": 1},"#, 1);
    let read = read_shown(&text).unwrap();
    assert_eq!(
        read.notes
            .iter()
            .map(ReadNote::to_string)
            .collect::<Vec<_>>(),
        ["newerField: read past (not deployment routing data)"]
    );
    assert_eq!(deployment(read).routing, b1_b2_at_10(Some(2)));
}

/// `describe.json` with `from` replaced by `to`, and the error it reads to.
fn describe_error(from: &str, to: &str) -> String {
    let text = data("describe.json");
    assert!(text.contains(from), "{from}");
    read_shown(&text.replacen(from, to, 1))
        .unwrap_err()
        .to_string()
}

fn grpc_error(from: &str, to: &str) -> String {
    let text = data("grpc-describe.json");
    assert!(text.contains(from), "{from}");
    read_shown(&text.replacen(from, to, 1))
        .unwrap_err()
        .to_string()
}

#[test]
fn each_fault_is_refused_at_its_path_in_exact_words() {
    assert_eq!(
        read_shown("{").unwrap_err().to_string(),
        "not JSON: EOF while parsing an object at line 1 column 1"
    );
    assert_eq!(
        read_shown(r#"{"a": 1, "a": 2}"#).unwrap_err().to_string(),
        "not JSON: key \"a\" given twice at line 1 column 12"
    );
    assert_eq!(
        read_shown(r#"{"majorVersionSets": []}"#)
            .unwrap_err()
            .to_string(),
        "none of the shapes of `temporal worker deployment describe`, `describe-version` or `list` with -o json, or of DescribeWorkerDeployment's gRPC JSON"
    );
    assert_eq!(
        read_shown("3").unwrap_err().to_string(),
        read_shown("{}").unwrap_err().to_string()
    );
    assert_eq!(
        describe_error(
            r#""rampingVersionPercentage": 10"#,
            r#""rampingVersionPercentage": 10, "status": "x""#
        ),
        "routingConfig.status: unknown field \"status\", expected one of currentVersionDeploymentName, currentVersionBuildID, rampingVersionDeploymentName, rampingVersionBuildID, rampingVersionPercentage, currentVersionChangedTime, rampingVersionChangedTime, rampingVersionPercentageChangedTime"
    );
    assert_eq!(
        describe_error(
            r#""rampingVersionPercentage": 10"#,
            r#""rampingVersionPercentage": "10""#
        ),
        "routingConfig.rampingVersionPercentage: expected a number, found a string"
    );
    assert_eq!(
        describe_error(
            r#""rampingVersionPercentage": 10"#,
            r#""rampingVersionPercentage": -0.5"#
        ),
        "routingConfig.rampingVersionPercentage: -0.5 is not a percentage from 0 to 100"
    );
    assert_eq!(
        describe_error(
            r#""currentVersionDeploymentName": "D""#,
            r#""currentVersionDeploymentName": """#
        ),
        "routingConfig.currentVersionBuildID: a version needs both a deployment name and a build ID; found \"\" and \"b1\""
    );
    assert_eq!(
        describe_error(
            r#""rampingVersionDeploymentName": "D""#,
            r#""rampingVersionDeploymentName": "E""#
        ),
        "routingConfig.rampingVersionBuildID: version E:b2 is not of deployment \"D\""
    );
    assert_eq!(
        describe_error(
            r#""drainageStatus": "unspecified""#,
            r#""drainageStatus": "DRAINED""#
        ),
        "versionSummaries[0].drainageStatus: \"DRAINED\" is not one of , unspecified, draining, drained"
    );
    assert_eq!(describe_error(r#""name": "D","#, ""), "missing field name");
    assert_eq!(
        describe_error(r#""managerIdentity": """#, r#""managerIdentity": 7"#),
        "managerIdentity: expected a string, found a number"
    );
    assert_eq!(
        grpc_error(r#""currentVersion": "D.b1""#, r#""currentVersion": "D.b9""#),
        "workerDeploymentInfo.routingConfig.currentVersion: says \"D.b9\", but the currentDeploymentVersion says D:b1"
    );
    assert_eq!(
        grpc_error(r#""currentVersion": "D.b1""#, r#""currentVersion": "Db1""#),
        "workerDeploymentInfo.routingConfig.currentVersion: expected delimiter ':' or '.' not found in version string Db1"
    );
    assert_eq!(
        grpc_error(r#""revisionNumber": "2""#, r#""revisionNumber": "two""#),
        "workerDeploymentInfo.routingConfig.revisionNumber: \"two\" is not an integer revision number"
    );
    assert_eq!(
        grpc_error(
            r#""revisionNumber": "2""#,
            r#""revisionNumber": "2", "revision_number": "3""#
        ),
        "workerDeploymentInfo.routingConfig.revision_number: given twice, as \"revision_number\" and another spelling"
    );
    assert_eq!(
        grpc_error(
            r#""status": "WORKER_DEPLOYMENT_VERSION_STATUS_RAMPING""#,
            r#""status": "RAMPING""#
        ),
        "workerDeploymentInfo.versionSummaries[0].status: \"RAMPING\" is not one of WORKER_DEPLOYMENT_VERSION_STATUS_UNSPECIFIED, WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE, WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT, WORKER_DEPLOYMENT_VERSION_STATUS_RAMPING, WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING, WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED, WORKER_DEPLOYMENT_VERSION_STATUS_CREATED"
    );
    assert_eq!(
        grpc_error(r#""name": "D","#, r#""name": "D", "colour": "red","#),
        "workerDeploymentInfo.colour: unknown field \"colour\", expected one of name, versionSummaries, createTime, routingConfig, lastModifierIdentity, managerIdentity, routingConfigUpdateState"
    );
    assert_eq!(
        grpc_error(
            r#""rampingVersionPercentage": 10.0"#,
            r#""rampingVersionPercentage": "lots""#
        ),
        "workerDeploymentInfo.routingConfig.rampingVersionPercentage: \"lots\" is not a percentage from 0 to 100"
    );
    let long = "k".repeat(100);
    assert_eq!(
        describe_error(r#""name": "D","#, &format!(r#""name": "D", "{long}": 1,"#)),
        format!(
            "{long_cut}: unknown field \"{cut}…\", expected one of name, createTime, lastModifierIdentity, routingConfig, versionSummaries, managerIdentity",
            long_cut = long,
            cut = "k".repeat(64)
        )
    );
}

#[test]
fn a_grpc_nan_percentage_reads_and_ramps_none() {
    let text = data("grpc-describe.json").replace(
        r#""rampingVersionPercentage": 10.0"#,
        r#""rampingVersionPercentage": "NaN""#,
    );
    let d = deployment(read_shown(&text).unwrap());
    assert!(d.routing.percentage.is_nan());
    let view = d.routing.view();
    assert_eq!(view.target("x", false, 0.0).0, Some(&v("b1")));
}

#[test]
fn a_float32_percentage_reads_back_exactly() {
    // `edge-wf-18534`'s threshold is a float32 value (specification.md section E.2).
    let text = data("describe.json").replace(
        r#""rampingVersionPercentage": 10"#,
        r#""rampingVersionPercentage": 50.551987"#,
    );
    let d = deployment(read_shown(&text).unwrap());
    assert_eq!(f64::from(d.routing.percentage), 50.551_986_694_335_94);
    assert_eq!(d.routing.percentage.to_string(), "50.551987");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any text, and any fixture with a byte changed or cut, reads or is refused: no panic.
    #[test]
    fn no_input_panics(text in ".{0,200}", at in any::<usize>(), byte in any::<u8>(), which in 0usize..6) {
        let _ = read_shown(&text);
        let names = ["describe.json", "describe-unversioned-ramp.json", "describe-version.json",
            "describe-version-current.json", "list.json", "grpc-describe.json"];
        let mut bytes = data(names[which]).into_bytes();
        let i = at % bytes.len();
        bytes[i] = byte;
        let _ = read_shown(&String::from_utf8_lossy(&bytes));
        let _ = read_shown(&String::from_utf8_lossy(&bytes[..i]));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Every float32 percentage, printed as the shortest text that reads back (as Go's
    /// `encoding/json` and protojson print a float32), reads back to the same float32 in
    /// both the CLI's and the gRPC JSON.
    #[test]
    fn every_float32_percentage_reads_back_exactly(bits in 0u32..=100f32.to_bits()) {
        let percentage = f32::from_bits(bits);
        let cli = data("describe.json").replace(
            r#""rampingVersionPercentage": 10"#,
            &format!(r#""rampingVersionPercentage": {percentage}"#),
        );
        let grpc = data("grpc-describe.json").replace(
            r#""rampingVersionPercentage": 10.0"#,
            &format!(r#""rampingVersionPercentage": {percentage:e}"#),
        );
        for text in [cli, grpc] {
            let read = deployment(read_shown(&text).unwrap());
            prop_assert_eq!(read.routing.percentage.to_bits(), bits);
        }
    }
}
