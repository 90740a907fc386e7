//! YAML bytes → load → validate (nulls, coalescing over the chart defaults, schema, rules).
//!
//! Validation must never panic, must return typed values exactly when it found no error, and
//! every finding must name a file and a 1-based position. The schema findings must not depend on
//! whether the section schemas were pruned to what the values reach or compiled whole, and the
//! schema compiled into code must accept exactly the values they find nothing in.
#![no_main]

use gloo_chart::diag::has_errors;
use gloo_chart::load::{yaml, Limits};
use gloo_chart::validate::{schema_verdicts, validate_user};
use libfuzzer_sys::{fuzz_crossover, fuzz_target};
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let (root, _) = yaml::parse_values(Arc::from("fuzz.yaml"), data, &Limits::default());
    let Some(root) = root else {
        return;
    };
    let verdicts = schema_verdicts(root.clone());
    assert_eq!(
        verdicts.pruned, verdicts.whole,
        "pruned and whole section schemas disagree"
    );
    assert_eq!(
        verdicts.generated_valid,
        verdicts.whole.is_empty(),
        "the generated schema disagrees with the compiled one: {:?}",
        verdicts.whole
    );
    let validated = validate_user(root);
    assert_eq!(
        validated.values.is_some(),
        !has_errors(&validated.diagnostics)
    );
    for d in &validated.diagnostics {
        assert!(
            d.location.line >= 1 && d.location.col >= 1 && !d.location.source.is_empty(),
            "{d}"
        );
    }
});

// Beside libFuzzer's byte crossover: two inputs merged as values layers (see the library).
fuzz_crossover!(|a: &[u8], b: &[u8], out: &mut [u8], seed: u32| {
    gloo_chart_fuzz::merge_crossover(a, b, out, seed)
});
