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

/// A whole trace: the header, then one line a step, each ending in `\n`. A token that
/// names a step's line (`{"line": N}`) is renumbered to where that step is written.
///
/// # Errors
/// As [`Step::to_line`].
pub fn write(steps: &[Step]) -> Result<String, serde_json::Error> {
    write_lines(None, steps)
}

/// [`write()`], after a first line `# comment` (a line break in `comment` becomes a space),
/// with the tokens renumbered for it.
///
/// # Errors
/// As [`Step::to_line`].
pub fn write_with_comment(comment: &str, steps: &[Step]) -> Result<String, serde_json::Error> {
    write_lines(Some(comment), steps)
}

fn write_lines(comment: Option<&str>, steps: &[Step]) -> Result<String, serde_json::Error> {
    let mut out = String::new();
    if let Some(comment) = comment {
        out.push_str("# ");
        out.push_str(&comment.replace(['\n', '\r'], " "));
        out.push('\n');
    }
    // The header is the next line, the i-th step (from 0) i + 1 lines after it.
    let header_line = out.lines().count() + 1;
    let new_line: BTreeMap<usize, usize> = steps
        .iter()
        .enumerate()
        .map(|(i, step)| (step.line, header_line + i + 1))
        .collect();
    out.push_str(crate::read::HEADER);
    out.push('\n');
    for step in steps {
        let mut step = step.clone();
        if let Some(Some(TokenArg::Line { line })) = step.action.token_mut()
            && let Some(new) = new_line.get(line)
        {
            *line = *new;
        }
        out.push_str(&step.to_line()?);
        out.push('\n');
    }
    Ok(out)
}
