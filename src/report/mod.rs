//! Printing the findings of `validate`: one file per output format.
//!
//! Every format is built from the same two inputs, the sorted [`Diagnostic`]s and the list of
//! files that were checked, so finding and printing stay apart: the validator never knows which
//! format a run asked for. Text is for people (optionally coloured, with a source excerpt), JSON
//! for scripts, JUnit XML for CI dashboards and SARIF 2.1.0 for code-scanning services.

mod json;
mod junit;
mod progress;
mod sarif;
mod text;

use crate::diag::Diagnostic;
use std::io::{self, Write};

pub use progress::Progress;
pub use text::{summary, TextStyle};

/// How the findings of a run are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `FILE:LINE:COL: error: PATH: message (hint: ...)` lines, with an optional excerpt.
    Text(TextStyle),
    /// A JSON array, one object per diagnostic.
    Json,
    /// JUnit XML: one test suite, one test case per file checked.
    Junit,
    /// SARIF 2.1.0, one run.
    Sarif,
}

/// What a validation run found.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The findings, in their stable order (see [`crate::diag::sort`]).
    pub diagnostics: &'a [Diagnostic],
    /// The files checked, named as diagnostics name their source.
    pub files: &'a [String],
}

/// Writes `report` to `out` in `format`.
pub fn write(format: Format, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Text(style) => text::write(report, style, out),
        Format::Json => json::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Sarif => sarif::write(report, out),
    }
}

/// True when a diagnostic's source names a file on disk rather than a command-line flag
/// (`--set a=b`, `--istio-version 1.8.0`) or standard input (`-`).
fn is_file_source(source: &str, files: &[String]) -> bool {
    !source.starts_with('-') || files.iter().any(|f| f == source)
}
