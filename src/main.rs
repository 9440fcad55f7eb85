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

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
