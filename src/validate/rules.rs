//! Rules about gateway proxies that a schema cannot express: values that name templates of a
//! parent chart, extra proxies missing what their resources are built from, and gateway options
//! the generated Gateways cannot carry. Each works on the merged, positioned values.

use crate::diag::Diagnostic;
use crate::istio::checks::truthy;
use crate::load::{Node, Value};

/// Values of the upstream chart that name Helm templates of a parent chart (`define` blocks
/// included into the proxy pod or its envoy bootstrap). A chart gloo-chart writes has no parent
/// and renders its manifests ahead of time, so such a value could only be ignored or fail late;
/// it is refused here, where the error can point at the line.
const PARENT_CHART_HELPERS: &[&str] = &[
    "extraContainersHelper",
    "extraInitContainersHelper",
    "extraVolumeHelper",
    "extraProxyVolumeMountHelper",
    "extraListenersHelper",
];

pub(super) fn unsupported_helpers(merged: &Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some((_, proxies)) = (match &merged.value {
        Value::Map(m) => m.get("gatewayProxies"),
        _ => None,
    }) else {
        return out;
    };
    let Value::Map(proxies) = &proxies.value else {
        return out;
    };
    for (name, (_, proxy)) in proxies {
        let Value::Map(fields) = &proxy.value else {
            continue;
        };
        for helper in PARENT_CHART_HELPERS {
            let Some((key, value)) = fields.get(*helper) else {
                continue;
            };
            let set = match &value.value {
                Value::Null => false,
                Value::Str(s) => !s.is_empty(),
                _ => true,
            };
            if set {
                out.push(
                    Diagnostic::error(
                        key.location.clone(),
                        "unsupported-helper",
                        format!(
                            "`{helper}` names a Helm template of a parent chart; charts written by gloo-chart have no parent chart to take it from"
                        ),
                    )
                    .with_path(format!("gatewayProxies.{name}.{helper}"))
                    .with_hint("remove it; add sidecars with global.istioSDS.customSidecars"),
                );
            }
        }
    }
    out
}

/// Values every gateway proxy's resources are built from. Only `gatewayProxy` has defaults; a
/// proxy added under another name gets nothing else from the chart, so it must give these
/// itself (the upstream chart fails with a nil-pointer error, or renders empty fields, without
/// them).
const PROXY_REQUIRED: &[&[&str]] = &[
    &["kind"],
    &["podTemplate", "httpPort"],
    &["podTemplate", "httpsPort"],
    &["podTemplate", "image", "repository"],
    &["podTemplate", "image", "tag"],
    &["service", "type"],
    &["service", "httpPort"],
    &["service", "httpsPort"],
    &["globalDownstreamMaxConnections"],
    &["loopBackAddress"],
];

pub(super) fn incomplete_proxies(merged: &Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some((
        key,
        Node {
            value: Value::Map(proxies),
            ..
        },
    )) = (match &merged.value {
        Value::Map(m) => m.get("gatewayProxies"),
        _ => None,
    })
    else {
        return out;
    };
    let _ = key;
    for (name, (proxy_key, proxy)) in proxies {
        let Value::Map(fields) = &proxy.value else {
            continue;
        };
        if matches!(
            fields.get("disabled"),
            Some((
                _,
                Node {
                    value: Value::Bool(true),
                    ..
                }
            ))
        ) {
            continue;
        }
        let missing: Vec<String> = PROXY_REQUIRED
            .iter()
            .filter(|path| lookup(proxy, path).is_none())
            .map(|path| path.join("."))
            .collect();
        if missing.is_empty() {
            continue;
        }
        out.push(
            Diagnostic::error(
                proxy_key.location.clone(),
                "proxy-incomplete",
                format!(
                    "gateway proxy `{name}` lacks {}; only `gatewayProxy` takes the chart's defaults",
                    missing.join(", ")
                ),
            )
            .with_path(format!("gatewayProxies.{name}"))
            .with_hint(
                "give each value, e.g. copy them from `gloo-chart values` output under gatewayProxies.gatewayProxy",
            ),
        );
    }
    out
}

/// `gatewayProxies.NAME.failover` with `enabled: true` adds a failover port to the proxy's
/// container and Service and, where the chart generates the proxy's Gateways (a non-empty
/// `gatewaySettings`, `gateway.enabled`), a failover Gateway serving TLS from the secret
/// `secretName`. Only `gatewayProxy` has defaults for the port and the secret; without them the
/// upstream chart renders an empty container port, which Kubernetes refuses, and a Gateway whose
/// secret has no name.
pub(super) fn incomplete_failover(merged: &Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(Node {
        value: Value::Map(proxies),
        ..
    }) = lookup(merged, &["gatewayProxies"])
    else {
        return out;
    };
    let gateways = truthy(lookup(merged, &["gateway", "enabled"]));
    for (name, (_, proxy)) in proxies {
        if truthy(lookup(proxy, &["disabled"])) {
            continue;
        }
        let Some(Node {
            value: Value::Map(failover),
            ..
        }) = lookup(proxy, &["failover"])
        else {
            continue;
        };
        let Some((
            enabled_key,
            Node {
                value: Value::Bool(true),
                ..
            },
        )) = failover.get("enabled")
        else {
            continue;
        };
        let generated_gateway = gateways && truthy(lookup(proxy, &["gatewaySettings"]));
        let mut missing = Vec::new();
        if lookup(proxy, &["failover", "port"]).is_none() {
            missing.push("failover.port");
        }
        if generated_gateway && lookup(proxy, &["failover", "secretName"]).is_none() {
            missing.push("failover.secretName");
        }
        if missing.is_empty() {
            continue;
        }
        out.push(
            Diagnostic::error(
                enabled_key.location.clone(),
                "failover-incomplete",
                format!(
                    "gateway proxy `{name}` enables failover but lacks {}",
                    missing.join(", ")
                ),
            )
            .with_path(format!("gatewayProxies.{name}.failover"))
            .with_hint(
                "give the failover port and, for the generated failover Gateway, the name of its TLS secret (gatewayProxy's defaults are 15443 and failover-downstream)",
            ),
        );
    }
    out
}

/// The non-null node at `path` below `node`.
fn lookup<'a>(node: &'a Node, path: &[&str]) -> Option<&'a Node> {
    let mut at = node;
    for key in path {
        let Value::Map(map) = &at.value else {
            return None;
        };
        at = &map.get(*key)?.1;
    }
    (!matches!(at.value, Value::Null)).then_some(at)
}

/// `gatewayProxies.NAME.gatewaySettings.options`: the upstream chart types these as Settings'
/// gateway options (`validation_server_addr`, `compressed_proxy_spec`, ...) but writes them into
/// the generated Gateways' `spec.options`, which holds listener options. Gloo refuses a Gateway
/// whose options it cannot read, so the chart renders them as upstream does and warns.
pub(super) fn gateway_options(merged: &Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let proxies = match &merged.value {
        Value::Map(m) => m.get("gatewayProxies").map(|(_, n)| n),
        _ => None,
    };
    let Some(Node {
        value: Value::Map(proxies),
        ..
    }) = proxies
    else {
        return out;
    };
    for (name, (_, proxy)) in proxies {
        let Value::Map(fields) = &proxy.value else {
            continue;
        };
        let Some((_, settings)) = fields.get("gatewaySettings") else {
            continue;
        };
        let Value::Map(settings) = &settings.value else {
            continue;
        };
        if let Some((
            key,
            Node {
                value: Value::Map(options),
                ..
            },
        )) = settings.get("options")
        {
            if !options.is_empty() {
                out.push(
                    Diagnostic::warning(
                        key.location.clone(),
                        "gateway-options",
                        "these options are written into the generated Gateways' spec.options, which holds listener options, not these settings; Gloo refuses a Gateway it cannot read",
                    )
                    .with_path(format!("gatewayProxies.{name}.gatewaySettings.options"))
                    .with_hint("set gateway behaviour under `settings` instead, or remove these options"),
                );
            }
        }
    }
    out
}
