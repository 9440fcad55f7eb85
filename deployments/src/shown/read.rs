//! The reader: shape detection, then each shape field by field (specification.md section G).

use std::str::FromStr;

use super::ShownVersion;
use super::error::{Problem, ReadError, cut};
use super::tree::Tree;
use super::{Read, ReadNote, Shown, ShownDeployment, ShownForm, ShownRouting, ShownSummary};
use crate::ids::{UNVERSIONED, VersionKey};
use crate::queue_key::TaskQueueType;
use crate::state::{DrainageStatus, Ramp, VersionStatus};

/// Reads one document that Temporal's tools print about Worker Deployments (specification.md section G): the
/// shape decides the form (an array or `null` is `list`; an object with
/// `workerDeploymentInfo` the gRPC response; with `BuildID` `describe-version`; with
/// `routingConfig` `describe`). The caller bounds the text's size.
///
/// # Errors
/// [`ReadError`]: not JSON, none of the shapes, or a fault in the deployment data, with
/// its JSON path.
///
/// # Example
/// ```
/// use worker_deployments::{Shown, VersionKey, read_shown};
///
/// let read = read_shown(r#"{"name": "D", "routingConfig": {
///     "currentVersionDeploymentName": "D", "currentVersionBuildID": "b1",
///     "rampingVersionDeploymentName": "D", "rampingVersionBuildID": "b2",
///     "rampingVersionPercentage": 10}}"#)?;
/// let Shown::Deployment(deployment) = read.shown else { unreachable!() };
/// assert_eq!(deployment.routing.view().ramping, Some(VersionKey::new("D", "b2")));
///
/// let err = read_shown(r#"{"name": "D", "routingConfig": {"rampingVersionPercentage": 101}}"#)
///     .unwrap_err();
/// assert_eq!(err.to_string(), "routingConfig.rampingVersionPercentage: 101 is not a percentage from 0 to 100");
/// # Ok::<(), worker_deployments::ReadError>(())
/// ```
pub fn read_shown(text: &str) -> Result<Read, ReadError> {
    let tree: Tree = serde_json::from_str(text).map_err(|error| ReadError {
        path: String::new(),
        problem: Problem::NotJson(error.to_string()),
    })?;
    let mut notes = Vec::new();
    let (form, shown) = match &tree {
        Tree::Null => (ShownForm::List, Shown::List(Vec::new())),
        Tree::Array(items) => {
            let mut list = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let mut deployment = cli_deployment(item, &format!("[{i}]"))?;
                // The listing is built from the memo, whose identity is always empty.
                deployment.last_modifier_identity = None;
                list.push(deployment);
            }
            (ShownForm::List, Shown::List(list))
        }
        Tree::Object(members) => {
            let has = |names: &[&str]| members.iter().any(|(k, _)| names.contains(&k.as_str()));
            if has(&["workerDeploymentInfo", "worker_deployment_info"]) {
                let deployment = grpc_response(&tree, &mut notes)?;
                (ShownForm::Grpc, Shown::Deployment(deployment))
            } else if has(&["BuildID"]) {
                let version = cli_version(&tree, &mut notes)?;
                (ShownForm::DescribeVersion, Shown::Version(version))
            } else if has(&["routingConfig"]) {
                (
                    ShownForm::Describe,
                    Shown::Deployment(cli_deployment(&tree, "")?),
                )
            } else {
                return Err(at("", Problem::NoShape));
            }
        }
        _ => return Err(at("", Problem::NoShape)),
    };
    Ok(Read { form, shown, notes })
}

fn at(path: &str, problem: Problem) -> ReadError {
    ReadError {
        path: path.to_owned(),
        problem,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Proto-JSON's JSON name of a key: `build_id` is `buildId`.
fn json_name(key: &str) -> String {
    let mut name = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            name.extend(c.to_uppercase());
            upper = false;
        } else {
            name.push(c);
        }
    }
    name
}

/// An object's fields, by the names of `known` (`null` is absent).
struct Fields<'a> {
    path: String,
    known: &'static [&'static str],
    values: Vec<Option<&'a Tree>>,
}

/// How an object's keys are read.
#[derive(Clone, Copy)]
enum Keys {
    /// As printed by the CLI (Go's `encoding/json`): exactly.
    Cli,
    /// Proto-JSON: the JSON name or the proto name of a field.
    Proto,
}

/// Reads object `tree` at `path`: the `known` fields; those in `past` noted and read past;
/// any other refused.
fn fields<'a>(
    tree: &'a Tree,
    path: &str,
    known: &'static [&'static str],
    past: &'static [&'static str],
    keys: Keys,
    notes: &mut Vec<ReadNote>,
) -> Result<Fields<'a>, ReadError> {
    let Tree::Object(members) = tree else {
        return Err(at(path, wrong("an object", tree)));
    };
    let mut values = vec![None; known.len()];
    let mut seen: Vec<String> = Vec::new();
    for (key, value) in members {
        let name = match keys {
            Keys::Cli => key.clone(),
            Keys::Proto => json_name(key),
        };
        if seen.contains(&name) {
            return Err(at(&join(path, key), Problem::GivenTwice(cut(key))));
        }
        seen.push(name.clone());
        if let Some(i) = known.iter().position(|k| *k == name) {
            if let Some(slot) = values.get_mut(i)
                && *value != Tree::Null
            {
                *slot = Some(value);
            }
        } else if past.contains(&name.as_str()) {
            if *value != Tree::Null {
                notes.push(ReadNote {
                    path: join(path, key),
                });
            }
        } else {
            return Err(at(
                &join(path, key),
                Problem::UnknownField {
                    field: cut(key),
                    expected: known,
                },
            ));
        }
    }
    Ok(Fields {
        path: path.to_owned(),
        known,
        values,
    })
}

fn wrong(expected: &'static str, found: &Tree) -> Problem {
    Problem::WrongType {
        expected,
        found: found.kind(),
    }
}

impl<'a> Fields<'a> {
    fn path_of(&self, name: &str) -> String {
        join(&self.path, name)
    }

    fn get(&self, name: &str) -> Option<&'a Tree> {
        let i = self.known.iter().position(|k| *k == name)?;
        self.values.get(i).copied().flatten()
    }

    fn string(&self, name: &str) -> Result<Option<&'a str>, ReadError> {
        match self.get(name) {
            None => Ok(None),
            Some(Tree::String(s)) => Ok(Some(s)),
            Some(other) => Err(at(&self.path_of(name), wrong("a string", other))),
        }
    }

    /// A string, `""` when absent.
    fn text(&self, name: &str) -> Result<&'a str, ReadError> {
        Ok(self.string(name)?.unwrap_or_default())
    }

    fn required(&self, name: &'static str) -> Result<&'a Tree, ReadError> {
        self.get(name)
            .ok_or_else(|| at(&self.path, Problem::Missing(name)))
    }

    fn array(&self, name: &str) -> Result<&'a [Tree], ReadError> {
        match self.get(name) {
            None => Ok(&[]),
            Some(Tree::Array(items)) => Ok(items),
            Some(other) => Err(at(&self.path_of(name), wrong("an array", other))),
        }
    }

    /// A float32 percentage from 0 to 100; proto-JSON may write it as a string
    /// (`"NaN"`, which the server can store and which routes to current, specification.md section E.2).
    fn percentage(&self, name: &str, keys: Keys) -> Result<f32, ReadError> {
        let path = self.path_of(name);
        // Narrowing to float32 is the reading: the tools print the server's float32.
        #[allow(clippy::cast_possible_truncation)]
        let value = match (self.get(name), keys) {
            (None, _) => return Ok(0.0),
            (Some(Tree::Number(n)), _) => (*n as f32, n.to_string()),
            (Some(Tree::String(s)), Keys::Proto) => match f32::from_str(s) {
                Ok(v) => (v, cut(s)),
                Err(_) => return Err(at(&path, Problem::Percentage(format!("{:?}", cut(s))))),
            },
            (Some(other), _) => return Err(at(&path, wrong("a number", other))),
        };
        let (percentage, text) = value;
        if percentage.is_nan() || (0.0..=100.0).contains(&percentage) {
            Ok(percentage)
        } else {
            Err(at(&path, Problem::Percentage(text)))
        }
    }

    /// The name of one of `T`'s values, spelled as `spellings` (`None`: `empty` names).
    fn named<T: Copy>(
        &self,
        name: &str,
        spellings: &'static [&'static str],
        values: &[Option<T>],
    ) -> Result<Option<T>, ReadError> {
        let Some(text) = self.string(name)? else {
            return Ok(None);
        };
        match spellings.iter().position(|s| *s == text) {
            Some(i) => Ok(values.get(i).copied().flatten()),
            None => Err(at(
                &self.path_of(name),
                Problem::NotAName {
                    found: cut(text),
                    expected: spellings,
                },
            )),
        }
    }
}

/// A version from a deployment name and a build ID, both empty for none; of `deployment`
/// when one is given.
fn version(
    name: &str,
    build: &str,
    deployment: Option<&str>,
    path: &str,
) -> Result<Option<VersionKey>, ReadError> {
    match (name.is_empty(), build.is_empty()) {
        (true, true) => Ok(None),
        (false, false) => {
            let version = VersionKey::new(name, build);
            match deployment {
                Some(d) if d != name => Err(at(
                    path,
                    Problem::OtherDeployment {
                        version: cut(&version.v32()),
                        deployment: cut(d),
                    },
                )),
                _ => Ok(Some(version)),
            }
        }
        _ => Err(at(
            path,
            Problem::HalfVersion {
                name: cut(name),
                build: cut(build),
            },
        )),
    }
}

/// A version or none, the CLI's way, and a ramp from it: a percentage with no version is
/// a ramp to unversioned.
fn ramp(version: Option<VersionKey>, percentage: f32) -> Ramp {
    match version {
        Some(v) => Ramp::Version(v),
        None if percentage == 0.0 => Ramp::None,
        None => Ramp::Unversioned,
    }
}

const CLI_DEPLOYMENT: &[&str] = &[
    "name",
    "createTime",
    "lastModifierIdentity",
    "routingConfig",
    "versionSummaries",
    "managerIdentity",
];
const CLI_ROUTING: &[&str] = &[
    "currentVersionDeploymentName",
    "currentVersionBuildID",
    "rampingVersionDeploymentName",
    "rampingVersionBuildID",
    "rampingVersionPercentage",
    "currentVersionChangedTime",
    "rampingVersionChangedTime",
    "rampingVersionPercentageChangedTime",
];
const CLI_SUMMARY: &[&str] = &["deploymentName", "BuildID", "drainageStatus", "createTime"];
const CLI_DRAINAGE: &[&str] = &["", "unspecified", "draining", "drained"];
const CLI_DRAINAGE_VALUES: &[Option<DrainageStatus>] = &[
    None,
    None,
    Some(DrainageStatus::Draining),
    Some(DrainageStatus::Drained),
];

/// `describe -o json`, or one entry of `list -o json` (specification.md section G.1, specification.md section G.3).
fn cli_deployment(tree: &Tree, path: &str) -> Result<ShownDeployment, ReadError> {
    let mut no_notes = Vec::new();
    let f = fields(tree, path, CLI_DEPLOYMENT, &[], Keys::Cli, &mut no_notes)?;
    let name = f
        .string("name")?
        .ok_or_else(|| at(path, Problem::Missing("name")))?;
    let rc_path = f.path_of("routingConfig");
    let rc = fields(
        f.required("routingConfig")?,
        &rc_path,
        CLI_ROUTING,
        &[],
        Keys::Cli,
        &mut no_notes,
    )?;
    for time in CLI_ROUTING.iter().skip(5) {
        rc.string(time)?;
    }
    let current = version(
        rc.text("currentVersionDeploymentName")?,
        rc.text("currentVersionBuildID")?,
        Some(name),
        &rc.path_of("currentVersionBuildID"),
    )?;
    let ramping = version(
        rc.text("rampingVersionDeploymentName")?,
        rc.text("rampingVersionBuildID")?,
        Some(name),
        &rc.path_of("rampingVersionBuildID"),
    )?;
    let percentage = rc.percentage("rampingVersionPercentage", Keys::Cli)?;
    let mut versions = Vec::new();
    for (i, item) in f.array("versionSummaries")?.iter().enumerate() {
        let s_path = format!("{}[{i}]", f.path_of("versionSummaries"));
        let s = fields(item, &s_path, CLI_SUMMARY, &[], Keys::Cli, &mut no_notes)?;
        s.string("createTime")?;
        let Some(v) = version(
            s.text("deploymentName")?,
            s.text("BuildID")?,
            Some(name),
            &s.path_of("BuildID"),
        )?
        else {
            return Err(at(&s_path, Problem::Missing("BuildID")));
        };
        versions.push(ShownSummary {
            version: v,
            status: None,
            drainage: s.named("drainageStatus", CLI_DRAINAGE, CLI_DRAINAGE_VALUES)?,
        });
    }
    f.string("createTime")?;
    let last_modifier_identity = f.string("lastModifierIdentity")?.unwrap_or("").to_owned();
    Ok(ShownDeployment {
        name: name.to_owned(),
        routing: ShownRouting {
            current,
            ramping: ramp(ramping, percentage),
            percentage,
            revision: None,
        },
        versions,
        manager_identity: f.text("managerIdentity")?.to_owned(),
        last_modifier_identity: Some(last_modifier_identity),
        conflict_token: None,
    })
}

const CLI_VERSION: &[&str] = &[
    "deploymentName",
    "BuildID",
    "createTime",
    "routingChangedTime",
    "currentSinceTime",
    "rampingSinceTime",
    "rampPercentage",
    "drainageInfo",
    "taskQueuesInfos",
];
const CLI_VERSION_DRAINAGE: &[&str] = &["drainageStatus", "lastChangedTime", "lastCheckedTime"];
const CLI_TASK_QUEUE: &[&str] = &["name", "type"];
const CLI_TASK_QUEUE_TYPES: &[&str] = &["workflow", "activity", "nexus"];
const TASK_QUEUE_TYPES: &[Option<TaskQueueType>] = &[
    Some(TaskQueueType::Workflow),
    Some(TaskQueueType::Activity),
    Some(TaskQueueType::Nexus),
];

/// Whether a time the CLI prints is set: it prints unset ones as Go's zero time or the
/// Unix epoch (specification.md section G.1, specification.md section G.2).
fn is_set(time: Option<&str>) -> bool {
    time.is_some_and(|t| {
        !t.is_empty() && t != "0001-01-01T00:00:00Z" && t != "1970-01-01T00:00:00Z"
    })
}

/// `describe-version -o json` (specification.md section G.2).
fn cli_version(tree: &Tree, notes: &mut Vec<ReadNote>) -> Result<ShownVersion, ReadError> {
    let f = fields(tree, "", CLI_VERSION, &["metadata"], Keys::Cli, notes)?;
    for time in ["createTime", "routingChangedTime"] {
        f.string(time)?;
    }
    let Some(v) = version(
        f.text("deploymentName")?,
        f.text("BuildID")?,
        None,
        "BuildID",
    )?
    else {
        return Err(at("", Problem::Missing("BuildID")));
    };
    let percentage = f.percentage("rampPercentage", Keys::Cli)?;
    let ramping = is_set(f.string("rampingSinceTime")?).then_some(percentage);
    let current = is_set(f.string("currentSinceTime")?);
    let mut drainage = None;
    if let Some(info) = f.get("drainageInfo") {
        let d = fields(
            info,
            "drainageInfo",
            CLI_VERSION_DRAINAGE,
            &[],
            Keys::Cli,
            notes,
        )?;
        d.string("lastChangedTime")?;
        d.string("lastCheckedTime")?;
        drainage = d.named("drainageStatus", CLI_DRAINAGE, CLI_DRAINAGE_VALUES)?;
    }
    let mut task_queues = Vec::new();
    for (i, item) in f.array("taskQueuesInfos")?.iter().enumerate() {
        let path = format!("taskQueuesInfos[{i}]");
        let q = fields(
            item,
            &path,
            CLI_TASK_QUEUE,
            &["stats", "statsByPriorityKey"],
            Keys::Cli,
            notes,
        )?;
        let name = q
            .string("name")?
            .ok_or_else(|| at(&path, Problem::Missing("name")))?;
        let Some(kind) = q.named("type", CLI_TASK_QUEUE_TYPES, TASK_QUEUE_TYPES)? else {
            return Err(at(&path, Problem::Missing("type")));
        };
        task_queues.push((name.to_owned(), kind));
    }
    Ok(ShownVersion {
        version: v,
        current,
        ramping,
        drainage,
        task_queues,
    })
}

const GRPC_RESPONSE: &[&str] = &["conflictToken", "workerDeploymentInfo"];
const GRPC_INFO: &[&str] = &[
    "name",
    "versionSummaries",
    "createTime",
    "routingConfig",
    "lastModifierIdentity",
    "managerIdentity",
    "routingConfigUpdateState",
];
const GRPC_ROUTING: &[&str] = &[
    "currentVersion",
    "currentDeploymentVersion",
    "currentVersionChangedTime",
    "rampingVersion",
    "rampingDeploymentVersion",
    "rampingVersionPercentage",
    "rampingVersionChangedTime",
    "rampingVersionPercentageChangedTime",
    "revisionNumber",
];
const GRPC_VERSION: &[&str] = &["buildId", "deploymentName"];
const GRPC_SUMMARY: &[&str] = &[
    "version",
    "createTime",
    "deploymentVersion",
    "status",
    "drainageStatus",
    "drainageInfo",
    "currentSinceTime",
    "rampingSinceTime",
    "routingUpdateTime",
    "firstActivationTime",
    "lastCurrentTime",
    "lastDeactivationTime",
];
const GRPC_DRAINAGE_INFO: &[&str] = &["status", "lastChangedTime", "lastCheckedTime"];
const GRPC_DRAINAGE: &[&str] = &[
    "VERSION_DRAINAGE_STATUS_UNSPECIFIED",
    "VERSION_DRAINAGE_STATUS_DRAINING",
    "VERSION_DRAINAGE_STATUS_DRAINED",
];
const GRPC_DRAINAGE_VALUES: &[Option<DrainageStatus>] = &[
    None,
    Some(DrainageStatus::Draining),
    Some(DrainageStatus::Drained),
];
const GRPC_STATUS: &[&str] = &[
    "WORKER_DEPLOYMENT_VERSION_STATUS_UNSPECIFIED",
    "WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE",
    "WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT",
    "WORKER_DEPLOYMENT_VERSION_STATUS_RAMPING",
    "WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING",
    "WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED",
    "WORKER_DEPLOYMENT_VERSION_STATUS_CREATED",
];
const GRPC_STATUS_VALUES: &[Option<VersionStatus>] = &[
    None,
    Some(VersionStatus::Inactive),
    Some(VersionStatus::Current),
    Some(VersionStatus::Ramping),
    Some(VersionStatus::Draining),
    Some(VersionStatus::Drained),
    Some(VersionStatus::Created),
];
const GRPC_UPDATE_STATE: &[&str] = &[
    "ROUTING_CONFIG_UPDATE_STATE_UNSPECIFIED",
    "ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS",
    "ROUTING_CONFIG_UPDATE_STATE_COMPLETED",
];

/// A structured `deploymentVersion` (`{buildId, deploymentName}`) and the deprecated
/// string beside it (`D.b` or `__unversioned__`), which must agree when both are given.
fn grpc_version(
    f: &Fields<'_>,
    string: &str,
    structured: &'static str,
    deployment: &str,
) -> Result<(Option<VersionKey>, bool), ReadError> {
    let s_path = f.path_of(structured);
    let mut no_notes = Vec::new();
    let from_struct = match f.get(structured) {
        None => None,
        Some(tree) => {
            let v = fields(tree, &s_path, GRPC_VERSION, &[], Keys::Proto, &mut no_notes)?;
            version(
                v.text("deploymentName")?,
                v.text("buildId")?,
                Some(deployment),
                &s_path,
            )?
        }
    };
    let Some(text) = f.string(string)?.filter(|t| !t.is_empty()) else {
        return Ok((from_struct, false));
    };
    let parsed =
        VersionKey::parse(text).map_err(|e| at(&f.path_of(string), Problem::Version(e)))?;
    let unversioned = text == UNVERSIONED;
    if f.get(structured).is_some() && parsed != from_struct || unversioned && from_struct.is_some()
    {
        return Err(at(
            &f.path_of(string),
            Problem::Disagree {
                string: cut(text),
                field: structured,
                version: from_struct.map_or_else(|| "unversioned".to_owned(), |v| cut(&v.v32())),
            },
        ));
    }
    let parsed = version(
        parsed.as_ref().map_or("", VersionKey::deployment_name),
        parsed.as_ref().map_or("", VersionKey::build_id),
        Some(deployment),
        &f.path_of(string),
    )?;
    Ok((parsed, unversioned))
}

/// DescribeWorkerDeployment's response as proto-JSON (specification.md section G.5).
fn grpc_response(tree: &Tree, notes: &mut Vec<ReadNote>) -> Result<ShownDeployment, ReadError> {
    let top = fields(tree, "", GRPC_RESPONSE, &[], Keys::Proto, notes).or_else(|error| {
        // Outside the deployment data: a field a newer server adds to the response is read
        // past, the rest of the response still read.
        match error.problem {
            Problem::UnknownField { .. } => Ok(lenient_top(tree, notes)),
            _ => Err(error),
        }
    })?;
    let conflict_token = top.string("conflictToken")?.map(str::to_owned);
    let mut inner = Vec::new();
    let f = fields(
        top.required("workerDeploymentInfo")?,
        "workerDeploymentInfo",
        GRPC_INFO,
        &[],
        Keys::Proto,
        &mut inner,
    )?;
    let name = f
        .string("name")?
        .ok_or_else(|| at("workerDeploymentInfo", Problem::Missing("name")))?;
    f.string("createTime")?;
    let last_modifier_identity = f.string("lastModifierIdentity")?.unwrap_or("").to_owned();
    f.named(
        "routingConfigUpdateState",
        GRPC_UPDATE_STATE,
        &[Some(()), Some(()), Some(())],
    )?;
    let rc_path = f.path_of("routingConfig");
    let rc = fields(
        f.required("routingConfig")?,
        &rc_path,
        GRPC_ROUTING,
        &[],
        Keys::Proto,
        &mut inner,
    )?;
    for time in [
        "currentVersionChangedTime",
        "rampingVersionChangedTime",
        "rampingVersionPercentageChangedTime",
    ] {
        rc.string(time)?;
    }
    let (current, _) = grpc_version(&rc, "currentVersion", "currentDeploymentVersion", name)?;
    let (ramping, ramp_unversioned) =
        grpc_version(&rc, "rampingVersion", "rampingDeploymentVersion", name)?;
    let percentage = rc.percentage("rampingVersionPercentage", Keys::Proto)?;
    let revision = match rc.get("revisionNumber") {
        None => None,
        Some(Tree::String(s)) => Some(
            s.parse::<i64>()
                .map_err(|_| at(&rc.path_of("revisionNumber"), Problem::Revision(cut(s))))?,
        ),
        Some(Tree::Number(n)) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
            // Exact: an integer below 2^53.
            #[allow(clippy::cast_possible_truncation)]
            Some(*n as i64)
        }
        Some(Tree::Number(n)) => {
            return Err(at(
                &rc.path_of("revisionNumber"),
                Problem::Revision(n.to_string()),
            ));
        }
        Some(other) => return Err(at(&rc.path_of("revisionNumber"), wrong("a string", other))),
    };
    let ramping = if ramp_unversioned {
        Ramp::Unversioned
    } else {
        ramp(ramping, percentage)
    };
    let mut versions = Vec::new();
    for (i, item) in f.array("versionSummaries")?.iter().enumerate() {
        let s_path = format!("{}[{i}]", f.path_of("versionSummaries"));
        let s = fields(item, &s_path, GRPC_SUMMARY, &[], Keys::Proto, &mut inner)?;
        for time in GRPC_SUMMARY.iter().skip(6) {
            s.string(time)?;
        }
        s.string("createTime")?;
        let (v, _) = grpc_version(&s, "version", "deploymentVersion", name)?;
        let Some(v) = v else {
            return Err(at(&s_path, Problem::Missing("deploymentVersion")));
        };
        if let Some(info) = s.get("drainageInfo") {
            let d = fields(
                info,
                &s.path_of("drainageInfo"),
                GRPC_DRAINAGE_INFO,
                &[],
                Keys::Proto,
                &mut inner,
            )?;
            d.named("status", GRPC_DRAINAGE, GRPC_DRAINAGE_VALUES)?;
            d.string("lastChangedTime")?;
            d.string("lastCheckedTime")?;
        }
        versions.push(ShownSummary {
            version: v,
            status: s.named("status", GRPC_STATUS, GRPC_STATUS_VALUES)?,
            drainage: s.named("drainageStatus", GRPC_DRAINAGE, GRPC_DRAINAGE_VALUES)?,
        });
    }
    Ok(ShownDeployment {
        name: name.to_owned(),
        routing: ShownRouting {
            current,
            ramping,
            percentage,
            revision,
        },
        versions,
        manager_identity: f.text("managerIdentity")?.to_owned(),
        last_modifier_identity: Some(last_modifier_identity),
        conflict_token,
    })
}

/// The response's own fields, every other one noted as read past.
fn lenient_top<'a>(tree: &'a Tree, notes: &mut Vec<ReadNote>) -> Fields<'a> {
    let mut values = vec![None; GRPC_RESPONSE.len()];
    if let Tree::Object(members) = tree {
        for (key, value) in members {
            match GRPC_RESPONSE.iter().position(|k| *k == json_name(key)) {
                Some(i) => {
                    if let Some(slot) = values.get_mut(i)
                        && *value != Tree::Null
                    {
                        *slot = Some(value);
                    }
                }
                None => notes.push(ReadNote { path: key.clone() }),
            }
        }
    }
    Fields {
        path: String::new(),
        known: GRPC_RESPONSE,
        values,
    }
}
