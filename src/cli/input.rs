//! Reading input files with a size cap: only regular files, at most
//! [`MAX_INPUT_BYTES`](crate::scenario::limits::MAX_INPUT_BYTES), UTF-8 — each refusal says
//! which file and why, at once (`queuelab run /dev/zero` never reads a byte).

use crate::scenario::limits::{input_too_large, MAX_CHECK_FILES, MAX_INPUT_BYTES};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The text of a scenario or exercise file.
pub fn read_input(path: &Path) -> Result<String, String> {
    let origin = path.display();
    // Looked at before opening: opening a pipe would wait for a writer.
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read {origin}: {e}"))?;
    if !metadata.is_file() {
        return Err(format!(
            "cannot read {origin}: it is {}, not a regular file; give a scenario or exercise file (.toml)",
            kind_of(&metadata)
        ));
    }
    if let Some(why) = input_too_large(metadata.len().try_into().unwrap_or(usize::MAX)) {
        return Err(format!("cannot read {origin}: it {why}"));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {origin}: {e}"))?;
    // The size can change between the check and the read (a file being written, /proc):
    // never read more than one byte past the limit.
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {origin}: {e}"))?;
    if let Some(why) = input_too_large(bytes.len()) {
        return Err(format!("cannot read {origin}: it {why}"));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(valid);
        let (line, column) = crate::scenario::error::line_col(&text, text.len());
        format!("{origin}:{line}:{column}: the file is not UTF-8 text (a byte here cannot start or continue a character)")
    })
}

pub(super) fn kind_of(metadata: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_fifo() {
            return "a pipe";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if metadata.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Every `.toml` file named or under a named directory, sorted: an iterative walk that follows
/// symbolic links and reports a link back to a directory above it as a loop.
pub fn toml_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        let metadata =
            std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if !metadata.is_dir() {
            files.push(path.clone());
            continue;
        }
        for entry in walkdir::WalkDir::new(path).follow_links(true) {
            let entry = entry.map_err(|e| walk_error(path, &e))?;
            let is_toml = entry.path().extension().is_some_and(|e| e == "toml");
            if entry.file_type().is_file() && is_toml {
                files.push(entry.into_path());
                if files.len() > MAX_CHECK_FILES {
                    return Err(format!(
                        "more than {MAX_CHECK_FILES} .toml files under the given paths, the limit; check fewer at a time"
                    ));
                }
            }
        }
    }
    files.sort();
    Ok(files)
}

fn walk_error(root: &Path, error: &walkdir::Error) -> String {
    if let Some(ancestor) = error.loop_ancestor() {
        return format!(
            "cannot list {}: {} is a symbolic link back to {}, a loop",
            root.display(),
            error
                .path()
                .map_or_else(String::new, |p| p.display().to_string()),
            ancestor.display()
        );
    }
    let at = error.path().unwrap_or(root).display();
    match error.io_error() {
        Some(io) => format!("cannot read {at}: {io}"),
        None => format!("cannot read {at}: {error}"),
    }
}
