//! The control-plane components of the chart (gloo, discovery, gateway, access logger) and the
//! ingress-mode components (ingress, ingressProxy), which are modelled but stay disabled.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::common::{
    Annotations, ConfigMapValues, EnvVar, ExternalTrafficPolicy, Image, Labels, Resources,
    ServiceAccount, SimpleService, Stats, Toggle,
};
use super::settings::only_false;

/// The `gloo` control plane: translates Gloo resources into envoy configuration and serves it
/// over xDS.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Gloo {
    /// The gloo Deployment.
    pub deployment: Option<GlooDeployment>,
    /// The gloo ServiceAccount.
    pub service_account: Option<ServiceAccount>,
}

/// The gloo Deployment and its Service ports.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GlooDeployment {
    /// Image of the gloo container.
    pub image: Option<Image>,
    /// Port of the gRPC xDS server the proxies fetch their configuration from.
    #[schemars(range(min = 1, max = 65535))]
    pub xds_port: Option<u32>,
    /// Port of gloo's REST xDS server.
    #[schemars(range(min = 1, max = 65535))]
    pub rest_xds_port: Option<u32>,
    /// Port of the validation server the gateway component calls before accepting resources.
    #[schemars(range(min = 1, max = 65535))]
    pub validation_port: Option<u32>,
    /// Prometheus scraping of gloo.
    pub stats: Option<Stats>,
    /// Leaves `runAsUser` unset so the platform picks the user (needed on OpenShift).
    pub floating_user_id: Option<bool>,
    /// User ID the gloo container runs as.
    #[schemars(range(min = 0))]
    pub run_as_user: Option<u64>,
    /// `externalTrafficPolicy` of the gloo Service.
    pub external_traffic_policy: Option<ExternalTrafficPolicy>,
    /// Turns off gloo's anonymous usage statistics reporting.
    pub disable_usage_statistics: Option<bool>,
    /// Labels added to the gloo pods.
    pub extra_gloo_labels: Option<Labels>,
    /// Number of gloo pods.
    #[schemars(range(min = 0))]
    pub replicas: Option<u32>,
    /// Extra environment variables for the gloo container.
    pub custom_env: Option<Vec<EnvVar>>,
    /// CPU and memory of the gloo container.
    pub resources: Option<Resources>,
    /// Present (empty) in the upstream defaults; the gloo ServiceAccount is configured under
    /// `gloo.serviceAccount`.
    pub service_account: Option<ServiceAccount>,
}

/// Discovery: finds Kubernetes services (and their functions) and writes Upstreams for them.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Discovery {
    /// The discovery Deployment.
    pub deployment: Option<DiscoveryDeployment>,
    /// Function discovery mode: `WHITELIST` inspects only services labelled for it,
    /// `BLACKLIST` all but those labelled out, `DISABLED` none.
    pub fds_mode: Option<FdsMode>,
    /// Deploys discovery.
    pub enabled: Option<bool>,
    /// The discovery ServiceAccount.
    pub service_account: Option<ServiceAccount>,
}

/// Function discovery mode: `WHITELIST`, `BLACKLIST` or `DISABLED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FdsMode {
    Whitelist,
    Blacklist,
    Disabled,
}

/// The discovery Deployment.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiscoveryDeployment {
    /// Image of the discovery container.
    pub image: Option<Image>,
    /// Prometheus scraping of discovery.
    pub stats: Option<Stats>,
    /// Leaves `runAsUser` unset so the platform picks the user (needed on OpenShift).
    pub floating_user_id: Option<bool>,
    /// User ID the discovery container runs as.
    #[schemars(range(min = 0))]
    pub run_as_user: Option<u64>,
    /// Group ID that owns the pod's volumes.
    #[schemars(range(min = 0))]
    pub fs_group: Option<u64>,
    /// Labels added to the discovery pods.
    pub extra_discovery_labels: Option<Labels>,
    /// Number of discovery pods.
    #[schemars(range(min = 0))]
    pub replicas: Option<u32>,
    /// Extra environment variables for the discovery container.
    pub custom_env: Option<Vec<EnvVar>>,
    /// CPU and memory of the discovery container.
    pub resources: Option<Resources>,
}

/// The gateway component: turns Gateways and VirtualServices into Proxies, and validates them
/// through an admission webhook.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Gateway {
    /// Deploys the gateway component and the gateway proxies (gateway mode).
    pub enabled: Option<bool>,
    /// Resource validation and its admission webhook.
    pub validation: Option<GatewayValidation>,
    /// The gateway Deployment.
    pub deployment: Option<GatewayDeployment>,
    /// The Job that creates the webhook's TLS certificate.
    pub cert_gen_job: Option<CertGenJob>,
    /// Lets a helper template adjust the values while rendering (a hook for chart extensions).
    pub update_values: Option<bool>,
    /// The ServiceAccount of the gateway proxies.
    pub proxy_service_account: Option<ServiceAccount>,
    /// The ServiceAccount of the gateway component.
    pub service_account: Option<ServiceAccount>,
    /// Reads Gateway resources from every watched namespace, not only the write namespace.
    pub read_gateways_from_all_namespaces: Option<bool>,
}

/// Validation of Gloo resources before they are accepted.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewayValidation {
    /// Turns resource validation on.
    pub enabled: Option<bool>,
    /// Accepts resources even when validation fails (the errors are only reported).
    pub always_accept_resources: Option<bool>,
    /// Accepts resources whose validation produced warnings only.
    pub allow_warnings: Option<bool>,
    /// Name of the Secret holding the webhook's TLS certificate.
    pub secret_name: Option<String>,
    /// What the API server does when the webhook cannot be reached: `Ignore` or `Fail`.
    pub failure_policy: Option<FailurePolicy>,
    /// The ValidatingWebhookConfiguration.
    pub webhook: Option<Toggle>,
}

/// Admission webhook failure policy: `Ignore` or `Fail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum FailurePolicy {
    Ignore,
    Fail,
}

/// The gateway Deployment.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewayDeployment {
    /// Image of the gateway container.
    pub image: Option<Image>,
    /// Prometheus scraping of the gateway component.
    pub stats: Option<Stats>,
    /// Leaves `runAsUser` unset so the platform picks the user (needed on OpenShift).
    pub floating_user_id: Option<bool>,
    /// User ID the gateway container runs as.
    #[schemars(range(min = 0))]
    pub run_as_user: Option<u64>,
    /// Labels added to the gateway pods.
    pub extra_gateway_labels: Option<Labels>,
    /// Number of gateway pods.
    #[schemars(range(min = 0))]
    pub replicas: Option<u32>,
    /// Extra environment variables for the gateway container.
    pub custom_env: Option<Vec<EnvVar>>,
    /// CPU and memory of the gateway container.
    pub resources: Option<Resources>,
}

/// The certgen Job, run as a Helm hook, that writes the webhook certificate Secret and patches
/// the webhook's CA bundle.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CertGenJob {
    /// Image of the certgen container.
    pub image: Option<Image>,
    /// Restart policy of the Job's pod: `OnFailure` or `Never`.
    pub restart_policy: Option<JobRestartPolicy>,
    /// Runs the Job.
    pub enabled: Option<bool>,
    /// Sets `ttlSecondsAfterFinished` so Kubernetes removes the finished Job.
    pub set_ttl_after_finished: Option<bool>,
    /// Seconds after which a finished Job is removed.
    #[schemars(range(min = 0))]
    pub ttl_seconds_after_finished: Option<u32>,
    /// Leaves `runAsUser` unset so the platform picks the user (needed on OpenShift).
    pub floating_user_id: Option<bool>,
    /// User ID the certgen container runs as.
    #[schemars(range(min = 0))]
    pub run_as_user: Option<u64>,
}

/// Restart policy of a Job's pod: `OnFailure` or `Never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum JobRestartPolicy {
    OnFailure,
    Never,
}

/// The gRPC access log service that envoy streams access logs to.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessLogger {
    /// Image of the access logger container.
    pub image: Option<Image>,
    /// Port the access logger listens on.
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u32>,
    /// Name of the access logger Service.
    pub service_name: Option<String>,
    /// Deploys the access logger and points the gateway proxies at it.
    pub enabled: Option<bool>,
    /// Prometheus scraping of the access logger.
    pub stats: Option<Stats>,
    /// User ID the access logger container runs as.
    #[schemars(range(min = 0))]
    pub run_as_user: Option<u64>,
    /// Group ID that owns the pod's volumes.
    #[schemars(range(min = 0))]
    pub fs_group: Option<u64>,
    /// Labels added to the access logger pods.
    pub extra_access_logger_labels: Option<Labels>,
    /// Number of access logger pods.
    #[schemars(range(min = 0))]
    pub replicas: Option<u32>,
    /// Extra environment variables for the access logger container.
    pub custom_env: Option<Vec<EnvVar>>,
    /// CPU and memory of the access logger container.
    pub resources: Option<Resources>,
}

/// Gloo as a Kubernetes Ingress controller. The values are modelled, but this tool generates
/// gateway-mode installs only, so `enabled` must stay `false`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ingress {
    /// Deploys the ingress controller. Only `false` is accepted: this tool generates
    /// gateway-mode installs only.
    #[serde(default)]
    #[schemars(schema_with = "only_false")]
    pub enabled: Option<bool>,
    /// The ingress controller Deployment.
    pub deployment: Option<IngressDeployment>,
    /// Only handles Ingresses whose class annotation names Gloo.
    pub require_ingress_class: Option<bool>,
    /// Uses a custom ingress class value instead of `gloo`.
    pub custom_ingress_class: Option<bool>,
}

/// The ingress controller Deployment.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IngressDeployment {
    /// Image of the ingress container.
    pub image: Option<Image>,
    /// User ID the ingress container runs as.
    #[schemars(range(min = 0))]
    pub run_as_user: Option<u64>,
    /// Leaves `runAsUser` unset so the platform picks the user (needed on OpenShift).
    pub floating_user_id: Option<bool>,
    /// Labels added to the ingress pods.
    pub extra_ingress_labels: Option<Labels>,
    /// Number of ingress pods.
    #[schemars(range(min = 0))]
    pub replicas: Option<u32>,
    /// Extra environment variables for the ingress container.
    pub custom_env: Option<Vec<EnvVar>>,
    /// CPU and memory of the ingress container.
    pub resources: Option<Resources>,
}

/// The envoy proxy that serves Kubernetes Ingress traffic (ingress mode only).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IngressProxy {
    /// The ingress proxy Deployment.
    pub deployment: Option<IngressProxyDeployment>,
    /// The ingress proxy's envoy ConfigMap.
    pub config_map: Option<ConfigMapValues>,
    /// Envoy tracing configuration (YAML text) inserted into the proxy's bootstrap.
    pub tracing: Option<String>,
    /// Loopback address envoy uses for its admin listener (`127.0.0.1`, or `::1` on IPv6-only
    /// clusters).
    pub loop_back_address: Option<String>,
    /// Value of the `gloo` label on the ingress proxy resources, also used in their names.
    pub label: Option<String>,
    /// The Service in front of the ingress proxy.
    pub service: Option<SimpleService>,
}

/// The ingress proxy Deployment.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IngressProxyDeployment {
    /// Envoy image of the ingress proxy.
    pub image: Option<Image>,
    /// Container port for plain HTTP.
    #[schemars(range(min = 1, max = 65535))]
    pub http_port: Option<u32>,
    /// Container port for HTTPS.
    #[schemars(range(min = 1, max = 65535))]
    pub https_port: Option<u32>,
    /// Extra container ports, written as Kubernetes `ContainerPort` objects.
    pub extra_ports: Option<Vec<serde_json::Value>>,
    /// Annotations added to the ingress proxy pods.
    pub extra_annotations: Option<Annotations>,
    /// Leaves `runAsUser` unset so the platform picks the user (needed on OpenShift).
    pub floating_user_id: Option<bool>,
    /// User ID the ingress proxy container runs as.
    #[schemars(range(min = 0))]
    pub run_as_user: Option<u64>,
    /// Labels added to the ingress proxy pods.
    pub extra_ingress_proxy_labels: Option<Labels>,
    /// Number of ingress proxy pods.
    #[schemars(range(min = 0))]
    pub replicas: Option<u32>,
    /// Extra environment variables for the ingress proxy container.
    pub custom_env: Option<Vec<EnvVar>>,
    /// CPU and memory of the ingress proxy container.
    pub resources: Option<Resources>,
}
