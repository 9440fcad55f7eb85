//! The secret key of the hash that indexes a state's build IDs and set IDs.
//!
//! A table indexed by a hash that anyone can compute can be flooded: inputs chosen so that
//! they all hash alike turn every lookup into a scan. The fixed-seed hash this crate used
//! before had a family of 62^8 valid build IDs of 167 bytes with one and the same hash,
//! found without any search (`test-support`'s `hostile::colliding` builds it), and checking
//! 100,000 of them took some 300 times as long as 100,000 ordinary IDs. So every table that
//! untrusted strings are put into is keyed with four secret 64-bit seeds (aHash, whose threat
//! model is this one: an attacker who chooses a map's keys and may see their hashes, but not
//! the seeds), and nothing the crate returns or prints depends on the key: every order comes
//! from the data, never from a hash. README.md section "Hash keys" says what aHash claims and
//! why it replaced SipHash-1-3; section "Performance" what that was measured to save.

use std::fmt;
use std::hash::{BuildHasher, RandomState};

use ahash::AHasher;

/// The key of the hash tables of a state (its build-ID index and its tally of set IDs):
/// the four 64-bit seeds of aHash.
///
/// Each state draws one when it is made ([`HashKey::random`], which [`Default`] calls) and
/// keeps it through clones, updates and the copies that loading and merging make of it.
/// Nothing the crate returns depends on it, so two runs with different keys give the same
/// answers; they differ only in where entries sit in memory. A caller who wants bit-for-bit
/// the same run every time (a fuzzer that compares coverage across runs, or a test that
/// counts probes) fixes it with [`HashKey::fixed`] and
/// [`VersionSets::with_hash_key`](crate::VersionSets::with_hash_key). A fixed key must not
/// be used on input from anyone who can read it: they could choose IDs that collide.
///
/// Its `Debug` output never shows the key.
///
/// ```
/// use version_sets::{BuildId, HashKey, Limits, Update, VersionSets};
///
/// // Two queues with the same updates, one with a key of its own, one with a fixed key:
/// let mut random = VersionSets::new();
/// let mut fixed = VersionSets::new().with_hash_key(HashKey::fixed(7));
/// for queue in [&mut random, &mut fixed] {
///     queue.apply(&Update::add_new_default(BuildId::new("1.0")?), 1, Limits::SERVER_DEFAULT)?;
///     queue.apply(&Update::add_new_default(BuildId::new("2.0")?), 2, Limits::SERVER_DEFAULT)?;
/// }
/// // The key changes nothing that can be seen:
/// assert_eq!(random, fixed);
/// assert_eq!(format!("{:?}", HashKey::fixed(7)), "HashKey(..)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct HashKey {
    seeds: [u64; 4],
}

impl HashKey {
    /// A key no one can know: four words drawn from the standard library's
    /// [`RandomState`], which seeds itself from the operating system's randomness once per
    /// thread and gives each new value a different key.
    pub fn random() -> Self {
        let state = RandomState::new();
        Self {
            seeds: [0_u8, 1, 2, 3].map(|word| state.hash_one(word)),
        }
    }

    /// The key `key`: the same every run, for runs that must repeat bit for bit. Anyone who
    /// knows it can make IDs that collide, so never use it on untrusted input.
    pub const fn fixed(key: u128) -> Self {
        // Truncation keeps the low word; the shift the high one. aHash takes four seeds and
        // says it is robust against the same value given for more than one of them
        // (`ahash::RandomState::with_seeds`), so the two words of `key` fix all four.
        let (low, high) = (key as u64, (key >> 64) as u64);
        Self {
            seeds: [low, high, low, high],
        }
    }
}

impl Default for HashKey {
    /// [`HashKey::random`].
    fn default() -> Self {
        Self::random()
    }
}

impl fmt::Debug for HashKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HashKey(..)")
    }
}

impl BuildHasher for HashKey {
    type Hasher = AHasher;

    fn build_hasher(&self) -> AHasher {
        let [k0, k1, k2, k3] = self.seeds;
        ahash::RandomState::with_seeds(k0, k1, k2, k3).build_hasher()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_keys_differ_and_fixed_ones_repeat() {
        let (a, b) = (HashKey::random(), HashKey::random());
        assert_ne!(a, b);
        assert_ne!(a.hash_one("1.0"), b.hash_one("1.0"));
        assert_eq!(
            HashKey::fixed(7).hash_one("1.0"),
            HashKey::fixed(7).hash_one("1.0")
        );
        assert_ne!(
            HashKey::fixed(7).hash_one("1.0"),
            HashKey::fixed(8).hash_one("1.0")
        );
        // Both halves of a fixed key count.
        assert_ne!(
            HashKey::fixed(1 << 64).hash_one("1.0"),
            HashKey::fixed(0).hash_one("1.0")
        );
    }

    #[test]
    fn debug_never_shows_the_key() {
        assert_eq!(format!("{:?}", HashKey::fixed(u128::MAX)), "HashKey(..)");
    }
}
