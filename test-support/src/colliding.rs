//! Build IDs that all hash alike under a hash anyone can compute: the flood the crate's
//! keyed index (`src/hash_key.rs`) is there to stop.
//!
//! The crate once indexed build IDs with foldhash's `fast::FixedState`, whose seeds are
//! public constants. For an input of 129 to 256 bytes, foldhash's first round multiplies
//! each lane's 8 bytes, XORed with the lane's state, by 8 later bytes; the lane's state
//! before the first round is fixed by the length and the seeds alone. Writing exactly that
//! state into the lane's bytes makes the first factor zero, so the product (and the whole
//! hash) no longer depends on the 8 later bytes: 62^8 alphanumeric IDs with one hash, no
//! search needed. Inputs of 17 to 128 bytes go straight to the final rounds, where the
//! same trick frees the 8 bytes each lane's first multiply pairs with.
//!
//! Each candidate is kept only if the fixed bytes are valid UTF-8 among ASCII (a build ID
//! is a string) and two IDs of the family really do hash alike under `FixedState`, so
//! every [`Family`] returned is a real attack on that hasher, checked here, not assumed.

use std::hash::BuildHasher;

/// foldhash 0.2's public constants: the per-hasher seed of `FixedState::default()` and the
/// shared fixed seeds (its `ARBITRARY3` and `ARBITRARY6..=9`).
const PER_HASHER_SEED: u64 = 0x082e_fa98_ec4e_6c89;
const SEEDS: [u64; 4] = [
    0xc0ac_29b7_c97c_50dd,
    0x3f84_d5b5_b547_0917,
    0x9216_d5d9_8979_fb1b,
    0xd131_0ba6_98df_b5ac,
];

/// The filler of every byte of an ID that is neither fixed nor free.
const FILLER: u8 = b'a';

/// The characters of the free bytes.
const ALPHANUMERIC: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A family of IDs of `len` bytes that share one foldhash `FixedState` hash: `fixed` at
/// `fixed_at`, any 8 alphanumeric bytes at `free_at`, and the filler elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    pub len: usize,
    pub fixed_at: usize,
    pub fixed: [u8; 8],
    pub free_at: usize,
}

impl Family {
    /// The `i`-th ID of the family (distinct for every `i` below 62^8), as a string.
    pub fn id(&self, i: u64) -> String {
        let mut bytes = vec![FILLER; self.len];
        bytes[self.fixed_at..self.fixed_at + 8].copy_from_slice(&self.fixed);
        let mut rest = i;
        for byte in &mut bytes[self.free_at..self.free_at + 8] {
            *byte = ALPHANUMERIC[(rest % 62) as usize];
            rest /= 62;
        }
        String::from_utf8(bytes).expect("fixed bytes are checked to be UTF-8")
    }

    /// The first `n` IDs of the family.
    pub fn ids(&self, n: usize) -> Vec<String> {
        (0..n as u64).map(|i| self.id(i)).collect()
    }

    /// IDs of the same length as the family's with every byte but the filler varying (the
    /// baseline a flood is measured against): the `i`-th, distinct for every `i` below 62^8.
    pub fn ordinary_id(&self, i: u64) -> String {
        let mut bytes = vec![FILLER; self.len];
        let mut rest = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        for byte in bytes.iter_mut().step_by(7) {
            *byte = ALPHANUMERIC[(rest % 62) as usize];
            rest = rest.rotate_left(13).wrapping_mul(0x2545_f491_4f6c_dd1d);
        }
        let mut index = i;
        for byte in &mut bytes[self.len - 8..] {
            *byte = ALPHANUMERIC[(index % 62) as usize];
            index /= 62;
        }
        String::from_utf8(bytes).expect("ASCII")
    }
}

/// Every family there is, for every length from 17 to the longest build ID (255 bytes).
pub fn families() -> Vec<Family> {
    let mut found = Vec::new();
    for len in 17..=version_sets::MAX_BUILD_ID_LEN {
        let state = PER_HASHER_SEED.rotate_right(len as u32);
        let candidates: Vec<(usize, u64, usize)> = if len > 128 {
            // The first round of the long path: lane k's bytes 8k.. against 32 + 8k..
            // (lanes 0 to 3; for more than 192 bytes the second round reads bytes 64.. on).
            let lanes = [state, state.wrapping_add(SEEDS[1])];
            let more = [state.wrapping_add(SEEDS[2]), state.wrapping_add(SEEDS[3])];
            let mut all = vec![(0, lanes[0], 32), (8, lanes[1], 40)];
            all.extend([(16, more[0], 48), (24, more[1], 56)]);
            all
        } else {
            // The final rounds: lane 0's bytes 0.. against len - 16.., lane 1's 8.. against
            // len - 8...
            vec![
                (0, state, len - 16),
                (8, state.wrapping_add(SEEDS[1]), len - 8),
            ]
        };
        for (fixed_at, value, free_at) in candidates {
            let family = Family {
                len,
                fixed_at,
                fixed: value.to_le_bytes(),
                free_at,
            };
            let overlaps = fixed_at < free_at + 8 && free_at < fixed_at + 8;
            if !overlaps && std::str::from_utf8(&family.fixed).is_ok() && collides(&family) {
                found.push(family);
            }
        }
    }
    found
}

/// Whether the family's IDs share one hash under foldhash's `FixedState`, checked on a
/// few that differ in every free byte.
fn collides(family: &Family) -> bool {
    let fixed = foldhash::fast::FixedState::default();
    let first = fixed.hash_one(family.id(0));
    [1, 61, 62 * 62 * 62 + 5, 62_u64.pow(8) - 1]
        .into_iter()
        .all(|i| fixed.hash_one(family.id(i)) == first)
}
