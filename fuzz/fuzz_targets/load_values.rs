//! YAML bytes → one values layer → coalesced over the chart defaults.
//!
//! Every input must come back as either a tree or at least one error, never both and never a
//! panic; every diagnostic must carry a real 1-based position. The quick block reader must give
//! exactly what the full YAML parser gives.
#![no_main]

use gloo_chart::diag::{has_errors, Diagnostic};
use gloo_chart::load::{merge, yaml, Limits};
use gloo_chart::validate::defaults_node;
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fn located(diags: &[Diagnostic]) -> bool {
    diags
        .iter()
        .all(|d| d.location.line >= 1 && d.location.col >= 1 && !d.location.source.is_empty())
}

fuzz_target!(|data: &[u8]| {
    let (root, diags) = yaml::parse_values(Arc::from("fuzz.yaml"), data, &Limits::default());
    let full = yaml::parse_values_full(Arc::from("fuzz.yaml"), data, &Limits::default());
    assert!(
        (&root, &diags) == (&full.0, &full.1),
        "the quick reader and the full parser disagree"
    );
    assert!(located(&diags));
    assert_eq!(root.is_some(), !has_errors(&diags));
    if let Some(root) = root {
        let (merged, merge_diags) = merge::coalesce(&defaults_node(), root);
        assert!(located(&merge_diags));
        // The merged tree must always turn into JSON (what Helm would pass to templates).
        let _ = merged.to_json();
    }
});
