//! `version-sets deployment set-current-version | set-ramping-version | delete-version |
//! delete | manager-identity set|unset --dry-run`: the server's answer and what changes, on
//! the captures of `deployments/tests/data/` (b1 current, b2 ramping at 10%), word for word.
//!
//! The captures of `cli/tests/data/deployment/` (its README says how they were made): b1
//! current polling `tq` and `tq2`, b2 ramping at 10% and b3 inactive polling `tq`, and
//! what the live server answered each write that followed, which the dry runs must answer
//! alike.

use serde_json::{Value, json};

use super::{run, run_with};

const DESCRIBE: &str = "deployments/tests/data/describe.json";
const GRPC: &str = "deployments/tests/data/grpc-describe.json";
const LIST: &str = "deployments/tests/data/list.json";
const UNVERSIONED_RAMP: &str = "deployments/tests/data/describe-unversioned-ramp.json";
const LIVE: &str = "cli/tests/data/deployment/live-describe.json";
const B1: &str = "cli/tests/data/deployment/live-b1.json";
const B2: &str = "cli/tests/data/deployment/live-b2.json";
const B3: &str = "cli/tests/data/deployment/live-b3.json";
const ME: &str = "temporal-cli:root@vm";

fn dry(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["deployment"];
    all.extend_from_slice(args);
    all.push("--dry-run");
    let ran = run(&all);
    (ran.code, ran.out, ran.err)
}

fn promote(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = vec![
        "set-current-version",
        LIVE,
        "--deployment-name",
        "D",
        "--build-id",
        "b2",
        "--identity",
        "me",
        "--version-state",
        B1,
        "--version-state",
        B2,
        "--version-state",
        B3,
    ];
    args.extend_from_slice(extra);
    args
}

/// The live server's answers (`live-answers.jsonl`) after the captures: each write, run
/// as a dry run on the state it met, gets the same answer: the exit status, the success
/// text, or the error's message as the CLI printed it after its prefix.
#[test]
fn every_answer_of_the_live_server_is_the_dry_run_s() {
    let text =
        String::from_utf8(super::read("cli/tests/data/deployment/live-answers.jsonl")).unwrap();
    let live = String::from_utf8(super::read(LIVE)).unwrap();
    // The state each write met: the manager identity and the last write's identity.
    let with = |manager: &str, last: &str| {
        live.replacen(
            r#""managerIdentity": """#,
            &format!(r#""managerIdentity": "{manager}""#),
            1,
        )
        .replacen(
            r#""lastModifierIdentity": "temporal-cli:root@vm""#,
            &format!(r#""lastModifierIdentity": "{last}""#),
            1,
        )
    };
    let states = [
        with("", ME),
        with("", ME),
        with("", ME),
        with("bot", "bot"),
        with("bot", "bot"),
        with("", "alice"),
        with("", ME),
    ];
    let records: Vec<Value> = text
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    // The first two made the captured state; the last, `delete --name E`, is of a
    // deployment no STATE here shows (the server answers a missing one with success).
    assert_eq!(records.len(), 2 + states.len() + 1);
    assert_eq!(
        records.last().map(|r| (&r["args"], &r["stdout"])),
        Some((
            &json!(["delete", "--name", "E"]),
            &json!("Successfully deleted worker deployment\n")
        ))
    );
    for (record, state) in records.iter().skip(2).zip(&states) {
        let mut args: Vec<String> = vec!["deployment".into()];
        args.extend(
            record["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_owned())
                .filter(|a| a != "-y"),
        );
        // STATE after the subcommand (`manager-identity set` is two words).
        let at = if args[1] == "manager-identity" { 3 } else { 2 };
        args.insert(at, "-".into());
        if !args.iter().any(|a| a == "--identity") {
            // The identity the CLI made up, as the captures show it.
            args.extend(["--identity".into(), ME.into()]);
        }
        for version in [B1, B2, B3] {
            args.extend(["--version-state".into(), version.into()]);
        }
        // Every worker but b1's on tq2 kept polling.
        args.extend(["--assume-pollers".into(), "all".into(), "--dry-run".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let ran = run_with(&args, state.as_bytes());
        let first = ran.out.lines().next().unwrap_or_default();
        assert_eq!(
            i64::from(ran.code),
            record["exit"].as_i64().unwrap(),
            "{args:?}: {}",
            ran.out
        );
        if ran.code == 0 {
            assert_eq!(
                format!("{first}\n"),
                record["stdout"].as_str().unwrap(),
                "{args:?}"
            );
        } else {
            let (_, message) = first.split_once(": ").unwrap();
            let printed = record["stderr"].as_str().unwrap();
            assert!(
                printed.starts_with("Error: error ")
                    && printed.ends_with(&format!(": {message}\n")),
                "{args:?}: {printed} is not {message}"
            );
        }
    }
}

#[test]
fn set_current_version_is_refused_for_a_busy_queue_the_new_version_lacks() {
    assert_eq!(
        dry(&promote(&[])),
        (
            1,
            "FAILED_PRECONDITION: proposed current version 'D:b2' is missing active task queues from the current version; these would become unversioned if it is set as the current version\n\
             nothing changes\n\
             assumed: task queue tq2 (workflow) has traffic or backlog for D:b1\n"
                .to_owned(),
            String::new()
        )
    );
}

#[test]
fn set_current_version_on_idle_queues_says_which_become_unversioned() {
    assert_eq!(
        dry(&promote(&["--assume-traffic", "idle"])),
        (
            0,
            "Successfully set the current worker deployment version\n\
             outcome: changed\n\
             previous version: D.b1\n\
             routing: current D:b1, ramping D:b2 at 10% -> current D:b2, no ramp\n\
             version D:b1: current -> draining\n\
             version D:b2: ramping -> current\n\
             task queue tq (workflow): D:b1, ramping D:b2 at 10% -> D:b2\n\
             task queue tq2 (workflow): D:b1 -> unversioned (becomes unversioned)\n\
             assumed: task queue tq2 (workflow) has no traffic and no backlog for D:b1\n"
                .to_owned(),
            String::new()
        )
    );
    // --ignore-missing-task-queues skips the check: nothing is assumed.
    let (code, out, _) = dry(&promote(&["--ignore-missing-task-queues"]));
    assert_eq!(code, 0);
    assert!(!out.contains("assumed"), "{out}");
    assert!(
        out.ends_with("task queue tq2 (workflow): D:b1 -> unversioned (becomes unversioned)\n")
    );
}

#[test]
fn the_json_report_of_a_promotion() {
    // The gRPC capture shows b1 and b2 (and the revision): b3's document would be refused.
    let mut args = promote(&["--assume-traffic", "idle", "-o", "json"]);
    args[1] = GRPC;
    args.retain(|a| *a != B3);
    let b3_flag = args.iter().rposition(|a| *a == "--version-state").unwrap();
    args.remove(b3_flag);
    let (code, out, err) = dry(&args);
    assert_eq!((code, err.as_str()), (0, ""));
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report,
        json!({
            "deployment": "D",
            "form": "grpc",
            "command": "set-current-version",
            "accepted": true,
            "answer": {"outcome": "changed", "previousVersion": "D.b1"},
            "error": null,
            "cli": "Successfully set the current worker deployment version",
            "routing": {
                "before": {"current": "D:b1", "ramp": {"version": "D:b2", "percentage": 10.0}, "revision": 2},
                "after": {"current": "D:b2", "ramp": null, "revision": 3},
            },
            "manager": {"before": "", "after": ""},
            "statuses": [
                {"version": "D:b1", "before": "current", "after": "draining"},
                {"version": "D:b2", "before": "ramping", "after": "current"},
            ],
            "taskQueues": [
                {
                    "name": "tq", "type": "workflow",
                    "before": {"current": "D:b1", "ramp": {"version": "D:b2", "percentage": 10.0}},
                    "after": {"current": "D:b2", "ramp": null},
                    "becomesUnversioned": false,
                },
                {
                    "name": "tq2", "type": "workflow",
                    "before": {"current": "D:b1", "ramp": null},
                    "after": {"current": null, "ramp": null},
                    "becomesUnversioned": true,
                },
            ],
            "assumed": ["task queue tq2 (workflow) has no traffic and no backlog for D:b1"],
            "taskQueuesNotShown": [],
            "notes": [],
        })
    );
}

#[test]
fn a_refusal_in_json_names_its_code_and_message() {
    let (code, out, _) = dry(&[
        "set-ramping-version",
        DESCRIBE,
        "--deployment-name",
        "D",
        "--build-id",
        "b1",
        "--percentage",
        "5",
        "--identity",
        ME,
        "-o",
        "json",
    ]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (&report["accepted"], &report["error"], &report["statuses"]),
        (
            &json!(false),
            &json!({"code": "FAILED_PRECONDITION", "message": "requested ramping version D.b1 is already current"}),
            &json!([])
        )
    );
}

#[test]
fn set_ramping_version_changes_sets_and_deletes_the_ramp() {
    let ramp = |extra: &[&str]| {
        let mut args = vec![
            "set-ramping-version",
            DESCRIBE,
            "--deployment-name",
            "D",
            "--identity",
            ME,
        ];
        args.extend_from_slice(extra);
        dry(&args)
    };
    assert_eq!(
        ramp(&["--build-id", "b2", "--percentage", "50"]),
        (
            0,
            "Successfully set the ramping worker deployment version\n\
             outcome: changed\n\
             previous ramp: D.b2 at 10%\n\
             routing: current D:b1, ramping D:b2 at 10% -> current D:b1, ramping D:b2 at 50%\n\
             not listed: the task queues of D:b1, D:b2 (no --version-state)\n"
                .to_owned(),
            String::new()
        )
    );
    // The identity of the last write (describe.json's) and the same ramp: a no-op.
    assert_eq!(
        ramp(&["--build-id", "b2", "--percentage", "10"]).1,
        "Successfully set the ramping worker deployment version\n\
         outcome: no-op\n\
         previous ramp: D.b2 at 10%\n\
         routing, statuses and manager unchanged\n"
    );
    assert_eq!(
        ramp(&["--delete"]).1,
        "Successfully set the ramping worker deployment version\n\
         outcome: changed\n\
         previous ramp: D.b2 at 10%\n\
         routing: current D:b1, ramping D:b2 at 10% -> current D:b1, no ramp\n\
         version D:b2: ramping -> draining\n\
         not listed: the task queues of D:b1, D:b2 (no --version-state)\n"
    );
    // --delete with --build-id is a 0% ramp, as the CLI sends it.
    assert_eq!(
        ramp(&["--delete", "--build-id", "b2"]).1.lines().nth(3),
        Some("routing: current D:b1, ramping D:b2 at 10% -> current D:b1, ramping D:b2 at 0%")
    );
    assert_eq!(
        ramp(&["--build-id", "b2", "--percentage", "101"]),
        (
            1,
            "INVALID_ARGUMENT: Percentage must be between 0 and 100 (inclusive)\nnothing changes\n"
                .to_owned(),
            String::new()
        )
    );
    assert_eq!(
        ramp(&["--build-id", "b9", "--percentage", "5"]).1,
        "NOT_FOUND: build ID 'b9' not found in Worker Deployment 'D'\nnothing changes\n"
    );
}

#[test]
fn delete_version_each_way() {
    let delete = |state: &str, build: &str, extra: &[&str]| {
        let mut args = vec![
            "delete-version",
            state,
            "--deployment-name",
            "D",
            "--build-id",
            build,
            "--identity",
            ME,
        ];
        args.extend_from_slice(extra);
        dry(&args)
    };
    assert_eq!(
        delete(DESCRIBE, "b1", &[]).1,
        "FAILED_PRECONDITION: version 'D:b1' cannot be deleted since it is current or ramping\nnothing changes\n"
    );
    assert_eq!(
        delete(UNVERSIONED_RAMP, "b2", &[]).1,
        "FAILED_PRECONDITION: version 'D:b2' cannot be deleted since it is draining\nnothing changes\n"
    );
    assert_eq!(
        delete(UNVERSIONED_RAMP, "b2", &["--skip-drainage"]),
        (
            0,
            "Successfully deleted worker deployment version\n\
             outcome: changed\n\
             version D:b2: draining -> none\n\
             not listed: the task queues of D:b2 (no --version-state)\n\
             assumed: D:b2's task queues have no pollers\n"
                .to_owned(),
            String::new()
        )
    );
    assert_eq!(
        delete(
            UNVERSIONED_RAMP,
            "b2",
            &["--skip-drainage", "--assume-pollers", "all"]
        ),
        (
            1,
            "FAILED_PRECONDITION: version 'D:b2' cannot be deleted since it has active pollers\n\
             nothing changes\n\
             assumed: D:b2's task queues have pollers\n"
                .to_owned(),
            String::new()
        )
    );
    // The server answers success for a version the deployment does not have.
    assert_eq!(
        delete(DESCRIBE, "b9", &[]).1,
        "Successfully deleted worker deployment version\noutcome: no-op\nrouting, statuses and manager unchanged\n"
    );
}

#[test]
fn delete_refuses_a_deployment_with_versions() {
    assert_eq!(
        dry(&["delete", DESCRIBE, "--name", "D"]),
        (
            1,
            "FAILED_PRECONDITION: deployment has versions, can't be deleted\nnothing changes\n"
                .to_owned(),
            String::new()
        )
    );
    // A deployment with no version is deleted, in the words the live CLI printed
    // (`live-answers.jsonl`, the last line).
    let mut empty: Value = serde_json::from_slice(&super::read(DESCRIBE)).unwrap();
    empty["versionSummaries"] = json!([]);
    for key in [
        "currentVersionDeploymentName",
        "currentVersionBuildID",
        "rampingVersionDeploymentName",
        "rampingVersionBuildID",
    ] {
        empty["routingConfig"][key] = json!("");
    }
    empty["routingConfig"]["rampingVersionPercentage"] = json!(0);
    let deleted = run_with(
        &["deployment", "delete", "-", "--name", "D", "--dry-run"],
        empty.to_string().as_bytes(),
    );
    assert_eq!(
        (deleted.code, deleted.out.as_str()),
        (
            0,
            "Successfully deleted worker deployment\n\
             outcome: changed\n\
             deployment D: deleted\n"
        )
    );
    assert_eq!(
        dry(&["delete", DESCRIBE, "-d", "E"]),
        (
            2,
            String::new(),
            "deployments/tests/data/describe.json: shows deployment \"D\", not \"E\"\n".to_owned()
        )
    );
}

#[test]
fn manager_identity_set_and_unset() {
    assert_eq!(
        dry(&[
            "manager-identity",
            "set",
            DESCRIBE,
            "--deployment-name",
            "D",
            "--self",
            "--identity",
            "bot",
        ]),
        (
            0,
            "Successfully set manager identity to 'bot', was previously ''\n\
             outcome: changed\n\
             manager identity: none -> 'bot'\n"
                .to_owned(),
            String::new()
        )
    );
    let managed = String::from_utf8(super::read(DESCRIBE)).unwrap().replacen(
        r#""managerIdentity": """#,
        r#""managerIdentity": "bot""#,
        1,
    );
    let unset = run_with(
        &[
            "deployment",
            "manager-identity",
            "unset",
            "-",
            "--deployment-name",
            "D",
            "--identity",
            "alice",
            "--dry-run",
        ],
        managed.as_bytes(),
    );
    assert_eq!(
        (unset.code, unset.out.as_str()),
        (
            0,
            "Successfully unset manager identity, was previously 'bot'\n\
             outcome: changed\n\
             manager identity: 'bot' -> none\n"
        )
    );
    // Another identity is refused by the manager guard of set-current.
    let refused = run_with(
        &[
            "deployment",
            "set-current-version",
            "-",
            "--deployment-name",
            "D",
            "--build-id",
            "b2",
            "--identity",
            "alice",
            "--dry-run",
        ],
        managed.as_bytes(),
    );
    assert_eq!(
        (refused.code, refused.out.as_str()),
        (
            1,
            "FAILED_PRECONDITION: ManagerIdentity 'bot' is set and does not match user identity 'alice'; to proceed, set your own identity as the ManagerIdentity, remove the ManagerIdentity, or wait for the other client to do so\nnothing changes\n"
        )
    );
}

#[test]
fn what_the_documents_do_not_show_is_bad_input() {
    assert_eq!(
        dry(&[
            "set-current-version",
            DESCRIBE,
            "--deployment-name",
            "D",
            "--build-id",
            "b2",
            "--identity",
            ME,
        ]),
        (
            2,
            String::new(),
            "cannot answer: the answer rests on the task queues of D:b1, which only its describe-version shows; give it with --version-state, or skip the check with --ignore-missing-task-queues\n"
                .to_owned()
        )
    );
    assert_eq!(
        dry(&[
            "delete-version",
            LIST,
            "--deployment-name",
            "D",
            "--build-id",
            "b7",
            "--identity",
            ME,
        ])
        .2,
        "cannot answer: the answer rests on the deployment's versions, which a listing does not show; give `temporal worker deployment describe -o json`\n"
    );
    assert_eq!(
        dry(&[
            "set-current-version",
            DESCRIBE,
            "--deployment-name",
            "D",
            "--build-id",
            "b2",
            "--identity",
            ME,
            "--version-state",
            DESCRIBE,
        ])
        .2,
        "deployments/tests/data/describe.json: --version-state takes `temporal worker deployment describe-version -o json`, not describe output\n"
    );
    assert_eq!(
        dry(&[
            "set-current-version",
            UNVERSIONED_RAMP,
            "--deployment-name",
            "D",
            "--build-id",
            "b2",
            "--identity",
            ME,
            "--version-state",
            B2,
        ])
        .2,
        "the documents do not make one state: the describe-version of D:b2 and the deployment's routing disagree on whether it is ramping\n"
    );
}

#[test]
fn every_change_requires_dry_run() {
    for args in [
        &[
            "set-current-version",
            DESCRIBE,
            "--deployment-name",
            "D",
            "--unversioned",
            "--identity",
            ME,
        ][..],
        &["delete", DESCRIBE, "--name", "D"][..],
        &[
            "manager-identity",
            "unset",
            DESCRIBE,
            "--deployment-name",
            "D",
            "--identity",
            ME,
        ][..],
    ] {
        let mut all = vec!["deployment"];
        all.extend_from_slice(args);
        let ran = run(&all);
        assert_eq!(ran.code, 2, "{args:?}");
        assert!(
            ran.err.starts_with(
                "error: the following required arguments were not provided:\n  --dry-run\n"
            ),
            "{args:?}: {}",
            ran.err
        );
    }
    let help = run(&["deployment", "set-current-version", "--help"]);
    assert!(
        help.out
            .contains("--dry-run\n          Required: this tool never talks to a server"),
        "{}",
        help.out
    );
}

#[test]
fn garbage_in_either_document_is_one_line_of_bad_input() {
    let inputs: [&[u8]; 6] = [
        b"null",
        b"",
        b"\xff\xfe",
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        b"{\"BuildID\": 1}",
        b"{\"routingConfig\": {}, \"name\": \"D\", \"versionSummaries\": [{\"BuildID\": \"\"}]}",
    ];
    for input in inputs {
        for args in [
            &["deployment", "delete", "-", "--name", "D", "--dry-run"][..],
            &[
                "deployment",
                "set-current-version",
                LIVE,
                "--deployment-name",
                "D",
                "--build-id",
                "b2",
                "--identity",
                ME,
                "--version-state",
                "-",
                "--dry-run",
            ],
        ] {
            let ran = run_with(args, input);
            assert_eq!(
                (ran.code, ran.out.as_str(), ran.err.lines().count()),
                (2, "", 1),
                "{args:?} {input:?}: {}",
                ran.err
            );
        }
    }
}
