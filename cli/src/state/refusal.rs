//! Why a large document is refused, found without a JSON tree.
//!
//! A document the typed readers refuse is normally read again through a tree, whose reader
//! words every error. A tree costs tens of bytes for each byte of a document of small
//! objects, so past [`TREE_LIMIT`] the error is found by streaming readers instead: the same
//! strict parse (so a syntax error or a repeated key reads as the tree's reader words it),
//! then the typed reader of the document's shape over its canonical text, with the JSON path
//! of the problem. Where two things are wrong the streaming readers name the first in
//! document order; the tree, whose objects are sorted by key, may name another.

use super::{proto, shapes};

/// Documents up to this size that the typed readers refuse are read through the tree.
pub(crate) const TREE_LIMIT: usize = 1 << 20;

/// Why `bytes` is refused, as the tree would say it (`LINE:COLUMN: problem` for JSON that is
/// not strict, `PATH: problem` for a value of the wrong shape); `None` when the streaming
/// readers find nothing wrong (a field given in two spellings, or rules to read past), and
/// the tree must read it after all.
pub(crate) fn refusal(bytes: &[u8]) -> Option<String> {
    if let Err(error) = strict(bytes) {
        return Some(error);
    }
    let text = proto::canonical(bytes)?;
    shapes::typed_error(&text).map(|error| format!(" {error}"))
}

/// The strict reader's verdict (valid UTF-8, JSON, no key twice in one object), worded as
/// `version_sets_trace::read_strict` words it, with nothing kept.
fn strict(bytes: &[u8]) -> Result<(), String> {
    version_sets_trace::check_strict(bytes).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    /// The tree's error, as `read_through_tree` words it (without the file name).
    fn tree_error(bytes: &[u8]) -> String {
        let mut value = match json::read(bytes) {
            Ok(value) => value,
            Err(error) => return error,
        };
        if let Err(error) = proto::normalise(&mut value) {
            return format!(" {error}");
        }
        match shapes::read(value) {
            Ok(_) => panic!("the tree reads {}", String::from_utf8_lossy(bytes)),
            Err(error) => format!(" {error}"),
        }
    }

    #[test]
    fn a_refusal_is_worded_as_the_tree_words_it() {
        let documents: [&[u8]; 15] = [
            br#"{"versionSets": [{"setIds": ["s"], "buildIds": [{"id": "a", "state": "BOGUS"}]}]}"#,
            br#"{"majorVersionSets": [{"buildIds": ["a", 5]}]}"#,
            br#"{"major_version_sets": [{"build_ids": [""]}]}"#,
            br#"[{"buildIds": ["a"], "isDefaultSet": "yes"}]"#,
            br#"{"versioningData": {"versionSets": 5}}"#,
            br#"{"versioningData": 5}"#,
            br#"{"versioningData": {}, "clock": {}, "other": 1}"#,
            br#"{"somethingElse": 1}"#,
            br#"{"versionSets": [], "x": 1}"#,
            br#"{"majorVersionSets": [{"buildIds": ["a"]}], "versionSets": 1}"#,
            br#"{"versionSets": [{"becameDefaultTimestamp": {"wallClock": 2.5}}]}"#,
            br#"{"a": 1, "b": {"c": 1, "c": 2}}"#,
            br#"{"a": [1, 2}"#,
            b"{\"a\":\n \"\xff\"}",
            br#"{"versionSets": [{"setIds": 1}]} x"#,
        ];
        for bytes in documents {
            let text = String::from_utf8_lossy(bytes);
            assert_eq!(refusal(bytes), Some(tree_error(bytes)), "{text}");
        }
    }

    #[test]
    fn what_only_the_tree_can_word_is_left_to_it() {
        assert_eq!(refusal(br#"{"versionSets": [], "version_sets": []}"#), None);
        assert_eq!(
            refusal(br#"{"versionSets": [], "assignmentRules": 5}"#),
            None
        );
        assert_eq!(refusal(b"7"), None);
    }
}
