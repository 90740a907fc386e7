//! Writing a complete values file: every effective value, each key preceded by its description
//! from the schema, so the file documents itself.
//!
//! Input is trusted (typed values serialized by the model, and the model's own schema); strings
//! go through the renderer's scalar emitter so any text reads back exactly.

use crate::render::yaml::scalar_inline;
use serde_json::Value;
use std::fmt::Write as _;

/// Width that description comments are wrapped at.
const COMMENT_WIDTH: usize = 98;

/// Emits `values` as commented block YAML. `header` lines are printed first, each as a comment.
pub fn commented_yaml(values: &Value, schema: &Value, header: &[String]) -> String {
    let mut out = String::new();
    for line in header {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "# {line}");
        }
    }
    match values {
        Value::Object(map) if !map.is_empty() => {
            for (i, (key, value)) in map.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                write_entry(&mut out, key, value, child_schema(schema, key), 0, true);
            }
        }
        _ => out.push_str("{}\n"),
    }
    out
}

fn write_entry(
    out: &mut String,
    key: &str,
    value: &Value,
    schema: Option<&Value>,
    indent: usize,
    comments: bool,
) {
    let pad = " ".repeat(indent);
    if comments {
        if let Some(desc) = schema
            .and_then(|s| s.get("description"))
            .and_then(Value::as_str)
        {
            for line in wrap(desc, COMMENT_WIDTH.saturating_sub(indent)) {
                let _ = writeln!(out, "{pad}# {line}");
            }
        }
    }
    let key_text = scalar_inline(key);
    match value {
        Value::Object(map) if !map.is_empty() => {
            let _ = writeln!(out, "{pad}{key_text}:");
            for (k, v) in map {
                write_entry(
                    out,
                    k,
                    v,
                    schema.and_then(|s| child_schema(s, k)),
                    indent + 2,
                    comments,
                );
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let _ = writeln!(out, "{pad}{key_text}:");
            let item_schema = schema.and_then(|s| s.get("items"));
            for item in items {
                write_item(out, item, item_schema, indent);
            }
        }
        other => {
            let _ = writeln!(out, "{pad}{key_text}: {}", inline(other));
        }
    }
}

/// A list item, written at `indent` (lists are not indented under their key, as Helm writes them).
fn write_item(out: &mut String, item: &Value, schema: Option<&Value>, indent: usize) {
    let pad = " ".repeat(indent);
    match item {
        Value::Object(map) if !map.is_empty() => {
            // The first entry shares the line with the dash; the rest align under it. Comments
            // are left out inside list items to keep them compact. `name` leads, as Kubernetes
            // objects in lists are written by hand (containers, env, mounts).
            let mut first = true;
            let named = map.get_key_value("name").into_iter();
            for (k, v) in named.chain(map.iter().filter(|(k, _)| k.as_str() != "name")) {
                let mut entry = String::new();
                write_entry(
                    &mut entry,
                    k,
                    v,
                    schema.and_then(|s| child_schema(s, k)),
                    indent + 2,
                    false,
                );
                if first {
                    let trimmed = entry
                        .strip_prefix(&" ".repeat(indent + 2))
                        .unwrap_or(&entry);
                    let _ = write!(out, "{pad}- {trimmed}");
                    first = false;
                } else {
                    out.push_str(&entry);
                }
            }
        }
        Value::Array(inner) if !inner.is_empty() => {
            let _ = writeln!(out, "{pad}-");
            for v in inner {
                write_item(out, v, schema.and_then(|s| s.get("items")), indent + 2);
            }
        }
        other => {
            let _ = writeln!(out, "{pad}- {}", inline(other));
        }
    }
}

fn inline(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => crate::render::yaml::number(n),
        Value::String(s) => scalar_inline(s),
        Value::Array(_) => "[]".to_string(),
        Value::Object(_) => "{}".to_string(),
    }
}

/// The schema of `key` inside the object schema `schema`: a declared property, or the schema of
/// the free-form entries.
fn child_schema<'a>(schema: &'a Value, key: &str) -> Option<&'a Value> {
    if let Some(p) = schema.get("properties").and_then(|p| p.get(key)) {
        return Some(p);
    }
    match schema.get("additionalProperties") {
        Some(s @ Value::Object(_)) => Some(s),
        _ => None,
    }
}

/// Splits text into lines of at most `width` characters at spaces (keeping paragraph breaks).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(20);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn comments_come_from_the_schema_and_values_read_back() {
        let schema = json!({"properties": {"a": {"description": "The a value.", "properties": {
            "b": {"description": "Nested b."}}}, "l": {"items": {}}}});
        let values =
            json!({"a": {"b": "on"}, "l": [{"name": "x", "args": ["--p", "15000"]}], "e": {}});
        let text = commented_yaml(&values, &schema, &["head".to_string()]);
        assert!(text.starts_with("# head\n# The a value.\na:\n  # Nested b.\n"));
        let back: Value = serde_yaml::from_str(&text).expect("output parses");
        assert_eq!(back, values);
    }

    #[test]
    fn wrap_keeps_words_whole() {
        let lines = wrap("aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk", 20);
        assert!(lines.iter().all(|l| l.chars().count() <= 20));
        assert_eq!(
            lines.join(" "),
            "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk"
        );
    }
}
