//! Task queue names and types: what deployment data is kept per.

/// A task queue's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum TaskQueueType {
    /// Workflow tasks.
    Workflow,
    /// Activity tasks.
    Activity,
    /// Nexus tasks.
    Nexus,
}

named! {
    TaskQueueType, "the proto enum value";
    Workflow => "TASK_QUEUE_TYPE_WORKFLOW",
    Activity => "TASK_QUEUE_TYPE_ACTIVITY",
    Nexus => "TASK_QUEUE_TYPE_NEXUS",
}

/// One task queue of one type: the unit that holds deployment data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TaskQueueKey {
    /// The task queue's name.
    pub name: String,
    /// Its type.
    pub kind: TaskQueueType,
}

impl TaskQueueKey {
    /// Task queue `name` of type `kind`.
    pub fn new(name: impl Into<String>, kind: TaskQueueType) -> Self {
        Self {
            name: name.into(),
            kind,
        }
    }
}
