//! `istioMtls`: this tool's own values (not the upstream chart's) for the resources the Istio
//! mTLS guide creates by hand: Upstreams with the SDS `sslConfig`, Istio PeerAuthentications and
//! routes to the mTLS Upstreams.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::common::Labels;

/// Pattern of a DNS-1123 label: lower-case letters, digits and `-`, starting and ending with a
/// letter or digit.
pub const DNS1123_LABEL: &str = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

/// Pattern of a DNS-1123 subdomain: dot-separated DNS-1123 labels.
pub const DNS1123_SUBDOMAIN: &str =
    "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/// Resources for Istio mTLS between the gateway proxies and services in the mesh. They need
/// `global.istioSDS.enabled: true` to work.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IstioMtls {
    /// Gloo Upstreams that reach a Kubernetes service with Istio mTLS certificates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upstreams: Vec<MtlsUpstream>,
    /// Istio PeerAuthentication policies that set the mTLS mode of workloads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub peer_authentications: Vec<PeerAuthentication>,
    /// Routes that send a path prefix to an mTLS Upstream, as `glooctl add route` creates them:
    /// routes with the same name form one VirtualService for every domain (`*`), in the order
    /// written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<MtlsRoute>,
}

/// A Gloo Upstream for one port of a Kubernetes service, with an `sslConfig` that takes its
/// certificates from the SDS sidecar.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MtlsUpstream {
    /// Name of the Upstream resource (a DNS-1123 label, e.g. `default-productpage-9080`).
    #[schemars(regex(pattern = DNS1123_LABEL), length(min = 1, max = 63))]
    pub name: String,
    /// Name of the Kubernetes Service the Upstream points at.
    #[schemars(regex(pattern = DNS1123_LABEL), length(min = 1, max = 63))]
    pub service_name: String,
    /// Namespace of that Service.
    #[schemars(regex(pattern = DNS1123_LABEL), length(min = 1, max = 63))]
    pub service_namespace: String,
    /// Port of that Service.
    #[schemars(range(min = 1, max = 65535))]
    pub service_port: u32,
    /// Pod labels that select the service's endpoints; defaults to the Service's own selector.
    pub selector: Option<Labels>,
}

/// An Istio `PeerAuthentication` (security.istio.io/v1beta1).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PeerAuthentication {
    /// Name of the policy (a DNS-1123 subdomain).
    #[schemars(regex(pattern = DNS1123_SUBDOMAIN), length(min = 1, max = 253))]
    pub name: String,
    /// Namespace the policy applies to (`istio-system` for the whole mesh).
    #[schemars(regex(pattern = DNS1123_LABEL), length(min = 1, max = 63))]
    pub namespace: String,
    /// Workload labels the policy is limited to (`matchLabels`); without it the policy covers
    /// the whole namespace.
    pub selector: Option<Labels>,
    /// mTLS mode of the selected workloads.
    pub mode: MtlsMode,
}

/// Istio mTLS mode: `STRICT` accepts only mTLS, `PERMISSIVE` accepts mTLS and plain text,
/// `DISABLE` turns mTLS off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MtlsMode {
    Strict,
    Permissive,
    Disable,
}

/// A route from a path prefix to an mTLS Upstream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MtlsRoute {
    /// Name of the VirtualService the route belongs to (a DNS-1123 name); routes sharing it share
    /// the virtual service.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Request path prefix the route matches; must start with `/`.
    #[serde(default = "root_path")]
    #[schemars(regex(pattern = "^/"))]
    pub path_prefix: String,
    /// Name of the `istioMtls.upstreams` entry the route sends traffic to.
    #[schemars(length(min = 1))]
    pub upstream: String,
}

fn root_path() -> String {
    "/".to_owned()
}
