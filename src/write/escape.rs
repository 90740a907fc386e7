//! Turning text into something Helm passes through unchanged.
//!
//! Helm executes every file under `templates/` as a Go template, so text that came from values
//! must never reach it as template source. Go's lexer only looks for the left delimiter `{{`
//! in plain text; replacing each `{{` (left to right, without overlap) by the action
//! `{{"{{"}}`, which prints a literal `{{`, makes any text print as itself.

/// The Go template source that prints `text` verbatim.
pub(crate) fn helm_literal(text: &str) -> String {
    text.replace("{{", r#"{{"{{"}}"#)
}

/// A Go double-quoted string literal holding `text`, for use inside a template action.
pub(crate) fn go_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` as one POSIX shell word: unchanged when it needs no quoting, else single-quoted.
pub fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// What Helm would do to `text` after rendering it, beyond executing it: `None` when Helm keeps
/// it as it is.
///
/// Helm deletes every `<no value>` from rendered output (`pkg/engine`), whatever produced it, and
/// splits rendered files into documents at any line that starts with `---`.
pub(crate) fn helm_alteration(text: &str) -> Option<&'static str> {
    if text.contains("<no value>") {
        return Some("it contains the text `<no value>`, which Helm deletes from rendered output");
    }
    if text.lines().any(|line| line.starts_with("---")) {
        return Some("a line starts with `---`, where Helm would split it into two documents");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_literal_escapes_every_left_delimiter() {
        assert_eq!(
            helm_literal("a {{.PodName}} b"),
            r#"a {{"{{"}}.PodName}} b"#
        );
        assert_eq!(helm_literal("{{{"), r#"{{"{{"}}{"#);
        assert_eq!(
            helm_literal("{{{{"),
            r#"{{"{{"}}{{"{{"}}"#,
            "adjacent delimiters are escaped one by one"
        );
        assert_eq!(helm_literal("no braces }} here"), "no braces }} here");
    }

    #[test]
    fn helm_literal_leaves_no_bare_delimiter() {
        for text in ["{", "{{", "{{{", "x{{-", "{{/*", "}}{{", "{ {{"] {
            let escaped = helm_literal(text);
            // Every `{{` in the result must open one of the `{{"{{"}}` actions.
            let stripped = escaped.replace(r#"{{"{{"}}"#, "");
            assert!(!stripped.contains("{{"), "{text:?} -> {escaped:?}");
        }
    }

    #[test]
    fn go_string_escapes_quotes_backslashes_and_controls() {
        assert_eq!(go_string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(go_string("x\ny\u{1}"), r#""x\ny\x01""#);
        assert_eq!(go_string("{{ héllo }}"), r#""{{ héllo }}""#);
    }

    #[test]
    fn shell_word_quotes_only_when_needed() {
        assert_eq!(shell_word("out/gloo"), "out/gloo");
        assert_eq!(shell_word("my chart"), "'my chart'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn helm_alteration_finds_no_value_and_separators() {
        assert!(helm_alteration("a: <no value>").is_some());
        assert!(helm_alteration("a: 1\n--- \nb: 2").is_some());
        assert!(helm_alteration("a: |\n  ---\n").is_none());
        assert!(helm_alteration("a: 1").is_none());
    }
}
