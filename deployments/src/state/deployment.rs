//! One deployment's state (specification.md section A.2).

use std::collections::{BTreeMap, BTreeSet};

use super::routing::RoutingConfig;
use super::token::ConflictToken;
use super::version::VersionInfo;

/// Prefix of the request ID of a deployment created by pollers.
pub(crate) const AUTO_CREATE_PREFIX: &str = "_auto_create_";

/// `RoutingConfigUpdateState`: whether routing changes are still reaching task queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum UpdateState {
    /// Some revision has not been confirmed by a `propagation-complete` event.
    InProgress,
    /// Every revision was confirmed.
    Completed,
}

named! {
    UpdateState, "the proto enum value";
    InProgress => "ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS",
    Completed => "ROUTING_CONFIG_UPDATE_STATE_COMPLETED",
}

/// One deployment: its routing config, versions, token, identities and the revisions
/// still propagating. Times are Unix milliseconds.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DeploymentInfo {
    /// The name.
    pub name: String,
    /// When the deployment was created.
    pub create_time_ms: u64,
    /// The routing config.
    pub routing: RoutingConfig,
    /// The versions, by build ID.
    pub versions: BTreeMap<String, VersionInfo>,
    /// The conflict token.
    pub conflict_token: ConflictToken,
    /// The identity of the last user write (empty for a poller-created deployment).
    pub last_modifier_identity: String,
    /// The manager identity (empty: none).
    pub manager_identity: String,
    /// `propagating_revisions`: per build ID, routing revisions not yet confirmed.
    pub propagating: BTreeMap<String, BTreeSet<i64>>,
    /// The request ID of the creating call (`_auto_create_...` when pollers made it).
    pub create_request_id: String,
}

impl DeploymentInfo {
    pub(crate) fn new(name: &str, now_ms: u64, create_request_id: String) -> Self {
        Self {
            name: name.to_owned(),
            create_time_ms: now_ms,
            routing: RoutingConfig::default(),
            versions: BTreeMap::new(),
            conflict_token: ConflictToken::next(None, now_ms),
            last_modifier_identity: String::new(),
            manager_identity: String::new(),
            propagating: BTreeMap::new(),
            create_request_id,
        }
    }

    /// `IN_PROGRESS` while any revision propagates, otherwise `COMPLETED`.
    pub fn update_state(&self) -> UpdateState {
        if self.propagating.values().any(|r| !r.is_empty()) {
            UpdateState::InProgress
        } else {
            UpdateState::Completed
        }
    }

    /// The version summaries as describe lists them: newest `create_time` first (ties by
    /// build ID).
    pub fn version_summaries(&self) -> Vec<&VersionInfo> {
        let mut out: Vec<_> = self.versions.values().collect();
        out.sort_by(|a, b| {
            b.create_time_ms
                .cmp(&a.create_time_ms)
                .then_with(|| a.key.cmp(&b.key))
        });
        out
    }

    /// Whether pollers created the deployment.
    pub fn auto_created(&self) -> bool {
        self.create_request_id.starts_with(AUTO_CREATE_PREFIX)
    }

    /// Set the token for a write at `now_ms`.
    pub(crate) fn touch(&mut self, now_ms: u64, identity: &str) {
        self.conflict_token = ConflictToken::next(Some(self.conflict_token), now_ms);
        identity.clone_into(&mut self.last_modifier_identity);
    }
}
