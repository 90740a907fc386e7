//! `global.*` (settings every component reads: image defaults, RBAC, mTLS, Istio SDS) and the
//! small top-level switches `namespace`, `crds` and `k8s`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use k8s_openapi::api::core::v1::Container;

use super::common::{Image, Toggle};

/// Values every component of the chart reads.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Global {
    /// Image defaults for every container: a component's own image fields take precedence.
    pub image: Option<Image>,
    /// Free-form settings for chart extensions.
    pub extensions: Option<serde_json::Value>,
    /// RBAC resources of the install.
    pub gloo_rbac: Option<GlooRbac>,
    /// WebAssembly filter support in the gateway proxies (experimental).
    pub wasm: Option<Toggle>,
    /// Prometheus scraping of every component that does not set its own `stats.enabled`.
    pub gloo_stats: Option<Toggle>,
    /// Gloo's own mTLS between the proxies and the gloo xDS server, with an SDS sidecar and an
    /// envoy sidecar in the gloo pod.
    pub gloo_mtls: Option<GlooMtls>,
    /// Istio mTLS for the gateway proxies: an SDS sidecar feeds envoy the certificates an
    /// istio-proxy sidecar writes, so the proxies can call services inside the mesh.
    #[serde(rename = "istioSDS")]
    pub istio_sds: Option<IstioSds>,
}

/// Roles and bindings the chart creates.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GlooRbac {
    /// Creates the Roles/ClusterRoles and their bindings.
    pub create: Option<bool>,
    /// Uses namespaced Roles instead of ClusterRoles (for single-namespace installs).
    pub namespaced: Option<bool>,
    /// Suffix appended to the names of cluster-wide RBAC resources, so two installs can coexist.
    pub name_suffix: Option<String>,
}

/// Gloo's internal mTLS.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GlooMtls {
    /// Encrypts and authenticates xDS traffic between the proxies and gloo.
    pub enabled: Option<bool>,
    /// The SDS sidecar that serves the mTLS certificates.
    pub sds: Option<ImageHolder>,
    /// The envoy sidecar that terminates mTLS in front of the gloo xDS server.
    pub envoy: Option<ImageHolder>,
}

/// A sidecar whose only setting is its image.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageHolder {
    /// Image of the sidecar.
    pub image: Option<Image>,
}

/// Istio SDS integration of the gateway proxies.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IstioSds {
    /// Adds the SDS sidecar, an istio-proxy sidecar and the `gateway_proxy_sds` cluster to every
    /// gateway proxy, so Upstreams can use Istio mTLS certificates.
    pub enabled: Option<bool>,
    /// Containers that replace the default istio-proxy sidecar (for a different Istio
    /// version, JWT policy or discovery address). Each is a full Kubernetes container spec; when
    /// the list is non-empty the chart's own istio-proxy sidecar is left out.
    pub custom_sidecars: Option<Vec<Container>>,
}

/// Creation of the install namespace.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NamespaceValues {
    /// Creates the release namespace as part of the chart.
    pub create: Option<bool>,
}

/// Installation of Gloo's CustomResourceDefinitions.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Crds {
    /// Renders the CRDs as templates (with a hook) instead of relying on the chart's `crds/`
    /// directory.
    pub create: Option<bool>,
}

/// Facts about the Kubernetes cluster.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct K8s {
    /// DNS domain of the cluster, used to build service addresses such as
    /// `gloo.gloo-system.svc.cluster.local`.
    pub cluster_name: Option<String>,
}
