//! The gRPC status codes the server answers this model's errors with. Its names are
//! written in `names.rs`.

/// The gRPC status code the Temporal server answers an error with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// `INVALID_ARGUMENT`: a malformed request (names, version strings, percentages).
    InvalidArgument,
    /// `NOT_FOUND`: a missing deployment or version.
    NotFound,
    /// `ALREADY_EXISTS`: a create call that conflicts with an existing entity.
    AlreadyExists,
    /// `FAILED_PRECONDITION`: the state forbids the change (token, manager, drainage...).
    FailedPrecondition,
    /// `RESOURCE_EXHAUSTED`: a cap of [`Limits`](crate::Limits) was reached.
    ResourceExhausted,
}
