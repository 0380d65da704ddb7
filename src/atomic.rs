//! Atomic file output: bytes go to a temporary file in the destination folder, are flushed to
//! disk, and only then renamed over the destination. An interrupted run leaves the previous file
//! intact and never a half-written one.
//!
//! Test hook: when the environment variable [`PAUSE_BEFORE_RENAME`]
//! (`STANCE_TEST_PAUSE_BEFORE_RENAME`) holds a number of milliseconds, [`write_atomic`] sleeps
//! that long after the temporary file is complete and flushed and before renaming it, having
//! said so on standard error (`stance: test hook: ...`). It exists so that a test can kill the
//! process in the one moment that matters and check the previous file survives; nothing else
//! sets it.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// The test hook's environment variable: milliseconds to pause between writing the temporary
/// file and renaming it (see the module documentation).
pub const PAUSE_BEFORE_RENAME: &str = "STANCE_TEST_PAUSE_BEFORE_RENAME";

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)
        .map_err(|e| Error::io(file.tmp.path(), e))?;
    file.commit()
}

/// A file written piece by piece (buffered) into a temporary file beside `path`, which
/// [`AtomicFile::commit`] flushes to disk and renames over `path`; dropped without committing,
/// it is removed and `path` is left as it was.
pub struct AtomicFile {
    path: std::path::PathBuf,
    tmp: tempfile::NamedTempFile<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    /// Creates the temporary file in `path`'s folder (an error naming the folder when it is
    /// missing or not writable).
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".stance-")
            .suffix(".tmp")
            .make_in(dir, |p| {
                let file = std::fs::File::options()
                    .write(true)
                    .create_new(true)
                    .open(p)?;
                set_readable(&file)?;
                Ok(std::io::BufWriter::with_capacity(1 << 16, file))
            })
            .map_err(|e| Error::io(dir, e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
        })
    }

    /// Flushes the file to disk and renames it over the destination.
    pub fn commit(mut self) -> Result<()> {
        let tmp = self.tmp.path().to_path_buf();
        let file = self.tmp.as_file_mut();
        file.flush().map_err(|e| Error::io(&tmp, e))?;
        file.get_ref().sync_all().map_err(|e| Error::io(&tmp, e))?;
        pause_before_rename(&tmp, &self.path);
        self.tmp
            .persist(&self.path)
            .map_err(|e| Error::io(&self.path, e.error))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.as_file_mut().write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.tmp.as_file_mut().write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.as_file_mut().flush()
    }
}

/// The test hook: sleeps for [`PAUSE_BEFORE_RENAME`] milliseconds when it is set.
fn pause_before_rename(tmp: &Path, path: &Path) {
    let Some(ms) = std::env::var(PAUSE_BEFORE_RENAME)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    else {
        return;
    };
    eprintln!(
        "stance: test hook: {PAUSE_BEFORE_RENAME}: {} is written; pausing {ms} ms before renaming \
         it to {}",
        tmp.display(),
        path.display()
    );
    std::thread::sleep(std::time::Duration::from_millis(ms));
}

/// Temporary files are created private (0600); the result should be an ordinary file (0644).
#[cfg(unix)]
fn set_readable(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_readable(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        write_atomic(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn missing_folder_is_an_error_naming_it() {
        let err = write_atomic(Path::new("/nonexistent-dir/x/m.json"), b"x").unwrap_err();
        assert!(err.to_string().starts_with("/nonexistent-dir/x"), "{err}");
    }
}
