//! Resolving a `VersioningIntent` to the build ID that will run the new work.

use std::fmt;

use crate::build_id::BuildId;
use crate::set::{CompatibleSet, Lookup};

named! {
    TargetQueue, "the command's word";
    Same => "same",
    Other => "other",
}

named! {
    VersioningIntent, "the proto enum";
    Unspecified => "VERSIONING_INTENT_UNSPECIFIED",
    Compatible => "VERSIONING_INTENT_COMPATIBLE",
    Default => "VERSIONING_INTENT_DEFAULT",
}

/// Whether new work goes to the caller's own task queue or to another one (the SDKs'
/// `task_queue` argument left unset, or set to the workflow's own queue, is
/// [`Same`](Self::Same)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetQueue {
    /// The workflow's own task queue.
    Same,
    /// Another task queue.
    Other,
}

/// The intent a workflow states when it schedules an activity, starts a child workflow or
/// continues as new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum VersioningIntent {
    /// No intent: compatible on the workflow's own task queue, default on another.
    #[default]
    Unspecified,
    /// Stay on the caller's compatible set.
    Compatible,
    /// Go to the target queue's default build ID.
    Default,
}

impl VersioningIntent {
    /// The SDKs' rule (`determine_use_compatible_flag`, identical in every SDK): whether the
    /// new work should stay compatible with the caller.
    pub const fn use_compatible(self, queue: TargetQueue) -> bool {
        match self {
            Self::Unspecified => matches!(queue, TargetQueue::Same),
            Self::Compatible => true,
            Self::Default => false,
        }
    }
}

/// Where new work goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// To the pollers of this build ID, the default of a set.
    SetDefault(BuildId),
    /// To the pollers of exactly this build ID, which no set of the target queue holds.
    ExactBuildId(BuildId),
    /// To unversioned workers.
    Unversioned,
    /// Nowhere: a compatible intent aimed at another task queue, which the server refuses by
    /// failing the workflow task.
    Rejected,
}

/// A [`Target`] with the reason for it. `Display` explains the reason in words, e.g.
/// `compatible: 1.0 is in set [1.0, 1.1] whose default is 1.1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution<'a> {
    target: Target,
    intent: VersioningIntent,
    queue: TargetQueue,
    why: Why<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Why<'a> {
    OtherQueue,
    CallerUnversioned,
    CallerInSet(&'a str, CompatibleSet<'a>),
    CallerUnknown(&'a str),
    NoSets,
    QueueDefault(CompatibleSet<'a>),
}

impl Resolution<'_> {
    /// Where the work goes.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Where the work goes, by value.
    pub fn into_target(self) -> Target {
        self.target
    }
}

/// Resolves `intent` for new work aimed at the task queue of `sets`.
pub(crate) fn resolve<'a>(
    sets: Lookup<'a>,
    intent: VersioningIntent,
    caller: Option<&'a str>,
    queue: TargetQueue,
) -> Resolution<'a> {
    let use_compatible = intent.use_compatible(queue);
    let (target, why) = if use_compatible && queue == TargetQueue::Other {
        (Target::Rejected, Why::OtherQueue)
    } else if use_compatible {
        match caller {
            None => (Target::Unversioned, Why::CallerUnversioned),
            Some(caller) => match sets.set_of(caller) {
                Some(set) => (
                    Target::SetDefault(set.default_build_id().clone()),
                    Why::CallerInSet(caller, set),
                ),
                // Validated only here: a caller the sets hold is a valid build ID.
                None => match BuildId::new(caller) {
                    Ok(id) => (Target::ExactBuildId(id), Why::CallerUnknown(caller)),
                    Err(_) => (Target::Unversioned, Why::CallerUnversioned),
                },
            },
        }
    } else {
        match sets.default_set() {
            None => (Target::Unversioned, Why::NoSets),
            Some(set) => (
                Target::SetDefault(set.default_build_id().clone()),
                Why::QueueDefault(set),
            ),
        }
    };
    Resolution {
        target,
        intent,
        queue,
        why,
    }
}

impl fmt::Display for Resolution<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.intent, self.queue) {
            (VersioningIntent::Compatible, _) => f.write_str("compatible: ")?,
            (VersioningIntent::Default, _) => f.write_str("default: ")?,
            (VersioningIntent::Unspecified, TargetQueue::Same) => {
                f.write_str("unspecified on the caller's own task queue means compatible: ")?;
            }
            (VersioningIntent::Unspecified, TargetQueue::Other) => {
                f.write_str("unspecified on another task queue means default: ")?;
            }
        }
        match &self.why {
            Why::OtherQueue => f.write_str(
                "a compatible intent cannot target another task queue; the server fails the workflow task",
            ),
            Why::CallerUnversioned => {
                f.write_str("the caller is unversioned, so the new work is unversioned too")
            }
            Why::CallerInSet(caller, set) => write!(
                f,
                "{caller} is in set {} whose default is {}",
                SetList(*set),
                set.default_build_id()
            ),
            Why::CallerUnknown(caller) => write!(
                f,
                "{caller} is in no set of the target task queue, so the work goes to that exact build ID"
            ),
            Why::NoSets => f.write_str("the target task queue has no sets, so the work is unversioned"),
            Why::QueueDefault(set) => write!(
                f,
                "the target task queue's default set is {} whose default is {}",
                SetList(*set),
                set.default_build_id()
            ),
        }
    }
}

/// A set's build IDs as `[a, b, c]`, tombstones included (routing does not look at state).
struct SetList<'a>(CompatibleSet<'a>);

impl fmt::Display for SetList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, record) in self.0.build_ids().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", record.id())?;
        }
        f.write_str("]")
    }
}
