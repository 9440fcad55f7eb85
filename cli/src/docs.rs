//! `version-sets completions SHELL` and `version-sets man`: generated from the clap
//! definitions, so they never drift from the real arguments.

use std::path::PathBuf;

use clap_complete::Shell;

use super::{Output, Status};

/// Print a shell completion script.
///
/// The script completes subcommands, their options and the values an option takes from a
/// fixed list (e.g. `-o json`, `--type new`); file arguments complete as file names.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets completions bash > ~/.local/share/bash-completion/completions/version-sets"
)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    shell: Shell,
}

/// Print the man page (roff), or write one page per command with --dir.
///
/// The page printed names a page for each subcommand, e.g. version-sets-show(1); --dir writes
/// those pages too (`version-sets.1`, `version-sets-show.1`, `version-sets-update-merge-sets.1`,
/// ...) and prints the path of each, one per line (with -o json: `{"pages": [PATH, ...]}`).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets man --dir ~/.local/share/man/man1 && man version-sets-gc"
)]
pub(crate) struct ManArgs {
    /// Write every page into this folder (made if missing) instead of printing one
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    dir: Option<PathBuf>,
}

/// The name the script completes, and the name of its function once mangled. clap_complete
/// (4.6.12 and before) escapes a hyphenated binary name two ways in bash: the loop that
/// reads the words calls the state `version__sets__subcmd__show`, the arms that complete
/// it `version__subcmd__sets__subcmd__show`, so past the first word nothing ever completed.
/// The arms are renamed to the loop's spelling (`cli/tests/cli/completion.rs` drives bash's
/// completion through them).
const BIN: &str = "version-sets";

pub(crate) fn completions(args: &CompletionsArgs, output: &mut Output<'_>) -> Status {
    if output.json() {
        output
            .diagnostic("-o json does not apply: completions prints a shell script; drop -o json");
        return Status::BadInput;
    }
    let mut command = super::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, BIN, &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if args.shell == Shell::Bash {
        script = script.replace("version__subcmd__sets", "version__sets");
    }
    output.text(&script);
    Status::Ok
}

/// The command as its pages show it: without the `help` subcommand, which has no page.
fn pages_command() -> clap::Command {
    super::command().disable_help_subcommand(true)
}

pub(crate) fn man(args: &ManArgs, output: &mut Output<'_>) -> Status {
    let Some(dir) = &args.dir else {
        if output.json() {
            output.diagnostic(
                "-o json does not apply: man prints a roff page; drop -o json, or give --dir",
            );
            return Status::BadInput;
        }
        let mut page = Vec::new();
        return match clap_mangen::Man::new(pages_command()).render(&mut page) {
            Ok(()) => {
                output.text(&String::from_utf8_lossy(&page));
                Status::Ok
            }
            Err(error) => {
                output.diagnostic(format_args!("cannot render the man page: {error}"));
                Status::BadInput
            }
        };
    };
    let mut command = pages_command();
    command.build();
    let mut pages = Vec::new();
    let written =
        std::fs::create_dir_all(dir).and_then(|()| write_pages(&command, dir, &mut pages));
    if let Err(error) = written {
        output.diagnostic(format_args!(
            "{}: cannot write the man pages: {error}",
            dir.display()
        ));
        return Status::BadInput;
    }
    if output.json() {
        output.document(&serde_json::json!({ "pages": pages }));
    } else {
        for page in &pages {
            output.line(page);
        }
    }
    Status::Ok
}

/// Writes the page of `command` and of each of its subcommands, depth first, into `dir`,
/// and adds each file's path to `pages`.
fn write_pages(
    command: &clap::Command,
    dir: &std::path::Path,
    pages: &mut Vec<String>,
) -> std::io::Result<()> {
    let path = clap_mangen::Man::new(command.clone()).generate_to(dir)?;
    pages.push(path.display().to_string());
    for subcommand in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(subcommand, dir, pages)?;
    }
    Ok(())
}
