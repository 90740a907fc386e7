//! Diagnostics: one type for every finding of every stage, carrying where it happened.
//!
//! Finding and printing are separate: stages return `Diagnostic`s, and the command line decides how
//! to show them (plain text here; other formats live beside it).

use std::fmt;
use std::sync::Arc;

/// How bad a finding is. The highest severity of a run sets its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Where a value came from: a file (or a `--set` flag, named as it was given), 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub source: Arc<str>,
    pub line: u32,
    pub col: u32,
}

impl Location {
    pub fn new(source: Arc<str>, line: u32, col: u32) -> Self {
        Location { source, line, col }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.source, self.line, self.col)
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Location,
    /// Value path in Helm's dotted form, e.g. `global.istioSDS.customSidecars[0].env[1].value`;
    /// empty for the document root.
    pub path: String,
    /// Short stable identifier of the rule that fired, e.g. `schema-type`, `yaml-syntax`.
    pub rule: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(location: Location, rule: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            location,
            path: String::new(),
            rule,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(location: Location, rule: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(location, rule, message)
        }
    }

    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sort key that makes output stable: file, line, column, then the rest.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (
            &self.location.source,
            self.location.line,
            self.location.col,
            &self.path,
            &self.message,
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: ", self.location, self.severity.as_str())?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Sorts diagnostics into their stable order and drops exact duplicates.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}

/// True when any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// The candidate nearest to `word`, for "did you mean" hints: equal ignoring case, one being
/// the other plus a trailing `s`, or within a small edit distance. `word` itself is never
/// suggested.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for cand in candidates {
        if cand == word {
            continue;
        }
        let cl = cand.to_lowercase();
        let dist = if cl == lower {
            0
        } else if cl.trim_end_matches('s') == lower.trim_end_matches('s') {
            1
        } else {
            edit_distance(&lower, &cl)
        };
        let limit = (word.chars().count().max(3) / 3).max(1);
        if dist <= limit && best.is_none_or(|(d, _)| dist < d) {
            best = Some((dist, cand));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn near_misses_are_suggested_and_exact_names_are_not() {
        let volumes = ["istio-certs", "istio-envoy"];
        assert_eq!(
            closest("istio-cert", volumes.into_iter()),
            Some("istio-certs")
        );
        assert_eq!(closest("zzz", volumes.into_iter()), None);
        assert_eq!(
            closest("istioSds", ["istioSDS", "glooMtls"].into_iter()),
            Some("istioSDS")
        );
        assert_eq!(closest("istio-certs", volumes.into_iter()), None);
    }
}
