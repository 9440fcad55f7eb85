//! What Temporal's tools print about Worker Deployments (specification.md section G), read into what routing
//! needs: `temporal worker deployment describe`, `describe-version` and `list` with
//! `-o json` (Temporal CLI 1.9.1), and DescribeWorkerDeployment's gRPC JSON.
//!
//! Strict inside the deployment data: an unknown field, a value of the wrong type, a key
//! given twice or a version of another deployment is a [`ReadError`] with its JSON path.
//! What lies outside it (fields of the gRPC response beside `workerDeploymentInfo`, a
//! version's `metadata`, task queue `stats`) is read past with a [`ReadNote`].

mod error;
mod read;
mod tree;

pub use error::{Problem, ReadError};
pub use read::read_shown;

use crate::ids::VersionKey;
use crate::queue_key::TaskQueueType;
use crate::routing::QueueView;
use crate::state::{DrainageStatus, Ramp, VersionStatus};

/// Which tool printed a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ShownForm {
    /// `temporal worker deployment describe -o json` (specification.md section G.1).
    Describe,
    /// `temporal worker deployment describe-version -o json` (specification.md section G.2).
    DescribeVersion,
    /// `temporal worker deployment list -o json` (specification.md section G.3).
    List,
    /// DescribeWorkerDeployment's response as proto-JSON (specification.md section G.5).
    Grpc,
}

named! {
    ShownForm, "the tool's name for it";
    Describe => "describe",
    DescribeVersion => "describe-version",
    List => "list",
    Grpc => "grpc",
}

/// A deployment's routing config as a tool shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShownRouting {
    /// The current version; `None` is unversioned.
    pub current: Option<VersionKey>,
    /// The ramp. The CLI prints an unversioned ramp and no ramp alike (empty names): a
    /// percentage above 0 with no ramping version is read as a ramp to unversioned.
    pub ramping: Ramp,
    /// The ramp percentage (float32).
    pub percentage: f32,
    /// The routing revision (gRPC only; the CLI does not print it).
    pub revision: Option<i64>,
}

impl ShownRouting {
    /// The view of a task queue in both the current and the ramping version (specification.md section E.1 for
    /// one deployment whose versions both poll the queue): what a new workflow there is
    /// routed by. The revision is 0 when the document does not carry it.
    pub fn view(&self) -> QueueView {
        let revision = self.revision.unwrap_or(0);
        let ramping = self.ramping.version().cloned();
        QueueView {
            current: self.current.clone(),
            current_revision: revision,
            is_ramping: !(ramping.is_none() && self.percentage == 0.0),
            ramping,
            percentage: self.percentage,
            ramping_revision: revision,
        }
    }
}

/// One version in a deployment's summaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownSummary {
    /// The version.
    pub version: VersionKey,
    /// Its status (gRPC only: the CLI prints none, specification.md section G.1).
    pub status: Option<VersionStatus>,
    /// Its drainage status, when draining or drained.
    pub drainage: Option<DrainageStatus>,
}

/// A deployment as `describe`, `list` or the gRPC response shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownDeployment {
    /// The deployment's name.
    pub name: String,
    /// Its routing config.
    pub routing: ShownRouting,
    /// Its versions, in the document's order (newest first); empty in a listing.
    pub versions: Vec<ShownSummary>,
    /// The manager identity (`""` for none).
    pub manager_identity: String,
    /// The identity of the last write (`describe` and gRPC; `None` in a listing, which
    /// prints `""` whatever it was, specification.md section G.3).
    pub last_modifier_identity: Option<String>,
    /// The conflict token, base64 as printed (gRPC only).
    pub conflict_token: Option<String>,
}

/// One version as `describe-version` shows it: it names no other version, so it cannot
/// say where new workflows go.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownVersion {
    /// The version.
    pub version: VersionKey,
    /// Whether it is current (its `currentSinceTime` is set).
    pub current: bool,
    /// Its ramp percentage, when it is ramping (its `rampingSinceTime` is set).
    pub ramping: Option<f32>,
    /// Its drainage status, when draining or drained.
    pub drainage: Option<DrainageStatus>,
    /// The task queues its workers polled, by name and type.
    pub task_queues: Vec<(String, TaskQueueType)>,
}

/// What a document shows.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Shown {
    /// One deployment (`describe` or the gRPC response).
    Deployment(ShownDeployment),
    /// Every deployment of a namespace (`list`).
    List(Vec<ShownDeployment>),
    /// One version (`describe-version`).
    Version(ShownVersion),
}

/// A field read past, outside the deployment data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadNote {
    /// The field's JSON path.
    pub path: String,
}

impl std::fmt::Display for ReadNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: read past (not deployment routing data)", self.path)
    }
}

/// A document read: which tool printed it, what it shows, and what was read past.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    /// The tool.
    pub form: ShownForm,
    /// What it shows.
    pub shown: Shown,
    /// The fields read past, an object's own before those inside its fields.
    pub notes: Vec<ReadNote>,
}
