//! SARIF 2.1.0 output for code-scanning services: one run, the rules that fired, one result per
//! diagnostic.
//!
//! Columns are counted in characters, which SARIF calls `unicodeCodePoints`. Findings from a
//! command-line flag have no file: they carry only a logical location (the value path) and
//! name the flag in the message.

use super::{is_file_source, Report};
use crate::diag::Diagnostic;
use serde_json::{json, Value};
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub(super) fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule).collect();
    rules.sort_unstable();
    rules.dedup();
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| result(d, &rules, report.files))
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "gloo-chart",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules.iter().map(|r| json!({
                        "id": r,
                        "shortDescription": { "text": format!("gloo-chart rule {r}") },
                    })).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn result(d: &Diagnostic, rules: &[&str], files: &[String]) -> Value {
    let source: &str = &d.location.source;
    let on_file = is_file_source(source, files);
    let mut text = String::new();
    if !on_file {
        text.push_str(source);
        text.push_str(": ");
    }
    if !d.path.is_empty() {
        text.push_str(&d.path);
        text.push_str(": ");
    }
    text.push_str(&d.message);
    if let Some(hint) = &d.hint {
        text.push_str(&format!(" (hint: {hint})"));
    }
    let mut location = serde_json::Map::new();
    if on_file {
        location.insert(
            "physicalLocation".into(),
            json!({
                "artifactLocation": { "uri": uri(source) },
                "region": { "startLine": d.location.line, "startColumn": d.location.col },
            }),
        );
    }
    if !d.path.is_empty() {
        location.insert(
            "logicalLocations".into(),
            json!([{ "fullyQualifiedName": d.path, "kind": "member" }]),
        );
    }
    let mut result = json!({
        "ruleId": d.rule,
        "ruleIndex": rules.iter().position(|r| *r == d.rule).unwrap_or(0),
        "level": d.severity.as_str(),
        "message": { "text": text },
    });
    if !location.is_empty() {
        result["locations"] = json!([Value::Object(location)]);
    }
    result
}

/// A URI reference for a file path: relative paths stay relative (code-scanning services resolve
/// them against the repository root), absolute ones become `file://` URIs; characters outside
/// the unreserved set are percent-encoded.
fn uri(path: &str) -> String {
    let slashed = path.replace('\\', "/");
    let mut out = String::new();
    if slashed.starts_with('/') {
        out.push_str("file://");
    }
    for b in slashed.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uri_encodes_spaces_and_keeps_relative_paths() {
        assert_eq!(uri("values/my file.yaml"), "values/my%20file.yaml");
        assert_eq!(uri("/tmp/a#b.yaml"), "file:///tmp/a%23b.yaml");
    }
}
