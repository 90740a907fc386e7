//! The positioned value tree shared by every stage before typing.

use crate::diag::Location;
use indexmap::IndexMap;

/// Where a map key was written (its name, the string Helm turns it into, is the map's key).
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub location: Location,
}

/// A mapping that keeps insertion order. Keys are the strings Helm produces
/// (`yes:` becomes `"true"`, `0x10:` becomes `"16"`).
pub type Map = IndexMap<String, (Key, Node), foldhash::fast::RandomState>;

/// A scalar or collection as Helm sees it after YAML 1.1 resolution.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// An integer: from `--set` (Helm's int64) or an integral YAML number that fits i64.
    Int(i64),
    /// A non-integral YAML number (Helm holds every file number as float64).
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Map),
}

/// A value and the location of its first character.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub location: Location,
    /// The scalar as written, kept only when YAML 1.1 resolved plain (unquoted) text to
    /// something other than a string (`on` → true, `0777` → 511), so messages can say
    /// "quote it".
    pub plain: Option<Box<str>>,
}

impl Node {
    pub fn new(value: Value, location: Location) -> Self {
        Node {
            value,
            location,
            plain: None,
        }
    }

    /// The value as plain JSON (what Helm passes to the schema and the templates).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(map) => J::Object(
                map.iter()
                    .map(|(k, (_, v))| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// Finds the node at a JSON pointer (`/global/istioSDS/customSidecars/0`), as far as it exists.
    /// Returns the deepest node reached and whether the whole pointer resolved.
    pub fn lookup_pointer(&self, pointer: &str) -> (&Node, bool) {
        let mut node = self;
        for raw in pointer.split('/').skip(1) {
            let token = raw.replace("~1", "/").replace("~0", "~");
            let next = match &node.value {
                Value::Map(map) => map.get(&token).map(|(_, v)| v),
                Value::Seq(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => return (node, false),
            }
        }
        (node, true)
    }

    /// Short name of the value's type, for messages ("found string").
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "list",
            Value::Map(_) => "map",
        }
    }
}

/// Converts a JSON pointer into Helm's dotted value path: `/a/b/0/c` → `a.b[0].c`.
/// Segments that are list indexes are recognised by the tree they walk through.
pub fn pointer_to_path(root: &Node, pointer: &str) -> String {
    let mut out = String::new();
    let mut node = Some(root);
    for raw in pointer.split('/').skip(1) {
        let token = raw.replace("~1", "/").replace("~0", "~");
        let is_index = matches!(node.map(|n| &n.value), Some(Value::Seq(_)));
        if is_index {
            out.push('[');
            out.push_str(&token);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
        node = node.and_then(|n| match &n.value {
            Value::Map(map) => map.get(&token).map(|(_, v)| v),
            Value::Seq(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        });
    }
    out
}
