//! Every rendered resource is a valid Kubernetes object: built-in kinds pass the real
//! `kubernetes-validate --strict -k 1.33`, and Gloo's custom resources fit today's Gloo CRD
//! schemas (`../shared/reference/crds/modern/`).
//!
//! Inputs: every reference case, every project render case that validates, and an Istio mTLS
//! case, each rendered through the CLI with `--output-dir` (the validator reads one file per
//! template more reliably than a long stream).

mod support;

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Gloo custom resource kinds and the modern CRD each is checked against.
const GLOO_KINDS: &[(&str, &str)] = &[
    ("Settings", "gloo.solo.io_v1_Settings.yaml"),
    ("Upstream", "gloo.solo.io_v1_Upstream.yaml"),
    ("Gateway", "gateway.solo.io_v1_Gateway.yaml"),
    ("VirtualService", "gateway.solo.io_v1_VirtualService.yaml"),
];

/// Resources rendered exactly as upstream renders them although they do not fit today's CRD,
/// with the reason; `gloo-chart validate` warns about the values that produce them.
const KNOWN_MISFITS: &[(&str, &str, &str)] = &[(
    "own/gateway-settings",
    "Gateway",
    "gatewaySettings.options is typed as Settings' gateway options upstream but written into Gateway.spec.options (rule gateway-options)",
)];

/// Kinds no schema here covers (Istio's own CRDs); they are checked by the Istio tests.
const UNCHECKED_KINDS: &[&str] = &["PeerAuthentication"];

fn inputs(reference: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let cases = reference.join("cases");
    let mut names: Vec<_> = std::fs::read_dir(&cases)
        .expect("reference cases")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    names.sort();
    for dir in names {
        out.push((
            dir.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
            dir.join("values.yaml"),
        ));
    }
    let own = support::repo_root().join("tests/cases/render");
    let mut dirs: Vec<_> = std::fs::read_dir(&own)
        .expect("render cases")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    dirs.sort();
    for dir in dirs {
        out.push((
            format!(
                "own/{}",
                dir.file_name().unwrap_or_default().to_string_lossy()
            ),
            dir.join("values.yaml"),
        ));
    }
    out.push((
        "istio-mtls".to_string(),
        support::repo_root().join("tests/corpus/istio/mtls-route-domain.pass.yaml"),
    ));
    out
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

#[test]
fn rendered_resources_are_valid_kubernetes_and_gloo_objects() {
    let Some(reference) = support::reference_dir() else {
        return;
    };
    let Some(validator) = support::kubernetes_validate() else {
        return;
    };
    let mut rendered_cases = 0;
    let mut gloo_checked = 0;
    let mut failures = Vec::new();
    let out = tempfile::tempdir().expect("temp dir");
    let mut rendered: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for (i, (name, values)) in inputs(&reference).into_iter().enumerate() {
        let values = values.to_str().expect("utf-8 path");
        // Project cases that are invalid on purpose (they show what validation refuses) do not
        // render, by design.
        let check = support::run_bin(&["validate", values], None);
        if check.code == Some(1) {
            continue;
        }
        assert!(check.success(), "{name}: validate\n{}", check.describe());
        let case_dir = out.path().join(i.to_string());
        let dir = case_dir.to_str().expect("utf-8 path");
        let render = support::run_bin(
            &[
                "render",
                "-f",
                values,
                "--include-crds",
                "--output-dir",
                dir,
            ],
            None,
        );
        assert!(render.success(), "{name}: render\n{}", render.describe());
        rendered_cases += 1;
        let files = files_under(&case_dir);
        assert!(!files.is_empty(), "{name}: nothing rendered");
        rendered.push((name, files));
    }

    // One validator run over every file: the tool starts slowly, and it names each file it
    // complains about.
    let all: Vec<&PathBuf> = rendered.iter().flat_map(|(_, f)| f).collect();
    let mut cmd = Command::new(&validator);
    cmd.args(["--strict", "-k", "1.33", "--quiet"]).args(&all);
    let result = support::run_with_timeout(&mut cmd, support::DEFAULT_TIMEOUT * 3);
    let complaints: Vec<&str> = result
        .stdout
        .lines()
        .chain(result.stderr.lines())
        .filter(|l| !l.starts_with("WARN") || !l.contains("Couldn't find schema for kind"))
        .filter(|l| !l.trim().is_empty())
        .collect();
    if !result.success() || !complaints.is_empty() {
        failures.push(format!("kubernetes-validate\n{}", result.describe()));
    }

    for (name, files) in &rendered {
        let name = name.as_str();
        for file in files {
            let text = std::fs::read_to_string(file).expect("read rendered file");
            for doc in serde_yaml::Deserializer::from_str(&text) {
                let Ok(doc) = <Json as serde::Deserialize>::deserialize(doc) else {
                    failures.push(format!("{name}: {} does not parse", file.display()));
                    continue;
                };
                let Some(kind) = doc["kind"].as_str() else {
                    continue;
                };
                let misfit = KNOWN_MISFITS
                    .iter()
                    .any(|(case, k, _)| *case == name && *k == kind);
                if misfit {
                    continue;
                }
                if let Some((_, crd)) = GLOO_KINDS.iter().find(|(k, _)| *k == kind) {
                    gloo_checked += 1;
                    let problems = support::crd_problems(&doc, crd);
                    if !problems.is_empty() {
                        failures.push(format!(
                            "{name}: {kind} {} does not fit {crd}: {problems:?}",
                            doc["metadata"]["name"]
                        ));
                    }
                } else if UNCHECKED_KINDS.contains(&kind) {
                    assert!(doc["apiVersion"].as_str().is_some(), "{name}: {kind}");
                }
            }
        }
    }
    assert!(rendered_cases >= 20, "only {rendered_cases} cases rendered");
    assert!(
        gloo_checked >= rendered_cases,
        "every install has a Settings resource"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
