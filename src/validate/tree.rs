//! The compact schema as static data: `build.rs` writes each section of the committed schema as
//! a tree of [`Schema`] values compiled into the binary, so reading it costs no parsing. Pruning
//! ([`super::prune`]) and the null checks walk these trees; only what they keep becomes JSON.

use serde_json::Value as Json;

/// A JSON value known at compile time.
#[derive(Debug, Clone, PartialEq)]
#[allow(
    dead_code,
    reason = "build.rs writes every kind of number; today's schema has only small integers"
)]
pub enum Schema {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(&'static str),
    Array(&'static [Schema]),
    /// Entries in the order of the committed schema.
    Object(&'static [(&'static str, Schema)]),
}

impl Schema {
    /// The value under `key` of an object.
    pub fn get(&self, key: &str) -> Option<&'static Schema> {
        self.entries()?
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, value)| value)
    }

    /// The entries of an object.
    pub fn entries(&self) -> Option<&'static [(&'static str, Schema)]> {
        match *self {
            Schema::Object(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Schema::Object(_))
    }

    pub fn to_json(&self) -> Json {
        match *self {
            Schema::Null => Json::Null,
            Schema::Bool(b) => Json::Bool(b),
            Schema::Int(i) => Json::from(i),
            Schema::UInt(u) => Json::from(u),
            Schema::Float(f) => Json::from(f),
            Schema::Str(s) => Json::String(s.to_string()),
            Schema::Array(items) => Json::Array(items.iter().map(Schema::to_json).collect()),
            Schema::Object(entries) => Json::Object(
                entries
                    .iter()
                    .map(|(name, value)| (name.to_string(), value.to_json()))
                    .collect(),
            ),
        }
    }

    /// `json` as a [`Schema`], kept for the rest of the process (for tests, which have no
    /// compiled-in trees of their own).
    #[cfg(test)]
    pub fn leak(json: &Json) -> &'static Schema {
        fn convert(json: &Json) -> Schema {
            match json {
                Json::Null => Schema::Null,
                Json::Bool(b) => Schema::Bool(*b),
                Json::Number(n) => match (n.as_i64(), n.as_u64()) {
                    (Some(i), _) => Schema::Int(i),
                    (None, Some(u)) => Schema::UInt(u),
                    _ => Schema::Float(n.as_f64().unwrap_or_default()),
                },
                Json::String(s) => Schema::Str(Box::leak(s.clone().into_boxed_str())),
                Json::Array(items) => {
                    Schema::Array(Box::leak(items.iter().map(convert).collect::<Box<[_]>>()))
                }
                Json::Object(obj) => Schema::Object(Box::leak(
                    obj.iter()
                        .map(|(k, v)| (&*Box::leak(k.clone().into_boxed_str()), convert(v)))
                        .collect::<Box<[_]>>(),
                )),
            }
        }
        Box::leak(Box::new(convert(json)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn converts_back_to_the_same_json() {
        let json = json!({
            "type": ["object", "null"],
            "properties": { "a": { "minimum": -1, "maximum": 18446744073709551615u64 } },
            "x": 1.5,
            "y": null,
            "z": true
        });
        let tree = Schema::leak(&json);
        assert_eq!(tree.to_json(), json);
        assert_eq!(tree.get("x"), Some(&Schema::Float(1.5)));
        assert_eq!(tree.get("missing"), None);
    }
}
