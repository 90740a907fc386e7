//! The Istio integration: generated sidecars against the guide and the chart's own output, the
//! semantic rules on the fixtures under `tests/corpus/istio/`, and the declarative mTLS template
//! against the Gloo CRD schemas.
//!
//! Fixtures are named `RULE.pass[.VARIANT].yaml` or `RULE.fail[.VARIANT].yaml`. A failing fixture
//! lists every finding it must produce as `# expect: SEVERITY RULE LINE:COL PATH` comment lines;
//! a passing one must produce none.

use gloo_chart::diag::{Diagnostic, Severity};
use gloo_chart::istio::check;
use gloo_chart::istio::sidecar::{
    build_sidecar, chart_default_sidecar, JwtPolicy, SidecarError, SidecarOptions,
};
use gloo_chart::load::yaml::parse_values;
use gloo_chart::load::{Limits, Node, Value};
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod support;

const REFERENCE: &str = "../shared/reference";
const GUIDE: &str = "../shared/seed/gloo-istio-mtls.md";

fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn read(rel: &str) -> String {
    let path = repo_path(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse(name: &str, text: &str) -> Node {
    let (root, diags) = parse_values(Arc::from(name), text.as_bytes(), &Limits::default());
    match root {
        Some(root) => root,
        None => panic!("{name} does not parse: {diags:?}"),
    }
}

/// Helm's coalescing of two value maps, enough for these tests: maps merge key by key, anything
/// else in `top` replaces what is below.
fn overlay(base: &mut Node, top: Node) {
    match (&mut base.value, top.value) {
        (Value::Map(below), Value::Map(above)) => {
            for (key, (k, v)) in above {
                match below.get_mut(&key) {
                    Some((_, existing)) => overlay(existing, v),
                    None => {
                        below.insert(key, (k, v));
                    }
                }
            }
        }
        (slot, value) => {
            *slot = value;
            base.location = top.location;
        }
    }
}

/// The chart defaults with `user` on top, as the validate stage sees them.
fn merged(user: Node) -> Node {
    let mut values = parse(
        "defaults.yaml",
        &read(&format!("{REFERENCE}/upstream-default-values.yaml")),
    );
    overlay(&mut values, user);
    values
}

fn errors(diags: &[Diagnostic]) -> Vec<String> {
    diags.iter().map(ToString::to_string).collect()
}

// ---------------------------------------------------------------------------------------------
// Sidecars

/// The container of the guide's "Custom Sidecars" example, read from the guide itself.
fn guide_container() -> Json {
    let guide = read(GUIDE);
    let section = guide
        .split("##### Custom Sidecars")
        .nth(1)
        .expect("the guide has a Custom Sidecars section");
    let block = section
        .split("```yaml")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the section has a yaml block");
    let values: Json = serde_yaml::from_str(block).expect("the guide's block is YAML");
    values["global"]["istioSDS"]["customSidecars"][0].clone()
}

#[test]
fn sidecar_1_6_6_third_party_is_the_guides_container() {
    let opts = SidecarOptions {
        jwt_policy: JwtPolicy::ThirdParty,
        ..SidecarOptions::new("1.6.6")
    };
    let built = build_sidecar(&opts).unwrap();
    let guide = guide_container();
    assert_eq!(built, guide);
    // Same keys in the same order, at every level.
    assert_eq!(
        serde_json::to_string(&built).unwrap(),
        serde_json::to_string(&guide).unwrap()
    );
}

#[test]
fn sidecar_1_6_6_is_the_reference_case_container() {
    let values: Json = serde_yaml::from_str(&read(&format!(
        "{REFERENCE}/cases/istio-sds-custom-sidecar/values.yaml"
    )))
    .unwrap();
    let reference = &values["global"]["istioSDS"]["customSidecars"][0];
    assert_eq!(
        &build_sidecar(&SidecarOptions::new("1.6.6")).unwrap(),
        reference
    );
}

/// The istio-proxy container of the gateway-proxy Deployment in a reference output.
fn rendered_istio_proxy(case: &str) -> Json {
    let text = read(&format!("{REFERENCE}/cases/{case}/expected.yaml"));
    for doc in serde_yaml::Deserializer::from_str(&text) {
        let Ok(doc) = Json::deserialize(doc) else {
            continue;
        };
        if doc["kind"] == "Deployment" && doc["metadata"]["name"] == "gateway-proxy" {
            let containers = doc["spec"]["template"]["spec"]["containers"]
                .as_array()
                .unwrap();
            return containers
                .iter()
                .find(|c| c["name"] == "istio-proxy")
                .cloned()
                .unwrap();
        }
    }
    panic!("no gateway-proxy Deployment in {case}");
}
use serde::Deserialize;

#[test]
fn chart_default_sidecar_is_what_the_chart_renders() {
    let rendered = rendered_istio_proxy("istio-sds");
    assert_eq!(rendered["image"], "docker.io/istio/proxyv2:1.6.8");
    assert_eq!(chart_default_sidecar(), rendered);
}

#[test]
fn sidecar_1_8_2_first_party() {
    let opts = SidecarOptions {
        jwt_policy: JwtPolicy::FirstParty,
        ..SidecarOptions::new("1.8.2")
    };
    let c = build_sidecar(&opts).unwrap();
    assert_eq!(c["name"], "istio-proxy");
    assert_eq!(c["image"], "docker.io/istio/proxyv2:1.8.2");

    let args: Vec<&str> = c["args"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Json::as_str)
        .collect();
    let at = args
        .iter()
        .position(|a| *a == "--discoveryAddress")
        .unwrap();
    assert_eq!(args[at + 1], "istiod.istio-system.svc:15012");
    assert!(args.contains(&"--trust-domain=cluster.local"));

    let env: Vec<(&str, Option<&str>)> = c["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap(), e["value"].as_str()))
        .collect();
    assert_eq!(
        &env[..6],
        &[
            ("OUTPUT_CERTS", Some("/etc/istio-certs")),
            ("JWT_POLICY", Some("first-party-jwt")),
            ("PILOT_CERT_PROVIDER", Some("istiod")),
            ("CA_ADDR", Some("istiod.istio-system.svc:15012")),
            ("ISTIO_META_MESH_ID", Some("cluster.local")),
            ("ISTIO_META_CLUSTER_ID", Some("Kubernetes")),
        ]
    );

    let mounts: Vec<(&str, &str)> = c["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap(),
                m["mountPath"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        mounts,
        [
            ("istiod-ca-cert", "/var/run/secrets/istio"),
            ("istio-envoy", "/etc/istio/proxy"),
            ("istio-certs", "/etc/istio-certs/"),
        ]
    );
}

#[test]
fn sidecar_1_6_has_no_cluster_id_and_1_7_has_one() {
    let has_cluster_id = |v: &str| {
        build_sidecar(&SidecarOptions::new(v)).unwrap()["env"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "ISTIO_META_CLUSTER_ID")
    };
    assert!(!has_cluster_id("1.6.14"));
    assert!(has_cluster_id("1.7.0"));
    assert!(has_cluster_id("1.19.3"));
}

#[test]
fn sidecar_for_unsupported_versions_is_an_error() {
    for version in ["1.5.9", "1.20.0", "garbage"] {
        let err = build_sidecar(&SidecarOptions::new(version)).unwrap_err();
        assert!(matches!(
            err,
            SidecarError::UnsupportedVersion(_) | SidecarError::InvalidVersion(_)
        ));
        let text = err.to_string();
        assert!(text.contains(version), "{text}");
        assert!(text.contains("1.6.x and 1.7.x to 1.19.x"), "{text}");
    }
}

#[test]
fn generated_sidecars_pass_the_checks() {
    for (version, jwt_policy) in [
        ("1.6.6", JwtPolicy::ThirdParty),
        ("1.6.6", JwtPolicy::FirstParty),
        ("1.8.2", JwtPolicy::ThirdParty),
        ("1.8.2", JwtPolicy::FirstParty),
        ("1.19.0", JwtPolicy::ThirdParty),
    ] {
        let opts = SidecarOptions {
            jwt_policy,
            ..SidecarOptions::new(version)
        };
        let container = build_sidecar(&opts).unwrap();
        let values = json!({
            "global": {"istioSDS": {"enabled": true, "customSidecars": [container]}}
        });
        let text = serde_yaml::to_string(&values).unwrap();
        let diags = check(&merged(parse("generated.yaml", &text)));
        assert!(
            diags.is_empty(),
            "{version} {jwt_policy}: {:?}",
            errors(&diags)
        );
    }
}

#[test]
fn reference_cases_pass_the_checks() {
    for case in [
        "default",
        "istio-sds",
        "istio-sds-custom-sidecar",
        "istio-sds-gloo-mtls",
        "proxy-tuning",
    ] {
        let file = format!("{REFERENCE}/cases/{case}/values.yaml");
        let diags = check(&merged(parse(&file, &read(&file))));
        assert!(diags.is_empty(), "{case}: {:?}", errors(&diags));
    }
}

// ---------------------------------------------------------------------------------------------
// Rules on fixtures

fn fixtures() -> Vec<PathBuf> {
    let dir = repo_path("tests/corpus/istio");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// `(rule, pass|fail)` from a fixture's file name.
fn fixture_kind(path: &Path) -> (String, String) {
    let name = path.file_name().unwrap().to_str().unwrap();
    let mut parts = name.split('.');
    let rule = parts.next().unwrap().to_string();
    let kind = parts.next().unwrap().to_string();
    assert!(
        kind == "pass" || kind == "fail",
        "{name}: neither pass nor fail"
    );
    (rule, kind)
}

fn expectations(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(|l| l.trim().to_string())
        .collect()
}

fn findings(diags: &[Diagnostic]) -> BTreeSet<String> {
    diags
        .iter()
        .map(|d| {
            format!(
                "{} {} {}:{} {}",
                d.severity.as_str(),
                d.rule,
                d.location.line,
                d.location.col,
                d.path
            )
        })
        .collect()
}

#[test]
fn fixtures_produce_exactly_their_expected_findings() {
    let files = fixtures();
    assert!(!files.is_empty());
    let mut mismatches = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        let diags = check(&parse(&name, &text));
        let (rule, kind) = fixture_kind(&path);
        let expected = expectations(&text);
        if kind == "fail" {
            assert!(
                !expected.is_empty(),
                "{name}: a failing fixture lists its findings"
            );
            assert!(
                expected
                    .iter()
                    .all(|e| e.split(' ').nth(1) == Some(rule.as_str())),
                "{name}: expectations of another rule"
            );
        } else {
            assert!(
                expected.is_empty(),
                "{name}: a passing fixture expects nothing"
            );
        }
        if findings(&diags) != expected {
            mismatches.push(format!(
                "{name}:\n  expected {expected:?}\n  found    {:?}\n  {:?}",
                findings(&diags),
                errors(&diags)
            ));
        }
        for d in &diags {
            assert_eq!(&*d.location.source, name.as_str());
            assert!(d.hint.is_some(), "{name}: {d} has no hint");
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_rule_has_a_failing_and_a_passing_fixture() {
    let rules = [
        "sidecar-volume",
        "sds-certs-writer",
        "jwt-token-mount",
        "container-name",
        "port-conflict",
        "sidecars-ignored",
        "mtls-needs-sds",
        "mtls-route-upstream",
        "mtls-duplicate",
        "mtls-route-domain",
        "mtls-name",
    ];
    let present: BTreeSet<(String, String)> = fixtures().iter().map(|p| fixture_kind(p)).collect();
    for rule in rules {
        for kind in ["pass", "fail"] {
            assert!(
                present.contains(&(rule.to_string(), kind.to_string())),
                "no {kind} fixture for {rule}"
            );
        }
    }
}

#[test]
fn missing_certs_writer_explains_the_sds_crash() {
    let file = "tests/corpus/istio/sds-certs-writer.fail.yaml";
    let diags = check(&parse(file, &read(file)));
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].severity, Severity::Error);
    assert!(
        diags[0]
            .message
            .contains("could not find file '/etc/istio-certs/key.pem'"),
        "{}",
        diags[0]
    );
}

#[test]
fn near_misses_are_suggested() {
    let file = "tests/corpus/istio/sidecar-volume.fail.yaml";
    let diags = check(&parse(file, &read(file)));
    let typo = diags
        .iter()
        .find(|d| d.message.contains("istio-envy"))
        .unwrap();
    assert!(
        typo.hint
            .as_deref()
            .unwrap()
            .starts_with("did you mean istio-envoy?"),
        "{typo}"
    );

    let file = "tests/corpus/istio/mtls-route-upstream.fail.yaml";
    let diags = check(&parse(file, &read(file)));
    assert_eq!(
        diags[0].hint.as_deref(),
        Some("did you mean default-productpage-9080?")
    );
}

#[test]
fn port_conflicts_with_defaults_are_found_after_merging() {
    // The default http port is 8080: a sidecar listening there clashes once defaults are in.
    let user = parse(
        "user.yaml",
        "global:\n  istioSDS:\n    enabled: true\n    customSidecars:\n    - name: istio-proxy\n      env:\n      - name: OUTPUT_CERTS\n        value: /etc/istio-certs\n      volumeMounts:\n      - name: istio-certs\n        mountPath: /etc/istio-certs\n      ports:\n      - containerPort: 8080\n",
    );
    let diags = check(&merged(user));
    assert_eq!(
        findings(&diags),
        BTreeSet::from([
            "error port-conflict 13:24 global.istioSDS.customSidecars[0].ports[0].containerPort"
                .to_string()
        ]),
        "{:?}",
        errors(&diags)
    );
    assert!(diags[0].message.contains("gateway-proxy (http)"));
}

// ---------------------------------------------------------------------------------------------
// Declarative mTLS resources

const MTLS_TEMPLATE: &str = "30-istio-mtls.yaml";

/// The chart defaults with `istioMtls` and Istio SDS on, passed through the typed model as the
/// render stage receives them.
fn mtls_values(istio_mtls: Json) -> Json {
    let mut values = gloo_chart::model::defaults_json();
    values["istioMtls"] = istio_mtls;
    values["global"]["istioSDS"] = json!({"enabled": true});
    let typed: gloo_chart::model::Values =
        serde_json::from_value(values).expect("test values fit the model");
    serde_json::to_value(&typed).unwrap()
}

/// The documents the mTLS template renders, parsed.
fn render_mtls(values: &Json) -> Vec<Json> {
    let opts = gloo_chart::render::RenderOptions::default();
    let docs = gloo_chart::render::render_json(values, &opts).unwrap_or_else(|e| panic!("{e}"));
    docs.iter()
        .filter(|d| d.template == MTLS_TEMPLATE)
        .map(|d| serde_yaml::from_str(&d.text).unwrap_or_else(|e| panic!("{e}:\n{}", d.text)))
        .collect()
}

/// The guide's resources, written as `istioMtls`.
fn guide_mtls() -> Json {
    json!({
        "upstreams": [{
            "name": "default-productpage-9080",
            "serviceName": "productpage",
            "serviceNamespace": "default",
            "servicePort": 9080,
            "selector": {"app": "productpage"},
        }],
        "peerAuthentications": [
            {"name": "default", "namespace": "istio-system", "mode": "STRICT"},
            {
                "name": "productpage",
                "namespace": "default",
                "selector": {"app": "productpage"},
                "mode": "STRICT",
            },
        ],
        "routes": [{"name": "prodpage", "pathPrefix": "/", "upstream": "default-productpage-9080"}],
    })
}

fn of_kind<'a>(docs: &'a [Json], kind: &str) -> Vec<&'a Json> {
    docs.iter().filter(|d| d["kind"] == kind).collect()
}

/// Checks a rendered resource against its CRD: group, version and kind, then the spec.
fn assert_fits_crd(doc: &Json, file: &str) {
    let problems = support::crd_problems(doc, file);
    assert!(problems.is_empty(), "{file}: {problems:?}\n{doc:#}");
}

#[test]
fn mtls_upstream_is_what_enable_mtls_writes() {
    let docs = render_mtls(&mtls_values(guide_mtls()));
    let upstreams = of_kind(&docs, "Upstream");
    assert_eq!(upstreams.len(), 1);
    let expected = json!({
        "apiVersion": "gloo.solo.io/v1",
        "kind": "Upstream",
        "metadata": {"labels": {"app": "gloo"}, "name": "default-productpage-9080", "namespace": "gloo-system"},
        "spec": {
            "kube": {
                "serviceName": "productpage",
                "serviceNamespace": "default",
                "servicePort": 9080,
                "selector": {"app": "productpage"},
            },
            "sslConfig": {
                "alpnProtocols": ["istio"],
                "sds": {
                    "certificatesSecretName": "istio_server_cert",
                    "validationContextName": "istio_validation_context",
                    "targetUri": "127.0.0.1:8234",
                    "clusterName": "gateway_proxy_sds",
                },
            },
        },
    });
    assert_eq!(upstreams[0], &expected);
    assert_fits_crd(upstreams[0], "gloo.solo.io_v1_Upstream.yaml");
}

#[test]
fn mtls_peer_authentications_are_the_guides() {
    let docs = render_mtls(&mtls_values(guide_mtls()));
    let policies = of_kind(&docs, "PeerAuthentication");
    assert_eq!(policies.len(), 2);
    assert_eq!(policies[0]["apiVersion"], "security.istio.io/v1beta1");
    assert_eq!(policies[0]["metadata"]["name"], "default");
    assert_eq!(policies[0]["metadata"]["namespace"], "istio-system");
    assert_eq!(policies[0]["spec"], json!({"mtls": {"mode": "STRICT"}}));
    assert_eq!(policies[1]["metadata"]["namespace"], "default");
    assert_eq!(
        policies[1]["spec"],
        json!({"selector": {"matchLabels": {"app": "productpage"}}, "mtls": {"mode": "STRICT"}})
    );
}

#[test]
fn mtls_route_is_what_add_route_writes() {
    let docs = render_mtls(&mtls_values(guide_mtls()));
    let services = of_kind(&docs, "VirtualService");
    assert_eq!(services.len(), 1);
    assert_eq!(services[0]["metadata"]["name"], "prodpage");
    assert_eq!(services[0]["metadata"]["namespace"], "gloo-system");
    assert_eq!(
        services[0]["spec"],
        json!({"virtualHost": {
            "domains": ["*"],
            "routes": [{
                "matchers": [{"prefix": "/"}],
                "routeAction": {"single": {"upstream": {"name": "default-productpage-9080", "namespace": "gloo-system"}}},
            }],
        }})
    );
    assert_fits_crd(services[0], "gateway.solo.io_v1_VirtualService.yaml");
}

#[test]
fn mtls_routes_with_one_name_share_one_virtual_service() {
    let mut mtls = guide_mtls();
    mtls["routes"] = json!([
        {"name": "prodpage", "pathPrefix": "/productpage", "upstream": "default-productpage-9080"},
        {"name": "prodpage", "pathPrefix": "/static", "upstream": "default-productpage-9080"},
    ]);
    let docs = render_mtls(&mtls_values(mtls));
    let services = of_kind(&docs, "VirtualService");
    assert_eq!(services.len(), 1, "one virtual service per route name");
    let prefixes: Vec<&str> = services[0]["spec"]["virtualHost"]["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .filter_map(|r| r["matchers"][0]["prefix"].as_str())
        .collect();
    assert_eq!(
        prefixes,
        ["/productpage", "/static"],
        "in the order written"
    );
    assert_fits_crd(services[0], "gateway.solo.io_v1_VirtualService.yaml");
}

#[test]
fn mtls_nothing_rendered_without_istio_mtls() {
    let values = gloo_chart::model::defaults_json();
    assert!(render_mtls(&values).is_empty());
    assert!(render_mtls(&mtls_values(json!({}))).is_empty());
}

#[test]
fn mtls_strings_stay_strings() {
    let mtls = json!({
        "upstreams": [{
            "name": "svc-443",
            "serviceName": "svc",
            "serviceNamespace": "default",
            "servicePort": 443,
            "selector": {"on": "true", "version": "1.10", "note": "a: b # c"},
        }],
    });
    let docs = render_mtls(&mtls_values(mtls));
    assert_eq!(
        docs[0]["spec"]["kube"]["selector"],
        json!({"on": "true", "version": "1.10", "note": "a: b # c"})
    );
    assert_fits_crd(&docs[0], "gloo.solo.io_v1_Upstream.yaml");
}

#[test]
fn crd_check_rejects_a_misspelt_field() {
    // The schema check is only worth something if it can fail.
    let mut doc = render_mtls(&mtls_values(guide_mtls()))
        .into_iter()
        .find(|d| d["kind"] == "Upstream")
        .unwrap();
    doc["spec"]["sslConfig"]["sds"]["targetURI"] = json!("127.0.0.1:8234");
    let (validator, _) = support::crd_validator("gloo.solo.io_v1_Upstream.yaml");
    assert!(!validator.is_valid(&json!({"spec": doc["spec"]})));
    doc["spec"]["kube"]["servicePort"] = json!("9080");
    assert!(!validator.is_valid(&json!({"spec": {"kube": doc["spec"]["kube"]}})));
}
