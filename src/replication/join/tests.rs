use super::UnionFind;

#[test]
fn union_find_joins_transitively_and_keeps_others_apart() {
    let mut groups = UnionFind::new(6);
    groups.union(0, 1);
    groups.union(3, 4);
    groups.union(1, 4);
    let root = groups.find(0);
    for node in [1, 3, 4] {
        assert_eq!(groups.find(node), root, "node {node}");
    }
    assert_ne!(groups.find(2), root);
    assert_ne!(groups.find(5), root);
    assert_ne!(groups.find(2), groups.find(5));
    // Out of range is its own group, never a panic.
    assert_eq!(groups.find(99), 99);
}
