//! `version-sets completions SHELL` and `version-sets man`: generated from the clap
//! definitions, so they never drift from the real arguments.

use clap_complete::Shell;

use super::{Output, Status};

/// Print a shell completion script.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets completions bash > ~/.local/share/bash-completion/completions/version-sets"
)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    shell: Shell,
}

/// Print the man page (roff).
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  version-sets man > version-sets.1 && man ./version-sets.1")]
pub(crate) struct ManArgs {}

pub(crate) fn completions(args: &CompletionsArgs, output: &mut Output<'_>) -> Status {
    let mut command = super::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "version-sets", &mut script);
    output.text(&String::from_utf8_lossy(&script));
    Status::Ok
}

pub(crate) fn man(_args: &ManArgs, output: &mut Output<'_>) -> Status {
    let mut page = Vec::new();
    match clap_mangen::Man::new(super::command()).render(&mut page) {
        Ok(()) => {
            output.text(&String::from_utf8_lossy(&page));
            Status::Ok
        }
        Err(error) => {
            output.diagnostic(format_args!("cannot render the man page: {error}"));
            Status::BadInput
        }
    }
}
