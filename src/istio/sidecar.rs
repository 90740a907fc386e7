//! The istio-proxy sidecar that writes the mTLS certificates the sds container serves.
//!
//! The chart's default sidecar is built for Istio 1.6.8. Meshes on other releases need a container
//! whose discovery address, metadata and image match their control plane; this module builds it
//! for the releases the Gloo 1.5 integration works with, in the layout `glooctl istio inject` uses:
//! the 1.6 layout is the one the Istio mTLS guide prints (istio-pilot discovery address), releases
//! 1.7 to 1.19 talk to istiod and carry `ISTIO_META_CLUSTER_ID`.

use serde_json::{json, Value};
use std::fmt;
use std::str::FromStr;

/// How the sidecar authenticates to istiod: which service account token it presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JwtPolicy {
    /// A projected token with audience `istio-ca`, mounted from the `istio-token` volume.
    #[default]
    ThirdParty,
    /// The pod's own service account token; no `istio-token` mount.
    FirstParty,
}

impl JwtPolicy {
    /// The value of the `JWT_POLICY` environment variable.
    pub fn as_str(self) -> &'static str {
        match self {
            JwtPolicy::ThirdParty => "third-party-jwt",
            JwtPolicy::FirstParty => "first-party-jwt",
        }
    }
}

impl fmt::Display for JwtPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JwtPolicy {
    type Err = SidecarError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "third-party-jwt" => Ok(JwtPolicy::ThirdParty),
            "first-party-jwt" => Ok(JwtPolicy::FirstParty),
            other => Err(SidecarError::UnknownJwtPolicy(other.to_string())),
        }
    }
}

/// What the sidecar is built for. Unset options take the defaults of the Istio release.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SidecarOptions {
    /// The mesh's Istio release, `X.Y.Z` (a `-suffix` such as `-distroless` is kept in the image tag).
    pub istio_version: String,
    pub jwt_policy: JwtPolicy,
    /// `ISTIO_META_MESH_ID`; default `cluster.local`.
    pub mesh_id: Option<String>,
    /// `ISTIO_META_CLUSTER_ID`; default `Kubernetes` from 1.7 on, absent for 1.6.
    pub cluster_id: Option<String>,
    /// `--trust-domain=`; default `cluster.local`.
    pub trust_domain: Option<String>,
    /// istiod's `HOST:PORT`, used as `CA_ADDR` and as the discovery address.
    pub istiod_address: Option<String>,
}

impl SidecarOptions {
    /// Options for `istio_version` with every other setting at its default.
    pub fn new(istio_version: impl Into<String>) -> Self {
        SidecarOptions {
            istio_version: istio_version.into(),
            ..SidecarOptions::default()
        }
    }
}

/// Why no sidecar could be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SidecarError {
    /// Not of the form `X.Y.Z`.
    InvalidVersion(String),
    /// A well-formed release outside the supported ranges.
    UnsupportedVersion(String),
    UnknownJwtPolicy(String),
    /// An option value that would produce a broken container (empty, or with whitespace).
    InvalidOption {
        option: &'static str,
        value: String,
    },
}

/// The releases [`build_sidecar`] supports, as users should read them.
pub const SUPPORTED_RANGES: &str = "1.6.x and 1.7.x to 1.19.x";

impl fmt::Display for SidecarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SidecarError::InvalidVersion(v) => write!(
                f,
                "invalid istio version '{v}': expected X.Y.Z, e.g. 1.8.2 (supported: {SUPPORTED_RANGES})"
            ),
            SidecarError::UnsupportedVersion(v) => write!(
                f,
                "istio version {v} is not supported: the sidecar can be built for {SUPPORTED_RANGES}"
            ),
            SidecarError::UnknownJwtPolicy(p) => write!(
                f,
                "unknown jwt policy '{p}': choose third-party-jwt or first-party-jwt"
            ),
            SidecarError::InvalidOption { option, value } => write!(
                f,
                "invalid {option} '{value}': expected a non-empty value without spaces"
            ),
        }
    }
}

impl std::error::Error for SidecarError {}

/// The container layout of an Istio release line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// 1.6: discovery through the `istio-pilot` service, no cluster id.
    Pilot,
    /// 1.7 to 1.19: discovery through istiod, cluster id in the proxy metadata.
    Istiod,
}

/// The release the chart's own default sidecar (`docker.io/istio/proxyv2:1.6.8`) is built for.
pub const DEFAULT_SIDECAR_VERSION: &str = "1.6.8";

const DEFAULT_MESH_ID: &str = "cluster.local";
const DEFAULT_TRUST_DOMAIN: &str = "cluster.local";
const DEFAULT_CLUSTER_ID: &str = "Kubernetes";
const ISTIOD_ADDRESS: &str = "istiod.istio-system.svc:15012";
const PILOT_ADDRESS: &str = "istio-pilot.istio-system.svc:15012";

/// Checks `X.Y.Z[-suffix]` and picks the layout for the release.
fn layout_for(version: &str) -> Result<Layout, SidecarError> {
    let invalid = || SidecarError::InvalidVersion(version.to_string());
    let (core, suffix) = match version.split_once('-') {
        Some((core, suffix)) => (core, Some(suffix)),
        None => (version, None),
    };
    if let Some(suffix) = suffix {
        let ok = !suffix.is_empty()
            && suffix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if !ok {
            return Err(invalid());
        }
    }
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(invalid());
    }
    let number = |s: &str| s.parse::<u64>().map_err(|_| invalid());
    let (major, minor) = (number(parts[0])?, number(parts[1])?);
    number(parts[2])?;
    match (major, minor) {
        (1, 6) => Ok(Layout::Pilot),
        (1, 7..=19) => Ok(Layout::Istiod),
        _ => Err(SidecarError::UnsupportedVersion(version.to_string())),
    }
}

fn option_value<'a>(
    option: &'static str,
    value: &'a Option<String>,
    default: &'a str,
) -> Result<&'a str, SidecarError> {
    match value {
        None => Ok(default),
        Some(v) if !v.is_empty() && !v.chars().any(char::is_whitespace) => Ok(v),
        Some(v) => Err(SidecarError::InvalidOption {
            option,
            value: v.clone(),
        }),
    }
}

fn field_ref(field_path: &str) -> Value {
    json!({ "fieldRef": { "fieldPath": field_path } })
}

fn field_ref_v1(field_path: &str) -> Value {
    json!({ "fieldRef": { "apiVersion": "v1", "fieldPath": field_path } })
}

/// Builds the istio-proxy container for `opts`, as one Kubernetes Container in JSON with its keys
/// in the order the guide writes them (name, image, args, env, imagePullPolicy, readinessProbe,
/// volumeMounts).
pub fn build_sidecar(opts: &SidecarOptions) -> Result<Value, SidecarError> {
    let layout = layout_for(&opts.istio_version)?;
    let mesh_id = option_value("mesh id", &opts.mesh_id, DEFAULT_MESH_ID)?;
    let trust_domain = option_value("trust domain", &opts.trust_domain, DEFAULT_TRUST_DOMAIN)?;
    let ca_address = option_value("istiod address", &opts.istiod_address, ISTIOD_ADDRESS)?;
    let discovery_address = match (&opts.istiod_address, layout) {
        (None, Layout::Pilot) => PILOT_ADDRESS,
        _ => ca_address,
    };
    let cluster_id = match (&opts.cluster_id, layout) {
        (None, Layout::Pilot) => None,
        (cluster_id, _) => Some(option_value("cluster id", cluster_id, DEFAULT_CLUSTER_ID)?),
    };
    Ok(container(&Resolved {
        version: &opts.istio_version,
        jwt_policy: opts.jwt_policy,
        mesh_id,
        cluster_id,
        trust_domain,
        ca_address,
        discovery_address,
    }))
}

/// Every setting of the container, defaults applied.
struct Resolved<'a> {
    version: &'a str,
    jwt_policy: JwtPolicy,
    mesh_id: &'a str,
    cluster_id: Option<&'a str>,
    trust_domain: &'a str,
    ca_address: &'a str,
    discovery_address: &'a str,
}

fn container(r: &Resolved<'_>) -> Value {
    let Resolved {
        version,
        jwt_policy,
        mesh_id,
        cluster_id,
        trust_domain,
        ca_address,
        discovery_address,
    } = *r;
    let args = json!([
        "proxy",
        "sidecar",
        "--domain",
        "$(POD_NAMESPACE).svc.cluster.local",
        "--configPath",
        "/etc/istio/proxy",
        "--binaryPath",
        "/usr/local/bin/envoy",
        "--serviceCluster",
        "istio-proxy-prometheus",
        "--drainDuration",
        "45s",
        "--parentShutdownDuration",
        "1m0s",
        "--discoveryAddress",
        discovery_address,
        "--proxyLogLevel=warning",
        "--proxyComponentLogLevel=misc:error",
        "--connectTimeout",
        "10s",
        "--proxyAdminPort",
        "15000",
        "--controlPlaneAuthPolicy",
        "NONE",
        "--dnsRefreshRate",
        "300s",
        "--statusPort",
        "15021",
        format!("--trust-domain={trust_domain}"),
        "--controlPlaneBootstrap=false",
    ]);

    let mut env = vec![
        json!({ "name": "OUTPUT_CERTS", "value": "/etc/istio-certs" }),
        json!({ "name": "JWT_POLICY", "value": jwt_policy.as_str() }),
        json!({ "name": "PILOT_CERT_PROVIDER", "value": "istiod" }),
        json!({ "name": "CA_ADDR", "value": ca_address }),
        json!({ "name": "ISTIO_META_MESH_ID", "value": mesh_id }),
    ];
    if let Some(cluster_id) = cluster_id {
        env.push(json!({ "name": "ISTIO_META_CLUSTER_ID", "value": cluster_id }));
    }
    env.extend([
        json!({ "name": "POD_NAME", "valueFrom": field_ref("metadata.name") }),
        json!({ "name": "POD_NAMESPACE", "valueFrom": field_ref("metadata.namespace") }),
        json!({ "name": "INSTANCE_IP", "valueFrom": field_ref("status.podIP") }),
        json!({ "name": "SERVICE_ACCOUNT", "valueFrom": field_ref("spec.serviceAccountName") }),
        json!({ "name": "HOST_IP", "valueFrom": field_ref("status.hostIP") }),
        json!({ "name": "ISTIO_META_POD_NAME", "valueFrom": field_ref_v1("metadata.name") }),
        json!({
            "name": "ISTIO_META_CONFIG_NAMESPACE",
            "valueFrom": field_ref_v1("metadata.namespace"),
        }),
    ]);

    let mut mounts = vec![
        json!({ "mountPath": "/var/run/secrets/istio", "name": "istiod-ca-cert" }),
        json!({ "mountPath": "/etc/istio/proxy", "name": "istio-envoy" }),
        json!({ "mountPath": "/etc/istio-certs/", "name": "istio-certs" }),
    ];
    if jwt_policy == JwtPolicy::ThirdParty {
        mounts.push(json!({ "mountPath": "/var/run/secrets/tokens", "name": "istio-token" }));
    }

    json!({
        "name": "istio-proxy",
        "image": format!("docker.io/istio/proxyv2:{version}"),
        "args": args,
        "env": env,
        "imagePullPolicy": "IfNotPresent",
        "readinessProbe": {
            "failureThreshold": 30,
            "httpGet": { "path": "/healthz/ready", "port": 15021, "scheme": "HTTP" },
            "initialDelaySeconds": 1,
            "periodSeconds": 2,
            "successThreshold": 1,
            "timeoutSeconds": 1,
        },
        "volumeMounts": mounts,
    })
}

/// The istio-proxy container the chart renders when `customSidecars` is empty.
pub fn chart_default_sidecar() -> Value {
    container(&Resolved {
        version: DEFAULT_SIDECAR_VERSION,
        jwt_policy: JwtPolicy::ThirdParty,
        mesh_id: DEFAULT_MESH_ID,
        cluster_id: None,
        trust_domain: DEFAULT_TRUST_DOMAIN,
        ca_address: ISTIOD_ADDRESS,
        discovery_address: PILOT_ADDRESS,
    })
}

/// True when the chart's default sidecar (proxyv2:1.6.8) is built for `version`: only 1.6.8 itself,
/// since the image tag is part of the container.
pub fn default_sidecar_fits(version: &str) -> bool {
    version == DEFAULT_SIDECAR_VERSION
}

/// True when `opts` call for a container other than the chart's default one, so values must carry
/// it in `customSidecars` (a different release, JWT policy, mesh id, ... all count).
pub fn needs_custom_sidecar(opts: &SidecarOptions) -> Result<bool, SidecarError> {
    Ok(build_sidecar(opts)? != chart_default_sidecar())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_pick_their_layout() {
        assert_eq!(layout_for("1.6.0"), Ok(Layout::Pilot));
        assert_eq!(layout_for("1.7.3"), Ok(Layout::Istiod));
        assert_eq!(layout_for("1.19.10"), Ok(Layout::Istiod));
        assert_eq!(layout_for("1.9.0-distroless"), Ok(Layout::Istiod));
    }

    #[test]
    fn versions_outside_the_ranges_are_refused() {
        for v in ["1.5.10", "1.20.0", "2.0.0", "0.6.1"] {
            assert_eq!(
                layout_for(v),
                Err(SidecarError::UnsupportedVersion(v.into()))
            );
        }
        for v in ["1.6", "1.6.x", "v1.6.6", "", "1.6.6-", "1..6", "1.6.6 "] {
            assert_eq!(layout_for(v), Err(SidecarError::InvalidVersion(v.into())));
        }
    }

    #[test]
    fn error_names_the_supported_ranges() {
        let err = build_sidecar(&SidecarOptions::new("1.20.1")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "istio version 1.20.1 is not supported: the sidecar can be built for 1.6.x and 1.7.x to 1.19.x"
        );
    }

    #[test]
    fn options_replace_the_defaults() {
        let opts = SidecarOptions {
            istio_version: "1.6.6".into(),
            jwt_policy: JwtPolicy::ThirdParty,
            mesh_id: Some("mesh1".into()),
            cluster_id: Some("east".into()),
            trust_domain: Some("corp.example".into()),
            istiod_address: Some("istiod-canary.istio-system.svc:15012".into()),
        };
        let c = build_sidecar(&opts).unwrap();
        let args = c["args"].as_array().unwrap();
        assert!(args.contains(&json!("--trust-domain=corp.example")));
        let i = args.iter().position(|a| a == "--discoveryAddress").unwrap();
        assert_eq!(args[i + 1], "istiod-canary.istio-system.svc:15012");
        let env = |name: &str| {
            c["env"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["name"] == name)
                .map(|e| e["value"].clone())
        };
        assert_eq!(
            env("CA_ADDR"),
            Some(json!("istiod-canary.istio-system.svc:15012"))
        );
        assert_eq!(env("ISTIO_META_MESH_ID"), Some(json!("mesh1")));
        assert_eq!(env("ISTIO_META_CLUSTER_ID"), Some(json!("east")));
    }

    #[test]
    fn blank_options_are_refused() {
        let opts = SidecarOptions {
            mesh_id: Some(" ".into()),
            ..SidecarOptions::new("1.8.2")
        };
        assert!(matches!(
            build_sidecar(&opts),
            Err(SidecarError::InvalidOption {
                option: "mesh id",
                ..
            })
        ));
    }

    #[test]
    fn only_the_default_release_fits_the_default_sidecar() {
        assert!(default_sidecar_fits("1.6.8"));
        assert!(!default_sidecar_fits("1.6.6"));
        assert_eq!(
            needs_custom_sidecar(&SidecarOptions::new("1.6.8")),
            Ok(false)
        );
        let first_party = SidecarOptions {
            jwt_policy: JwtPolicy::FirstParty,
            ..SidecarOptions::new("1.6.8")
        };
        assert_eq!(needs_custom_sidecar(&first_party), Ok(true));
    }

    #[test]
    fn jwt_policy_parses_its_env_values() {
        assert_eq!("first-party-jwt".parse(), Ok(JwtPolicy::FirstParty));
        assert_eq!("third-party-jwt".parse(), Ok(JwtPolicy::ThirdParty));
        assert!("jwt".parse::<JwtPolicy>().is_err());
    }
}
