//! The positioned values tree as an instance the JSON schema validator reads in place.
//!
//! Turning a section of the values into `serde_json::Value` costs about as much as validating
//! it, and most files are valid: [`TreeJson`] lets the validator answer "valid or not" on the
//! tree itself. Explaining a failure still goes through JSON (see `schema.rs`), which only
//! invalid values pay for.
//!
//! The tree reads as [`Node::to_json`] would write it: a float that is not finite is `null`.

use crate::diag::Location;
use crate::load::{Key, Map, Node, Value};
use jsonschema::json::{self, JsonNumber, NodeIdentity};
use jsonschema::JsonType;
use std::borrow::Cow;
use std::sync::Arc;

/// The values tree as a representation of JSON for `jsonschema::options_for`.
pub struct TreeJson;

impl json::Json for TreeJson {
    type Node<'a> = &'a Node;
    type PreparedKey = String;
    type StringBuffer = Option<Node>;

    fn prepare_key(key: &str) -> String {
        key.to_string()
    }

    fn with_string_node<T>(
        buffer: &mut Option<Node>,
        string: &str,
        f: impl FnOnce(&Node) -> T,
    ) -> T {
        let at = Location::new(Arc::from(""), 1, 1);
        let node = buffer.insert(Node::new(Value::Str(string.to_string()), at));
        f(node)
    }
}

/// A number of the tree: an integer, or a finite float.
#[derive(Debug, Clone, Copy)]
pub enum Number {
    Int(i64),
    Float(f64),
}

impl JsonNumber for Number {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            Number::Int(i) => u64::try_from(i).ok(),
            Number::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match *self {
            Number::Int(i) => Some(i),
            Number::Float(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match *self {
            // The closest float, as serde_json gives it.
            Number::Int(i) => Some(i as f64),
            Number::Float(f) => Some(f),
        }
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_number().to_string())
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match *self {
            Number::Int(i) => serde_json::Number::from(i),
            Number::Float(f) => {
                serde_json::Number::from_f64(f).unwrap_or_else(|| serde_json::Number::from(0))
            }
        })
    }
}

fn finite_float(node: &Node) -> Option<f64> {
    match node.value {
        Value::Float(f) if f.is_finite() => Some(f),
        _ => None,
    }
}

impl<'a> json::Node<'a, TreeJson> for &'a Node {
    type Object = &'a Map;
    type Array = &'a [Node];
    type Number = Number;

    fn as_object(&self) -> Option<&'a Map> {
        match &self.value {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&'a [Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match &self.value {
            Value::Str(s) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<Number> {
        match self.value {
            Value::Int(i) => Some(Number::Int(i)),
            _ => finite_float(self).map(Number::Float),
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        self.json_type() == JsonType::Null
    }

    fn json_type(&self) -> JsonType {
        match &self.value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Int(_) => JsonType::Number,
            Value::Float(f) if f.is_finite() => JsonType::Number,
            Value::Float(_) => JsonType::Null,
            Value::Str(_) => JsonType::String,
            Value::Seq(_) => JsonType::Array,
            Value::Map(_) => JsonType::Object,
        }
    }

    fn to_value(&self) -> Cow<'a, serde_json::Value> {
        Cow::Owned(self.to_json())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Node>(*self) as usize))
    }
}

impl<'a> json::Object<'a, TreeJson> for &'a Map {
    type Node = &'a Node;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        Map::len(self)
    }

    fn get(&self, key: &String) -> Option<&'a Node> {
        Map::get(self, key).map(|(_, node)| node)
    }

    fn members(&self) -> Members<'a> {
        Members(self.iter())
    }
}

/// The entries of a map, as the validator walks them.
pub struct Members<'a>(indexmap::map::Iter<'a, String, (Key, Node)>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Node);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(name, (_, node))| (name.as_str(), node))
    }
}

impl<'a> json::Array<'a, TreeJson> for &'a [Node] {
    type Node = &'a Node;
    type ElementsIter = std::slice::Iter<'a, Node>;

    fn len(&self) -> usize {
        <[Node]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'a, Node> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tree(json: &serde_json::Value) -> Node {
        crate::validate::from_json(json, &Location::new(Arc::from("t.yaml"), 1, 1))
    }

    /// The tree and its JSON get the same verdict from the same schema.
    #[test]
    fn the_tree_validates_as_its_json_does() {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["port"],
            "properties": {
                "port": { "type": "integer", "minimum": 1, "maximum": 65535 },
                "ratio": { "type": "number", "maximum": 1.5 },
                "name": { "type": "string", "minLength": 2, "pattern": "^[a-z]+$" },
                "mode": { "enum": ["a", "b", 3] },
                "tags": { "type": "array", "items": { "type": "string" }, "maxItems": 2 },
                "labels": {
                    "type": "object",
                    "propertyNames": { "maxLength": 3 },
                    "additionalProperties": { "type": ["string", "null"] }
                },
                "flag": { "type": "boolean" }
            }
        });
        let serde = jsonschema::validator_for(&schema).expect("compiles");
        let on_tree = jsonschema::options_for::<TreeJson>()
            .build(&schema)
            .expect("compiles");
        let instances = [
            json!({ "port": 80 }),
            json!({ "port": 0 }),
            json!({ "port": 1.0 }),
            json!({ "port": 80, "ratio": 2 }),
            json!({ "port": 80, "ratio": 0.5 }),
            json!({ "port": 80, "name": "ok" }),
            json!({ "port": 80, "name": "NO" }),
            json!({ "port": 80, "mode": 3 }),
            json!({ "port": 80, "mode": "c" }),
            json!({ "port": 80, "tags": ["a", "b", "c"] }),
            json!({ "port": 80, "tags": ["a", 1] }),
            json!({ "port": 80, "labels": { "abc": null } }),
            json!({ "port": 80, "labels": { "abcd": "x" } }),
            json!({ "port": 80, "flag": "yes" }),
            json!({ "port": 80, "other": 1 }),
            json!({}),
            json!([1]),
            json!(null),
        ];
        for instance in instances {
            let node = tree(&instance);
            assert_eq!(
                on_tree.is_valid(&node),
                serde.is_valid(&instance),
                "{instance}"
            );
        }
    }

    #[test]
    fn floats_that_are_not_finite_read_as_null() {
        let at = Location::new(Arc::from("t.yaml"), 1, 1);
        let nan = Node::new(Value::Float(f64::NAN), at);
        let schema = json!({ "type": "null" });
        let on_tree = jsonschema::options_for::<TreeJson>()
            .build(&schema)
            .expect("compiles");
        assert!(on_tree.is_valid(&nan));
        assert_eq!(nan.to_json(), serde_json::Value::Null);
    }
}
