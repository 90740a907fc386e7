//! Schema validation with located findings.
//!
//! The JSON schema generated from the model is what Helm enforces too, but Helm reports a JSON
//! pointer and nothing else. Here each schema error is mapped back through the positioned tree to
//! the file, line and column the offending value came from, with the value path in Helm's dotted
//! form, what the schema expected, what was found, and a hint where one is known.

use crate::diag::{closest, Diagnostic, Location};
use crate::load::node::pointer_to_path;
use crate::load::{Node, Value};
use crate::model::{LABEL_VALUE, QUALIFIED_NAME};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value as Json;

/// Validates the merged values against the generated schema. `schema` is the schema document
/// the validator was built from; it is read to suggest near-miss key names.
pub fn check(
    merged: &Node,
    json: &Json,
    validator: &jsonschema::Validator,
    schema: &Json,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    collect(merged, "", json, validator, schema, &mut out);
    drop_shadowed_enums(&mut out);
    out
}

/// Validates `json`, the value at JSON pointer `prefix` of `merged`, against `validator` (built
/// from `schema`, the schema of that value) and adds the findings to `out`, located and named as
/// if the whole tree had been validated against the whole schema. Call
/// [`drop_shadowed_enums`] once every part has been collected.
pub fn collect(
    merged: &Node,
    prefix: &str,
    json: &Json,
    validator: &jsonschema::Validator,
    schema: &Json,
    out: &mut Vec<Diagnostic>,
) {
    for error in validator.iter_errors(json) {
        let mut pointer =
            String::with_capacity(prefix.len() + error.instance_path().as_str().len());
        pointer.push_str(prefix);
        pointer.push_str(error.instance_path().as_str());
        let schema_pointer = error.schema_path().as_str().to_string();
        let (node, _) = merged.lookup_pointer(&pointer);
        let path = pointer_to_path(merged, &pointer);
        explain(
            merged,
            node,
            &pointer,
            &path,
            error.kind(),
            &schema_pointer,
            schema,
            out,
        );
    }
}

/// A value of the wrong type also fails its enum; the type error says it all.
pub fn drop_shadowed_enums(out: &mut Vec<Diagnostic>) {
    if !out.iter().any(|d| d.rule == "schema-enum") {
        return;
    }
    let typed: std::collections::BTreeSet<(String, Location)> = out
        .iter()
        .filter(|d| d.rule == "schema-type")
        .map(|d| (d.path.clone(), d.location.clone()))
        .collect();
    out.retain(|d| {
        d.rule != "schema-enum" || !typed.contains(&(d.path.clone(), d.location.clone()))
    });
}

#[allow(clippy::too_many_arguments)]
fn explain(
    root: &Node,
    node: &Node,
    pointer: &str,
    path: &str,
    kind: &ValidationErrorKind,
    schema_pointer: &str,
    schema: &Json,
    out: &mut Vec<Diagnostic>,
) {
    let at = node.location.clone();
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed_keys(schema, schema_pointer);
            for key in unexpected {
                let (location, key_path) = key_site(root, node, pointer, key);
                let mut d = Diagnostic::error(
                    location,
                    "schema-unknown-key",
                    format!("unknown key `{key}`"),
                )
                .with_path(key_path);
                if let Some(hint) = unknown_key_hint(path, key, &allowed) {
                    d = d.with_hint(hint);
                }
                out.push(d);
            }
        }
        ValidationErrorKind::Type { kind } => {
            let expected = type_words(kind);
            let mut d = Diagnostic::error(
                at,
                "schema-type",
                format!("expected {expected}, found {}", describe(node)),
            )
            .with_path(path);
            if let Some(hint) = quote_hint(node, &expected) {
                d = d.with_hint(hint);
            }
            out.push(d);
        }
        ValidationErrorKind::Enum { options } => {
            let choices = match options.as_ref() {
                Json::Array(items) => items
                    .iter()
                    .filter(|i| !i.is_null())
                    .map(render_json)
                    .collect::<Vec<_>>(),
                other => vec![render_json(other)],
            };
            let mut d = Diagnostic::error(
                at,
                "schema-enum",
                format!(
                    "expected one of {}, found {}",
                    choices.join(", "),
                    describe(node)
                ),
            )
            .with_path(path);
            if choices == ["false"] && matches!(node.value, Value::Bool(true)) {
                d = d.with_hint(
                    "gloo-chart generates gateway-mode installs only; ingress and knative modes are not supported",
                );
            } else if let Some(hint) = quote_hint(node, "string") {
                d = d.with_hint(hint);
            } else if let Value::Str(s) = &node.value {
                let names: Vec<String> = choices
                    .iter()
                    .map(|c| c.trim_matches('"').to_string())
                    .collect();
                if let Some(best) = closest(s, names.iter().map(String::as_str)) {
                    d = d.with_hint(format!("did you mean `{best}`?"));
                }
            }
            out.push(d);
        }
        ValidationErrorKind::Constant { expected_value } => out.push(
            Diagnostic::error(
                at,
                "schema-const",
                format!(
                    "expected {}, found {}",
                    render_json(expected_value),
                    describe(node)
                ),
            )
            .with_path(path),
        ),
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_string);
            out.push(
                Diagnostic::error(
                    at,
                    "schema-required",
                    format!("missing required key `{name}`"),
                )
                .with_path(path),
            )
        }
        ValidationErrorKind::Minimum { limit } => out.push(
            Diagnostic::error(
                at,
                "schema-range",
                format!(
                    "expected a value of at least {limit}, found {}",
                    describe(node)
                ),
            )
            .with_path(path),
        ),
        ValidationErrorKind::Maximum { limit } => out.push(
            Diagnostic::error(
                at,
                "schema-range",
                format!(
                    "expected a value of at most {limit}, found {}",
                    describe(node)
                ),
            )
            .with_path(path),
        ),
        ValidationErrorKind::ExclusiveMinimum { limit } => out.push(
            Diagnostic::error(
                at,
                "schema-range",
                format!("expected a value above {limit}, found {}", describe(node)),
            )
            .with_path(path),
        ),
        ValidationErrorKind::ExclusiveMaximum { limit } => out.push(
            Diagnostic::error(
                at,
                "schema-range",
                format!("expected a value below {limit}, found {}", describe(node)),
            )
            .with_path(path),
        ),
        ValidationErrorKind::Pattern { pattern } => {
            let (expected, hint) = pattern_words(pattern);
            let mut d = Diagnostic::error(
                at,
                "schema-pattern",
                format!("expected {expected}, found {}", describe(node)),
            )
            .with_path(path);
            if let Some(hint) = hint {
                d = d.with_hint(hint);
            }
            out.push(d);
        }
        ValidationErrorKind::PropertyNames { error } => {
            // The inner error's instance is the offending key itself.
            let key = error.instance().as_str().unwrap_or_default().to_string();
            let (location, key_path) = key_site(root, node, pointer, &key);
            let (expected, hint) = match error.kind() {
                ValidationErrorKind::Pattern { pattern } => pattern_words(pattern),
                ValidationErrorKind::Not { .. } => (
                    "a prefix of at most 253 characters before `/`".to_string(),
                    None,
                ),
                _ => ("a valid name".to_string(), None),
            };
            let shown = format!("{}{}", head(&key), more(&key));
            let mut d = Diagnostic::error(
                location,
                "schema-key-name",
                format!("key `{shown}` is not allowed here: expected {expected}"),
            )
            .with_path(key_path);
            if let Some(hint) = hint {
                d = d.with_hint(hint);
            }
            out.push(d);
        }
        ValidationErrorKind::MinLength { limit } => out.push(
            Diagnostic::error(
                at,
                "schema-length",
                format!(
                    "expected at least {limit} character{}, found {}",
                    if *limit == 1 { "" } else { "s" },
                    describe(node)
                ),
            )
            .with_path(path),
        ),
        ValidationErrorKind::MaxLength { limit } => out.push(
            Diagnostic::error(
                at,
                "schema-length",
                format!(
                    "expected at most {limit} characters, found {}",
                    describe(node)
                ),
            )
            .with_path(path),
        ),
        ValidationErrorKind::MinItems { limit } => out.push(
            Diagnostic::error(
                at,
                "schema-length",
                format!(
                    "expected at least {limit} item(s), found {}",
                    describe(node)
                ),
            )
            .with_path(path),
        ),
        ValidationErrorKind::MaxItems { limit } => out.push(
            Diagnostic::error(
                at,
                "schema-length",
                format!("expected at most {limit} item(s), found {}", describe(node)),
            )
            .with_path(path),
        ),
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let expected = alternatives(context);
            out.push(
                Diagnostic::error(
                    at,
                    "schema-type",
                    format!("expected {expected}, found {}", describe(node)),
                )
                .with_path(path),
            );
        }
        ValidationErrorKind::FalseSchema => {
            out.push(
                Diagnostic::error(at, "schema-unknown-key", "this key is not allowed here")
                    .with_path(path),
            );
        }
        other => out.push(
            Diagnostic::error(
                at,
                "schema",
                format!(
                    "value does not satisfy `{}`: found {}",
                    other.keyword(),
                    describe(node)
                ),
            )
            .with_path(path),
        ),
    }
}

/// Where a map key was written, and its value path. Falls back to the map itself.
fn key_site(root: &Node, map_node: &Node, pointer: &str, key: &str) -> (Location, String) {
    let escaped = key.replace('~', "~0").replace('/', "~1");
    let key_path = pointer_to_path(root, &format!("{pointer}/{escaped}"));
    match &map_node.value {
        Value::Map(map) => match map.get(key) {
            Some((k, _)) => (k.location.clone(), key_path),
            None => (map_node.location.clone(), key_path),
        },
        _ => (map_node.location.clone(), key_path),
    }
}

/// The property names the schema object at `schema_pointer/..` declares.
fn allowed_keys(schema: &Json, schema_pointer: &str) -> Vec<String> {
    let parent = schema_pointer.rsplit_once('/').map_or("", |(head, _)| head);
    schema
        .pointer(parent)
        .and_then(|s| s.get("properties"))
        .and_then(Json::as_object)
        .map(|props| props.keys().cloned().collect())
        .unwrap_or_default()
}

fn unknown_key_hint(parent_path: &str, key: &str, allowed: &[String]) -> Option<String> {
    if key == "true" || key == "false" {
        return Some(format!(
            "an unquoted key y, yes, on, n, no or off is read by YAML 1.1 as {key}; quote it (e.g. \"on\":) if you meant the word"
        ));
    }
    if parent_path.is_empty() && key == "gatewayProxy" {
        return Some(
            "gateway proxies are configured under `gatewayProxies.NAME`, e.g. `gatewayProxies.gatewayProxy`"
                .to_string(),
        );
    }
    if let Some(best) = closest(key, allowed.iter().map(String::as_str)) {
        return Some(format!("did you mean `{best}`?"));
    }
    if !allowed.is_empty() && allowed.len() <= 12 {
        return Some(format!("allowed keys here: {}", allowed.join(", ")));
    }
    None
}

/// A hint for plain YAML 1.1 scalars that were resolved to something the user likely did not mean.
fn quote_hint(node: &Node, expected: &str) -> Option<String> {
    let plain = node.plain.as_deref()?;
    if !expected.contains("string") {
        return None;
    }
    let kind = match node.value {
        Value::Bool(_) => "a boolean",
        Value::Int(_) | Value::Float(_) => "a number",
        Value::Null => "null",
        _ => return None,
    };
    Some(format!(
        "quote it: YAML 1.1 reads unquoted {plain} as {kind}; write \"{plain}\""
    ))
}

/// The types a `type` keyword asked for, in words. `null` is left out when other types are
/// allowed: optional values accept null only as "not set", which is never what a user meant.
fn type_words(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => type_word(t.as_str()).to_string(),
        TypeKind::Multiple(set) => {
            let words: Vec<&str> = set.iter().map(|t| type_word(t.as_str())).collect();
            let non_null: Vec<&str> = words.iter().copied().filter(|w| *w != "null").collect();
            if non_null.is_empty() { words } else { non_null }.join(" or ")
        }
    }
}

fn type_word(t: &str) -> &str {
    match t {
        "object" => "a map",
        "array" => "a list",
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean",
        "null" => "null",
        other => other,
    }
}

fn pattern_words(pattern: &str) -> (String, Option<String>) {
    if pattern == QUALIFIED_NAME {
        return (
            "a label or annotation key: a name of at most 63 letters, digits, '-', '_' and '.' that starts and ends with a letter or digit, optionally after a DNS subdomain and '/'".to_string(),
            Some("Kubernetes refuses any other key, e.g. write `app.kubernetes.io/part-of`".to_string()),
        );
    }
    if pattern == LABEL_VALUE {
        return (
            "a label value: empty, or at most 63 letters, digits, '-', '_' and '.' that start and end with a letter or digit".to_string(),
            Some("Kubernetes refuses any other label value; put free text in an annotation".to_string()),
        );
    }
    if pattern == "^/" {
        return ("a path starting with `/`".to_string(), None);
    }
    if pattern == "^[-a-z0-9]*[a-z][-a-z0-9]*$" {
        return (
            "a port number, or a port name of lower-case letters, digits and '-' with at least one letter".to_string(),
            Some("write a port number without quotes, e.g. 8080".to_string()),
        );
    }
    if pattern.contains("A-Za-z") {
        return (
            "a name of letters, digits and '-', starting and ending with a letter or digit"
                .to_string(),
            Some(
                "the name becomes part of resource names (gatewayProxy becomes gateway-proxy); '_' and '.' are not allowed"
                    .to_string(),
            ),
        );
    }
    if pattern.contains("[a-z0-9]") && pattern.contains("-") {
        (
            "a DNS-1123 name".to_string(),
            Some(
                "use lower-case letters, digits and '-', starting and ending with a letter or digit"
                    .to_string(),
            ),
        )
    } else {
        (format!("a value matching `{pattern}`"), None)
    }
}

fn alternatives(context: &[Vec<jsonschema::ValidationError<'static>>]) -> String {
    let mut words: Vec<String> = Vec::new();
    for branch in context {
        for err in branch {
            if err.instance_path().as_str().is_empty() || err.instance_path().as_str() == "/" {
                if let ValidationErrorKind::Type { kind } = err.kind() {
                    let w = type_words(kind);
                    if !words.contains(&w) {
                        words.push(w);
                    }
                }
            }
        }
    }
    if words.is_empty() {
        "a value matching one of the allowed forms".to_string()
    } else {
        words.join(" or ")
    }
}

fn render_json(v: &Json) -> String {
    match v {
        Json::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// The first 60 characters of `s`.
fn head(s: &str) -> &str {
    s.char_indices().nth(60).map_or(s, |(at, _)| &s[..at])
}

/// `…` when `s` is longer than its head.
fn more(s: &str) -> &'static str {
    if head(s).len() < s.len() {
        "…"
    } else {
        ""
    }
}

/// "string \"x\"", "integer 3", "a map", ... for messages.
pub fn describe(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Int(i) => format!("integer {i}"),
        Value::Float(f) => format!("number {f}"),
        Value::Str(s) => format!("string {:?}{}", head(s), more(s)),
        Value::Seq(items) => format!("a list of {}", items.len()),
        Value::Map(_) => "a map".to_string(),
    }
}
