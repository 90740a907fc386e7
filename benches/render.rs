//! Benchmark: rendering the istio-sds values (the upstream defaults with
//! `global.istioSDS.enabled: true`) to a manifest stream. Run with `cargo bench --bench render`;
//! it prints the mean and the fastest time per render over a fixed number of rounds.

use gloo_chart::render::{render_json, to_stream, RenderOptions};
use std::hint::black_box;
use std::time::{Duration, Instant};

const ROUNDS: u32 = 200;

fn main() {
    let mut values = gloo_chart::model::defaults_json();
    if let Some(global) = values.get_mut("global").and_then(|g| g.as_object_mut()) {
        global.insert(
            "istioSDS".to_string(),
            serde_json::json!({ "enabled": true }),
        );
    }
    let opts = RenderOptions::default();
    let mut best = Duration::MAX;
    let started = Instant::now();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        match render_json(black_box(&values), &opts) {
            Ok(docs) => {
                black_box(to_stream(&docs));
            }
            Err(e) => {
                eprintln!("render failed: {e}");
                std::process::exit(1);
            }
        }
        best = best.min(t.elapsed());
    }
    let mean = started.elapsed() / ROUNDS;
    println!("render istio-sds: mean {mean:?}, best {best:?} over {ROUNDS} rounds");
}
