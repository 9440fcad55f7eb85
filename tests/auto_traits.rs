//! The public types can cross threads: a server shares one queue's versioning data between
//! its dispatch tasks.

use version_sets::{
    BuildId, BuildIdCompatibility, CompatibleSet, InvalidData, Resolution, SetId, Update,
    UpdateError, VersionSets,
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
}
