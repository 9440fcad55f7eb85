//! A line diff for `apply --dry-run`.

/// The most cells of the longest-common-subsequence table; past it the changed middle is
/// shown as all removed, then all added, rather than spend quadratic memory.
const MAX_TABLE: usize = 4_000_000;

/// `before` turned into `after`, line by line: `  ` kept, `- ` removed, `+ ` added.
pub(crate) fn diff(before: &[String], after: &[String]) -> Vec<String> {
    let prefix = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    let (before_rest, after_rest) = (
        before.get(prefix..).unwrap_or_default(),
        after.get(prefix..).unwrap_or_default(),
    );
    let suffix = before_rest
        .iter()
        .rev()
        .zip(after_rest.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let old = before_rest
        .get(..before_rest.len() - suffix)
        .unwrap_or_default();
    let new = after_rest
        .get(..after_rest.len() - suffix)
        .unwrap_or_default();

    let mut lines: Vec<String> = before
        .iter()
        .take(prefix)
        .map(|line| format!("  {line}"))
        .collect();
    lines.extend(middle(old, new));
    lines.extend(
        before_rest
            .iter()
            .skip(old.len())
            .map(|line| format!("  {line}")),
    );
    lines
}

/// The diff of two runs of lines that share no first or last line.
fn middle(old: &[String], new: &[String]) -> Vec<String> {
    let (n, m) = (old.len(), new.len());
    if n.saturating_mul(m) > MAX_TABLE {
        return old
            .iter()
            .map(|line| format!("- {line}"))
            .chain(new.iter().map(|line| format!("+ {line}")))
            .collect();
    }
    // common[i][j]: the longest common subsequence of old[i..] and new[j..].
    let width = m + 1;
    let mut common = vec![0_usize; (n + 1) * width];
    let cell =
        |common: &[usize], i: usize, j: usize| common.get(i * width + j).copied().unwrap_or(0);
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let value = if old.get(i) == new.get(j) {
                cell(&common, i + 1, j + 1) + 1
            } else {
                cell(&common, i + 1, j).max(cell(&common, i, j + 1))
            };
            if let Some(slot) = common.get_mut(i * width + j) {
                *slot = value;
            }
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut lines = Vec::with_capacity(n + m);
    while i < n || j < m {
        match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) if a == b => {
                lines.push(format!("  {a}"));
                i += 1;
                j += 1;
            }
            (Some(a), Some(_)) if cell(&common, i + 1, j) >= cell(&common, i, j + 1) => {
                lines.push(format!("- {a}"));
                i += 1;
            }
            (_, Some(b)) => {
                lines.push(format!("+ {b}"));
                j += 1;
            }
            (Some(a), None) => {
                lines.push(format!("- {a}"));
                i += 1;
            }
            (None, None) => break,
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::diff;

    fn lines(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn keeps_removes_and_adds() {
        assert_eq!(
            diff(&lines("a b c d"), &lines("a c x d")),
            ["  a", "- b", "  c", "+ x", "  d"]
        );
        assert_eq!(diff(&lines("a"), &lines("a")), ["  a"]);
        assert_eq!(diff(&[], &lines("a")), ["+ a"]);
        assert_eq!(diff(&lines("a b"), &[]), ["- a", "- b"]);
    }
}
