//! `version-sets serve --stdio`: the model behind the conformance protocol.

use serde_json::json;
use version_sets_trace::{self as trace, Session};
use worker_deployments_trace::Session as DeploymentsSession;

use super::input::{Line, MAX_INPUT_BYTES, read_line};
use super::{Output, Status};

/// The longest request line read, in bytes without its newline: the cap on an input file,
/// since a `start` or replica step may carry a whole state (read without a tree); every other
/// step is held to the trace's 8 MiB line (`version_sets_trace::MAX_LINE_BYTES`).
#[allow(clippy::cast_possible_truncation)]
const MAX_REQUEST_BYTES: usize = MAX_INPUT_BYTES as usize;

/// Answer the conformance protocol with the model, one JSON line per request.
///
/// Each request is one line on standard input: `{"reset": true}` starts a fresh, empty task
/// queue (answer `{}`), `{"reset": true, "format": "deployments"}` a namespace of no Worker
/// Deployments with the server's default limits; any other line is a step of that trace
/// format without its `expect`, answered with what the model observes, in the form that
/// step's `expect` takes (`{}` for steps that observe nothing). Before any reset the
/// requests are version-set steps. A line that is not a step is answered `{"malformed":
/// PROBLEM}` and changes nothing; so is a version-set step that reads a whole queue past
/// the session's bound on such work (docs/trace-format.md, "Running traces"), counting the
/// bytes received since the last reset. docs/conformance.md describes the protocol. A request line longer than
/// 64 MiB (67108864 bytes) is answered `{"malformed": ...}` once that much of it is read,
/// and the command stops with exit status 2; a step that carries no state may be at most
/// 8 MiB.
///
/// It always speaks JSON lines, whatever -o says.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets conform --generate 100 -- version-sets serve --stdio"
)]
pub(crate) struct Args {
    /// Talk over standard input and output (the only transport)
    #[arg(long, required = true)]
    stdio: bool,
}

pub(crate) fn run(_args: &Args, output: &mut Output<'_>) -> Status {
    let mut session = Model::Sets(Box::default());
    let mut input = std::io::stdin().lock();
    let mut number: usize = 0;
    loop {
        number += 1;
        let line = match read_line(&mut input, MAX_REQUEST_BYTES) {
            Ok(None) => return Status::Ok,
            Ok(Some(Line::Text(line))) => line,
            Ok(Some(Line::TooLong)) => {
                // The rest of the line is not read: a client that never ends it would
                // otherwise be waited on for ever.
                let problem = format!(
                    "a request line is longer than {MAX_REQUEST_BYTES} bytes (64 MiB); not read"
                );
                output.line(json!({ "malformed": problem }).to_string());
                let _ = output.out.flush();
                output.diagnostic(format_args!("<stdin>:{number}: {problem}"));
                return Status::BadInput;
            }
            Err(error) => {
                output.diagnostic(format_args!("<stdin>: cannot read: {error}"));
                return Status::BadInput;
            }
        };
        let answer = match std::str::from_utf8(&line) {
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => answer(&mut session, text),
            Err(_) => json!({ "malformed": "invalid UTF-8" }).to_string(),
        };
        output.line(answer);
        // The driver waits for each answer before it sends the next request.
        let _ = output.out.flush();
    }
}

/// The model the requests since the last reset play: version sets or Worker Deployments.
enum Model {
    /// After `{"reset": true}`, and before any reset.
    Sets(Box<Session>),
    /// After `{"reset": true, "format": "deployments"}`.
    Deployments(Box<DeploymentsSession>),
}

/// A reset, read without a tree (other members are read past).
#[derive(serde::Deserialize)]
struct Reset {
    reset: bool,
    /// `"deployments"` for Worker Deployments; absent for version sets.
    format: Option<String>,
}

/// The format a reset names besides version sets.
const DEPLOYMENTS: &str = "deployments";

/// The answer to one request line, as each trace crate's writer spells observations.
fn answer(model: &mut Model, line: &str) -> String {
    let reset = if line.trim_start().starts_with('{') {
        serde_json::from_str::<Reset>(line)
            .ok()
            .filter(|request| request.reset)
    } else {
        None
    };
    if let Some(reset) = reset {
        return match reset.format.as_deref() {
            None => {
                *model = Model::Sets(Box::default());
                json!({}).to_string()
            }
            Some(DEPLOYMENTS) => {
                *model = Model::Deployments(Box::default());
                json!({}).to_string()
            }
            Some(other) => malformed(format!(
                "a reset's format is \"deployments\" or absent (version sets), not {}",
                trace::quote(other)
            )),
        };
    }
    match model {
        Model::Sets(session) => {
            // The session's bound on whole-queue work grows with the bytes received since
            // the reset, each line with its newline (docs/conformance.md, "The driver's
            // bounds").
            session.receive(line.len().saturating_add(1));
            match trace::parse_step(line) {
                Ok(step) => match session.observe_bounded(&step) {
                    Ok(observed) => observed.to_string(),
                    Err(refused) => malformed(refused.problem().to_owned()),
                },
                Err(_) if DeploymentsSession::new().read_request(line).is_ok() => malformed(
                "a Worker Deployments step, but no {\"reset\": true, \"format\": \"deployments\"} came before it".to_owned(),
            ),
            Err(error) => malformed(error.problem().to_owned()),
            }
        }
        Model::Deployments(session) => match session.read_request(line) {
            Ok(step) => session.observe(&step).to_string(),
            Err(_) if trace::parse_step(line).is_ok() => malformed(
                "a version-set step, but the last reset was {\"reset\": true, \"format\": \"deployments\"}"
                    .to_owned(),
            ),
            Err(error) => malformed(error.problem().to_owned()),
        },
    }
}

/// `{"malformed": PROBLEM}`.
fn malformed(problem: String) -> String {
    json!({ "malformed": problem }).to_string()
}
