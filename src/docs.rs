//! The values reference: a Markdown table of every value (path, type, default, description),
//! generated from the values schema and the model's defaults, as helm-docs generates one from a
//! commented values.yaml.
//!
//! The schema is the one source: it is self-contained (no `$ref`), optional values are typed
//! `[T, "null"]`, and its descriptions are the model's doc comments. Defaults come from
//! [`crate::model::defaults_json`], the values Helm would pass to templates. The same Markdown is
//! printed by `gloo-chart docs`, kept between two markers in the repository's README, and
//! written into the README of every generated chart.

use crate::model::{LABEL_VALUE, QUALIFIED_NAME};
use serde_json::{Map, Value};

/// Starts the generated region of a document that holds the reference among other text.
pub const BEGIN_MARKER: &str = "<!-- gloo-chart:values:begin -->";
/// Ends the generated region.
pub const END_MARKER: &str = "<!-- gloo-chart:values:end -->";

/// Lists whose items are Kubernetes objects (list name, Kubernetes type): their fields are
/// documented one level deep only, as the nested ones are Kubernetes' to document (the schema
/// carries no descriptions for them).
const SHALLOW_LISTS: &[(&str, &str)] = &[
    ("customSidecars", "Container"),
    ("customEnv", "EnvVar"),
    ("tolerations", "Toleration"),
    ("httpHeaders", "HTTPHeader"),
];

/// Defaults and list defaults longer than this are abbreviated in the table.
const MAX_DEFAULT_WIDTH: usize = 60;

/// One documented value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Dotted path; `NAME` stands for a key of the user's choosing, `[]` for any list item.
    pub path: String,
    pub kind: String,
    /// Markdown for the default, empty when the value is unset by default.
    pub default: String,
    pub description: String,
}

/// Every value of the schema, in schema order, parents before children.
pub fn rows() -> Vec<Row> {
    let schema = crate::model::schema_ref();
    let defaults = crate::model::defaults_json();
    let mut rows = Vec::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (key, sub) in props {
            walk(sub, key.clone(), defaults.get(key), None, &mut rows);
        }
    }
    rows
}

/// The reference as Markdown: a short legend, then one table per top-level section.
pub fn values_reference() -> String {
    let mut out = String::from(
        "Every value the chart reads, generated from its schema by `gloo-chart docs`. \
         In paths, `NAME` stands for a key you choose and `[]` for any list item. \
         Under a `NAME`, the defaults shown are those of the entry the chart ships \
         (for example `gatewayProxies.gatewayProxy`); entries you add start empty. \
         An empty default means the value is unset. \
         `labels` and `annotations` are maps of text whose keys Kubernetes restricts: an \
         optional DNS subdomain of at most 253 characters and `/`, then a name of at most 63 \
         letters, digits, `-`, `_` and `.` that starts and ends with a letter or digit \
         (`app.kubernetes.io/part-of`); a label's value is empty or such a name.\n",
    );
    let mut section = String::new();
    for row in rows() {
        let top = row.path.split(['.', '[']).next().unwrap_or_default();
        if top != section {
            section = top.to_string();
            out.push_str(&format!(
                "\n### `{section}`\n\n| value | type | default | description |\n| --- | --- | --- | --- |\n"
            ));
        }
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            row.path,
            cell(&row.kind),
            row.default,
            cell(&row.description)
        ));
    }
    out
}

/// The reference as a document of its own (what `gloo-chart docs` prints and writes to a file
/// without markers).
pub fn standalone() -> String {
    format!(
        "# Values of the Gloo {} chart\n\n{}",
        crate::model::CHART_VERSION,
        values_reference()
    )
}

/// A document whose generated region cannot be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerError {
    /// 1-based line of the marker at fault.
    pub line: usize,
    pub message: String,
}

/// The generated region of `document`: the text between the line holding [`BEGIN_MARKER`] and
/// the line holding [`END_MARKER`], as byte offsets. `Ok(None)` when there is no begin marker.
pub fn region(document: &str) -> Result<Option<std::ops::Range<usize>>, MarkerError> {
    let Some(begin) = document.find(BEGIN_MARKER) else {
        if let Some(end) = document.find(END_MARKER) {
            return Err(MarkerError {
                line: line_of(document, end),
                message: format!("`{END_MARKER}` without `{BEGIN_MARKER}` before it"),
            });
        }
        return Ok(None);
    };
    let after_begin = begin + BEGIN_MARKER.len();
    let start = document[after_begin..]
        .find('\n')
        .map_or(document.len(), |i| after_begin + i + 1);
    let Some(end_rel) = document[start..].find(END_MARKER) else {
        return Err(MarkerError {
            line: line_of(document, begin),
            message: format!("`{BEGIN_MARKER}` without `{END_MARKER}` after it"),
        });
    };
    if document[after_begin..].contains(BEGIN_MARKER) {
        return Err(MarkerError {
            line: line_of(document, begin),
            message: "more than one generated region".to_string(),
        });
    }
    // The region ends where the end marker's line starts.
    let end_abs = start + end_rel;
    let end = document[..end_abs]
        .rfind('\n')
        .map_or(0, |i| i + 1)
        .max(start);
    Ok(Some(start..end))
}

/// What a document should hold: with markers, `document` with its region replaced by
/// `reference`; without, the [`standalone`] document.
pub fn updated(document: Option<&str>, reference: &str) -> Result<String, MarkerError> {
    match document {
        Some(doc) => match region(doc)? {
            Some(range) => {
                let mut out = String::with_capacity(doc.len() + reference.len());
                out.push_str(&doc[..range.start]);
                out.push_str(reference);
                out.push_str(&doc[range.end..]);
                Ok(out)
            }
            None => Ok(standalone()),
        },
        None => Ok(standalone()),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// Adds the row of `schema` at `path` and, unless `k8s_type` names the Kubernetes type it is a
/// field of (a list documented one level deep), the rows below it.
fn walk(
    schema: &Value,
    path: String,
    default: Option<&Value>,
    k8s_type: Option<&str>,
    rows: &mut Vec<Row>,
) {
    let props = schema.get("properties").and_then(Value::as_object);
    let mut text = description(schema);
    if let (Some(ty), true) = (k8s_type, text.is_empty()) {
        let field = path.rsplit('.').next().unwrap_or_default();
        text = format!("`{ty}.{field}` of the Kubernetes API.");
    }
    rows.push(Row {
        kind: kind(schema),
        default: if props.is_some() {
            String::new()
        } else {
            default.map(show_default).unwrap_or_default()
        },
        description: text,
        path: path.clone(),
    });
    if k8s_type.is_some() {
        return;
    }
    if let Some(props) = props {
        for (key, sub) in props {
            let child_default = default.and_then(|d| d.get(key));
            walk(sub, format!("{path}.{key}"), child_default, None, rows);
        }
    }
    if let Some(entry) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        if has_children(entry) {
            // The shipped entry's values stand for the defaults of every entry.
            let entry_default = default
                .and_then(Value::as_object)
                .and_then(|m| m.values().next());
            walk(entry, format!("{path}.NAME"), entry_default, None, rows);
        }
    }
    if let Some(items) = schema.get("items").filter(|v| v.is_object()) {
        if has_children(items) {
            let leaf = path.rsplit('.').next().unwrap_or_default();
            let shallow = SHALLOW_LISTS
                .iter()
                .find(|(list, _)| *list == leaf)
                .map(|(_, ty)| *ty);
            let item_path = format!("{path}[]");
            if let Some(props) = items.get("properties").and_then(Value::as_object) {
                for (key, sub) in props {
                    walk(sub, format!("{item_path}.{key}"), None, shallow, rows);
                }
            }
        }
    }
}

/// Whether a map entry or list item schema has fields worth rows of their own.
fn has_children(schema: &Value) -> bool {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
}

/// `string`, `integer or string`, `list of string`, `map of string`, `labels` and `annotations`
/// (maps whose keys, and for labels values, Kubernetes restricts), `any`.
fn kind(schema: &Value) -> String {
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        // An enum without a type (e.g. `[false]`) is typed by its values.
        _ => schema
            .get("enum")
            .and_then(Value::as_array)
            .map(|values| {
                let mut ts: Vec<&str> = values.iter().filter_map(json_type).collect();
                ts.dedup();
                ts
            })
            .unwrap_or_default(),
    };
    if types.is_empty() {
        return "any".to_string();
    }
    if types == ["array"] {
        if let Some(items) = schema.get("items").filter(|v| v.is_object()) {
            return format!("list of {}", kind(items));
        }
    }
    if types == ["object"] && schema.get("properties").is_none() {
        if let Some(entry) = schema.get("additionalProperties").filter(|v| v.is_object()) {
            let pattern = |s: &Value| s.get("pattern").and_then(Value::as_str).map(str::to_owned);
            let keys = schema.get("propertyNames").and_then(pattern);
            if keys.as_deref() == Some(QUALIFIED_NAME) {
                return if pattern(entry).as_deref() == Some(LABEL_VALUE) {
                    "labels".to_string()
                } else {
                    "annotations".to_string()
                };
            }
            return format!("map of {}", kind(entry));
        }
    }
    types.join(" or ")
}

fn json_type(value: &Value) -> Option<&'static str> {
    match value {
        Value::Null => None,
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        Value::String(_) => Some("string"),
        Value::Array(_) => Some("array"),
        Value::Object(_) => Some("object"),
    }
}

fn description(schema: &Value) -> String {
    let mut text = schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let listed: Vec<String> = values
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| format!("`{}`", compact(v)))
            .collect();
        if !listed.is_empty() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&format!("One of {}.", listed.join(", ")));
        }
    }
    text
}

/// A default as Markdown: JSON in a code span, long lists and maps abbreviated.
fn show_default(value: &Value) -> String {
    let full = compact(value);
    if full.chars().count() <= MAX_DEFAULT_WIDTH {
        return format!("`{}`", full.replace('`', "'"));
    }
    match value {
        Value::Array(items) => format!("{} items", items.len()),
        Value::Object(map) => format!("`{}`", abbreviated_map(map).replace('`', "'")),
        _ => {
            let cut: String = full.chars().take(MAX_DEFAULT_WIDTH).collect();
            format!("`{}…`", cut.replace('`', "'"))
        }
    }
}

fn abbreviated_map(map: &Map<String, Value>) -> String {
    let keys: Vec<String> = map
        .keys()
        .map(|k| format!("{}: …", Value::String(k.clone())))
        .collect();
    format!("{{{}}}", keys.join(", "))
}

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kind_names_optional_lists_and_maps() {
        assert_eq!(kind(&json!({"type": ["integer", "null"]})), "integer");
        assert_eq!(
            kind(&json!({"type": ["integer", "string"]})),
            "integer or string"
        );
        assert_eq!(
            kind(&json!({"type": "array", "items": {"type": "string"}})),
            "list of string"
        );
        assert_eq!(
            kind(&json!({"type": ["object", "null"], "additionalProperties": {"type": "string"}})),
            "map of string"
        );
        let labels = crate::model::schema_ref()["properties"]["gloo"]["properties"]["deployment"]
            ["properties"]["extraGlooLabels"]
            .clone();
        assert_eq!(kind(&labels), "labels");
        let annotations = crate::model::schema_ref()["properties"]["gloo"]["properties"]
            ["serviceAccount"]["properties"]["extraAnnotations"]
            .clone();
        assert_eq!(kind(&annotations), "annotations");
        assert_eq!(kind(&json!({"description": "free"})), "any");
        assert_eq!(kind(&json!({"enum": [false]})), "boolean");
    }

    #[test]
    fn region_is_between_marker_lines() {
        let doc = format!("a\n{BEGIN_MARKER}\nold\n{END_MARKER}\nz\n");
        let range = region(&doc).unwrap().unwrap();
        assert_eq!(&doc[range], "old\n");
        let new = updated(Some(&doc), "new\n").unwrap();
        assert_eq!(new, format!("a\n{BEGIN_MARKER}\nnew\n{END_MARKER}\nz\n"));
    }

    #[test]
    fn empty_region_and_missing_end_marker() {
        let doc = format!("{BEGIN_MARKER}\n{END_MARKER}\n");
        assert_eq!(
            region(&doc).unwrap(),
            Some(doc.len() - END_MARKER.len() - 1..doc.len() - END_MARKER.len() - 1)
        );
        let err = region(&format!("x\n{BEGIN_MARKER}\nold\n")).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(region("plain text\n").unwrap().is_none());
    }

    #[test]
    fn long_defaults_are_abbreviated() {
        assert_eq!(show_default(&json!("IfNotPresent")), "`\"IfNotPresent\"`");
        let many: Vec<u32> = (0..40).collect();
        assert_eq!(show_default(&json!(many)), "40 items");
    }

    #[test]
    fn sidecar_items_are_documented_one_level_deep() {
        let rows = rows();
        let sidecar = "global.istioSDS.customSidecars[]";
        let env = rows.iter().find(|r| r.path == format!("{sidecar}.env"));
        assert_eq!(
            env.map(|r| r.description.as_str()),
            Some("`Container.env` of the Kubernetes API.")
        );
        assert!(!rows
            .iter()
            .any(|r| r.path.starts_with(&format!("{sidecar}.env["))));
        assert!(rows
            .iter()
            .any(|r| r.path.starts_with("gatewayProxies.NAME.")));
    }
}
