//! The values JSON schema, generated from the model and post-processed in one walk so that Helm 3
//! (gojsonschema) and Helm 4 (jsonschema/v6) enforce the same rules.
//!
//! The walk makes the schema plain draft-07: every `$ref` is inlined (Helm 3 cannot resolve
//! relative references), `format` is dropped (Helm 3 asserts it, Helm 4 does not), and
//! `Option` wrappers become `"type": [T, "null"]` so errors name the field, not an `anyOf`.
//! It also closes the Kubernetes types from k8s-openapi (which carry no `additionalProperties`)
//! and replaces their `x-kubernetes-int-or-string` markers with real types. Kubernetes' own
//! field descriptions are dropped to keep the schema small; the `customSidecars` field itself
//! says where the container fields are documented.

use std::sync::OnceLock;

use schemars::generate::SchemaSettings;
use schemars::transform::RemoveRefSiblings;
use serde_json::{json, Map, Value};

use super::istio_mtls::DNS1123_LABEL;
use super::Values;

/// `$schema` of the generated schema.
pub const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";

const TITLE: &str = "Gloo 1.5.0 chart values (gloo-chart)";

const DESCRIPTION: &str = "Values of the upstream Gloo 1.5.0 Helm chart in gateway mode, with \
    Istio SDS sidecars, plus gloo-chart's own `istioMtls` section. Unknown keys are rejected \
    except inside free-form maps (labels, annotations, nodeSelector, extensions).";

const K8S_PREFIX: &str = "io.k8s.";
const INT_OR_STRING: &str = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const CONTAINER: &str = "io.k8s.api.core.v1.Container";
const VOLUME_MOUNT: &str = "io.k8s.api.core.v1.VolumeMount";
const TOLERATION: &str = "io.k8s.api.core.v1.Toleration";
const HTTP_GET: &str = "io.k8s.api.core.v1.HTTPGetAction";
const CONTAINER_PORT: &str = "io.k8s.api.core.v1.ContainerPort";

/// Keywords whose value is one subschema.
const SCHEMA_KEYWORDS: &[&str] = &[
    "items",
    "additionalItems",
    "additionalProperties",
    "propertyNames",
    "contains",
    "not",
    "if",
    "then",
    "else",
];
/// Keywords whose value is a list of subschemas.
const SCHEMA_LIST_KEYWORDS: &[&str] = &["allOf", "anyOf", "oneOf", "items"];
/// Keywords whose value maps names to subschemas.
const SCHEMA_MAP_KEYWORDS: &[&str] = &["properties", "patternProperties", "definitions"];

/// The values schema as JSON (built once per process).
pub fn schema_json() -> Value {
    schema_ref().clone()
}

/// The values schema, built once per process and borrowed.
pub fn schema_ref() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(build)
}

/// The values schema as pretty JSON with a trailing newline: the content of
/// `schema/values.schema.json`.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&schema_json()).unwrap_or_default();
    text.push('\n');
    text
}

/// A draft-07 validator for the values schema, compiled once per process.
pub fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        // The schema is generated from the crate's own types, not from user input; the model
        // tests compile it, so a failure here is a build defect.
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .build(&schema_json())
            .expect("the generated values schema compiles under draft-07")
    })
}

fn build() -> Value {
    let mut settings = SchemaSettings::draft07();
    // Field descriptions sit next to `$ref`; the inliner below merges them, so keep them there.
    settings.transforms.retain(|t| !t.is::<RemoveRefSiblings>());
    let generated = settings
        .into_generator()
        .into_root_schema_for::<Values>()
        .to_value();
    let Value::Object(mut root) = generated else {
        return generated;
    };

    let mut definitions = match root.remove("definitions") {
        Some(Value::Object(defs)) => defs,
        _ => Map::new(),
    };
    patch_kubernetes_definitions(&mut definitions);

    let mut body = Value::Object(root);
    inline_refs(&mut body, &definitions, &mut Vec::new());
    normalize(&mut body);
    add_defaults(&mut body, &super::defaults_json());
    // Once more to put the new `default` keywords in their place.
    normalize(&mut body);

    let mut out = Map::new();
    out.insert("$schema".into(), json!(DRAFT_07));
    out.insert("title".into(), json!(TITLE));
    out.insert("description".into(), json!(DESCRIPTION));
    if let Value::Object(body) = body {
        for (key, value) in body {
            if !matches!(key.as_str(), "$schema" | "title" | "description") {
                out.insert(key, value);
            }
        }
    }
    Value::Object(out)
}

/// Replaces and tightens the k8s-openapi definitions before they are inlined.
fn patch_kubernetes_definitions(definitions: &mut Map<String, Value>) {
    for (name, schema) in definitions.iter_mut() {
        if !name.starts_with(K8S_PREFIX) {
            continue;
        }
        strip_descriptions(schema);
        match name.as_str() {
            // Every IntOrString in the model is a port: a number 1–65535 or an IANA service name.
            INT_OR_STRING => {
                *schema = json!({
                    "type": ["integer", "string"],
                    "minimum": 1,
                    "maximum": 65535,
                    "minLength": 1,
                    "maxLength": 15,
                    "pattern": "^[-a-z0-9]*[a-z][-a-z0-9]*$",
                });
            }
            QUANTITY => *schema = json!({ "type": ["string", "number"] }),
            CONTAINER => {
                set_property(
                    schema,
                    "name",
                    json!({ "type": "string", "minLength": 1, "maxLength": 63, "pattern": DNS1123_LABEL }),
                );
                set_property(
                    schema,
                    "imagePullPolicy",
                    json!({ "type": "string", "enum": ["Always", "IfNotPresent", "Never"] }),
                );
                set_required(schema, &["name"]);
            }
            VOLUME_MOUNT => set_required(schema, &["name", "mountPath"]),
            TOLERATION => {
                set_property(
                    schema,
                    "operator",
                    json!({ "type": "string", "enum": ["Exists", "Equal"] }),
                );
                set_property(
                    schema,
                    "effect",
                    json!({ "type": "string", "enum": ["NoSchedule", "PreferNoSchedule", "NoExecute"] }),
                );
            }
            HTTP_GET => set_property(
                schema,
                "scheme",
                json!({ "type": "string", "enum": ["HTTP", "HTTPS"] }),
            ),
            CONTAINER_PORT => {
                set_property(
                    schema,
                    "containerPort",
                    json!({ "type": "integer", "minimum": 1, "maximum": 65535 }),
                );
                set_property(
                    schema,
                    "hostPort",
                    json!({ "type": "integer", "minimum": 1, "maximum": 65535 }),
                );
                set_property(
                    schema,
                    "protocol",
                    json!({ "type": "string", "enum": ["TCP", "UDP", "SCTP"] }),
                );
            }
            _ => {}
        }
    }
    if let Some(Value::Object(container)) = definitions.get_mut(CONTAINER) {
        container.insert(
            "description".into(),
            json!("A Kubernetes container (core/v1 Container, Kubernetes 1.33 fields)."),
        );
    }
}

/// Replaces the schema of one existing property.
fn set_property(schema: &mut Value, name: &str, property: Value) {
    if let Some(slot) = schema.pointer_mut(&format!("/properties/{name}")) {
        *slot = property;
    }
}

fn set_required(schema: &mut Value, names: &[&str]) {
    if let Value::Object(map) = schema {
        map.insert("required".into(), json!(names));
    }
}

/// Removes `description` from a schema and all its subschemas.
fn strip_descriptions(schema: &mut Value) {
    if let Value::Object(map) = schema {
        map.remove("description");
    }
    for_each_subschema(schema, &mut strip_descriptions);
}

/// Calls `f` on every direct subschema of `schema`.
fn for_each_subschema(schema: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    let Value::Object(map) = schema else {
        return;
    };
    for (key, value) in map.iter_mut() {
        let key = key.as_str();
        match value {
            Value::Array(list) if SCHEMA_LIST_KEYWORDS.contains(&key) => {
                list.iter_mut().for_each(&mut *f)
            }
            Value::Object(children) if SCHEMA_MAP_KEYWORDS.contains(&key) => {
                children.values_mut().for_each(&mut *f)
            }
            Value::Object(_) | Value::Bool(_) if SCHEMA_KEYWORDS.contains(&key) => f(value),
            _ => {}
        }
    }
}

/// Records the upstream default of every scalar or list value as the property's `default`
/// (for editors and the values reference). Objects get none: their defaults are spread over
/// their fields, and `gatewayProxies` names other than `gatewayProxy` have no defaults at all.
fn add_defaults(schema: &mut Value, defaults: &Value) {
    let Value::Object(defaults) = defaults else {
        return;
    };
    for (name, default) in defaults {
        let Some(property) = schema.pointer_mut(&format!("/properties/{name}")) else {
            continue;
        };
        match default {
            Value::Object(_) => add_defaults(property, default),
            Value::Null => {}
            _ => {
                if let Value::Object(map) = property {
                    map.insert("default".into(), default.clone());
                }
            }
        }
    }
}

/// Replaces every `{"$ref": "#/definitions/NAME", ...siblings}` with the definition, the
/// siblings (a field's own description) taking precedence. A reference that would recurse into
/// itself is left in place; the model has none, and the tests check that no `$ref` is left.
fn inline_refs(schema: &mut Value, definitions: &Map<String, Value>, stack: &mut Vec<String>) {
    let target = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/definitions/"))
        .map(str::to_owned);
    if let Some(name) = target {
        if let (Some(definition), false) = (definitions.get(&name), stack.contains(&name)) {
            let mut resolved = definition.clone();
            stack.push(name);
            inline_refs(&mut resolved, definitions, stack);
            stack.pop();
            if let (Value::Object(siblings), Value::Object(resolved)) = (&*schema, &resolved) {
                *schema = Value::Object(merge_over(siblings, resolved));
            } else {
                *schema = resolved;
            }
            return;
        }
    }
    for_each_subschema(schema, &mut |child| inline_refs(child, definitions, stack));
}

/// `resolved` with the keys of `siblings` (except `$ref`) laid over it; a sibling description
/// comes first.
fn merge_over(siblings: &Map<String, Value>, resolved: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(description) = siblings.get("description") {
        out.insert("description".into(), description.clone());
    }
    for (key, value) in resolved {
        if !siblings.contains_key(key) {
            out.insert(key.clone(), value.clone());
        }
    }
    for (key, value) in siblings {
        if key != "$ref" && key != "description" {
            out.insert(key.clone(), value.clone());
        }
    }
    out
}

/// Keywords in the order they are written; others follow in generation order.
const KEYWORD_ORDER: &[&str] = &[
    "description",
    "type",
    "enum",
    "const",
    "default",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "items",
    "required",
    "propertyNames",
    "additionalProperties",
    "properties",
];

/// Bottom-up clean-up of one schema: children first, then the schema itself.
fn normalize(schema: &mut Value) {
    for_each_subschema(schema, &mut normalize);
    let Value::Object(map) = schema else {
        return;
    };
    map.remove("format");
    collapse_nullable(map);
    if map.contains_key("properties") && !map.contains_key("additionalProperties") {
        map.insert("additionalProperties".into(), Value::Bool(false));
    }
    if let Some(Value::String(text)) = map.get_mut("description") {
        *text = unwrap_lines(text);
    }
    let mut ordered = Map::new();
    for key in KEYWORD_ORDER {
        if let Some(value) = map.remove(*key) {
            ordered.insert((*key).to_owned(), value);
        }
    }
    ordered.append(map);
    *map = ordered;
}

/// Joins the lines of each paragraph of a doc comment, so a description reads as prose
/// whatever the source line width was.
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| {
            paragraph
                .split('\n')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Turns `{"anyOf": [X, {"type": "null"}], ...}` into X with `"null"` added to its type (and
/// to its `enum`, if any), keeping the outer keys.
fn collapse_nullable(map: &mut Map<String, Value>) {
    let Some(Value::Array(variants)) = map.get("anyOf") else {
        return;
    };
    let [inner, null] = variants.as_slice() else {
        return;
    };
    if null != &json!({ "type": "null" }) {
        return;
    }
    let Value::Object(inner) = inner.clone() else {
        return;
    };
    if inner.contains_key("anyOf") || inner.contains_key("oneOf") {
        return;
    }
    let mut types: Vec<Value> = match inner.get("type") {
        Some(Value::String(t)) => vec![json!(t)],
        Some(Value::Array(ts)) => ts.clone(),
        _ => return,
    };
    if !types.contains(&json!("null")) {
        types.push(json!("null"));
    }
    let mut merged = Map::new();
    let outer = std::mem::take(map);
    if let Some(description) = outer.get("description") {
        merged.insert("description".into(), description.clone());
    }
    for (key, value) in inner {
        if key == "description" && merged.contains_key("description") {
            continue;
        }
        let value = match (key.as_str(), value) {
            ("type", _) => Value::Array(types.clone()),
            ("enum", Value::Array(mut values)) => {
                values.push(Value::Null);
                Value::Array(values)
            }
            (_, value) => value,
        };
        merged.insert(key, value);
    }
    for (key, value) in outer {
        if key != "anyOf" && key != "description" {
            merged.insert(key, value);
        }
    }
    *map = merged;
}
