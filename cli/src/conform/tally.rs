//! The counts of a run, per step kind: how each answer was compared, so that nothing passes
//! by looseness unseen.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use version_sets_trace::ActionKind;
use worker_deployments_trace::ActionKind as DeploymentKind;

use super::observes::Divergence;

/// A step kind of either trace format. One run may play both, and their kinds share names
/// (`limits`, `poll`), so the report names a Worker Deployments kind `deployments.KIND`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// A version-set step kind.
    Sets(ActionKind),
    /// A Worker Deployments step kind.
    Deployments(DeploymentKind),
}

impl Kind {
    /// The kind's name in the report.
    pub(crate) fn name(self) -> String {
        match self {
            Kind::Sets(kind) => kind.name().to_owned(),
            Kind::Deployments(kind) => format!("deployments.{}", kind.as_str()),
        }
    }
}

impl From<ActionKind> for Kind {
    fn from(kind: ActionKind) -> Self {
        Kind::Sets(kind)
    }
}

impl From<DeploymentKind> for Kind {
    fn from(kind: DeploymentKind) -> Self {
        Kind::Deployments(kind)
    }
}

/// One step kind's counts.
#[derive(Debug, Default, Clone)]
pub(crate) struct KindTally {
    /// Compared exactly.
    pub(crate) exact: usize,
    /// Compared coarsely (declared `"coarse"`).
    pub(crate) coarse: usize,
    /// Of those, how many agreed only once made coarse.
    pub(crate) only_coarsely: usize,
    /// Played but not compared (declared `"none"`).
    pub(crate) not_compared: usize,
    /// Deliberate divergences shown, by rule.
    pub(crate) expected: BTreeMap<&'static str, usize>,
}

/// A whole run's counts.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Per step kind played.
    pub(crate) kinds: BTreeMap<Kind, KindTally>,
    /// The divergences met, with their reasons.
    pub(crate) divergences: BTreeMap<&'static str, &'static str>,
    /// Traces stopped at a step that changes state and that the implementation does not
    /// observe.
    pub(crate) cut_traces: usize,
    /// The steps those traces did not play (the step they stopped at included), per kind.
    pub(crate) cut_steps: BTreeMap<Kind, usize>,
}

impl Tally {
    /// The counts of `kind`.
    pub(crate) fn kind(&mut self, kind: impl Into<Kind>) -> &mut KindTally {
        self.kinds.entry(kind.into()).or_default()
    }

    /// Counts the steps of a trace stopped at a step that changes state and is not
    /// observed: that step and every one after it.
    pub(crate) fn cut(&mut self, kinds: impl Iterator<Item = Kind>) {
        self.cut_traces += 1;
        for kind in kinds {
            *self.cut_steps.entry(kind).or_default() += 1;
        }
    }

    /// Counts a divergence shown at a step of `kind`.
    pub(crate) fn divergence(&mut self, kind: ActionKind, divergence: &'static Divergence) {
        *self.kind(kind).expected.entry(divergence.rule).or_default() += 1;
        self.divergences.insert(divergence.rule, divergence.reason);
    }

    /// The summary's lines after its first: one per kind played, then the divergences and
    /// the traces stopped early.
    pub(crate) fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (kind, t) in &self.kinds {
            let mut line = format!(
                "  {}: {} exact, {} coarse ({} only coarsely), {} not compared",
                kind.name(),
                t.exact,
                t.coarse,
                t.only_coarsely,
                t.not_compared
            );
            for (rule, count) in &t.expected {
                line.push_str(&format!(", {count} expected ({rule})"));
            }
            lines.push(line);
        }
        for (rule, reason) in &self.divergences {
            lines.push(format!("  expected difference {rule}: {reason}"));
        }
        if self.cut_traces > 0 {
            let steps: usize = self.cut_steps.values().sum();
            let kinds: Vec<String> = self
                .cut_steps
                .iter()
                .map(|(kind, count)| format!("{} {count}", kind.name()))
                .collect();
            lines.push(format!(
                "  {} traces stopped at a step that changes state and is not observed: {steps} steps not played ({})",
                self.cut_traces,
                kinds.join(", ")
            ));
        }
        lines
    }

    /// The same as JSON: `byKind`, `expectedDifferences`, `stopped`.
    pub(crate) fn json(&self) -> (Value, Value, Value) {
        let by_kind: serde_json::Map<String, Value> = self
            .kinds
            .iter()
            .map(|(kind, t)| {
                (
                    kind.name(),
                    json!({
                        "exact": t.exact,
                        "coarse": t.coarse,
                        "onlyCoarsely": t.only_coarsely,
                        "notCompared": t.not_compared,
                        "expected": t.expected,
                    }),
                )
            })
            .collect();
        let stopped: serde_json::Map<String, Value> = self
            .cut_steps
            .iter()
            .map(|(kind, count)| (kind.name(), json!(count)))
            .collect();
        (
            Value::Object(by_kind),
            json!(self.divergences),
            json!({ "traces": self.cut_traces, "steps": stopped }),
        )
    }
}
