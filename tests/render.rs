//! Rendering tests: the reference cases compared with `manifest-diff`, the `yaml` filter's
//! round trip, byte-identical repeated rendering, and targeted cases under
//! `tests/cases/render/NAME/values.yaml` for gateway-proxy values.

use gloo_chart::render::{render_json, to_stream, Document, RenderOptions};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn reference() -> PathBuf {
    repo().join("../shared/reference")
}

/// The reference data, or `None` (with a clear message) when it is absent outside CI.
fn reference_or_skip(what: &str) -> Option<PathBuf> {
    let dir = reference();
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing; CI must have the reference data",
        dir.display()
    );
    eprintln!(
        "NOTE: {what} NOT RUN: {} is absent (set CI to make this a failure)",
        dir.display()
    );
    None
}

fn read_yaml(path: &Path) -> Json {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let v: Json = serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()));
    if v.is_null() {
        Json::Object(Default::default())
    } else {
        v
    }
}

/// Helm's coalescing of user values over defaults: maps merge, a user `null` deletes the key,
/// anything else replaces.
fn coalesce(base: &mut Json, over: &Json) {
    match (base, over) {
        (Json::Object(b), Json::Object(o)) => {
            for (k, v) in o {
                if v.is_null() {
                    b.remove(k);
                    continue;
                }
                match b.get_mut(k) {
                    Some(slot) if slot.is_object() && v.is_object() => coalesce(slot, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

/// The model's defaults with `values.yaml` of a case over them, typed through the model.
fn values_for(case_values: &Path) -> Json {
    let mut v = gloo_chart::model::defaults_json();
    coalesce(&mut v, &read_yaml(case_values));
    let typed: gloo_chart::model::Values = serde_json::from_value(v).unwrap_or_else(|e| {
        panic!(
            "{}: values do not fit the model: {e}",
            case_values.display()
        )
    });
    serde_json::to_value(&typed).expect("typed values serialize")
}

fn render(values: &Json) -> Vec<Document> {
    render_json(values, &RenderOptions::default()).unwrap_or_else(|e| panic!("render failed: {e}"))
}

/// Runs manifest-diff; returns (exit ok, output).
fn manifest_diff(expected: &Path, actual_text: &str) -> (bool, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let actual = dir.path().join("actual.yaml");
    std::fs::write(&actual, actual_text).expect("write actual");
    let out = Command::new("python3")
        .arg(reference().join("../tools/manifest-diff"))
        .arg(expected)
        .arg(&actual)
        .output()
        .expect("run manifest-diff");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Upstream 1.5.0 writes the istio-proxy sidecar after `tolerations`, so when tolerations are
/// set the sidecar becomes a toleration entry: a pod spec Kubernetes rejects (kubernetes-validate
/// --strict fails on it) or runs without the sidecar. gloo-chart keeps sidecars in `containers`.
/// This applies that one correction to an upstream stream: every toleration entry that is a
/// container (it has `name` and `image`) is moved, in order, to the end of `containers`.
/// Returns the corrected stream and how many entries were moved.
fn with_sidecars_in_containers(stream: &str) -> (String, usize) {
    let mut moved = 0;
    let mut out = String::new();
    for doc in stream.split("\n---\n") {
        let parsed: Result<serde_yaml::Value, _> = serde_yaml::from_str(doc);
        let Ok(mut value) = parsed else {
            out.push_str(doc);
            out.push_str("\n---\n");
            continue;
        };
        let spec = &mut value["spec"]["template"]["spec"];
        let mut misplaced = Vec::new();
        if let Some(tolerations) = spec
            .get_mut("tolerations")
            .and_then(|t| t.as_sequence_mut())
        {
            let (containers, keep): (Vec<_>, Vec<_>) = tolerations
                .drain(..)
                .partition(|t| t.get("name").is_some() && t.get("image").is_some());
            *tolerations = keep;
            misplaced = containers;
        }
        if misplaced.is_empty() {
            out.push_str(doc);
        } else {
            moved += misplaced.len();
            if let Some(containers) = spec.get_mut("containers").and_then(|c| c.as_sequence_mut()) {
                containers.extend(misplaced);
            }
            out.push_str(&serde_yaml::to_string(&value).expect("re-serialize corrected document"));
        }
        out.push_str("\n---\n");
    }
    (out, moved)
}

const CASES: &[&str] = &[
    "default",
    "istio-sds",
    "istio-sds-custom-sidecar",
    "istio-sds-gloo-mtls",
    "proxy-tuning",
];

#[test]
fn reference_cases_match_upstream() {
    let Some(dir) = reference_or_skip("reference case comparison") else {
        return;
    };
    let mut failures = Vec::new();
    for case in CASES {
        let case_dir = dir.join("cases").join(case);
        let values = values_for(&case_dir.join("values.yaml"));
        let stream = to_stream(&render(&values));
        let expected_text =
            std::fs::read_to_string(case_dir.join("expected.yaml")).expect("read expected");
        let (expected_text, moved) = with_sidecars_in_containers(&expected_text);
        if *case == "proxy-tuning" {
            // The one case whose upstream output has the defect: the fix must apply there and
            // only there, so a regression either way shows.
            assert_eq!(
                moved, 1,
                "proxy-tuning: expected one misplaced sidecar upstream"
            );
        } else {
            assert_eq!(moved, 0, "{case}: no misplaced sidecar expected upstream");
        }
        let fixed = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(fixed.path(), expected_text).expect("write corrected expected");
        let (ok, report) = manifest_diff(fixed.path(), &stream);
        eprintln!("== {case}\n{report}");
        if !ok {
            failures.push(*case);
        }
    }
    assert!(
        failures.is_empty(),
        "cases differing from upstream: {failures:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The yaml filter and toyaml

const TRICKY: &[&str] = &[
    "a: b",
    "a #b",
    "*x",
    "&x",
    "!x",
    "%x",
    "@x",
    "-",
    "- x",
    "-x",
    "'quoted'",
    "\"dq\"",
    "it's",
    "line one\nline two",
    "trailing newline\n",
    "a\tb",
    "yes",
    "Yes",
    "on",
    "OFF",
    "y",
    "n",
    "true",
    "null",
    "~",
    "8081",
    "0777",
    "0x1F",
    "1e3",
    ".5",
    "1_000",
    "1:30",
    "2024-01-15",
    "",
    " lead",
    "trail ",
    "héllo ✓",
    "{x}",
    "[x]",
    "|x",
    ">x",
    "`x",
    "?x",
    "a,b",
    "<<",
    ".inf",
    "#hash",
    "---",
    "...",
    "\u{feff}bom",
    "back\\slash",
    "cr\rlf",
];

/// Words YAML 1.1 (the Kubernetes YAML reader) would not read as strings when plain.
const YAML11_SPECIAL: &[&str] = &[
    "yes",
    "Yes",
    "on",
    "OFF",
    "y",
    "n",
    "true",
    "null",
    "~",
    "8081",
    "0777",
    "0x1F",
    "1e3",
    ".5",
    "1_000",
    "1:30",
    "2024-01-15",
    "",
    "<<",
    ".inf",
];

#[test]
fn yaml_scalar_round_trips_tricky_strings() {
    use gloo_chart::render::yaml::scalar_inline;
    for s in TRICKY {
        let emitted = scalar_inline(s);
        assert!(
            !emitted.contains('\n'),
            "{s:?} emitted on several lines: {emitted}"
        );
        let doc = format!("outer:\n  key: {emitted}\n  {emitted}: v\n");
        let parsed: Json = serde_yaml::from_str(&doc)
            .unwrap_or_else(|e| panic!("{s:?} emitted as {emitted} does not parse: {e}"));
        assert_eq!(
            parsed["outer"]["key"],
            Json::String(s.to_string()),
            "value {s:?}"
        );
        assert_eq!(parsed["outer"][*s], Json::String("v".into()), "key {s:?}");
    }
    for s in YAML11_SPECIAL {
        let emitted = scalar_inline(s);
        assert!(
            emitted.starts_with('"') || emitted.starts_with('\''),
            "{s:?} must be quoted for YAML 1.1 readers, got {emitted}"
        );
    }
}

#[test]
fn toyaml_round_trips_nested_values_with_tricky_strings() {
    use gloo_chart::render::yaml::to_block;
    let strings: Vec<Json> = TRICKY.iter().map(|s| Json::String(s.to_string())).collect();
    let mut map = serde_json::Map::new();
    for s in TRICKY {
        map.insert(s.to_string(), Json::String(s.to_string()));
    }
    let value = serde_json::json!({
        "list": strings,
        "map": map,
        "nested": [{"a": [1, 2.5, true, null], "b": {}}, [], [["x"]]],
    });
    let text = to_block(&value);
    let parsed: Json = serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("toyaml output does not parse: {e}\n{text}"));
    assert_eq!(parsed, value);
}

// ---------------------------------------------------------------------------------------------
// Determinism

fn case_values(name: &str) -> Json {
    values_for(
        &repo()
            .join("tests/cases/render")
            .join(name)
            .join("values.yaml"),
    )
}

#[test]
fn repeated_rendering_is_byte_identical() {
    for case in [
        "multi-proxy",
        "custom-sidecars",
        "tricky-strings",
        "gateway-settings",
    ] {
        let values = case_values(case);
        let first = to_stream(&render(&values));
        for _ in 0..3 {
            assert_eq!(
                to_stream(&render(&values)),
                first,
                "{case} rendered differently"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Targeted cases: gateway-proxy values and what upstream 1.5.0 renders for them

/// Every rendered resource, parsed, with its template.
fn resources(case: &str) -> Vec<(String, Json)> {
    render(&case_values(case))
        .into_iter()
        .map(|d| {
            // documents are printed followed by a newline, which a final literal block keeps
            let v: Json = serde_yaml::from_str(&format!("{}\n", d.text))
                .unwrap_or_else(|e| panic!("{case}: {} is not YAML: {e}", d.template));
            (d.template, v)
        })
        .filter(|(_, v)| !v.is_null())
        .collect()
}

fn find<'a>(res: &'a [(String, Json)], kind: &str, name: &str) -> &'a Json {
    res.iter()
        .map(|(_, v)| v)
        .find(|v| v["kind"] == kind && v["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

fn names_of(res: &[(String, Json)], kind: &str) -> Vec<String> {
    res.iter()
        .filter(|(_, v)| v["kind"] == kind)
        .map(|(_, v)| v["metadata"]["name"].as_str().unwrap_or("").to_string())
        .collect()
}

fn container<'a>(deploy: &'a Json, name: &str) -> &'a Json {
    deploy["spec"]["template"]["spec"]["containers"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no container {name}"))
}

fn envoy_yaml(cm: &Json) -> Json {
    let text = cm["data"]["envoy.yaml"].as_str().expect("envoy.yaml entry");
    serde_yaml::from_str(text).expect("envoy.yaml parses")
}

fn cluster_names(envoy: &Json) -> Vec<String> {
    envoy["static_resources"]["clusters"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| c["name"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn each_enabled_proxy_gets_its_own_resources_named_in_kebab_case() {
    let res = resources("multi-proxy");
    assert_eq!(
        names_of(&res, "Deployment")
            .iter()
            .filter(|n| *n == "public-gw")
            .count(),
        1
    );
    assert!(!names_of(&res, "Deployment").contains(&"gateway-proxy".to_string()));
    assert!(!names_of(&res, "Service").contains(&"gateway-proxy".to_string()));
    let d = find(&res, "Deployment", "public-gw");
    assert_eq!(d["spec"]["replicas"], 2);
    assert_eq!(
        d["spec"]["selector"]["matchLabels"]["gateway-proxy-id"],
        "public-gw"
    );
    // stats turned off for this proxy: no prometheus annotations, no listeners, no admin cluster
    assert!(d["spec"]["template"]["metadata"]["annotations"].is_null());
    let cm = find(&res, "ConfigMap", "public-gw-envoy-config");
    let envoy = envoy_yaml(cm);
    assert!(envoy["static_resources"]["listeners"].is_null());
    assert!(!cluster_names(&envoy).contains(&"admin_port_cluster".to_string()));
    assert_eq!(
        envoy["node"]["metadata"]["role"],
        "{{.PodNamespace}}~public-gw"
    );
    assert_eq!(
        envoy["layered_runtime"]["layers"][0]["static_layer"]["overload"]
            ["global_downstream_max_connections"],
        1000
    );
    let svc = find(&res, "Service", "public-gw");
    assert_eq!(svc["spec"]["type"], "ClusterIP");
    assert_eq!(svc["spec"]["clusterIP"], "10.0.0.10");
    // the one proxy service account is shared
    assert_eq!(
        names_of(&res, "ServiceAccount")
            .iter()
            .filter(|n| *n == "gateway-proxy")
            .count(),
        1
    );
}

#[test]
fn daemon_set_kind_has_no_replicas_and_uses_host_ports() {
    let res = resources("daemonset");
    let d = find(&res, "DaemonSet", "gateway-proxy");
    assert!(d["spec"]["replicas"].is_null());
    let ports = &container(d, "gateway-proxy")["ports"];
    assert_eq!(ports[0]["hostPort"], 8080);
    assert_eq!(ports[1]["hostPort"], 8443);
    assert!(names_of(&res, "Deployment")
        .iter()
        .all(|n| n != "gateway-proxy"));
}

#[test]
fn node_port_service_options() {
    let res = resources("service-nodeport");
    let svc = find(&res, "Service", "edge");
    assert_eq!(
        svc["metadata"]["labels"]["gateway-proxy-id"],
        "gateway-proxy"
    );
    let ports = svc["spec"]["ports"].as_array().expect("ports");
    let names: Vec<&str> = ports
        .iter()
        .map(|p| p["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["https", "http", "failover", "tcp-extra"]);
    assert_eq!(ports[0]["nodePort"], 30443);
    assert_eq!(ports[1]["nodePort"], 30080);
    assert_eq!(ports[2]["port"], 15443);
    assert_eq!(ports[2]["nodePort"], 30444);
    assert_eq!(svc["spec"]["externalTrafficPolicy"], "Local");
    // loadBalancerIP only applies to LoadBalancer services
    assert!(svc["spec"]["loadBalancerIP"].is_null());
    let d = find(&res, "Deployment", "gateway-proxy");
    let ports = &container(d, "gateway-proxy")["ports"];
    assert_eq!(ports[2]["name"], "failover");
    assert_eq!(ports[2]["containerPort"], 15443);
    // the failover listener gateway (rendered, like the default gateways, only when the
    // proxy's gatewaySettings is non-empty)
    let gw = find(&res, "Gateway", "gateway-proxy-failover");
    assert_eq!(gw["spec"]["bindPort"], 15443);
    assert_eq!(
        gw["spec"]["tcpGateway"]["tcpHosts"][0]["sslConfig"]["secretRef"]["name"],
        "failover-downstream"
    );
}

#[test]
fn load_balancer_service_options() {
    let res = resources("service-loadbalancer");
    let svc = find(&res, "Service", "gateway-proxy");
    assert_eq!(svc["spec"]["loadBalancerIP"], "1.2.3.4");
    assert_eq!(
        svc["spec"]["loadBalancerSourceRanges"],
        serde_json::json!(["10.0.0.0/8"])
    );
    assert!(svc["spec"]["clusterIP"].is_null());
    assert!(svc["spec"]["ports"][0]["nodePort"].is_null());
}

#[test]
fn pod_template_options() {
    let res = resources("pod-options");
    let d = find(&res, "Deployment", "gateway-proxy");
    let pod = &d["spec"]["template"]["spec"];
    let c = container(d, "gateway-proxy");
    assert_eq!(
        c["args"],
        serde_json::json!(["--disable-hot-restart", "--concurrency", "4"])
    );
    assert_eq!(
        c["env"][0],
        serde_json::json!({"name": "LOG_LEVEL", "value": "debug"})
    );
    assert_eq!(c["env"][1]["name"], "POD_NAMESPACE");
    // floatingUserId: no fixed user ids; runUnprivileged false: no runAsNonRoot
    assert!(pod["securityContext"].is_null());
    assert!(c["securityContext"]["runAsUser"].is_null());
    assert!(c["securityContext"]["runAsNonRoot"].is_null());
    assert_eq!(
        c["securityContext"]["capabilities"]["add"],
        serde_json::json!(["NET_BIND_SERVICE"])
    );
    assert_eq!(c["readinessProbe"]["httpGet"]["path"], "/ready");
    assert_eq!(c["readinessProbe"]["periodSeconds"], 5);
    assert!(c["readinessProbe"]["exec"].is_null());
    assert_eq!(
        c["livenessProbe"]["exec"]["command"][3],
        "127.0.0.1:19000/server_info"
    );
    let stop = c["lifecycle"]["preStop"]["exec"]["command"][2]
        .as_str()
        .expect("preStop");
    assert!(stop.ends_with("sleep 40"), "{stop}");
    assert_eq!(pod["terminationGracePeriodSeconds"], 45);
    assert_eq!(pod["nodeName"], "node-a");
    assert_eq!(
        pod["imagePullSecrets"],
        serde_json::json!([{"name": "regcred"}])
    );
    assert_eq!(d["spec"]["template"]["metadata"]["labels"]["team"], "edge");
    assert_eq!(c["ports"][2]["containerPort"], 9090);
    let term =
        &pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0];
    assert_eq!(
        term["podAffinityTerm"]["labelSelector"]["matchLabels"]["gloo"],
        "gateway-proxy"
    );
    assert_eq!(
        term["podAffinityTerm"]["topologyKey"],
        "kubernetes.io/hostname"
    );
}

#[test]
fn envoy_bootstrap_options() {
    let res = resources("envoy-config");
    let envoy = envoy_yaml(find(&res, "ConfigMap", "gateway-proxy-envoy-config"));
    let clusters = cluster_names(&envoy);
    for want in [
        "access_log_cluster",
        "zipkin",
        "aws_sts_cluster",
        "admin_port_cluster",
    ] {
        assert!(
            clusters.contains(&want.to_string()),
            "missing {want} in {clusters:?}"
        );
    }
    let listeners = envoy["static_resources"]["listeners"]
        .as_array()
        .expect("listeners");
    assert_eq!(listeners.len(), 1, "stats off, readConfig on");
    assert_eq!(listeners[0]["name"], "read_config_listener");
    assert_eq!(
        listeners[0]["address"]["socket_address"]["port_value"],
        8082
    );
    assert_eq!(
        envoy["admin"]["address"]["socket_address"]["address"],
        "::1"
    );
    let access = envoy["static_resources"]["clusters"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["name"] == "access_log_cluster"))
        .expect("access log cluster");
    let addr = &access["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"]
        ["socket_address"];
    assert_eq!(
        addr["address"],
        "gateway-proxy-access-logger.gloo-system.svc.cluster.local"
    );
    assert_eq!(addr["port_value"], 8083);
    assert_eq!(
        envoy["layered_runtime"]["layers"][0]["static_layer"]["overload"]
            ["global_downstream_max_connections"],
        1234
    );
    // configMap.data replaces the generated bootstrap entirely
    let custom = find(&res, "ConfigMap", "full-custom-envoy-config");
    assert_eq!(
        custom["data"],
        serde_json::json!({"envoy.yaml": "admin: {}\n"})
    );
}

#[test]
fn gateway_settings_generate_gateways_unless_disabled() {
    let res = resources("gateway-settings");
    let http = find(&res, "Gateway", "gateway-proxy");
    let https = find(&res, "Gateway", "gateway-proxy-ssl");
    assert_eq!(http["spec"]["bindPort"], 8080);
    assert_eq!(https["spec"]["bindPort"], 8443);
    assert_eq!(http["spec"]["bindAddress"], "0.0.0.0");
    assert_eq!(http["spec"]["useProxyProto"], true);
    assert_eq!(http["spec"]["ssl"], false);
    assert_eq!(https["spec"]["ssl"], true);
    assert_eq!(
        http["spec"]["proxyNames"],
        serde_json::json!(["gateway-proxy"])
    );
    assert_eq!(http["spec"]["options"]["compressed_proxy_spec"], true);
    let gateways = names_of(&res, "Gateway");
    assert!(
        gateways.iter().all(|n| !n.starts_with("quiet-proxy")),
        "{gateways:?}"
    );
    // with the default empty gatewaySettings nothing is generated
    assert!(names_of(&resources("daemonset"), "Gateway").is_empty());
}

#[test]
fn custom_sidecars_replace_the_default_istio_proxy() {
    let res = resources("custom-sidecars");
    let d = find(&res, "Deployment", "gateway-proxy");
    let names: Vec<&str> = d["spec"]["template"]["spec"]["containers"]
        .as_array()
        .expect("containers")
        .iter()
        .map(|c| c["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["gateway-proxy", "sds", "istio-proxy", "logger"]);
    assert_eq!(
        container(d, "istio-proxy")["image"],
        "docker.io/istio/proxyv2:1.7.0"
    );
    assert_eq!(
        container(d, "logger")["args"],
        serde_json::json!(["sh", "-c", "tail -f /dev/null"])
    );
    let sds_env: Vec<&str> = container(d, "sds")["env"]
        .as_array()
        .expect("sds env")
        .iter()
        .map(|e| e["name"].as_str().unwrap_or(""))
        .collect();
    assert!(
        sds_env.contains(&"GLOO_MTLS_SDS_ENABLED") && sds_env.contains(&"ISTIO_MTLS_SDS_ENABLED")
    );
    let envoy = envoy_yaml(find(&res, "ConfigMap", "gateway-proxy-envoy-config"));
    assert_eq!(
        cluster_names(&envoy)
            .iter()
            .filter(|n| *n == "gateway_proxy_sds")
            .count(),
        1
    );
    let volumes: Vec<&str> = d["spec"]["template"]["spec"]["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .map(|v| v["name"].as_str().unwrap_or(""))
        .collect();
    for v in [
        "envoy-config",
        "istio-certs",
        "istiod-ca-cert",
        "istio-envoy",
        "istio-token",
        "gloo-mtls-certs",
    ] {
        assert!(volumes.contains(&v), "missing volume {v}");
    }
}

#[test]
fn istio_proxy_stays_in_containers_when_tolerations_are_set() {
    // Regression: upstream 1.5.0 puts the sidecar into the tolerations list here.
    let res = resources("istio-tolerations");
    let d = find(&res, "Deployment", "gateway-proxy");
    let tol = d["spec"]["template"]["spec"]["tolerations"]
        .as_array()
        .expect("tolerations");
    assert_eq!(tol.len(), 1, "only the user's toleration: {tol:?}");
    assert!(tol[0].get("name").is_none());
    let names: Vec<&str> = d["spec"]["template"]["spec"]["containers"]
        .as_array()
        .expect("containers")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["gateway-proxy", "sds", "istio-proxy"]);
}

#[test]
fn istio_with_only_a_node_selector_renders_a_valid_pod() {
    // Regression: upstream 1.5.0 renders invalid YAML for this combination.
    let res = resources("istio-nodeselector");
    let d = find(&res, "Deployment", "gateway-proxy");
    let spec = &d["spec"]["template"]["spec"];
    assert!(spec["nodeSelector"].is_object());
    let names: Vec<&str> = spec["containers"]
        .as_array()
        .expect("containers")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["gateway-proxy", "sds", "istio-proxy"]);
}

#[test]
fn tricky_strings_reach_the_manifests_unchanged() {
    let raw = read_yaml(&repo().join("tests/cases/render/tricky-strings/values.yaml"));
    let res = resources("tricky-strings");
    let d = find(&res, "Deployment", "gateway-proxy");
    let want_pod = &raw["gatewayProxies"]["gatewayProxy"]["podTemplate"]["extraAnnotations"];
    let got_pod = &d["spec"]["template"]["metadata"]["annotations"];
    for (k, v) in want_pod.as_object().expect("annotations") {
        assert_eq!(&got_pod[k], v, "pod annotation {k}");
    }
    let sa = find(&res, "ServiceAccount", "gateway-proxy");
    for (k, v) in raw["gateway"]["proxyServiceAccount"]["extraAnnotations"]
        .as_object()
        .expect("sa")
    {
        assert_eq!(
            &sa["metadata"]["annotations"][k], v,
            "service account annotation {k}"
        );
    }
    assert_eq!(sa["automountServiceAccountToken"], false);
    let svc = find(&res, "Service", "gateway-proxy");
    for (k, v) in raw["gatewayProxies"]["gatewayProxy"]["service"]["extraAnnotations"]
        .as_object()
        .expect("svc")
    {
        assert_eq!(
            &svc["metadata"]["annotations"][k], v,
            "service annotation {k}"
        );
    }
}

#[test]
fn documents_come_in_helm_install_order() {
    let docs = render(&case_values("gateway-settings"));
    let kinds: Vec<String> = docs
        .iter()
        .map(|d| {
            let v: Json = serde_yaml::from_str(&d.text).unwrap_or(Json::Null);
            v["kind"].as_str().unwrap_or("").to_string()
        })
        .collect();
    let pos = |k: &str| {
        kinds
            .iter()
            .position(|x| x == k)
            .unwrap_or_else(|| panic!("no {k}"))
    };
    assert!(pos("ServiceAccount") < pos("ConfigMap"));
    assert!(pos("ConfigMap") < pos("Service"));
    assert!(pos("Service") < pos("Deployment"));
    assert!(pos("Deployment") < pos("Gateway"));
    assert!(pos("Gateway") < pos("Settings"));
    assert_eq!(
        kinds.last().map(String::as_str),
        Some("ValidatingWebhookConfiguration")
    );
}
