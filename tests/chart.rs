//! The chart directory `write_chart` produces, checked with the real Helm 3.17.3 and 4.1.4:
//! lint, package, an offline Helm 4 install, `helm template` equal to the input documents, the
//! guard against values and namespaces the chart was not generated for, `{{` passed through
//! verbatim, and safe writing.
//!
//! Input documents come from the reference outputs (`../shared/reference/cases/*/expected.yaml`,
//! split at Helm's `# Source:` lines) plus the modern CRDs, so the written charts hold the real
//! Gloo manifests, envoy bootstrap included.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use gloo_chart::render::{render_json, RenderOptions};
use gloo_chart::write::{write_chart, ChartSpec, Document, WriteError, GUARD_TEMPLATE};
use support::{run_with_timeout, RunOutput, DEFAULT_TIMEOUT};

const NAMESPACE: &str = "gloo-system";
/// Quotes, a backslash and template markers: the command must reach Helm's messages verbatim.
const REGENERATE: &str = r#"gloo-chart chart -f 'my values.yaml' --set 'x="{{ .y }}\' -n gloo-system -o out/gloo --force"#;
/// Values the test charts are "generated with"; the guard compares Helm's values with them.
const VALUES: &str = "\
# Effective values (test input).
gloo:
  deployment:
    # Replicas of the gloo deployment.
    replicas: 1
    image:
      tag: 1.5.0
global:
  istioSDS:
    enabled: false
  glooRbac:
    create: true
settings:
  watchNamespaces: []
  nothing: null
";
const SCHEMA: &str = r#"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"}"#;

/// Splits `helm template` output into documents named after their `# Source:` template.
fn documents_of(stream: &str) -> Vec<Document> {
    let mut docs = Vec::new();
    for chunk in stream.split("\n---\n") {
        let chunk = chunk.strip_prefix("---\n").unwrap_or(chunk);
        let mut lines = chunk.lines();
        let Some(source) = lines
            .next()
            .and_then(|l| l.strip_prefix("# Source: gloo/templates/"))
        else {
            continue;
        };
        let mut text = format!("{}\n", lines.collect::<Vec<_>>().join("\n"));
        // The 1.5.0 chart's webhook API version is gone from Kubernetes; gloo-chart renders the
        // v1 form (which manifest-diff accepts as equal), and so does this input.
        if text.contains("apiVersion: admissionregistration.k8s.io/v1beta1") {
            text = text
                .replace(
                    "admissionregistration.k8s.io/v1beta1",
                    "admissionregistration.k8s.io/v1",
                )
                .replace(
                    "  sideEffects: None\n",
                    "  sideEffects: None\n  admissionReviewVersions: [\"v1beta1\"]\n",
                );
        }
        docs.push(Document {
            template: source.to_string(),
            text,
        });
    }
    docs
}

fn crd_documents(reference: &Path) -> Vec<Document> {
    let dir = reference.join("crds").join("modern");
    let mut names: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    names.sort();
    names
        .iter()
        .map(|path| Document {
            template: format!(
                "crds/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            ),
            text: fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        })
        .collect()
}

fn spec(out_dir: &Path, docs: Vec<Document>) -> ChartSpec {
    ChartSpec {
        out_dir: out_dir.to_path_buf(),
        force: false,
        namespace: NAMESPACE.to_string(),
        release_name_hint: "gloo".to_string(),
        chart_version: "1.5.0".to_string(),
        app_version: "1.5.0".to_string(),
        values_yaml: VALUES.to_string(),
        schema_json: SCHEMA.to_string(),
        docs,
        regenerate_command: REGENERATE.to_string(),
        values_reference: String::new(),
    }
}

fn helm(helm: &Path, args: &[&str]) -> RunOutput {
    run_with_timeout(Command::new(helm).args(args), DEFAULT_TIMEOUT)
}

fn path_str(p: &Path) -> &str {
    p.to_str()
        .unwrap_or_else(|| panic!("non-UTF-8 path {}", p.display()))
}

/// Both Helm binaries with a label, or `None` after reporting the skip.
fn helms() -> Option<Vec<(&'static str, PathBuf)>> {
    Some(vec![
        ("helm3", support::helm3()?),
        ("helm4", support::helm4()?),
    ])
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn workdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("temporary directory: {e}"))
}

fn write_ok(spec: &ChartSpec) {
    if let Err(e) = write_chart(spec) {
        panic!("write_chart failed: {e}");
    }
}

#[test]
fn reference_charts_lint_package_install_and_template_as_rendered() {
    let Some(reference) = support::reference_dir() else {
        return;
    };
    let Some(helms) = helms() else { return };
    let cases = reference.join("cases");
    let mut names = listing(&cases);
    names.retain(|n| cases.join(n).join("expected.yaml").is_file());
    assert!(names.len() >= 5, "reference cases missing: {names:?}");
    let crds = crd_documents(&reference);
    for name in names {
        let expected = fs::read_to_string(cases.join(&name).join("expected.yaml"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut docs = documents_of(&expected);
        assert!(docs.len() > 20, "{name}: only {} documents", docs.len());
        docs.extend(crds.iter().cloned());
        let work = workdir();
        let dir = work.path().join("gloo");
        write_ok(&spec(&dir, docs));
        assert!(dir.join("crds").is_dir() && dir.join("templates/NOTES.txt").is_file());
        let notes = fs::read_to_string(dir.join("templates/NOTES.txt")).unwrap_or_default();
        assert!(notes.contains("curl -v $(glooctl proxy url)/productpage"));
        let readme = fs::read_to_string(dir.join("README.md")).unwrap_or_default();
        assert!(
            readme.contains(REGENERATE),
            "README names the regenerate command"
        );
        let d = path_str(&dir);

        for (label, bin) in &helms {
            let lint = helm(bin, &["lint", "--strict", d]);
            assert!(lint.success(), "{name} {label} lint\n{}", lint.describe());

            let out = helm(bin, &["template", "gloo", d, "--namespace", NAMESPACE]);
            assert!(out.success(), "{name} {label} template\n{}", out.describe());
            let (equal, report) = support::manifest_diff(&expected, &out.stdout);
            assert!(equal, "{name} {label}: helm template differs\n{report}");

            let with_crds = helm(
                bin,
                &["template", "gloo", d, "-n", NAMESPACE, "--include-crds"],
            );
            assert!(with_crds.success(), "{}", with_crds.describe());
            assert_eq!(
                with_crds
                    .stdout
                    .matches("kind: CustomResourceDefinition")
                    .count(),
                crds.len(),
                "{name} {label}: every CRD comes from crds/"
            );

            let package = helm(bin, &["package", d, "-d", path_str(work.path())]);
            assert!(package.success(), "{name} {label}\n{}", package.describe());
            assert!(work.path().join("gloo-1.5.0.tgz").is_file());
            fs::remove_file(work.path().join("gloo-1.5.0.tgz")).ok();
        }

        let helm4 = &helms[1].1;
        let install = helm(
            helm4,
            &["install", "--dry-run=client", "gloo", d, "-n", NAMESPACE],
        );
        assert!(
            install.success(),
            "{name} helm4 install\n{}",
            install.describe()
        );
        assert!(
            install
                .stdout
                .contains("curl -v $(glooctl proxy url)/productpage"),
            "{name}: NOTES are shown after install\n{}",
            install.stdout
        );
        assert!(
            install.stdout.contains(REGENERATE),
            "{name}: NOTES name the regenerate command verbatim\n{}",
            install.stdout
        );
    }
}

fn render(values: &serde_json::Value, release: &str, include_crds: bool) -> Vec<Document> {
    let opts = RenderOptions {
        release_name: release.to_string(),
        namespace: NAMESPACE.to_string(),
        include_crds,
    };
    render_json(values, &opts).unwrap_or_else(|e| panic!("render: {e}"))
}

/// Values files the command-line round trip runs on: every reference case, and the project's
/// own render cases that exercise other parts of the chart.
fn round_trip_inputs(reference: &Path) -> Vec<(String, PathBuf)> {
    let mut inputs = Vec::new();
    let cases = reference.join("cases");
    for name in listing(&cases) {
        let file = cases.join(&name).join("values.yaml");
        if file.is_file() {
            inputs.push((name, file));
        }
    }
    let own = support::repo_root().join("tests/cases/render");
    for name in [
        "multi-proxy",
        "pod-options",
        "tricky-strings",
        "istio-tolerations",
        "rbac-namespaced",
        "access-logger",
    ] {
        let file = own.join(name).join("values.yaml");
        assert!(file.is_file(), "own case {} missing", file.display());
        inputs.push((format!("own/{name}"), file));
    }
    inputs
}

#[test]
fn charts_written_by_the_cli_template_exactly_as_the_cli_renders() {
    let Some(reference) = support::reference_dir() else {
        return;
    };
    let Some(helms) = helms() else { return };
    for (name, values) in round_trip_inputs(&reference) {
        let values = path_str(&values);
        let work = workdir();
        let dir = work.path().join("gloo");
        let d = path_str(&dir);
        let wrote = support::run_bin(&["chart", "-f", values, "-o", d], None);
        assert!(wrote.success(), "{name}: chart\n{}", wrote.describe());
        let printed = support::run_bin(&["render", "-f", values], None);
        assert!(printed.success(), "{name}: render\n{}", printed.describe());
        let with_crds = support::run_bin(&["render", "-f", values, "--include-crds"], None);
        assert!(
            with_crds.success(),
            "{name}: render\n{}",
            with_crds.describe()
        );
        for (label, bin) in &helms {
            let lint = helm(bin, &["lint", "--strict", d]);
            assert!(lint.success(), "{name} {label} lint\n{}", lint.describe());
            let out = helm(bin, &["template", "gloo", d, "--namespace", NAMESPACE]);
            assert!(out.success(), "{name} {label}\n{}", out.describe());
            let (equal, report) = support::manifest_diff(&printed.stdout, &out.stdout);
            assert!(
                equal,
                "{name} {label}: helm template differs from render\n{report}"
            );
            let all = helm(
                bin,
                &["template", "gloo", d, "-n", NAMESPACE, "--include-crds"],
            );
            let (equal, report) = support::manifest_diff(&with_crds.stdout, &all.stdout);
            assert!(equal, "{name} {label}: --include-crds differs\n{report}");
            let package = helm(bin, &["package", d, "-d", path_str(work.path())]);
            assert!(package.success(), "{name} {label}\n{}", package.describe());
        }
        let install = helm(
            &helms[1].1,
            &["install", "--dry-run=client", "gloo", d, "-n", NAMESPACE],
        );
        assert!(
            install.success(),
            "{name} helm4 install\n{}",
            install.describe()
        );
    }
}

#[test]
fn the_release_name_does_not_reach_the_manifests() {
    // Why the guard does not check the release name: any name installs the same resources.
    let values = gloo_chart::model::defaults_json();
    assert_eq!(
        render(&values, "another-name", true),
        render(&values, "gloo", true)
    );
}

/// A small chart from hand-made documents, for the guard and escaping tests.
fn small_docs() -> Vec<Document> {
    vec![
        Document {
            template: "1-gloo-deployment.yaml".to_string(),
            text: "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: gateway-proxy
  namespace: gloo-system
  annotations:
    example.com/template: \"{{ .Values.secret }} and {{{ and {{- trim -}}\"
spec:
  selector:
    matchLabels:
      gloo: gateway-proxy
  template:
    metadata:
      labels:
        gloo: gateway-proxy
    spec:
      containers:
      - name: istio-proxy
        image: docker.io/istio/proxyv2:1.6.8
        args:
        - --id={{.PodName}}.{{.PodNamespace}}
        - '{{/* not a comment */}}'
"
            .to_string(),
        },
        Document {
            template: "9-gateway-proxy-configmap.yaml".to_string(),
            text: "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: gateway-proxy-envoy-config
  namespace: gloo-system
data:
  envoy.yaml: |
    node:
      id: \"{{.PodName}}.{{.PodNamespace}}\"
"
            .to_string(),
        },
    ]
}

fn small_chart(work: &Path) -> PathBuf {
    let dir = work.join("gloo");
    write_ok(&spec(&dir, small_docs()));
    dir
}

#[test]
fn braces_in_an_annotation_and_a_sidecar_arg_reach_the_output_verbatim() {
    let Some(helms) = helms() else { return };
    let work = workdir();
    let dir = small_chart(work.path());
    for (label, bin) in &helms {
        let out = helm(bin, &["template", "gloo", path_str(&dir), "-n", NAMESPACE]);
        assert!(out.success(), "{label}\n{}", out.describe());
        let docs: Vec<serde_yaml::Value> = serde_yaml::Deserializer::from_str(&out.stdout)
            .filter_map(|d| serde::Deserialize::deserialize(d).ok())
            .filter(|v: &serde_yaml::Value| v.get("kind").is_some())
            .collect();
        let deployment = docs
            .iter()
            .find(|d| d["kind"] == "Deployment")
            .unwrap_or_else(|| panic!("{label}: no Deployment in\n{}", out.stdout));
        assert_eq!(
            deployment["metadata"]["annotations"]["example.com/template"],
            "{{ .Values.secret }} and {{{ and {{- trim -}}",
            "{label}"
        );
        let args = &deployment["spec"]["template"]["spec"]["containers"][0]["args"];
        assert_eq!(args[0], "--id={{.PodName}}.{{.PodNamespace}}", "{label}");
        assert_eq!(args[1], "{{/* not a comment */}}", "{label}");
        let config = docs
            .iter()
            .find(|d| d["kind"] == "ConfigMap")
            .unwrap_or_else(|| panic!("{label}: no ConfigMap"));
        assert_eq!(
            config["data"]["envoy.yaml"], "node:\n  id: \"{{.PodName}}.{{.PodNamespace}}\"\n",
            "{label}: the envoy bootstrap keeps its own template markers"
        );
    }
}

#[test]
fn a_value_override_that_changes_the_output_fails_naming_the_regenerate_command() {
    let Some(helms) = helms() else { return };
    let work = workdir();
    let dir = small_chart(work.path());
    let d = path_str(&dir);
    let override_file = work.path().join("override.yaml");
    fs::write(&override_file, "global:\n  istioSDS:\n    enabled: true\n").unwrap_or_default();
    let o = path_str(&override_file);
    let failing: [(&[&str], &str); 4] = [
        (
            &["--set", "gloo.deployment.replicas=3"],
            "gloo.deployment.replicas",
        ),
        (&["-f", o], "global.istioSDS.enabled"),
        (&["--set", "settings.nothing=x"], "settings.nothing"),
        (&["--set", "brandNew=1"], "brandNew"),
    ];
    for (label, bin) in &helms {
        for (flags, path) in failing {
            for command in [["template", "gloo"], ["install", "gloo"]] {
                if command[0] == "install" && *label == "helm3" {
                    continue; // Helm 3's dry run needs a cluster.
                }
                let mut args = command.to_vec();
                args.extend([d, "-n", NAMESPACE]);
                if command[0] == "install" {
                    args.push("--dry-run=client");
                }
                args.extend(flags);
                let out = helm(bin, &args);
                assert!(
                    !out.success(),
                    "{label} {args:?} must fail\n{}",
                    out.describe()
                );
                assert!(
                    out.stderr.contains(REGENERATE),
                    "{label} {args:?}: the message names the regenerate command\n{}",
                    out.stderr
                );
                assert!(
                    out.stderr.contains(path),
                    "{label} {args:?}: the message names {path}\n{}",
                    out.stderr
                );
            }
        }
        // An override equal to the generated value changes nothing, so Helm may apply it.
        let same = helm(
            bin,
            &[
                "template",
                "gloo",
                d,
                "-n",
                NAMESPACE,
                "--set",
                "gloo.deployment.replicas=1",
            ],
        );
        assert!(same.success(), "{label}\n{}", same.describe());
    }
}

#[test]
fn another_namespace_fails_naming_the_regenerate_command() {
    let Some(helms) = helms() else { return };
    let work = workdir();
    let dir = small_chart(work.path());
    let d = path_str(&dir);
    for (label, bin) in &helms {
        for args in [
            vec!["template", "gloo", d, "-n", "other"],
            vec!["template", "gloo", d],
        ] {
            let out = helm(bin, &args);
            assert!(!out.success(), "{label} {args:?}\n{}", out.describe());
            assert!(
                out.stderr.contains(REGENERATE) && out.stderr.contains("namespace gloo-system"),
                "{label} {args:?}\n{}",
                out.stderr
            );
        }
        // The release name is not part of the manifests: any name installs the same resources.
        let renamed = helm(bin, &["template", "my-gloo", d, "-n", NAMESPACE]);
        assert!(renamed.success(), "{label}\n{}", renamed.describe());
    }
}

#[test]
fn a_non_empty_directory_is_refused_without_force_and_replaced_whole_with_it() {
    let work = workdir();
    let dir = work.path().join("gloo");
    fs::create_dir(&dir).unwrap_or_default();
    fs::write(dir.join("mine.txt"), "keep me").unwrap_or_default();
    let mut spec = spec(&dir, small_docs());
    match write_chart(&spec) {
        Err(WriteError::NotEmpty(path)) => assert_eq!(path, dir),
        other => panic!("expected NotEmpty, got {other:?}"),
    }
    assert_eq!(listing(&dir), vec!["mine.txt"]);
    assert_eq!(listing(work.path()), vec!["gloo"]);

    spec.force = true;
    write_ok(&spec);
    let files = listing(&dir);
    assert!(!files.contains(&"mine.txt".to_string()), "{files:?}");
    assert!(files.contains(&"Chart.yaml".to_string()), "{files:?}");
    assert_eq!(listing(work.path()), vec!["gloo"], "no sibling left behind");
}

#[test]
fn a_failure_mid_write_leaves_nothing_behind() {
    let work = workdir();
    let dir = work.path().join("gloo");
    let mut docs = small_docs();
    // A file name longer than any file system allows: checks pass, the write itself fails
    // after the other files were written.
    docs.push(Document {
        template: format!("{}.yaml", "x".repeat(300)),
        text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: long\n".to_string(),
    });
    let mut spec = spec(&dir, docs);
    let result = write_chart(&spec);
    assert!(matches!(result, Err(WriteError::Io { .. })), "{result:?}");
    assert!(
        listing(work.path()).is_empty(),
        "{:?}",
        listing(work.path())
    );

    // Replacing an existing chart: the old content survives the failure untouched.
    fs::create_dir(&dir).unwrap_or_default();
    fs::write(dir.join("old.txt"), "old").unwrap_or_default();
    spec.force = true;
    assert!(write_chart(&spec).is_err());
    assert_eq!(listing(work.path()), vec!["gloo"]);
    assert_eq!(listing(&dir), vec!["old.txt"]);
}

#[test]
fn template_names_that_leave_the_chart_are_refused() {
    let work = workdir();
    for name in [
        "../escape.yaml",
        "/tmp/abs.yaml",
        "sub/dir.yaml",
        "..",
        "_helpers.yaml",
        GUARD_TEMPLATE,
        "NOTES.txt",
        "",
    ] {
        let mut docs = small_docs();
        docs[0].template = name.to_string();
        let result = write_chart(&spec(&work.path().join("gloo"), docs));
        assert!(
            matches!(result, Err(WriteError::Invalid(_))),
            "{name:?}: {result:?}"
        );
    }
    assert!(listing(work.path()).is_empty());
    assert!(!Path::new("/tmp/abs.yaml").exists());
}

#[test]
fn versions_must_be_strict_semver() {
    let work = workdir();
    for (chart, app) in [("1.5", "1.5.0"), ("1.5.0", "v1.5.0"), ("01.5.0", "1.5.0")] {
        let mut spec = spec(&work.path().join("gloo"), small_docs());
        spec.chart_version = chart.to_string();
        spec.app_version = app.to_string();
        let result = write_chart(&spec);
        assert!(
            matches!(&result, Err(WriteError::Invalid(m)) if m.contains("SemVer")),
            "{chart} {app}: {result:?}"
        );
    }
    assert!(listing(work.path()).is_empty());
}

#[test]
fn text_helm_would_alter_is_refused() {
    let work = workdir();
    let mut docs = small_docs();
    docs[1].text = docs[1].text.replace("{{.PodName}}", "<no value>");
    let result = write_chart(&spec(&work.path().join("gloo"), docs));
    assert!(
        matches!(&result, Err(WriteError::Invalid(m)) if m.contains("<no value>")),
        "{result:?}"
    );
    assert!(listing(work.path()).is_empty());
}

#[test]
fn crds_must_be_apiextensions_v1() {
    let work = workdir();
    let mut docs = small_docs();
    docs.push(Document {
        template: "crds/old.yaml".to_string(),
        text: "apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\nmetadata:\n  name: gateways.gateway.solo.io\n".to_string(),
    });
    let result = write_chart(&spec(&work.path().join("gloo"), docs));
    assert!(
        matches!(&result, Err(WriteError::Invalid(m)) if m.contains("apiextensions.k8s.io/v1")),
        "{result:?}"
    );
}
