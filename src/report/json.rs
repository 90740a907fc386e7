//! JSON output: an array with one object per diagnostic, keys `file`, `line`, `column`, `path`,
//! `severity`, `rule`, `message`, `hint` (`null` when there is none).

use super::Report;
use crate::diag::Diagnostic;
use std::io::{self, Write};

pub(super) fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let items: Vec<serde_json::Value> = report.diagnostics.iter().map(object).collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

fn object(d: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "file": &*d.location.source,
        "line": d.location.line,
        "column": d.location.col,
        "path": d.path,
        "severity": d.severity.as_str(),
        "rule": d.rule,
        "message": d.message,
        "hint": d.hint,
    })
}
