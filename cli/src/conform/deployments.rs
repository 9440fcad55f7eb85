//! Worker Deployments traces over the conformance protocol (docs/conformance.md, "Worker
//! Deployments traces"): playing one to the child against the model, shrinking a
//! disagreement, and printing the minimal trace.

use serde_json::{Value, json};
use worker_deployments_trace::{self as wd, ActionKind, Session, Step};

use super::child::{Child, ChildError};
use super::observes::{Declaration, Level};
use super::shrink::{BUDGET, drop_chunks};
use super::tally::{Kind, Tally};
use crate::{Output, Status};

/// The first answer that differs from the model's.
#[derive(Debug, Clone)]
pub(crate) struct Mismatch {
    /// The position of the step in the trace.
    pub(crate) index: usize,
    /// The model's answer (`{}` for a fact, which takes any JSON object).
    pub(crate) expected: Value,
    /// The child's answer.
    pub(crate) got: Value,
}

/// Whether a step changes the state later steps observe: every kind but the four
/// questions. A trace stops at one the implementation does not observe.
pub(crate) const fn changes_state(kind: ActionKind) -> bool {
    !matches!(
        kind,
        ActionKind::Route
            | ActionKind::Describe
            | ActionKind::DescribeDeployment
            | ActionKind::Query
    )
}

/// Plays `steps` to the child after a deployments reset, numbered as the protocol numbers
/// them ([`wd::renumber`]), comparing each answer with the model's as the reset answer
/// declares (counted in `tally`): the first disagreement, if any; or the step (`None`: the
/// reset) at which the child failed.
pub(crate) fn play(
    child: &mut Child,
    steps: &[Step],
    tally: &mut Tally,
) -> Result<Option<Mismatch>, (Option<usize>, ChildError)> {
    let reset = child
        .ask(&json!({"reset": true, "format": "deployments"}).to_string())
        .map_err(|error| (None, error))?;
    let declaration =
        Declaration::read_deployments(&reset).map_err(|e| (None, ChildError::Declaration(e)))?;
    let steps = wd::renumber(steps);
    let mut model = Session::new();
    for (index, step) in steps.iter().enumerate() {
        let kind = step.action.kind();
        let level = declaration.level_of(kind.as_str());
        if level == Level::None && changes_state(kind) {
            tally.cut(
                steps
                    .iter()
                    .skip(index)
                    .map(|rest| Kind::from(rest.action.kind())),
            );
            return Ok(None);
        }
        let expected = model.observe(step);
        let request = step
            .to_request()
            .map_err(|error| (Some(index), ChildError::Request(error.to_string())))?;
        let got = child.ask(&request).map_err(|error| (Some(index), error))?;
        let counts = tally.kind(kind);
        if level == Level::None {
            counts.not_compared += 1;
        } else if agrees(kind, &expected, &got) {
            counts.exact += 1;
        } else {
            return Ok(Some(Mismatch {
                index,
                expected,
                got,
            }));
        }
    }
    Ok(None)
}

/// Whether the child's answer is the model's: any JSON object for a fact (which answers
/// nothing), else the same JSON, numbers compared as [`same_number`] does.
fn agrees(kind: ActionKind, expected: &Value, got: &Value) -> bool {
    if kind.answer().is_none() {
        return got.is_object();
    }
    same(expected, got)
}

/// The same JSON, numbers compared as [`same_number`] does.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => same_number(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Equal by value (`50` is `50.0`); and where either is not a whole number, equal as the
/// float32 both narrow to. The answers' fractional numbers are percentages, float32 in the
/// server's protos: the model writes the shortest decimal that reads back as the float32
/// (`33.3`), a client that reads the proto's float32 into a double writes its exact value
/// (`33.29999923706055`), and both are the same float32. Whole numbers (revisions) are
/// compared exactly.
#[allow(clippy::cast_possible_truncation)] // the narrowing to float32 is the point
fn same_number(x: &serde_json::Number, y: &serde_json::Number) -> bool {
    match (x.as_f64(), y.as_f64()) {
        (Some(a), Some(b)) if a == b => true,
        (Some(a), Some(b)) if a.fract() != 0.0 || b.fract() != 0.0 => a as f32 == b as f32,
        _ => x == y,
    }
}

/// A minimal trace that still fails, and its disagreement: the steps after the
/// disagreement dropped, then chunks of steps, halving in size down to one (the version-set
/// shrinker's [`drop_chunks`]), replaying each candidate to the child after a reset and
/// keeping it when the child still disagrees somewhere; until nothing more helps. (The
/// version-set shrinker's renaming and simplifying know only version-set steps.) A token naming a dropped step becomes no token
/// ([`wd::renumber`]).
pub(crate) fn shrink(
    child: &mut Child,
    steps: &[Step],
    mismatch: Mismatch,
) -> Result<(Vec<Step>, Mismatch), ChildError> {
    let mut best: Vec<Step> = wd::renumber(
        &steps
            .iter()
            .take(mismatch.index.saturating_add(1))
            .cloned()
            .collect::<Vec<_>>(),
    );
    let mut mismatch = mismatch;
    let mut tries = 0;
    loop {
        let progress = drop_chunks(&mut best, &mut mismatch, &mut tries, |candidate| {
            let candidate = wd::renumber(&candidate);
            match play(child, &candidate, &mut Tally::default()) {
                Ok(Some(found)) => {
                    let kept = candidate.into_iter().take(found.index + 1).collect();
                    Ok(Some((kept, found)))
                }
                Ok(None) => Ok(None),
                Err((_, error)) => Err(error),
            }
        })?;
        if !progress || tries >= BUDGET {
            return Ok((best, mismatch));
        }
    }
}

/// The steps with the model's answers as their expectations (none for a fact).
fn with_expectations(steps: &[Step]) -> Vec<Step> {
    let mut model = Session::new();
    steps
        .iter()
        .map(|step| {
            let answer = model.observe(step);
            Step {
                expect: step.action.kind().answer().map(|_| answer),
                ..step.clone()
            }
        })
        .collect()
}

/// Shrinks the disagreement of the trace `name` and prints the minimal trace: two comment
/// lines naming the trace and the two answers at its last step, then the trace with the
/// model's expectations, which `version-sets replay` passes.
pub(crate) fn report(
    child: &mut Child,
    name: &str,
    steps: &[Step],
    mismatch: Mismatch,
    output: &mut Output<'_>,
) -> Status {
    let (steps, mismatch) = match shrink(child, steps, mismatch) {
        Ok(shrunk) => shrunk,
        Err(error) => {
            output.diagnostic(format_args!("{name}: while shrinking: {error}"));
            return Status::BadInput;
        }
    };
    let steps = with_expectations(&steps);
    let fact = steps
        .last()
        .is_some_and(|step| step.action.kind().answer().is_none());
    if output.json() {
        let lines: Vec<String> = match wd::write(&steps) {
            Ok(text) => text.lines().map(str::to_owned).collect(),
            Err(error) => {
                output.diagnostic(format_args!("{name}: cannot write the trace: {error}"));
                return Status::BadInput;
            }
        };
        output.document(&json!({
            "agrees": false,
            "trace": name,
            "expected": (!fact).then_some(&mismatch.expected),
            "expectedCoarsely": Value::Null,
            "got": mismatch.got,
            "minimalTrace": lines,
        }));
        return Status::Failed;
    }
    let expected = if fact {
        "any JSON object".to_owned()
    } else {
        mismatch.expected.to_string()
    };
    let first = format!("{name}: the implementation disagrees with the model.");
    let second = format!(
        "Shrunk to {} steps; at the last one the model answers {expected}, the implementation {}.",
        steps.len(),
        mismatch.got
    );
    match wd::write_with_comments(&[&first, &second], &steps) {
        Ok(text) => {
            for line in text.lines() {
                output.line(line);
            }
            Status::Failed
        }
        Err(error) => {
            output.diagnostic(format_args!("{name}: cannot write the trace: {error}"));
            Status::BadInput
        }
    }
}

/// A diagnostic for a child that failed at a step of the trace `name` (`steps` as read,
/// so the line is the file's).
pub(crate) fn at(name: &str, steps: &[Step], index: Option<usize>, error: &ChildError) -> String {
    match index.and_then(|index| steps.get(index)) {
        None => format!("{name}: at the reset before the trace: {error}"),
        Some(step) => {
            let request = wd::renumber(steps)
                .get(index.unwrap_or_default())
                .and_then(|step| step.to_request().ok())
                .unwrap_or_default();
            format!("{name}:{}: at step {request}: {error}", step.line)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::same;

    #[test]
    fn percentages_compare_as_float32_and_whole_numbers_exactly() {
        let model = json!({"previousPercentage": 33.3, "revision": 2});
        assert!(same(
            &model,
            &json!({"previousPercentage": 33.29999923706055, "revision": 2})
        ));
        assert!(same(
            &model,
            &json!({"previousPercentage": 33.3, "revision": 2.0})
        ));
        assert!(!same(
            &model,
            &json!({"previousPercentage": 33.3001, "revision": 2})
        ));
        assert!(!same(
            &model,
            &json!({"previousPercentage": 33.3, "revision": 3})
        ));
        assert!(!same(&json!(16_777_217), &json!(16_777_216)));
        assert!(!same(&model, &json!({"previousPercentage": 33.3})));
        assert!(!same(&json!(["D.b1"]), &json!(["D.b1", "D.b2"])));
    }
}
