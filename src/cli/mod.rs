//! The subcommands, their arguments and the exit status they share.

mod apply;
mod check;
mod conform;
mod diff;
mod gc;
mod generate;
mod input;
mod json;
mod merge;
mod reachability;
mod render;
mod replay;
mod resolve;
mod serve;
mod show;
mod state;
mod workflows;

use std::fmt::Display;
use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Replay conformance traces of Temporal's build-ID worker versioning ("version sets"), and
/// render, check, change and query a task queue's versioning data.
///
/// Every FILE or STATE argument may be `-` for standard input. Results go to standard
/// output and diagnostics to standard error. Exit status: 0 all is well, 1 a check or an
/// expectation failed, 2 bad input (unreadable, malformed or invalid).
#[derive(Debug, Parser)]
#[command(name = "version-sets", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Replay(replay::Args),
    Show(show::Args),
    Check(check::Args),
    Apply(apply::Args),
    Resolve(resolve::Args),
    Merge(merge::Args),
    Gc(gc::Args),
    Reachability(reachability::Args),
    Generate(generate::Args),
    Conform(conform::Args),
    Serve(serve::Args),
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
}

impl Output<'_> {
    /// One line of results.
    pub(crate) fn line(&mut self, text: impl Display) {
        let _ = writeln!(self.out, "{text}");
    }

    /// Results as they are (a rendering that ends with its own newline).
    pub(crate) fn text(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
    }

    /// One line of diagnostics.
    pub(crate) fn diagnostic(&mut self, text: impl Display) {
        let _ = writeln!(self.err, "{text}");
    }
}

/// Parses the arguments, runs the subcommand and turns its status into the exit code.
pub(crate) fn main() -> ExitCode {
    let cli = Cli::parse();
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let (mut out, mut err) = (stdout.lock(), stderr.lock());
    let mut output = Output {
        out: &mut out,
        err: &mut err,
    };
    let status = match cli.command {
        Command::Replay(args) => replay::run(&args, &mut output),
        Command::Show(args) => show::run(&args, &mut output),
        Command::Check(args) => check::run(&args, &mut output),
        Command::Apply(args) => apply::run(&args, &mut output),
        Command::Resolve(args) => resolve::run(&args, &mut output),
        Command::Merge(args) => merge::run(&args, &mut output),
        Command::Gc(args) => gc::run(&args, &mut output),
        Command::Reachability(args) => reachability::run(&args, &mut output),
        Command::Generate(args) => generate::run(&args, &mut output),
        Command::Conform(args) => conform::run(&args, &mut output),
        Command::Serve(args) => serve::run(&args, &mut output),
    };
    let _ = out.flush();
    status.into()
}
