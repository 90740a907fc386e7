//! What Helm reads of each rendered document before printing it: its `kind`, and whether
//! `metadata.annotations` holds a `helm.sh/hook` key.
//!
//! Helm parses every document as YAML to learn these two facts. Parsing all of a render's output
//! costs more than rendering it, so [`scan`] reads them from the lines instead: the templates
//! print block YAML whose top level, `metadata` and `metadata.annotations` are plain `key: value`
//! lines. Whatever the scan cannot read for certain (flow collections, anchors, aliases, tags,
//! merge keys, repeated keys, quoted text with escapes or across lines, odd indentation) makes it
//! give up, and the document is parsed in full instead.
//!
//! The trade-off: in release builds a document the scan reads is not checked to be valid YAML.
//! Debug builds, and so every test, parse each document in full as well and fail when it is not
//! YAML or when the parser and the scan disagree.

/// Kind (empty when missing or not a string) and hook flag, read from the lines of `text`, or
/// `None` when the text leaves the subset the scan reads for certain.
pub fn scan(text: &str) -> Option<(String, bool)> {
    let mut kind: Option<String> = None;
    let mut seen_metadata = false;
    let mut hook = false;
    let mut at = Place::Other;
    for line in text.split('\n') {
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if content.starts_with('\t') || content.starts_with('\r') {
            return None;
        }
        let indent = line.len() - content.len();
        if indent == 0 && (content == "-" || content.starts_with("- ")) {
            // An item of a list written flush under the key before it (`rules:` then `- ...`).
            if !matches!(at, Place::List) {
                return None;
            }
            continue;
        }
        if indent == 0 {
            let (key, value) = entry(content)?;
            at = if value.is_empty() {
                Place::List
            } else {
                Place::Other
            };
            match key {
                "kind" => {
                    if kind.is_some() {
                        return None;
                    }
                    kind = Some(kind_value(value)?);
                }
                "metadata" => {
                    if seen_metadata {
                        return None;
                    }
                    seen_metadata = true;
                    match value {
                        "" => at = Place::Metadata { child: None },
                        "{}" => {}
                        _ => return None,
                    }
                }
                _ => {}
            }
            continue;
        }
        match &mut at {
            Place::Other | Place::List => {}
            Place::Metadata { child } => {
                let c = *child.get_or_insert(indent);
                if let Some(next) = metadata_line(c, indent, content)? {
                    at = next;
                }
            }
            Place::Annotations {
                metadata,
                child,
                seen_hook,
            } => {
                let m = *metadata;
                if indent <= m {
                    // Back at the level of `metadata`'s own keys.
                    at = Place::Metadata { child: Some(m) };
                    if let Some(next) = metadata_line(m, indent, content)? {
                        at = next;
                    }
                    continue;
                }
                let c = *child.get_or_insert(indent);
                if indent < c {
                    return None;
                }
                if indent == c {
                    let (key, _) = entry(content)?;
                    if key == "helm.sh/hook" {
                        if *seen_hook {
                            return None;
                        }
                        *seen_hook = true;
                        hook = true;
                    }
                }
            }
        }
    }
    Some((kind.unwrap_or_default(), hook))
}

/// Where the scan is: in a top-level value it does not read (`List` when the key's value starts
/// on the next line, so it may be a list written flush under the key), among `metadata`'s keys
/// (indented by `child` once known), or among the annotations (indented by `child`, under
/// `metadata` keys indented by `metadata`).
enum Place {
    Other,
    List,
    Metadata {
        child: Option<usize>,
    },
    Annotations {
        metadata: usize,
        child: Option<usize>,
        seen_hook: bool,
    },
}

/// A line among `metadata`'s keys (indented by `child`): `Some(Some(place))` when it opens
/// `annotations`, `Some(None)` for any other line the scan can step over, `None` when the line
/// is outside the subset.
fn metadata_line(child: usize, indent: usize, content: &str) -> Option<Option<Place>> {
    if indent < child {
        return None;
    }
    if indent > child {
        return Some(None);
    }
    let (key, value) = entry(content)?;
    if key != "annotations" {
        return Some(None);
    }
    match value {
        "" => Some(Some(Place::Annotations {
            metadata: child,
            child: None,
            seen_hook: false,
        })),
        "{}" => Some(None),
        _ => None,
    }
}

/// Splits `key: value` (value without a trailing comment, trimmed). `None` for anything but a
/// plain or simply quoted key followed by a value the scan can step over on this line.
fn entry(content: &str) -> Option<(&str, &str)> {
    let (key, rest) = match content.as_bytes().first()? {
        b'"' => {
            let end = content[1..].find('"')? + 1;
            let key = &content[1..end];
            if key.contains('\\') {
                return None;
            }
            (key, &content[end + 1..])
        }
        b'\'' => {
            let end = content[1..].find('\'')? + 1;
            if content[end + 1..].starts_with('\'') {
                return None;
            }
            (&content[1..end], &content[end + 1..])
        }
        b'-' | b'?' | b'[' | b'{' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`'
        | b'<' | b',' | b']' | b'}' => return None,
        _ => {
            let colon = content
                .match_indices(':')
                .map(|(i, _)| i)
                .find(|&i| matches!(content.as_bytes().get(i + 1), None | Some(b' ')))?;
            let key = &content[..colon];
            if key.contains(" #") || key.ends_with(' ') {
                return None;
            }
            (key, &content[colon..])
        }
    };
    let rest = rest.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let value = strip_comment(rest.trim());
    Some((key, steppable(value)?))
}

/// `value` without a ` #` comment (a plain value cannot contain ` #`; a quoted one is checked
/// by [`steppable`]).
fn strip_comment(value: &str) -> &str {
    if value.starts_with('"') || value.starts_with('\'') {
        return value;
    }
    match value.find(" #") {
        Some(i) => value[..i].trim_end(),
        None => value,
    }
}

/// The value when the next line cannot belong to it, except as more-indented block content:
/// quoted text must close on this line, and flow collections, anchors, aliases and tags are left
/// to the parser.
fn steppable(value: &str) -> Option<&str> {
    match value.as_bytes().first() {
        None => Some(value),
        Some(b'"') => {
            let inner = &value[1..];
            let end = inner.find('"')?;
            if inner[..end].contains('\\') || !after_quote(&inner[end + 1..]) {
                return None;
            }
            Some(value)
        }
        Some(b'\'') => {
            let inner = &value[1..];
            let end = inner.find('\'')?;
            if inner[end + 1..].starts_with('\'') || !after_quote(&inner[end + 1..]) {
                return None;
            }
            Some(value)
        }
        Some(b'{') if value == "{}" => Some(value),
        Some(b'[') if value == "[]" => Some(value),
        Some(b'[' | b'{' | b'&' | b'*' | b'!' | b'%' | b'@' | b'`') => None,
        Some(_) => Some(value),
    }
}

fn after_quote(rest: &str) -> bool {
    let rest = rest.trim_start();
    rest.is_empty() || rest.starts_with('#')
}

/// The kind as Helm reads it: a string, or empty when the value is not one. Plain values other
/// than simple words (which YAML might read as a number, a boolean or null) are left to the
/// parser.
fn kind_value(value: &str) -> Option<String> {
    let text = match value.as_bytes().first() {
        None => return Some(String::new()),
        Some(b'"' | b'\'') => &value[1..value.len() - 1],
        Some(_) => {
            let word = value.bytes().all(|b| b.is_ascii_alphanumeric())
                && value.as_bytes()[0].is_ascii_alphabetic();
            let special = matches!(
                value,
                "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
            );
            if !word || special {
                return None;
            }
            value
        }
    };
    Some(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::scan;

    #[test]
    fn reads_kind_and_hook_from_block_yaml() {
        let doc = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  labels:\n    app: gloo\n  annotations:\n    \"helm.sh/hook\": pre-install\n    helm.sh/hook-weight: \"5\"\n  name: certgen\nspec:\n  template:\n    metadata:\n      annotations:\n        helm.sh/hook: nope\n";
        assert_eq!(scan(doc), Some(("Job".to_string(), true)));
    }

    #[test]
    fn lists_flush_under_their_key_are_stepped_over() {
        let doc = "kind: ClusterRole\nmetadata:\n  name: r\nrules:\n- apiGroups: [\"\"]\n  verbs: [\"get\"]\n-\n  kind: Pod\n";
        assert_eq!(scan(doc), Some(("ClusterRole".to_string(), false)));
    }

    #[test]
    fn annotations_of_nested_metadata_are_not_hooks() {
        let doc = "kind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    metadata:\n      annotations:\n        helm.sh/hook: pre-install\n";
        assert_eq!(scan(doc), Some(("Deployment".to_string(), false)));
    }

    #[test]
    fn block_scalar_content_is_stepped_over() {
        let doc = "kind: ConfigMap\nmetadata:\n  annotations:\n    note: |\n      helm.sh/hook: x\n    other: y\ndata:\n  envoy.yaml: |\n    kind: Pod\n";
        assert_eq!(scan(doc), Some(("ConfigMap".to_string(), false)));
    }

    #[test]
    fn gives_up_on_what_it_cannot_read_for_certain() {
        for doc in [
            "kind: &k Job\n",
            "kind: 12\n",
            "kind: true\n",
            "kind: Job\nkind: Pod\n",
            "metadata: {annotations: {helm.sh/hook: x}}\nkind: Job\n",
            "metadata:\n  <<: *base\nkind: Job\n",
            "kind: \"Jo\\u0062\"\n",
            "kind: Job\nmetadata:\n  annotations:\n    a: \"multi\n    line\"\n",
            "- a\n",
            "kind: Job\n- a\n",
            "\tkind: Job\n",
        ] {
            assert_eq!(scan(doc), None, "{doc}");
        }
    }

    #[test]
    fn missing_or_empty_kind_reads_as_empty() {
        assert_eq!(scan("metadata:\n  name: x\n"), Some((String::new(), false)));
        assert_eq!(scan("kind:\n"), Some((String::new(), false)));
        assert_eq!(scan("# only a comment"), Some((String::new(), false)));
    }
}
