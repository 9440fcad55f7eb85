//! A deliberately plain model of one Worker Deployment, written straight from
//! `deployments/docs/semantics.md` and sharing no code with `worker-deployments` but its
//! status names and the ramp threshold: a list of versions in creation order, the routing
//! as build-ID strings. The stateful property test of the crate
//! (`deployments/tests/state_machine.rs`) demands the crate's answers equal these, and the
//! benchmarks (`benches/deployments.rs`) time the crate against it as the baseline.
//!
//! It covers one deployment named `D`: registration (a version cap with GC, one task
//! queue per version), set-current, set-ramping, delete-version, drainage with zero
//! timers, and routing of new workflows. The builds in `pollers` always have pollers.
//! Tokens, managers and busy queues are left to the crate's example-based tests.

use std::collections::BTreeSet;

use worker_deployments::VersionStatus;

/// One version: its build ID, status and task queue.
#[derive(Debug, Clone)]
pub struct PlainVersion {
    pub build: String,
    pub status: VersionStatus,
    pub tq: Option<String>,
}

/// The plain model. `ramp`: `None` no ramp, `Some("")` unversioned, `Some(b)` a build;
/// `current` `""` is unversioned.
#[derive(Debug, Clone, Default)]
pub struct Plain {
    /// The version cap (`max_versions_in_deployment`).
    pub cap: usize,
    /// The builds whose task queues have pollers.
    pub pollers: BTreeSet<String>,
    pub exists: bool,
    pub versions: Vec<PlainVersion>,
    pub current: String,
    pub ramp: Option<String>,
    pub pct: f32,
    pub revision: i64,
    pub last_modifier: String,
}

/// A build's version string (`D.b`), or `__unversioned__` for `""`.
pub fn version_string(b: &str) -> String {
    if b.is_empty() {
        "__unversioned__".into()
    } else {
        format!("D.{b}")
    }
}

const NO_DEPLOYMENT: &str =
    "no Worker Deployment found with name 'D'; does your Worker Deployment have pollers?";

impl Plain {
    /// No deployment yet, at most `cap` versions, `pollers` always polling.
    pub fn new(cap: usize, pollers: &[&str]) -> Self {
        Self {
            cap,
            pollers: pollers.iter().map(|b| (*b).to_owned()).collect(),
            ..Self::default()
        }
    }

    fn find(&self, b: &str) -> Option<usize> {
        self.versions.iter().position(|v| v.build == b)
    }

    fn set_status(&mut self, b: &str, status: VersionStatus) {
        if let Some(i) = self.find(b) {
            self.versions[i].status = status;
        }
    }

    fn demote(&mut self, b: &str) {
        if let Some(i) = self.find(b)
            && matches!(
                self.versions[i].status,
                VersionStatus::Current | VersionStatus::Ramping
            )
        {
            self.versions[i].status = VersionStatus::Draining;
        }
    }

    /// The ramping version string, `""` when there is no ramp.
    pub fn ramp_string(&self) -> String {
        match &self.ramp {
            None => String::new(),
            Some(b) => version_string(b),
        }
    }

    /// The current version string.
    pub fn current_string(&self) -> String {
        version_string(&self.current)
    }

    /// A poll of build `b` on task queue `tq`: `Ok("noop" | "changed")` or the error's text.
    pub fn poll(&mut self, b: &str, tq: &str) -> Result<&'static str, String> {
        if self
            .versions
            .iter()
            .any(|v| v.build == b && v.tq.as_deref() == Some(tq))
        {
            return Ok("noop");
        }
        self.exists = true;
        if self.find(b).is_none() {
            if self.versions.len() >= self.cap {
                let victim = self.versions.iter().position(|v| {
                    v.build != self.current
                        && self.ramp.as_deref() != Some(v.build.as_str())
                        && v.status != VersionStatus::Draining
                        && !self.pollers.contains(&v.build)
                });
                match victim {
                    Some(i) => {
                        self.versions.remove(i);
                    }
                    None => {
                        return Err(format!(
                            "cannot add version D.{b} since maximum number of versions ({}) have been registered in the deployment",
                            self.cap
                        ));
                    }
                }
            }
            self.versions.push(PlainVersion {
                build: b.into(),
                status: VersionStatus::Inactive,
                tq: None,
            });
        }
        let i = self.find(b).unwrap();
        if self.versions[i].tq.is_some() {
            return Err(format!(
                "cannot add task queue {tq} since maximum number of task queues (1) have been registered in deployment"
            ));
        }
        self.versions[i].tq = Some(tq.into());
        Ok("changed")
    }

    /// Set-current of build `b` (`""` unversioned) by `who`.
    pub fn set_current(&mut self, b: &str, who: &str) -> Result<&'static str, String> {
        if !self.exists {
            return Err(NO_DEPLOYMENT.into());
        }
        if self.current == b && self.last_modifier == who {
            return Ok("noop");
        }
        if !b.is_empty() && self.find(b).is_none() {
            return Err(format!("build ID '{b}' not found in Worker Deployment 'D'"));
        }
        if self.current != b {
            if self.ramp_string() == version_string(b) {
                self.ramp = None;
                self.pct = 0.0;
            }
            let prev = std::mem::replace(&mut self.current, b.into());
            self.set_status(b, VersionStatus::Current);
            self.demote(&prev);
            self.revision += 1;
        }
        self.last_modifier = who.into();
        Ok("changed")
    }

    /// Set-ramping of build `b` at `pct` by `who` (`""` with 0 unsets the ramp).
    pub fn set_ramping(&mut self, b: &str, pct: f32, who: &str) -> Result<&'static str, String> {
        let new = if !b.is_empty() {
            Some(b.to_owned())
        } else if pct > 0.0 {
            Some(String::new())
        } else {
            None
        };
        if !self.exists {
            return Err(NO_DEPLOYMENT.into());
        }
        let new_string = new.as_deref().map_or_else(String::new, version_string);
        if new_string == self.ramp_string() && pct == self.pct && who == self.last_modifier {
            return Ok("noop");
        }
        if new_string == self.current_string() && !(new.as_deref() == Some("") && pct == 0.0) {
            return Err(format!(
                "requested ramping version {new_string} is already current"
            ));
        }
        if !b.is_empty() && self.find(b).is_none() {
            return Err(format!("build ID '{b}' not found in Worker Deployment 'D'"));
        }
        if new != self.ramp || pct != self.pct {
            let prev = std::mem::replace(&mut self.ramp, new.clone());
            self.pct = pct;
            if let Some(n) = new.as_deref().filter(|n| !n.is_empty()) {
                self.set_status(n, VersionStatus::Ramping);
            }
            if let Some(p) = prev.filter(|p| !p.is_empty() && Some(p) != new.as_ref()) {
                self.demote(&p);
            }
            self.revision += 1;
        }
        self.last_modifier = who.into();
        Ok("changed")
    }

    /// Delete-version of build `b` by `who`.
    pub fn delete(&mut self, b: &str, skip: bool, who: &str) -> Result<&'static str, String> {
        if !self.exists {
            return Err("workflow not found for ID: temporal-sys-worker-deployment:D".into());
        }
        let Some(i) = self.find(b) else {
            return Ok("noop");
        };
        if self.current == b || self.ramp.as_deref() == Some(b) {
            return Err(format!(
                "version 'D:{b}' cannot be deleted since it is current or ramping"
            ));
        }
        if !skip && self.versions[i].status == VersionStatus::Draining {
            return Err(format!(
                "version 'D:{b}' cannot be deleted since it is draining"
            ));
        }
        if self.pollers.contains(b) {
            return Err(format!(
                "version 'D:{b}' cannot be deleted since it has active pollers"
            ));
        }
        self.versions.remove(i);
        self.last_modifier = who.into();
        Ok("changed")
    }

    /// Every draining version drains (no open pinned workflows, zero timers).
    pub fn drain(&mut self) {
        for v in &mut self.versions {
            if v.status == VersionStatus::Draining {
                v.status = VersionStatus::Drained;
            }
        }
    }

    /// The build a new workflow goes to (`""` unversioned) on the task queue every version
    /// of `D` polls: the ramp when the ID's threshold is within the percentage.
    pub fn route_new_workflow(&self, workflow_id: &str) -> &str {
        let ramped = match &self.ramp {
            Some(_) if self.pct > 0.0 && self.pct == 100.0 => true,
            Some(_) if self.pct > 0.0 => {
                worker_deployments::ramp_threshold(workflow_id, 0.0) <= f64::from(self.pct)
            }
            _ => false,
        };
        match (&self.ramp, ramped) {
            (Some(r), true) => r,
            _ => &self.current,
        }
    }
}
