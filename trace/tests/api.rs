//! The trace crate's public API: error codes, the strict JSON reader, and the divergences a
//! trace shows.

use version_sets::Code;
use version_sets_trace as trace;

#[test]
fn every_error_has_a_grpc_code() {
    let malformed = trace::parse(b"{").unwrap_err();
    assert_eq!(malformed.code(), Code::InvalidArgument);
    let json = trace::read_strict(b"{").unwrap_err();
    assert_eq!(json.code(), Code::InvalidArgument);
}

/// `check_strict` is `read_strict` without the value: the same verdict, word for word, on
/// every kind of document, nested repeats and bad bytes included.
#[test]
fn checking_json_strictly_agrees_with_reading_it() {
    use version_sets_trace::{check_strict, read_strict};
    let documents: [&[u8]; 12] = [
        b"{}",
        b"[1, -2, 3.5, \"x\", null, true, {\"a\": []}]",
        b"{\"a\": 1, \"a\": 2}",
        b"{\"a\": [{\"b\": 1,\n \"b\": 2}]}",
        b"{\"a\": {\"b\": 1}, \"c\": {\"b\": 1}}",
        b"{\"a\": 1e999}",
        b"{\"a\": \xff}",
        b"[1,\n2,\n\xc3",
        b"{",
        b"",
        b"[1] 2",
        b"{\"\\u0061\": 1, \"a\": 2}",
    ];
    for document in documents {
        let read = read_strict(document).map(|_| ());
        assert_eq!(
            check_strict(document),
            read,
            "{}",
            String::from_utf8_lossy(document)
        );
    }
    assert_eq!(
        check_strict(b"[1,\n2,\n\xc3").unwrap_err().to_string(),
        "3:1: invalid UTF-8"
    );
    assert_eq!(
        check_strict(b"{\"\\u0061\": 1, \"a\": 2}")
            .unwrap_err()
            .to_string(),
        "1:17: invalid JSON: duplicate key \"a\""
    );
}

/// `update.invalid-build-id`. DIVERGENCE: the server's frontend checks neither merge-sets
/// argument (nor the length of `existingCompatibleBuildId`), so such requests reach matching
/// and fail `NOT_FOUND` (`targeted primary version  not found`). The crate answers
/// `INVALID_ARGUMENT` for every invalid build ID in every operation: in the library an invalid
/// `BuildId` cannot be made, and a trace (or a conformance run) gets the update's result.
#[test]
fn divergence_invalid_merge_sets_arguments_are_invalid_argument() {
    assert!(version_sets::BuildId::new("").is_err());
    let text = concat!(
        r#"{"update": {"addNewBuildIdInNewDefaultSet": "1.0"}, "expect": "changed"}"#,
        "\n",
        r#"{"update": {"mergeSets": {"primarySetBuildId": "", "secondarySetBuildId": "1.0"}}, "#,
        r#""expect": {"error": "INVALID_ARGUMENT", "message": "mergeSets.primarySetBuildId: build ID must not be empty"}}"#,
        "\n",
    );
    let report = trace::run(&trace::parse(text.as_bytes()).unwrap());
    assert_eq!(
        (report.passed, report.failed()),
        (2, 0),
        "{:?}",
        report.failures
    );
}
