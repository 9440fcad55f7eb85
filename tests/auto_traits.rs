//! The public types can cross threads: a server shares one queue's versioning data between
//! its dispatch tasks.

use version_sets::{
    BuildId, BuildIdCompatibility, CompatibleSet, InvalidData, ListedSet, Note, Provenance,
    PublicSets, Rebuilt, Resolution, SetId, Update, UpdateError, VersionSets,
};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn public_types_are_send_and_sync() {
    assert_send_sync::<VersionSets>();
    assert_send_sync::<CompatibleSet>();
    assert_send_sync::<BuildId>();
    assert_send_sync::<SetId>();
    assert_send_sync::<Update>();
    assert_send_sync::<UpdateError>();
    assert_send_sync::<InvalidData>();
    assert_send_sync::<BuildIdCompatibility>();
    assert_send_sync::<Resolution<'static>>();
    assert_send_sync::<ListedSet>();
    assert_send_sync::<PublicSets<'static>>();
    assert_send_sync::<Rebuilt>();
    assert_send_sync::<Provenance>();
    assert_send_sync::<Note>();
    assert_send_sync::<version_sets::Namespace>();
    assert_send_sync::<version_sets::NamespaceUpdateError>();
    assert_send_sync::<version_sets::NamespaceReachabilityError>();
    #[cfg(feature = "serde")]
    {
        assert_send_sync::<version_sets::CheckedData>();
        assert_send_sync::<version_sets::TaskQueueUserData>();
        assert_send_sync::<version_sets::CheckedResponse<'static>>();
        assert_send_sync::<version_sets::CheckedListing<'static>>();
    }
}
