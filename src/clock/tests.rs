use super::*;

const fn hlc(wall_clock: i64, version: i32, cluster_id: i64) -> Hlc {
    Hlc {
        wall_clock,
        version,
        cluster_id,
    }
}

#[test]
fn next_takes_a_later_wall_time_and_resets_the_version() {
    assert_eq!(hlc(5, 7, 3).next(9), hlc(9, 0, 3));
}

#[test]
fn next_counts_up_when_the_wall_time_stands_still_or_goes_back() {
    assert_eq!(hlc(5, 7, 3).next(5), hlc(5, 8, 3));
    assert_eq!(hlc(5, 7, 3).next(-100), hlc(5, 8, 3));
}

#[test]
fn next_moves_the_wall_on_instead_of_overflowing_the_version() {
    assert_eq!(hlc(5, i32::MAX, 3).next(5), hlc(6, 0, 3));
    assert_eq!(
        hlc(i64::MAX, i32::MAX, 3).next(0),
        hlc(i64::MAX, i32::MAX, 3)
    );
}

#[test]
fn order_is_lexicographic_wall_version_cluster() {
    assert!(hlc(1, 9, 9) < hlc(2, 0, 0));
    assert!(hlc(1, 1, 9) < hlc(1, 2, 0));
    assert!(hlc(1, 1, 1) < hlc(1, 1, 2));
    assert_eq!(hlc(4, 5, 6).to_string(), "(4, 5, 6)");
}

/// `model.list-order`: across clusters a stamp may come after a later one; within one
/// cluster never, however many other clusters' stamps lie between.
#[test]
fn list_order_is_checked_per_cluster() {
    let mut order = ListOrder::default();
    assert_eq!(order.place(hlc(100, 0, 1)), Placed::InOrder);
    assert_eq!(
        order.place(hlc(95, 0, 2)),
        Placed::AcrossClusters {
            before: hlc(100, 0, 1)
        }
    );
    // After its own cluster's previous: in order (the disorder was counted once).
    assert_eq!(order.place(hlc(96, 0, 2)), Placed::InOrder);
    assert_eq!(
        order.place(hlc(97, 0, 1)),
        Placed::SameCluster {
            before: hlc(100, 0, 1)
        }
    );
    // Compared with the stamp that broke the order, as the list is read.
    assert_eq!(order.place(hlc(99, 0, 1)), Placed::InOrder);
    assert_eq!(
        order.place(hlc(90, 0, 2)),
        Placed::SameCluster {
            before: hlc(96, 0, 2)
        }
    );
    assert_eq!(order.place(hlc(101, 0, 3)), Placed::InOrder);
    order.clear();
    assert_eq!(order.place(hlc(1, 0, 1)), Placed::InOrder);
    // Ties are in order.
    assert_eq!(order.place(hlc(1, 0, 1)), Placed::InOrder);
}
