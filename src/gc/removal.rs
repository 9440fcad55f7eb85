//! Removing build IDs as the server's scavenger does, which depends on whether the
//! namespace replicates: see [`VersionSets::remove_unused`](crate::VersionSets::remove_unused).

/// Whether a namespace is replicated to other clusters, which decides when tombstones go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClusterMode {
    /// Tombstones are cleared in the same update that makes them: they never persist.
    SingleCluster,
    /// Tombstones persist and are replicated, so that other clusters delete the build IDs
    /// too; a second, local update (not replicated) then clears them here.
    MultiCluster,
}

named! {
    ClusterMode, "the command's word";
    SingleCluster => "single-cluster",
    MultiCluster => "multi-cluster",
}
