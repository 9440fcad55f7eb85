//! The program an input's bytes decode to: which document to write, how big, with which
//! build IDs, and which defects to splice in.
//!
//! Bytes past the end of the input read as zero, so every input is a program and a short
//! seed is a small one. The layout, byte by byte:
//!
//! | byte | meaning |
//! | --- | --- |
//! | 0 | the form: stored, stored in proto names, public response, listing, trace of updates, trace from a `start` step (`% 6`) |
//! | 1 | bits 0-1: the sets (one giant set, N sets of one ID, sets of `width` IDs; `% 3`); bits 2-3: the trace's tail (none, promote every set oldest first, promote every build ID within its set, merge every set into the newest); bit 4: `makeSetDefault` on compatible adds; bit 5: the stored form's other spelling (int64 and states as JSON numbers); bit 6: merges in bit-reversed order rather than oldest first; bit 7: build IDs of a colliding family (`crate::colliding`, the one at byte 4 modulo their number) in place of byte 4's length and byte 5's alphabet |
//! | 2-3 | N, the number of build IDs: a little-endian `u16` scaled to `0..=MAX_N` |
//! | 4 | the length of a build ID in bytes, `1 + b % 255` (at least what makes them distinct) |
//! | 5 | the alphabet (`% 4`): digits, letters, characters JSON escapes, multi-byte characters |
//! | 6 | the width of a set for the third kind of sets: `2 + b` |
//! | 7 | every `b`-th build ID of the stored forms is a tombstone (`0`: none) |
//! | 8.. | up to [`MAX_DEFECTS`] defects of 4 bytes: kind (`% 8`, bits 3-7 a distance for duplicates), position (a `u16` scaled to `0..N`), stride (`0`: once, else at every stride-th ID from the position on) |

use version_sets::MAX_BUILD_ID_LEN;

/// The most build IDs a program writes. In the optimised, coverage-instrumented fuzz build
/// every shape at this size is checked in at most about 2 s (the largest, a stored form of
/// 32,000 IDs of 255 escaped characters, some 17 MB, in 1.7 s; most in under 0.7 s), and
/// doubling N doubles the time; so a run that reaches libFuzzer's `-timeout` (10 s in CI)
/// has met a superlinear path: a quadratic one costs a minute or more at this size.
///
/// Scaled down 128 times when debug assertions are on: the library then checks every
/// invariant after every mutation, which makes replaying N operations cost N², and
/// `cargo test` replays the committed seeds in a debug build. Sizes are scaled, not capped,
/// so a seed keeps its proportions (and its defects their relative places) in both builds.
pub const MAX_N: usize = if cfg!(debug_assertions) { 256 } else { 1 << 15 };

/// The most defects one program splices in.
pub const MAX_DEFECTS: usize = 16;

/// Which accepted shape the document has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Temporal's stored `VersioningData`, as the crate writes it.
    Stored,
    /// The same with proto field names (`version_sets`...), which the model reads as it
    /// reads the JSON names.
    ProtoNames,
    /// The public `GetWorkerBuildIdCompatibility` response.
    Public,
    /// What `temporal task-queue get-build-ids -o json` prints.
    Listing,
    /// A trace building the sets with updates, then its tail.
    Trace,
    /// A trace starting from the stored form, then its tail.
    TraceStart,
}

/// How the build IDs are grouped into sets (oldest first, in position order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    OneSet,
    ManySets,
    Grid(usize),
}

/// What a trace does once the sets are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tail {
    None,
    /// Promote every set, oldest first, by its first build ID.
    PromoteSets,
    /// Promote every build ID within its set, in position order.
    PromoteWithin,
    /// Merge every other set (by its first build ID) into the newest (by its first),
    /// oldest first.
    Merge,
    /// The same merges in the bit-reversed order of the sets' places, so that each lands in
    /// the middle of the growing set rather than at an end.
    MergeScattered,
}

/// A defect spliced in at a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The build ID is written as the number 5: serde refuses the document (a trace, the
    /// line).
    WrongType,
    /// The build ID repeats the one `2 + distance` positions earlier.
    Duplicate(usize),
    /// A build ID of 256 bytes.
    LongId,
    /// An empty build ID.
    EmptyId,
    /// Stored forms: the record's `becameDefaultTimestamp` is `null`.
    NullTimestamp,
    /// Stored forms: the record's state is `STATE_UNSPECIFIED`.
    UnspecifiedState,
    /// Stored forms: the record became default at wall time 0, before the ones listed
    /// before it.
    OutOfOrder,
    /// The document ends early (the position is a fraction of its length).
    Truncate,
}

/// A decoded program.
#[derive(Debug, Clone)]
pub struct Program {
    pub form: Form,
    pub layout: Layout,
    pub tail: Tail,
    pub make_default: bool,
    /// Stored forms: int64 values and states as JSON numbers rather than as the crate
    /// writes them.
    pub numbers: bool,
    /// Stored forms: every `deleted_every`-th build ID is a tombstone (0: none).
    pub deleted_every: usize,
    /// The build ID at each position, defects applied.
    pub ids: Vec<String>,
    /// The defect at each position (the last one spliced there wins).
    pub marks: Vec<Option<Kind>>,
    /// Where to cut the document, as a fraction of its length in 65,536ths.
    pub cut: Option<usize>,
}

/// Reads bytes, zeros past the end.
struct Bytes<'a>(std::slice::Iter<'a, u8>);

impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        self.0.next().copied().unwrap_or(0)
    }

    fn u16(&mut self) -> usize {
        usize::from(u16::from_le_bytes([self.u8(), self.u8()]))
    }
}

impl Program {
    pub fn decode(data: &[u8]) -> Self {
        let mut bytes = Bytes(data.iter());
        let form = match bytes.u8() % 6 {
            0 => Form::Stored,
            1 => Form::ProtoNames,
            2 => Form::Public,
            3 => Form::Listing,
            4 => Form::Trace,
            _ => Form::TraceStart,
        };
        let shape = bytes.u8();
        let n = bytes.u16() * MAX_N / usize::from(u16::MAX);
        let id_len = 1 + usize::from(bytes.u8()) % MAX_BUILD_ID_LEN;
        let alphabet = ALPHABETS[usize::from(bytes.u8()) % ALPHABETS.len()];
        let width = 2 + usize::from(bytes.u8());
        let deleted_every = usize::from(bytes.u8());
        let layout = match shape % 4 % 3 {
            0 => Layout::OneSet,
            1 => Layout::ManySets,
            _ => Layout::Grid(width),
        };
        let tail = match (shape >> 2) % 4 {
            0 => Tail::None,
            1 => Tail::PromoteSets,
            2 => Tail::PromoteWithin,
            _ if shape & 0x40 != 0 => Tail::MergeScattered,
            _ => Tail::Merge,
        };
        let mut program = Program {
            form,
            layout,
            tail,
            make_default: shape & 0x10 != 0,
            numbers: shape & 0x20 != 0,
            deleted_every,
            ids: if shape & 0x80 != 0 {
                colliding_ids(n, id_len)
            } else {
                (0..n).map(|p| build_id(p, n, id_len, alphabet)).collect()
            },
            marks: vec![None; n],
            cut: None,
        };
        for _ in 0..MAX_DEFECTS {
            if bytes.0.len() == 0 {
                break;
            }
            let code = bytes.u8();
            let at = bytes.u16();
            let every = usize::from(bytes.u8());
            let kind = match code % 8 {
                0 => Kind::WrongType,
                1 => Kind::Duplicate(usize::from(code >> 3)),
                2 => Kind::LongId,
                3 => Kind::EmptyId,
                4 => Kind::NullTimestamp,
                5 => Kind::UnspecifiedState,
                6 => Kind::OutOfOrder,
                _ => Kind::Truncate,
            };
            if kind == Kind::Truncate {
                program.cut = Some(program.cut.map_or(at, |cut| cut.min(at)));
                continue;
            }
            let mut p = at * n / 65_536;
            while p < n {
                program.marks[p] = Some(kind);
                if every == 0 {
                    break;
                }
                p += every;
            }
        }
        // In position order, so that a duplicate of a duplicate repeats what it copies.
        for p in 0..n {
            match program.marks[p] {
                Some(Kind::LongId) => program.ids[p] = format!("{}{p}", "L".repeat(256)),
                Some(Kind::EmptyId) => program.ids[p] = String::new(),
                Some(Kind::Duplicate(distance)) => match p.checked_sub(2 + distance) {
                    Some(source) => program.ids[p] = program.ids[source].clone(),
                    None => program.marks[p] = None,
                },
                _ => {}
            }
        }
        program
    }

    /// How many build IDs (positions) there are.
    pub fn n(&self) -> usize {
        self.ids.len()
    }

    /// The positions of each set, oldest set first.
    pub fn sets(&self) -> Vec<std::ops::Range<usize>> {
        let n = self.n();
        let width = match self.layout {
            Layout::OneSet => n.max(1),
            Layout::ManySets => 1,
            Layout::Grid(width) => width,
        };
        (0..n.div_ceil(width))
            .map(|i| i * width..((i + 1) * width).min(n))
            .collect()
    }

    /// Whether the record at `p` is a tombstone (stored forms only).
    pub fn deleted(&self, p: usize) -> bool {
        self.deleted_every > 0 && p % self.deleted_every == self.deleted_every - 1
    }

    /// Whether any defect other than a cut is spliced in.
    pub fn has_marks(&self) -> bool {
        self.marks.iter().any(Option::is_some)
    }
}

/// `n` IDs of the colliding family chosen by `choice` (modulo their number): IDs that the
/// crate's old public hash hashed alike, which its keyed index must take in linear time.
fn colliding_ids(n: usize, choice: usize) -> Vec<String> {
    let families = crate::colliding::families();
    match families.get(choice % families.len().max(1)) {
        Some(family) => family.ids(n),
        None => Vec::new(),
    }
}

/// The alphabets build IDs are written in: plain, JSON-escaped (a quote, a backslash, a
/// newline and a control character), and multi-byte UTF-8 of every width.
const ALPHABETS: [&[char]; 4] = [
    &['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    &['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
    &['"', '\\', '\n', '\u{1}', '/', 'a'],
    &['é', '€', '😀', 'ß'],
];

/// The build ID at position `p` of `n`: `p` in a fixed number of the alphabet's digits, after
/// as much padding (the alphabet's first character) as fits in `len` bytes. Distinct for
/// distinct positions (the same number of characters, different digits); at most 255 bytes.
fn build_id(p: usize, n: usize, len: usize, alphabet: &[char]) -> String {
    let base = alphabet.len();
    let mut width = 1;
    let mut reach = base;
    while reach < n {
        reach *= base;
        width += 1;
    }
    let mut digits = Vec::with_capacity(width);
    let mut rest = p;
    for _ in 0..width {
        digits.push(alphabet[rest % base]);
        rest /= base;
    }
    let digits: String = digits.into_iter().rev().collect();
    let pad = alphabet[0];
    let count = len.saturating_sub(digits.len()) / pad.len_utf8();
    let mut id = String::with_capacity(len);
    id.extend(std::iter::repeat_n(pad, count));
    id.push_str(&digits);
    id
}
