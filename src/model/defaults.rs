//! The upstream defaults of the Gloo 1.5.0 chart, as typed values. This is the only place they
//! are written down; templates and other stages get them from here.

use std::collections::BTreeMap;

use super::*;

/// Tag of every image the chart ships.
pub const CHART_VERSION: &str = "1.5.0";

fn s(text: &str) -> Option<String> {
    Some(text.to_owned())
}

fn image(repository: &str) -> Option<Image> {
    Some(Image {
        repository: s(repository),
        tag: s(CHART_VERSION),
        ..Image::default()
    })
}

fn empty_service_account() -> Option<ServiceAccount> {
    Some(ServiceAccount::default())
}

fn no_annotations() -> Option<Annotations> {
    Some(Annotations::default())
}

impl Default for Values {
    /// Exactly the upstream chart's `values.yaml` (with image tags set to the chart version).
    fn default() -> Self {
        Values {
            namespace: Some(NamespaceValues {
                create: Some(false),
            }),
            k8s: Some(K8s {
                cluster_name: s("cluster.local"),
            }),
            crds: Some(Crds {
                create: Some(false),
            }),
            settings: Some(default_settings()),
            gloo: Some(Gloo {
                deployment: Some(GlooDeployment {
                    image: image("gloo"),
                    xds_port: Some(9977),
                    rest_xds_port: Some(9976),
                    validation_port: Some(9988),
                    replicas: Some(1),
                    run_as_user: Some(10101),
                    service_account: empty_service_account(),
                    ..GlooDeployment::default()
                }),
                service_account: Some(ServiceAccount {
                    extra_annotations: no_annotations(),
                    ..ServiceAccount::default()
                }),
            }),
            discovery: Some(Discovery {
                enabled: Some(true),
                fds_mode: Some(FdsMode::Whitelist),
                service_account: empty_service_account(),
                deployment: Some(DiscoveryDeployment {
                    image: image("discovery"),
                    replicas: Some(1),
                    run_as_user: Some(10101),
                    fs_group: Some(10101),
                    ..DiscoveryDeployment::default()
                }),
            }),
            gateway: Some(default_gateway()),
            gateway_proxies: Some(BTreeMap::from([(
                DEFAULT_PROXY.to_owned(),
                default_gateway_proxy(),
            )])),
            access_logger: Some(AccessLogger {
                enabled: Some(false),
                port: Some(8083),
                service_name: s("AccessLog"),
                image: image("access-logger"),
                run_as_user: Some(10101),
                replicas: Some(1),
                stats: Some(Stats {
                    enabled: Some(true),
                }),
                ..AccessLogger::default()
            }),
            ingress: Some(Ingress {
                enabled: Some(false),
                deployment: Some(IngressDeployment {
                    image: image("ingress"),
                    replicas: Some(1),
                    run_as_user: Some(10101),
                    ..IngressDeployment::default()
                }),
                ..Ingress::default()
            }),
            ingress_proxy: Some(IngressProxy {
                label: s("ingress-proxy"),
                loop_back_address: s("127.0.0.1"),
                deployment: Some(IngressProxyDeployment {
                    image: image("gloo-envoy-wrapper"),
                    http_port: Some(80),
                    https_port: Some(443),
                    replicas: Some(1),
                    ..IngressProxyDeployment::default()
                }),
                service: Some(SimpleService {
                    kind: Some(ServiceType::LoadBalancer),
                    extra_annotations: no_annotations(),
                    ..SimpleService::default()
                }),
                config_map: Some(ConfigMapValues { data: None }),
                tracing: None,
            }),
            global: Some(default_global()),
            istio_mtls: None,
        }
    }
}

fn default_settings() -> Settings {
    Settings {
        create: Some(true),
        linkerd: Some(false),
        aws: Some(AwsSettings::default()),
        invalid_config_policy: Some(InvalidConfigPolicy {
            replace_invalid_routes: Some(false),
            invalid_route_response_code: Some(404),
            invalid_route_response_body: s("Gloo Gateway has invalid configuration. \
                 Administrators should run `glooctl check` to find and fix config errors."),
        }),
        integrations: Some(Integrations {
            knative: Some(Knative {
                enabled: Some(false),
                version: s("0.10.0"),
                proxy: Some(KnativeProxy {
                    loop_back_address: s("127.0.0.1"),
                    image: image("gloo-envoy-wrapper"),
                    http_port: Some(80),
                    https_port: Some(443),
                    replicas: Some(1),
                    service: Some(SimpleService {
                        kind: Some(ServiceType::LoadBalancer),
                        extra_annotations: no_annotations(),
                        ..SimpleService::default()
                    }),
                    ..KnativeProxy::default()
                }),
                ..Knative::default()
            }),
        }),
        watch_namespaces: Some(Vec::new()),
        disable_kubernetes_destinations: Some(false),
        disable_proxy_garbage_collection: Some(false),
        ..Settings::default()
    }
}

fn default_gateway() -> Gateway {
    Gateway {
        enabled: Some(true),
        read_gateways_from_all_namespaces: Some(false),
        validation: Some(GatewayValidation {
            enabled: Some(true),
            failure_policy: Some(FailurePolicy::Ignore),
            secret_name: s("gateway-validation-certs"),
            always_accept_resources: Some(true),
            allow_warnings: Some(true),
            webhook: Some(Toggle {
                enabled: Some(true),
            }),
        }),
        deployment: Some(GatewayDeployment {
            image: image("gateway"),
            replicas: Some(1),
            run_as_user: Some(10101),
            ..GatewayDeployment::default()
        }),
        cert_gen_job: Some(CertGenJob {
            enabled: Some(true),
            image: image("certgen"),
            restart_policy: Some(JobRestartPolicy::OnFailure),
            set_ttl_after_finished: Some(true),
            ttl_seconds_after_finished: Some(60),
            run_as_user: Some(10101),
            ..CertGenJob::default()
        }),
        proxy_service_account: empty_service_account(),
        service_account: empty_service_account(),
        ..Gateway::default()
    }
}

/// The defaults of the `gatewayProxy` entry (no other proxy name has any).
pub fn default_gateway_proxy() -> GatewayProxy {
    GatewayProxy {
        gateway_settings: Some(GatewaySettings::default()),
        failover: Some(Failover {
            enabled: Some(false),
            port: Some(15443),
            secret_name: s("failover-downstream"),
            ..Failover::default()
        }),
        kind: Some(ProxyKind {
            deployment: Some(ProxyDeploymentKind {
                replicas: Some(1),
                ..ProxyDeploymentKind::default()
            }),
            ..ProxyKind::default()
        }),
        pod_template: Some(PodTemplate {
            probes: Some(false),
            image: image("gloo-envoy-wrapper"),
            http_port: Some(8080),
            https_port: Some(8443),
            run_as_user: Some(10101),
            fs_group: Some(10101),
            run_unprivileged: Some(true),
            disable_net_bind: Some(true),
            graceful_shutdown: Some(GracefulShutdown {
                enabled: Some(false),
                sleep_time_seconds: Some(25),
            }),
            custom_readiness_probe: Some(ReadinessProbe::default()),
            ..PodTemplate::default()
        }),
        service: Some(ProxyService {
            custom_ports: Some(Vec::new()),
            kind: Some(ServiceType::LoadBalancer),
            http_port: Some(80),
            https_port: Some(443),
            ..ProxyService::default()
        }),
        tracing: None,
        config_map: Some(ConfigMapValues { data: None }),
        loop_back_address: s("127.0.0.1"),
        global_downstream_max_connections: Some(250000),
        ..GatewayProxy::default()
    }
}

fn default_global() -> Global {
    Global {
        image: Some(Image {
            registry: s("quay.io/solo-io"),
            pull_policy: Some(PullPolicy::IfNotPresent),
            ..Image::default()
        }),
        gloo_rbac: Some(GlooRbac {
            create: Some(true),
            ..GlooRbac::default()
        }),
        gloo_stats: Some(Toggle {
            enabled: Some(true),
        }),
        gloo_mtls: Some(GlooMtls {
            enabled: Some(false),
            sds: Some(ImageHolder {
                image: image("sds"),
            }),
            envoy: Some(ImageHolder {
                image: image("gloo-envoy-wrapper"),
            }),
        }),
        istio_sds: Some(IstioSds {
            enabled: Some(false),
            ..IstioSds::default()
        }),
        wasm: Some(Toggle {
            enabled: Some(false),
        }),
        ..Global::default()
    }
}
