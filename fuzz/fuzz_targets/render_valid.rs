//! Values that validate must render, and what they render must be YAML.
//!
//! Inputs are values files; the ones that do not validate are skipped, so the interesting
//! inputs grow from the seed corpus (real values files) by mutation and by merging inputs.
//!
#![no_main]

use gloo_chart::load::{yaml, Limits};
use gloo_chart::render::{render, RenderOptions};
use gloo_chart::validate::validate_user;
use libfuzzer_sys::{fuzz_crossover, fuzz_target};
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let (root, _) = yaml::parse_values(Arc::from("fuzz.yaml"), data, &Limits::default());
    let Some(root) = root else {
        return;
    };
    let Some(values) = validate_user(root).values else {
        return;
    };
    let opts = RenderOptions {
        include_crds: false,
        ..RenderOptions::default()
    };
    let docs = match render(&values, &opts) {
        Ok(docs) => docs,
        Err(e) => panic!("valid values failed to render: {e}"),
    };
    for doc in &docs {
        if let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(&doc.text) {
            panic!("{} is not YAML: {e}\n{}", doc.template, doc.text);
        }
    }
});

// Beside libFuzzer's byte crossover: two inputs merged as values layers (see the library).
fuzz_crossover!(|a: &[u8], b: &[u8], out: &mut [u8], seed: u32| {
    gloo_chart_fuzz::merge_crossover(a, b, out, seed)
});
