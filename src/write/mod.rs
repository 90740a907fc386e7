//! Writing results: a whole chart directory that Helm 3 and Helm 4 install as it is.
//!
//! The chart holds manifests that earlier stages already rendered and validated, so Helm must
//! neither change them nor execute text from them: every rendered document is turned into a Go
//! template literal (`escape`), and a guard template fails any Helm command whose values or
//! namespace differ from the generated ones. The directory appears whole or not at all
//! (`atomic`).

mod atomic;
mod chart;
mod error;
mod escape;
mod semver;

pub use atomic::write_file_atomic;
pub use chart::{
    write_chart, ChartSpec, DEFAULT_CHART_VERSION, GENERATED_VALUES_FILE, GUARD_TEMPLATE,
};
pub use error::WriteError;
pub use escape::shell_word;

pub use crate::render::Document;
