//! `gatewayProxies.NAME`: one envoy gateway proxy (Deployment or DaemonSet, its Service, its
//! bootstrap ConfigMap and its Gateways).
//!
//! Helm merges the chart defaults only into the `gatewayProxy` entry; any other proxy name gets
//! exactly what the user writes. So every field here is optional, and the defaults of
//! `gatewayProxy` live in `Values::default()`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use k8s_openapi::api::core::v1::{ExecAction, HTTPGetAction, TCPSocketAction, Toleration};

use super::common::{
    Annotations, ConfigMapValues, EnvVar, ExternalTrafficPolicy, Image, Labels, Resources,
    ServiceType, Stats,
};

/// One gateway proxy: envoy pods, their Service and their default Gateways. The map key is the
/// proxy's name; it is turned into kebab-case for resource names (`gatewayProxy` →
/// `gateway-proxy`).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewayProxy {
    /// Whether the proxy runs as a Deployment or a DaemonSet (set exactly one).
    pub kind: Option<ProxyKind>,
    /// The proxy pods: image, ports, scheduling, security and probes.
    pub pod_template: Option<PodTemplate>,
    /// The ConfigMap holding the proxy's envoy bootstrap configuration.
    pub config_map: Option<ConfigMapValues>,
    /// Maximum number of downstream connections envoy accepts across all listeners.
    #[schemars(range(min = 0))]
    pub global_downstream_max_connections: Option<u32>,
    /// The Service in front of the proxy.
    pub service: Option<ProxyService>,
    /// Adds a pod anti-affinity so the proxy pods prefer different nodes.
    pub anti_affinity: Option<bool>,
    /// Envoy tracing set up in the proxy's bootstrap.
    pub tracing: Option<ProxyTracing>,
    /// The Gateway resources generated for this proxy.
    pub gateway_settings: Option<GatewaySettings>,
    /// Extra command-line arguments for envoy.
    pub extra_envoy_args: Option<Vec<String>>,
    /// Name of a named template whose output is added to the pod's containers.
    pub extra_containers_helper: Option<String>,
    /// Name of a named template whose output is added to the pod's init containers.
    pub extra_init_containers_helper: Option<String>,
    /// Name of a named template whose output is added to the pod's volumes.
    pub extra_volume_helper: Option<String>,
    /// Name of a named template whose output is added to envoy's static listeners.
    pub extra_listeners_helper: Option<String>,
    /// Prometheus scraping of the proxy (envoy's stats on the admin port).
    pub stats: Option<Stats>,
    /// Exposes envoy's read-only admin endpoints (config dump, stats) on a separate listener.
    pub read_config: Option<bool>,
    /// Name of a named template whose output is added to the envoy container's volume mounts.
    pub extra_proxy_volume_mount_helper: Option<String>,
    /// Loopback address envoy uses for its admin listener and local clusters (`127.0.0.1`, or
    /// `::1` on IPv6-only clusters). The Istio SDS cluster is reached on this address too.
    pub loop_back_address: Option<String>,
    /// Failover listener used by Gloo Federation to route to other clusters over mTLS.
    pub failover: Option<Failover>,
    /// Renders nothing for this proxy: no pods, Service, ConfigMap or Gateways.
    pub disabled: Option<bool>,
}

/// The workload kind of a proxy.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProxyKind {
    /// Runs the proxy as a Deployment.
    pub deployment: Option<ProxyDeploymentKind>,
    /// Runs the proxy as a DaemonSet, one pod per node.
    pub daemon_set: Option<ProxyDaemonSetKind>,
}

/// Deployment settings of a proxy.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProxyDeploymentKind {
    /// Number of proxy pods.
    #[schemars(range(min = 0))]
    pub replicas: Option<u32>,
    /// Extra environment variables for the envoy container.
    pub custom_env: Option<Vec<EnvVar>>,
}

/// DaemonSet settings of a proxy.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProxyDaemonSetKind {
    /// Binds the HTTP and HTTPS ports on each node's own address (`hostPort`).
    pub host_port: Option<bool>,
}

/// The proxy pods.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodTemplate {
    /// Envoy image of the proxy.
    pub image: Option<Image>,
    /// Container port envoy listens on for plain HTTP.
    #[schemars(range(min = 1, max = 65535))]
    pub http_port: Option<u32>,
    /// Container port envoy listens on for HTTPS.
    #[schemars(range(min = 1, max = 65535))]
    pub https_port: Option<u32>,
    /// Extra container ports, written as Kubernetes `ContainerPort` objects.
    pub extra_ports: Option<Vec<serde_json::Value>>,
    /// Annotations added to the proxy pods (e.g. `sidecar.istio.io/inject: "false"`).
    pub extra_annotations: Option<Annotations>,
    /// Pins the proxy pods to one node by name.
    pub node_name: Option<String>,
    /// Node labels the proxy pods must be scheduled on.
    pub node_selector: Option<Labels>,
    /// Tolerations of the proxy pods, as in a Kubernetes pod spec.
    pub tolerations: Option<Vec<Toleration>>,
    /// Adds readiness and liveness probes that query envoy's admin endpoint.
    pub probes: Option<bool>,
    /// CPU and memory of the envoy container.
    pub resources: Option<Resources>,
    /// Leaves out the `NET_BIND_SERVICE` capability; envoy then cannot bind ports below 1024.
    pub disable_net_bind: Option<bool>,
    /// Runs envoy as a non-root user.
    pub run_unprivileged: Option<bool>,
    /// Leaves `runAsUser` unset so the platform picks the user (needed on OpenShift).
    pub floating_user_id: Option<bool>,
    /// User ID the envoy container runs as.
    #[schemars(range(min = 0))]
    pub run_as_user: Option<u64>,
    /// Group ID that owns the pod's volumes.
    #[schemars(range(min = 0))]
    pub fs_group: Option<u64>,
    /// Lets envoy drain connections before the pod stops.
    pub graceful_shutdown: Option<GracefulShutdown>,
    /// Seconds Kubernetes waits after the stop signal before killing the pod; 0 keeps the
    /// Kubernetes default.
    #[schemars(range(min = 0))]
    pub termination_grace_period_seconds: Option<u32>,
    /// A readiness probe used instead of the built-in one when `probes` is on.
    pub custom_readiness_probe: Option<ReadinessProbe>,
    /// Labels added to the proxy pods.
    pub extra_gateway_proxy_labels: Option<Labels>,
}

/// Connection draining on shutdown.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GracefulShutdown {
    /// Adds a preStop hook that fails envoy's health checks and waits before stopping.
    pub enabled: Option<bool>,
    /// Seconds the preStop hook waits for connections to drain.
    #[schemars(range(min = 0))]
    pub sleep_time_seconds: Option<u32>,
}

/// A Kubernetes readiness probe for the envoy container.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReadinessProbe {
    /// Runs a command in the container; exit code 0 means ready.
    pub exec: Option<ExecAction>,
    /// Sends an HTTP GET; a 2xx or 3xx answer means ready.
    pub http_get: Option<HTTPGetAction>,
    /// Opens a TCP connection; success means ready.
    pub tcp_socket: Option<TCPSocketAction>,
    /// Seconds after container start before the first probe.
    #[schemars(range(min = 0))]
    pub initial_delay_seconds: Option<i32>,
    /// Seconds after which one probe times out.
    #[schemars(range(min = 0))]
    pub timeout_seconds: Option<i32>,
    /// Seconds between probes.
    #[schemars(range(min = 0))]
    pub period_seconds: Option<i32>,
    /// Consecutive successes needed to count as ready again after a failure.
    #[schemars(range(min = 0))]
    pub success_threshold: Option<i32>,
    /// Consecutive failures after which the pod counts as not ready.
    #[schemars(range(min = 0))]
    pub failure_threshold: Option<i32>,
}

/// The Service in front of a gateway proxy.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProxyService {
    /// Kubernetes Service type.
    #[serde(rename = "type")]
    pub kind: Option<ServiceType>,
    /// Service port for plain HTTP.
    #[schemars(range(min = 1, max = 65535))]
    pub http_port: Option<u32>,
    /// Service port for HTTPS.
    #[schemars(range(min = 1, max = 65535))]
    pub https_port: Option<u32>,
    /// Node port for HTTP on `NodePort`/`LoadBalancer` Services; 0 lets Kubernetes choose.
    #[schemars(range(min = 0, max = 65535))]
    pub http_node_port: Option<u32>,
    /// Node port for HTTPS on `NodePort`/`LoadBalancer` Services; 0 lets Kubernetes choose.
    #[schemars(range(min = 0, max = 65535))]
    pub https_node_port: Option<u32>,
    /// Fixed cluster IP of the Service (`None` makes it headless).
    #[serde(rename = "clusterIP")]
    pub cluster_ip: Option<String>,
    /// Annotations added to the Service, e.g. cloud load balancer settings.
    pub extra_annotations: Option<Annotations>,
    /// Where external traffic goes: `Local` keeps client addresses, `Cluster` spreads load.
    pub external_traffic_policy: Option<ExternalTrafficPolicy>,
    /// Name of the Service; defaults to the kebab-case proxy name.
    pub name: Option<String>,
    /// Lists the HTTPS port before the HTTP port (some load balancers health-check the first).
    pub https_first: Option<bool>,
    /// Requested load balancer IP (only for `LoadBalancer` Services on clouds that support it).
    #[serde(rename = "loadBalancerIP")]
    pub load_balancer_ip: Option<String>,
    /// Client CIDR ranges allowed through the cloud load balancer.
    pub load_balancer_source_ranges: Option<Vec<String>>,
    /// Extra Service ports, written as Kubernetes `ServicePort` objects.
    pub custom_ports: Option<Vec<serde_json::Value>>,
}

/// Envoy tracing of a proxy.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProxyTracing {
    /// Envoy tracing provider configuration, placed under the bootstrap's `tracing.provider`.
    pub provider: Option<serde_json::Value>,
    /// Static cluster definitions the tracing provider sends spans to, added to the bootstrap.
    pub cluster: Option<serde_json::Value>,
}

/// The Gateway resources generated for a proxy.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewaySettings {
    /// Creates no Gateways for this proxy; you write your own.
    pub disable_generated_gateways: Option<bool>,
    /// Binds the Gateways to `0.0.0.0` only, not `::`.
    pub ipv4_only: Option<bool>,
    /// Accepts the PROXY protocol on the generated Gateways.
    pub use_proxy_proto: Option<bool>,
    /// Extra fields merged into the spec of the generated HTTP Gateway.
    pub custom_http_gateway: Option<serde_json::Value>,
    /// Extra fields merged into the spec of the generated HTTPS Gateway.
    pub custom_https_gateway: Option<serde_json::Value>,
    /// Gateway options of the Settings resource.
    pub options: Option<GatewayOptions>,
}

/// Gateway options (field names as in Gloo's Settings API).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GatewayOptions {
    /// Address of gloo's validation server.
    pub validation_server_addr: Option<String>,
    /// Validation options.
    pub validation: Option<GatewayValidationOptions>,
    /// Reads Gateways from every watched namespace.
    pub read_gateways_from_all_namespaces: Option<bool>,
    /// Sorts the routes of route tables so the most specific matches come first.
    pub always_sort_route_table_routes: Option<bool>,
    /// Compresses the spec of generated Proxy resources.
    pub compressed_proxy_spec: Option<bool>,
}

/// Validation options of the Gateway settings.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GatewayValidationOptions {
    /// Address of gloo's proxy validation server.
    pub proxy_validation_server_addr: Option<String>,
    /// Path of the webhook's TLS certificate.
    pub validation_webhook_tls_cert: Option<String>,
    /// Path of the webhook's TLS key.
    pub validation_webhook_tls_key: Option<String>,
    /// Accepts resources even when gloo's validation cannot be reached.
    pub ignore_gloo_validation_failure: Option<bool>,
    /// Accepts resources even when validation fails.
    pub always_accept: Option<BoolValue>,
    /// Accepts resources whose validation produced only warnings.
    pub allow_warnings: Option<BoolValue>,
}

/// A wrapped boolean (`{value: true}`), as protobuf's BoolValue.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BoolValue {
    /// The boolean.
    pub value: Option<bool>,
}

/// The failover listener of a proxy.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Failover {
    /// Adds the failover listener, port and Service port.
    pub enabled: Option<bool>,
    /// Port of the failover listener.
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u32>,
    /// Node port of the failover Service port; 0 lets Kubernetes choose.
    #[schemars(range(min = 0, max = 65535))]
    pub node_port: Option<u32>,
    /// Secret holding the failover listener's TLS certificate.
    pub secret_name: Option<String>,
}
