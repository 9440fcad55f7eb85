//! `version-sets generate`, `conform` and `serve`, run as built: generated traces are
//! deterministic and replay green, the model passes its own protocol, and the driver finds,
//! shrinks and reports the bug injected in the Python example adapter.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_version-sets");

#[track_caller]
fn run(args: &[&str]) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(BIN)
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .unwrap();
    (
        status.code().unwrap(),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

/// A fresh scratch directory for one test.
#[track_caller]
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("version-sets-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[track_caller]
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn generated_traces_are_byte_identical_per_seed_and_replay_green() {
    let (a, b, c) = (scratch("gen-a"), scratch("gen-b"), scratch("gen-c"));
    for (dir, seed) in [(&a, "5"), (&b, "5"), (&c, "6")] {
        let dir = dir.to_str().unwrap();
        let (code, out, err) = run(&[
            "generate", "--seed", seed, "--count", "20", "--steps", "40", dir,
        ]);
        assert_eq!((code, err.as_str()), (0, ""), "{out}");
    }
    let read = |dir: &Path| -> Vec<Vec<u8>> {
        files(dir)
            .iter()
            .map(|f| std::fs::read(f).unwrap())
            .collect()
    };
    assert_eq!(files(&a).len(), 20);
    assert_eq!(read(&a), read(&b), "same seed, different bytes");
    assert_ne!(read(&a), read(&c), "the seed changes nothing");
    let mut args = vec!["replay".to_owned()];
    args.extend(files(&a).iter().map(|f| f.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, _) = run(&args);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with(" 0 failed\n"), "{out}");
}

/// The stateful test's branch list (test-support/tests/state_machine.rs), as generated traces show each
/// branch: the operation and its outcome, errors by their message.
#[test]
fn generated_traces_reach_every_branch_of_every_operation() {
    let dir = scratch("gen-branches");
    let (code, _, err) = run(&[
        "generate",
        "--seed",
        "1",
        "--count",
        "60",
        "--steps",
        "60",
        dir.to_str().unwrap(),
    ]);
    assert_eq!((code, err.as_str()), (0, ""));
    let mut seen = std::collections::BTreeSet::new();
    for file in files(&dir) {
        for line in std::fs::read_to_string(file)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#'))
        {
            let step: serde_json::Value = serde_json::from_str(line).unwrap();
            let object = step.as_object().unwrap();
            let (action, body) = object
                .iter()
                .find(|(key, _)| *key != "expect" && *key != "now")
                .unwrap();
            let kind = match action.as_str() {
                "update" => body.as_object().unwrap().keys().next().unwrap().clone(),
                other => other.to_owned(),
            };
            let outcome = match object.get("expect") {
                None => "-".to_owned(),
                Some(serde_json::Value::Object(error)) if error.contains_key("error") => {
                    let message = error
                        .get("message")
                        .and_then(|m| m.as_str())
                        .unwrap_or("invalid build ID");
                    [
                        "already exists and is not default for queue",
                        "already exists and is not default in set",
                        "both versions exist",
                        "already exists",
                        "compatible_version",
                        "primary",
                        "secondary",
                        "not found",
                        "compatible version sets",
                        "number of build IDs",
                        "invalid build ID",
                    ]
                    .into_iter()
                    .find(|pattern| message.contains(pattern))
                    .unwrap()
                    .to_owned()
                }
                Some(serde_json::Value::Object(answer)) => answer.keys().next().unwrap().clone(),
                // The replication steps answer with lists: empty or not, and each
                // reachability kind found.
                Some(serde_json::Value::Array(items)) if action != "view" && action != "deltas" => {
                    for item in items.iter().filter_map(|item| item.as_str()) {
                        if action == "reachability" {
                            seen.insert(format!("reachability {item}"));
                        }
                    }
                    if items.is_empty() { "[]" } else { "some" }.to_owned()
                }
                Some(other) => other.as_str().unwrap_or("listing").to_owned(),
            };
            seen.insert(format!("{kind} {outcome}"));
        }
    }
    let branches = [
        "addNewBuildIdInNewDefaultSet changed",
        "addNewBuildIdInNewDefaultSet noop",
        "addNewBuildIdInNewDefaultSet already exists",
        "addNewBuildIdInNewDefaultSet compatible version sets",
        "addNewBuildIdInNewDefaultSet number of build IDs",
        "addNewBuildIdInNewDefaultSet invalid build ID",
        "addNewCompatibleBuildId changed",
        "addNewCompatibleBuildId noop",
        "addNewCompatibleBuildId compatible_version",
        "addNewCompatibleBuildId already exists and is not default for queue",
        "addNewCompatibleBuildId already exists and is not default in set",
        "addNewCompatibleBuildId both versions exist",
        "addNewCompatibleBuildId compatible version sets",
        "addNewCompatibleBuildId number of build IDs",
        "addNewCompatibleBuildId invalid build ID",
        "promoteSetByBuildId changed",
        "promoteSetByBuildId noop",
        "promoteSetByBuildId not found",
        "promoteSetByBuildId compatible version sets",
        "promoteSetByBuildId number of build IDs",
        "promoteBuildIdWithinSet changed",
        "promoteBuildIdWithinSet noop",
        "promoteBuildIdWithinSet not found",
        "promoteBuildIdWithinSet number of build IDs",
        "mergeSets changed",
        "mergeSets noop",
        "mergeSets primary",
        "mergeSets secondary",
        "mergeSets compatible version sets",
        "mergeSets number of build IDs",
        "mergeSets invalid build ID",
        "limits -",
        "removeBuildIds changed",
        "removeBuildIds noop",
        "clearTombstones changed",
        "clearTombstones noop",
        "persistUnknownBuildId changed",
        "persistUnknownBuildId noop",
        "mark -",
        "deltas added",
        "poll accepted",
        "poll newerBuildExists",
        "poll unknownBuildId",
        "resolve setDefault",
        "resolve exactBuildId",
        "resolve unversioned",
        "resolve rejected",
        "addTask setId",
        "addTask guessedSetId",
        "addTask unversioned",
        "stickyPoll accepted",
        "stickyPoll newerBuildExists",
        "stickyAdd accepted",
        "stickyAdd stickyWorkerUnavailable",
        "view listing",
        "mergeReplica changed",
        "mergeReplica noop",
        "receiveReplica []",
        "receiveReplica some",
        "gcPlan []",
        "gcPlan some",
        "reachability []",
        "reachability NEW_WORKFLOWS",
        "reachability EXISTING_WORKFLOWS",
        "reachability OPEN_WORKFLOWS",
        "reachability CLOSED_WORKFLOWS",
        "sets -",
        "start -",
    ];
    let missed: Vec<&str> = branches
        .iter()
        .copied()
        .filter(|b| !seen.contains(*b))
        .collect();
    assert!(
        missed.is_empty(),
        "never generated: {missed:?}\nseen: {seen:?}"
    );
}

#[test]
fn only_restricts_the_generated_step_kinds() {
    let dir = scratch("gen-only");
    let (code, _, err) = run(&[
        "generate",
        "--only",
        "poll,sets",
        "--count",
        "3",
        dir.to_str().unwrap(),
    ]);
    assert_eq!((code, err.as_str()), (0, ""));
    for file in files(&dir) {
        for line in std::fs::read_to_string(file).unwrap().lines().skip(1) {
            assert!(
                line.starts_with("{\"poll\": ") || line.starts_with("{\"sets\": "),
                "{line}"
            );
        }
    }
    let (code, _, err) = run(&["generate", "--only", "polls", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown step kind (expected start, update, limits, sets, resolve, poll, removeBuildIds, clearTombstones, persistUnknownBuildId, deltas, addTask, stickyPoll, stickyAdd, view, mergeReplica, receiveReplica, gcPlan, reachability)"), "{err}");
}

#[test]
fn the_model_passes_its_own_protocol() {
    let (code, out, err) = run(&[
        "conform",
        "--generate",
        "500",
        "--",
        BIN,
        "serve",
        "--stdio",
    ]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            0,
            "500 traces, 15152 steps: the implementation agrees with the model
  update: 5721 exact, 0 coarse (0 only coarsely), 0 not compared
  limits: 478 exact, 0 coarse (0 only coarsely), 0 not compared
  sets: 882 exact, 0 coarse (0 only coarsely), 0 not compared
  resolve: 892 exact, 0 coarse (0 only coarsely), 0 not compared
  poll: 905 exact, 0 coarse (0 only coarsely), 0 not compared
  start: 152 exact, 0 coarse (0 only coarsely), 0 not compared
  removeBuildIds: 463 exact, 0 coarse (0 only coarsely), 0 not compared
  clearTombstones: 455 exact, 0 coarse (0 only coarsely), 0 not compared
  persistUnknownBuildId: 484 exact, 0 coarse (0 only coarsely), 0 not compared
  mark: 387 exact, 0 coarse (0 only coarsely), 0 not compared
  deltas: 125 exact, 0 coarse (0 only coarsely), 0 not compared
  addTask: 439 exact, 0 coarse (0 only coarsely), 0 not compared
  stickyPoll: 465 exact, 0 coarse (0 only coarsely), 0 not compared
  stickyAdd: 514 exact, 0 coarse (0 only coarsely), 0 not compared
  view: 452 exact, 0 coarse (0 only coarsely), 0 not compared
  mergeReplica: 481 exact, 0 coarse (0 only coarsely), 0 not compared
  receiveReplica: 458 exact, 0 coarse (0 only coarsely), 0 not compared
  gcPlan: 431 exact, 0 coarse (0 only coarsely), 0 not compared
  reachability: 968 exact, 0 coarse (0 only coarsely), 0 not compared
",
            ""
        )
    );
    // The shipped vectors too.
    let mut args = vec!["conform".to_owned()];
    args.extend(
        files(&Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("trace/vectors"))
            .iter()
            .map(|f| f.display().to_string()),
    );
    args.extend([
        "--".to_owned(),
        BIN.to_owned(),
        "serve".to_owned(),
        "--stdio".to_owned(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = run(&args);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
}

const ADAPTER: &str = "cli/examples/conformance_adapter.py";
const ONLY: &str = "update,limits,sets,resolve,poll";

#[test]
fn the_python_adapter_agrees_without_its_bug() {
    let (code, out, err) = run(&[
        "conform",
        "--generate",
        "200",
        "--seed",
        "3",
        "--only",
        ONLY,
        "--",
        "python3",
        ADAPTER,
    ]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            0,
            "200 traces, 6000 steps: the implementation agrees with the model
  update: 3850 exact, 0 coarse (0 only coarsely), 0 not compared
  limits: 301 exact, 0 coarse (0 only coarsely), 0 not compared
  sets: 614 exact, 0 coarse (0 only coarsely), 0 not compared
  resolve: 602 exact, 0 coarse (0 only coarsely), 0 not compared
  poll: 633 exact, 0 coarse (0 only coarsely), 0 not compared
",
            ""
        )
    );
}

#[test]
fn the_injected_bug_is_found_and_shrunk_to_a_few_steps() {
    let (code, out, err) = run(&[
        "conform",
        "--generate",
        "200",
        "--seed",
        "3",
        "--only",
        ONLY,
        "--",
        "python3",
        ADAPTER,
        "--bug",
    ]);
    assert_eq!((code, err.as_str()), (1, ""), "{out}");
    let steps: Vec<&str> = out.lines().filter(|line| !line.starts_with('#')).collect();
    assert!((1..=8).contains(&steps.len()), "{out}");
    // The bug: promoting within a set does not move the build ID.
    assert!(
        steps.iter().any(|s| s.contains("promoteBuildIdWithinSet")),
        "{out}"
    );
    // The minimal trace is a trace file: the model passes it, the buggy adapter does not.
    let dir = scratch("shrunk");
    let file = dir.join("shrunk.jsonl");
    std::fs::write(&file, &out).unwrap();
    let file = file.to_str().unwrap();
    let (code, replayed, _) = run(&["replay", file]);
    assert_eq!(code, 0, "{replayed}");
    let (code, again, _) = run(&["conform", file, "--", "python3", ADAPTER, "--bug"]);
    assert_eq!(code, 1, "{again}");
    let (code, _, _) = run(&["conform", file, "--", "python3", ADAPTER]);
    assert_eq!(code, 0);
}

#[test]
fn a_child_that_cannot_answer_is_exit_2_with_the_step() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["/nonexistent/implementation"],
            "cannot start the implementation: /nonexistent/implementation: No such file or directory (os error 2)\n",
        ),
        (
            &["sleep", "5"],
            "generated trace 0 (--seed 0): at the reset before the trace: the implementation did not answer within 300 ms\n",
        ),
        (
            &["yes", "not json"],
            "generated trace 0 (--seed 0): at the reset before the trace: the implementation answered something that is not JSON: \"not json\"\n",
        ),
        (
            &["true"],
            "generated trace 0 (--seed 0): at the reset before the trace: the implementation exited or closed its output\n",
        ),
    ];
    for (command, message) in cases {
        let mut args = vec!["conform", "--generate", "1", "--timeout-ms", "300", "--"];
        args.extend(command);
        let (code, out, err) = run(&args);
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (2, "", message),
            "{command:?}"
        );
    }
    // A child that answers the reset, then nothing: the step is named.
    let (code, _, err) = run(&[
        "conform",
        "--generate",
        "1",
        "--timeout-ms",
        "3000",
        "--",
        "python3",
        "-c",
        "import sys; print('{}', flush=True); sys.stdin.readline(); sys.stdin.readline(); import time; time.sleep(30)",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("generated trace 0 (--seed 0):1: at step {"),
        "{err}"
    );
    assert!(
        err.ends_with("}: the implementation did not answer within 3000 ms\n"),
        "{err}"
    );
}

#[test]
fn serve_answers_each_request_line() {
    let mut child = Command::new(BIN)
        .args(["serve", "--stdio"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            concat!(
                "{\"reset\": true}\n",
                "{\"update\": {\"addNewBuildIdInNewDefaultSet\": \"1.0\"}}\n",
                "{\"update\": {\"addNewBuildIdInNewDefaultSet\": \"\"}}\n",
                "{\"limits\": {\"maxSets\": 1}}\n",
                "{\"sets\": []}\n",
                "{\"poll\": 1}\n",
                "{\"reset\": true}\n",
                "{\"sets\": []}\n",
                "\n",
            )
            .as_bytes()
            .iter()
            .chain(b"{\"poll\": \"\xff\"}\n{\"poll\": \"1.0\"}\n")
            .copied()
            .collect::<Vec<u8>>()
            .as_slice(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        concat!(
            "{}\n",
            "\"changed\"\n",
            "{\"error\":\"INVALID_ARGUMENT\",\"message\":\"addNewBuildIdInNewDefaultSet: build ID must not be empty\"}\n",
            "{}\n",
            "[[\"1.0\"]]\n",
            "{\"malformed\":\"poll: expected a build ID string, got 1\"}\n",
            "{}\n",
            "[]\n",
            "{\"malformed\":\"invalid UTF-8\"}\n",
            "\"unknownBuildId\"\n",
        )
    );
}

#[test]
fn conform_refuses_traces_it_cannot_trust() {
    let serve = ["--", BIN, "serve", "--stdio"];
    let mut args = vec!["conform", "cli/tests/data/malformed.jsonl"];
    args.extend(serve);
    let (code, out, err) = run(&args);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            "cli/tests/data/malformed.jsonl:3: unknown key \"note\" (no step of this file ran)\n"
        )
    );
    // A trace whose expectations the model does not meet would blame the implementation.
    let mut args = vec!["conform", "cli/tests/data/wrong-expectation.jsonl"];
    args.extend(serve);
    let (code, out, err) = run(&args);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            "cli/tests/data/wrong-expectation.jsonl:3: the model does not meet this expectation: expected \"changed\", got \"noop\"\n"
        )
    );
    let (code, _, err) = run(&["conform", "--", BIN, "serve", "--stdio"]);
    assert_eq!(
        (code, err.as_str()),
        (2, "nothing to check: give TRACE files or --generate N\n")
    );
}

/// A child that is the model except that one kind of step answers wrongly: it forwards
/// every request to `version-sets serve --stdio` and, for a `gcPlan` step, leaves out the
/// last removable build ID; for a `reachability` step, never reports CLOSED_WORKFLOWS.
const PROXY: &str = r#"
import json, subprocess, sys
model = subprocess.Popen([sys.argv[1], "serve", "--stdio"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
bug = sys.argv[2]
for line in sys.stdin:
    model.stdin.write(line)
    model.stdin.flush()
    answer = json.loads(model.stdout.readline())
    request = json.loads(line)
    if bug in request and isinstance(answer, list):
        answer = [a for a in answer if a != "CLOSED_WORKFLOWS"] if bug == "reachability" else answer[:-1]
    print(json.dumps(answer), flush=True)
"#;

/// The driver compares and shrinks the replication steps too: a wrong GC plan, or a
/// reachability answer missing a kind, is found in generated traces and shrunk to a short
/// trace that the model passes and the buggy child fails.
#[test]
fn a_wrong_gc_plan_or_reachability_is_found_and_shrunk() {
    let dir = scratch("proxy");
    let proxy = dir.join("proxy.py");
    std::fs::write(&proxy, PROXY).unwrap();
    let proxy = proxy.to_str().unwrap();
    for (bug, only) in [
        ("gcPlan", "update,removeBuildIds,gcPlan"),
        ("reachability", "update,removeBuildIds,reachability"),
    ] {
        let (code, out, err) = run(&[
            "conform",
            "--generate",
            "100",
            "--seed",
            "2",
            "--only",
            only,
            "--",
            "python3",
            proxy,
            BIN,
            bug,
        ]);
        assert_eq!((code, err.as_str()), (1, ""), "{bug}: {out}");
        let steps: Vec<&str> = out.lines().filter(|line| !line.starts_with('#')).collect();
        assert!((1..=8).contains(&steps.len()), "{bug}: {out}");
        assert!(
            steps.last().unwrap().starts_with(&format!("{{\"{bug}\"")),
            "{out}"
        );
        let file = dir.join(format!("{bug}.jsonl"));
        std::fs::write(&file, &out).unwrap();
        let file = file.to_str().unwrap();
        let (code, replayed, _) = run(&["replay", file]);
        assert_eq!(code, 0, "{replayed}");
        let (code, again, _) = run(&["conform", file, "--", "python3", proxy, BIN, bug]);
        assert_eq!(code, 1, "{again}");
    }
}

/// A child that forwards to `version-sets serve --stdio` and answers coarsely, as its
/// arguments say: `BIN DECLARATION CHANGES`. DECLARATION is its reset answer's `observes`
/// (`-`: none); CHANGES, comma-separated: `noop` (a no-op answers `"changed"`), `unknown`
/// (an unknown poller `"accepted"`), `blank-resolve` (`{}` to every resolve),
/// `skip-remove` (`{}` to a removal, not done), `not-found` (`NOT_FOUND` for an invalid
/// merge-sets primary, as the server), `not-found-all` (for every invalid build ID),
/// `error-as-changed` (an update's error answers `"changed"`), `poller` (an addTask answers
/// the build ID whose poller gets the task), `first-member` (the same, but wrongly the set's
/// first member).
const COARSE_PROXY: &str = r#"
import json, subprocess, sys
model = subprocess.Popen([sys.argv[1], "serve", "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
declaration = None if sys.argv[2] == "-" else json.loads(sys.argv[2])
changes = set(sys.argv[3].split(","))
def ask(line):
    model.stdin.write(line)
    model.stdin.flush()
    return json.loads(model.stdout.readline())
for line in sys.stdin:
    request = json.loads(line)
    if "removeBuildIds" in request and "skip-remove" in changes:
        answer = {}
    else:
        answer = ask(line)
    if request.get("reset") is True and declaration is not None:
        answer = {"observes": declaration}
    if "update" in request:
        if answer == "noop" and "noop" in changes:
            answer = "changed"
        if isinstance(answer, dict) and "error-as-changed" in changes:
            answer = "changed"
        if isinstance(answer, dict) and answer.get("error") == "INVALID_ARGUMENT":
            merge = request["update"].get("mergeSets")
            if "not-found-all" in changes or ("not-found" in changes and merge and merge["primarySetBuildId"] == ""):
                answer = {"error": "NOT_FOUND", "message": "targeted primary version  not found"}
    if "poll" in request and answer == "unknownBuildId" and "unknown" in changes:
        answer = "accepted"
    if "resolve" in request and "blank-resolve" in changes:
        answer = {}
    if "addTask" in request and ("poller" in changes or "first-member" in changes) and answer != "unversioned":
        # which build ID's poller gets the task: a set's default (asking the model which set
        # each default's tasks go to), or an unknown build ID itself
        answer = {"buildId": request["addTask"].get("buildId")} if "guessedSetId" in answer else None
        for members in ([] if answer else ask(json.dumps({"sets": []}) + "\n")):
            pick = members[0] if "first-member" in changes else members[-1]
            if ask(json.dumps({"addTask": {"buildId": members[-1]}}) + "\n") == ask(line):
                answer = {"buildId": pick}
    print(json.dumps(answer), flush=True)
"#;

/// `conform --generate 100 --seed 4 --only ONLY -o json` against the coarse proxy.
#[track_caller]
fn coarse_run(dir: &Path, only: &str, declaration: &str, changes: &str) -> (i32, String, String) {
    let proxy = dir.join("coarse.py");
    std::fs::write(&proxy, COARSE_PROXY).unwrap();
    run(&[
        "conform",
        "--generate",
        "100",
        "--seed",
        "4",
        "--only",
        only,
        "-o",
        "json",
        "--",
        "python3",
        proxy.to_str().unwrap(),
        BIN,
        declaration,
        changes,
    ])
}

#[track_caller]
fn document(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

const COARSE_ONLY: &str = "update,limits,sets,resolve,poll";
const COARSE_ALL: &str = r#"{"update":"coarse","poll":"coarse","resolve":"none"}"#;

/// What is declared coarse is compared coarsely and counted so: the no-ops and unknown
/// pollers that agree only coarsely, and resolve steps not compared at all.
#[test]
fn declared_coarse_kinds_are_compared_coarsely_and_counted() {
    let dir = scratch("coarse-pass");
    let (code, out, err) = coarse_run(&dir, COARSE_ONLY, COARSE_ALL, "noop,unknown,blank-resolve");
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let doc = document(&out);
    let kinds = &doc["byKind"];
    let count = |kind: &str, key: &str| kinds[kind][key].as_u64().unwrap();
    assert_eq!(count("update", "exact"), 0, "{out}");
    assert!(count("update", "onlyCoarsely") > 0, "{out}");
    assert!(
        count("update", "coarse") > count("update", "onlyCoarsely"),
        "{out}"
    );
    assert!(count("poll", "onlyCoarsely") > 0, "{out}");
    assert_eq!(
        (count("resolve", "exact"), count("resolve", "coarse")),
        (0, 0),
        "{out}"
    );
    assert!(count("resolve", "notCompared") > 0, "{out}");
    assert!(count("sets", "exact") > 0, "{out}");
    let total: u64 = ["update", "limits", "sets", "resolve", "poll"]
        .iter()
        .map(|kind| count(kind, "exact") + count(kind, "coarse") + count(kind, "notCompared"))
        .sum();
    assert_eq!(Some(total), doc["steps"].as_u64(), "{out}");
    // The text summary says the same per kind.
    let proxy = dir.join("coarse.py");
    let (code, text, _) = run(&[
        "conform",
        "--generate",
        "100",
        "--seed",
        "4",
        "--only",
        COARSE_ONLY,
        "--",
        "python3",
        proxy.to_str().unwrap(),
        BIN,
        COARSE_ALL,
        "noop,unknown,blank-resolve",
    ]);
    assert_eq!(code, 0, "{text}");
    let line = format!(
        "  update: 0 exact, {} coarse ({} only coarsely), 0 not compared",
        count("update", "coarse"),
        count("update", "onlyCoarsely")
    );
    assert!(text.lines().any(|l| l == line), "{line}\n{text}");
}

/// The comparison is no looser than declared: each coarse answer the declaration leaves out
/// is a disagreement, shrunk to a trace ending at a step of that kind.
#[test]
fn an_undeclared_coarse_answer_disagrees() {
    let dir = scratch("coarse-strict");
    for (declaration, kind) in [
        (r#"{"poll":"coarse","resolve":"none"}"#, "update"),
        (r#"{"update":"coarse","resolve":"none"}"#, "poll"),
        (r#"{"update":"coarse","poll":"coarse"}"#, "resolve"),
    ] {
        let (code, out, err) =
            coarse_run(&dir, COARSE_ONLY, declaration, "noop,unknown,blank-resolve");
        assert_eq!((code, err.as_str()), (1, ""), "{declaration}: {out}");
        let doc = document(&out);
        let last = doc["minimalTrace"].as_array().unwrap().last().unwrap();
        assert!(
            last.as_str().unwrap().starts_with(&format!("{{\"{kind}\"")),
            "{declaration}: {out}"
        );
    }
    // Coarse is one defined coarsening, not "anything goes": an error answered as a
    // success still disagrees.
    let (code, out, _) = coarse_run(
        &dir,
        COARSE_ONLY,
        COARSE_ALL,
        "noop,unknown,blank-resolve,error-as-changed",
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(document(&out)["got"], "changed", "{out}");
}

/// A step that changes state and is not observed ends its trace (the child's state would
/// no longer be the model's); the summary counts the traces and the steps not played.
#[test]
fn an_unobserved_change_stops_the_trace() {
    let dir = scratch("coarse-cut");
    let only = "update,removeBuildIds,sets";
    let (code, out, err) = coarse_run(&dir, only, r#"{"removeBuildIds":"none"}"#, "skip-remove");
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let doc = document(&out);
    let stopped = doc["stopped"]["traces"].as_u64().unwrap();
    assert!(stopped > 0, "{out}");
    assert!(
        doc["stopped"]["steps"]["removeBuildIds"].as_u64().unwrap() >= stopped,
        "{out}"
    );
    assert!(doc["byKind"].get("removeBuildIds").is_none(), "{out}");
    // Undeclared, the skipped removal is a disagreement.
    let (code, out, _) = coarse_run(&dir, only, "-", "skip-remove");
    assert_eq!(code, 1, "{out}");
}

/// The crate's deliberate divergence `update.invalid-build-id` is an expected difference,
/// named with its reason, only where the server words it so: an invalid merge-sets
/// argument's `NOT_FOUND`; the same code for an ID the server does check disagrees.
#[test]
fn a_documented_divergence_is_an_expected_difference() {
    let dir = scratch("coarse-divergence");
    let (code, out, err) = coarse_run(&dir, "update,sets", "-", "not-found");
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let doc = document(&out);
    let shown = doc["byKind"]["update"]["expected"]["update.invalid-build-id"]
        .as_u64()
        .unwrap_or(0);
    assert!(shown > 0, "{out}");
    let reason = doc["expectedDifferences"]["update.invalid-build-id"]
        .as_str()
        .unwrap();
    assert!(
        reason.starts_with("the server checks neither merge-sets argument"),
        "{out}"
    );
    let (code, out, _) = coarse_run(&dir, "update,sets", "-", "not-found-all");
    assert_eq!(code, 1, "{out}");
    assert_eq!(document(&out)["got"]["error"], "NOT_FOUND", "{out}");
}

/// A declaration the driver cannot read stops the run with exit status 2 and says why.
#[test]
fn an_unreadable_declaration_is_bad_input() {
    let dir = scratch("coarse-bad");
    for (declaration, problem) in [
        (
            r#"{"update":"roughly"}"#,
            r#"declares "update" as "roughly", not "exact", "coarse" or "none""#,
        ),
        (
            r#"{"sets":"coarse"}"#,
            r#"declares "sets" coarse, but only update, poll, addTask can be observed coarsely"#,
        ),
        (
            r#"{"upgrade":"none"}"#,
            r#"declares an unknown step kind "upgrade""#,
        ),
        (
            "[]",
            r#"its reset answer's "observes" is not an object: an array"#,
        ),
    ] {
        let (code, out, err) = coarse_run(&dir, COARSE_ONLY, declaration, "");
        assert_eq!(code, 2, "{declaration}: {out}");
        assert!(
            err.contains(&format!(
                "at the reset before the trace: the implementation's declaration: its reset answer {problem}"
            )) || err.contains(&format!("the implementation's declaration: {problem}")),
            "{declaration}: {err}"
        );
    }
}

/// `addTask` declared coarse is compared as which poller receives the task (a set's default,
/// an unknown build ID's own, or unversioned), never as a set ID; a child that names another
/// member of the set disagrees, and so does the coarse answer undeclared.
#[test]
fn a_coarse_add_task_names_the_receiving_poller() {
    let dir = scratch("coarse-add-task");
    let only = "update,sets,addTask";
    let declared = r#"{"addTask":"coarse"}"#;
    let (code, out, err) = coarse_run(&dir, only, declared, "poller");
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let doc = document(&out);
    let add_task = &doc["byKind"]["addTask"];
    assert!(add_task["coarse"].as_u64().unwrap() > 0, "{out}");
    assert_eq!(add_task["exact"], 0, "{out}");
    let (code, out, _) = coarse_run(&dir, only, declared, "first-member");
    assert_eq!(code, 1, "{out}");
    assert!(document(&out)["got"]["buildId"].is_string(), "{out}");
    let (code, out, _) = coarse_run(&dir, only, "-", "poller");
    assert_eq!(code, 1, "{out}");
}

/// Runs the command with standard output and error in files of `dir`, and fails the test
/// if it has not ended within `limit` (it is killed then): for drivers that could hang.
#[track_caller]
fn run_within(dir: &Path, limit: std::time::Duration, args: &[&str]) -> (i32, String, String) {
    let (out, err) = (dir.join("stdout"), dir.join("stderr"));
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{args:?} did not end within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    (
        status.code().unwrap(),
        std::fs::read_to_string(out).unwrap(),
        std::fs::read_to_string(err).unwrap(),
    )
}

/// A trace whose only step is a `start` of `sets` sets, far longer than a pipe's buffer.
fn big_start(dir: &Path, sets: usize) -> PathBuf {
    let stamp = r#"{"wallClock": 1000, "version": 0, "clusterId": 1}"#;
    let sets: Vec<String> = (0..sets)
        .map(|i| {
            format!(
                r#"{{"setIds": ["set-{i}"], "buildIds": [{{"id": "build-{i}", "state": "STATE_ACTIVE", "stateUpdateTimestamp": {stamp}, "becameDefaultTimestamp": {stamp}}}], "becameDefaultTimestamp": {stamp}}}"#
            )
        })
        .collect();
    let path = dir.join("big-start.jsonl");
    let line = format!(
        r#"{{"start": {{"data": {{"versionSets": [{}]}}, "clusterId": 1}}}}"#,
        sets.join(", ")
    );
    assert!(line.len() > 1024 * 1024, "{}", line.len());
    std::fs::write(&path, line + "\n").unwrap();
    path
}

#[test]
fn a_child_that_never_reads_times_out_while_the_request_is_written() {
    let dir = scratch("never-reads");
    let trace = big_start(&dir, 5_000);
    // It answers the reset without reading it, then reads nothing: the start step (over a
    // megabyte) fills the pipe and the write blocks.
    let (code, out, err) = run_within(
        &dir,
        std::time::Duration::from_secs(20),
        &[
            "conform",
            trace.to_str().unwrap(),
            "--timeout-ms",
            "2000",
            "--",
            "python3",
            "-c",
            "import time; print('{}', flush=True); time.sleep(60)",
        ],
    );
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(
        err.starts_with(&format!("{}:1: at step {{\"start\"", trace.display())),
        "{}",
        err.get(..300).unwrap_or(&err)
    );
    assert!(
        err.ends_with("}: the implementation did not answer within 2000 ms\n"),
        "{}",
        err.get(err.len().saturating_sub(300)..).unwrap_or(&err)
    );
}

/// An answer of tiny objects, whose JSON tree would take some 95 times its bytes, is refused
/// before the tree is built, as a trace line is.
#[test]
fn an_answer_whose_tree_is_too_large_is_refused() {
    let dir = scratch("tiny-objects");
    let (code, out, err) = run_within(
        &dir,
        std::time::Duration::from_secs(30),
        &[
            "conform",
            "--generate",
            "1",
            "--",
            "python3",
            "-c",
            "import sys\nsys.stdin.readline()\n\
             print('[' + ','.join(['{\"\":0}'] * 20000) + ']', flush=True)\nsys.stdin.read()",
        ],
    );
    // 20,000 objects of a node each (648 bytes), 32,768 array slots of 32 (and 16), the root.
    let tree = 20_000 * 648 + 32_768 * 32 + 16 + 32;
    let bytes = 20_000 * 7 - 1 + 2;
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            format!(
                "generated trace 0 (--seed 0): at the reset before the trace: the \
                 implementation's answer: the line's JSON would take about {tree} bytes as a \
                 tree, more than 32 times its {bytes} bytes\n"
            )
            .as_str()
        )
    );
}

#[test]
fn an_endless_answer_line_is_refused_at_its_bound() {
    let dir = scratch("endless-line");
    // Its answer to the reset never ends; the timeout is long enough that only the bound can
    // stop it first.
    let (code, out, err) = run_within(
        &dir,
        std::time::Duration::from_secs(30),
        &[
            "conform",
            "--generate",
            "1",
            "--timeout-ms",
            "20000",
            "--",
            "python3",
            "-c",
            // Silent when the driver closes the pipe: Python's traceback would otherwise
            // share the driver's standard error, and could come first.
            "import os, sys\ntry:\n    sys.stdout.write('{\"a\": \"')\n    while True: sys.stdout.write('x' * 65536)\nexcept BaseException:\n    os._exit(0)",
        ],
    );
    assert_eq!(
        (code, out.as_str(), err.lines().next()),
        (
            2,
            "",
            Some(
                "generated trace 0 (--seed 0): at the reset before the trace: the implementation answered a line longer than 67108864 bytes"
            )
        )
    );
    // Refused without being held whole: the largest process this test binary waited for (the
    // drivers; the other tests' children are small) stayed far below what 20 s of an endless
    // line would take (gigabytes).
    #[cfg(target_os = "linux")]
    {
        use nix::sys::resource::{UsageWho, getrusage};
        // Linux reports kilobytes.
        let peak_kib = getrusage(UsageWho::RUSAGE_CHILDREN).unwrap().max_rss();
        assert!(peak_kib < 512 * 1024, "peak {peak_kib} KiB");
    }
}

/// Whether process `pid` is gone (or a zombie that only waits to be reaped).
#[cfg(target_os = "linux")]
fn gone(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        // The state follows the command's closing parenthesis.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

#[cfg(target_os = "linux")]
#[test]
fn what_the_child_starts_is_killed_with_it() {
    let dir = scratch("grandchild");
    let pid_file = dir.join("grandchild.pid");
    // It starts a grandchild that would sleep for a minute, detached from the pipes, then
    // answers something that is not JSON and exits.
    let script = format!(
        "import subprocess, sys\n\
         p = subprocess.Popen(['sleep', '60'], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)\n\
         open({:?}, 'w').write(str(p.pid))\n\
         print('not json', flush=True)\n",
        pid_file.display().to_string()
    );
    let (code, _, err) = run_within(
        &dir,
        std::time::Duration::from_secs(20),
        &[
            "conform",
            "--generate",
            "1",
            "--timeout-ms",
            "5000",
            "--",
            "python3",
            "-c",
            &script,
        ],
    );
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "generated trace 0 (--seed 0): at the reset before the trace: the implementation answered something that is not JSON: \"not json\"\n"
        )
    );
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    // Killed, it may take its new parent a moment to reap it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while !gone(&pid) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let survived = !gone(&pid);
    if survived {
        let _ = Command::new("kill").arg(&pid).status();
    }
    assert!(!survived, "the grandchild {pid} outlived the run");
}

#[test]
fn numeric_arguments_out_of_range_are_one_line_errors() {
    let dir = scratch("ranges");
    let out = dir.to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (
            &["generate", "--count", "18446744073709551615", out],
            "error: invalid value '18446744073709551615' for '--count <COUNT>': 18446744073709551615 is not in 0..=1000000\n",
        ),
        (
            &["generate", "--steps", "100000000000", out],
            "error: invalid value '100000000000' for '--steps <STEPS>': 100000000000 is not in 1..=100000\n",
        ),
        (
            &["generate", "--task-queues", "0", out],
            "error: invalid value '0' for '--task-queues <N>': 0 is not in 1..=1000\n",
        ),
        (
            &[
                "conform",
                "--generate",
                "1",
                "--steps",
                "100000000000",
                "--",
                "true",
            ],
            "error: invalid value '100000000000' for '--steps <STEPS>': 100000000000 is not in 1..=100000\n",
        ),
        (
            &["conform", "--generate", "0", "--", "true"],
            "error: invalid value '0' for '--generate <N>': 0 is not in 1..=18446744073709551615\n",
        ),
        (
            &[
                "conform",
                "--generate",
                "1",
                "--timeout-ms",
                "0",
                "--",
                "true",
            ],
            "error: invalid value '0' for '--timeout-ms <TIMEOUT_MS>': 0 is not in 1..=86400000\n",
        ),
    ];
    for (args, message) in cases {
        let (code, stdout, err) = run(args);
        assert_eq!(
            (code, stdout.as_str(), err.as_str()),
            (
                2,
                "",
                format!("{message}\nFor more information, try '--help'.\n").as_str()
            ),
            "{args:?}"
        );
    }
    // Nothing was written.
    assert!(files(&dir).is_empty());
}

#[test]
fn a_billion_generated_traces_start_at_once() {
    let dir = scratch("billion");
    // It disagrees with every step: the first trace's first step is a disagreement, which is
    // shrunk and reported without generating the other traces.
    let (code, out, err) = run_within(
        &dir,
        std::time::Duration::from_secs(20),
        &[
            "conform",
            "--generate",
            "1000000000",
            "--",
            "python3",
            "-c",
            "import sys\nfor line in sys.stdin: print('{}' if 'reset' in line else '\"nope\"', flush=True)",
        ],
    );
    assert_eq!((code, err.as_str()), (1, ""), "{out}");
    assert!(
        out.starts_with(
            "# generated trace 0 (--seed 0): the implementation disagrees with the model.\n# Shrunk to 1 steps;"
        ),
        "{out}"
    );
}

/// 1,000 new sets, then `gc_plans` `gcPlan` steps of 2,000 units each: 1,162 are within the
/// bound on whole-queue work of a trace of their bytes, 1,163 are not (docs/trace-format.md,
/// "Running traces"; trace/tests/work_bound.rs counts it out).
fn sets_then_gc_plans(gc_plans: usize) -> String {
    let mut text = String::new();
    for id in 0..1_000 {
        text.push_str(&format!(
            "{{\"update\": {{\"addNewBuildIdInNewDefaultSet\": \"{id:04}\"}}}}\n"
        ));
    }
    for _ in 0..gc_plans {
        text.push_str("{\"gcPlan\": {\"now\": 1}}\n");
    }
    text
}

/// The refusal of the 1,163rd `gcPlan`, without its line.
const PAST_THE_BOUND: &str = "gcPlan refused: the whole-queue steps of this trace would \
    pass their bound of 2324560 units of work (1048576, and 16 a byte of its 79749 bytes of \
    input)";

/// `serve` counts the bytes received since the reset, each line with its newline: the
/// same trace as requests is refused at the same step, answered as a malformed line is,
/// and the session goes on.
#[test]
fn serve_refuses_a_step_past_the_bound_on_whole_queue_work() {
    let mut child = Command::new(BIN)
        .args(["serve", "--stdio"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    let requests = format!(
        "{{\"reset\": true}}\n{}{{\"poll\": \"0001\"}}\n",
        sets_then_gc_plans(1_163)
    );
    child
        .stdin
        .take()
        .unwrap()
        .write_all(requests.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = String::from_utf8(out.stdout).unwrap();
    let answers: Vec<&str> = out.lines().collect();
    assert_eq!(answers.len(), 1 + 1_000 + 1_163 + 1);
    assert_eq!(answers.get(2_162), Some(&"[]"));
    assert_eq!(
        answers.get(2_163).copied(),
        Some(format!("{{\"malformed\":\"{PAST_THE_BOUND}\"}}").as_str())
    );
    assert_eq!(answers.last(), Some(&r#""accepted""#));
}

/// `conform` checks a file against the model as `replay` does, bound included.
#[test]
fn conform_refuses_a_trace_past_the_bound_on_whole_queue_work() {
    let dir = scratch("bound");
    let path = dir.join("past.jsonl");
    std::fs::write(&path, sets_then_gc_plans(1_163)).unwrap();
    let path = path.to_str().unwrap();
    let (code, out, err) = run(&["conform", path, "--", BIN, "serve", "--stdio"]);
    assert_eq!(
        (code, out.as_str(), err),
        (
            2,
            "",
            format!("{path}:2163: {PAST_THE_BOUND} (the steps before it ran)\n")
        )
    );
}
