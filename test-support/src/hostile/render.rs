//! Writing a program's document, noting where the first thing serde must refuse ends.

use std::fmt::Write as _;

use version_sets::Hlc;

use super::model::Linear;
use super::program::{Form, Kind, Program, Tail};

/// A data document and where serde's first refusal is due: the offset just past the first
/// value it cannot read (a wrong type, a field it does not know); for the public forms'
/// plain types, which hold [`version_sets::BuildId`]s, also an invalid build ID, which
/// their checked readers report as a violation instead.
pub struct Doc {
    pub text: String,
    pub refusal_end: Option<usize>,
    /// Where the plain types' first refusal is due: at or before `refusal_end`.
    pub plain_refusal_end: Option<usize>,
}

impl Doc {
    fn new() -> Self {
        Doc {
            text: String::new(),
            refusal_end: None,
            plain_refusal_end: None,
        }
    }

    /// Appends `value`; when `refused`, it is a value serde refuses (the first one counts).
    fn value(&mut self, value: &str, refused: bool) {
        self.text.push_str(value);
        if refused && self.refusal_end.is_none() {
            self.refusal_end = Some(self.text.len());
        }
        if refused {
            self.refused_by_plain();
        }
    }

    /// Notes that the plain types refuse the document at the end of what was appended so
    /// far (the earliest refusal counts).
    fn refused_by_plain(&mut self) {
        let end = self.text.len();
        self.plain_refusal_end = Some(self.plain_refusal_end.map_or(end, |first| first.min(end)));
    }
}

/// A string as JSON writes it (serde_json's escaping, as the crate's writer uses).
pub fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// The timestamp of the record at `p` (walls count from 1). Out of order: wall 0 and
/// version `p`, before every other stamp and distinct from other such stamps.
pub fn stamp(p: usize, out_of_order: bool) -> Hlc {
    if out_of_order {
        Hlc {
            wall_clock: 0,
            version: i32::try_from(p).unwrap(),
            cluster_id: 1,
        }
    } else {
        Hlc {
            wall_clock: i64::try_from(p + 1).unwrap(),
            version: 0,
            cluster_id: 1,
        }
    }
}

/// The model's key for a stamp: its order among all of a program's stamps.
pub fn key(stamp: Hlc) -> u64 {
    (u64::try_from(stamp.wall_clock).unwrap() << 20) + u64::try_from(stamp.version).unwrap()
}

fn write_stamp(doc: &mut Doc, stamp: Hlc, numbers: bool, names: &Names) {
    let (wall, cluster) = (stamp.wall_clock, stamp.cluster_id);
    if numbers {
        let _ = write!(
            doc.text,
            "{{\"{}\":{wall},\"version\":{},\"{}\":{cluster}}}",
            names.wall, stamp.version, names.cluster
        );
    } else {
        let _ = write!(
            doc.text,
            "{{\"{}\":\"{wall}\",\"version\":{},\"{}\":\"{cluster}\"}}",
            names.wall, stamp.version, names.cluster
        );
    }
}

/// Field names: the crate's (proto-JSON's JSON names) or the proto field names.
struct Names {
    version_sets: &'static str,
    set_ids: &'static str,
    build_ids: &'static str,
    became: &'static str,
    updated: &'static str,
    wall: &'static str,
    cluster: &'static str,
}

const JSON_NAMES: Names = Names {
    version_sets: "versionSets",
    set_ids: "setIds",
    build_ids: "buildIds",
    became: "becameDefaultTimestamp",
    updated: "stateUpdateTimestamp",
    wall: "wallClock",
    cluster: "clusterId",
};

const PROTO_NAMES: Names = Names {
    version_sets: "version_sets",
    set_ids: "set_ids",
    build_ids: "build_ids",
    became: "became_default_timestamp",
    updated: "state_update_timestamp",
    wall: "wall_clock",
    cluster: "cluster_id",
};

/// The stored form (`Form::Stored`, the data of `Form::TraceStart`, or in proto names).
pub fn stored(program: &Program) -> Doc {
    let proto = program.form == Form::ProtoNames;
    let names = if proto { &PROTO_NAMES } else { &JSON_NAMES };
    let numbers = program.numbers;
    let mut doc = Doc::new();
    doc.text.push('{');
    let _ = write!(doc.text, "\"{}\"", names.version_sets);
    doc.text.push_str(":[");
    for (i, set) in program.sets().into_iter().enumerate() {
        if i > 0 {
            doc.text.push(',');
        }
        let _ = write!(
            doc.text,
            "{{\"{}\":[\"s{i}\"],\"{}\":[",
            names.set_ids, names.build_ids
        );
        for p in set.clone() {
            if p > set.start {
                doc.text.push(',');
            }
            let mark = program.marks[p];
            doc.text.push_str("{\"id\":");
            if mark == Some(Kind::WrongType) {
                doc.value("5", true);
            } else {
                doc.value(&quote(&program.ids[p]), false);
            }
            let state = if mark == Some(Kind::UnspecifiedState) {
                ("\"STATE_UNSPECIFIED\"", "0")
            } else if program.deleted(p) {
                ("\"STATE_DELETED\"", "2")
            } else {
                ("\"STATE_ACTIVE\"", "1")
            };
            let _ = write!(
                doc.text,
                ",\"state\":{},\"{}\":",
                if numbers { state.1 } else { state.0 },
                names.updated
            );
            write_stamp(&mut doc, stamp(p, false), numbers, names);
            let _ = write!(doc.text, ",\"{}\":", names.became);
            if mark == Some(Kind::NullTimestamp) {
                doc.text.push_str("null");
            } else {
                let out_of_order = mark == Some(Kind::OutOfOrder);
                write_stamp(&mut doc, stamp(p, out_of_order), numbers, names);
            }
            doc.text.push('}');
        }
        let _ = write!(doc.text, "],\"{}\":", names.became);
        write_stamp(&mut doc, stamp(set.start, false), numbers, names);
        doc.text.push('}');
    }
    doc.text.push_str("]}");
    doc
}

/// A build ID in a public form: the number 5 for a wrong type; an invalid one is a
/// violation for the checked readers, and the plain types refuse it once the message that
/// holds it is read (`public_json.rs`): whether it was.
fn public_id(doc: &mut Doc, program: &Program, p: usize) -> bool {
    if program.marks[p] == Some(Kind::WrongType) {
        doc.value("5", true);
        false
    } else {
        let id = &program.ids[p];
        doc.value(&quote(id), false);
        version_sets::BuildId::new(id).is_err()
    }
}

/// The public response, exactly as the crate writes it.
pub fn public(program: &Program) -> Doc {
    let mut doc = Doc::new();
    let mut invalid = false;
    doc.text.push_str("{\"majorVersionSets\":[");
    for (i, set) in program.sets().into_iter().enumerate() {
        if i > 0 {
            doc.text.push(',');
        }
        doc.text.push_str("{\"buildIds\":[");
        for p in set.clone() {
            if p > set.start {
                doc.text.push(',');
            }
            invalid |= public_id(&mut doc, program, p);
        }
        doc.text.push_str("]}");
    }
    doc.text.push_str("]}");
    // The response's plain type makes its build IDs `BuildId`s once the whole is read.
    if invalid {
        doc.refused_by_plain();
    }
    doc
}

/// The listing `temporal task-queue get-build-ids -o json` prints.
pub fn listing(program: &Program) -> Doc {
    let mut doc = Doc::new();
    let sets = program.sets();
    doc.text.push('[');
    for (i, set) in sets.iter().enumerate() {
        if i > 0 {
            doc.text.push(',');
        }
        doc.text.push_str("{\"buildIds\":[");
        let mut invalid = false;
        for p in set.clone() {
            if p > set.start {
                doc.text.push(',');
            }
            invalid |= public_id(&mut doc, program, p);
        }
        let last = set.end - 1;
        let _ = write!(
            doc.text,
            "],\"defaultForSet\":{},\"isDefaultSet\":{}}}",
            quote(&program.ids[last]),
            i + 1 == sets.len()
        );
        // A listed set's plain type makes its build IDs `BuildId`s once the set is read.
        if invalid {
            doc.refused_by_plain();
        }
    }
    doc.text.push(']');
    doc
}

/// A model step of a trace line.
#[derive(Debug, Clone, Copy)]
pub enum Op {
    AddDefault(usize),
    AddCompatible(usize, usize),
    PromoteSet(usize),
    PromoteWithin(usize),
    Merge(usize, usize),
}

/// One line of a trace.
pub struct Line {
    pub text: String,
    /// The model's step, for an update line.
    pub op: Option<Op>,
    /// Whether the parser must refuse the line (a wrong type).
    pub malformed: bool,
}

/// A trace: its lines and, for a `start` trace, the stored document of its first line.
pub struct Trace {
    pub lines: Vec<Line>,
    pub start: Option<Doc>,
}

/// A trace: the sets built by updates (or a `start` step), the tail, and a `sets` step with
/// what the model says the steps leave.
pub fn trace(program: &Program) -> Trace {
    let sets = program.sets();
    let mut lines = Vec::new();
    let mut start = None;
    if program.form == Form::TraceStart {
        let doc = stored(program);
        lines.push(Line {
            text: format!("{{\"start\":{{\"data\":{}}}}}", doc.text),
            op: None,
            malformed: doc.refusal_end.is_some(),
        });
        start = Some(doc);
    } else {
        for set in &sets {
            for p in set.clone() {
                let op = if p == set.start {
                    Op::AddDefault(p)
                } else {
                    Op::AddCompatible(p, set.start)
                };
                lines.push(update_line(program, op));
            }
        }
    }
    let tail: Vec<Op> = match program.tail {
        Tail::None => Vec::new(),
        Tail::PromoteSets => sets.iter().map(|set| Op::PromoteSet(set.start)).collect(),
        Tail::PromoteWithin => (0..program.n()).map(Op::PromoteWithin).collect(),
        Tail::Merge | Tail::MergeScattered => match sets.split_last() {
            Some((newest, older)) => {
                let mut order: Vec<usize> = (0..older.len()).collect();
                if program.tail == Tail::MergeScattered {
                    let bits = usize::BITS - older.len().leading_zeros();
                    order.sort_by_key(|&i| i.reverse_bits().checked_shr(usize::BITS - bits));
                }
                order
                    .into_iter()
                    .filter_map(|i| older.get(i))
                    .map(|set| Op::Merge(newest.start, set.start))
                    .collect()
            }
            None => Vec::new(),
        },
    };
    lines.extend(tail.into_iter().map(|op| update_line(program, op)));
    Trace { lines, start }
}

/// The `sets` step asserting `layout`.
pub fn sets_line(layout: &[Vec<String>]) -> Line {
    let sets: Vec<String> = layout
        .iter()
        .map(|set| {
            let ids: Vec<String> = set.iter().map(|id| quote(id)).collect();
            format!("[{}]", ids.join(","))
        })
        .collect();
    Line {
        text: format!("{{\"sets\":[{}]}}", sets.join(",")),
        op: None,
        malformed: false,
    }
}

fn update_line(program: &Program, op: Op) -> Line {
    // A wrong type is written where the build ID is introduced.
    let introduced = match op {
        Op::AddDefault(p) | Op::AddCompatible(p, _) => Some(p),
        _ => None,
    };
    let malformed = introduced.is_some_and(|p| program.marks[p] == Some(Kind::WrongType));
    let id = |p: usize| {
        if malformed && introduced == Some(p) {
            "5".to_owned()
        } else {
            quote(&program.ids[p])
        }
    };
    let body = match op {
        Op::AddDefault(p) => format!("{{\"addNewBuildIdInNewDefaultSet\":{}}}", id(p)),
        Op::AddCompatible(p, e) => format!(
            "{{\"addNewCompatibleBuildId\":{{\"newBuildId\":{},\"existingCompatibleBuildId\":{},\"makeSetDefault\":{}}}}}",
            id(p),
            id(e),
            program.make_default
        ),
        Op::PromoteSet(p) => format!("{{\"promoteSetByBuildId\":{}}}", id(p)),
        Op::PromoteWithin(p) => format!("{{\"promoteBuildIdWithinSet\":{}}}", id(p)),
        Op::Merge(p, s) => format!(
            "{{\"mergeSets\":{{\"primarySetBuildId\":{},\"secondarySetBuildId\":{}}}}}",
            id(p),
            id(s)
        ),
    };
    Line {
        text: format!("{{\"update\":{body}}}"),
        op: Some(op),
        malformed,
    }
}

/// Runs `op` on the model.
pub fn step<'a>(model: &mut Linear<'a>, program: &'a Program, op: Op) -> super::model::Outcome {
    let id = |p: usize| program.ids[p].as_str();
    match op {
        Op::AddDefault(p) => model.add_default(id(p)),
        Op::AddCompatible(p, e) => model.add_compatible(id(p), id(e), program.make_default),
        Op::PromoteSet(p) => model.promote_set(id(p)),
        Op::PromoteWithin(p) => model.promote_within(id(p)),
        Op::Merge(p, s) => model.merge(id(p), id(s)),
    }
}
