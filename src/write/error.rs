//! The one error type of the write stage.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why a chart was not written. Nothing is left behind in any of these cases.
#[derive(Debug)]
pub enum WriteError {
    /// The chart's input cannot make a valid chart (bad version, unsafe template name, a document
    /// Helm would alter, ...). Exit code 1.
    Invalid(String),
    /// The output directory exists and holds files, and `force` was not given. Exit code 2.
    NotEmpty(PathBuf),
    /// The output path cannot be used (no parent directory, not a directory, a symlink). Exit code 2.
    BadOutput { path: PathBuf, reason: String },
    /// Reading or writing the file system failed. Exit code 2.
    Io { path: PathBuf, source: io::Error },
}

impl WriteError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        WriteError::Io {
            path: path.into(),
            source,
        }
    }

    /// The process exit code this error calls for: 1 for invalid input, 2 for usage and I/O.
    pub fn exit_code(&self) -> i32 {
        match self {
            WriteError::Invalid(_) => 1,
            WriteError::NotEmpty(_) | WriteError::BadOutput { .. } | WriteError::Io { .. } => 2,
        }
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Invalid(message) => write!(f, "{message}"),
            WriteError::NotEmpty(path) => write!(
                f,
                "{} is not empty; choose an empty or new directory, or pass --force to replace it",
                path.display()
            ),
            WriteError::BadOutput { path, reason } => {
                write!(f, "cannot write a chart to {}: {reason}", path.display())
            }
            WriteError::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
