//! `settings.*`: the Gloo Settings resource and its integrations (knative included, modelled
//! in full even though this tool only generates gateway-mode installs).

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::common::{EnvVar, Image, Labels, Resources, SimpleService};

/// Gloo's `Settings` custom resource: which namespaces Gloo watches and writes to, how it treats
/// invalid configuration, and optional integrations.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    /// Namespaces Gloo watches for its resources and for services to discover; empty means all
    /// namespaces.
    pub watch_namespaces: Option<Vec<String>>,
    /// Namespace where Gloo writes the resources it generates (Proxies, discovered Upstreams);
    /// defaults to the release namespace.
    pub write_namespace: Option<String>,
    /// Integrations with other systems.
    pub integrations: Option<Integrations>,
    /// Creates the `default` Settings resource. Turn off only when the resource is managed
    /// elsewhere.
    pub create: Option<bool>,
    /// Free-form extension settings copied into the Settings resource.
    pub extensions: Option<serde_json::Value>,
    /// Restricts Gloo to the release namespace (namespaced RBAC, watches only that namespace).
    pub single_namespace: Option<bool>,
    /// What Gloo does with routes whose configuration is invalid.
    pub invalid_config_policy: Option<InvalidConfigPolicy>,
    /// Enables the Linkerd integration: requests to upstreams get the `l5d-dst-override` header.
    pub linkerd: Option<bool>,
    /// Keeps Proxy resources that no Gateway refers to any more, instead of deleting them.
    pub disable_proxy_garbage_collection: Option<bool>,
    /// Stops Gloo from routing to Kubernetes Services directly; only Upstreams are used.
    pub disable_kubernetes_destinations: Option<bool>,
    /// Credentials Gloo uses for AWS Lambda upstreams.
    pub aws: Option<AwsSettings>,
    /// Free-form rate limit settings copied into the Settings resource.
    pub rate_limit: Option<serde_json::Value>,
}

/// Replacement of invalid routes with a fixed direct response.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InvalidConfigPolicy {
    /// Serves invalid routes with the response below instead of rejecting the whole listener.
    pub replace_invalid_routes: Option<bool>,
    /// HTTP status code sent for a replaced route.
    #[schemars(range(min = 100, max = 599))]
    pub invalid_route_response_code: Option<u32>,
    /// Body sent for a replaced route.
    pub invalid_route_response_body: Option<String>,
}

/// How Gloo gets AWS credentials.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AwsSettings {
    /// Lets Gloo look up AWS credentials from its environment when an Upstream names none.
    pub enable_credentials_discovery: Option<bool>,
    /// Uses the pod's service account (IRSA, web identity tokens) for AWS credentials.
    pub enable_service_account_credentials: Option<bool>,
    /// AWS region of the STS endpoint used with service account credentials.
    pub sts_credentials_region: Option<String>,
}

/// Integrations with other systems.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Integrations {
    /// Knative Serving integration (Gloo as the Knative ingress).
    pub knative: Option<Knative>,
}

/// Schema of a switch this tool keeps off: only `false` is accepted.
pub(crate) fn only_false(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "enum": [false] })
}

/// Gloo as the ingress for Knative Serving. The values are modelled, but this tool generates
/// gateway-mode installs only, so `enabled` must stay `false`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Knative {
    /// Installs the knative ingress proxy. Only `false` is accepted: this tool generates
    /// gateway-mode installs only.
    #[serde(default)]
    #[schemars(schema_with = "only_false")]
    pub enabled: Option<bool>,
    /// Knative Serving version in the cluster; it decides which knative proxy resources the
    /// chart would create.
    pub version: Option<String>,
    /// The knative ingress proxy deployment and service.
    pub proxy: Option<KnativeProxy>,
    /// Only handles Knative ingresses that carry the Gloo ingress class annotation.
    pub require_ingress_class: Option<bool>,
    /// Labels added to the internal knative proxy resources.
    pub extra_knative_internal_labels: Option<Labels>,
    /// Labels added to the external knative proxy resources.
    pub extra_knative_external_labels: Option<Labels>,
}

/// The envoy proxy that serves Knative traffic.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KnativeProxy {
    /// Envoy image of the knative proxy.
    pub image: Option<Image>,
    /// Container port for plain HTTP.
    #[schemars(range(min = 1, max = 65535))]
    pub http_port: Option<u32>,
    /// Container port for HTTPS.
    #[schemars(range(min = 1, max = 65535))]
    pub https_port: Option<u32>,
    /// Envoy tracing configuration (YAML text) inserted into the proxy's bootstrap.
    pub tracing: Option<String>,
    /// Loopback address envoy uses for its admin listener (`127.0.0.1`, or `::1` on IPv6-only
    /// clusters).
    pub loop_back_address: Option<String>,
    /// Labels added to the knative proxy pods.
    pub extra_cluster_ingress_proxy_labels: Option<Labels>,
    /// Number of proxy pods.
    #[schemars(range(min = 0))]
    pub replicas: Option<u32>,
    /// Extra environment variables for the proxy container.
    pub custom_env: Option<Vec<EnvVar>>,
    /// CPU and memory of the proxy container.
    pub resources: Option<Resources>,
    /// The Service in front of the knative proxy.
    pub service: Option<SimpleService>,
}
