//! Putting a directory in place whole or not at all.
//!
//! The new content is built in a fresh directory beside the target (same parent, so the same file
//! system) and renamed into place. A target that holds files is only replaced on request, and
//! then by two renames: the old directory is moved aside, the new one moved in, the old one
//! removed. Any failure before the final rename removes what was built; a failure of the final
//! rename moves the old directory back. Nothing is written outside the target except these
//! short-lived sibling directories.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::WriteError;

/// What is at the target path before writing.
#[derive(Debug, PartialEq, Eq)]
enum Existing {
    Nothing,
    EmptyDir,
    FullDir,
}

/// Builds the content of `target` with `fill` (called with the empty build directory) and puts it
/// in place. With `force`, a target that holds files is replaced; without it, it is refused before
/// anything is written.
pub(crate) fn replace_dir(
    target: &Path,
    force: bool,
    fill: impl FnOnce(&Path) -> Result<(), WriteError>,
) -> Result<(), WriteError> {
    let bad = |reason: &str| WriteError::BadOutput {
        path: target.to_path_buf(),
        reason: reason.to_string(),
    };
    let name = target
        .file_name()
        .ok_or_else(|| bad("the path must end in a directory name, not `.`, `..` or `/`"))?;
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match fs::metadata(&parent) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(bad("its parent is not a directory")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(bad("its parent directory does not exist"))
        }
        Err(e) => return Err(WriteError::io(&parent, e)),
    }
    let existing = inspect(target)?;
    if existing == Existing::FullDir && !force {
        return Err(WriteError::NotEmpty(target.to_path_buf()));
    }

    let build = SiblingDir::create(&parent, name, "new")?;
    fill(build.path())?;
    set_dir_mode(build.path())?;

    if existing != Existing::FullDir {
        // rename(2) replaces an empty directory and refuses a non-empty one, so a target that
        // gained files since it was inspected is never clobbered.
        fs::rename(build.path(), target).map_err(|e| WriteError::io(target, e))?;
        build.keep();
        return Ok(());
    }

    let aside = SiblingDir::create(&parent, name, "old")?;
    fs::rename(target, aside.path()).map_err(|e| WriteError::io(target, e))?;
    if let Err(e) = fs::rename(build.path(), target) {
        // Put the previous content back; if even that fails, say where it is.
        return match fs::rename(aside.path(), target) {
            Ok(()) => {
                aside.keep();
                Err(WriteError::io(target, e))
            }
            Err(back) => {
                let kept = aside.keep();
                Err(WriteError::BadOutput {
                    path: target.to_path_buf(),
                    reason: format!(
                        "moving the new chart in failed ({e}) and moving the previous content back failed ({back}); it is in {}",
                        kept.display()
                    ),
                })
            }
        };
    }
    build.keep();
    // `aside` now holds the previous content; dropping it removes it.
    aside.remove()
}

fn inspect(target: &Path) -> Result<Existing, WriteError> {
    let meta = match fs::symlink_metadata(target) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::Nothing),
        Err(e) => return Err(WriteError::io(target, e)),
    };
    let reason = if meta.file_type().is_symlink() {
        "it is a symbolic link; give the directory it points to"
    } else if !meta.is_dir() {
        "it exists and is not a directory"
    } else {
        let mut entries = fs::read_dir(target).map_err(|e| WriteError::io(target, e))?;
        return Ok(if entries.next().is_some() {
            Existing::FullDir
        } else {
            Existing::EmptyDir
        });
    };
    Err(WriteError::BadOutput {
        path: target.to_path_buf(),
        reason: reason.to_string(),
    })
}

#[cfg(unix)]
fn set_dir_mode(dir: &Path) -> Result<(), WriteError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).map_err(|e| WriteError::io(dir, e))
}

#[cfg(not(unix))]
fn set_dir_mode(_dir: &Path) -> Result<(), WriteError> {
    Ok(())
}

/// A hidden directory beside the target, removed when dropped unless kept.
struct SiblingDir {
    path: Option<PathBuf>,
}

impl SiblingDir {
    fn create(parent: &Path, target_name: &OsStr, role: &str) -> Result<Self, WriteError> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let mut last_error = None;
        for _ in 0..16 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let mut name = std::ffi::OsString::from(".");
            name.push(target_name);
            name.push(format!(
                ".gloo-chart-{role}-{}-{n}-{nanos:x}",
                std::process::id()
            ));
            let path = parent.join(name);
            match fs::create_dir(&path) {
                Ok(()) => return Ok(SiblingDir { path: Some(path) }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_error = Some(e),
                // Named after the target: the hidden sibling's name means nothing to the user.
                Err(e) => return Err(WriteError::io(parent.join(target_name), e)),
            }
        }
        Err(WriteError::io(
            parent.join(target_name),
            last_error.unwrap_or_else(|| io::Error::other("no free temporary name")),
        ))
    }

    fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(""))
    }

    /// Stops the automatic removal and returns the path.
    fn keep(mut self) -> PathBuf {
        self.path.take().unwrap_or_default()
    }

    /// Removes the directory now, reporting a failure.
    fn remove(mut self) -> Result<(), WriteError> {
        match self.path.take() {
            Some(path) => fs::remove_dir_all(&path).map_err(|e| WriteError::io(&path, e)),
            None => Ok(()),
        }
    }
}

impl Drop for SiblingDir {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = fs::remove_dir_all(path);
        }
    }
}

/// Writes one file whole or not at all: the bytes go to a temporary sibling that is renamed over
/// `path`, so a reader never sees half a file and a failure leaves the old file as it was.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.{stamp}.tmp", std::process::id()));
    let tmp = parent.join(tmp_name);
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(|e| io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("gloo-chart-atomic-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).ok();
        dir
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    fn write_one(dir: &Path) -> Result<(), WriteError> {
        fs::write(dir.join("a.txt"), "new").map_err(|e| WriteError::io(dir, e))
    }

    #[test]
    fn writes_a_new_directory_and_leaves_no_sibling() {
        let root = scratch("new");
        let target = root.join("out");
        replace_dir(&target, false, write_one).unwrap();
        assert_eq!(listing(&root), vec!["out"]);
        assert_eq!(fs::read_to_string(target.join("a.txt")).unwrap(), "new");
    }

    #[test]
    fn failure_while_building_leaves_nothing() {
        let root = scratch("fail");
        let target = root.join("out");
        let result = replace_dir(&target, false, |dir| {
            write_one(dir)?;
            Err(WriteError::Invalid("injected".into()))
        });
        assert!(matches!(result, Err(WriteError::Invalid(_))));
        assert!(listing(&root).is_empty(), "{:?}", listing(&root));
    }

    #[test]
    fn failure_while_replacing_keeps_the_old_content() {
        let root = scratch("fail-force");
        let target = root.join("out");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("old.txt"), "old").unwrap();
        let result = replace_dir(&target, true, |_| {
            Err(WriteError::Invalid("injected".into()))
        });
        assert!(result.is_err());
        assert_eq!(listing(&root), vec!["out"]);
        assert_eq!(listing(&target), vec!["old.txt"]);
    }

    #[test]
    fn full_directory_needs_force_then_is_replaced_whole() {
        let root = scratch("force");
        let target = root.join("out");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("old.txt"), "old").unwrap();
        let refused = replace_dir(&target, false, write_one);
        assert!(matches!(refused, Err(WriteError::NotEmpty(_))));
        assert_eq!(listing(&target), vec!["old.txt"]);
        replace_dir(&target, true, write_one).unwrap();
        assert_eq!(
            listing(&target),
            vec!["a.txt"],
            "old files are gone, not merged"
        );
        assert_eq!(listing(&root), vec!["out"]);
    }

    #[test]
    fn empty_directory_is_used_without_force() {
        let root = scratch("empty");
        let target = root.join("out");
        fs::create_dir(&target).unwrap();
        replace_dir(&target, false, write_one).unwrap();
        assert_eq!(listing(&target), vec!["a.txt"]);
    }

    #[test]
    fn refuses_dot_missing_parent_file_and_symlink() {
        let root = scratch("bad");
        assert!(matches!(
            replace_dir(Path::new("."), true, write_one),
            Err(WriteError::BadOutput { .. })
        ));
        assert!(matches!(
            replace_dir(&root.join("no/such/out"), true, write_one),
            Err(WriteError::BadOutput { .. })
        ));
        fs::write(root.join("file"), "x").unwrap();
        assert!(matches!(
            replace_dir(&root.join("file"), true, write_one),
            Err(WriteError::BadOutput { .. })
        ));
        #[cfg(unix)]
        {
            fs::create_dir(root.join("real")).unwrap();
            std::os::unix::fs::symlink(root.join("real"), root.join("link")).unwrap();
            assert!(matches!(
                replace_dir(&root.join("link"), true, write_one),
                Err(WriteError::BadOutput { .. })
            ));
        }
        assert_eq!(fs::read_to_string(root.join("file")).unwrap(), "x");
        assert_eq!(listing(&root), vec!["file", "link", "real"]);
    }
}
