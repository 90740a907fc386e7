//! The typed values model and the generated schema, checked against the upstream Gloo 1.5.0
//! defaults and the reference cases in `../shared/reference`.

use std::path::{Path, PathBuf};

use gloo_chart::model::{self, Values};
use serde_json::{json, Value};

fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference")
}

fn read_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
}

fn upstream_defaults() -> Value {
    read_yaml(&reference_dir().join("upstream-default-values.yaml"))
}

/// Every reference case: (name, values.yaml content).
fn reference_cases() -> Vec<(String, Value)> {
    let mut cases = Vec::new();
    let dir = reference_dir().join("cases");
    for entry in std::fs::read_dir(&dir).expect("reference cases directory") {
        let path = entry.expect("directory entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        cases.push((name, read_yaml(&path.join("values.yaml"))));
    }
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(
        cases.len() >= 5,
        "expected the five reference cases, found {}",
        cases.len()
    );
    cases
}

/// Drops null map entries recursively (Helm removes them while coalescing).
fn prune_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), prune_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(prune_nulls).collect()),
        other => other.clone(),
    }
}

/// Helm's coalescing in its simplest form: maps merge recursively, anything else replaces,
/// a user null deletes the default.
fn coalesce(defaults: &Value, user: &Value) -> Value {
    match (defaults, user) {
        (Value::Object(d), Value::Object(u)) => {
            let mut out = d.clone();
            for (key, value) in u {
                if value.is_null() {
                    out.remove(key);
                } else if let Some(existing) = d.get(key) {
                    out.insert(key.clone(), coalesce(existing, value));
                } else {
                    out.insert(key.clone(), value.clone());
                }
            }
            Value::Object(out)
        }
        (_, user) => user.clone(),
    }
}

/// Paths where two values differ, for readable failures.
fn differences(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => differences(&format!("{path}.{k}"), v, w, out),
                    None => out.push(format!("{path}.{k}: only in the model")),
                }
            }
            for k in y.keys().filter(|k| !x.contains_key(*k)) {
                out.push(format!("{path}.{k}: only upstream"));
            }
        }
        _ if a != b => out.push(format!("{path}: model {a} vs upstream {b}")),
        _ => {}
    }
}

fn errors_of(instance: &Value) -> Vec<String> {
    model::validator()
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn assert_valid(what: &str, instance: &Value) {
    let errors = errors_of(instance);
    assert!(
        errors.is_empty(),
        "{what} should be valid, got: {errors:#?}"
    );
}

fn assert_invalid(what: &str, instance: &Value) {
    assert!(
        !errors_of(instance).is_empty(),
        "{what} should be rejected by the schema"
    );
}

#[test]
fn defaults_serialize_to_the_upstream_values_file() {
    let model = prune_nulls(&model::defaults_json());
    let upstream = prune_nulls(&upstream_defaults());
    let mut diffs = Vec::new();
    differences("", &model, &upstream, &mut diffs);
    assert!(
        diffs.is_empty(),
        "defaults differ from upstream: {diffs:#?}"
    );
    assert_eq!(model, upstream);
}

#[test]
fn defaults_json_is_the_serialized_default() {
    let direct = serde_json::to_value(Values::default()).expect("serializable");
    // Exactly the upstream file, explicit nulls included (Helm keeps null defaults as keys).
    let raw: serde_json::Value = serde_yaml::from_str(
        &std::fs::read_to_string(reference_dir().join("upstream-default-values.yaml"))
            .expect("upstream defaults"),
    )
    .expect("upstream defaults parse");
    assert_eq!(model::defaults_json(), raw);
    assert_eq!(
        direct["gatewayProxies"]["gatewayProxy"]["podTemplate"]["httpPort"],
        json!(8080)
    );
    assert!(
        direct.get("istioMtls").is_none(),
        "istioMtls is absent by default"
    );
}

#[test]
fn upstream_defaults_round_trip_through_the_types() {
    let upstream = upstream_defaults();
    let typed: Values = serde_json::from_value(upstream.clone()).expect("defaults deserialize");
    assert!(
        typed == Values::default(),
        "the upstream defaults file typed differs from Values::default()"
    );
    let back = serde_json::to_value(&typed).expect("serializable");
    assert_eq!(prune_nulls(&back), prune_nulls(&upstream));
}

#[test]
fn reference_cases_round_trip_with_upstream_shapes() {
    let defaults = upstream_defaults();
    for (name, user) in reference_cases() {
        let merged = prune_nulls(&coalesce(&defaults, &user));
        let typed: Values = serde_json::from_value(merged.clone())
            .unwrap_or_else(|e| panic!("case {name} does not deserialize: {e}"));
        let back = serde_json::to_value(&typed).expect("serializable");
        let mut diffs = Vec::new();
        differences("", &back, &merged, &mut diffs);
        assert!(diffs.is_empty(), "case {name} changed shape: {diffs:#?}");
    }
}

#[test]
fn custom_sidecars_are_typed_containers() {
    let user = reference_cases()
        .into_iter()
        .find(|(name, _)| name == "istio-sds-custom-sidecar")
        .expect("the guide's custom sidecar case")
        .1;
    let typed: Values = serde_json::from_value(user).expect("deserializes");
    let sidecars = typed
        .istio_sds()
        .and_then(|s| s.custom_sidecars.as_ref())
        .expect("customSidecars present");
    assert_eq!(sidecars.len(), 1);
    assert_eq!(sidecars[0].name, "istio-proxy");
    assert_eq!(
        sidecars[0].image.as_deref(),
        Some("docker.io/istio/proxyv2:1.6.6")
    );
    let mounts = sidecars[0].volume_mounts.as_ref().expect("volume mounts");
    assert_eq!(mounts.last().map(|m| m.name.as_str()), Some("istio-token"));
    assert!(typed.istio_sds_enabled());
    assert!(!typed.gloo_mtls_enabled());
}

#[test]
fn schema_is_plain_draft_07() {
    let schema = model::schema_json();
    assert_eq!(
        schema["$schema"],
        json!("http://json-schema.org/draft-07/schema#")
    );
    assert!(schema["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(schema["description"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    assert!(
        jsonschema::draft7::meta::is_valid(&schema),
        "schema fails the draft-07 metaschema"
    );
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&schema)
        .expect("schema compiles under draft-07");

    let forbidden = [
        "$ref",
        "format",
        "$defs",
        "definitions",
        "unevaluatedProperties",
        "dependentRequired",
        "dependentSchemas",
        "prefixItems",
        "$anchor",
        "$dynamicRef",
        "x-kubernetes-int-or-string",
    ];
    let mut found = Vec::new();
    find_keys(&schema, "", &forbidden, &mut found);
    assert!(
        found.is_empty(),
        "forbidden keywords in the schema: {found:#?}"
    );
}

/// Every object key along the way, except property names (which are data, not keywords).
fn find_keys(value: &Value, path: &str, keys: &[&str], found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let here = format!("{path}/{k}");
                if keys.contains(&k.as_str()) && !path.ends_with("/properties") {
                    found.push(here.clone());
                }
                find_keys(v, &here, keys, found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                find_keys(v, &format!("{path}/{i}"), keys, found);
            }
        }
        _ => {}
    }
}

#[test]
fn committed_schema_file_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/values.schema.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == model::schema_text(),
        "schema/values.schema.json is out of date with the model; update it with:\n    \
         cargo run -- schema > schema/values.schema.json"
    );
}

#[test]
fn validator_is_compiled_once() {
    let a: *const _ = model::validator();
    let b: *const _ = model::validator();
    assert_eq!(a, b);
}

#[test]
fn upstream_defaults_validate() {
    assert_valid("the upstream defaults file", &upstream_defaults());
    assert_valid("the serialized defaults", &model::defaults_json());
}

#[test]
fn reference_case_values_validate() {
    let defaults = upstream_defaults();
    for (name, user) in reference_cases() {
        assert_valid(&format!("case {name} as written"), &user);
        assert_valid(
            &format!("case {name} merged"),
            &prune_nulls(&coalesce(&defaults, &user)),
        );
    }
}

fn with_sidecar(sidecar: Value) -> Value {
    json!({"global": {"istioSDS": {"enabled": true, "customSidecars": [sidecar]}}})
}

#[test]
fn schema_rejects_near_misses_and_bad_values() {
    let bad = [
        (
            "istioSds spelled wrong",
            json!({"global": {"istioSds": {"enabled": true}}}),
        ),
        (
            "customSidecar (singular)",
            json!({"global": {"istioSDS": {"customSidecar": []}}}),
        ),
        (
            "top-level gatewayProxy",
            json!({"gatewayProxy": {"podTemplate": {}}}),
        ),
        (
            "unknown proxy field",
            json!({"gatewayProxies": {"gatewayProxy": {"replicas": 2}}}),
        ),
        (
            "sidecar without a name",
            with_sidecar(json!({"image": "istio/proxyv2:1.6.6"})),
        ),
        (
            "sidecar name not DNS-1123",
            with_sidecar(json!({"name": "Istio_Proxy"})),
        ),
        (
            "unknown sidecar field",
            with_sidecar(json!({"name": "x", "imagePulPolicy": "Always"})),
        ),
        (
            "numeric env value",
            with_sidecar(json!({"name": "x", "env": [{"name": "N", "value": 3}]})),
        ),
        (
            "sidecar pull policy",
            with_sidecar(json!({"name": "x", "imagePullPolicy": "Sometimes"})),
        ),
        (
            "volume mount without mountPath",
            with_sidecar(json!({"name": "x", "volumeMounts": [{"name": "certs"}]})),
        ),
        (
            "probe port out of range",
            with_sidecar(json!({"name": "x", "readinessProbe": {"httpGet": {"port": 70000}}})),
        ),
        (
            "global pull policy",
            json!({"global": {"image": {"pullPolicy": "always"}}}),
        ),
        (
            "negative replicas",
            json!({"gatewayProxies": {"gatewayProxy": {"kind": {"deployment": {"replicas": -1}}}}}),
        ),
        (
            "negative gloo replicas",
            json!({"gloo": {"deployment": {"replicas": -1}}}),
        ),
        (
            "xdsPort 70000",
            json!({"gloo": {"deployment": {"xdsPort": 70000}}}),
        ),
        (
            "proxy httpPort 70000",
            json!({"gatewayProxies": {"gatewayProxy": {"podTemplate": {"httpPort": 70000}}}}),
        ),
        (
            "service port 0",
            json!({"gatewayProxies": {"gatewayProxy": {"service": {"httpPort": 0}}}}),
        ),
        (
            "nodePort 70000",
            json!({"gatewayProxies": {"gatewayProxy": {"service": {"httpNodePort": 70000}}}}),
        ),
        (
            "service type",
            json!({"gatewayProxies": {"gatewayProxy": {"service": {"type": "Public"}}}}),
        ),
        (
            "negative runAsUser",
            json!({"discovery": {"deployment": {"runAsUser": -5}}}),
        ),
        (
            "failurePolicy",
            json!({"gateway": {"validation": {"failurePolicy": "Warn"}}}),
        ),
        ("fdsMode", json!({"discovery": {"fdsMode": "whitelist"}})),
        ("ingress mode", json!({"ingress": {"enabled": true}})),
        (
            "knative",
            json!({"settings": {"integrations": {"knative": {"enabled": true}}}}),
        ),
        (
            "proxy name with underscore",
            json!({"gatewayProxies": {"my_proxy": {}}}),
        ),
        (
            "annotation that is not a string",
            json!({"gloo": {"serviceAccount": {"extraAnnotations": {"a": 1}}}}),
        ),
        (
            "mTLS upstream without port",
            json!({"istioMtls": {"upstreams": [
                {"name": "default-productpage-9080", "serviceName": "productpage", "serviceNamespace": "default"}
            ]}}),
        ),
        (
            "mTLS upstream name not DNS-1123",
            json!({"istioMtls": {"upstreams": [
                {"name": "Product_Page", "serviceName": "productpage", "serviceNamespace": "default", "servicePort": 9080}
            ]}}),
        ),
        (
            "peer authentication mode",
            json!({"istioMtls": {"peerAuthentications": [
                {"name": "default", "namespace": "istio-system", "mode": "strict"}
            ]}}),
        ),
        (
            "route prefix without slash",
            json!({"istioMtls": {"routes": [
                {"name": "prodpage", "pathPrefix": "productpage", "upstream": "default-productpage-9080"}
            ]}}),
        ),
        (
            "unknown istioMtls key",
            json!({"istioMtls": {"upstream": []}}),
        ),
    ];
    for (what, instance) in bad {
        assert_invalid(what, &instance);
    }
}

#[test]
fn typed_model_rejects_unknown_keys_and_bad_enums() {
    let bad = [
        json!({"global": {"istioSds": {"enabled": true}}}),
        json!({"global": {"istioSDS": {"customSidecar": []}}}),
        json!({"gatewayProxy": {}}),
        json!({"gatewayProxies": {"gatewayProxy": {"replicas": 2}}}),
        json!({"global": {"image": {"pullPolicy": "always"}}}),
        json!({"discovery": {"fdsMode": "whitelist"}}),
        json!({"istioMtls": {"peerAuthentications": [{"name": "a", "namespace": "b", "mode": "strict"}]}}),
        json!({"istioMtls": {"upstreams": [{"name": "a", "serviceName": "b", "serviceNamespace": "c"}]}}),
    ];
    for instance in bad {
        assert!(
            serde_json::from_value::<Values>(instance.clone()).is_err(),
            "the typed model accepted {instance}"
        );
    }
}

#[test]
fn schema_accepts_free_form_maps_and_new_proxies() {
    let good = json!({
        "gatewayProxies": {
            "publicGw": {
                "podTemplate": {
                    "httpPort": 8081,
                    "extraAnnotations": {"anything.example.com/x": "y"},
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "customReadinessProbe": {"httpGet": {"port": "admin", "path": "/ready"}}
                },
                "service": {"httpNodePort": 0, "customPorts": [{"name": "tcp", "port": 9000}]},
                "tracing": {"provider": {"name": "envoy.tracers.zipkin"}}
            }
        },
        "settings": {"extensions": {"any": {"nested": [1, 2]}}, "rateLimit": {"x": true}},
        "global": {"extensions": {"free": "form"}, "istioSDS": {"enabled": true}},
        "gloo": {"deployment": {"extraGlooLabels": {"team": "edge"}, "resources": {"limits": {"cpu": 2, "memory": "1Gi"}}}},
        "istioMtls": {
            "upstreams": [{
                "name": "default-productpage-9080", "serviceName": "productpage",
                "serviceNamespace": "default", "servicePort": 9080, "selector": {"app": "productpage"}
            }],
            "peerAuthentications": [
                {"name": "default", "namespace": "istio-system", "mode": "STRICT"},
                {"name": "productpage", "namespace": "default", "mode": "PERMISSIVE", "selector": {"app": "productpage"}}
            ],
            "routes": [{"name": "prodpage", "upstream": "default-productpage-9080"}]
        }
    });
    assert_valid("free-form maps and a new proxy", &good);
    let typed: Values = serde_json::from_value(good).expect("deserializes");
    let mtls = typed.istio_mtls.as_ref().expect("istioMtls");
    assert_eq!(mtls.routes[0].path_prefix, "/", "pathPrefix defaults to /");
    assert_eq!(
        mtls.peer_authentications[1].mode,
        model::MtlsMode::Permissive
    );
    let back = serde_json::to_value(&typed).expect("serializable");
    assert_eq!(
        back["gloo"]["deployment"]["resources"]["limits"]["cpu"],
        json!(2)
    );
    assert_eq!(back["istioMtls"]["routes"][0]["pathPrefix"], json!("/"));
}

#[test]
fn nulls_are_accepted_where_helm_keeps_them() {
    let user =
        json!({"gatewayProxies": {"gatewayProxy": {"tracing": null, "configMap": {"data": null}}}});
    assert_valid("null tracing and configMap data", &user);
    let typed: Values = serde_json::from_value(user).expect("deserializes");
    let back = serde_json::to_value(&typed).expect("serializable");
    assert!(back["gatewayProxies"]["gatewayProxy"]
        .get("tracing")
        .is_none());
}

/// Walks model-owned object schemas and reports properties without a description.
fn undocumented(schema: &Value, path: &str, out: &mut Vec<String>) {
    // Kubernetes types keep upstream field names and are documented by Kubernetes itself.
    const KUBERNETES_SUBTREES: &[&str] = &[
        "customSidecars",
        "customEnv",
        "tolerations",
        "exec",
        "httpGet",
        "tcpSocket",
    ];
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            let here = format!("{path}.{name}");
            let documented = prop
                .get("description")
                .and_then(Value::as_str)
                .is_some_and(|d| d.len() > 3);
            if !documented {
                out.push(here.clone());
            }
            if !KUBERNETES_SUBTREES.contains(&name.as_str()) {
                undocumented(prop, &here, out);
            }
        }
    }
    if let Some(inner) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        undocumented(inner, &format!("{path}.*"), out);
    }
    if let Some(items) = schema.get("items").filter(|v| v.is_object()) {
        undocumented(items, &format!("{path}[]"), out);
    }
}

#[test]
fn every_model_field_has_a_description() {
    let mut missing = Vec::new();
    undocumented(&model::schema_json(), "", &mut missing);
    assert!(
        missing.is_empty(),
        "fields without a description: {missing:#?}"
    );
}
