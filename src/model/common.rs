//! Building blocks that several components of the chart share: container images, resource
//! requests, service accounts, and the small enums Kubernetes restricts.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

/// String keys to string values (a ConfigMap's entries).
pub type StringMap = BTreeMap<String, String>;

/// Pattern of a Kubernetes qualified name, the key of a label or an annotation: an optional
/// DNS-1123 subdomain and `/`, then a name of at most 63 letters, digits, `-`, `_` and `.` that
/// starts and ends with a letter or digit.
pub const QUALIFIED_NAME: &str = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

/// Pattern of a qualified name's prefix longer than a DNS subdomain may be (253 characters).
pub const LONG_PREFIX: &str = "^[^/]{254,}/";

/// Pattern of a label value: empty, or at most 63 letters, digits, `-`, `_` and `.` that start
/// and end with a letter or digit.
pub const LABEL_VALUE: &str = "^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$";

/// The schema of a map from qualified names to strings that fit `value`: labels and
/// annotations. The API server refuses any other key (so does Helm, with the chart's schema,
/// before installing); the renderer relies on keys being short plain scalars.
fn qualified_map(value: serde_json::Value) -> Schema {
    json_schema!({
        "type": "object",
        "propertyNames": { "pattern": QUALIFIED_NAME, "not": { "pattern": LONG_PREFIX } },
        "additionalProperties": value
    })
}

/// Kubernetes labels, or a selector of them (`nodeSelector`, a Service's or workload's
/// selector): qualified names to label values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Labels(pub BTreeMap<String, String>);

impl JsonSchema for Labels {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Labels".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        qualified_map(serde_json::json!({ "type": "string", "pattern": LABEL_VALUE }))
    }
}

/// Kubernetes annotations: qualified names to any text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Annotations(pub BTreeMap<String, String>);

impl JsonSchema for Annotations {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Annotations".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        qualified_map(serde_json::json!({ "type": "string" }))
    }
}

/// One environment variable for a container, exactly as in a Kubernetes container spec
/// (`name` plus either `value` or `valueFrom`).
pub type EnvVar = k8s_openapi::api::core::v1::EnvVar;

/// A container image, assembled as `REGISTRY/REPOSITORY:TAG`. Fields left unset fall back to
/// `global.image`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Image {
    /// Image tag. The chart's own images are tagged with the chart version.
    pub tag: Option<String>,
    /// Image name within the registry, e.g. `gloo-envoy-wrapper`.
    pub repository: Option<String>,
    /// Registry host and path prefix; `global.image.registry` is used when this is empty.
    pub registry: Option<String>,
    /// When the kubelet pulls the image; `global.image.pullPolicy` is used when this is empty.
    pub pull_policy: Option<PullPolicy>,
    /// Name of an image pull secret added to the pod's `imagePullSecrets`.
    pub pull_secret: Option<String>,
}

/// When the kubelet pulls a container image: `Always`, `IfNotPresent` or `Never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PullPolicy {
    Always,
    IfNotPresent,
    Never,
}

/// Prometheus scraping switch for one component.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Stats {
    /// Adds the `prometheus.io/*` scrape annotations (and the stats port) to the pods; unset
    /// follows `global.glooStats.enabled`.
    pub enabled: Option<bool>,
}

/// A plain on/off switch.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Toggle {
    /// Turns the feature on (`true`) or off (`false`).
    pub enabled: Option<bool>,
}

/// Options for the ServiceAccount a component runs as.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceAccount {
    /// Annotations added to the ServiceAccount, e.g. for cloud IAM role bindings.
    pub extra_annotations: Option<Annotations>,
    /// Sets `automountServiceAccountToken: false` on the ServiceAccount.
    pub disable_automount: Option<bool>,
}

/// CPU and memory requests and limits of a container.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resources {
    /// Upper bounds the container may not exceed.
    pub limits: Option<ResourceList>,
    /// Amounts the scheduler reserves for the container.
    pub requests: Option<ResourceList>,
}

/// Amounts of CPU and memory.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceList {
    /// Memory as a Kubernetes quantity, e.g. `256Mi` or `1Gi`.
    pub memory: Option<Quantity>,
    /// CPU as a Kubernetes quantity, e.g. `500m` or `"2"`.
    pub cpu: Option<Quantity>,
}

/// A Kubernetes quantity (`500m`, `1Gi`, `2`). It keeps the YAML type it was written with, so a
/// number stays a number in the rendered manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Quantity {
    Text(String),
    Number(serde_json::Number),
}

impl JsonSchema for Quantity {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number"] })
    }
}

/// How a Service is exposed: `ClusterIP`, `NodePort`, `LoadBalancer` or `ExternalName`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ServiceType {
    ClusterIP,
    NodePort,
    LoadBalancer,
    ExternalName,
}

/// Where external traffic to a Service goes: `Local` keeps it on the receiving node (and keeps
/// the client source address), `Cluster` spreads it over all nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ExternalTrafficPolicy {
    Local,
    Cluster,
}

/// A Service of one of the optional proxies (knative, ingress): type, annotations and a fixed
/// load balancer address.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SimpleService {
    /// Kubernetes Service type.
    #[serde(rename = "type")]
    pub kind: Option<ServiceType>,
    /// Annotations added to the Service, e.g. cloud load balancer settings.
    pub extra_annotations: Option<Annotations>,
    /// Requested load balancer IP (only for `LoadBalancer` Services on clouds that support it).
    #[serde(rename = "loadBalancerIP")]
    pub load_balancer_ip: Option<String>,
}

/// A ConfigMap whose entries a template fills.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigMapValues {
    /// Entries (file name → content) for the ConfigMap, written as given.
    pub data: Option<StringMap>,
}
