//! Conformance traces for Worker Deployments: JSON Lines, one step a line, in the same
//! family as the version-set traces of `version-sets-trace` (the same line bounds, strict
//! JSON, `{"error": CODE, "message": TEXT}` answers and `passed`/`failed` report).
//!
//! A trace starts with the header `{"format": "deployments"}`; each step has one action
//! key (the table is [`ActionKind::ALL`]), an optional `now` (Unix milliseconds) and an
//! optional `expect`. `deployments/docs/trace-format.md` describes the format; the
//! vectors are in `deployments/vectors/`.
//!
//! - `step`: the values ([`Step`], [`Action`], [`ActionKind`]);
//! - `read`: the strict reader ([`parse`], [`is_deployments`]);
//! - `write`: the writer ([`Step::to_line`], [`write()`], [`write_with_comment`],
//!   [`renumber`]);
//! - `run`: the runner ([`Session`], one step at a time; [`run`], [`replay`]);
//! - `generate`: seeded random steps whose expectations are the model's ([`generate`]);
//! - `plan`: rollout plan files, timed steps for `worker_deployments::Plan` ([`read_plan`]),
//!   and a plan as a trace the model passes ([`plan_to_trace`]).

// Traces are untrusted input: a bad line must end in an error, never a panic.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod generate;
mod plan;
mod read;
mod run;
mod step;
mod write;

pub use generate::{WEIGHTS, generate, generate_only};
pub use plan::{PlanFile, plan_to_trace, read_plan};
pub use read::{HEADER, TraceError, is_deployments, parse};
pub use run::{Failure, Report, Session, replay, run};
pub use step::{
    Action, ActionKind, Answer, BusyArgs, CreateArgs, DeleteVersionArgs, DeploymentIdentity,
    DeploymentName, DescribeArgs, Empty, LimitFields, LimitsArgs, NanWord, OpenPinnedArgs,
    OverrideArgs, OverrideBehavior, Percentage, PollArgs, PresenceArgs, PropagatedArgs, QueryArgs,
    QueueType, RouteArgs, SetCurrentArgs, SetManagerArgs, SetRampingArgs, Step, TokenArg,
    VersionArgs,
};
pub use write::{renumber, write, write_with_comment, write_with_comments};
