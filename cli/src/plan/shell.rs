//! One argument as a POSIX shell reads it back: `plan` prints commands to run, and a build
//! ID may hold any character.

use std::fmt::Write as _;

/// `text` as one shell word: as it is when it holds only characters no shell treats
/// specially, single-quoted otherwise, and `$'...'`-quoted (bash, zsh, ksh) when it holds
/// control characters, which single quotes would carry onto another line.
pub(crate) fn word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._-:/@%+=,".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_owned();
    }
    if !text.chars().any(char::is_control) {
        return format!("'{}'", text.replace('\'', r"'\''"));
    }
    let mut quoted = String::from("$'");
    for c in text.chars() {
        match c {
            '\\' => quoted.push_str(r"\\"),
            '\'' => quoted.push_str(r"\'"),
            '\n' => quoted.push_str(r"\n"),
            '\t' => quoted.push_str(r"\t"),
            '\r' => quoted.push_str(r"\r"),
            c if c.is_control() => {
                let mut bytes = [0; 4];
                for byte in c.encode_utf8(&mut bytes).bytes() {
                    let _ = write!(quoted, "\\x{byte:02x}");
                }
            }
            c => quoted.push(c),
        }
    }
    quoted.push('\'');
    quoted
}

#[cfg(test)]
mod tests {
    use super::word;

    #[test]
    fn quotes_only_what_a_shell_would_read_otherwise() {
        assert_eq!(word("1.0-rc+build"), "1.0-rc+build");
        assert_eq!(word(""), "''");
        assert_eq!(word("a b"), "'a b'");
        assert_eq!(word("it's"), r"'it'\''s'");
        assert_eq!(word("$HOME"), "'$HOME'");
        assert_eq!(word("a\nb'\\"), r"$'a\nb\'\\'");
        assert_eq!(word("\u{1}"), r"$'\x01'");
    }
}
