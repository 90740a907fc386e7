//! The `values`, `render` and `chart` commands end to end through the built binary: exit codes,
//! what they print, and what they write.

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_gloo-chart")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .output()
        .expect("run gloo-chart")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn yaml_file(path: &Path) -> Json {
    let text = std::fs::read_to_string(path).expect("read yaml");
    serde_yaml::from_str(&text).expect("parse yaml")
}

/// The istio-proxy container of the guide's "Custom Sidecars" section, read from the guide itself.
fn guide_container() -> Option<Json> {
    let guide = repo().join("../shared/seed/gloo-istio-mtls.md");
    let Ok(text) = std::fs::read_to_string(&guide) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the guide {} is missing under CI",
            guide.display()
        );
        eprintln!("skipped: {} not found", guide.display());
        return None;
    };
    let start = text
        .find("```yaml\nglobal:\n  istioSDS:")
        .expect("guide's yaml block")
        + 8;
    let end = start + text[start..].find("```").expect("end of block");
    let block: Json = serde_yaml::from_str(&text[start..end]).expect("guide block parses");
    Some(block["global"]["istioSDS"]["customSidecars"][0].clone())
}

#[test]
fn values_for_istio_1_6_6_third_party_jwt_holds_the_guides_sidecar() {
    let Some(expected) = guide_container() else {
        return;
    };
    let out = run(&[
        "values",
        "--istio-version",
        "1.6.6",
        "--jwt-policy",
        "third-party-jwt",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("# yaml-language-server: $schema="),
        "first line names the schema for editors"
    );
    let values: Json = serde_yaml::from_str(&stdout).expect("values parse");
    assert_eq!(values["global"]["istioSDS"]["enabled"], Json::Bool(true));
    let sidecars = values["global"]["istioSDS"]["customSidecars"]
        .as_array()
        .expect("customSidecars");
    assert_eq!(sidecars.len(), 1);
    assert_eq!(sidecars[0], expected);
}

#[test]
fn values_output_is_complete_and_validates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("values.yaml");
    let out = run(&[
        "values",
        "--istio-version",
        "1.8.2",
        "--jwt-policy",
        "first-party-jwt",
        "-o",
        file.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let values = yaml_file(&file);
    // Complete: the upstream defaults are all there, e.g. the proxy's ports and the images.
    assert_eq!(
        values["gatewayProxies"]["gatewayProxy"]["podTemplate"]["httpPort"],
        8080
    );
    assert_eq!(values["global"]["image"]["registry"], "quay.io/solo-io");
    let sidecar = &values["global"]["istioSDS"]["customSidecars"][0];
    assert_eq!(sidecar["image"], "docker.io/istio/proxyv2:1.8.2");
    let env: Vec<(String, String)> = sidecar["env"]
        .as_array()
        .expect("env")
        .iter()
        .filter_map(|e| {
            Some((
                e["name"].as_str()?.to_string(),
                e["value"].as_str()?.to_string(),
            ))
        })
        .collect();
    assert!(env.contains(&("JWT_POLICY".to_string(), "first-party-jwt".to_string())));
    let mounts: Vec<&str> = sidecar["volumeMounts"]
        .as_array()
        .expect("mounts")
        .iter()
        .filter_map(|m| m["name"].as_str())
        .collect();
    assert!(!mounts.contains(&"istio-token"), "{mounts:?}");
    // Commented: descriptions precede keys.
    let raw = std::fs::read_to_string(&file).expect("read");
    assert!(raw.contains("\n# "), "the file carries comments");
    let check = run(&["validate", file.to_str().expect("utf-8 path")]);
    assert_eq!(
        code(&check),
        0,
        "{}{}",
        text(&check.stdout),
        text(&check.stderr)
    );
}

/// Each subcommand's help starts with what that subcommand does (its arguments are built only
/// when it runs, and an argument group's own description must not take the place of this line).
#[test]
fn each_subcommand_help_starts_with_what_it_does() {
    let expected = [
        ("values", "Write a complete, commented values.yaml"),
        ("validate", "Validate values files against the schema"),
        ("render", "Print the manifests the values render to"),
        ("chart", "Write a ready chart directory"),
        ("schema", "Print the JSON schema of the values"),
        ("merge", "Print the values as Helm passes them to templates"),
        ("docs", "Print a Markdown reference of every value"),
        ("completions", "Print a shell completion script"),
        ("man", "Print the man page"),
    ];
    for (command, start) in expected {
        let out = run(&[command, "--help"]);
        assert_eq!(code(&out), 0, "{command} --help");
        let help = text(&out.stdout);
        assert!(
            help.starts_with(start),
            "{command} --help starts with {:?}",
            help.lines().next()
        );
    }
    let top = text(&run(&["--help"]).stdout);
    for (command, start) in expected {
        assert!(
            top.lines()
                .any(|l| l.trim_start().starts_with(command) && l.contains(start)),
            "--help lists {command}"
        );
    }
}

#[test]
fn values_refuses_an_unsupported_istio_version() {
    let out = run(&["values", "--istio-version", "1.21.0"]);
    assert_eq!(code(&out), 1);
    let err = text(&out.stderr);
    assert!(
        err.contains("1.21.0") && err.contains("1.7.x to 1.19.x"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn usage_errors_exit_2_and_missing_files_name_the_file() {
    let out = run(&["render", "--no-such-flag"]);
    assert_eq!(code(&out), 2);
    let out = run(&["render", "-f", "/nonexistent/values.yaml"]);
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("/nonexistent/values.yaml"));
}

#[test]
fn render_with_istio_flag_adds_the_sds_pieces() {
    let out = run(&["render", "--istio"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stream = text(&out.stdout);
    assert!(stream.contains("gateway_proxy_sds"));
    assert!(stream.contains("- name: istio-proxy"));
    let plain = run(&["render"]);
    assert!(!text(&plain.stdout).contains("gateway_proxy_sds"));
}

#[test]
fn invalid_values_never_render() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("bad.yaml");
    std::fs::write(&file, "gloo:\n  deployment:\n    replicas: many\n").expect("write");
    let out = run(&["render", "-f", file.to_str().expect("utf-8 path")]);
    assert_eq!(code(&out), 1);
    assert!(out.stdout.is_empty(), "nothing rendered");
    let err = text(&out.stderr);
    assert!(err.contains("bad.yaml:3:15"), "{err}");
    assert!(err.contains("gloo.deployment.replicas"), "{err}");
}

#[test]
fn readme_main_command_writes_an_istio_ready_chart() {
    // The README's quick start runs `cargo run --release -- chart --istio -o gloo`.
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README");
    assert!(readme.contains("cargo run --release -- chart --istio -o gloo"));
    let dir = tempfile::tempdir().expect("temp dir");
    let chart = dir.path().join("gloo");
    let out = run(&[
        "chart",
        "--istio",
        "-o",
        chart.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let values = yaml_file(&chart.join("values.yaml"));
    assert_eq!(values["global"]["istioSDS"]["enabled"], Json::Bool(true));
    let chart_yaml = yaml_file(&chart.join("Chart.yaml"));
    assert_eq!(chart_yaml["apiVersion"], "v2");
    assert_eq!(chart_yaml["version"], "1.5.0");
    let deployment =
        std::fs::read_to_string(chart.join("templates/7-gateway-proxy-deployment.yaml"))
            .expect("proxy deployment");
    assert!(deployment.contains("istio-proxy") && deployment.contains("name: sds"));
    // A second run without --force refuses the non-empty directory and leaves it as it was.
    let again = run(&["chart", "-o", chart.to_str().expect("utf-8 path")]);
    assert_eq!(code(&again), 2);
    assert_eq!(yaml_file(&chart.join("values.yaml")), values);
}

#[test]
fn crds_rendered_as_templates_are_not_printed_twice_with_include_crds() {
    // Regression: with crds.create the chart renders its CRDs as templates, and
    // --include-crds printed the crds/ copies as well, so every CRD came twice.
    let out = run(&["render", "--set", "crds.create=true", "--include-crds"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stream = text(&out.stdout);
    let mut names: Vec<String> = serde_yaml::Deserializer::from_str(&stream)
        .filter_map(|doc| <Json as serde::Deserialize>::deserialize(doc).ok())
        .filter(|doc| doc["kind"] == "CustomResourceDefinition")
        .filter_map(|doc| doc["metadata"]["name"].as_str().map(str::to_string))
        .collect();
    let total = names.len();
    names.sort();
    names.dedup();
    assert_eq!(total, names.len(), "a CRD printed twice: {names:?}");
    assert_eq!(total, 9, "the nine Gloo 1.5.0 CRDs");
}

/// The binary cuts small blocks from a 2 MiB region and hands over to malloc once it is used
/// up; 60 gateway proxies allocate many times that, so this render crosses the handover. The
/// output must be what malloc alone (`GLOO_CHART_SYSTEM_ALLOCATOR=1`) gives.
#[test]
fn rendering_past_the_allocator_region_matches_malloc_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("many-proxies.yaml");
    let mut values = String::from("gatewayProxies:\n");
    for i in 0..60 {
        values.push_str(&format!(
            "  proxy-{i}:\n    kind:\n      deployment:\n        replicas: 1\n    podTemplate:\n      \
             image:\n        repository: gloo-envoy-wrapper\n        tag: 1.5.0\n      httpPort: 8080\n      \
             httpsPort: 8443\n    service:\n      type: ClusterIP\n      httpPort: 80\n      httpsPort: 443\n    \
             loopBackAddress: 127.0.0.1\n    globalDownstreamMaxConnections: 250000\n"
        ));
    }
    std::fs::write(&file, values).expect("write values");
    let path = file.to_str().expect("utf-8 path");
    let region = run(&["render", "--istio", "-f", path]);
    let malloc = Command::new(bin())
        .args(["render", "--istio", "-f", path])
        .env("GLOO_CHART_SYSTEM_ALLOCATOR", "1")
        .output()
        .expect("run gloo-chart");
    assert_eq!(code(&region), 0, "{}", text(&region.stderr));
    assert_eq!(code(&malloc), 0, "{}", text(&malloc.stderr));
    let stream = text(&region.stdout);
    assert_eq!(
        stream.matches("name: proxy-59\n").count(),
        3,
        "deployment, service, config map"
    );
    assert!(
        stream == text(&malloc.stdout),
        "the two allocators rendered different manifests"
    );
}
