//! A namespace's task queues given as `--queue NAME=PATH`: `reachability`, `gc` and
//! `check`'s limit on task queues per build ID, word for word.

use crate::run;

const ORDERS: &str = "orders=cli/tests/data/namespace/orders.jsonl";
const PAYMENTS: &str = "payments=cli/tests/data/namespace/payments.jsonl";
const SHIPPING: &str = "shipping=cli/tests/data/namespace/shipping.jsonl";

#[test]
fn reachability_scans_the_queues_each_build_id_is_in_by_name() {
    // Given out of order: the answer is in name order, as the server's mapping lists them.
    let result = run(&[
        "reachability",
        "--queue",
        SHIPPING,
        "--queue",
        ORDERS,
        "--queue",
        PAYMENTS,
        "1.0",
        "2.0",
        "9.9",
        "--now",
        "3600000ms",
        "--open",
        "1.0",
    ]);
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    assert_eq!(
        result.out,
        "\
1.0 on orders: TASK_REACHABILITY_EXISTING_WORKFLOWS
1.0 on payments: TASK_REACHABILITY_NEW_WORKFLOWS, TASK_REACHABILITY_EXISTING_WORKFLOWS
1.0 on shipping: TASK_REACHABILITY_NEW_WORKFLOWS, TASK_REACHABILITY_EXISTING_WORKFLOWS
2.0 on orders: TASK_REACHABILITY_NEW_WORKFLOWS
9.9: in no task queue
"
    );
}

#[test]
fn reachability_reports_queues_past_the_scan_limit_unexamined() {
    let args = [
        "reachability",
        "--queue",
        ORDERS,
        "--queue",
        PAYMENTS,
        "--queue",
        SHIPPING,
        "1.0",
        "--now",
        "3600000ms",
        "--max-task-queue-scan",
        "2",
    ];
    let result = run(&args);
    assert_eq!(
        result.out,
        "\
1.0 on orders: unreachable
1.0 on payments: TASK_REACHABILITY_NEW_WORKFLOWS
1.0 on shipping: TASK_REACHABILITY_UNSPECIFIED (not examined)
"
    );
    let json = run(&[&args[..], &["-o", "json"]].concat());
    let doc: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({"buildIdReachability": [{"buildId": "1.0", "taskQueueReachability": [
            {"taskQueue": "orders", "reachability": []},
            {"taskQueue": "payments", "reachability": ["TASK_REACHABILITY_NEW_WORKFLOWS"]},
            {"taskQueue": "shipping", "reachability": ["TASK_REACHABILITY_UNSPECIFIED"]},
        ]}]})
    );
}

#[test]
fn reachability_of_a_namespace_refuses_what_the_frontend_refuses() {
    let cases: [(&[&str], &str); 3] = [
        (
            &[""],
            "INVALID_ARGUMENT: Cannot get reachability of an unversioned worker without specifying at least one task queue (empty build ID is interpereted as unversioned)\n",
        ),
        (
            &["", "--task-queue", "orders", "--task-queue", "/_sys/x"],
            "INVALID_ARGUMENT: task queue name cannot start with reserved prefix /_sys/\n",
        ),
        (
            &["1", "2", "3", "4", "5", "6"],
            "INVALID_ARGUMENT: Too many build ids queried at once, limit: 5 (--max-build-ids raises the limit)\n",
        ),
    ];
    for (extra, message) in cases {
        let args = [
            &["reachability", "--queue", ORDERS, "--now", "1000000ms"],
            extra,
        ]
        .concat();
        let result = run(&args);
        assert_eq!(
            (result.code, result.out.as_str(), result.err.as_str()),
            (2, "", message)
        );
    }
    // With task queues, the unversioned worker is asked about on each.
    let result = run(&[
        "reachability",
        "--queue",
        ORDERS,
        "",
        "--task-queue",
        "orders",
        "--task-queue",
        "elsewhere",
        "--now",
        "400000ms",
    ]);
    assert_eq!(
        result.out,
        "(unversioned) on orders: unreachable\n(unversioned) on elsewhere: TASK_REACHABILITY_NEW_WORKFLOWS\n"
    );
}

#[test]
fn gc_walks_the_queues_in_name_order() {
    let result = run(&[
        "gc",
        "--queue",
        SHIPPING,
        "--queue",
        PAYMENTS,
        "--queue",
        ORDERS,
        "--now",
        "100000000ms",
        "--retention",
        "0",
        "--has-workflows",
        "2.0",
    ]);
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    assert_eq!(result.out, "orders: 1.0\npayments: 0.9\n");
    let json = run(&[
        "gc",
        "--queue",
        ORDERS,
        "--queue",
        PAYMENTS,
        "--now",
        "100000000ms",
        "--retention",
        "0",
        "--has-workflows",
        "0.9",
        "-o",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({"removable": [{"taskQueue": "orders", "buildIds": ["1.0"]}]})
    );
}

#[test]
fn check_reports_a_build_id_in_more_task_queues_than_the_limit() {
    let queues = ["--queue", ORDERS, "--queue", PAYMENTS, "--queue", SHIPPING];
    let over = run(&[
        &["check"],
        &queues[..],
        &["--task-queues-per-build-id", "2"],
    ]
    .concat());
    assert_eq!(
        (over.code, over.out.as_str(), over.err.as_str()),
        (
            1,
            "namespace: build ID 1.0 is in 3 task queues, more than limit.taskQueuesPerBuildId (2): orders, payments, shipping\n",
            ""
        )
    );
    // Exactly at the limit is within it.
    let at = run(&[
        &["check"],
        &queues[..],
        &["--task-queues-per-build-id", "3"],
    ]
    .concat());
    assert_eq!(
        (at.code, at.out.as_str()),
        (
            0,
            "namespace: ok (3 task queues, no build ID in more than 3)\n"
        )
    );
    let default = run(&[&["check"], &queues[..]].concat());
    assert_eq!(
        default.out,
        "namespace: ok (3 task queues, no build ID in more than 20)\n"
    );
    let json = run(&[
        &["check", "-o", "json"],
        &queues[..],
        &["--task-queues-per-build-id", "2"],
    ]
    .concat());
    let doc: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(
        doc["namespace"],
        serde_json::json!({"taskQueues": 3, "limit": 2, "overLimit": [
            {"buildId": "1.0", "taskQueues": ["orders", "payments", "shipping"]}
        ]})
    );
}

#[test]
fn queue_flags_refuse_bad_names_and_repeats() {
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "check",
                "--queue",
                "orders=a.json",
                "--queue",
                "orders=b.json",
            ],
            "task queue \"orders\" is given twice\n",
        ),
        (
            &["check", "--queue", "=a.json"],
            "error: invalid value '=a.json' for '--queue <NAME=PATH>': task queue \"\": missing task queue name\n\nFor more information, try '--help'.\n",
        ),
        (
            &["check", "--queue", "orders"],
            "error: invalid value 'orders' for '--queue <NAME=PATH>': expected NAME=PATH, got \"orders\"\n\nFor more information, try '--help'.\n",
        ),
    ];
    for (args, message) in cases {
        let result = run(args);
        assert_eq!((result.code, result.err.as_str()), (2, message), "{args:?}");
    }
}

#[test]
fn serve_answers_steps_on_several_task_queues() {
    let steps = [
        r#"{"reset": true}"#,
        r#"{"limits": {"taskQueuesPerBuildId": 1}}"#,
        r#"{"update": {"addNewBuildIdInNewDefaultSet": "a"}, "taskQueue": "q1"}"#,
        r#"{"update": {"addNewBuildIdInNewDefaultSet": "a"}, "taskQueue": "q2"}"#,
        r#"{"sets": [], "taskQueue": "q1"}"#,
        r#"{"sets": []}"#,
        r#"{"reset": true}"#,
        r#"{"update": {"addNewBuildIdInNewDefaultSet": "a"}, "taskQueue": "q2"}"#,
    ];
    let input = steps.join("\n") + "\n";
    let result = crate::run_with(&["serve", "--stdio"], input.as_bytes());
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    assert_eq!(
        result.out,
        "\
{}
{}
\"changed\"
{\"error\":\"FAILED_PRECONDITION\",\"message\":\"Exceeded max task queues allowed to be mapped to a single build ID: 1\"}
[[\"a\"]]
[]
{}
\"changed\"
"
    );
}

#[test]
fn generate_spreads_steps_over_task_queues_and_they_replay_green() {
    let dir = std::env::temp_dir().join(format!("version-sets-ns-gen-{}", std::process::id()));
    let out = dir.to_string_lossy().into_owned();
    let written = run(&[
        "generate",
        "--seed",
        "7",
        "--count",
        "20",
        "--steps",
        "80",
        "--task-queues",
        "3",
        &out,
    ]);
    assert_eq!((written.code, written.err.as_str()), (0, ""));
    let mut named = 0;
    for index in 0..20 {
        let path = dir.join(format!("trace-{index:04}.jsonl"));
        let text = std::fs::read_to_string(&path).unwrap();
        named += text.matches("\"taskQueue\"").count();
        let replayed = run(&["replay", &path.to_string_lossy()]);
        assert_eq!(replayed.code, 0, "{}", replayed.out);
    }
    assert!(named > 20 * 80 / 2, "only {named} steps name a task queue");
    std::fs::remove_dir_all(&dir).unwrap();
}
