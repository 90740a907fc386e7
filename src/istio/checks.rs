//! Semantic rules for the Istio integration that a JSON schema cannot express: relations between
//! values (a mount names a volume the chart creates, some sidecar writes the certs the sds
//! container reads, names and ports are unique in one pod, the pod's extra labels and annotations
//! leave the chart's own alone, a route points at a declared upstream).
//!
//! The rules read the merged values tree (chart defaults and every user layer), so each finding
//! points at the node that decided the outcome, wherever it came from. Values of the wrong type are
//! left to the schema: a rule skips what it cannot read.

use crate::diag::{closest, Diagnostic, Location};
use crate::load::{Node, Value};
// Ordered collections rather than hash tables: these are small, and without a per-process
// random seed a check takes the same path through them for the same values in every run.
use std::collections::{BTreeMap, BTreeSet};

const CUSTOM_SIDECARS: &str = "global.istioSDS.customSidecars";

/// What the sds container reads; also where the chart mounts `istio-certs` in it.
const SDS_CERTS_DIR: &str = "/etc/istio-certs/";
const TOKEN_MOUNT_PATH: &str = "/var/run/secrets/tokens";

/// Runs every Istio rule over the merged values. Diagnostics come back in their stable order.
pub fn check(values: &Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let ctx = Context::read(values);
    if ctx.istio_sds {
        check_sidecar_volumes(&ctx, &mut out);
        check_certs_writer(&ctx, &mut out);
        check_jwt_token(&ctx, &mut out);
        check_container_names(&ctx, &mut out);
    } else if let Some(at) = ctx.custom_sidecars.filter(|_| !ctx.sidecars.is_empty()) {
        out.push(
            Diagnostic::warning(
                at.clone(),
                "sidecars-ignored",
                "customSidecars are set but global.istioSDS.enabled is false, so the chart ignores them",
            )
            .with_path(CUSTOM_SIDECARS)
            .with_hint("set global.istioSDS.enabled: true, or remove customSidecars"),
        );
    }
    check_ports(&ctx, &mut out);
    check_reserved_pod_keys(&ctx, &mut out);
    check_mtls(values, &ctx, &mut out);
    crate::diag::sort(&mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// Reading the tree

fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.value {
        Value::Map(map) => map.get(key).map(|(_, v)| v),
        _ => None,
    }
}

/// Where `key` is written in the map `node`: list-level findings point at the list's key.
fn key_location<'a>(node: Option<&'a Node>, key: &str) -> Option<&'a Location> {
    match node.map(|n| &n.value) {
        Some(Value::Map(map)) => map.get(key).map(|(k, _)| &k.location),
        _ => None,
    }
}

fn lookup<'a>(node: &'a Node, keys: &[&str]) -> Option<&'a Node> {
    keys.iter().try_fold(node, |n, k| get(n, k))
}

fn as_str(node: Option<&Node>) -> Option<&str> {
    match node.map(|n| &n.value) {
        Some(Value::Str(s)) => Some(s),
        _ => None,
    }
}

fn as_seq(node: Option<&Node>) -> &[Node] {
    match node.map(|n| &n.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    }
}

fn as_int(node: Option<&Node>) -> Option<i64> {
    match node.map(|n| &n.value) {
        Some(Value::Int(i)) => Some(*i),
        Some(Value::Float(f)) if f.fract() == 0.0 && f.abs() < 1e15 => Some(*f as i64),
        _ => None,
    }
}

/// Truth as Go templates see it: false, 0, "", null, empty collections and absence are false.
pub(crate) fn truthy(node: Option<&Node>) -> bool {
    match node.map(|n| &n.value) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Int(i)) => *i != 0,
        Some(Value::Float(f)) => *f != 0.0,
        Some(Value::Str(s)) => !s.is_empty(),
        Some(Value::Seq(items)) => !items.is_empty(),
        Some(Value::Map(map)) => !map.is_empty(),
    }
}

/// A sidecar of `customSidecars` with its value path.
struct Sidecar<'a> {
    node: &'a Node,
    path: String,
}

impl<'a> Sidecar<'a> {
    fn name(&self) -> Option<&'a str> {
        as_str(get(self.node, "name"))
    }

    fn label(&self) -> String {
        match self.name() {
            Some(name) => format!("sidecar '{name}'"),
            None => self.path.clone(),
        }
    }

    fn mounts(&self) -> impl Iterator<Item = (usize, &'a Node)> {
        as_seq(get(self.node, "volumeMounts")).iter().enumerate()
    }

    /// Mount paths of the volume `volume`, with their nodes.
    fn mounts_of(&self, volume: &str) -> Vec<(usize, &'a Node)> {
        self.mounts()
            .filter(|(_, m)| as_str(get(m, "name")) == Some(volume))
            .collect()
    }

    /// The env entries named `name` that carry a literal string value.
    fn env_values(&self, name: &str) -> Vec<(usize, &'a Node)> {
        as_seq(get(self.node, "env"))
            .iter()
            .enumerate()
            .filter(|(_, e)| as_str(get(e, "name")) == Some(name))
            .filter_map(|(i, e)| {
                get(e, "value")
                    .filter(|v| as_str(Some(v)).is_some())
                    .map(|v| (i, v))
            })
            .collect()
    }
}

/// A gateway proxy the chart renders a pod for.
struct Proxy<'a> {
    name: &'a str,
    node: &'a Node,
}

struct Context<'a> {
    istio_sds: bool,
    istio_sds_node: Option<&'a Node>,
    gloo_mtls: bool,
    /// Where the `customSidecars` key is written.
    custom_sidecars: Option<&'a Location>,
    sidecars: Vec<Sidecar<'a>>,
    proxies: Vec<Proxy<'a>>,
    gloo_stats: bool,
}

impl<'a> Context<'a> {
    fn read(values: &'a Node) -> Self {
        let istio_sds_node = lookup(values, &["global", "istioSDS", "enabled"]);
        let istio_sds = lookup(values, &["global", "istioSDS"]);
        let custom_sidecars = key_location(istio_sds, "customSidecars");
        let sidecars = as_seq(istio_sds.and_then(|n| get(n, "customSidecars")))
            .iter()
            .enumerate()
            .map(|(i, node)| Sidecar {
                node,
                path: format!("{CUSTOM_SIDECARS}[{i}]"),
            })
            .collect();
        let gateway_on = lookup(values, &["gateway", "enabled"]).is_none_or(|n| truthy(Some(n)));
        let mut proxies = Vec::new();
        if gateway_on {
            if let Some(Value::Map(map)) = get(values, "gatewayProxies").map(|n| &n.value) {
                // Helm ranges over maps in key order.
                let mut names: Vec<&String> = map.keys().collect();
                names.sort();
                for name in names {
                    if let Some((_, node)) = map.get(name) {
                        if matches!(node.value, Value::Map(_)) && !truthy(get(node, "disabled")) {
                            proxies.push(Proxy { name, node });
                        }
                    }
                }
            }
        }
        Context {
            istio_sds: truthy(istio_sds_node),
            istio_sds_node,
            gloo_mtls: truthy(lookup(values, &["global", "glooMtls", "enabled"])),
            custom_sidecars,
            sidecars,
            proxies,
            gloo_stats: truthy(lookup(values, &["global", "glooStats", "enabled"])),
        }
    }

    /// Whether `proxy`'s pod exposes stats: the chart takes the proxy's `stats` when set, else
    /// `global.glooStats`.
    fn stats_on(&self, proxy: &Proxy<'_>) -> bool {
        match get(proxy.node, "stats").filter(|s| truthy(Some(s))) {
            Some(s) => truthy(get(s, "enabled")),
            None => self.gloo_stats,
        }
    }

    /// The volumes of the gateway-proxy pod that sidecars can mount.
    fn pod_volumes(&self) -> Vec<&'static str> {
        let mut volumes = vec![
            "envoy-config",
            "istio-certs",
            "istiod-ca-cert",
            "istio-envoy",
            "istio-token",
        ];
        if self.gloo_mtls {
            volumes.push("gloo-mtls-certs");
        }
        volumes
    }
}

fn same_dir(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

// ---------------------------------------------------------------------------------------------
// Sidecar rules

fn check_sidecar_volumes(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // A proxy with `extraVolumeHelper` adds volumes this check cannot see; only when every pod
    // may have them is a mount of an unknown volume left alone.
    let all_extended = !ctx.proxies.is_empty()
        && ctx
            .proxies
            .iter()
            .all(|p| truthy(get(p.node, "extraVolumeHelper")));
    if all_extended {
        return;
    }
    let volumes = ctx.pod_volumes();
    for sidecar in &ctx.sidecars {
        for (j, mount) in sidecar.mounts() {
            let Some(name_node) = get(mount, "name") else {
                continue;
            };
            let Some(name) = as_str(Some(name_node)) else {
                continue;
            };
            if volumes.contains(&name) {
                continue;
            }
            let mut hint = format!("the pod's volumes are {}", volumes.join(", "));
            if let Some(near) = closest(name, volumes.iter().copied()) {
                hint = format!("did you mean {near}? {hint}");
            }
            out.push(
                Diagnostic::error(
                    name_node.location.clone(),
                    "sidecar-volume",
                    format!(
                        "{} mounts volume '{name}', which the gateway-proxy pod does not have",
                        sidecar.label()
                    ),
                )
                .with_path(format!("{}.volumeMounts[{j}].name", sidecar.path))
                .with_hint(hint),
            );
        }
    }
}

fn check_certs_writer(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // No custom sidecars: the chart's default istio-proxy writes the certs.
    let Some(at) = ctx.custom_sidecars.filter(|_| !ctx.sidecars.is_empty()) else {
        return;
    };
    let mut near_miss = None;
    for sidecar in &ctx.sidecars {
        let mounts = sidecar.mounts_of("istio-certs");
        let outputs = sidecar.env_values("OUTPUT_CERTS");
        for (_, output) in &outputs {
            let output = as_str(Some(output)).unwrap_or_default();
            let mounted = mounts
                .iter()
                .filter_map(|(_, m)| as_str(get(m, "mountPath")))
                .collect::<Vec<_>>();
            if mounted.iter().any(|path| same_dir(path, output)) {
                return;
            }
            near_miss.get_or_insert_with(|| match mounted.first() {
                Some(path) => format!(
                    "{} writes certs to {output} but mounts istio-certs at {path}",
                    sidecar.label()
                ),
                None => format!(
                    "{} writes certs to {output} but does not mount istio-certs",
                    sidecar.label()
                ),
            });
        }
    }
    let mut message = String::from(
        "no sidecar writes the istio certs the sds container reads, so sds will crash with \
         \"could not find file '/etc/istio-certs/key.pem'\"",
    );
    if let Some(detail) = near_miss {
        message.push_str(": ");
        message.push_str(&detail);
    }
    out.push(
        Diagnostic::error(at.clone(), "sds-certs-writer", message)
            .with_path(CUSTOM_SIDECARS)
            .with_hint(format!(
                "give the istio-proxy sidecar a volumeMount of istio-certs (e.g. at {SDS_CERTS_DIR}) \
                 and env OUTPUT_CERTS set to that path; `gloo-chart values --istio-version X.Y.Z` \
                 writes a complete one"
            )),
    );
}

fn check_jwt_token(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for sidecar in &ctx.sidecars {
        let tokens = sidecar.mounts_of("istio-token");
        for (i, policy) in sidecar.env_values("JWT_POLICY") {
            let path = format!("{}.env[{i}].value", sidecar.path);
            match as_str(Some(policy)) {
                Some("third-party-jwt") => {
                    if tokens.is_empty() {
                        out.push(
                            Diagnostic::error(
                                policy.location.clone(),
                                "jwt-token-mount",
                                format!(
                                    "{} uses JWT_POLICY third-party-jwt but does not mount the istio-token volume, so it cannot authenticate to istiod",
                                    sidecar.label()
                                ),
                            )
                            .with_path(path)
                            .with_hint(format!(
                                "add a volumeMount {{name: istio-token, mountPath: {TOKEN_MOUNT_PATH}}}, or use first-party-jwt on clusters without token projection"
                            )),
                        );
                        continue;
                    }
                    for (j, mount) in &tokens {
                        let Some(mount_path) = get(mount, "mountPath") else {
                            continue;
                        };
                        match as_str(Some(mount_path)) {
                            Some(p) if !same_dir(p, TOKEN_MOUNT_PATH) => out.push(
                                Diagnostic::error(
                                    mount_path.location.clone(),
                                    "jwt-token-mount",
                                    format!(
                                        "{} mounts istio-token at {p}, but third-party-jwt reads the token from {TOKEN_MOUNT_PATH}",
                                        sidecar.label()
                                    ),
                                )
                                .with_path(format!("{}.volumeMounts[{j}].mountPath", sidecar.path))
                                .with_hint(format!("mount it at {TOKEN_MOUNT_PATH}")),
                            ),
                            _ => {}
                        }
                    }
                }
                Some("first-party-jwt") => {
                    for (j, mount) in &tokens {
                        let location = get(mount, "name").map_or(&mount.location, |n| &n.location);
                        out.push(
                            Diagnostic::warning(
                                location.clone(),
                                "jwt-token-mount",
                                format!(
                                    "{} mounts istio-token but uses JWT_POLICY first-party-jwt, which never reads it",
                                    sidecar.label()
                                ),
                            )
                            .with_path(format!("{}.volumeMounts[{j}].name", sidecar.path))
                            .with_hint(
                                "remove the mount (clusters without token projection cannot start the pod with it), or use third-party-jwt",
                            ),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

fn check_container_names(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for sidecar in &ctx.sidecars {
        let Some(name_node) = get(sidecar.node, "name") else {
            continue;
        };
        let Some(name) = as_str(Some(name_node)) else {
            continue;
        };
        let path = format!("{}.name", sidecar.path);
        if name == "gateway-proxy" || name == "sds" {
            out.push(
                Diagnostic::error(
                    name_node.location.clone(),
                    "container-name",
                    format!("sidecar name '{name}' is taken by the chart's own {name} container"),
                )
                .with_path(path)
                .with_hint("choose another name, e.g. istio-proxy"),
            );
        } else if let Some(first) = seen.get(name) {
            out.push(
                Diagnostic::error(
                    name_node.location.clone(),
                    "container-name",
                    format!("sidecar name '{name}' is already used by {first}"),
                )
                .with_path(path)
                .with_hint("container names must be unique in a pod"),
            );
        } else {
            seen.insert(name, &sidecar.path);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Ports

/// One port a container of the pod listens on.
struct PortUse<'a> {
    port: i64,
    protocol: &'a str,
    owner: String,
    /// Where the port was set; `None` for ports the chart fixes.
    at: Option<(Location, String)>,
    /// Shared by every gateway-proxy pod (sds and sidecars) rather than set per proxy.
    shared: bool,
}

fn sidecar_ports<'a>(sidecar: &Sidecar<'a>, into: &mut Vec<PortUse<'a>>) {
    let owner = sidecar.label();
    for (k, port) in as_seq(get(sidecar.node, "ports")).iter().enumerate() {
        let node = get(port, "containerPort");
        if let (Some(n), Some(number)) = (node, as_int(node)) {
            into.push(PortUse {
                port: number,
                protocol: as_str(get(port, "protocol")).unwrap_or("TCP"),
                owner: owner.clone(),
                at: Some((
                    n.location.clone(),
                    format!("{}.ports[{k}].containerPort", sidecar.path),
                )),
                shared: true,
            });
        }
    }
    // Istio's agent takes its admin and status ports from flags, not from `ports`.
    let args = as_seq(get(sidecar.node, "args"));
    for (k, arg) in args.iter().enumerate() {
        let Some(text) = as_str(Some(arg)) else {
            continue;
        };
        for flag in ["--statusPort", "--proxyAdminPort"] {
            let found = if text == flag {
                args.get(k + 1)
                    .and_then(|n| as_str(Some(n)).map(|v| (n, k + 1, v)))
            } else {
                text.strip_prefix(flag)
                    .and_then(|rest| rest.strip_prefix('='))
                    .map(|v| (arg, k, v))
            };
            if let Some((node, index, value)) = found {
                if let Ok(number) = value.parse::<i64>() {
                    into.push(PortUse {
                        port: number,
                        protocol: "TCP",
                        owner: format!("{owner} ({flag})"),
                        at: Some((
                            node.location.clone(),
                            format!("{}.args[{index}]", sidecar.path),
                        )),
                        shared: true,
                    });
                }
            }
        }
    }
}

/// A port the chart itself fixes (no values node to point at).
fn fixed(port: i64, owner: &str, shared: bool) -> PortUse<'static> {
    PortUse {
        port,
        protocol: "TCP",
        owner: owner.to_string(),
        at: None,
        shared,
    }
}

fn proxy_ports<'a>(ctx: &Context<'a>, proxy: &Proxy<'a>) -> Vec<PortUse<'a>> {
    let base = format!("gatewayProxies.{}", proxy.name);
    let mut ports = Vec::new();
    let mut push = |node: Option<&'a Node>, path: String, owner: &str, protocol: &'a str| {
        if let (Some(n), Some(port)) = (node, as_int(node)) {
            ports.push(PortUse {
                port,
                protocol,
                owner: owner.to_string(),
                at: Some((n.location.clone(), path)),
                shared: false,
            });
        }
    };
    let template = get(proxy.node, "podTemplate");
    for (key, owner) in [
        ("httpPort", "gateway-proxy (http)"),
        ("httpsPort", "gateway-proxy (https)"),
    ] {
        push(
            template.and_then(|t| get(t, key)),
            format!("{base}.podTemplate.{key}"),
            owner,
            "TCP",
        );
    }
    let extra = template.and_then(|t| get(t, "extraPorts"));
    for (k, port) in as_seq(extra).iter().enumerate() {
        push(
            get(port, "containerPort"),
            format!("{base}.podTemplate.extraPorts[{k}].containerPort"),
            "gateway-proxy (extra port)",
            as_str(get(port, "protocol")).unwrap_or("TCP"),
        );
    }
    let failover = get(proxy.node, "failover");
    if truthy(failover.and_then(|f| get(f, "enabled"))) {
        push(
            failover.and_then(|f| get(f, "port")),
            format!("{base}.failover.port"),
            "gateway-proxy (failover)",
            "TCP",
        );
    }
    ports.push(fixed(19000, "gateway-proxy (envoy admin)", false));
    if ctx.stats_on(proxy) {
        ports.push(fixed(8081, "gateway-proxy (stats)", false));
    }
    ports
}

/// Pod labels the chart writes on every gateway proxy pod itself (the Deployment's selector
/// matches on the first two).
const POD_LABELS: &[&str] = &["gloo", "gateway-proxy-id", "gateway-proxy"];

/// Pod annotations the chart writes on a gateway proxy pod itself when its stats are on.
const STATS_ANNOTATIONS: &[&str] = &[
    "prometheus.io/path",
    "prometheus.io/port",
    "prometheus.io/scrape",
];

/// `podTemplate.extraGatewayProxyLabels` and `podTemplate.extraAnnotations` are written beside
/// the labels and annotations the chart gives every proxy pod, as the upstream chart writes them;
/// a key the chart writes too would appear twice in one map, which YAML does not allow (and a
/// second `gloo` label would no longer match the Deployment's selector).
fn check_reserved_pod_keys(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for proxy in &ctx.proxies {
        let template = get(proxy.node, "podTemplate");
        let annotations: &[&str] = if ctx.stats_on(proxy) {
            STATS_ANNOTATIONS
        } else {
            &[]
        };
        for (field, keys, what) in [
            ("extraGatewayProxyLabels", POD_LABELS, "label"),
            (
                "extraAnnotations",
                annotations,
                "annotation (its stats are on)",
            ),
        ] {
            let extra = template.and_then(|t| get(t, field));
            for key in keys {
                let Some(at) = key_location(extra, key) else {
                    continue;
                };
                let name = proxy.name;
                out.push(
                    Diagnostic::error(
                        at.clone(),
                        "reserved-key",
                        format!(
                            "the chart writes the pod {what} `{key}` on gateway proxy `{name}` itself; a second one makes a duplicate key"
                        ),
                    )
                    .with_path(format!("gatewayProxies.{name}.podTemplate.{field}.{key}"))
                    .with_hint(format!("remove `{key}` from {field}")),
                );
            }
        }
    }
}

fn shared_ports<'a>(ctx: &Context<'a>) -> Vec<PortUse<'a>> {
    let mut ports = Vec::new();
    if ctx.istio_sds || ctx.gloo_mtls {
        ports.push(fixed(8234, "sds", true));
    }
    if ctx.istio_sds {
        if ctx.sidecars.is_empty() {
            ports.push(fixed(15000, "istio-proxy (admin)", true));
            ports.push(fixed(15021, "istio-proxy (status)", true));
        } else {
            for sidecar in &ctx.sidecars {
                sidecar_ports(sidecar, &mut ports);
            }
        }
    }
    ports
}

fn check_ports(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let shared = shared_ports(ctx);
    report_conflicts(shared.iter(), false, "every gateway proxy pod", out);
    for proxy in &ctx.proxies {
        let own = proxy_ports(ctx, proxy);
        // Conflicts among the shared ports were reported once above.
        let pod = format!("the pod of gateway proxy `{}`", proxy.name);
        report_conflicts(own.iter().chain(&shared), true, &pod, out);
    }
}

/// Reports every port used a second time, at the use that has a location (the later one when
/// both do).
fn report_conflicts<'p, 'a: 'p>(
    ports: impl Iterator<Item = &'p PortUse<'a>>,
    skip_shared_pairs: bool,
    pod: &str,
    out: &mut Vec<Diagnostic>,
) {
    let mut first: BTreeMap<(i64, &str), &PortUse<'_>> = BTreeMap::new();
    for port in ports {
        let Some(earlier) = first.get(&(port.port, port.protocol)).copied() else {
            first.insert((port.port, port.protocol), port);
            continue;
        };
        if skip_shared_pairs && earlier.shared && port.shared {
            continue;
        }
        let (this, other) = if port.at.is_some() {
            (port, earlier)
        } else {
            (earlier, port)
        };
        let Some((location, path)) = this.at.clone() else {
            continue;
        };
        out.push(
            Diagnostic::error(
                location,
                "port-conflict",
                format!(
                    "port {} of {} is also used by {} in {pod}",
                    this.port, this.owner, other.owner
                ),
            )
            .with_path(path)
            .with_hint("containers of a pod share one network namespace; choose a free port"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Declarative mTLS

fn is_dns1123_label(s: &str) -> bool {
    let bytes = s.as_bytes();
    !s.is_empty()
        && s.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

/// A name that would pass, for the hint: lower case, other characters turned into `-`.
fn dns_suggestion(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '.') => c,
            _ => '-',
        })
        .collect();
    mapped.trim_matches(|c| c == '-' || c == '.').to_string()
}

/// Route names become VirtualService names, so they must be DNS-1123 subdomains; the schema
/// leaves them free because Gloo's own route names are.
fn check_route_name(node: Option<&Node>, path: String, out: &mut Vec<Diagnostic>) {
    let Some(node) = node else {
        return;
    };
    let Some(name) = as_str(Some(node)) else {
        return;
    };
    if is_dns1123_subdomain(name) {
        return;
    }
    let mut diag = Diagnostic::error(
        node.location.clone(),
        "mtls-name",
        format!(
            "route name '{name}' is not a valid VirtualService name: expected at most 253 \
             lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"
        ),
    )
    .with_path(path);
    let suggestion = dns_suggestion(name);
    if is_dns1123_subdomain(&suggestion) {
        diag = diag.with_hint(format!("try '{suggestion}'"));
    }
    out.push(diag);
}

/// Reports the second and later entries whose `key` repeats an earlier one.
fn check_duplicates<'a>(
    entries: impl Iterator<Item = (usize, &'a Node)>,
    key: impl Fn(&'a Node) -> Option<String>,
    list_path: &str,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, entry) in entries {
        let Some(k) = key(entry) else {
            continue;
        };
        if let Some(first) = seen.get(&k) {
            let location = get(entry, "name").map_or(&entry.location, |n| &n.location);
            out.push(
                Diagnostic::error(
                    location.clone(),
                    "mtls-duplicate",
                    format!("{what} {k} is declared twice (first at {list_path}[{first}])"),
                )
                .with_path(format!("{list_path}[{i}].name"))
                .with_hint("each would render the same resource; remove one or rename it"),
            );
        } else {
            seen.insert(k, i);
        }
    }
}

fn check_mtls(values: &Node, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(mtls) = get(values, "istioMtls") else {
        return;
    };
    let upstreams = as_seq(get(mtls, "upstreams"));
    let peers = as_seq(get(mtls, "peerAuthentications"));
    let routes = as_seq(get(mtls, "routes"));

    let upstreams_key = key_location(Some(mtls), "upstreams");
    if let Some(at) = upstreams_key.filter(|_| !upstreams.is_empty() && !ctx.istio_sds) {
        let mut diag = Diagnostic::error(
            at.clone(),
            "mtls-needs-sds",
            "mTLS upstreams get their certs from the sds sidecar, but global.istioSDS.enabled is false",
        )
        .with_path("istioMtls.upstreams")
        .with_hint("set global.istioSDS.enabled: true");
        if let Some(enabled) = ctx.istio_sds_node {
            diag = diag.with_hint(format!(
                "set global.istioSDS.enabled: true (now false at {})",
                enabled.location
            ));
        }
        out.push(diag);
    }

    let name_of = |n: &Node| as_str(get(n, "name")).map(str::to_string);
    check_duplicates(
        upstreams.iter().enumerate(),
        name_of,
        "istioMtls.upstreams",
        "upstream",
        out,
    );
    check_duplicates(
        peers.iter().enumerate(),
        |p| {
            let name = as_str(get(p, "name"))?;
            let namespace = as_str(get(p, "namespace"))?;
            Some(format!("{namespace}/{name}"))
        },
        "istioMtls.peerAuthentications",
        "PeerAuthentication",
        out,
    );
    // Routes sharing a name are one VirtualService; only the same name with the same prefix
    // repeats a route (the second could never match).
    check_duplicates(
        routes.iter().enumerate(),
        |r| {
            let name = as_str(get(r, "name"))?;
            let prefix = as_str(get(r, "pathPrefix")).unwrap_or("/");
            Some(format!("{name} with prefix {prefix}"))
        },
        "istioMtls.routes",
        "route",
        out,
    );

    let declared: Vec<&str> = upstreams
        .iter()
        .filter_map(|u| as_str(get(u, "name")))
        .collect();
    let declared_set: BTreeSet<&str> = declared.iter().copied().collect();
    let mut first_name: Option<&str> = None;
    for (i, r) in routes.iter().enumerate() {
        let base = format!("istioMtls.routes[{i}]");
        check_route_name(get(r, "name"), format!("{base}.name"), out);
        if let Some(node) = get(r, "upstream") {
            if let Some(target) = as_str(Some(node)) {
                if !declared_set.contains(target) {
                    let hint = match closest(target, declared.iter().copied()) {
                        Some(near) => format!("did you mean {near}?"),
                        None if declared.is_empty() => {
                            "declare it under istioMtls.upstreams".to_string()
                        }
                        None => format!("declared upstreams: {}", declared.join(", ")),
                    };
                    out.push(
                        Diagnostic::error(
                            node.location.clone(),
                            "mtls-route-upstream",
                            format!(
                                "route upstream '{target}' is not declared in istioMtls.upstreams"
                            ),
                        )
                        .with_path(format!("{base}.upstream"))
                        .with_hint(hint),
                    );
                }
            }
        }
        // Routes sharing a name form one VirtualService for domain '*'; a second name would be a
        // second virtual service for the same domain, which the gateway rejects.
        let name = as_str(get(r, "name"));
        if let (Some(name), Some(first)) = (name, first_name) {
            if name != first {
                let location = get(r, "name").map_or(&r.location, |n| &n.location);
                out.push(
                    Diagnostic::error(
                        location.clone(),
                        "mtls-route-domain",
                        format!(
                            "route '{name}' would be a second VirtualService for domain '*' beside '{first}', and the gateway rejects two virtual services with the same domain"
                        ),
                    )
                    .with_path(format!("{base}.name"))
                    .with_hint(format!(
                        "name it '{first}': routes with the same name share one VirtualService, as `glooctl add route --name {first}` does"
                    )),
                );
            }
        }
        if first_name.is_none() {
            first_name = name;
        }
    }
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names() {
        assert!(is_dns1123_label("default-productpage-9080"));
        assert!(!is_dns1123_label("Productpage"));
        assert!(!is_dns1123_label("-a"));
        assert!(!is_dns1123_label(&"a".repeat(64)));
        assert!(is_dns1123_subdomain("a.b-c"));
        assert!(!is_dns1123_subdomain("a..b"));
        assert_eq!(dns_suggestion("My_Upstream"), "my-upstream");
    }
}
