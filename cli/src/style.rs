//! Colour for people at a terminal, and only for them.

use std::ffi::OsStr;
use std::fmt::Display;

/// What a piece of output means, and so its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// All is well (green).
    Good,
    /// A violation, failure or refusal (red).
    Bad,
    /// The answer itself, e.g. a build ID (bold).
    Strong,
}

impl Style {
    /// `text` wrapped in this style's ANSI codes when `colour`, as it is otherwise.
    pub(crate) fn paint(self, text: impl Display, colour: bool) -> String {
        if !colour {
            return text.to_string();
        }
        let code = match self {
            Self::Good => "32",
            Self::Bad => "31",
            Self::Strong => "1",
        };
        format!("\u{1b}[{code}m{text}\u{1b}[0m")
    }
}

/// Whether to colour standard output: on a terminal, or when `CLICOLOR_FORCE` is set to
/// something other than `0`; never when `NO_COLOR` is set to anything non-empty
/// (<https://no-color.org>), which wins over both.
pub(crate) fn wanted(terminal: bool, no_color: Option<&OsStr>, force: Option<&OsStr>) -> bool {
    let set = |value: Option<&OsStr>| value.is_some_and(|value| !value.is_empty());
    if set(no_color) {
        return false;
    }
    terminal || (set(force) && force != Some(OsStr::new("0")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_or_when_forced_and_never_with_no_color() {
        let os = |text: &'static str| Some(OsStr::new(text));
        assert!(wanted(true, None, None));
        assert!(!wanted(false, None, None));
        assert!(wanted(false, None, os("1")));
        assert!(!wanted(false, None, os("0")));
        assert!(!wanted(true, os("1"), None));
        assert!(!wanted(false, os("1"), os("1")));
        // An empty NO_COLOR does not count, as the convention says.
        assert!(wanted(true, os(""), None));
    }

    #[test]
    fn paint_wraps_only_when_asked() {
        assert_eq!(Style::Bad.paint("x", false), "x");
        assert_eq!(Style::Bad.paint("x", true), "\u{1b}[31mx\u{1b}[0m");
        assert_eq!(Style::Good.paint(1, true), "\u{1b}[32m1\u{1b}[0m");
    }
}
