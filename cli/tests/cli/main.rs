//! The `version-sets` command, run as a user runs it: exact output, exact diagnostics and
//! exit codes (0 ok, 1 a check failed, 2 bad input).

// One module per subcommand.
mod affected;
mod apply;
mod check;
mod completion;
mod deployment;
mod deployment_dry_run;
mod deployment_plan;
mod diff;
mod dispatch;
mod facts;
mod kinds;
mod lines;
mod namespace;
mod output;
mod plan;
mod readme;
mod replay;
mod replay_deployments;
mod replication;
mod resolve;
mod retire;
mod robustness;
mod shapes;
mod show;
mod status;
mod time;
mod update;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// What a run printed and how it ended.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) out: String,
    pub(crate) err: String,
}

/// The command with `args`, started at the root with every stream piped.
#[track_caller]
pub(crate) fn spawn(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_version-sets"))
        .args(args)
        .current_dir(ROOT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[track_caller]
pub(crate) fn run_with(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = spawn(args);
    // A command that refuses its arguments exits without reading its input; the pipe it
    // closed is not a failure of the test.
    if let Err(error) = child.stdin.take().unwrap().write_all(stdin) {
        assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "{error}");
    }
    let output = child.wait_with_output().unwrap();
    let run = Run {
        code: output.status.code().unwrap(),
        out: String::from_utf8(output.stdout).unwrap(),
        err: String::from_utf8(output.stderr).unwrap(),
    };
    assert!(
        !run.err.contains("panicked"),
        "{args:?} panicked: {}",
        run.err
    );
    run
}

/// The subcommands the top-level `--help` lists, `help` left out.
pub(crate) fn listed_subcommands() -> Vec<String> {
    run(&["--help"])
        .out
        .lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// The workspace root: every command runs there, and every path in a test is relative to it.
pub(crate) const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// A file of the repository, by its path from the root.
#[track_caller]
pub(crate) fn read(path: &str) -> Vec<u8> {
    std::fs::read(Path::new(ROOT).join(path)).unwrap()
}

pub(crate) fn run(args: &[&str]) -> Run {
    run_with(args, b"")
}

#[track_caller]
pub(crate) fn vectors() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("trace/vectors"))
        .unwrap()
        .map(|entry| {
            format!(
                "trace/vectors/{}",
                entry.unwrap().file_name().to_string_lossy()
            )
        })
        .filter(|name| name.ends_with(".jsonl"))
        .collect();
    files.sort();
    files
}

pub(crate) const ROLLOUT_TREE: &str = "\
task queue: 2 sets, 4 build IDs, default build ID f00d
|-- set 1
|   |-- deadbeef
|   `-- deadbeef.1 (set default)
`-- set 2 (default set)
    |-- cafe
    `-- f00d (set default, queue default)
";
