//! `conform` and `serve` with Worker Deployments traces, run as built: the model passes its
//! own protocol over the deployments vectors and generated traces, a child wrong on one
//! kind is found and shrunk, `observes` stops or skips what it declares, and a declaration
//! or request that cannot be read is refused in exact words.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_version-sets");
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

#[track_caller]
fn run(args: &[&str]) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(BIN)
        .args(args)
        .current_dir(ROOT)
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
    let dir = std::env::temp_dir().join(format!("version-sets-{}-wd-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The deployments traces of `deployments/vectors/` (`routing-live.jsonl` holds live
/// routing observations, another format).
fn vectors() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(format!("{ROOT}/deployments/vectors"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".jsonl") && name != "routing-live.jsonl")
        .map(|name| format!("deployments/vectors/{name}"))
        .collect();
    files.sort();
    files
}

#[track_caller]
fn document(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// A child that asks `version-sets serve --stdio` and changes some answers: `route` answers
/// every route `"__unversioned__"`; a declaration (JSON, `-` for none) replaces the reset
/// answer's.
const PROXY: &str = r#"
import json, subprocess, sys
binary, declaration, change = sys.argv[1], sys.argv[2], sys.argv[3]
declaration = None if declaration == "-" else json.loads(declaration)
serve = subprocess.Popen([binary, "serve", "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
for line in sys.stdin:
    serve.stdin.write(line)
    serve.stdin.flush()
    answer = json.loads(serve.stdout.readline())
    request = json.loads(line)
    if request.get("reset") is True and declaration is not None:
        answer = {"observes": declaration}
    if "route" in request and change == "route":
        answer = "__unversioned__"
    if "setCurrent" in request and change == "setCurrent" and "outcome" in answer:
        answer = dict(answer, previous="nobody")
    print(json.dumps(answer), flush=True)
"#;

/// `conform ARGS -- python3 PROXY BIN DECLARATION CHANGE`.
#[track_caller]
fn proxied(dir: &Path, args: &[&str], declaration: &str, change: &str) -> (i32, String, String) {
    let proxy = dir.join("proxy.py");
    std::fs::write(&proxy, PROXY).unwrap();
    let mut all = vec!["conform"];
    all.extend(args);
    all.extend([
        "--",
        "python3",
        proxy.to_str().unwrap(),
        BIN,
        declaration,
        change,
    ]);
    run(&all)
}

#[test]
fn the_model_passes_its_own_protocol_over_the_vectors_and_generated_traces() {
    let vectors = vectors();
    assert!(vectors.len() >= 13, "{vectors:?}");
    let mut args: Vec<&str> = vec!["conform"];
    args.extend(vectors.iter().map(String::as_str));
    args.extend([
        "--deployments",
        "--generate",
        "200",
        "--",
        BIN,
        "serve",
        "--stdio",
    ]);
    let (code, out, err) = run(&args);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let first = out.lines().next().unwrap();
    let traces = vectors.len() + 200;
    assert!(
        first.starts_with(&format!("{traces} traces, "))
            && first.ends_with(" steps: the implementation agrees with the model"),
        "{out}"
    );
    // Every kind is played and compared exactly, named as a deployments kind.
    for kind in [
        "limits",
        "poll",
        "setCurrent",
        "setRamping",
        "deleteVersion",
        "deleteDeployment",
        "setManager",
        "createDeployment",
        "createVersion",
        "pollers",
        "busy",
        "openPinned",
        "checkDrainage",
        "propagated",
        "reactivate",
        "route",
        "describe",
        "describeDeployment",
        "query",
        "override",
    ] {
        let line = out
            .lines()
            .find(|line| line.starts_with(&format!("  deployments.{kind}: ")))
            .unwrap_or_else(|| panic!("no line for {kind}: {out}"));
        assert!(
            line.ends_with(" exact, 0 coarse (0 only coarsely), 0 not compared"),
            "{line}"
        );
        assert!(!line.contains(": 0 exact"), "{line}");
    }
}

#[test]
fn both_formats_play_in_one_run_and_their_kinds_stay_apart() {
    let (code, out, err) = run(&[
        "conform",
        "deployments/vectors/tokens.jsonl",
        "trace/vectors/poll.jsonl",
        "-o",
        "json",
        "--",
        BIN,
        "serve",
        "--stdio",
    ]);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let doc = document(&out);
    assert_eq!(doc["traces"], 2, "{out}");
    assert!(
        doc["byKind"]["poll"]["exact"].as_u64().unwrap() > 0,
        "{out}"
    );
    assert!(
        doc["byKind"]["deployments.poll"]["exact"].as_u64().unwrap() > 0,
        "{out}"
    );
    assert!(
        doc["byKind"]["deployments.setManager"]["exact"]
            .as_u64()
            .unwrap()
            > 0,
        "{out}"
    );
}

#[test]
fn routing_live_is_not_a_trace_and_is_refused() {
    // deployments/vectors/routing-live.jsonl holds live routing observations, checked by
    // cli/conformance/live/deployments.py; it has no deployments header.
    let (code, out, err) = run(&[
        "conform",
        "deployments/vectors/routing-live.jsonl",
        "--",
        BIN,
        "serve",
        "--stdio",
    ]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            "deployments/vectors/routing-live.jsonl:2: unknown key \"fingerprint32\" (no step of this file ran)\n"
        )
    );
}

#[test]
fn only_restricts_the_generated_deployment_kinds() {
    let (code, out, err) = run(&[
        "conform",
        "--deployments",
        "--generate",
        "20",
        "--only",
        "route,poll,pollers",
        "-o",
        "json",
        "--",
        BIN,
        "serve",
        "--stdio",
    ]);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let doc = document(&out);
    let kinds: Vec<&String> = doc["byKind"].as_object().unwrap().keys().collect();
    assert_eq!(
        kinds,
        [
            "deployments.limits",
            "deployments.poll",
            "deployments.pollers",
            "deployments.route"
        ],
        "{out}"
    );
    let (code, _, err) = run(&[
        "conform",
        "--deployments",
        "--generate",
        "1",
        "--only",
        "update",
        "--",
        BIN,
        "serve",
        "--stdio",
    ]);
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "--only: \"update\" is not a Worker Deployments step kind the generator draws (expected poll, setCurrent, setRamping, deleteVersion, deleteDeployment, setManager, createDeployment, createVersion, pollers, busy, openPinned, checkDrainage, propagated, reactivate, route, describe, describeDeployment, override, query)\n"
        )
    );
    let (code, _, err) = run(&[
        "conform",
        "--generate",
        "1",
        "--only",
        "setCurrent",
        "--",
        BIN,
        "serve",
        "--stdio",
    ]);
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "--only: \"setCurrent\" is a Worker Deployments step kind: generate such traces with --deployments\n"
        )
    );
    let (code, _, err) = run(&[
        "conform",
        "--generate",
        "1",
        "--only",
        "nope",
        "--",
        BIN,
        "serve",
        "--stdio",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown step kind (expected start, update, limits, sets, resolve, poll, removeBuildIds, clearTombstones, persistUnknownBuildId, deltas, addTask, stickyPoll, stickyAdd, view, mergeReplica, receiveReplica, gcPlan, reachability; with --deployments poll, setCurrent,"),
        "{err}"
    );
}

/// A trace whose route answer the wrong child gets wrong, among steps that do not matter.
const WRONG_ROUTE: &str = r#"# the route at the end is wrong in the proxy
{"format": "deployments"}
{"describeDeployment": {"deployment": "D"}}
{"pollers": {"deployment": "D", "build": "b1", "present": true}}
{"poll": {"deployment": "D", "build": "b2", "taskQueue": "tq", "type": "activity"}}
{"route": {"taskQueue": "tq", "workflowId": "wf"}, "expect": "__unversioned__"}
{"poll": {"deployment": "D", "build": "b1", "taskQueue": "tq", "type": "workflow"}}
{"setManager": {"deployment": "D", "self": true, "identity": "me"}}
{"setCurrent": {"deployment": "D", "build": "b1", "identity": "me", "token": {"line": 8}}}
{"query": {"taskQueue": "tq", "deployment": "D", "build": "b1", "rootPollers": true}}
{"route": {"taskQueue": "tq", "workflowId": "wf"}}
{"describe": {"deployment": "D", "build": "b1"}}
"#;

#[test]
fn a_wrong_route_is_found_and_shrunk_to_the_steps_it_needs() {
    // The poll makes the version (with its poller), setCurrent makes it current (its token
    // named the dropped setManager, so it has none left), and the route is the wrong one.
    let dir = scratch("wrong-route");
    let trace = dir.join("route.jsonl");
    std::fs::write(&trace, WRONG_ROUTE).unwrap();
    let (code, out, err) = proxied(&dir, &[trace.to_str().unwrap()], "-", "route");
    assert_eq!((code, err.as_str()), (1, ""), "{out}");
    let name = trace.display();
    assert_eq!(
        out,
        format!(
            "# {name}: the implementation disagrees with the model.\n\
             # Shrunk to 3 steps; at the last one the model answers \"D.b1\", the implementation \"__unversioned__\".\n\
             {{\"format\": \"deployments\"}}\n\
             {{\"poll\":{{\"deployment\":\"D\",\"build\":\"b1\",\"taskQueue\":\"tq\",\"type\":\"workflow\"}},\"expect\":\"changed\"}}\n\
             {{\"setCurrent\":{{\"deployment\":\"D\",\"build\":\"b1\",\"identity\":\"me\"}},\"expect\":{{\"outcome\":\"changed\",\"previous\":\"__unversioned__\"}}}}\n\
             {{\"route\":{{\"taskQueue\":\"tq\",\"workflowId\":\"wf\"}},\"expect\":\"D.b1\"}}\n"
        )
    );
    // The printed trace replays green: its expectations are the model's.
    let shrunk = dir.join("shrunk.jsonl");
    std::fs::write(&shrunk, &out).unwrap();
    let (code, replayed, _) = run(&["replay", shrunk.to_str().unwrap()]);
    assert_eq!(code, 0, "{replayed}");
    // In JSON, the minimal trace is a trace file's lines, header first.
    let (code, out, _) = proxied(&dir, &[trace.to_str().unwrap(), "-o", "json"], "-", "route");
    assert_eq!(code, 1, "{out}");
    let doc = document(&out);
    assert_eq!(doc["agrees"], false);
    assert_eq!(doc["expected"], "D.b1");
    assert_eq!(doc["got"], "__unversioned__");
    assert_eq!(doc["minimalTrace"][0], r#"{"format": "deployments"}"#);
    assert_eq!(doc["minimalTrace"].as_array().unwrap().len(), 4, "{out}");
}

#[test]
fn a_wrong_answer_in_generated_traces_is_found_and_shrunk() {
    let dir = scratch("wrong-generated");
    let (code, out, err) = proxied(
        &dir,
        &["--deployments", "--generate", "50", "--seed", "3"],
        "-",
        "setCurrent",
    );
    assert_eq!((code, err.as_str()), (1, ""), "{out}");
    // The first trace's first setCurrent that succeeds, alone: the limits and every step
    // before it dropped. (The generator's draws for seed 3 fix the names and the time.)
    assert_eq!(
        out,
        concat!(
            "# generated trace 0 (--seed 3): the implementation disagrees with the model.\n",
            "# Shrunk to 1 steps; at the last one the model answers {\"outcome\":\"changed\",\"previous\":\"__unversioned__\"}, the implementation {\"outcome\":\"changed\",\"previous\":\"nobody\"}.\n",
            "{\"format\": \"deployments\"}\n",
            "{\"setCurrent\":{\"deployment\":\"D\",\"build\":\"b3\",\"identity\":\"bob\",\"allowNoPollers\":true},\"now\":14681,\"expect\":{\"outcome\":\"changed\",\"previous\":\"__unversioned__\"}}\n",
        )
    );
    let shrunk = dir.join("shrunk.jsonl");
    std::fs::write(&shrunk, &out).unwrap();
    let (code, replayed, _) = run(&["replay", shrunk.to_str().unwrap()]);
    assert_eq!(code, 0, "{replayed}");
}

#[test]
fn an_unobserved_change_stops_the_trace_and_an_unobserved_question_is_not_compared() {
    let dir = scratch("observes");
    let args = ["--deployments", "--generate", "40", "-o", "json"];
    // Wrong on every setCurrent, but declared not to observe it: each trace stops there.
    let (code, out, err) = proxied(&dir, &args, r#"{"setCurrent":"none"}"#, "setCurrent");
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let doc = document(&out);
    let stopped = doc["stopped"]["traces"].as_u64().unwrap();
    assert!(stopped > 30, "{out}");
    assert!(
        doc["stopped"]["steps"]["deployments.setCurrent"]
            .as_u64()
            .unwrap()
            >= stopped,
        "{out}"
    );
    assert!(
        doc["byKind"].get("deployments.setCurrent").is_none(),
        "{out}"
    );
    // Wrong on every route, declared not observed: counted, not compared, not stopped.
    let (code, out, err) = proxied(&dir, &args, r#"{"route":"none","poll":"exact"}"#, "route");
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let doc = document(&out);
    assert_eq!(doc["stopped"]["traces"], 0, "{out}");
    let route = &doc["byKind"]["deployments.route"];
    assert_eq!(route["exact"], 0, "{out}");
    assert!(route["notCompared"].as_u64().unwrap() > 0, "{out}");
    assert!(
        doc["byKind"]["deployments.poll"]["exact"].as_u64().unwrap() > 0,
        "{out}"
    );
}

#[test]
fn an_unreadable_declaration_is_bad_input() {
    let dir = scratch("bad-observes");
    for (declaration, problem) in [
        (
            r#"{"setCurrent":"coarse"}"#,
            r#"its reset answer declares "setCurrent" coarse, but no Worker Deployments step kind can be observed coarsely"#,
        ),
        (
            r#"{"update":"none"}"#,
            r#"its reset answer declares an unknown step kind "update""#,
        ),
        (
            r#"{"route":"roughly"}"#,
            r#"its reset answer declares "route" as "roughly", not "exact", "coarse" or "none""#,
        ),
        (
            "[]",
            r#"its reset answer's "observes" is not an object: an array"#,
        ),
    ] {
        let (code, out, err) =
            proxied(&dir, &["--deployments", "--generate", "1"], declaration, "");
        assert_eq!(
            (code, out.as_str(), err),
            (
                2,
                "",
                format!(
                    "generated trace 0 (--seed 0): at the reset before the trace: the implementation's declaration: {problem}\n"
                )
            ),
            "{declaration}"
        );
    }
}

#[test]
fn serve_answers_deployment_requests_after_a_deployments_reset() {
    let mut child = Command::new(BIN)
        .args(["serve", "--stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let requests = [
        r#"{"pollers": {"deployment": "D", "build": "b1", "present": true}}"#,
        r#"{"reset": true, "format": "deployments"}"#,
        r#"{"limits": "short"}"#,
        r#"{"pollers": {"deployment": "D", "build": "b1", "present": true}}"#,
        r#"{"poll": {"deployment": "D", "build": "b1", "taskQueue": "tq", "type": "workflow"}, "now": 10}"#,
        r#"{"setCurrent": {"deployment": "D", "build": "b1", "identity": "me"}}"#,
        r#"{"setCurrent": {"deployment": "D", "build": "b1", "identity": "me", "token": {"line": 5}}}"#,
        r#"{"setCurrent": {"deployment": "D", "build": "b1", "token": {"line": 4}}}"#,
        r#"{"limits": "short"}"#,
        r#"{"route": {"taskQueue": "tq", "workflowId": "wf"}}"#,
        r#"{"poll": "1.0"}"#,
        r#"{"setRamping": {"deployment": "D", "build": "b2", "percentage": 50}}"#,
        r#"{"reset": true, "format": "sets"}"#,
        r#"{"reset": true}"#,
        r#"{"poll": "1.0"}"#,
    ];
    let mut stdin = child.stdin.take().unwrap();
    for request in requests {
        writeln!(stdin, "{request}").unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        concat!(
            "{\"malformed\":\"a Worker Deployments step, but no {\\\"reset\\\": true, \\\"format\\\": \\\"deployments\\\"} came before it\"}\n",
            "{}\n",
            "{}\n",
            "{}\n",
            "\"changed\"\n",
            "{\"outcome\":\"changed\",\"previous\":\"__unversioned__\"}\n",
            "{\"outcome\":\"noop\",\"previous\":\"D.b1\"}\n",
            "{\"malformed\":\"token: line 4 is no earlier step that returns a token\"}\n",
            "{\"malformed\":\"limits must come before every other step\"}\n",
            "\"D.b1\"\n",
            "{\"malformed\":\"a version-set step, but the last reset was {\\\"reset\\\": true, \\\"format\\\": \\\"deployments\\\"}\"}\n",
            "{\"error\":\"NOT_FOUND\",\"message\":\"build ID 'b2' not found in Worker Deployment 'D'\"}\n",
            "{\"malformed\":\"a reset's format is \\\"deployments\\\" or absent (version sets), not \\\"sets\\\"\"}\n",
            "{}\n",
            "\"unknownBuildId\"\n",
        )
    );
    assert!(out.status.success());
}
