//! Reading a deployment's STATE: any document of deployments/docs/specification.md section G, down to the one deployment whose
//! routing a command needs.

use std::path::Path;

use worker_deployments::{Shown, ShownDeployment, ShownForm, read_shown};

use crate::input;

/// The deployment a STATE shows, with the tool that printed it and the notes of what was
/// read past.
pub(crate) struct Opened {
    pub(crate) form: ShownForm,
    pub(crate) deployment: ShownDeployment,
    pub(crate) notes: Vec<String>,
}

/// Reads `path` and picks the deployment: the one described, or the one of the listing
/// (named by `name` when it lists more than one).
///
/// # Errors
/// A one-line diagnostic, the input's name first.
pub(crate) fn open(path: &Path, name: Option<&str>) -> Result<Opened, String> {
    let input = input::read(path)?;
    let file = input.name;
    let text = std::str::from_utf8(&input.bytes).map_err(|_| format!("{file}: not UTF-8"))?;
    let read = read_shown(text).map_err(|error| format!("{file}: {error}"))?;
    let notes = read
        .notes
        .iter()
        .map(|note| format!("{file}: note: {note}"))
        .collect();
    let deployment = match read.shown {
        Shown::Deployment(deployment) => deployment,
        Shown::List(list) => pick(list, name, &file)?,
        Shown::Version(_) => {
            return Err(format!(
                "{file}: describe-version shows one version, not the deployment's routing; give `temporal worker deployment describe -o json`"
            ));
        }
        _ => return Err(format!("{file}: not a deployment")),
    };
    if let Some(name) = name
        && deployment.name != name
    {
        return Err(format!(
            "{file}: shows deployment {:?}, not {name:?}",
            deployment.name
        ));
    }
    Ok(Opened {
        form: read.form,
        deployment,
        notes,
    })
}

/// The deployment of a listing: its only one, or the one named.
fn pick(
    list: Vec<ShownDeployment>,
    name: Option<&str>,
    file: &str,
) -> Result<ShownDeployment, String> {
    if let Some(name) = name {
        return list
            .into_iter()
            .find(|d| d.name == name)
            .ok_or_else(|| format!("{file}: the listing has no deployment {name:?}"));
    }
    match list.len() {
        0 => Err(format!("{file}: the listing has no deployment")),
        1 => list
            .into_iter()
            .next()
            .ok_or_else(|| format!("{file}: the listing has no deployment")),
        n => Err(format!(
            "{file}: the listing has {n} deployments; name one with --deployment"
        )),
    }
}
