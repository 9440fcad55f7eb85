//! The bounds of a line read through a JSON tree: how long it may be, and how large its tree
//! may grow, checked before the tree is built by a pass that builds nothing.
//!
//! `serde_json::Value` costs 32 bytes a value, and a non-empty object a B-tree node of some
//! 630 bytes: a line of tiny objects (`[{"":0},{"":0},...]`) took 95 times its bytes as a
//! tree. A line whose tree would take more than [`TREE_BYTES_PER_BYTE`] times its bytes is
//! refused instead; a line longer than [`MAX_LINE_BYTES`] is refused before it is read. A
//! step that carries a state (`start`, `mergeReplica`, `receiveReplica`) is read straight
//! into its typed form (`v2::start_line`, `replication::replica_line`), without a tree, and
//! is held only to the file's cap.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// The longest line read through a JSON tree, in bytes (8 MiB, without its line end): every
/// trace step but one that carries a state (`start`, `mergeReplica`, `receiveReplica`),
/// every line of operations, every request of `version-sets serve --stdio` but such a step.
pub const MAX_LINE_BYTES: usize = 8 * 1024 * 1024;

/// The most a line's JSON tree may take, as a multiple of the line's bytes (estimated before
/// it is built: see [`tree_bytes`]); a line short enough may take up to
/// [`MIN_TREE_BYTES`]. Honest lines come close to it: a `sets` step expecting a thousand
/// sets of one short build ID (`["0001"],` is 9 bytes, and some 220 as a tree: an array
/// slot, an array, a string) is about 25 times its bytes, and the `hostile` fuzz target
/// found one such trace refused at 24; shorter IDs reach some 28.
pub const TREE_BYTES_PER_BYTE: usize = 32;

/// The tree any line may take, however short (a one-object step costs a B-tree node of some
/// 630 bytes, many times a short line).
pub const MIN_TREE_BYTES: usize = 64 * 1024;

/// The bytes of a `Value` (its slot in its parent's array or map).
const VALUE: u64 = 32;
/// The bytes of one leaf node of the `BTreeMap` a `Value::Object` is (11 keys of 24 bytes, 11
/// values of 32, and its header), with the allocator's header.
const NODE: u64 = 648;
/// Members a node holds when the tree is full; nodes split half full, so an object of more
/// is counted a node for every 5 members.
const NODE_MEMBERS: u64 = 11;
/// The allocator's header on each allocation.
const ALLOCATION: u64 = 16;

/// Checks a line against [`MAX_LINE_BYTES`] and its tree against [`TREE_BYTES_PER_BYTE`].
/// Text that is not JSON passes: the reader that builds the tree words its error.
///
/// # Errors
/// `the line is N bytes long, more than the 8388608 (8 MiB) a line may hold`, or `the
/// line's JSON would take about N bytes as a tree, more than 32 times its M bytes`.
///
/// # Example
/// ```
/// use version_sets_trace::{check_line, MAX_LINE_BYTES};
///
/// assert!(check_line(br#"{"poll": "1.0"}"#).is_ok());
/// let long = vec![b' '; MAX_LINE_BYTES + 1];
/// assert_eq!(
///     check_line(&long).unwrap_err(),
///     "the line is 8388609 bytes long, more than the 8388608 (8 MiB) a line may hold"
/// );
/// ```
pub fn check_line(line: &[u8]) -> Result<(), String> {
    if line.len() > MAX_LINE_BYTES {
        return Err(format!(
            "the line is {} bytes long, more than the {MAX_LINE_BYTES} (8 MiB) a line may hold",
            line.len()
        ));
    }
    check_tree(line)
}

/// Checks the tree alone, for text held to another cap (an implementation's answer, read
/// by `version-sets conform` up to 64 MiB).
///
/// # Errors
/// As for [`check_line`], the second message.
pub fn check_tree(text: &[u8]) -> Result<(), String> {
    let Some(tree) = tree_bytes(text) else {
        return Ok(());
    };
    let bytes = u64::try_from(text.len()).unwrap_or(u64::MAX);
    let most = u64::try_from(TREE_BYTES_PER_BYTE)
        .unwrap_or(u64::MAX)
        .saturating_mul(bytes)
        .max(u64::try_from(MIN_TREE_BYTES).unwrap_or(u64::MAX));
    if tree > most {
        return Err(format!(
            "the line's JSON would take about {tree} bytes as a tree, more than \
             {TREE_BYTES_PER_BYTE} times its {bytes} bytes"
        ));
    }
    Ok(())
}

/// An estimate, from above, of the bytes `serde_json::Value` takes for `text` (`None` when
/// it is not one JSON value): each value's slot, each string's and key's bytes, each array's
/// slots at the capacity doubling leaves, each object's B-tree nodes, and an allocation
/// header on each.
///
/// # Example
/// ```
/// use version_sets_trace::tree_bytes;
///
/// assert_eq!(tree_bytes(b"[]"), Some(32));
/// assert_eq!(tree_bytes(b"[{}]"), Some(32 + 4 * 32 + 16));
/// assert_eq!(tree_bytes(b"not json"), None);
/// ```
#[must_use]
pub fn tree_bytes(text: &[u8]) -> Option<u64> {
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    let heap = Estimate.deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(heap.saturating_add(VALUE))
}

/// A value's heap bytes (its slot is its parent's).
struct Estimate;

impl<'de> DeserializeSeed<'de> for Estimate {
    type Value = u64;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<u64, D::Error> {
        deserializer.deserialize_any(self)
    }
}

fn string(len: usize) -> u64 {
    match len {
        0 => 0,
        len => u64::try_from(len)
            .unwrap_or(u64::MAX)
            .saturating_add(ALLOCATION),
    }
}

impl<'de> Visitor<'de> for Estimate {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<u64, E> {
        Ok(0)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<u64, E> {
        Ok(0)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<u64, E> {
        Ok(0)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<u64, E> {
        Ok(0)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        Ok(string(v.len()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<u64, E> {
        Ok(0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        let mut count: u64 = 0;
        let mut heap: u64 = 0;
        while let Some(item) = seq.next_element_seed(Estimate)? {
            count += 1;
            heap = heap.saturating_add(item);
        }
        let slots = match count {
            0 => return Ok(heap),
            count => count.next_power_of_two().max(4),
        };
        Ok(heap
            .saturating_add(slots.saturating_mul(VALUE))
            .saturating_add(ALLOCATION))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u64, A::Error> {
        let mut count: u64 = 0;
        let mut heap: u64 = 0;
        while let Some(key) = map.next_key_seed(KeyBytes)? {
            count += 1;
            heap = heap
                .saturating_add(key)
                .saturating_add(map.next_value_seed(Estimate)?);
        }
        let nodes = match count {
            0 => 0,
            count if count <= NODE_MEMBERS => 1,
            count => count.div_ceil(5),
        };
        Ok(heap.saturating_add(nodes.saturating_mul(NODE)))
    }
}

/// A key's heap bytes, read without keeping it.
struct KeyBytes;

impl<'de> DeserializeSeed<'de> for KeyBytes {
    type Value = u64;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<u64, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyBytes {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        Ok(string(v.len()))
    }
}
