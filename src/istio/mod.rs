//! Istio integration: sidecars built for a mesh version, and the checks Helm cannot make.

pub mod checks;
pub mod sidecar;

pub use checks::check;
pub use sidecar::{build_sidecar, default_sidecar_fits, JwtPolicy, SidecarError, SidecarOptions};
