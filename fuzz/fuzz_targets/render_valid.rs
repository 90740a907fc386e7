//! Values that validate must render, and what they render must be YAML.
//!
//! Inputs are values files; the ones that do not validate are skipped, so the interesting
//! inputs grow from the seed corpus (real values files) by mutation.
//!
//! Nulls are removed from the input first. A user null deletes a chart default, and values with
//! a null where a template needs the default validate but fail to render (as they fail in Helm);
//! that is a known gap of validation, tested in tests/failure_modes.rs, and without this the
//! target would report it on nearly every input.
#![no_main]

use gloo_chart::load::{merge, yaml, Limits, Node, Value};
use gloo_chart::render::{render, RenderOptions};
use gloo_chart::validate::{defaults_node, validate_tree};
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fn drop_nulls(node: &mut Node) {
    match &mut node.value {
        Value::Map(map) => {
            map.retain(|_, (_, child)| !matches!(child.value, Value::Null));
            map.values_mut().for_each(|(_, child)| drop_nulls(child));
        }
        Value::Seq(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let (root, _) = yaml::parse_values(Arc::from("fuzz.yaml"), data, &Limits::default());
    let Some(mut root) = root else {
        return;
    };
    drop_nulls(&mut root);
    let (merged, _) = merge::coalesce(&defaults_node(), root);
    let Some(values) = validate_tree(merged).values else {
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
