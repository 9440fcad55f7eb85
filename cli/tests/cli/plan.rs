//! `plan STATE TARGET`: the fewest update commands, checked on the model; where none exist,
//! why. The counts are checked against a breadth-first search over every operation on
//! every small state.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::PathBuf;

use version_sets::{BuildId, Limits, QueueDefault, Update, VersionSets};

use crate::{run, run_with};

/// The build IDs of the small states: every state of the first three is checked, and a
/// sample of those of all four.
const IDS: [&str; 4] = ["a", "b", "c", "d"];

/// Each set's build IDs in order (the default last), the sets oldest first: what the
/// search tells states apart by.
fn listing(state: &VersionSets) -> Vec<Vec<String>> {
    state
        .sets()
        .map(|set| {
            set.build_ids()
                .map(|record| record.id().to_string())
                .collect()
        })
        .collect()
}

/// What dispatch reads, written independently of the command: the sets as sets, each
/// with its default, and the queue's default.
fn dispatch_key(state: &VersionSets) -> (BTreeSet<(BTreeSet<String>, String)>, Option<String>) {
    let sets = state
        .sets()
        .map(|set| {
            let members = set
                .build_ids()
                .map(|record| record.id().to_string())
                .collect();
            (members, set.default_build_id().to_string())
        })
        .collect();
    (sets, state.default_build_id().map(ToString::to_string))
}

/// Every operation on the build IDs `ids`.
fn operations(ids: &[&str]) -> Vec<Update> {
    let id = |text: &str| BuildId::new(text).unwrap();
    let mut all = Vec::new();
    for &x in ids {
        all.push(Update::add_new_default(id(x)));
        all.push(Update::promote_set_by_build_id(id(x)));
        all.push(Update::promote_build_id_within_set(id(x)));
        for &y in ids {
            for make in [QueueDefault::Keep, QueueDefault::Make] {
                all.push(Update::add_new_compatible(id(x), id(y), make));
            }
            all.push(Update::merge_sets(id(x), id(y)));
        }
    }
    all
}

/// From `start`, every state the operations on `ids` reach, each with the fewest
/// operations that reach it, keyed by listing.
fn search(start: &VersionSets, ids: &[&str]) -> HashMap<Vec<Vec<String>>, (VersionSets, usize)> {
    let operations = operations(ids);
    let mut seen = HashMap::from([(listing(start), (start.clone(), 0))]);
    let mut queue = VecDeque::from([(start.clone(), 0_usize)]);
    let mut now = 1_000_000_000_000_i64;
    while let Some((state, depth)) = queue.pop_front() {
        for operation in &operations {
            let mut next = state.clone();
            now += 1;
            if next.apply(operation, now, Limits::NONE).is_err() {
                continue;
            }
            let key = listing(&next);
            if let std::collections::hash_map::Entry::Vacant(entry) = seen.entry(key) {
                entry.insert((next.clone(), depth + 1));
                queue.push_back((next, depth + 1));
            }
        }
    }
    seen
}

fn write(dir: &std::path::Path, number: usize, state: &VersionSets) -> PathBuf {
    let path = dir.join(format!("{number}.json"));
    std::fs::write(&path, serde_json::to_vec(&state.to_data()).unwrap()).unwrap();
    path
}

/// Checks `plan` from each state of `states` to the TARGETs `targets` picks (by index)
/// against the search over `ids`; the pairs planned and refused.
fn check_against_search(
    ids: &[&str],
    states: &[&VersionSets],
    targets: impl Fn(usize) -> Vec<usize>,
) -> (usize, usize) {
    let dir = std::env::temp_dir().join(format!(
        "version-sets-plan-{}-{}",
        ids.len(),
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let files: Vec<PathBuf> = (0..)
        .zip(states)
        .map(|(number, state)| write(&dir, number, state))
        .collect();
    let (mut planned, mut refused) = (0, 0);
    for (index, (from, from_file)) in states.iter().zip(&files).enumerate() {
        let chosen = targets(index);
        if chosen.is_empty() {
            continue;
        }
        let reached = search(from, ids);
        for to_index in chosen {
            let (to, to_file) = (states[to_index], &files[to_index]);
            let fewest = reached
                .values()
                .filter(|(state, _)| dispatch_key(state) == dispatch_key(to))
                .map(|(_, depth)| *depth)
                .min();
            let result = run(&[
                "plan",
                from_file.to_str().unwrap(),
                to_file.to_str().unwrap(),
                "-o",
                "json",
            ]);
            let document: serde_json::Value = serde_json::from_str(&result.out).unwrap();
            let steps = document["steps"].as_array().map(Vec::len);
            let case = format!("{:?} -> {:?}: {}", listing(from), listing(to), result.err);
            match fewest {
                Some(fewest) => {
                    assert_eq!((result.code, steps), (0, Some(fewest)), "{case}");
                    planned += 1;
                }
                None => {
                    assert_eq!(result.code, 1, "{case}");
                    refused += 1;
                }
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    (planned, refused)
}

/// Every state of the build IDs `ids` (and fewer), in listing order.
fn states_of(ids: &[&str]) -> Vec<VersionSets> {
    let mut states: Vec<VersionSets> = search(&VersionSets::new(), ids)
        .into_values()
        .map(|(state, _)| state)
        .collect();
    states.sort_by_key(listing);
    states
}

/// For STATE and for TARGET every state of the first three [`IDS`] (and fewer build IDs):
/// the command's step count is the search's, and it finds no plan exactly when the search
/// reaches nothing that dispatches as TARGET does.
#[test]
fn the_plan_is_as_short_as_a_breadth_first_search_finds() {
    let ids = IDS.get(..3).unwrap();
    let states = states_of(ids);
    let states: Vec<&VersionSets> = states.iter().collect();
    let count = states.len();
    let (planned, refused) = check_against_search(ids, &states, |_| (0..count).collect());
    // The search covers both kinds of answer, many times over.
    assert!(
        planned > 500 && refused > 500,
        "{planned} planned, {refused} refused"
    );
}

/// Of the states of all four [`IDS`], a fixed sample of pairs: 40 STATEs, 10 TARGETs each.
#[test]
fn on_four_build_ids_a_sample_agrees_with_the_search_too() {
    let states = states_of(&IDS);
    let states: Vec<&VersionSets> = states.iter().collect();
    let count = states.len();
    assert!(count > 300, "{count} states");
    let mut random = fastrand::Rng::with_seed(19);
    let sources: std::collections::BTreeSet<usize> =
        std::iter::repeat_with(|| random.usize(..count))
            .take(40)
            .collect();
    let (planned, refused) = check_against_search(&IDS, &states, |index| {
        if sources.contains(&index) {
            let mut random = fastrand::Rng::with_seed(index as u64);
            std::iter::repeat_with(|| random.usize(..count))
                .take(10)
                .collect()
        } else {
            Vec::new()
        }
    });
    assert!(
        planned > 20 && refused > 20,
        "{planned} planned, {refused} refused"
    );
}

const STATE: &str = "cli/tests/data/user-data.json";
/// What `temporal task-queue get-build-ids -o json` would print for the queue wanted.
const TARGET: &str = "cli/tests/data/plan-target.json";

#[test]
fn plan_prints_the_temporal_cli_commands_and_the_merge_request() {
    let result = run(&[
        "plan",
        STATE,
        TARGET,
        "--namespace",
        "default",
        "--task-queue",
        "orders",
    ]);
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    assert_eq!(
        result.out,
        "\
# 3 steps turn cli/tests/data/user-data.json into cli/tests/data/plan-target.json for dispatch (applied to the model and checked)
# step 1: merge-sets has no Temporal CLI subcommand; send temporal.api.workflowservice.v1.WorkflowService/UpdateWorkerBuildIdCompatibility (an SDK or tdbg can) with {\"namespace\":\"default\",\"taskQueue\":\"orders\",\"mergeSets\":{\"primarySetBuildId\":\"2.0\",\"secondarySetBuildId\":\"1.1\"}}
temporal task-queue update-build-ids add-new-compatible --namespace default --task-queue orders --build-id 2.1 --existing-compatible-build-id 2.0
temporal task-queue update-build-ids add-new-default --namespace default --task-queue orders --build-id 3.0
"
    );
}

#[test]
fn plan_leaves_placeholders_for_the_shell_and_quotes_what_it_must() {
    let target = run(&["update", STATE, "promote-set", "--build-id", "1.0"]);
    assert_eq!(target.code, 0);
    let result = run_with(&["plan", STATE, "-"], target.out.as_bytes());
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        (
            0,
            "\
# 1 step turns cli/tests/data/user-data.json into <stdin> for dispatch (applied to the model and checked)
# $NAMESPACE and $TASK_QUEUE stand for --namespace and --task-queue
temporal task-queue update-build-ids promote-set --namespace \"$NAMESPACE\" --task-queue \"$TASK_QUEUE\" --build-id 1.1
",
            ""
        )
    );
    let quoted = run_with(
        &["plan", STATE, "-", "--task-queue", "it's mine"],
        target.out.as_bytes(),
    );
    assert_eq!(
        quoted.out.lines().last(),
        Some(
            "temporal task-queue update-build-ids promote-set --namespace \"$NAMESPACE\" --task-queue 'it'\\''s mine' --build-id 1.1"
        )
    );
}

#[test]
fn plan_says_when_the_listing_order_will_differ() {
    // One set, 2.0 listed first: a merge under 1.1 lists 2.0 between 1.0 and 1.1 (by its
    // timestamp), and dispatch reads only the members and the default.
    let target = "[{\"buildIds\": [\"2.0\", \"1.0\", \"1.1\"], \"defaultForSet\": \"1.1\", \"isDefaultSet\": true}]";
    let result = run_with(&["plan", STATE, "-"], target.as_bytes());
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    assert_eq!(
        result.out.lines().nth(2),
        Some(
            "# the listing's order will differ from <stdin>'s (sets, or build IDs within a set), which dispatch does not read"
        )
    );
    let json = run_with(&["plan", STATE, "-", "-o", "json"], target.as_bytes());
    let document: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(document["sameOrder"], false);
}

#[test]
fn plan_of_a_state_to_itself_has_no_steps() {
    let result = run(&["plan", STATE, STATE]);
    assert_eq!(
        (result.code, result.out.as_str(), result.err.as_str()),
        (
            0,
            "# cli/tests/data/user-data.json already answers every dispatch question as cli/tests/data/user-data.json does: no steps\n",
            ""
        )
    );
}

#[test]
fn plan_json_lists_each_step_with_its_command_and_request() {
    let result = run(&[
        "plan",
        STATE,
        TARGET,
        "--task-queue",
        "orders",
        "-o",
        "json",
    ]);
    assert_eq!((result.code, result.err.as_str()), (0, ""));
    let document: serde_json::Value = serde_json::from_str(&result.out).unwrap();
    let add = serde_json::json!({"newBuildId": "2.1", "existingCompatibleBuildId": "2.0", "makeSetDefault": false});
    let merge = serde_json::json!({"primarySetBuildId": "2.0", "secondarySetBuildId": "1.1"});
    assert_eq!(
        document,
        serde_json::json!({
            "sameOrder": true,
            "steps": [
                {
                    "operation": {"mergeSets": merge},
                    "command": null,
                    "request": {"namespace": null, "taskQueue": "orders", "mergeSets": merge},
                },
                {
                    "operation": {"addNewCompatibleBuildId": add},
                    "command": "temporal task-queue update-build-ids add-new-compatible --namespace \"$NAMESPACE\" --task-queue orders --build-id 2.1 --existing-compatible-build-id 2.0",
                    "request": {"namespace": null, "taskQueue": "orders", "addNewCompatibleBuildId": add},
                },
                {
                    "operation": {"addNewBuildIdInNewDefaultSet": "3.0"},
                    "command": "temporal task-queue update-build-ids add-new-default --namespace \"$NAMESPACE\" --task-queue orders --build-id 3.0",
                    "request": {"namespace": null, "taskQueue": "orders", "addNewBuildIdInNewDefaultSet": "3.0"},
                },
            ],
        })
    );
}

#[test]
fn plan_says_why_no_sequence_exists() {
    let split = "[{\"buildIds\": [\"1.0\"], \"defaultForSet\": \"1.0\", \"isDefaultSet\": false}, {\"buildIds\": [\"1.1\", \"2.0\"], \"defaultForSet\": \"2.0\", \"isDefaultSet\": true}]";
    let cases: [(&[&str], &[u8], &str); 3] = [
        (
            &["plan", TARGET, STATE],
            b"",
            "plan: no sequence of operations turns cli/tests/data/plan-target.json into cli/tests/data/user-data.json: 2.1 is in STATE and not in TARGET, and no operation removes a build ID\n",
        ),
        (
            &["plan", STATE, "-"],
            split.as_bytes(),
            "plan: no sequence of operations turns cli/tests/data/user-data.json into <stdin>: STATE's set [1.0, 1.1] would have to be split (1.0 and 1.1 are in different sets of TARGET), and no operation splits a set\n",
        ),
        (
            &["plan", "cli/tests/data/stored-deleted-set.json", STATE],
            b"",
            "plan: no sequence of operations turns cli/tests/data/stored-deleted-set.json into cli/tests/data/user-data.json: 1.0 is deleted in STATE and active in TARGET, and no operation deletes or restores a build ID\n",
        ),
    ];
    for (args, stdin, message) in cases {
        let result = run_with(args, stdin);
        assert_eq!(
            (result.code, result.out.as_str(), result.err.as_str()),
            (1, "", message)
        );
        let mut json = args.to_vec();
        json.extend(["-o", "json"]);
        let result = run_with(&json, stdin);
        let document: serde_json::Value = serde_json::from_str(&result.out).unwrap();
        assert_eq!(
            (result.code, &document),
            (
                1,
                &serde_json::json!({"error": {"message": message.trim_end()}})
            )
        );
    }
}

#[test]
fn plan_refuses_bad_input_in_one_line() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["plan", "-", "-"],
            "STATE and TARGET cannot both be standard input\n",
        ),
        (
            &["plan", STATE, "cli/tests/data/nope.json"],
            "cli/tests/data/nope.json: cannot read: No such file or directory (os error 2)\n",
        ),
        (
            &["plan", STATE, "cli/tests/data/ops.jsonl"],
            "cli/tests/data/ops.jsonl: this looks like an OPS file (one operation per line), not versioning data or a trace\n",
        ),
        (&["plan", "cli/tests/data/not-json.json", STATE], ""),
    ];
    for (args, message) in cases {
        let result = run(args);
        assert_eq!((result.code, result.out.as_str()), (2, ""), "{args:?}");
        assert_eq!(result.err.lines().count(), 1, "{args:?}: {}", result.err);
        if !message.is_empty() {
            assert_eq!(result.err, message, "{args:?}");
        }
    }
    let result = run(&["plan", STATE, TARGET, "--task-queue", "/_sys/orders"]);
    assert_eq!(result.code, 2);
    assert!(
        result.err.starts_with("error: invalid value '/_sys/orders' for '--task-queue <TASK_QUEUE>': task queue name cannot start with reserved prefix /_sys/\n"),
        "{}",
        result.err
    );
}

#[test]
fn plan_says_when_a_step_would_pass_the_servers_limits() {
    let sets = |count: usize| {
        let sets: Vec<serde_json::Value> = (0..count)
            .map(|n| {
                serde_json::json!({
                    "buildIds": [format!("{n}.0")],
                    "defaultForSet": format!("{n}.0"),
                    "isDefaultSet": n + 1 == count,
                })
            })
            .collect();
        serde_json::to_string(&sets).unwrap()
    };
    let dir = std::env::temp_dir().join(format!("version-sets-plan-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (ten, eleven) = (dir.join("ten.json"), dir.join("eleven.json"));
    std::fs::write(&ten, sets(10)).unwrap();
    std::fs::write(&eleven, sets(11)).unwrap();
    let result = run(&["plan", ten.to_str().unwrap(), eleven.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!((result.code, result.out.as_str()), (1, ""));
    assert_eq!(
        result.err,
        format!(
            "plan: no sequence of operations turns {} into {}: step 1 would be refused (FAILED_PRECONDITION: update would exceed number of compatible version sets permitted in namespace dynamic config (11/10); the server's default limits apply)\n",
            ten.display(),
            eleven.display()
        )
    );
}
