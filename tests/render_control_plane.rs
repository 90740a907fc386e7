//! The control-plane part of `gloo-chart render`: gloo, discovery and gateway, Settings, RBAC,
//! the validation webhook and its certgen hooks, the mTLS pieces, the access logger, the
//! namespace and the CRDs. Each case under `tests/cases/render/NAME/values.yaml` turns on one
//! group of values; the assertions state what the upstream 1.5.0 chart renders for them.
//!
//! Each case goes through the model (defaults, typing) and the embedded templates, and the
//! printed stream is read back as YAML, so the checks hold whatever the quoting of the text.

use std::path::PathBuf;

use gloo_chart::model;
use gloo_chart::render::{render_json, to_stream, RenderOptions};

use serde::Deserialize;
use serde_yaml::Value;

const NS: &str = "gloo-system";

fn case_file(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases/render")
        .join(case)
        .join("values.yaml")
}

/// Helm's coalescing of user values over chart defaults: maps merge key by key, a user `null`
/// deletes the default, anything else replaces it.
fn coalesce(dst: &mut serde_json::Value, src: serde_json::Value) {
    match (dst, src) {
        (serde_json::Value::Object(d), serde_json::Value::Object(s)) => {
            for (k, v) in s {
                if v.is_null() {
                    d.remove(&k);
                } else if let Some(slot) = d.get_mut(&k).filter(|x| x.is_object() && v.is_object())
                {
                    coalesce(slot, v);
                } else {
                    d.insert(k, v);
                }
            }
        }
        (d, s) => *d = s,
    }
}

/// Renders one case: its values over the upstream defaults, typed through the model (unknown
/// or mistyped values fail here), then through the templates. Returns the documents of the
/// printed stream, empty ones dropped.
fn render(case: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(case_file(case))
        .unwrap_or_else(|e| panic!("cannot read case {case}: {e}"));
    let user: serde_json::Value =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{case}: bad values: {e}"));
    let mut merged = model::defaults_json();
    coalesce(&mut merged, user);
    let typed: model::Values = serde_json::from_value(merged)
        .unwrap_or_else(|e| panic!("{case}: values do not fit the model: {e}"));
    let json = serde_json::to_value(&typed).unwrap_or_else(|e| panic!("{case}: {e}"));
    let opts = RenderOptions {
        namespace: NS.to_string(),
        ..RenderOptions::default()
    };
    let docs = render_json(&json, &opts).unwrap_or_else(|e| panic!("{case}: render failed: {e}"));
    let stream = to_stream(&docs);
    serde_yaml::Deserializer::from_str(&stream)
        .map(|d| {
            Value::deserialize(d).unwrap_or_else(|e| panic!("{case}: output is not YAML: {e}"))
        })
        .filter(|v| !v.is_null())
        .collect()
}

fn str_at<'a>(v: &'a Value, path: &str) -> Option<&'a str> {
    at(v, path).and_then(Value::as_str)
}

/// Walks a dotted path; numeric segments index sequences.
fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(v, |cur, seg| match seg.parse::<usize>() {
            Ok(i) => cur.as_sequence().and_then(|s| s.get(i)),
            Err(_) => cur.get(seg),
        })
}

fn hook_of(doc: &Value) -> Option<&str> {
    at(doc, "metadata.annotations")
        .and_then(|a| a.get("helm.sh/hook"))
        .and_then(Value::as_str)
}

fn find<'a>(docs: &'a [Value], kind: &str, name: &str, hook: Option<&str>) -> Option<&'a Value> {
    docs.iter().find(|d| {
        str_at(d, "kind") == Some(kind)
            && str_at(d, "metadata.name") == Some(name)
            && hook_of(d) == hook
    })
}

fn get<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    find(docs, kind, name, None).unwrap_or_else(|| panic!("no {kind}/{name} in the output"))
}

fn kinds(docs: &[Value], kind: &str) -> Vec<String> {
    docs.iter()
        .filter(|d| str_at(d, "kind") == Some(kind))
        .filter_map(|d| str_at(d, "metadata.name").map(str::to_string))
        .collect()
}

fn container<'a>(deploy: &'a Value, name: &str) -> &'a Value {
    at(deploy, "spec.template.spec.containers")
        .and_then(Value::as_sequence)
        .and_then(|cs| cs.iter().find(|c| str_at(c, "name") == Some(name)))
        .unwrap_or_else(|| panic!("no container {name}"))
}

fn env<'a>(c: &'a Value, name: &str) -> Option<&'a Value> {
    at(c, "env")
        .and_then(Value::as_sequence)
        .and_then(|e| e.iter().find(|v| str_at(v, "name") == Some(name)))
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap_or_else(|e| panic!("bad expectation {text}: {e}"))
}

const ROLES: [&str; 6] = [
    "kube-resource-watcher",
    "gloo-upstream-mutator",
    "gloo-resource-reader",
    "settings-user",
    "gloo-resource-mutator",
    "gateway-resource-reader",
];

#[test]
fn namespaced_rbac_gives_roles_in_the_release_namespace_without_suffix() {
    let docs = render("rbac-namespaced");
    assert!(kinds(&docs, "ClusterRole").is_empty());
    assert!(kinds(&docs, "ClusterRoleBinding").is_empty());
    for role in ROLES {
        let r = get(&docs, "Role", role);
        assert_eq!(str_at(r, "metadata.namespace"), Some(NS));
        let b = get(&docs, "RoleBinding", &format!("{role}-binding"));
        assert_eq!(str_at(b, "metadata.namespace"), Some(NS));
        assert_eq!(str_at(b, "roleRef.kind"), Some("Role"));
        assert_eq!(str_at(b, "roleRef.name"), Some(role));
    }
    let hook_role = "gloo-gateway-secret-create-vwc-update";
    assert!(find(&docs, "Role", hook_role, Some("pre-install")).is_some());
    assert!(find(&docs, "RoleBinding", hook_role, Some("post-install")).is_some());
}

#[test]
fn rbac_name_suffix_replaces_the_namespace_in_cluster_role_names() {
    let docs = render("rbac-name-suffix");
    for role in ROLES {
        let name = format!("{role}-blue");
        let r = get(&docs, "ClusterRole", &name);
        assert!(
            at(r, "metadata.namespace").is_none(),
            "{name} is cluster-scoped"
        );
        let b = get(&docs, "ClusterRoleBinding", &format!("{role}-binding-blue"));
        assert_eq!(str_at(b, "roleRef.name"), Some(name.as_str()));
    }
    assert!(find(
        &docs,
        "ClusterRole",
        "gloo-gateway-secret-create-vwc-update-blue",
        Some("pre-install")
    )
    .is_some());
}

#[test]
fn rbac_create_false_drops_every_role_but_keeps_the_certgen_account() {
    let docs = render("rbac-disabled");
    for kind in ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"] {
        assert!(kinds(&docs, kind).is_empty(), "unexpected {kind}");
    }
    assert!(find(&docs, "ServiceAccount", "certgen", Some("pre-install")).is_some());
    assert!(find(&docs, "Job", "gateway-certgen", Some("pre-install")).is_some());
}

#[test]
fn default_rbac_binds_each_role_to_its_service_accounts() {
    let docs = render("rbac-name-suffix");
    let subjects = |b: &str| -> Vec<String> {
        let doc = get(&docs, "ClusterRoleBinding", b);
        at(doc, "subjects")
            .and_then(Value::as_sequence)
            .map(|s| {
                s.iter()
                    .filter_map(|x| str_at(x, "name").map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        subjects("kube-resource-watcher-binding-blue"),
        ["gloo", "discovery"]
    );
    assert_eq!(
        subjects("settings-user-binding-blue"),
        ["gloo", "gateway", "discovery"]
    );
    assert_eq!(subjects("gloo-resource-mutator-binding-blue"), ["gateway"]);
}

#[test]
fn access_logger_renders_deployment_and_service() {
    let docs = render("access-logger");
    let name = "gateway-proxy-access-logger";
    let d = get(&docs, "Deployment", name);
    assert_eq!(at(d, "spec.replicas"), Some(&yaml("2")));
    // A YAML 1.1 boolean as a label value stays a string.
    assert_eq!(str_at(d, "spec.template.metadata.labels.team"), Some("on"));
    let c = container(d, "access-logger");
    assert_eq!(
        str_at(c, "image"),
        Some("quay.io/solo-io/access-logger:1.5.0")
    );
    assert_eq!(
        env(c, "SERVICE_NAME"),
        Some(&yaml("{name: SERVICE_NAME, value: 'yes'}"))
    );
    assert_eq!(
        env(c, "SERVER_PORT"),
        Some(&yaml("{name: SERVER_PORT, value: '9000'}"))
    );
    assert_eq!(at(c, "ports.0.containerPort"), Some(&yaml("9000")));
    assert_eq!(at(c, "securityContext.runAsUser"), Some(&yaml("10101")));
    let s = get(&docs, "Service", name);
    assert_eq!(at(s, "spec.ports.0.port"), Some(&yaml("9000")));
    assert_eq!(
        at(s, "spec.selector"),
        Some(&yaml("{app: gloo, gloo: gateway-proxy-access-logger}"))
    );
    assert!(find(&render("rbac-disabled"), "Deployment", name, None).is_none());
}

#[test]
fn gateway_disabled_removes_gateway_resources_and_settings_section() {
    let docs = render("gateway-disabled");
    assert!(find(&docs, "Deployment", "gateway", None).is_none());
    assert!(find(&docs, "Service", "gateway", None).is_none());
    assert!(find(&docs, "ServiceAccount", "gateway", None).is_none());
    assert!(kinds(&docs, "ValidatingWebhookConfiguration").is_empty());
    assert!(find(&docs, "Job", "gateway-certgen", Some("pre-install")).is_none());
    assert!(kinds(&docs, "ClusterRole").is_empty());
    let settings = get(&docs, "Settings", "default");
    assert!(at(settings, "spec.gateway").is_none());
    get(&docs, "Deployment", "gloo");
}

#[test]
fn validation_disabled_strips_the_webhook_plumbing() {
    let docs = render("validation-disabled");
    let d = get(&docs, "Deployment", "gateway");
    let c = container(d, "gateway");
    assert!(at(c, "ports").is_none());
    assert!(at(c, "volumeMounts").is_none());
    assert!(at(c, "readinessProbe").is_none());
    assert!(env(c, "VALIDATION_MUST_START").is_none());
    assert!(at(d, "spec.template.spec.volumes").is_none());
    assert!(find(&docs, "Service", "gateway", None).is_none());
    assert!(kinds(&docs, "ValidatingWebhookConfiguration").is_empty());
    assert!(find(&docs, "Job", "gateway-certgen", Some("pre-install")).is_none());
    let settings = get(&docs, "Settings", "default");
    assert_eq!(
        at(settings, "spec.gateway"),
        Some(&yaml("{readGatewaysFromAllNamespaces: false}"))
    );
}

#[test]
fn webhook_disabled_keeps_validation_but_drops_the_configuration() {
    let docs = render("webhook-disabled");
    assert!(kinds(&docs, "ValidatingWebhookConfiguration").is_empty());
    let d = get(&docs, "Deployment", "gateway");
    assert_eq!(
        str_at(d, "spec.template.spec.volumes.0.secret.secretName"),
        Some("my-webhook-certs")
    );
    let job = find(&docs, "Job", "gateway-certgen", Some("pre-install")).expect("certgen job");
    let args = at(container_of_job(job), "args").cloned();
    assert_eq!(
        args,
        Some(yaml(
            "[--secret-name=my-webhook-certs, --svc-name=gateway, \
             --validating-webhook-configuration-name=gloo-gateway-validation-webhook-gloo-system]"
        ))
    );
}

fn container_of_job(job: &Value) -> &Value {
    at(job, "spec.template.spec.containers.0").expect("job container")
}

#[test]
fn webhook_is_admissionregistration_v1_with_the_chosen_failure_policy() {
    let docs = render("certgen-options");
    let hooks = ["pre-install", "post-delete"];
    for hook in hooks {
        let w = find(
            &docs,
            "ValidatingWebhookConfiguration",
            "gloo-gateway-validation-webhook-gloo-system",
            Some(hook),
        )
        .unwrap_or_else(|| panic!("webhook {hook}"));
        assert_eq!(
            str_at(w, "apiVersion"),
            Some("admissionregistration.k8s.io/v1")
        );
        assert_eq!(str_at(w, "webhooks.0.sideEffects"), Some("None"));
        assert_eq!(str_at(w, "webhooks.0.failurePolicy"), Some("Ignore"));
        assert_eq!(
            str_at(w, "webhooks.0.name"),
            Some("gateway.gloo-system.svc")
        );
        let versions = at(w, "webhooks.0.admissionReviewVersions").and_then(Value::as_sequence);
        assert!(versions.is_some_and(|v| v.contains(&yaml("v1"))));
    }
}

#[test]
fn discovery_disabled_removes_discovery_and_its_settings_section() {
    let docs = render("discovery-disabled");
    assert!(find(&docs, "Deployment", "discovery", None).is_none());
    assert!(find(&docs, "ServiceAccount", "discovery", None).is_none());
    let settings = get(&docs, "Settings", "default");
    assert!(at(settings, "spec.discovery").is_none());
    assert_eq!(str_at(settings, "spec.discoveryNamespace"), Some(NS));
}

#[test]
fn stats_follow_global_unless_the_component_overrides() {
    let docs = render("stats-disabled");
    for name in ["gloo", "discovery"] {
        let d = get(&docs, "Deployment", name);
        assert!(
            at(d, "spec.template.metadata.annotations").is_none(),
            "{name}"
        );
        assert!(
            env(container(d, name), "START_STATS_SERVER").is_none(),
            "{name}"
        );
    }
    let gw = get(&docs, "Deployment", "gateway");
    let ann = at(gw, "spec.template.metadata.annotations").expect("gateway keeps stats");
    assert_eq!(ann.get("prometheus.io/port"), Some(&yaml("'9091'")));
    assert!(env(container(gw, "gateway"), "START_STATS_SERVER").is_some());
}

#[test]
fn floating_user_id_omits_fixed_user_and_group() {
    let docs = render("floating-user-id");
    let gloo = get(&docs, "Deployment", "gloo");
    assert!(at(container(gloo, "gloo"), "securityContext.runAsUser").is_none());
    assert_eq!(
        at(container(gloo, "gloo"), "securityContext.runAsNonRoot"),
        Some(&yaml("true"))
    );
    let disc = get(&docs, "Deployment", "discovery");
    assert!(at(container(disc, "discovery"), "securityContext.runAsUser").is_none());
    assert!(at(disc, "spec.template.spec.securityContext").is_none());
    let gw = get(&docs, "Deployment", "gateway");
    assert_eq!(
        at(container(gw, "gateway"), "securityContext.runAsUser"),
        Some(&yaml("2000"))
    );
    let job = find(&docs, "Job", "gateway-certgen", Some("pre-install")).expect("job");
    assert!(at(container_of_job(job), "securityContext.runAsUser").is_none());
}

#[test]
fn image_fields_fall_back_to_global_one_by_one() {
    let docs = render("image-overrides");
    let gloo = get(&docs, "Deployment", "gloo");
    let c = container(gloo, "gloo");
    assert_eq!(
        str_at(c, "image"),
        Some("mirror.example.com/solo/gloo-ee:1.5.0-patch1")
    );
    assert_eq!(str_at(c, "imagePullPolicy"), Some("Never"));
    assert_eq!(
        at(gloo, "spec.template.spec.imagePullSecrets"),
        Some(&yaml("[{name: gloo-pull}]"))
    );
    let disc = get(&docs, "Deployment", "discovery");
    let c = container(disc, "discovery");
    assert_eq!(str_at(c, "image"), Some("quay.io/solo-io/discovery:1.5.0"));
    assert_eq!(str_at(c, "imagePullPolicy"), Some("IfNotPresent"));
    assert_eq!(
        at(disc, "spec.template.spec.imagePullSecrets"),
        Some(&yaml("[{name: global-pull}]"))
    );
    let job = find(&docs, "Job", "gateway-certgen", Some("pre-install")).expect("job");
    assert_eq!(
        at(job, "spec.template.spec.imagePullSecrets"),
        Some(&yaml("[{name: global-pull}]"))
    );
}

#[test]
fn settings_carry_every_option() {
    let docs = render("settings-options");
    let s = get(&docs, "Settings", "default");
    let spec = at(s, "spec").expect("spec");
    assert_eq!(str_at(spec, "discoveryNamespace"), Some("gloo-write"));
    assert_eq!(at(spec, "watchNamespaces"), Some(&yaml("[apps, 'on']")));
    assert_eq!(at(spec, "linkerd"), Some(&yaml("true")));
    assert_eq!(
        at(spec, "gloo"),
        Some(&yaml(
            "{xdsBindAddr: '0.0.0.0:9900', restXdsBindAddr: '0.0.0.0:9976',
              invalidConfigPolicy: {replaceInvalidRoutes: true, invalidRouteResponseCode: 503,
                                    invalidRouteResponseBody: 'broken: see #ops'},
              disableKubernetesDestinations: true, disableProxyGarbageCollection: true,
              awsOptions: {enableCredentialsDiscovey: true}}"
        ))
    );
    assert_eq!(
        at(spec, "gateway"),
        Some(&yaml(
            "{readGatewaysFromAllNamespaces: true,
              validation: {proxyValidationServerAddr: 'gloo:9989', alwaysAccept: false,
                           allowWarnings: false}}"
        ))
    );
    assert_eq!(at(spec, "discovery"), Some(&yaml("{fdsMode: BLACKLIST}")));
    assert_eq!(
        at(spec, "ratelimit"),
        Some(&yaml(
            "{descriptors: [{key: generic_key, value: per-minute}]}"
        ))
    );
    assert_eq!(
        at(spec, "extensions"),
        Some(&yaml("{configs: {custom: {}}}"))
    );
    let svc = get(&docs, "Service", "gloo");
    assert_eq!(at(svc, "spec.ports.0.port"), Some(&yaml("9900")));
    assert_eq!(at(svc, "spec.ports.2.port"), Some(&yaml("9989")));
}

#[test]
fn single_namespace_watches_only_the_release_namespace() {
    let docs = render("settings-single-namespace");
    let s = get(&docs, "Settings", "default");
    assert_eq!(at(s, "spec.watchNamespaces"), Some(&yaml("[gloo-system]")));
    assert_eq!(
        at(s, "spec.gloo.awsOptions"),
        Some(&yaml(
            "{serviceAccountCredentials: {cluster: aws_sts_cluster, uri: sts.eu-west-1.amazonaws.com}}"
        ))
    );
}

#[test]
fn settings_create_false_renders_no_settings() {
    assert!(kinds(&render("settings-not-created"), "Settings").is_empty());
}

#[test]
fn certgen_job_follows_restart_policy_and_ttl_switch() {
    let docs = render("certgen-options");
    let job = find(&docs, "Job", "gateway-certgen", Some("pre-install")).expect("job");
    assert_eq!(
        str_at(job, "spec.template.spec.restartPolicy"),
        Some("Never")
    );
    assert!(at(job, "spec.ttlSecondsAfterFinished").is_none());
    let annotations = at(job, "metadata.annotations").expect("hook annotations");
    assert_eq!(annotations.get("helm.sh/hook-weight"), Some(&yaml("'10'")));
    for hook in ["pre-install", "post-install"] {
        assert!(
            find(&docs, "ServiceAccount", "certgen", Some(hook)).is_some(),
            "ServiceAccount {hook}"
        );
        for kind in ["ClusterRole", "ClusterRoleBinding"] {
            let name = "gloo-gateway-secret-create-vwc-update-gloo-system";
            assert!(
                find(&docs, kind, name, Some(hook)).is_some(),
                "{kind} {hook}"
            );
        }
    }
}

#[test]
fn namespace_and_crds_are_rendered_on_request() {
    let docs = render("namespace-and-crds");
    let ns = find(&docs, "Namespace", NS, Some("pre-install")).expect("namespace");
    assert_eq!(str_at(ns, "metadata.labels.app"), Some("gloo"));
    let crds: Vec<&Value> = docs
        .iter()
        .filter(|d| str_at(d, "kind") == Some("CustomResourceDefinition"))
        .collect();
    let mut names: Vec<&str> = crds
        .iter()
        .filter_map(|c| str_at(c, "metadata.name"))
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "authconfigs.enterprise.gloo.solo.io",
            "gateways.gateway.solo.io",
            "proxies.gloo.solo.io",
            "ratelimitconfigs.ratelimit.solo.io",
            "routetables.gateway.solo.io",
            "settings.gloo.solo.io",
            "upstreamgroups.gloo.solo.io",
            "upstreams.gloo.solo.io",
            "virtualservices.gateway.solo.io",
        ]
    );
    for crd in crds {
        assert_eq!(str_at(crd, "apiVersion"), Some("apiextensions.k8s.io/v1"));
        assert_eq!(
            str_at(crd, "spec.versions.0.schema.openAPIV3Schema.type"),
            Some("object")
        );
    }
    let plain = render("certgen-options");
    assert!(kinds(&plain, "Namespace").is_empty());
    assert!(kinds(&plain, "CustomResourceDefinition").is_empty());
}

#[test]
fn service_account_annotations_and_automount() {
    let docs = render("service-accounts");
    let gloo = get(&docs, "ServiceAccount", "gloo");
    assert_eq!(
        at(gloo, "metadata.annotations"),
        Some(&yaml(
            "{eks.amazonaws.com/role-arn: 'arn:aws:iam::123456789012:role/gloo'}"
        ))
    );
    assert_eq!(
        at(gloo, "automountServiceAccountToken"),
        Some(&yaml("false"))
    );
    let disc = get(&docs, "ServiceAccount", "discovery");
    assert_eq!(
        at(disc, "metadata.annotations"),
        Some(&yaml("{note: 'on'}"))
    );
    assert!(at(disc, "automountServiceAccountToken").is_none());
    let gw = get(&docs, "ServiceAccount", "gateway");
    assert_eq!(at(gw, "automountServiceAccountToken"), Some(&yaml("false")));
    assert!(at(gw, "metadata.annotations").is_none());
}

#[test]
fn deployment_overrides_reach_the_pods() {
    let docs = render("deployment-overrides");
    let gloo = get(&docs, "Deployment", "gloo");
    assert_eq!(at(gloo, "spec.replicas"), Some(&yaml("3")));
    assert_eq!(
        at(gloo, "spec.template.metadata.labels"),
        Some(&yaml("{gloo: gloo, tier: '8081'}"))
    );
    let c = container(gloo, "gloo");
    assert_eq!(
        at(c, "resources"),
        Some(&yaml("{limits: {cpu: '2', memory: 1Gi}}"))
    );
    let names: Vec<&str> = at(c, "env")
        .and_then(Value::as_sequence)
        .map(|e| e.iter().filter_map(|v| str_at(v, "name")).collect())
        .unwrap_or_default();
    assert_eq!(
        names,
        [
            "LOG_LEVEL",
            "POD_NAMESPACE",
            "START_STATS_SERVER",
            "DISABLE_USAGE_REPORTING"
        ]
    );
    assert_eq!(
        env(c, "LOG_LEVEL"),
        Some(&yaml("{name: LOG_LEVEL, value: 'debug: all'}"))
    );
    let svc = get(&docs, "Service", "gloo");
    assert_eq!(str_at(svc, "spec.externalTrafficPolicy"), Some("Local"));
    let disc = get(&docs, "Deployment", "discovery");
    assert_eq!(at(disc, "spec.replicas"), Some(&yaml("2")));
    assert_eq!(
        at(disc, "spec.template.spec.securityContext"),
        Some(&yaml("{fsGroup: 3000}"))
    );
    assert_eq!(
        at(container(disc, "discovery"), "resources"),
        Some(&yaml("{requests: {cpu: 100m}}"))
    );
    let gw = get(&docs, "Deployment", "gateway");
    assert_eq!(str_at(gw, "spec.template.metadata.labels.zone"), Some("a"));
    assert_eq!(
        env(container(gw, "gateway"), "SPECIAL"),
        Some(&yaml("{name: SPECIAL, value: 'yes'}"))
    );
    assert!(at(container(gw, "gateway"), "resources").is_none());
}
