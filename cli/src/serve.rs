//! `version-sets serve --stdio`: the model behind the conformance protocol.

use std::io::BufRead;

use serde_json::{Value, json};
use version_sets_trace::{self as trace, Session};

use super::{Output, Status};

/// Answer the conformance protocol with the model, one JSON line per request.
///
/// Each request is one line on standard input: `{"reset": true}` starts a fresh, empty task
/// queue (answer `{}`); any other line is a trace step without its `expect`, answered with
/// what the model observes, in the form that step's `expect` takes (`{}` for steps that
/// observe nothing). A line that is not a step is answered `{"malformed": PROBLEM}` and
/// changes nothing. docs/conformance.md describes the protocol.
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
    for line in std::io::stdin().lock().split(b'\n') {
        let line = match line {
            Ok(line) => line,
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
    Status::Ok
}

/// The answer to one request line, as the trace crate's writer spells observations.
fn answer(session: &mut Session, line: &str) -> String {
    let is_reset = trace::read_strict(line.as_bytes())
        .ok()
        .is_some_and(|value| value.get("reset") == Some(&Value::Bool(true)));
    if is_reset {
        *session = Session::new();
        return json!({}).to_string();
    }
    match trace::parse_step(line) {
        Ok(step) => session.observe(&step).to_string(),
        Err(error) => json!({ "malformed": error.problem() }).to_string(),
    }
}
