//! Text output: one `FILE:LINE:COL: error: PATH: message (hint: ...)` line per finding, and on
//! request colour and, under each line, the source line with a caret under the column (as rustc
//! shows them).
//!
//! The excerpt is read back from the file the finding names. Findings from command-line flags
//! and standard input have no file to read and get no excerpt; neither does a file that changed
//! or vanished since it was checked (the line is simply not there).

use super::{is_file_source, Report};
use crate::diag::{Diagnostic, Severity};
use std::collections::HashMap;
use std::io::{self, Write};

/// How text findings look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextStyle {
    /// ANSI colours.
    pub color: bool,
    /// The source line and a caret under each finding.
    pub excerpt: bool,
}

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const CYAN: &str = "\x1b[36m";

pub(super) fn write(report: &Report<'_>, style: TextStyle, out: &mut dyn Write) -> io::Result<()> {
    let mut sources = Sources::default();
    for d in report.diagnostics {
        if style.color {
            writeln!(out, "{}", colored_line(d))?;
        } else {
            writeln!(out, "{d}")?;
        }
        if style.excerpt && is_file_source(&d.location.source, report.files) {
            if let Some(line) = sources.line(&d.location.source, d.location.line) {
                write_excerpt(out, d, line, style.color)?;
            }
        }
    }
    Ok(())
}

/// The closing line of a text report: `N checked, E errors, W warnings`.
pub fn summary(files_checked: usize, diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    format!(
        "{files_checked} checked, {errors} error{}, {warnings} warning{}",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    )
}

fn severity_color(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => RED,
        Severity::Warning => YELLOW,
    }
}

fn colored_line(d: &Diagnostic) -> String {
    let mut line = format!(
        "{BOLD}{}{RESET}: {}{}{RESET}: ",
        d.location,
        severity_color(d.severity),
        d.severity.as_str()
    );
    if !d.path.is_empty() {
        line.push_str(&format!("{BOLD}{}{RESET}: ", d.path));
    }
    line.push_str(&d.message);
    if let Some(hint) = &d.hint {
        line.push_str(&format!(" {CYAN}(hint: {hint}){RESET}"));
    }
    line
}

/// ```text
///    |
/// 12 |     istioSds: {}
///    |     ^
/// ```
fn write_excerpt(out: &mut dyn Write, d: &Diagnostic, line: &str, color: bool) -> io::Result<()> {
    let number = d.location.line.to_string();
    let blank = " ".repeat(number.len());
    // Tabs are kept in the padding so the caret lines up whatever the tab width.
    let pad: String = line
        .chars()
        .take(d.location.col.saturating_sub(1) as usize)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let (gutter, mark, reset) = if color {
        (BLUE, severity_color(d.severity), RESET)
    } else {
        ("", "", "")
    };
    writeln!(out, "{gutter}{blank} |{reset}")?;
    writeln!(out, "{gutter}{number} |{reset} {line}")?;
    writeln!(out, "{gutter}{blank} |{reset} {pad}{mark}^{reset}")
}

/// Source files read back for excerpts, each at most once.
#[derive(Default)]
struct Sources {
    files: HashMap<String, Option<Vec<String>>>,
}

impl Sources {
    fn line(&mut self, path: &str, line: u32) -> Option<&str> {
        let lines = self.files.entry(path.to_string()).or_insert_with(|| {
            std::fs::read(path).ok().map(|bytes| {
                String::from_utf8_lossy(&bytes)
                    .lines()
                    .map(|l| l.trim_end_matches('\r').to_string())
                    .collect()
            })
        });
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        lines.as_ref()?.get(index).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Location;
    use std::sync::Arc;

    #[test]
    fn caret_keeps_tabs_of_the_source_line() {
        let d = Diagnostic::error(Location::new(Arc::from("f.yaml"), 3, 3), "r", "m");
        let mut out = Vec::new();
        write_excerpt(&mut out, &d, "\tab: 1", false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "  |\n3 | \tab: 1\n  | \t ^\n"
        );
    }

    #[test]
    fn summary_counts_errors_and_warnings() {
        let loc = Location::new(Arc::from("f"), 1, 1);
        let diags = vec![
            Diagnostic::error(loc.clone(), "r", "a"),
            Diagnostic::warning(loc, "r", "b"),
        ];
        assert_eq!(summary(2, &diags), "2 checked, 1 error, 1 warning");
    }
}
