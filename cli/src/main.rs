//! The `version-sets` command: replay conformance traces, and render, check, change and
//! query the versioning data of a task queue. Everything it knows comes from the
//! `version_sets` library; this binary only reads files and prints.

// Untrusted input reaches every subcommand: bad input must end in a message, never a panic.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod affected;
mod apply;
mod check;
mod conform;
mod deployment;
mod diff;
mod diff_states;
mod dispatch;
mod docs;
mod engine;
mod gc;
mod generate;
mod input;
mod json;
mod merge;
mod namespace;
mod ops;
mod plan;
mod proto;
mod reachability;
mod render;
mod replay;
mod resolve;
mod retire;
mod serve;
mod show;
mod state;
mod style;
mod time;
mod update;
mod workflows;

use std::fmt::Display;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
pub(crate) use style::Style;

/// Replay conformance traces of Temporal's build-ID worker versioning ("version sets"), and
/// render, check, change and query a task queue's versioning data.
///
/// Every FILE or STATE argument may be `-` for standard input. Results go to standard
/// output and diagnostics to standard error. Exit status: 0 all is well, 1 a check or an
/// expectation failed (or a dispatch check refused, an intent was rejected, or `diff` found the states different for dispatch), 2 bad input (unreadable, malformed or
/// invalid; for `check`, whose finding it is, invalid data in any form is 1). Each
/// subcommand's help lists its own, and what `-o json` prints when a run fails. With `-o json` every subcommand prints one JSON document. Colour is used only
/// on a terminal, and never when NO_COLOR is set.
#[derive(Debug, Parser)]
#[command(
    name = "version-sets",
    version,
    after_help = "Example:\n  version-sets poll state.json --build-id 1.0 -o json"
)]
pub(crate) struct Cli {
    /// Output format: text for people, or one JSON document for scripts
    #[arg(short = 'o', long, value_enum, global = true, default_value_t = Format::Text)]
    output: Format,
    #[command(subcommand)]
    command: Command,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Lines for people
    Text,
    /// One JSON document per run
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    Replay(replay::Args),
    Show(show::Args),
    Check(check::Args),
    Apply(apply::Args),
    Update(update::Args),
    Plan(plan::Args),
    Resolve(resolve::Args),
    Merge(merge::Args),
    Gc(gc::Args),
    Reachability(reachability::Args),
    Retire(retire::Args),
    Diff(diff_states::Args),
    Generate(generate::Args),
    Conform(conform::Args),
    Serve(serve::Args),
    Poll(dispatch::PollArgs),
    AddTask(dispatch::AddTaskArgs),
    Sticky(dispatch::StickyArgs),
    Deployment(deployment::Args),
    Completions(docs::CompletionsArgs),
    Man(docs::ManArgs),
}

/// How a command ended; the worst status of its inputs wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Status {
    Ok,
    Failed,
    BadInput,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(match status {
            Status::Ok => 0,
            Status::Failed => 1,
            Status::BadInput => 2,
        })
    }
}

/// Where a command writes: results to `out`, diagnostics to `err`.
///
/// Write errors are ignored on purpose: when the reader of a pipe goes away (`| head`),
/// there is nobody left to tell, and the exit status still says how the command went.
pub(crate) struct Output<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    /// The `-o` format asked for.
    pub(crate) format: Format,
    /// Whether standard output takes colour.
    colour: bool,
    /// Whether anything was written to standard output.
    wrote: bool,
    /// The last diagnostic written: the error of a run that ends without a result.
    last_diagnostic: Option<String>,
}

impl Output<'_> {
    /// Whether results are one JSON document.
    pub(crate) fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// The one JSON document of a run, pretty, with a closing newline.
    pub(crate) fn document(&mut self, value: &impl serde::Serialize) {
        self.text(&show::json(value));
    }

    /// `text` in `style` when standard output takes colour, as it is otherwise.
    pub(crate) fn paint(&self, text: impl Display, style: Style) -> String {
        style.paint(text, self.colour)
    }

    /// One line of results.
    pub(crate) fn line(&mut self, text: impl Display) {
        self.wrote = true;
        let _ = writeln!(self.out, "{text}");
    }

    /// Results as they are (a rendering that ends with its own newline).
    pub(crate) fn text(&mut self, text: &str) {
        self.wrote = true;
        let _ = self.out.write_all(text.as_bytes());
    }

    /// One line of diagnostics.
    pub(crate) fn diagnostic(&mut self, text: impl Display) {
        let text = text.to_string();
        let _ = writeln!(self.err, "{text}");
        self.last_diagnostic = Some(text);
    }

    /// With `-o json`, the error document of a run that failed without printing its result,
    /// so that standard output always holds one JSON document ([`JSON_ERRORS`]).
    fn finish(&mut self, status: Status) {
        if self.json() && !self.wrote && status != Status::Ok {
            let message = self.last_diagnostic.take().unwrap_or_default();
            self.document(&error_document(&message));
        }
    }
}

/// The JSON document of an error: `{"error": {"message": MESSAGE}}`, the message as it is
/// written on standard error.
pub(crate) fn error_document(message: &str) -> serde_json::Value {
    serde_json::json!({ "error": { "message": message } })
}

/// The entry of a file that cannot be read among the `"files"` of `check` and `replay`:
/// `{"file": FILE, "error": {"message": MESSAGE}}`.
pub(crate) fn file_error(file: &str, message: &str) -> serde_json::Value {
    serde_json::json!({ "file": file, "error": { "message": message } })
}

/// What `-o json` prints when a run ends without its result, stated in every subcommand's
/// `--help` beside its exit statuses.
const JSON_ERRORS: &str = "With -o json, standard output holds one JSON document whatever happens: the result, or {\"error\": {\"message\"}} when the run ends without one (bad input, a refusal, a failed operation), the message as standard error words it; check and replay list a file that cannot be read as {\"file\", \"error\": {\"message\"}} among their \"files\". serve speaks its protocol's JSON lines instead. Arguments refused before the run (a usage error, exit status 2) print the same document, its message clap's first paragraph on one line.";

/// Each subcommand's exit statuses and what each means for it: the last paragraph of its
/// `--help` (and of the man page) is made from this list, and README.md's table of exit
/// statuses must match that paragraph (`cli/tests/cli/status.rs` checks both). A status
/// not listed is never returned, except that every subcommand exits 2 when its arguments
/// are refused (clap's usage error).
const EXIT_STATUSES: &[(&str, &[(u8, &str)])] = &[
    (
        "replay",
        &[
            (0, "every expectation held"),
            (1, "some expectation failed"),
            (
                2,
                "bad input: a file could not be read or has a malformed line (that file does not run, the others do), or a step past the trace's bound on whole-queue work (that file stops there)",
            ),
        ],
    ),
    (
        "show",
        &[
            (0, "shown"),
            (
                2,
                "bad input: a STATE could not be read, is malformed or is invalid data, or is a trace with a step past its bound on whole-queue work; or --format tree, dot or mermaid was given with -o json; or what was asked needs set IDs or timestamps the input does not carry (--set-ids or --format json, from the public response or a listing)",
            ),
        ],
    ),
    (
        "check",
        &[
            (0, "all valid"),
            (
                1,
                "some violation found (an invalid or repeated build ID, a missing or wrong default, in any form)",
            ),
            (
                2,
                "bad input: a file could not be read, is not JSON, is none of the shapes or has a value of the wrong type or an unknown key, or a --queue file is not valid data",
            ),
        ],
    ),
    (
        "apply",
        &[
            (
                0,
                "every operation applied (or, with --dry-run, would apply)",
            ),
            (
                1,
                "an operation failed as the server would refuse it (the run stops there)",
            ),
            (
                2,
                "bad input: the STATE or the OPS could not be read or are malformed or invalid; or a merge-sets on the public response or a listing, which carry no timestamps to order the merged set by, or an operation there naming a build ID in no set (they leave out deleted build IDs) without --assume-not-deleted",
            ),
        ],
    ),
    (
        "update",
        &[
            (0, "the operation applied (or, with --dry-run, would apply)"),
            (1, "the operation failed as the server would refuse it"),
            (
                2,
                "bad input: the STATE could not be read or is malformed or invalid; or a merge-sets on the public response or a listing, which carry no timestamps to order the merged set by, or an operation there naming a build ID in no set (they leave out deleted build IDs) without --assume-not-deleted",
            ),
        ],
    ),
    (
        "plan",
        &[
            (0, "planned: the steps reach TARGET on the model"),
            (
                1,
                "no sequence of operations turns STATE into TARGET (the reason is printed)",
            ),
            (
                2,
                "bad input: a STATE or TARGET could not be read or is malformed or invalid",
            ),
        ],
    ),
    (
        "resolve",
        &[
            (0, "resolved to a set, a build ID or unversioned"),
            (
                1,
                "rejected (the server would fail the task, as a refused poll is refused)",
            ),
            (
                2,
                "bad input, or the data has worker-versioning rules, which decide this answer before the sets; or the caller is in no set of the public response or a listing, which leave out deleted build IDs, without --assume-not-deleted",
            ),
        ],
    ),
    (
        "merge",
        &[
            (0, "merged"),
            (
                2,
                "bad input, or a replica is the public response or a listing, which carry no set IDs or timestamps to join by",
            ),
        ],
    ),
    (
        "gc",
        &[
            (0, "planned"),
            (
                2,
                "bad input, or the plan needs timestamps the input does not carry (the time rules, or --apply, from the public response or a listing)",
            ),
        ],
    ),
    (
        "reachability",
        &[
            (0, "answered"),
            (
                2,
                "bad input, or an answer rests on timestamps the input does not carry (the grace for new workflows, from the public response or a listing)",
            ),
        ],
    ),
    (
        "retire",
        &[
            (0, "answered"),
            (
                2,
                "bad input, or the STATE is a get-build-ids listing or a public response, which carry no timestamps for the answer to rest on",
            ),
        ],
    ),
    (
        "diff",
        &[
            (
                0,
                "the same for dispatch (every poller, new workflows and every task get the same answer)",
            ),
            (1, "different for dispatch"),
            (
                2,
                "bad input, or either state has worker-versioning rules, which decide dispatch before the sets",
            ),
        ],
    ),
    ("generate", &[(0, "written"), (2, "bad input")]),
    (
        "conform",
        &[
            (0, "every answer agreed"),
            (1, "a disagreement (the minimal trace is printed)"),
            (
                2,
                "bad input, or the child could not be started, died, hung past --timeout-ms, answered a line longer than 64 MiB or answered something that is not JSON",
            ),
        ],
    ),
    (
        "serve",
        &[
            (
                0,
                "standard input ended (every request was answered, malformed ones included)",
            ),
            (
                2,
                "standard input could not be read, or a request line is longer than 64 MiB",
            ),
        ],
    ),
    (
        "poll",
        &[
            (0, "accepted"),
            (1, "refused"),
            (
                2,
                "bad input, or the build ID is in no set and the data has worker-versioning rules (the rules decide) or is the public response or a listing (which leave out deleted build IDs) without --assume-not-deleted",
            ),
        ],
    ),
    (
        "add-task",
        &[
            (0, "answered"),
            (
                2,
                "bad input, or the data has worker-versioning rules and the task is for the default or a build ID in no set (the rules decide), or the build ID is in no set of the public response or a listing (which leave out deleted build IDs) without --assume-not-deleted",
            ),
        ],
    ),
    (
        "sticky",
        &[
            (0, "both allowed"),
            (1, "refused"),
            (
                2,
                "bad input, or the build ID is in no set of the public response or a listing (which leave out deleted build IDs) without --assume-not-deleted",
            ),
        ],
    ),
    (
        "deployment",
        &[
            (
                0,
                "routed (and every sample asked for found); for a change with --dry-run, the server would accept it; for a plan, every step succeeds and no hazard is reported",
            ),
            (
                1,
                "fewer samples found than asked (--sample-ramped or --sample-current, among PREFIX-0 to PREFIX-999999); for a change, the server would refuse it (its code and message are printed); for a plan, a step would fail (the first is named, with the server's code and message) or a hazard is reported",
            ),
            (
                2,
                "bad input: the STATE could not be read, is none of the shapes, has an unknown field, a value of the wrong type or a version of another deployment; or is describe-version output, which shows one version and not the routing; or a listing with no deployment, or with several and no --deployment; or a workflow ID is empty; or an --existing line is malformed, or its answer needs the routing's revision, which the STATE does not carry; for a change, --dry-run is missing, the STATE shows another deployment, a --version-state is not describe-version output of a version of it, the documents disagree, or the answer rests on what they do not show (a version's task queues, a listing's versions or last writer); for a plan, a line of PLAN is malformed (its line is named)",
            ),
        ],
    ),
    (
        "completions",
        &[
            (0, "printed"),
            (2, "-o json was given (the script is not JSON)"),
        ],
    ),
    (
        "man",
        &[
            (0, "printed (or, with --dir, written)"),
            (
                2,
                "a page could not be rendered or written, or -o json was given without --dir",
            ),
        ],
    ),
];

/// The paragraph that states a subcommand's exit statuses, e.g. `Exit status: 0 shown; 2
/// bad input.`
fn exit_statuses(statuses: &[(u8, &str)]) -> String {
    let each: Vec<String> = statuses
        .iter()
        .map(|(status, meaning)| format!("{status} {meaning}"))
        .collect();
    format!("Exit status: {}.", each.join("; "))
}

/// The command line, each subcommand's help ending with its exit statuses.
pub(crate) fn command() -> clap::Command {
    let mut command = Cli::command();
    for subcommand in command.get_subcommands_mut() {
        let Some((_, statuses)) = EXIT_STATUSES
            .iter()
            .find(|(name, _)| *name == subcommand.get_name())
        else {
            continue;
        };
        let after = format!("{JSON_ERRORS}\n\n{}", exit_statuses(statuses));
        // A group's subcommands (`deployment route`) state the group's statuses.
        for nested in subcommand.get_subcommands_mut() {
            for inner in nested.get_subcommands_mut() {
                *inner = with_after(std::mem::take(inner), &after);
            }
            *nested = with_after(std::mem::take(nested), &after);
        }
        *subcommand = with_after(std::mem::take(subcommand), &after);
    }
    command
}

/// `command` with `after` at the end of its help, before its own example.
fn with_after(command: clap::Command, after: &str) -> clap::Command {
    let after = match command.get_after_help() {
        Some(example) => format!("{after}\n\n{example}"),
        None => after.to_owned(),
    };
    command.after_help(after)
}

/// Ends a run whose arguments clap refused (or that asked for help or the version): clap's
/// words on standard error (help on standard output), and with `-o json` among the
/// arguments, the error document on standard output too.
fn refused(error: &clap::Error) -> ExitCode {
    if error.use_stderr() && json_asked(std::env::args_os().skip(1)) {
        // Clap's first paragraph, on one line: the usage and hint that follow are for people.
        let rendered = error.render().to_string();
        let message: Vec<&str> = rendered
            .lines()
            .take_while(|line| !line.trim().is_empty())
            .map(str::trim)
            .collect();
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(show::json(&error_document(&message.join(" "))).as_bytes());
        let _ = out.flush();
    }
    let _ = error.print();
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
}

/// Whether `-o json` (in any of its spellings) is among the arguments, read as words: the
/// parse that would say so is the one that failed.
fn json_asked(args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    let args: Vec<std::ffi::OsString> = args.collect();
    args.iter()
        .zip(args.iter().skip(1))
        .any(|(flag, value)| (flag == "-o" || flag == "--output") && value == "json")
        || args
            .iter()
            .any(|arg| arg == "-ojson" || arg == "-o=json" || arg == "--output=json")
}

/// Parses the arguments, runs the subcommand and turns its status into the exit code.
fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => return refused(&error),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => return refused(&error),
    };
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let colour = style::wanted(
        stdout.is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("CLICOLOR_FORCE").as_deref(),
    );
    let (mut out, mut err) = (stdout.lock(), stderr.lock());
    let mut output = Output {
        out: &mut out,
        err: &mut err,
        format: cli.output,
        colour,
        wrote: false,
        last_diagnostic: None,
    };
    let status = match cli.command {
        Command::Replay(args) => replay::run(&args, &mut output),
        Command::Show(args) => show::run(&args, &mut output),
        Command::Check(args) => check::run(&args, &mut output),
        Command::Apply(args) => apply::run(&args, &mut output),
        Command::Update(args) => update::run(&args, &mut output),
        Command::Plan(args) => plan::run(&args, &mut output),
        Command::Resolve(args) => resolve::run(&args, &mut output),
        Command::Merge(args) => merge::run(&args, &mut output),
        Command::Gc(args) => gc::run(&args, &mut output),
        Command::Reachability(args) => reachability::run(&args, &mut output),
        Command::Retire(args) => retire::run(&args, &mut output),
        Command::Diff(args) => diff_states::run(&args, &mut output),
        Command::Generate(args) => generate::run(&args, &mut output),
        Command::Conform(args) => conform::run(&args, &mut output),
        Command::Serve(args) => serve::run(&args, &mut output),
        Command::Poll(args) => dispatch::poll(&args, &mut output),
        Command::AddTask(args) => dispatch::add_task(&args, &mut output),
        Command::Sticky(args) => dispatch::sticky(&args, &mut output),
        Command::Deployment(args) => deployment::run(&args, &mut output),
        Command::Completions(args) => docs::completions(&args, &mut output),
        Command::Man(args) => docs::man(&args, &mut output),
    };
    output.finish(status);
    let _ = out.flush();
    status.into()
}
