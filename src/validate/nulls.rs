//! User `null`s that delete chart defaults.
//!
//! In Helm a user `null` removes the default at that key. The chart's templates read most of
//! its defaults unconditionally, so deleting one makes the upstream chart fail (a nil-pointer
//! error) or render an empty field, and makes ours refuse to render. Deleting an entry of a
//! map of names (a gateway proxy, an annotation, a label) is the one deletion the templates
//! expect, and stays allowed.

use super::tree::Schema;
use crate::diag::Diagnostic;
use crate::load::{Node, Value};

/// Errors for each null in the user's values that deletes a chart default the templates need.
/// `user` is the user layers merged (before the defaults), `defaults` the chart defaults, and
/// `section_schema` gives the schema of a top-level section (to tell maps of names from fixed
/// objects).
pub fn check<'s>(
    user: &Node,
    defaults: &Node,
    section_schema: &dyn Fn(&str) -> Option<&'s Schema>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Most values hold no null at all: nothing to walk.
    if holds_null(user) {
        walk(user, defaults, None, section_schema, "", &mut out);
    }
    out
}

/// `schema` is the schema of `user`'s level; `None` at the root, whose sections are found
/// through `section_schema`.
fn walk<'s>(
    user: &Node,
    defaults: &Node,
    schema: Option<&'s Schema>,
    section_schema: &dyn Fn(&str) -> Option<&'s Schema>,
    path: &str,
    out: &mut Vec<Diagnostic>,
) {
    let (Value::Map(user_map), Value::Map(default_map)) = (&user.value, &defaults.value) else {
        return;
    };
    let names_map = schema.is_some_and(is_map_of_names);
    for (key, (key_node, value)) in user_map {
        let Some((_, default)) = default_map.get(key) else {
            continue;
        };
        let child_path = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let child_schema = match schema {
            Some(schema) => child(schema, key),
            None => section_schema(key),
        };
        match (&value.value, &default.value) {
            (Value::Null, Value::Null) => {}
            (Value::Null, _) if !names_map => out.push(
                Diagnostic::error(
                    key_node.location.clone(),
                    "null-deletes-default",
                    format!(
                        "null removes the chart default of `{child_path}` ({}), which the chart's templates read",
                        summary(default)
                    ),
                )
                .with_path(child_path.clone())
                .with_hint("delete the line to keep the default, or give a value"),
            ),
            (Value::Map(_), Value::Map(_)) if child_schema.is_some() => {
                walk(value, default, child_schema, section_schema, &child_path, out);
            }
            _ => {}
        }
    }
}

/// Whether a map in `node` (at any depth below it, through maps only) has a null value.
fn holds_null(node: &Node) -> bool {
    match &node.value {
        Value::Map(map) => map
            .values()
            .any(|(_, v)| matches!(v.value, Value::Null) || holds_null(v)),
        _ => false,
    }
}

/// A schema for an object whose keys are names the user chooses (its entries may be deleted).
fn is_map_of_names(schema: &Schema) -> bool {
    schema
        .get("additionalProperties")
        .is_some_and(Schema::is_object)
        && schema
            .get("properties")
            .and_then(Schema::entries)
            .is_none_or(|p| p.is_empty())
}

fn child<'a>(schema: &'a Schema, key: &str) -> Option<&'a Schema> {
    schema
        .get("properties")
        .and_then(|p| p.get(key))
        .or_else(|| schema.get("additionalProperties").filter(|s| s.is_object()))
}

/// The default, shortly: a scalar as written, a collection by its size.
fn summary(node: &Node) -> String {
    match &node.value {
        Value::Map(m) if m.is_empty() => "an empty map".to_string(),
        Value::Map(m) => format!(
            "a map of {} key{}",
            m.len(),
            if m.len() == 1 { "" } else { "s" }
        ),
        Value::Seq(items) if items.is_empty() => "an empty list".to_string(),
        Value::Seq(items) => format!("a list of {}", items.len()),
        _ => format!("default {}", node.to_json()),
    }
}
