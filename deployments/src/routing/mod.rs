//! Routing (specification.md section E): pure functions of a task queue's view, a workflow's versioning info
//! and its ID.

mod threshold;
mod view;
mod workflow;

pub use threshold::{fingerprint32, is_ramped, ramp_threshold};
pub use view::QueueView;
pub use workflow::sticky_usable;
pub use workflow::{Behavior, Inherited, Override, Routed, WorkflowVersioning};
pub use workflow::{inherit, route_activity, route_new_workflow, route_nexus, route_workflow_task};
