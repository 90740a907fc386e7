//! Cutting a schema down to the part that one instance reaches.
//!
//! Compiling a section of the schema costs far more than validating one values file against it:
//! most of a section describes keys a given file never writes (a custom sidecar is a whole
//! Kubernetes container, of which a file sets a handful of fields). [`prune`] keeps, under every
//! `properties`, only the names the instance has at that place, and turns `items` and
//! `additionalProperties` schemas that no value reaches into `true`. Everything else is kept as
//! it is, so the result judges the instance exactly as the whole schema does:
//! - `properties` only ever validates the keys an object has, so a dropped name never applied;
//!   `additionalProperties` is judged against the names of `properties`, and every name the
//!   instance has is kept, so no key changes from declared to additional;
//! - `required`, `type`, bounds, `enum`, `pattern` and every keyword this module does not know
//!   are copied unchanged (a keyword kept whole is always safe, only slower to compile);
//! - a subschema reached by several values (`items`, `additionalProperties`) keeps the union of
//!   what each of them needs.
//!
//! Validation uses the pruned schema to answer "valid or not" for a single file, and the whole
//! schema to explain a failure, so the findings never depend on the pruning.

use super::tree::Schema;
use crate::load::{Map as NodeMap, Node, Value};
use serde_json::{Map, Value as Json};

/// `schema` cut down to what `instance` reaches, as JSON.
pub fn prune(schema: &Schema, instance: &Node) -> Json {
    prune_for(schema, &[instance])
}

fn as_map(node: &Node) -> Option<&NodeMap> {
    match &node.value {
        Value::Map(map) => Some(map),
        _ => None,
    }
}

/// `schema` cut down to what any of `instances` (every value the schema applies to) reaches.
fn prune_for(schema: &Schema, instances: &[&Node]) -> Json {
    let Some(keywords) = schema.entries() else {
        return schema.to_json();
    };
    let mut out = Map::with_capacity(keywords.len());
    for (keyword, value) in keywords {
        let kept = match (*keyword, value) {
            ("properties", Schema::Object(properties)) => {
                Json::Object(prune_properties(properties, instances))
            }
            ("additionalProperties", Schema::Object(_)) => {
                let reached = additional_values(schema, instances);
                if reached.is_empty() {
                    Json::Bool(true)
                } else {
                    prune_for(value, &reached)
                }
            }
            ("items", Schema::Object(_)) => {
                let reached: Vec<&Node> = instances
                    .iter()
                    .filter_map(|i| match &i.value {
                        Value::Seq(items) => Some(items),
                        _ => None,
                    })
                    .flatten()
                    .collect();
                if reached.is_empty() {
                    Json::Bool(true)
                } else {
                    prune_for(value, &reached)
                }
            }
            // Applied to the same value as the schema that holds them.
            ("allOf" | "anyOf" | "oneOf", Schema::Array(branches)) => Json::Array(
                branches
                    .iter()
                    .map(|branch| prune_for(branch, instances))
                    .collect(),
            ),
            ("not", Schema::Object(_)) => prune_for(value, instances),
            _ => value.to_json(),
        };
        out.insert((*keyword).to_string(), kept);
    }
    Json::Object(out)
}

/// `properties` without the names none of `instances` has, each kept one pruned for the values
/// under its name.
fn prune_properties(properties: &[(&str, Schema)], instances: &[&Node]) -> Map<String, Json> {
    let mut out = Map::new();
    let maps: Vec<&NodeMap> = instances.iter().filter_map(|i| as_map(i)).collect();
    if maps.is_empty() {
        return out;
    }
    for (name, subschema) in properties {
        let reached: Vec<&Node> = maps
            .iter()
            .filter_map(|m| m.get(*name).map(|(_, node)| node))
            .collect();
        if !reached.is_empty() {
            out.insert((*name).to_string(), prune_for(subschema, &reached));
        }
    }
    out
}

/// The values `additionalProperties` applies to: those under names `properties` lacks. With
/// `patternProperties` (which also exempts names) every value is taken, which can only keep more.
fn additional_values<'a>(schema: &Schema, instances: &[&'a Node]) -> Vec<&'a Node> {
    let declared = schema.get("properties");
    let patterns = schema.get("patternProperties").is_some();
    instances
        .iter()
        .filter_map(|i| as_map(i))
        .flat_map(|map| map.iter())
        .filter(|(name, _)| patterns || declared.is_none_or(|d| d.get(name).is_none()))
        .map(|(_, (_, node))| node)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Location;
    use serde_json::json;
    use std::sync::Arc;

    fn node(json: &Json) -> Node {
        crate::validate::from_json(json, &Location::new(Arc::from("t.yaml"), 1, 1))
    }

    fn container_like() -> &'static Schema {
        Schema::leak(&json!({
            "type": "object",
            "required": ["name"],
            "additionalProperties": false,
            "properties": {
                "name": { "type": "string", "minLength": 1 },
                "image": { "type": "string" },
                "ports": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "containerPort": { "type": "integer", "maximum": 65535 },
                            "protocol": { "enum": ["TCP", "UDP"] }
                        }
                    }
                },
                "env": {
                    "type": "object",
                    "additionalProperties": { "type": "string", "pattern": "^[a-z]+$" }
                }
            }
        }))
    }

    #[test]
    fn keeps_only_the_names_the_instance_has() {
        let pruned = prune(container_like(), &node(&json!({ "name": "x" })));
        assert_eq!(
            pruned,
            json!({
                "type": "object",
                "required": ["name"],
                "additionalProperties": false,
                "properties": { "name": { "type": "string", "minLength": 1 } }
            })
        );
    }

    #[test]
    fn items_keep_the_union_of_what_every_element_needs() {
        let instance = json!({ "ports": [ { "containerPort": 1 }, { "protocol": "TCP" } ] });
        let pruned = prune(container_like(), &node(&instance));
        assert_eq!(
            pruned["properties"]["ports"]["items"]["properties"],
            json!({
                "containerPort": { "type": "integer", "maximum": 65535 },
                "protocol": { "enum": ["TCP", "UDP"] }
            })
        );
        let empty = prune(container_like(), &node(&json!({ "ports": [] })));
        assert_eq!(empty["properties"]["ports"]["items"], json!(true));
    }

    #[test]
    fn additional_properties_schema_is_kept_only_when_reached() {
        let pruned = prune(container_like(), &node(&json!({ "env": { "a": "b" } })));
        assert_eq!(
            pruned["properties"]["env"]["additionalProperties"],
            json!({ "type": "string", "pattern": "^[a-z]+$" })
        );
        let unreached = prune(container_like(), &node(&json!({ "env": {} })));
        assert_eq!(
            unreached["properties"]["env"]["additionalProperties"],
            json!(true)
        );
    }

    /// The pruned schema gives the same verdict as the whole one, on valid and invalid values.
    #[test]
    fn verdicts_do_not_change() {
        let schema = container_like();
        let whole = jsonschema::validator_for(&schema.to_json()).expect("schema compiles");
        let instances = [
            json!({ "name": "x" }),
            json!({ "name": "" }),
            json!({ "image": "i" }),
            json!({ "name": "x", "unknown": 1 }),
            json!({ "name": "x", "ports": [ { "containerPort": 70000 } ] }),
            json!({ "name": "x", "ports": [ { "protocol": "SCTP" }, { "containerPort": 1 } ] }),
            json!({ "name": "x", "env": { "a": "B" } }),
            json!({ "name": "x", "env": { "a": "b" }, "ports": "no" }),
            json!("not an object"),
            json!(null),
        ];
        for instance in instances {
            let pruned = prune(schema, &node(&instance));
            let part = jsonschema::validator_for(&pruned).expect("pruned schema compiles");
            assert_eq!(
                part.is_valid(&instance),
                whole.is_valid(&instance),
                "{instance}: pruned to {pruned}"
            );
        }
    }
}
