//! Replays every committed fuzz input through the fuzz targets' bodies, on the stable
//! toolchain: the seeds (`fuzz/seeds/TARGET/`), the crash fixtures (`fuzz/regressions/TARGET/`,
//! inputs that once found a bug, named after it) and, for the `trace` target, the
//! conformance vectors (`trace/vectors/`), which are its seeds too without being
//! committed twice. A target with no committed input fails, so a lost corpus cannot pass
//! unnoticed. The fuzzer's working corpus (`fuzz/corpus/`, git-ignored) is never read here.

use std::path::{Path, PathBuf};

use version_sets_test_support as harness;

/// The files of `dir` in name order; none when it does not exist.
#[track_caller]
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        // libFuzzer's lock and temporary files start with a dot; they are not inputs.
        .filter(|path| !path.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    paths.sort();
    paths
}

/// The committed inputs of `target`: seeds, the conformance vectors for `trace`, then the
/// crash fixtures.
fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let mut all = files(&root.join("fuzz/seeds").join(target));
    if target == "trace" {
        all.extend(files(&root.join("trace/vectors")));
    }
    all.extend(files(&root.join("fuzz/regressions").join(target)));
    all
}

/// Whether a seed was grown by the fuzzer and kept by corpus minimisation: libFuzzer names
/// those by the SHA-1 of their bytes.
fn is_grown(name: &str) -> bool {
    name.len() == 40 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Runs every input of `target`, then fails naming each input that panicked.
#[track_caller]
fn replay(target: &str, run: fn(&[u8])) {
    let inputs = inputs(target);
    assert!(
        !inputs.is_empty(),
        "no committed inputs for fuzz target {target}"
    );
    let failed: Vec<String> = inputs
        .iter()
        .filter(|path| {
            let data = std::fs::read(path).unwrap();
            std::panic::catch_unwind(|| run(&data)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        failed.is_empty(),
        "{target}: these inputs fail: {failed:#?}"
    );
    println!("{target}: replayed {} inputs", inputs.len());
}

#[test]
fn ops_corpus_and_regressions() {
    replay("ops", harness::ops::run);
}

#[test]
fn deployments_corpus_and_regressions() {
    replay("deployments", harness::deployments::run);
}

#[test]
fn merge_corpus_and_regressions() {
    replay("merge", harness::merge::run);
}

#[cfg(feature = "serde")]
#[test]
fn json_corpus_and_regressions() {
    replay("json", harness::json::run);
}

#[cfg(feature = "trace")]
#[test]
fn trace_corpus_and_regressions() {
    // In this (debug) build the library checks every invariant after every change, and a
    // broken one panics; .ci/run also replays these inputs through the debug command.
    replay("trace", harness::trace::run);
}

#[cfg(feature = "trace")]
#[test]
fn hostile_corpus_and_regressions() {
    // The body scales every program down 128 times in this (debug) build: see
    // `harness::hostile::program::MAX_N`.
    replay("hostile", harness::hostile::run);
}

/// The hand-written seeds do what their names say, so the targets' deep paths (a loaded
/// value, a trace that runs) are really exercised by the replay above.
#[cfg(feature = "serde")]
#[test]
fn json_seeds_load_or_fail_as_named() {
    let mut checked = 0;
    for path in inputs("json") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let loaded =
            serde_json::from_slice::<version_sets::VersionSets>(&std::fs::read(&path).unwrap());
        if name.starts_with("stored-") {
            assert!(loaded.is_ok(), "{name} does not load: {:?}", loaded.err());
            checked += 1;
        } else if name.starts_with("invalid-") {
            assert!(loaded.is_err(), "{name} loads");
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} named json seeds");
}

#[cfg(feature = "trace")]
#[test]
fn trace_seeds_parse_or_fail_as_named() {
    let mut runs = 0;
    for path in inputs("trace") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let parsed = version_sets_trace::parse(&std::fs::read(&path).unwrap());
        let vector =
            path.starts_with(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("trace"));
        let well_formed = vector
            || name.starts_with("bom-")
            || name.starts_with("valid-")
            || name.starts_with("wrong-expectations");
        if well_formed {
            let steps = parsed.unwrap_or_else(|e| panic!("{name}: {e}"));
            let report = version_sets_trace::run(&steps);
            // Conformance traces pass; the wrong expectations all fail.
            if name.starts_with("wrong-") {
                assert_eq!(report.passed, 0, "{name}");
            } else {
                assert_eq!(report.failed(), 0, "{name}: {:?}", report.failures);
            }
            runs += 1;
        } else if !name.starts_with("operations-") && !is_grown(&name) {
            // The hand-written malformed seeds are refused; inputs the fuzzer grew (named by
            // their hash) may be anything.
            assert!(parsed.is_err(), "{name} parses");
        }
    }
    assert!(runs >= 10, "only {runs} well-formed trace seeds");
}

/// The hand-written `hostile` seeds (one per shape) decode to the form their names say, so
/// each shape stays covered by the replay above whatever the decoder becomes.
#[cfg(feature = "trace")]
#[test]
fn hostile_seeds_are_the_shapes_they_name() {
    use harness::hostile::program::{Form, Program};
    let mut named = 0;
    for path in inputs("hostile") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if is_grown(&name) {
            continue;
        }
        let form = Program::decode(&std::fs::read(&path).unwrap()).form;
        let expected = [
            ("stored-", Form::Stored),
            ("proto-names", Form::ProtoNames),
            ("public-", Form::Public),
            ("listing-", Form::Listing),
            ("trace-start-", Form::TraceStart),
            ("trace-", Form::Trace),
        ]
        .into_iter()
        .find(|(prefix, _)| name.starts_with(prefix))
        .map(|(_, form)| form);
        assert_eq!(Some(form), expected, "{name}");
        named += 1;
    }
    assert!(named >= 20, "only {named} named hostile seeds");
}

/// The hand-written `deployments` seeds (one per shape) hold the steps their names say, so
/// each shape stays covered by the replay above whatever the decoder becomes.
#[test]
fn deployments_seeds_are_the_shapes_they_name() {
    let shapes: [(&str, &[&str]); 12] = [
        (
            "rollout-",
            &["poll", "set-current", "set-ramping", "route", "advance"],
        ),
        ("ramp-odd-percentages", &["set-ramping", "route"]),
        ("version-cap-", &["poll", "pollers", "set-current"]),
        (
            "delete-",
            &[
                "delete-version",
                "delete-deployment",
                "pinned",
                "pollers",
                "advance",
            ],
        ),
        (
            "manager-",
            &["set-manager", "create-deployment", "set-current"],
        ),
        (
            "create-",
            &[
                "create-deployment",
                "create-version",
                "set-current",
                "set-ramping",
            ],
        ),
        ("unversioned-", &["set-current", "set-ramping", "route"]),
        (
            "namespace-",
            &["poll", "delete-deployment", "set-current", "set-ramping"],
        ),
        ("busy-", &["busy", "set-current", "set-ramping"]),
        ("route-", &["route", "set-ramping"]),
        (
            "reactivate-",
            &["reactivate", "complete-propagation", "advance"],
        ),
        ("noop-", &["set-current"]),
    ];
    let mut named = 0;
    for path in inputs("deployments") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if is_grown(&name)
            || path.starts_with(Path::new(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../fuzz/regressions"
            )))
        {
            continue;
        }
        let (_, wanted) = shapes
            .iter()
            .find(|(prefix, _)| name.starts_with(prefix))
            .unwrap_or_else(|| panic!("{name} names no shape"));
        let steps = harness::deployments::decode(&std::fs::read(&path).unwrap());
        let kinds: Vec<&str> = steps.iter().map(harness::deployments::Step::kind).collect();
        for kind in *wanted {
            assert!(kinds.contains(kind), "{name} has no {kind} step: {kinds:?}");
        }
        named += 1;
    }
    assert!(
        named >= shapes.len(),
        "only {named} named deployments seeds"
    );
}

/// The conformance vectors exist once: no committed fuzz input is a copy of one (the `trace`
/// target reads them from `trace/vectors/` instead).
#[test]
fn no_fuzz_input_copies_a_conformance_vector() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let vectors: Vec<(PathBuf, Vec<u8>)> = files(&root.join("trace/vectors"))
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    assert!(!vectors.is_empty(), "no conformance vectors");
    for kind in ["seeds", "regressions"] {
        for target in ["ops", "json", "trace", "merge", "hostile", "deployments"] {
            for input in files(&root.join("fuzz").join(kind).join(target)) {
                let bytes = std::fs::read(&input).unwrap();
                for (vector, vector_bytes) in &vectors {
                    assert!(
                        bytes != *vector_bytes,
                        "{} is a copy of {}",
                        input.display(),
                        vector.display()
                    );
                }
            }
        }
    }
}
