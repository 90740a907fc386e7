//! Embeds every file under `templates/` into the binary (see `src/render/mod.rs`): writes
//! `$OUT_DIR/templates.rs` with one `(name, include_str!(path))` entry per file, names relative
//! to `templates/` with `/` separators, sorted. Cargo re-runs this when the directory changes,
//! so a new template is picked up without touching any Rust file.
//!
//! Also splits the committed values schema into the compact per-section form validation compiles
//! (`$OUT_DIR/schema.rs`, see [`schema_sections`]).

use serde_json::Value;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, base: &Path, out: &mut Vec<(String, PathBuf)>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, base, out)?;
        } else if let Ok(rel) = path.strip_prefix(base) {
            let name: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push((name.join("/"), path.clone()));
        }
    }
    Ok(())
}

fn main() -> io::Result<()> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?);
    let dir = root.join("templates");
    println!("cargo:rerun-if-changed=templates");
    let mut files = Vec::new();
    if dir.is_dir() {
        collect(&dir, &dir, &mut files)?;
    }
    files.sort();
    let mut code = String::from("pub static TEMPLATES: &[(&str, &str)] = &[\n");
    for (name, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        code.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(io::Error::other)?);
    fs::write(out.join("templates.rs"), code)?;
    schema_sections(&root, &out)
}

/// Keywords that only annotate a schema: validation never reads them.
const ANNOTATIONS: &[&str] = &["description", "title", "default", "examples"];
/// Keywords whose value maps names (property names, not keywords) to subschemas.
const NAMED_SUBSCHEMAS: &[&str] = &["properties", "patternProperties", "definitions"];
/// Keywords whose value is data, copied as it is.
const DATA: &[&str] = &["enum", "const", "required"];

/// The schema without annotations, as validation reads it.
fn compact(schema: &Value) -> Value {
    match schema {
        Value::Object(obj) => Value::Object(
            obj.iter()
                .filter(|(k, _)| !ANNOTATIONS.contains(&k.as_str()))
                .map(|(k, v)| {
                    let v = if DATA.contains(&k.as_str()) {
                        v.clone()
                    } else if NAMED_SUBSCHEMAS.contains(&k.as_str()) {
                        match v {
                            Value::Object(named) => Value::Object(
                                named.iter().map(|(n, s)| (n.clone(), compact(s))).collect(),
                            ),
                            other => other.clone(),
                        }
                    } else {
                        compact(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(compact).collect()),
        other => other.clone(),
    }
}

/// Writes `$OUT_DIR/schema.rs` from `schema/values.schema.json`, for `src/validate/mod.rs`:
/// `ROOT`, the root schema with each top-level property's schema replaced by `true` (the root
/// checks: its type and unknown top-level keys), and `SECTIONS`, each top-level property's schema,
/// all without annotations, and `TREES`, the same sections as static data (read without parsing).
/// Validation compiles only the sections a user wrote. A schema that does not parse gives an empty
/// `ROOT`, and validation falls back to the schema the model generates.
fn schema_sections(root: &Path, out: &Path) -> io::Result<()> {
    let path = root.join("schema").join("values.schema.json");
    println!("cargo:rerun-if-changed=schema/values.schema.json");
    let parsed: Option<Value> = fs::read_to_string(&path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok());
    let mut root_text = String::new();
    let mut sections: Vec<(String, String)> = Vec::new();
    if let Some(Value::Object(mut schema)) = parsed.map(|s| compact(&s)) {
        if let Some(Value::Object(props)) = schema.get_mut("properties") {
            for (name, section) in props.iter_mut() {
                sections.push((name.clone(), section.to_string()));
                *section = Value::Bool(true);
            }
        }
        root_text = Value::Object(schema).to_string();
    }
    let mut code = format!("pub static ROOT: &str = {root_text:?};\n");
    code.push_str("/// Each section's schema as static data, in the order of `SECTIONS`.\n");
    code.push_str("pub static TREES: [Schema; SECTION_COUNT] = [\n");
    for (_, text) in &sections {
        let tree: Value = serde_json::from_str(text).map_err(io::Error::other)?;
        code.push_str("    ");
        static_tree(&tree, &mut code);
        code.push_str(",\n");
    }
    code.push_str("];\n");
    code.push_str(&format!(
        "pub const SECTION_COUNT: usize = {};\n",
        sections.len()
    ));
    code.push_str("pub static SECTIONS: [(&str, &str); SECTION_COUNT] = [\n");
    for (name, text) in &sections {
        code.push_str(&format!("    ({name:?}, {text:?}),\n"));
    }
    code.push_str("];\n");
    fs::write(out.join("schema.rs"), code)
}

/// Writes `value` as a Rust expression of type `Schema` (see `src/validate/tree.rs`).
fn static_tree(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("Schema::Null"),
        Value::Bool(b) => out.push_str(&format!("Schema::Bool({b})")),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&format!("Schema::Int({i})")),
            (None, Some(u), _) => out.push_str(&format!("Schema::UInt({u})")),
            (_, _, Some(f)) => out.push_str(&format!("Schema::Float({f:?})")),
            _ => out.push_str("Schema::Null"),
        },
        Value::String(s) => out.push_str(&format!("Schema::Str({s:?})")),
        Value::Array(items) => {
            out.push_str("Schema::Array(&[");
            for item in items {
                static_tree(item, out);
                out.push(',');
            }
            out.push_str("])");
        }
        Value::Object(entries) => {
            out.push_str("Schema::Object(&[");
            for (name, item) in entries {
                out.push_str(&format!("({name:?}, "));
                static_tree(item, out);
                out.push_str("),");
            }
            out.push_str("])");
        }
    }
}
