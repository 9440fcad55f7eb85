//! The `ops` target: an `Arbitrary` sequence of steps (the five updates, limits, garbage
//! collection, the replication helper, lookups and wall-clock moves) over a small alphabet
//! of build IDs, run on the crate and the reference model at once. After every step the
//! two must agree on the result and on everything observable, `validate()` must pass, and
//! a failed update or a no-op must have left the value exactly as it was (see [`World`]).
//! Every input runs twice: from the zero clock, and from a clock and wall time below zero.

use arbitrary::{Arbitrary, Unstructured};

use crate::world::{Step, World};

/// The most steps one input runs: enough for deep states (the alphabet has ten build IDs),
/// few enough to keep executions fast.
pub const MAX_STEPS: usize = 64;

/// Runs the steps that `data` decodes to (it stops at the first byte that decodes to
/// none), in a world starting at zero and again in one starting below zero.
pub fn run(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let mut steps = Vec::new();
    while steps.len() < MAX_STEPS && !input.is_empty() {
        let Ok(step) = Step::arbitrary(&mut input) else {
            break;
        };
        steps.push(step);
    }
    for mut world in [World::new(), World::below_zero()] {
        world.check();
        for step in &steps {
            world.step(step);
        }
    }
}
