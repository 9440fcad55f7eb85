//! `version-sets check STATE...`: validate versioning data and report every violation.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::state::{self, Need, Traces};
use super::{Output, Status, Style, input};

/// Validate versioning data and report every violation.
///
/// Accepts every shape `show` does except traces: Temporal's stored VersioningData in
/// proto-JSON (an object with versionSets), the same wrapped as TaskQueueUserData (an object
/// with versioningData), a GetWorkerBuildIdCompatibility response (an object with
/// majorVersionSets) and what `temporal task-queue get-build-ids -o json` prints (an array
/// of objects with buildIds, defaultForSet and isDefaultSet, or null). Prints each violation
/// as `FILE: PATH: problem`, with PATH a JSON path such as versionSets[1].buildIds[0].id,
/// and each valid file as `FILE: ok (...)`. Past the first 1000 violations of a file, the
/// rest are counted in one line. With `-o json`: {"files": [{"file", "shape", "valid",
/// "sets", "buildIds", "violations": [{"path", "problem"}], "unlisted", "notes"}]}.
///
/// Exit status: 0 all valid, 1 some violation found, 2 a file could not be read, is not
/// JSON, is none of the shapes above or has a value of the wrong type or an unknown key
/// (reported on standard error as `FILE: PATH: problem`).
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  version-sets check stored.json response.json")]
pub(crate) struct Args {
    /// Files to check, or - for standard input
    #[arg(required = true, value_name = "STATE")]
    states: Vec<PathBuf>,
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    if let Err(error) = input::stdin_once(&args.states) {
        output.diagnostic(error);
        return Status::BadInput;
    }
    let mut status = Status::Ok;
    let mut files = Vec::new();
    for path in &args.states {
        let input = match input::read(path) {
            Ok(input) => input,
            Err(error) => {
                output.diagnostic(error);
                status = status.max(Status::BadInput);
                continue;
            }
        };
        let examined = match state::examine(&input, Traces::Refused, Need::Findings) {
            Ok(examined) => examined,
            Err(error) => {
                output.diagnostic(error);
                status = status.max(Status::BadInput);
                continue;
            }
        };
        for note in &examined.notes {
            output.diagnostic(note);
        }
        let valid = examined.findings.is_empty() && examined.counts.is_some();
        if !valid {
            status = status.max(Status::Failed);
        }
        if output.json() {
            let violations: Vec<Value> = examined
                .findings
                .iter()
                .map(|finding| json!({"path": finding.path, "problem": finding.problem}))
                .collect();
            files.push(json!({
                "file": input.name,
                "shape": examined.shape,
                "valid": valid,
                "sets": examined.counts.map(|counts| counts.sets),
                "buildIds": examined.counts.map(|counts| counts.build_ids),
                "violations": violations,
                "unlisted": examined.unlisted,
                "notes": examined.notes,
            }));
            continue;
        }
        for finding in &examined.findings {
            let finding = output.paint(finding, Style::Bad);
            output.line(format_args!("{}: {finding}", input.name));
        }
        if examined.unlisted > 0 {
            let more = format!(
                "and {} more violations, not listed (only the first {} are)",
                examined.unlisted,
                version_sets::InvalidData::MAX_LISTED
            );
            let more = output.paint(&more, Style::Bad);
            output.line(format_args!("{}: {more}", input.name));
        }
        if let (Some(counts), true) = (examined.counts, valid) {
            let ok = output.paint("ok", Style::Good);
            output.line(format_args!(
                "{}: {ok} ({}: {}, {})",
                input.name,
                examined.shape,
                count(counts.sets, "set"),
                count(counts.build_ids, "build ID")
            ));
        }
    }
    if output.json() && !files.is_empty() {
        output.document(&json!({ "files": files }));
    }
    status
}

/// `1 set`, `2 sets`: a count with its noun.
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
