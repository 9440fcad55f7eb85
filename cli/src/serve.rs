//! `version-sets serve --stdio`: the model behind the conformance protocol.

use serde_json::json;
use version_sets_trace::{self as trace, Session};

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
/// queue (answer `{}`); any other line is a trace step without its `expect`, answered with
/// what the model observes, in the form that step's `expect` takes (`{}` for steps that
/// observe nothing). A line that is not a step is answered `{"malformed": PROBLEM}` and
/// changes nothing; so is a step that reads a whole queue past the session's bound on such
/// work (docs/trace-format.md, "Running traces"), counting the bytes received since the
/// last reset. docs/conformance.md describes the protocol. A request line longer than
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
    let mut session = Session::new();
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

/// `{"reset": true}`, read without a tree (other members are read past).
#[derive(serde::Deserialize)]
struct Reset {
    reset: bool,
}

/// The answer to one request line, as the trace crate's writer spells observations.
fn answer(session: &mut Session, line: &str) -> String {
    let is_reset = line.trim_start().starts_with('{')
        && serde_json::from_str::<Reset>(line).is_ok_and(|request| request.reset);
    if is_reset {
        *session = Session::new();
        return json!({}).to_string();
    }
    // The session's bound on whole-queue work grows with the bytes received since the
    // reset, each line with its newline (docs/conformance.md, "The driver's bounds").
    session.receive(line.len().saturating_add(1));
    match trace::parse_step(line) {
        Ok(step) => match session.observe_bounded(&step) {
            Ok(observed) => observed.to_string(),
            Err(refused) => json!({ "malformed": refused.problem() }).to_string(),
        },
        Err(error) => json!({ "malformed": error.problem() }).to_string(),
    }
}
