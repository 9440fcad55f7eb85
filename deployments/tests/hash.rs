//! The ramp hash is go-farm's `Fingerprint32` (rule `route.ramp-threshold`): the spec's
//! specification.md section E.2 vectors, computed with go-farm's own source, and their thresholds.

use worker_deployments::{fingerprint32, is_ramped, ramp_threshold};

const VECTORS: &[(&str, u32, f64)] = &[
    ("a", 1016544589, 23.668273095972836),
    ("ab", 1098068221, 25.566393067128956),
    ("abc", 795041479, 18.511001928709447),
    ("abcd", 2562006677, 59.65136636514217),
    ("hello", 2039911270, 47.49538539908826),
    ("éèê", 2907281085, 67.69041263032705),
    ("temporal", 3170421053, 73.81711744237691),
    ("workflow-1", 1758892097, 40.95239790622145),
    ("hello world", 430397466, 10.020971903577447),
    ("wf-123456789", 3620311431, 84.29194407071918),
    ("Hello, World!", 2869626656, 66.81370213627815),
    ("my-workflow-id-1", 3951624026, 92.00591654516757),
    ("order-processing-2024-01", 1556168312, 36.23236697167158),
    ("wDr16EpLLJIVGHz4FxFEtKyPi", 221667519, 5.1610991125926375),
    (
        "0123456789abcdefghijklmnopqrstuvwxyz",
        3364957422,
        78.34652024321258,
    ),
    (
        "6c7f3a4e-2b1d-4f8e-9a0b-1c2d3e4f5a6b",
        1611326550,
        37.516619777306914,
    ),
    ("x", 215327468, 5.013483297079802),
    ("edge-wf-809", 353591296, 8.232688903808594),
    ("edge-wf-18534", 2171191296, 50.55198669433594),
    ("ramp-wf-0", 4070997680, 94.785301014781),
    ("ramp-wf-1", 785201685, 18.2819013716653),
];

#[test]
fn fingerprint32_matches_go_farm_on_the_specs_vectors() {
    // rule: route.ramp-threshold
    assert_eq!(fingerprint32(""), 3696677242);
    for (id, hash, threshold) in VECTORS {
        assert_eq!(fingerprint32(id), *hash, "{id}");
        assert_eq!(ramp_threshold(id, 0.5), *threshold, "{id}");
    }
}

#[test]
fn a_threshold_equal_to_the_percentage_is_ramped_one_ulp_below_is_not() {
    // rule: route.ramp-compare
    // Scenario 23: the live server's boundary, to the last float32 bit.
    let t = ramp_threshold("edge-wf-18534", 0.0);
    assert_eq!(t, 50.551_986_694_335_94);
    // The threshold is a float32 value (its hash is a multiple of 8192).
    #[allow(clippy::cast_possible_truncation)]
    let pct = t as f32;
    assert_eq!(f64::from(pct), t);
    assert!(is_ramped(t, pct));
    let below = f32::from_bits(pct.to_bits() - 1);
    assert_eq!(f64::from(below), 50.551_982_879_638_67);
    assert!(!is_ramped(t, below));
}

#[test]
fn zero_percent_never_ramps_and_hundred_always_does() {
    for (id, _, _) in VECTORS {
        let t = ramp_threshold(id, 0.0);
        assert!(!is_ramped(t, 0.0));
        assert!(is_ramped(t, 100.0));
    }
}

#[test]
fn the_empty_id_takes_the_random_draw_unscaled() {
    // rule: route.ramp-threshold
    // `calcRampThreshold("")` is `rand.Float64()` in [0, 1): ramped at any pct >= 1.
    assert_eq!(ramp_threshold("", 0.999), 0.999);
    assert!(is_ramped(ramp_threshold("", 0.999), 1.0));
}
