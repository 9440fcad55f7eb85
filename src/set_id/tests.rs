use super::*;

fn h(id: &str) -> String {
    SetId::for_build_id(&BuildId::new(id).unwrap())
        .as_str()
        .to_owned()
}

// Values pinned by the server's `TestHashBuildId` and by the rule `model.set-id-hash` (docs/semantics.md).
#[test]
fn pinned_vectors() {
    assert_eq!(h("my-build-id"), "ftrPuUeORv2JD4Wp2wTU");
    assert_eq!(h("deadbeef"), "K68fQBBdlQH-MZqOxGP9");
    assert_eq!(h("1.0"), "0P9ZdLaqUs9WK-pZIYQM");
    assert_eq!(h("0"), "X-zrZv_IbzjZUnhsbWls");
    assert_eq!(h("1"), "a4ayc_80_OGda4BO_1o_");
    assert_eq!(h("2"), "1HNeOiZeFu7gP1lxi5td");
    assert_eq!(h("3"), "TgdAhWK-24tgzgXB3s_j");
    assert_eq!(h("1.1"), "sF4kR2Kx5HK-iak4AMw-");
    assert_eq!(h("0.1"), "FL5LRfGODYxntPcZtRRO");
}

// Set-ID lists sort bytewise, so H("2") sorts before H("1").
#[test]
fn bytewise_order() {
    assert!(SetId::from_stored(h("2")) < SetId::from_stored(h("1")));
    assert!(SetId::from_stored(h("3")) < SetId::from_stored(h("0")));
    assert!(SetId::from_stored(h("1")) < SetId::from_stored(h("1.1")));
}
