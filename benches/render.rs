//! Benchmark: rendering the istio-sds values (the upstream defaults with
//! `global.istioSDS.enabled: true`) to a manifest stream, with and without the CRDs.
//! Run with `cargo bench --bench render`; the other stages are in `benches/pipeline.rs`.

use divan::{black_box, Bencher};
use gloo_chart::render::{render_json, to_stream, RenderOptions};

fn main() {
    divan::main();
}

#[divan::bench(args = [false, true])]
fn istio_sds(bencher: Bencher, include_crds: bool) {
    let mut values = gloo_chart::model::defaults_json();
    if let Some(global) = values.get_mut("global").and_then(|g| g.as_object_mut()) {
        global.insert(
            "istioSDS".to_string(),
            serde_json::json!({ "enabled": true }),
        );
    }
    let opts = RenderOptions {
        include_crds,
        ..RenderOptions::default()
    };
    bencher.bench_local(|| match render_json(black_box(&values), &opts) {
        Ok(docs) => black_box(to_stream(&docs)),
        Err(e) => panic!("render failed: {e}"),
    });
}
