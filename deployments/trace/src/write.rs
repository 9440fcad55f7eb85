//! The writer: a [`Step`] back to its line, which [`parse`](crate::parse) reads as the
//! same step.

use std::collections::BTreeMap;

use crate::step::{Step, TokenArg};

impl Step {
    /// The step as one line of a trace (no line end).
    ///
    /// # Errors
    /// A percentage that JSON cannot hold (an infinity).
    ///
    /// # Example
    /// ```
    /// use worker_deployments_trace::parse;
    ///
    /// let text = r#"{"setRamping":{"deployment":"D","build":"b2","percentage":"NaN","identity":"me"},"now":5,"expect":"changed"}"#;
    /// let steps = parse(format!("{{\"format\": \"deployments\"}}\n{text}").as_bytes())?;
    /// assert_eq!(steps[0].to_line().unwrap(), text);
    /// # Ok::<(), worker_deployments_trace::TraceError>(())
    /// ```
    pub fn to_line(&self) -> Result<String, serde_json::Error> {
        // Built by hand: a JSON map would sort the keys, and the action goes first.
        let mut line = format!(
            "{{{}:{}",
            serde_json::to_string(self.action.kind().as_str())?,
            self.action.args_json()?
        );
        if let Some(now) = self.now {
            line.push_str(&format!(",\"now\":{now}"));
        }
        if let Some(expect) = &self.expect {
            line.push_str(&format!(",\"expect\":{}", serde_json::to_string(expect)?));
        }
        line.push('}');
        Ok(line)
    }
}

impl Step {
    /// The step as the conformance protocol sends it: its line without `expect`.
    ///
    /// # Errors
    /// As [`Step::to_line`].
    pub fn to_request(&self) -> Result<String, serde_json::Error> {
        Step {
            expect: None,
            ..self.clone()
        }
        .to_line()
    }
}

/// A whole trace: the header, then one line a step, each ending in `\n`. A token that
/// names a step's line (`{"line": N}`) is renumbered to where that step is written.
///
/// # Errors
/// As [`Step::to_line`].
pub fn write(steps: &[Step]) -> Result<String, serde_json::Error> {
    write_lines(&[], steps)
}

/// [`write()`], after a first line `# comment` (a line break in `comment` becomes a space),
/// with the tokens renumbered for it.
///
/// # Errors
/// As [`Step::to_line`].
pub fn write_with_comment(comment: &str, steps: &[Step]) -> Result<String, serde_json::Error> {
    write_lines(&[comment], steps)
}

/// [`write()`], after one line `# comment` for each of `comments` (a line break in one
/// becomes a space), with the tokens renumbered for them.
///
/// # Errors
/// As [`Step::to_line`].
pub fn write_with_comments(comments: &[&str], steps: &[Step]) -> Result<String, serde_json::Error> {
    write_lines(comments, steps)
}

/// The steps numbered as [`write()`] writes them and the conformance protocol sends them
/// (the header on line 1, the i-th step from 0 on line i + 2), each token that names a
/// step's line following it. A token naming the line of none of `steps` is dropped (an
/// empty token, which is what [`run`](crate::run) makes of a line it has no token for):
/// a trace shrunk by dropping steps stays well formed.
///
/// # Example
/// ```
/// use worker_deployments_trace::{Action, TokenArg, parse, renumber};
///
/// let steps = parse(br#"# a comment
/// {"format": "deployments"}
/// {"setManager": {"deployment": "D", "self": true}}
/// {"setManager": {"deployment": "D", "manager": "", "token": {"line": 3}}}"#)?;
/// let steps = renumber(&steps);
/// assert_eq!((steps[0].line, steps[1].line), (2, 3));
/// let Action::SetManager(args) = &steps[1].action else { unreachable!() };
/// assert_eq!(args.token, Some(TokenArg::Line { line: 2 }));
/// let alone = renumber(&steps[1..]);
/// let Action::SetManager(args) = &alone[0].action else { unreachable!() };
/// assert_eq!(args.token, None);
/// # Ok::<(), worker_deployments_trace::TraceError>(())
/// ```
pub fn renumber(steps: &[Step]) -> Vec<Step> {
    renumbered(steps, 2)
}

/// The steps numbered from `first`, tokens following the steps they name.
fn renumbered(steps: &[Step], first: usize) -> Vec<Step> {
    let new_line: BTreeMap<usize, usize> = steps
        .iter()
        .enumerate()
        .map(|(i, step)| (step.line, first + i))
        .collect();
    steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let mut step = step.clone();
            step.line = first + i;
            if let Some(token) = step.action.token_mut()
                && let Some(TokenArg::Line { line }) = token
            {
                match new_line.get(line) {
                    Some(new) => *line = *new,
                    None => *token = None,
                }
            }
            step
        })
        .collect()
}

fn write_lines(comments: &[&str], steps: &[Step]) -> Result<String, serde_json::Error> {
    let mut out = String::new();
    for comment in comments {
        out.push_str("# ");
        out.push_str(&comment.replace(['\n', '\r'], " "));
        out.push('\n');
    }
    // The header is the next line, the i-th step (from 0) i + 1 lines after it.
    let header_line = comments.len() + 1;
    out.push_str(crate::read::HEADER);
    out.push('\n');
    for step in renumbered(steps, header_line + 1) {
        out.push_str(&step.to_line()?);
        out.push('\n');
    }
    Ok(out)
}
