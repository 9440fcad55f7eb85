//! `--now` and durations as people write them (README, "Times and durations").

use crate::run;

const STATE: &str = "cli/tests/data/user-data.json";

#[test]
fn now_that_looks_like_seconds_is_refused_naming_the_option() {
    for args in [
        &["gc", STATE, "--retention", "1h", "--has-workflows", ""][..],
        &["reachability", STATE, "1.0"][..],
        &["update", STATE, "add-new-default", "--build-id", "3.0"][..],
    ] {
        let result = run(&[args, &["--now", "1732000000"]].concat());
        assert_eq!(
            (result.code, result.out.as_str(), result.err.lines().next()),
            (
                2,
                "",
                Some(
                    "error: invalid value '1732000000' for '--now <TIME>': 1732000000 looks like seconds, not Unix milliseconds (bare milliseconds below 100000000000 are before 1973-03-03); give milliseconds, an RFC 3339 time such as 2024-11-19T07:06:40Z, or 1732000000ms for that early time on purpose"
                )
            ),
            "{args:?}"
        );
    }
}

#[test]
fn now_reads_rfc_3339_and_milliseconds_alike() {
    let gc = |now: &str| {
        run(&[
            "gc",
            STATE,
            "--now",
            now,
            "--retention",
            "1d",
            "--min-since-default",
            "1h",
            "--has-workflows",
            "",
        ])
    };
    let ms = gc("1732100000000");
    assert_eq!((ms.code, ms.err.as_str()), (0, ""));
    for written in [
        "2024-11-20T10:53:20Z",
        "2024-11-20T12:53:20+02:00",
        "2024-11-20T05:53:20-05:00",
    ] {
        let result = gc(written);
        assert_eq!(
            (result.code, &result.out, result.err.as_str()),
            (0, &ms.out, ""),
            "{written}"
        );
    }
    let bad = gc("2024-11-20 noon");
    assert_eq!(
        bad.err.lines().next(),
        Some(
            "error: invalid value '2024-11-20 noon' for '--now <TIME>': expected an RFC 3339 time such as 2024-11-19T07:06:40Z or 2024-11-19T09:06:40+02:00, or Unix milliseconds"
        )
    );
}

#[test]
fn now_defaults_to_the_current_time_everywhere() {
    // Long after the data's stamps (2024-11-19): the default is today, so nothing is warned.
    for args in [
        &["gc", STATE, "--retention", "1h", "--has-workflows", ""][..],
        &["reachability", STATE, "1.0"][..],
        &["update", STATE, "add-new-default", "--build-id", "3.0"][..],
    ] {
        let result = run(args);
        assert_eq!((result.code, result.err.as_str()), (0, ""), "{args:?}");
    }
    let reachable = run(&["reachability", STATE, "1.0", "--type", "new"]);
    assert_eq!(reachable.out, "1.0: unreachable\n");
}

#[test]
fn now_before_the_data_is_warned_of_on_one_line() {
    let result = run(&[
        "reachability",
        STATE,
        "2.0",
        "--now",
        "2024-11-19T07:06:40Z",
    ]);
    assert_eq!(
        (result.code, result.err.as_str()),
        (
            0,
            "warning: --now 1732000000000ms (2024-11-19T07:06:40.000Z) is before the newest timestamp in the data, 1732000200000ms (2024-11-19T07:10:00.000Z); the answers are as of --now\n"
        )
    );
}

#[test]
fn durations_take_the_usual_units() {
    let gc = |retention: &str| {
        run(&[
            "gc",
            STATE,
            "--now",
            "1732100000000",
            "--retention",
            retention,
            "--has-workflows",
            "",
        ])
    };
    let reference = gc("86400000");
    assert_eq!(reference.code, 0, "{}", reference.err);
    for written in ["1d", "24h", "1440m", "86400s", "86400000ms", "23h 60m"] {
        let result = gc(written);
        assert_eq!((result.code, &result.out), (0, &reference.out), "{written}");
    }
}
