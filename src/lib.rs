//! gloo-chart: typed Gloo 1.5 Helm values, validated as Helm reads them, rendered to manifests
//! and written out as a chart that Helm 3 and Helm 4 install.
//!
//! The crate is a pipeline, one module per stage, with data flowing one way:
//! [`load`] (files and `--set` flags into positioned trees, merged as Helm coalesces them) →
//! [`validate`] (JSON schema generated from [`model`], then semantic rules; the result is typed
//! [`model::Values`]) → [`render`] (minijinja templates) → [`write`](mod@write) (stdout, a directory, a chart).
//! [`diag`] is the one diagnostic type every stage reports through.

pub mod cli;
pub mod diag;
pub mod docs;
pub mod istio;
pub mod load;
pub mod model;
pub mod render;
pub mod report;
pub mod validate;
pub mod values_file;
pub mod write;

/// How many threads the process may run at once (`std::thread::available_parallelism`, 1 when
/// unknown), asked once: on Linux every asking reads the cgroup files again.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES
        .get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
}
