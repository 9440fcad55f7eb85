//! Resolving a `VersioningIntent` to the build ID that will run the new work.

use std::fmt;

use crate::{BuildId, CompatibleSet, VersionSets};

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
    pub const fn use_compatible(self, same_task_queue: bool) -> bool {
        match self {
            Self::Unspecified => same_task_queue,
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
    same_task_queue: bool,
    why: Why<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Why<'a> {
    OtherQueue,
    CallerUnversioned,
    CallerInSet(&'a BuildId, &'a CompatibleSet),
    CallerUnknown(&'a BuildId),
    NoSets,
    QueueDefault(&'a CompatibleSet),
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

impl VersionSets {
    /// Resolves `intent` for new work (an activity, a child workflow or a continue-as-new)
    /// aimed at the task queue these sets belong to.
    ///
    /// `caller` is the issuing workflow's current build ID (`None` when it is unversioned);
    /// `same_task_queue` says whether this queue is the caller's own. New workflows started
    /// by a client resolve as [`VersioningIntent::Default`]; retries as
    /// [`VersioningIntent::Compatible`].
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Target, QueueDefault, Update, VersionSets, VersioningIntent};
    ///
    /// let id = |s: &str| BuildId::new(s);
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(id("1.0")?), 1, Limits::NONE)?;
    /// sets.apply(&Update::add_new_compatible(id("1.1")?, id("1.0")?, QueueDefault::Keep), 2, Limits::NONE)?;
    /// sets.apply(&Update::add_new_default(id("2.0")?), 3, Limits::NONE)?;
    ///
    /// let caller = id("1.0")?;
    /// let compatible = sets.resolve(VersioningIntent::Compatible, Some(&caller), true);
    /// assert_eq!(compatible.target(), &Target::SetDefault(id("1.1")?));
    /// assert_eq!(compatible.to_string(), "compatible: 1.0 is in set [1.0, 1.1] whose default is 1.1");
    ///
    /// let default = sets.resolve(VersioningIntent::Default, Some(&caller), true);
    /// assert_eq!(default.target(), &Target::SetDefault(id("2.0")?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve<'a>(
        &'a self,
        intent: VersioningIntent,
        caller: Option<&'a BuildId>,
        same_task_queue: bool,
    ) -> Resolution<'a> {
        let use_compatible = intent.use_compatible(same_task_queue);
        let (target, why) = if use_compatible && !same_task_queue {
            (Target::Rejected, Why::OtherQueue)
        } else if use_compatible {
            match caller {
                None => (Target::Unversioned, Why::CallerUnversioned),
                Some(caller) => match self.set_of(caller) {
                    Some(set) => (
                        Target::SetDefault(set.default_build_id().clone()),
                        Why::CallerInSet(caller, set),
                    ),
                    None => (
                        Target::ExactBuildId(caller.clone()),
                        Why::CallerUnknown(caller),
                    ),
                },
            }
        } else {
            match self.default_set() {
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
            same_task_queue,
            why,
        }
    }
}

impl fmt::Display for Resolution<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.intent, self.same_task_queue) {
            (VersioningIntent::Compatible, _) => f.write_str("compatible: ")?,
            (VersioningIntent::Default, _) => f.write_str("default: ")?,
            (VersioningIntent::Unspecified, true) => {
                f.write_str("unspecified on the caller's own task queue means compatible: ")?;
            }
            (VersioningIntent::Unspecified, false) => {
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
                SetList(set),
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
                SetList(set),
                set.default_build_id()
            ),
        }
    }
}

/// A set's build IDs as `[a, b, c]`, tombstones included (routing does not look at state).
struct SetList<'a>(&'a CompatibleSet);

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
