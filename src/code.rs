//! The gRPC status codes the server answers errors with: every error type's `code()`.
//!
//! A module of its own, below every error type, so that the errors of any room (the build
//! ID's, the updates', the loader's) can name their code without importing one another.
//! Its names (`as_str`, `FromStr`) are written in `names.rs`, whose error has a code too.

/// The gRPC status code the Temporal server answers an error with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// `INVALID_ARGUMENT`
    InvalidArgument,
    /// `NOT_FOUND`
    NotFound,
    /// `FAILED_PRECONDITION`
    FailedPrecondition,
    /// `OUT_OF_RANGE` (a poller whose build ID is not its set's default)
    OutOfRange,
    /// `UNAVAILABLE` (a sticky task for a build ID that is no longer its set's default)
    Unavailable,
    /// `INTERNAL` (an [`Inconsistency`](crate::Inconsistency): a bug, never the caller's input)
    Internal,
}
