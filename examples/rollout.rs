//! A rollout in the manner of Temporal's worker-versioning guide, step by step: build
//! `deadbeef` becomes the default, a compatible patch follows, two new major versions ship,
//! the older one is promoted back and the newer merged into it; then the target build of
//! Compatible and Default activities of workflows still on old builds.
//!
//! Run with `cargo run --example rollout`.

use std::error::Error;

use version_sets::{
    BuildId, Limits, QueueDefault, TargetQueue, Update, VersionSets, VersioningIntent,
};

fn main() -> Result<(), Box<dyn Error>> {
    let id = |s: &str| BuildId::new(s);
    let mut queue = VersionSets::new();
    // The library takes time as an argument; a real server passes its wall clock here.
    let mut now_ms = 1_700_000_000_000;

    let steps = [
        (
            "add deadbeef as the new default",
            Update::add_new_default(id("deadbeef")?),
        ),
        (
            "patch: add deadbeef.1, compatible with deadbeef",
            Update::add_new_compatible(id("deadbeef.1")?, id("deadbeef")?, QueueDefault::Keep),
        ),
        (
            "ship cafe as the new default",
            Update::add_new_default(id("cafe")?),
        ),
        (
            "ship f00d as the new default",
            Update::add_new_default(id("f00d")?),
        ),
        (
            "f00d misbehaves: promote cafe's set back",
            Update::promote_set_by_build_id(id("cafe")?),
        ),
        (
            "f00d turns out compatible: merge its set into cafe's",
            Update::merge_sets(id("cafe")?, id("f00d")?),
        ),
    ];
    print_sets("start", &queue);
    for (what, update) in &steps {
        now_ms += 1_000;
        let outcome = queue.apply(update, now_ms, Limits::SERVER_DEFAULT)?;
        print_sets(&format!("{what} ({outcome:?})"), &queue);
    }

    // Workflows still running on old builds schedule activities on their own queue.
    for caller in [id("deadbeef")?, id("f00d")?] {
        for intent in [VersioningIntent::Compatible, VersioningIntent::Default] {
            let resolution = queue.resolve(intent, Some(caller.as_str()), TargetQueue::Same);
            println!(
                "{intent:?} activity of a {caller} workflow -> {:?}",
                resolution.target()
            );
            println!("  because {resolution}");
        }
    }
    match queue.poll((id("deadbeef")?).as_str()) {
        Ok(_) => println!("a deadbeef worker may poll"),
        Err(refused) => println!("a deadbeef worker's poll is refused: {refused}"),
    }
    Ok(())
}

/// Prints the sets oldest first, marking each set's default with `*` and the queue's
/// default set with `(default)`.
fn print_sets(title: &str, queue: &VersionSets) {
    println!("{title}:");
    if queue.is_empty() {
        println!("  (no sets: the queue is unversioned)");
    }
    for (i, set) in queue.sets().enumerate() {
        let members: Vec<String> = set
            .build_ids()
            .map(|record| {
                let mark = if record.id() == set.default_build_id() {
                    "*"
                } else {
                    ""
                };
                format!("{}{mark}", record.id())
            })
            .collect();
        let default = if i + 1 == queue.set_count() {
            "  (default)"
        } else {
            ""
        };
        println!("  [{}]{default}", members.join(", "));
    }
}
