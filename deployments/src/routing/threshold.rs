//! The ramp threshold of a workflow ID (specification.md section E.2, `calcRampThreshold`).

/// go-farm's `Fingerprint32` of the ID's UTF-8 bytes (FarmHash `Fingerprint32`, which the
/// `farmhash` crate computes bit for bit).
pub fn fingerprint32(workflow_id: &str) -> u32 {
    farmhash::fingerprint32(workflow_id.as_bytes())
}

/// A workflow ID's ramp threshold in `[0, 100)`: `100 * Fingerprint32(id) / 2^32` in
/// float64. The empty ID takes `random` instead, a value in `[0, 1)` the caller draws
/// (the server's `rand.Float64()`; not scaled to 100, as the server does not).
///
/// # Example
/// ```
/// use worker_deployments::ramp_threshold;
///
/// assert_eq!(ramp_threshold("edge-wf-18534", 0.0), 50.55198669433594);
/// assert_eq!(ramp_threshold("", 0.25), 0.25);
/// ```
pub fn ramp_threshold(workflow_id: &str, random: f64) -> f64 {
    if workflow_id.is_empty() {
        return random;
    }
    100.0 * (f64::from(fingerprint32(workflow_id)) / 4_294_967_296.0)
}

/// Whether a workflow with this threshold goes to the ramping version at `percentage`:
/// `percentage <= 0` (float32) never, `percentage == 100` always, otherwise
/// `threshold <= percentage` widened to float64. NaN is never ramped.
pub fn is_ramped(threshold: f64, percentage: f32) -> bool {
    if percentage <= 0.0 {
        false
    } else if percentage == 100.0 {
        true
    } else {
        threshold <= f64::from(percentage)
    }
}
