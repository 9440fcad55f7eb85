//! The reader's refusals (each with its line), the runner's failures, and the writer.

use worker_deployments_trace::{ActionKind, Step, is_deployments, parse, replay, write};

const HEADER: &str = "{\"format\": \"deployments\"}\n";

fn error(body: &str) -> String {
    parse(format!("{HEADER}{body}").as_bytes())
        .unwrap_err()
        .to_string()
}

const POLL: &str =
    r#"{"poll": {"deployment": "D", "build": "b1", "taskQueue": "tq", "type": "workflow"}"#;

#[test]
fn the_header_is_required_and_exact() {
    assert_eq!(
        parse(br#"{"poll": {}}"#).unwrap_err().to_string(),
        r#"line 1: a deployments trace starts with {"format": "deployments"}"#
    );
    assert_eq!(
        parse(b"# c\n\n{\"format\": \"sets\"}")
            .unwrap_err()
            .to_string(),
        r#"line 3: a deployments trace starts with {"format": "deployments"}"#
    );
    assert_eq!(parse(HEADER.as_bytes()).unwrap(), Vec::<Step>::new());
    assert!(is_deployments(
        b"\xEF\xBB\xBF# c\r\n{\"format\": \"sets\"}\r\n"
    ));
    assert!(!is_deployments(b"# only a comment\n"));
    assert!(!is_deployments(br#"{"poll": "1.0"}"#));
}

#[test]
fn unknown_keys_are_errors_with_their_line() {
    assert_eq!(
        error("\n# c\n{\"pol\": {}}"),
        r#"line 4: unknown key "pol""#
    );
    let extra = r#"{"poll": {"deployment": "D", "build": "b1", "taskQueue": "tq", "type": "workflow", "x": 1}}"#;
    assert!(
        error(extra).starts_with("line 2: poll: unknown field `x`"),
        "{}",
        error(extra)
    );
    let bad_type =
        r#"{"poll": {"deployment": "D", "build": "b1", "taskQueue": "tq", "type": "work"}}"#;
    assert!(error(bad_type).starts_with("line 2: poll: unknown variant `work`"));
    assert_eq!(
        error(&format!(r#"{POLL}, "expect": {{"outcome": "changed"}}}}"#)),
        r#"line 2: expect of poll: an object is not "changed", "noop" or an error"#
    );
    assert_eq!(
        error(r#"{"describe": {"version": "D.b"}, "expect": {"state": "x"}}"#),
        r#"line 2: expect of describe: unknown key "state""#
    );
    assert_eq!(
        error(
            r#"{"query": {"taskQueue": "t", "deployment": "D", "build": "b", "rootPollers": true}, "expect": {"error": "NOPE", "message": "m"}}"#
        ),
        "line 2: expect of query: error \"NOPE\": expected INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION or RESOURCE_EXHAUSTED"
    );
    assert_eq!(
        error(
            r#"{"checkDrainage": {}, "expect": {"error": "NOT_FOUND", "message": "m", "code": 5}}"#
        ),
        r#"line 2: expect of checkDrainage: unknown key "code""#
    );
}

#[test]
fn steps_are_checked_as_a_whole() {
    assert_eq!(error("[1]"), "line 2: a step is a JSON object");
    assert_eq!(error(r#"{"now": 5}"#), "line 2: no action");
    assert_eq!(
        error(r#"{"checkDrainage": {}, "reactivate": {"deployment": "D", "build": "b"}}"#),
        "line 2: two actions, checkDrainage and reactivate"
    );
    assert_eq!(
        error(r#"{"checkDrainage": {}, "now": -1}"#),
        "line 2: now is a whole number of milliseconds"
    );
    assert_eq!(
        error(r#"{"pollers": {"deployment": "D", "build": "b", "present": true}, "expect": "ok"}"#),
        "line 2: expect of pollers: a fact expects nothing"
    );
    assert_eq!(
        error(&format!("{POLL}}}\n{{\"limits\": \"short\"}}")),
        "line 3: limits must come before every other step"
    );
    assert_eq!(
        error(r#"{"limits": "long"}"#),
        r#"line 2: limits: "long" is neither "default" nor "short""#
    );
    assert_eq!(
        error(&format!(
            "{POLL}}}\n{{\"setCurrent\": {{\"deployment\": \"D\", \"build\": \"b1\", \"token\": {{\"line\": 2}}}}}}"
        )),
        "line 3: token: line 2 is no earlier step that returns a token"
    );
    assert!(error("{\"a\": 1, \"a\": 2}").contains("duplicate key"));
}

#[test]
fn failures_are_reported_and_do_not_stop_the_run() {
    let text = format!(
        "{HEADER}{POLL}, \"expect\": \"noop\"}}\n{POLL}, \"expect\": \"noop\"}}\n\
         {{\"route\": {{\"taskQueue\": \"tq\", \"workflowId\": \"w\"}}, \"expect\": \"D.b1\"}}\n\
         {{\"describe\": {{\"deployment\": \"D\", \"build\": \"b1\"}}, \"expect\": {{\"drainage\": null, \"status\": \"WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT\"}}}}"
    );
    let report = replay(text.as_bytes()).unwrap();
    assert_eq!((report.passed, report.failed()), (1, 3));
    let lines: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            r#"line 2: expected "noop", got "changed""#,
            r#"line 4: expected "D.b1", got "__unversioned__""#,
            r#"line 5: expected {"drainage":null,"status":"WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT"}, got {"drainage":null,"status":"WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE","taskQueues":[["tq","TASK_QUEUE_TYPE_WORKFLOW"]]}"#,
        ]
    );
    assert!(
        report
            .state
            .version(&worker_deployments::VersionKey::new("D", "b1"))
            .is_some()
    );
}

#[test]
fn a_token_names_the_line_of_the_step_that_returned_it() {
    let text = format!(
        "{HEADER}{POLL}}}\n\
         {{\"setCurrent\": {{\"deployment\": \"D\", \"build\": \"b1\", \"identity\": \"a\"}}}}\n\
         {{\"setManager\": {{\"deployment\": \"D\", \"manager\": \"m\", \"identity\": \"a\", \"token\": {{\"line\": 3}}}}, \"expect\": \"changed\"}}\n\
         {{\"setManager\": {{\"deployment\": \"D\", \"identity\": \"b\", \"token\": {{\"line\": 3}}}}, \"expect\": {{\"error\": \"FAILED_PRECONDITION\", \"message\": \"conflict token mismatch\"}}}}\n\
         {{\"setManager\": {{\"deployment\": \"D\", \"identity\": \"b\", \"token\": {{\"line\": 4}}}}, \"expect\": {{\"outcome\": \"changed\", \"previousManager\": \"m\"}}}}"
    );
    let report = replay(text.as_bytes()).unwrap();
    assert_eq!((report.passed, report.failures), (3, vec![]));
}

#[test]
fn the_table_names_every_action_once_and_the_writer_spells_each_back() {
    let mut keys: Vec<_> = ActionKind::ALL.iter().map(|k| k.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), ActionKind::ALL.len());
    let text = format!(
        "{HEADER}{{\"limits\":{{\"maxDeployments\":1}}}}\n{POLL}, \"now\": 7}}\n\
         {{\"setCurrent\":{{\"deployment\":\"D\",\"build\":\"b1\",\"identity\":\"a\"}}}}\n\
         {{\"setCurrent\":{{\"deployment\":\"D\",\"build\":\"b1\",\"identity\":\"b\",\"token\":{{\"line\":4}}}},\"expect\":\"changed\"}}\n"
    );
    let steps = parse(text.as_bytes()).unwrap();
    let written = write(&steps).unwrap();
    assert_eq!(
        written,
        "{\"format\": \"deployments\"}\n{\"limits\":{\"maxDeployments\":1}}\n\
         {\"poll\":{\"deployment\":\"D\",\"build\":\"b1\",\"taskQueue\":\"tq\",\"type\":\"workflow\"},\"now\":7}\n\
         {\"setCurrent\":{\"deployment\":\"D\",\"build\":\"b1\",\"identity\":\"a\"}}\n\
         {\"setCurrent\":{\"deployment\":\"D\",\"build\":\"b1\",\"identity\":\"b\",\"token\":{\"line\":4}},\"expect\":\"changed\"}\n"
    );
    // Limits of one deployment: a second is refused.
    let more = format!(
        "{written}{{\"poll\":{{\"deployment\":\"E\",\"build\":\"b1\",\"taskQueue\":\"tq\",\"type\":\"workflow\"}},\"expect\":{{\"error\":\"RESOURCE_EXHAUSTED\",\"message\":\"reached maximum deployments in namespace (1)\"}}}}\n"
    );
    let report = replay(more.as_bytes()).unwrap();
    assert_eq!((report.passed, report.failed()), (2, 0));
}

/// Only a short first line can be the header: a long one (a version-set trace's `start`
/// step may be megabytes) is never read into a JSON tree to find out, so even a `format`
/// key past the bound leaves the file a version-set trace.
#[test]
fn only_a_short_first_line_is_read_as_a_header() {
    let padded = |pad: usize| format!("{{\"format\": \"deployments\"{}}}\n", " ".repeat(pad));
    assert!(worker_deployments_trace::is_deployments(
        padded(900).as_bytes()
    ));
    assert!(!worker_deployments_trace::is_deployments(
        padded(1100).as_bytes()
    ));
}
