//! The seed files `scripts/fuzz-seeds` writes for the `validate` and `render_valid` fuzz targets.
//!
//! The script builds them from the schema alone, so nothing else notices when the schema, the
//! checks beyond it or the values a gateway proxy must give change under it: seeds meant to be
//! accepted would be refused (and `render_valid`, which renders only what validates, would never
//! see them), and seeds meant to break the schema would pass. These tests run the script into a
//! temporary directory and hold each kind of file to what it is for:
//! - `seed-*`: the schema accepts it (a check beyond the schema may still refuse it);
//! - `refused-*`: the schema refuses it, and it varies a path that also has a `seed-*`;
//! - `proxies-*`: it validates with no error and renders one Deployment per proxy, each with the
//!   `sds` and `istio-proxy` sidecars where the file turns Istio SDS on.

mod support;

use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use support::{repo_root, run_bin, run_with_timeout, DEFAULT_TIMEOUT};

/// Runs `scripts/fuzz-seeds DIR` and returns the names of the files it wrote.
fn write_seeds(dir: &Path) -> BTreeSet<String> {
    let out = run_with_timeout(
        Command::new(repo_root().join("scripts/fuzz-seeds")).arg(dir),
        DEFAULT_TIMEOUT,
    );
    assert!(
        out.success(),
        "scripts/fuzz-seeds failed:\n{}",
        out.describe()
    );
    std::fs::read_dir(dir)
        .expect("read the seeds directory")
        .map(|e| {
            e.expect("directory entry")
                .file_name()
                .into_string()
                .expect("UTF-8 file name")
        })
        .collect()
}

/// The file name (without directory) and rule of every error and warning, by file name.
fn findings_by_file(report: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let findings: Vec<Value> = serde_json::from_str(report).expect("validate --output json");
    let mut by_file: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for f in findings {
        let file = f["file"].as_str().expect("finding has a file");
        let name = Path::new(file)
            .file_name()
            .and_then(|n| n.to_str())
            .expect("file name")
            .to_string();
        let field = |k: &str| f[k].as_str().unwrap_or_default().to_string();
        by_file
            .entry(name)
            .or_default()
            .push((field("severity"), field("rule")));
    }
    by_file
}

fn is_schema_rule(rule: &str) -> bool {
    rule.starts_with("schema-")
}

#[test]
fn seeds_keep_to_the_schema_and_refused_files_break_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let names = write_seeds(dir.path());
    let seeds: BTreeSet<&str> = names
        .iter()
        .filter_map(|n| n.strip_prefix("seed-"))
        .collect();
    let refused: Vec<&String> = names.iter().filter(|n| n.starts_with("refused-")).collect();
    assert!(!seeds.is_empty(), "no seed-* files in {names:?}");
    assert!(!refused.is_empty(), "no refused-* files in {names:?}");

    let dir_arg = dir.path().to_str().expect("UTF-8 temp path");
    let out = run_bin(&["validate", "--output", "json", dir_arg], None);
    // Exit 1: some files are invalid; 2 would mean the run itself failed.
    assert_eq!(out.code, Some(1), "{}", out.describe());
    let by_file = findings_by_file(&out.stdout);

    let mut problems = Vec::new();
    for name in &names {
        let found = by_file.get(name).map(Vec::as_slice).unwrap_or_default();
        if name.starts_with("seed-") {
            for (severity, rule) in found.iter().filter(|(_, r)| is_schema_rule(r)) {
                problems.push(format!("{name}: the schema refuses it ({severity} {rule})"));
            }
        } else if name.starts_with("refused-") {
            if !found.iter().any(|(s, r)| s == "error" && is_schema_rule(r)) {
                problems.push(format!("{name}: no schema error (findings: {found:?})"));
            }
            // refused-IIII-J.yaml varies the path of seed-IIII.yaml.
            let index = name
                .strip_prefix("refused-")
                .and_then(|rest| rest.split('-').next())
                .unwrap_or_default();
            if !seeds.contains(format!("{index}.yaml").as_str()) {
                problems.push(format!("{name}: no seed-{index}.yaml for its path"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The parts of a rendered document these tests read.
#[derive(Deserialize)]
struct Doc {
    kind: String,
    metadata: Meta,
    #[serde(default)]
    spec: Option<serde_yaml::Value>,
}

#[derive(Deserialize)]
struct Meta {
    name: String,
}

/// Container names of each Deployment in a rendered stream, by Deployment name.
fn deployments(stream: &str) -> BTreeMap<String, Vec<String>> {
    let mut found = BTreeMap::new();
    for de in serde_yaml::Deserializer::from_str(stream) {
        let Some(doc) = Option::<Doc>::deserialize(de).expect("rendered document") else {
            continue;
        };
        if doc.kind != "Deployment" {
            continue;
        }
        let containers = doc
            .spec
            .as_ref()
            .and_then(|s| s["template"]["spec"]["containers"].as_sequence().cloned())
            .unwrap_or_default();
        let names = containers
            .iter()
            .filter_map(|c| c["name"].as_str().map(str::to_string))
            .collect();
        found.insert(doc.metadata.name, names);
    }
    found
}

#[test]
fn files_of_many_proxies_validate_and_render_every_proxy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let names = write_seeds(dir.path());
    let many: Vec<&String> = names.iter().filter(|n| n.starts_with("proxies-")).collect();
    assert!(!many.is_empty(), "no proxies-* files in {names:?}");

    let mut istio_files = 0;
    for name in many {
        let path = dir.path().join(name);
        let path = path.to_str().expect("UTF-8 temp path");
        let text = std::fs::read_to_string(path).expect("read seed");
        let values: Value = serde_json::from_str(&text).expect("seed files are JSON");
        let proxies: Vec<&String> = values["gatewayProxies"]
            .as_object()
            .expect("gatewayProxies is a map")
            .keys()
            .collect();
        assert!(proxies.len() > 20, "{name}: only {} proxies", proxies.len());
        let istio = values["global"]["istioSDS"]["enabled"] == Value::Bool(true);
        istio_files += usize::from(istio);

        let checked = run_bin(&["validate", "--output", "json", path], None);
        assert!(checked.success(), "{name}: {}", checked.describe());
        let errors = findings_by_file(&checked.stdout)
            .into_values()
            .flatten()
            .filter(|(s, _)| s == "error")
            .count();
        assert_eq!(errors, 0, "{name}: {}", checked.stdout);

        let rendered = run_bin(&["render", "-f", path], None);
        assert!(rendered.success(), "{name}: {}", rendered.describe());
        let deployments = deployments(&rendered.stdout);
        for proxy in proxies {
            let containers = deployments
                .get(proxy)
                .unwrap_or_else(|| panic!("{name}: no Deployment {proxy}"));
            for sidecar in ["sds", "istio-proxy"] {
                assert_eq!(
                    containers.iter().any(|c| c == sidecar),
                    istio,
                    "{name}: Deployment {proxy} has containers {containers:?}"
                );
            }
        }
    }
    assert!(istio_files > 0, "no proxies-* file turns Istio SDS on");
}
