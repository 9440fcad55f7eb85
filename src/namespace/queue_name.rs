//! Task queue names, checked as the frontend checks a normal queue's name
//! (`tqid.NormalizeAndValidate` with no default name and `limit.maxIDLength`).

use crate::code::Code;

/// The longest task queue name, in bytes (the server's `limit.maxIDLength`, 1000 by default).
pub const MAX_TASK_QUEUE_NAME_LEN: usize = 1000;

/// The prefix of the server's internal task queues, which no request may name.
const RESERVED_PREFIX: &str = "/_sys/";

/// Why a task queue name was refused: the server's `INVALID_ARGUMENT` messages, word for word.
///
/// # Example
/// ```
/// use version_sets::{Code, Namespace, TaskQueueNameError};
///
/// assert_eq!(Namespace::check_task_queue(""), Err(TaskQueueNameError::Missing));
/// let reserved = Namespace::check_task_queue("/_sys/queue").unwrap_err();
/// assert_eq!(reserved.to_string(), "task queue name cannot start with reserved prefix /_sys/");
/// assert_eq!(reserved.code(), Code::InvalidArgument);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum TaskQueueNameError {
    /// The name is empty.
    #[error("missing task queue name")]
    Missing,
    /// The name is longer than [`MAX_TASK_QUEUE_NAME_LEN`] bytes.
    #[error("taskQueue length exceeds limit")]
    TooLong {
        /// The length of the refused name, in bytes (the server's message does not say it).
        len: usize,
    },
    /// The name starts with the prefix of the server's internal queues, `/_sys/`.
    #[error("task queue name cannot start with reserved prefix /_sys/")]
    Reserved,
}

impl TaskQueueNameError {
    /// The gRPC status the server answers with: always `INVALID_ARGUMENT`.
    pub const fn code(&self) -> Code {
        Code::InvalidArgument
    }
}

/// Checks `name` in the server's order: empty, too long, reserved.
pub(crate) fn check(name: &str) -> Result<(), TaskQueueNameError> {
    if name.is_empty() {
        Err(TaskQueueNameError::Missing)
    } else if name.len() > MAX_TASK_QUEUE_NAME_LEN {
        Err(TaskQueueNameError::TooLong { len: name.len() })
    } else if name.starts_with(RESERVED_PREFIX) {
        Err(TaskQueueNameError::Reserved)
    } else {
        Ok(())
    }
}
