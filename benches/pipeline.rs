//! Benchmarks of the pipeline's hot paths, one stage at a time: load and merge, validate, render,
//! write a chart, and validating many files at once. Inputs are values like the Istio guide's
//! custom-sidecar setup (SDS on, an Istio 1.6.6 sidecar), with 1, 10 or 100 gateway proxies or
//! sidecars to show how cost grows. Run with `cargo bench --bench pipeline`; CI only builds it.
//!
//! Whole-process comparisons against Helm are in `scripts/bench-vs-helm`.

use divan::{black_box, Bencher};
use gloo_chart::istio::sidecar::{build_sidecar, SidecarOptions};
use gloo_chart::load::{self, Limits, Sources};
use gloo_chart::render::{render, to_stream, RenderOptions};
use gloo_chart::validate;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn main() {
    divan::main();
}

/// Istio SDS values with `sidecars` custom sidecars (distinct names and ports) and `proxies`
/// gateway proxies besides the default one.
fn values(sidecars: usize, proxies: usize) -> Value {
    let mut containers = Vec::new();
    for i in 0..sidecars {
        let mut c = build_sidecar(&SidecarOptions::new("1.6.6")).unwrap_or(Value::Null);
        if i > 0 {
            // Only the first copy keeps Istio's ports; containers of a pod share them.
            let text = c
                .to_string()
                .replace("istio-proxy", &format!("istio-proxy-{i}"))
                .replace("15000", &(30000 + 2 * i).to_string())
                .replace("15021", &(30001 + 2 * i).to_string());
            c = serde_json::from_str(&text).unwrap_or(Value::Null);
        }
        containers.push(c);
    }
    let mut gateway_proxies = serde_json::Map::new();
    for i in 1..proxies {
        gateway_proxies.insert(
            format!("gw-{i}"),
            json!({
                "kind": { "deployment": { "replicas": 1 } },
                "podTemplate": {
                    "image": { "repository": "gloo-envoy-wrapper", "tag": "1.5.0" },
                    "httpPort": 8080, "httpsPort": 8443, "runAsUser": 10101, "fsGroup": 10101,
                    "runUnprivileged": true, "disableNetBind": true
                },
                "service": { "type": "LoadBalancer", "httpPort": 80, "httpsPort": 443 },
                "loopBackAddress": "127.0.0.1",
                "globalDownstreamMaxConnections": 250000,
                "stats": { "enabled": true }
            }),
        );
    }
    let mut v =
        json!({ "global": { "istioSDS": { "enabled": true, "customSidecars": containers } } });
    if !gateway_proxies.is_empty() {
        v["gatewayProxies"] = Value::Object(gateway_proxies);
    }
    v
}

/// A temporary directory holding `count` values files, each a copy of `values(1, 1)`.
struct Tree {
    dir: tempfile::TempDir,
    files: Vec<PathBuf>,
}

fn tree(count: usize, sidecars: usize, proxies: usize) -> Tree {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temporary directory: {e}"));
    let text = serde_yaml::to_string(&values(sidecars, proxies)).unwrap_or_default();
    let files = (0..count)
        .map(|i| {
            let path = dir.path().join(format!("env-{i:05}.yaml"));
            std::fs::write(&path, format!("# environment {i}\n{text}"))
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            path
        })
        .collect();
    Tree { dir, files }
}

fn sources(file: &Path) -> Sources {
    Sources {
        files: vec![file.to_path_buf()],
        ..Sources::default()
    }
}

/// Reading one values file into a positioned tree and coalescing it over the chart defaults.
#[divan::bench(args = [1, 10, 100])]
fn load_and_merge(bencher: Bencher, sidecars: usize) {
    let t = tree(1, sidecars, 1);
    let src = sources(&t.files[0]);
    let defaults = validate::defaults_node();
    bencher.bench_local(|| {
        let loaded = load::load_user(black_box(&src), None, &Limits::default());
        let user = loaded.map(|l| l.user).unwrap_or_else(|e| panic!("{e}"));
        black_box(load::merge::coalesce(&defaults, user))
    });
}

/// Schema, typing and semantic checks of merged values with N sidecars.
#[divan::bench(args = [1, 10, 100])]
fn validate_sidecars(bencher: Bencher, sidecars: usize) {
    validate_merged(bencher, sidecars, 1);
}

/// Schema, typing and semantic checks of merged values with N gateway proxies.
#[divan::bench(args = [1, 10, 100])]
fn validate_proxies(bencher: Bencher, proxies: usize) {
    validate_merged(bencher, 1, proxies);
}

fn validate_merged(bencher: Bencher, sidecars: usize, proxies: usize) {
    let t = tree(1, sidecars, proxies);
    let loaded = load::load_user(&sources(&t.files[0]), None, &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let (merged, _) = load::merge::coalesce(&validate::defaults_node(), loaded.user);
    bencher
        .with_inputs(|| merged.clone())
        .bench_local_values(|m| black_box(validate::validate_tree(m)));
}

/// Rendering typed values with N sidecars to the manifest stream.
#[divan::bench(args = [1, 10, 100])]
fn render_sidecars(bencher: Bencher, sidecars: usize) {
    render_values(bencher, sidecars, 1);
}

/// Rendering typed values with N gateway proxies to the manifest stream.
#[divan::bench(args = [1, 10, 100])]
fn render_proxies(bencher: Bencher, proxies: usize) {
    render_values(bencher, 1, proxies);
}

fn typed(sidecars: usize, proxies: usize) -> gloo_chart::model::Values {
    let t = tree(1, sidecars, proxies);
    let v = validate::load_and_validate(&sources(&t.files[0]), None, &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    match v.values {
        Some(values) => values,
        None => panic!("benchmark values are invalid: {:?}", v.diagnostics),
    }
}

fn render_values(bencher: Bencher, sidecars: usize, proxies: usize) {
    let values = typed(sidecars, proxies);
    let opts = RenderOptions::default();
    bencher.bench_local(|| match render(black_box(&values), &opts) {
        Ok(docs) => black_box(to_stream(&docs)),
        Err(e) => panic!("{e}"),
    });
}

/// Writing the chart directory (manifests, values, schema) for rendered documents.
#[divan::bench]
fn write_chart(bencher: Bencher) {
    let values = typed(1, 1);
    let opts = RenderOptions {
        include_crds: true,
        ..RenderOptions::default()
    };
    let docs = render(&values, &opts).unwrap_or_else(|e| panic!("{e}"));
    let values_yaml = serde_yaml::to_string(&values).unwrap_or_default();
    let schema_json = gloo_chart::model::schema_text();
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("temporary directory: {e}"));
    let spec = gloo_chart::write::ChartSpec {
        out_dir: out.path().join("chart"),
        force: true,
        namespace: "gloo-system".to_string(),
        release_name_hint: "gloo".to_string(),
        chart_version: "1.5.0".to_string(),
        app_version: gloo_chart::model::CHART_VERSION.to_string(),
        values_yaml,
        schema_json,
        docs,
        regenerate_command: "gloo-chart chart -o chart --force".to_string(),
        values_reference: String::new(),
    };
    bencher.bench_local(|| {
        if let Err(e) = gloo_chart::write::write_chart(black_box(&spec)) {
            panic!("{e}");
        }
    });
}

/// Validating a directory of N values files, each on its own (as `gloo-chart validate DIR`).
#[divan::bench(args = [1, 100, 1000], sample_count = 10)]
fn validate_files(bencher: Bencher, count: usize) {
    let t = tree(count, 1, 1);
    let _keep = t.dir.path();
    bencher.bench_local(|| {
        black_box(validate::load_and_validate_each(
            &Sources::default(),
            &t.files,
            &Limits::default(),
            &|| {},
        ))
    });
}
