//! JUnit XML output for CI dashboards: one `<testsuite>`, one `<testcase>` per file checked.
//!
//! A file with errors gets one `<failure>` (JUnit readers expect at most one per test case)
//! whose text lists every error; warnings go to the test case's `<system-out>`. Findings from
//! sources that are not one of the checked files (a `-f` base layer, a `--set` flag) get a test
//! case of their own, so no finding is lost.

use super::Report;
use crate::diag::{Diagnostic, Severity};
use std::io::{self, Write};

const SUITE: &str = "gloo-chart validate";

pub(super) fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let cases = cases(report);
    let failures = cases.iter().filter(|c| c.errors().next().is_some()).count();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"0\"",
        cases.len()
    );
    xml.push_str(&format!("<testsuites name=\"{SUITE}\" {counts}>\n"));
    xml.push_str(&format!(
        "  <testsuite name=\"{SUITE}\" {counts} skipped=\"0\">\n"
    ));
    for case in &cases {
        case.push_xml(&mut xml);
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    out.write_all(xml.as_bytes())
}

struct Case<'a> {
    name: &'a str,
    diagnostics: Vec<&'a Diagnostic>,
}

impl<'a> Case<'a> {
    fn errors(&self) -> impl Iterator<Item = &&'a Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    fn push_xml(&self, xml: &mut String) {
        let name = escape(self.name);
        xml.push_str(&format!(
            "    <testcase name=\"{name}\" classname=\"{SUITE}\" file=\"{name}\" time=\"0\""
        ));
        let errors: Vec<&&Diagnostic> = self.errors().collect();
        let warnings: Vec<&&Diagnostic> = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .collect();
        if errors.is_empty() && warnings.is_empty() {
            xml.push_str("/>\n");
            return;
        }
        xml.push_str(">\n");
        if let Some(first) = errors.first() {
            let mut message = first.to_string();
            if errors.len() > 1 {
                message.push_str(&format!(" (and {} more)", errors.len() - 1));
            }
            let body: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
            xml.push_str(&format!(
                "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                escape(&message),
                escape(first.rule),
                escape(&body.join("\n"))
            ));
        }
        if !warnings.is_empty() {
            let body: Vec<String> = warnings.iter().map(|d| d.to_string()).collect();
            xml.push_str(&format!(
                "      <system-out>{}</system-out>\n",
                escape(&body.join("\n"))
            ));
        }
        xml.push_str("    </testcase>\n");
    }
}

/// The checked files in order, then every other source a finding came from.
fn cases<'a>(report: &Report<'a>) -> Vec<Case<'a>> {
    let mut cases: Vec<Case<'a>> = report
        .files
        .iter()
        .map(|f| Case {
            name: f.as_str(),
            diagnostics: Vec::new(),
        })
        .collect();
    for d in report.diagnostics {
        let source: &str = &d.location.source;
        match cases.iter_mut().find(|c| c.name == source) {
            Some(case) => case.diagnostics.push(d),
            None => cases.push(Case {
                name: source,
                diagnostics: vec![d],
            }),
        }
    }
    cases
}

/// Escapes text for XML content and attribute values. Characters XML 1.0 cannot carry at all
/// (most C0 controls) become U+FFFD; line breaks and tabs become character references so that
/// attribute values keep them.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_replaces_markup_and_controls() {
        assert_eq!(
            escape("a<b>&\"c'\n\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;\u{FFFD}"
        );
    }
}
