//! The seed files `scripts/fuzz-seeds` writes for the `validate` and `render_valid` fuzz targets.
//!
//! The script builds them from the schema alone, so nothing else notices when the schema, the
//! checks beyond it or the values a gateway proxy must give change under it: seeds meant to be
//! accepted would be refused (and `render_valid`, which renders only what validates, would never
//! see them), and seeds meant to break the schema would pass. The test runs the script into a
//! temporary directory, validates the directory in one run and holds each kind of file to what it
//! is for:
//! - `seed-*`: the schema accepts it (a check beyond the schema may still refuse it);
//! - `refused-*`: the schema refuses it, and it varies a path that also has a `seed-*`;
//! - `proxies-*`: it validates with no error and renders one Deployment per proxy, each with the
//!   `sds` and `istio-proxy` sidecars where the file turns Istio SDS on.

mod support;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use support::{
    documents, repo_root, run_bin, run_with_timeout, validate_json, Finding, DEFAULT_TIMEOUT,
};

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

/// Every finding `gloo-chart validate` reports for the files of `dir`, by file name. Exit 1 is
/// expected, as the refused files are invalid; 2 would mean the run itself failed.
fn findings_by_file(dir: &Path) -> BTreeMap<String, Vec<Finding>> {
    let (out, reported) = validate_json(&[dir.to_str().expect("UTF-8 temp path")]);
    assert_eq!(out.code, Some(1), "{}", out.describe());
    let mut by_file: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    for r in reported {
        let name = Path::new(&r.file)
            .file_name()
            .and_then(|n| n.to_str())
            .expect("file name")
            .to_string();
        by_file.entry(name).or_default().push(r.finding);
    }
    by_file
}

/// Runs the script once, validates all it wrote in one run, and holds each kind of file to its
/// purpose.
#[test]
fn every_seed_file_serves_its_purpose() {
    let dir = tempfile::tempdir().expect("temp dir");
    let names = write_seeds(dir.path());
    let by_file = findings_by_file(dir.path());
    let findings = |name: &str| by_file.get(name).map(Vec::as_slice).unwrap_or_default();
    per_path_files_keep_to_the_schema_or_break_it(&names, findings);
    files_of_many_proxies_validate_and_render_every_proxy(dir.path(), &names, findings);
}

fn per_path_files_keep_to_the_schema_or_break_it<'a>(
    names: &BTreeSet<String>,
    findings: impl Fn(&str) -> &'a [Finding],
) {
    let is_schema = |f: &&Finding| f.rule.starts_with("schema-");
    let seeds: BTreeSet<&str> = names
        .iter()
        .filter_map(|n| n.strip_prefix("seed-"))
        .collect();
    let refused = names.iter().filter(|n| n.starts_with("refused-")).count();
    assert!(!seeds.is_empty(), "no seed-* files in {names:?}");
    assert!(refused > 0, "no refused-* files in {names:?}");

    let mut problems = Vec::new();
    for name in names {
        let found = findings(name);
        if name.starts_with("seed-") {
            // Checks beyond the schema may refuse a seed; the schema itself must not.
            for f in found.iter().filter(is_schema) {
                problems.push(format!("{name}: the schema refuses it ({f})"));
            }
        } else if let Some(rest) = name.strip_prefix("refused-") {
            if !found
                .iter()
                .filter(is_schema)
                .any(|f| f.severity == "error")
            {
                problems.push(format!("{name}: no schema error (findings: {found:?})"));
            }
            // refused-IIII-J.yaml varies the path of seed-IIII.yaml.
            let index = rest.split('-').next().unwrap_or_default();
            if !seeds.contains(format!("{index}.yaml").as_str()) {
                problems.push(format!("{name}: no seed-{index}.yaml for its path"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Container names of each Deployment in a rendered stream, by Deployment name.
fn deployments(stream: &str) -> BTreeMap<String, Vec<String>> {
    documents(stream)
        .iter()
        .filter(|d| d["kind"].as_str() == Some("Deployment"))
        .map(|d| {
            let name = d["metadata"]["name"].as_str().expect("Deployment name");
            let containers = d["spec"]["template"]["spec"]["containers"]
                .as_sequence()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(|c| c["name"].as_str().map(str::to_string))
                .collect();
            (name.to_string(), containers)
        })
        .collect()
}

fn files_of_many_proxies_validate_and_render_every_proxy<'a>(
    dir: &Path,
    names: &BTreeSet<String>,
    findings: impl Fn(&str) -> &'a [Finding],
) {
    let many: Vec<&String> = names.iter().filter(|n| n.starts_with("proxies-")).collect();
    assert!(!many.is_empty(), "no proxies-* files in {names:?}");

    let mut istio_files = 0;
    for name in many {
        let errors: Vec<&Finding> = findings(name)
            .iter()
            .filter(|f| f.severity == "error")
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");

        let path = dir.join(name);
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
