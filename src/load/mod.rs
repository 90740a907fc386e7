//! Loading values exactly as Helm does: YAML 1.1 files into positioned trees ([`yaml`]),
//! `--set*` flags with Helm's strvals grammar ([`strvals`]), and Helm's coalescing of all layers
//! over the chart defaults ([`merge`]).
//!
//! Every node keeps the location it came from, so later stages can point at `FILE:LINE:COL`.
//!
//! Two kinds of failure come out of this stage. Files that cannot be read at all (missing,
//! unreadable, over the size limit) are [`LoadError`]s, which the command line turns into exit 2.
//! Everything wrong *inside* a file or a flag is a located [`Diagnostic`] (exit 1), and loading
//! goes on with the other layers so one run reports as much as it can.

mod block;
pub mod merge;
pub mod node;
pub mod strvals;
pub mod yaml;

pub use node::{Key, Map, Node, Value};

use crate::diag::{Diagnostic, Location};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Bounds on what one values file (or `--set-file` file) may cost to load. Exceeding one is a
/// located error, never a crash or unbounded memory use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Deepest nesting of maps and lists, counting the root map as 1.
    pub max_depth: usize,
    /// Most nodes that alias expansion (`*name`, `<<: *name`) may create in one file; this is
    /// what stops "billion laughs" files.
    pub max_alias_nodes: usize,
    /// Most nodes one file may produce in total, aliases included.
    pub max_nodes: usize,
    /// Most YAML documents scanned in one file (only the first may hold values, see
    /// [`yaml::parse_values`]).
    pub max_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 8 * 1024 * 1024,
            max_depth: 128,
            max_alias_nodes: 100_000,
            max_nodes: 2_000_000,
            max_documents: 64,
        }
    }
}

/// Where user values come from, as given on the command line. Within each kind the order is the
/// order given; across kinds the order is fixed (see [`load_user`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    /// `-f/--values` files; `-` is stdin.
    pub files: Vec<PathBuf>,
    pub set_json: Vec<String>,
    pub set: Vec<String>,
    pub set_string: Vec<String>,
    pub set_file: Vec<String>,
    pub set_literal: Vec<String>,
}

impl Sources {
    /// The `--set*` flags in the order Helm applies them, whatever their order on the command
    /// line: `--set-json`, `--set`, `--set-string`, `--set-file`, `--set-literal`.
    fn flags(&self) -> [(strvals::SetKind, &Vec<String>); 5] {
        [
            (strvals::SetKind::Json, &self.set_json),
            (strvals::SetKind::Set, &self.set),
            (strvals::SetKind::String, &self.set_string),
            (strvals::SetKind::File, &self.set_file),
            (strvals::SetKind::Literal, &self.set_literal),
        ]
    }
}

/// The user values built from every layer, and what was found on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// Always a map. When a layer has errors it is left out (a file) or applied up to the
    /// failing point (a flag, as Helm does), so this holds what could be read.
    pub user: Node,
    pub diagnostics: Vec<Diagnostic>,
}

/// A file that could not be read at all.
#[derive(Debug)]
pub enum LoadError {
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    TooBig {
        path: PathBuf,
        limit: u64,
    },
}

impl LoadError {
    /// The file the error is about (`-` for stdin).
    pub fn path(&self) -> &Path {
        match self {
            LoadError::Io { path, .. } | LoadError::TooBig { path, .. } => path,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { path, error } => {
                write!(f, "cannot read values file {}: {error}", path.display())
            }
            LoadError::TooBig { path, limit } => write!(
                f,
                "values file {} is larger than the limit of {limit} bytes",
                path.display()
            ),
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Io { error, .. } => Some(error),
            LoadError::TooBig { .. } => None,
        }
    }
}

/// Reads a whole file (`-` reads stdin), refusing anything over `limits.max_file_bytes`
/// without reading more than one byte past the limit.
pub fn read_source(path: &Path, limits: &Limits) -> Result<Vec<u8>, LoadError> {
    let io_err = |error| LoadError::Io {
        path: path.to_path_buf(),
        error,
    };
    let too_big = || LoadError::TooBig {
        path: path.to_path_buf(),
        limit: limits.max_file_bytes,
    };
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limits.max_file_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io_err)?;
    } else {
        let file = std::fs::File::open(path).map_err(io_err)?;
        let meta = file.metadata().map_err(io_err)?;
        if meta.is_dir() {
            return Err(io_err(std::io::Error::other("it is a directory")));
        }
        if meta.len() > limits.max_file_bytes {
            return Err(too_big());
        }
        file.take(limits.max_file_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io_err)?;
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_big());
    }
    Ok(bytes)
}

/// Builds the user values as Helm's `MergeValues` does: every `-f` file in order, then
/// `extra_file` (one more file, merged like a last `-f`), then all `--set-json`, `--set`,
/// `--set-string`, `--set-file` and `--set-literal` flags, in that fixed order whatever their
/// order on the command line. Files merge with [`merge::merge_layers`]; flags are parsed into the
/// tree built so far.
pub fn load_user(
    sources: &Sources,
    extra_file: Option<&Path>,
    limits: &Limits,
) -> Result<Loaded, LoadError> {
    let mut diagnostics = Vec::new();
    let mut user: Option<Node> = None;
    for path in sources.files.iter().map(PathBuf::as_path).chain(extra_file) {
        let bytes = read_source(path, limits)?;
        let name: Arc<str> = Arc::from(path.display().to_string());
        let (root, diags) = yaml::parse_values(name, &bytes, limits);
        diagnostics.extend(diags);
        if let Some(root) = root {
            match &mut user {
                Some(dest) => merge::merge_layers(dest, root),
                None => user = Some(root),
            }
        }
    }
    let mut user = user.unwrap_or_else(|| {
        Node::new(
            Value::Map(Map::default()),
            Location::new(Arc::from(first_source_name(sources)), 1, 1),
        )
    });
    for (kind, args) in sources.flags() {
        for arg in args {
            match strvals::apply_with(kind, arg, &mut user, limits) {
                Ok(warnings) => diagnostics.extend(warnings),
                Err(diag) => diagnostics.push(diag),
            }
        }
    }
    Ok(Loaded { user, diagnostics })
}

/// Names the root of the user values when no file gave one: the first flag, as typed.
fn first_source_name(sources: &Sources) -> String {
    sources
        .flags()
        .iter()
        .find_map(|(kind, args)| args.first().map(|a| kind.source_name(a)))
        .unwrap_or_else(|| "(no user values)".to_string())
}
