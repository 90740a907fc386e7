//! What the `validate` and `render_valid` targets share: a crossover that merges two values
//! files as Helm merges `-f` layers.
//!
//! libFuzzer's own crossover splices bytes, which seldom leaves the settings of two values files
//! whole side by side, so mutation alone rarely brings together fields that different corpus
//! inputs set (a sidecar from one, a second gateway proxy from another, the Istio switches from
//! a third). This one loads both inputs, lays one over the other (the seed picks which goes on
//! top) and writes the result as JSON, which is YAML. libFuzzer keeps its byte crossover beside
//! it.

use gloo_chart::load::merge::merge_layers;
use gloo_chart::load::{yaml, Limits};
use std::sync::Arc;

/// Writes into `out` the values of `a` and `b` merged (maps key by key, anything else from the
/// upper layer); returns the length written, or 0 (no crossover: libFuzzer tries another
/// mutation) when either input does not load or the merged values do not fit in `out`.
pub fn merge_crossover(a: &[u8], b: &[u8], out: &mut [u8], seed: u32) -> usize {
    let limits = Limits::default();
    let load = |data: &[u8]| yaml::parse_values(Arc::from("crossover.yaml"), data, &limits).0;
    let (Some(mut lower), Some(mut upper)) = (load(a), load(b)) else {
        return 0;
    };
    if seed & 1 == 1 {
        std::mem::swap(&mut lower, &mut upper);
    }
    merge_layers(&mut lower, upper);
    let Ok(bytes) = serde_json::to_vec(&lower.to_json()) else {
        return 0;
    };
    match out.get_mut(..bytes.len()) {
        Some(into) => {
            into.copy_from_slice(&bytes);
            bytes.len()
        }
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::merge_crossover;
    use serde_json::{json, Value};

    const PROXY: &[u8] = b"gatewayProxies:\n  gatewayProxy:\n    kind:\n      deployment:\n        replicas: 2\nglobal:\n  istioSDS:\n    enabled: false\n";
    const ISTIO: &[u8] =
        b"{\"global\": {\"istioSDS\": {\"enabled\": true}}, \"gloo\": {\"logLevel\": \"debug\"}}";

    fn crossed(a: &[u8], b: &[u8], seed: u32) -> Value {
        let mut out = vec![0; 4096];
        let n = merge_crossover(a, b, &mut out, seed);
        assert!(n > 0, "no crossover");
        serde_json::from_slice(&out[..n]).expect("the crossover writes JSON")
    }

    #[test]
    fn both_inputs_settings_meet_and_the_seed_picks_the_upper_layer() {
        let b_on_top = crossed(PROXY, ISTIO, 0);
        assert_eq!(
            b_on_top,
            json!({
                "gatewayProxies": {"gatewayProxy": {"kind": {"deployment": {"replicas": 2}}}},
                "global": {"istioSDS": {"enabled": true}},
                "gloo": {"logLevel": "debug"}
            })
        );
        let a_on_top = crossed(PROXY, ISTIO, 1);
        assert_eq!(a_on_top["global"]["istioSDS"]["enabled"], json!(false));
        assert_eq!(a_on_top["gloo"]["logLevel"], json!("debug"));
    }

    #[test]
    fn inputs_that_do_not_load_or_results_that_do_not_fit_give_no_crossover() {
        let mut out = vec![0; 4096];
        assert_eq!(merge_crossover(b"a: [1, 2", ISTIO, &mut out, 0), 0);
        assert_eq!(merge_crossover(PROXY, b"\xff\xfe", &mut out, 0), 0);
        let mut small = vec![0; 20];
        assert_eq!(merge_crossover(PROXY, ISTIO, &mut small, 0), 0);
        assert!(small.iter().all(|&b| b == 0), "nothing written");
    }
}
