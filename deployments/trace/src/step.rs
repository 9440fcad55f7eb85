//! The values of a trace: its steps, their actions and arguments, and what they expect.
//! One table, [`ActionKind::ALL`], names every action; the reader, the writer and the
//! runner all go by it.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One step of a trace: an action, the time it happens at, and what it expects.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The 1-based line of the step in its file (0 for a step built in code).
    pub line: usize,
    /// What the step does.
    pub action: Action,
    /// The step's time in Unix milliseconds, when it gives one.
    pub now: Option<u64>,
    /// The answer the step expects, when it gives one.
    pub expect: Option<Value>,
}

macro_rules! actions {
    ($($kind:ident($args:ty) => $key:literal,)*) => {
        /// What a step does: one variant per action key, holding its arguments.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Action {
            $(
                #[doc = concat!("`", $key, "`.")]
                $kind($args),
            )*
        }

        /// The actions, without their arguments.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ActionKind {
            $(
                #[doc = concat!("`", $key, "`.")]
                $kind,
            )*
        }

        impl ActionKind {
            /// Every action, in the order of the format's documentation.
            pub const ALL: &'static [ActionKind] = &[$(ActionKind::$kind),*];

            /// The action's key in a step.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ActionKind::$kind => $key,)*
                }
            }
        }

        impl Action {
            /// The action's kind.
            pub const fn kind(&self) -> ActionKind {
                match self {
                    $(Action::$kind(_) => ActionKind::$kind,)*
                }
            }

            /// The arguments as JSON text, in their fields' order.
            pub(crate) fn args_json(&self) -> Result<String, serde_json::Error> {
                match self {
                    $(Action::$kind(args) => serde_json::to_string(args),)*
                }
            }

            /// Reads the arguments of `kind` from JSON, refusing unknown keys.
            pub(crate) fn from_json(kind: ActionKind, args: Value) -> Result<Self, serde_json::Error> {
                match kind {
                    $(ActionKind::$kind => serde_json::from_value(args).map(Action::$kind),)*
                }
            }
        }
    };
}

actions! {
    Limits(LimitsArgs) => "limits",
    Poll(PollArgs) => "poll",
    SetCurrent(SetCurrentArgs) => "setCurrent",
    SetRamping(SetRampingArgs) => "setRamping",
    DeleteVersion(DeleteVersionArgs) => "deleteVersion",
    DeleteDeployment(DeploymentIdentity) => "deleteDeployment",
    SetManager(SetManagerArgs) => "setManager",
    CreateDeployment(CreateArgs) => "createDeployment",
    CreateVersion(CreateArgs) => "createVersion",
    Pollers(PresenceArgs) => "pollers",
    Busy(BusyArgs) => "busy",
    OpenPinned(OpenPinnedArgs) => "openPinned",
    CheckDrainage(Empty) => "checkDrainage",
    Propagated(PropagatedArgs) => "propagated",
    Reactivate(VersionArgs) => "reactivate",
    Route(RouteArgs) => "route",
    Describe(DescribeArgs) => "describe",
    DescribeDeployment(DeploymentName) => "describeDeployment",
    Query(QueryArgs) => "query",
    Override(OverrideArgs) => "override",
}

impl ActionKind {
    /// What a step of this kind may expect, `None` when it expects nothing (a fact).
    pub const fn answer(self) -> Option<Answer> {
        use ActionKind as K;
        match self {
            K::Limits | K::Pollers | K::Busy | K::OpenPinned => None,
            K::Poll
            | K::DeleteVersion
            | K::DeleteDeployment
            | K::CreateDeployment
            | K::CreateVersion
            | K::Propagated
            | K::Reactivate => Some(Answer::Outcome),
            K::SetCurrent => Some(Answer::Fields(&["outcome", "previous"])),
            K::SetRamping => Some(Answer::Fields(&[
                "outcome",
                "previous",
                "previousPercentage",
            ])),
            K::SetManager => Some(Answer::Fields(&["outcome", "previousManager"])),
            K::CheckDrainage => Some(Answer::Versions),
            K::Route => Some(Answer::Version),
            K::Describe => Some(Answer::Fields(&["status", "drainage", "taskQueues"])),
            K::DescribeDeployment => Some(Answer::Fields(&[
                "current",
                "ramping",
                "percentage",
                "revision",
                "updateState",
                "manager",
                "lastModifier",
                "versions",
            ])),
            K::Query => Some(Answer::Ok),
            K::Override => Some(Answer::Fields(&["reactivate"])),
        }
    }

    /// Whether a step of this kind returns a conflict token that a later step may name.
    pub const fn returns_token(self) -> bool {
        matches!(
            self,
            ActionKind::SetCurrent | ActionKind::SetRamping | ActionKind::SetManager
        )
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The shape of a successful answer, besides `{"error": CODE, "message": TEXT}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// `"changed"` or `"noop"`.
    Outcome,
    /// `"ok"`.
    Ok,
    /// A version string (`"D.b1"`, or `"__unversioned__"`).
    Version,
    /// An array of version strings.
    Versions,
    /// An object with some of these keys; only the keys given are compared.
    Fields(&'static [&'static str]),
}

/// The `limits` of a trace: a name (`"default"`, `"short"`) or the server's defaults with
/// some fields changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LimitsArgs {
    /// `"default"` (`Limits::SERVER_DEFAULT`) or `"short"` (`Limits::SHORT`).
    Named(String),
    /// The server's defaults with these fields changed.
    Fields(LimitFields),
}

/// The fields of [`LimitsArgs::Fields`], each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct LimitFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_deployments: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_versions_in_deployment: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_task_queues_in_version: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_versions_in_task_queue: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_id_length: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drainage_grace_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drainage_refresh_ms: Option<u64>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A poller: deployment, build ID, task queue and its type (`workflow`, `activity`,
/// `nexus`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PollArgs {
    /// The deployment's name.
    pub deployment: String,
    /// The build ID.
    pub build: String,
    /// The task queue's name.
    pub task_queue: String,
    /// `workflow`, `activity` or `nexus`.
    #[serde(rename = "type")]
    pub kind: QueueType,
}

/// A task queue type as a trace spells it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum QueueType {
    #[default]
    Workflow,
    Activity,
    Nexus,
}

/// A conflict token: the bytes of a string, or the token returned by the step on a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TokenArg {
    /// These bytes (a token no server returned, or an empty one).
    Bytes(String),
    /// `{"line": N}`: what the step on line N returned (empty when it was refused).
    Line {
        /// The earlier line.
        line: usize,
    },
}

/// The arguments of `setCurrent`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct SetCurrentArgs {
    pub deployment: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub build: String,
    /// The deprecated version string, used when `build` is empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default)]
    pub identity: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenArg>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub ignore_missing_task_queues: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_no_pollers: bool,
}

/// A percentage: a number, or `"NaN"`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Percentage {
    /// A number, narrowed to float32 as the server's proto does.
    Number(f64),
    /// `"NaN"` (any other string is refused when the step runs... see [`Percentage::value`]).
    Text(NanWord),
}

/// The one word a percentage may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NanWord {
    /// Not a number.
    NaN,
}

impl Percentage {
    /// The float32 the server would receive.
    #[allow(clippy::cast_possible_truncation)] // the proto's field is a float32
    pub fn value(self) -> f32 {
        match self {
            Percentage::Number(n) => n as f32,
            Percentage::Text(NanWord::NaN) => f32::NAN,
        }
    }
}

/// The arguments of `setRamping`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct SetRampingArgs {
    pub deployment: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub build: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    pub percentage: Percentage,
    #[serde(default)]
    pub identity: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenArg>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub ignore_missing_task_queues: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_no_pollers: bool,
}

/// The arguments of `deleteVersion`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct DeleteVersionArgs {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub deployment: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub build: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub skip_drainage: bool,
    #[serde(default)]
    pub identity: String,
}

/// A deployment and the caller's identity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct DeploymentIdentity {
    pub deployment: String,
    #[serde(default)]
    pub identity: String,
}

/// A deployment's name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct DeploymentName {
    pub deployment: String,
}

/// The arguments of `setManager`: `manager`, or `self: true` for the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct SetManagerArgs {
    pub deployment: String,
    #[serde(default)]
    pub manager: String,
    #[serde(default, rename = "self", skip_serializing_if = "is_false")]
    pub self_manage: bool,
    #[serde(default)]
    pub identity: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenArg>,
}

/// The arguments of `createDeployment` (no `build`) and `createVersion`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct CreateArgs {
    pub deployment: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    #[serde(default)]
    pub identity: String,
    #[serde(default)]
    pub request_id: String,
}

/// A version: deployment and build ID.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct VersionArgs {
    pub deployment: String,
    pub build: String,
}

/// `pollers`: whether the version has pollers from now on (a fact from outside).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct PresenceArgs {
    pub deployment: String,
    pub build: String,
    pub present: bool,
}

/// `busy`: whether a task queue has traffic or backlog on a version from now on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct BusyArgs {
    pub deployment: String,
    pub build: String,
    pub task_queue: String,
    #[serde(rename = "type")]
    pub kind: QueueType,
    pub present: bool,
}

/// `openPinned`: how many open workflows are pinned to the version from now on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct OpenPinnedArgs {
    pub deployment: String,
    pub build: String,
    pub count: u64,
}

/// No arguments: `{}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// `propagated`: the version's propagation-complete signal for a routing revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct PropagatedArgs {
    pub deployment: String,
    pub build: String,
    pub revision: i64,
}

/// `route`: a new workflow on a task queue (of workflow type).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct RouteArgs {
    pub task_queue: String,
    pub workflow_id: String,
    /// The empty workflow ID's random draw in `[0, 1)` (0 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draw: Option<f64>,
}

/// `describe`: a version, by deployment and build ID or by its deprecated string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct DescribeArgs {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub deployment: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub build: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
}

/// `query`: a query to a workflow pinned to a version, on a task queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct QueryArgs {
    pub task_queue: String,
    pub deployment: String,
    pub build: String,
    /// Whether the task queue's root partition has pollers.
    pub root_pollers: bool,
}

impl Action {
    /// The conflict token argument of a step that takes one.
    pub(crate) fn token_mut(&mut self) -> Option<&mut Option<TokenArg>> {
        match self {
            Action::SetCurrent(a) => Some(&mut a.token),
            Action::SetRamping(a) => Some(&mut a.token),
            Action::SetManager(a) => Some(&mut a.token),
            _ => None,
        }
    }
}

/// A versioning override's behavior as a trace spells it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum OverrideBehavior {
    #[default]
    AutoUpgrade,
    Pinned,
    OneTime,
}

/// `override`: the check of a workflow's versioning override on its task queue (of
/// workflow type); `deployment` and `build` name the target, both absent for none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct OverrideArgs {
    pub task_queue: String,
    pub behavior: OverrideBehavior,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
}
