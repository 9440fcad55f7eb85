//! Bash completion driven through bash's own machinery: the script is loaded as a user
//! loads it, the function `complete -p version-sets` names is called with `COMP_WORDS` and
//! `COMP_CWORD` set as readline sets them, and `COMPREPLY` is read back.

use std::process::Command;

use super::ROOT;

/// What bash offers after the words of `line` (the last one is being completed).
#[track_caller]
fn complete(line: &[&str]) -> String {
    let words: Vec<String> = line.iter().map(|word| format!("'{word}'")).collect();
    let script = format!(
        r#"eval "$("$BIN" completions bash)"
function_name=$(complete -p version-sets | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
COMP_WORDS=({words})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
COMPREPLY=()
"$function_name" version-sets "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}" 2>/dev/null
echo "${{COMPREPLY[*]}}""#,
        words = words.join(" ")
    );
    let output = Command::new("bash")
        .args(["--noprofile", "--norc", "-c", &script])
        .env("BIN", env!("CARGO_BIN_EXE_version-sets"))
        .current_dir(ROOT)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .trim_end()
        .to_owned()
}

#[test]
fn bash_completes_subcommands_options_values_and_files() {
    // A subcommand, an option of a subcommand, an enumerated value of a subcommand's
    // option, a second-level subcommand, a file given to an option, and a global value.
    assert_eq!(complete(&["version-sets", "reach"]), "reachability");
    assert_eq!(complete(&["version-sets", "gc", "--rete"]), "--retention");
    assert_eq!(
        complete(&["version-sets", "reachability", "s.json", "--type", ""]),
        "unspecified new existing open closed"
    );
    assert_eq!(
        complete(&["version-sets", "update", "s.json", "add-new-c"]),
        "add-new-compatible"
    );
    assert_eq!(
        complete(&[
            "version-sets",
            "update",
            "s.json",
            "add-new-compatible",
            "--set"
        ]),
        "--set-as-default"
    );
    assert_eq!(
        complete(&[
            "version-sets",
            "gc",
            "--has-workflows",
            "cli/tests/data/user-d"
        ]),
        "cli/tests/data/user-data.json"
    );
    assert_eq!(
        complete(&["version-sets", "poll", "s.json", "-o", "j"]),
        "json"
    );
}

#[test]
fn bash_completes_the_deployment_group() {
    assert_eq!(complete(&["version-sets", "deploy"]), "deployment");
    assert_eq!(complete(&["version-sets", "deployment", "ro"]), "route");
    assert_eq!(
        complete(&[
            "version-sets",
            "deployment",
            "route",
            "d.json",
            "--sample-r"
        ]),
        "--sample-ramped"
    );
}
