//! Embeds every file under `templates/` into the binary (see `src/render/mod.rs`): writes
//! `$OUT_DIR/templates.rs` with one `(name, include_str!(path))` entry per file, names relative
//! to `templates/` with `/` separators, sorted. Cargo re-runs this when the directory changes,
//! so a new template is picked up without touching any Rust file.

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
    fs::write(out.join("templates.rs"), code)
}
