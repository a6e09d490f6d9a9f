//! An engineer's own data: latency samples, Prometheus histograms and arrival traces, read from
//! files a scenario names (`file = "latencies.txt"`).
//!
//! Scenario parsing itself never touches a filesystem (the browser has none): validation asks a
//! [`DataFiles`] for a file by the name written in the scenario. The CLI gives it a [`Directory`]
//! that resolves names next to the scenario file; the playground and tests give it [`InMemory`]
//! files (a file dropped on the page, say); without one, a scenario naming a file gets an error
//! that says to write the samples inline. Every reader is capped twice: the file's size (checked
//! before a byte is read, and again while reading) and each line's length, so a 2 GB trace or a
//! file without newlines is refused, never loaded.
//!
//! ```
//! use queuelab::data::{DataFiles, InMemory};
//! let files = InMemory::new([("lat.txt", "0.010\n0.020\n")]);
//! let mut text = String::new();
//! std::io::Read::read_to_string(&mut files.open("lat.txt", 1 << 20).unwrap().reader, &mut text).unwrap();
//! assert_eq!(text, "0.010\n0.020\n");
//! assert!(files.open("other.txt", 1 << 20).unwrap_err().contains("other.txt"));
//! ```

pub mod samples;
pub mod shipped;
pub mod trace;

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::Arc;

/// Bytes of one line of a data file: a row of a trace is a few dozen.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// An opened data file: the name to quote in messages and its bytes.
pub struct DataFile {
    /// The file as the user knows it (the resolved path), for `name:line:` messages.
    pub origin: String,
    pub reader: Box<dyn Read + Send>,
}

impl std::fmt::Debug for DataFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DataFile({})", self.origin)
    }
}

/// Where a scenario's data files come from.
pub trait DataFiles: Send + Sync + std::panic::RefUnwindSafe {
    /// Opens `name`, as written in the scenario, refusing a file of more than `cap` bytes.
    fn open(&self, name: &str, cap: u64) -> Result<DataFile, String>;
}

/// Files in memory, by name: what the browser has after a file is dropped, and tests.
#[derive(Debug, Clone, Default)]
pub struct InMemory {
    files: BTreeMap<String, Arc<[u8]>>,
}

impl InMemory {
    pub fn new<N: Into<String>, B: AsRef<[u8]>>(files: impl IntoIterator<Item = (N, B)>) -> Self {
        InMemory {
            files: files
                .into_iter()
                .map(|(name, bytes)| (name.into(), Arc::from(bytes.as_ref())))
                .collect(),
        }
    }
}

impl DataFiles for InMemory {
    fn open(&self, name: &str, cap: u64) -> Result<DataFile, String> {
        let bytes = self.files.get(name).ok_or_else(|| {
            format!("there is no file {name:?} here (give its contents inline instead)")
        })?;
        if bytes.len() as u64 > cap {
            return Err(too_large(name, bytes.len() as u64, cap));
        }
        Ok(DataFile {
            origin: name.to_string(),
            reader: Box::new(io::Cursor::new(bytes.clone())),
        })
    }
}

/// Files on disk, a relative name resolved from `base` (the scenario's directory).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone)]
pub struct Directory {
    pub base: std::path::PathBuf,
}

#[cfg(not(target_arch = "wasm32"))]
impl DataFiles for Directory {
    fn open(&self, name: &str, cap: u64) -> Result<DataFile, String> {
        let path = self.base.join(name);
        let origin = path.display().to_string();
        // Looked at before opening: opening a pipe would wait for a writer.
        let metadata = std::fs::metadata(&path).map_err(|e| {
            let hint = if std::path::Path::new(name).is_relative() {
                format!(
                    " (a relative path is read from the scenario's directory, {})",
                    display_dir(&self.base)
                )
            } else {
                String::new()
            };
            format!("cannot read {origin}: {e}{hint}")
        })?;
        if !metadata.is_file() {
            return Err(format!("cannot read {origin}: it is not a regular file"));
        }
        if metadata.len() > cap {
            return Err(too_large(&origin, metadata.len(), cap));
        }
        let file = std::fs::File::open(&path).map_err(|e| format!("cannot read {origin}: {e}"))?;
        Ok(DataFile {
            origin,
            reader: Box::new(Capped::new(file, cap)),
        })
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn display_dir(base: &std::path::Path) -> String {
    if base.as_os_str().is_empty() {
        ".".into()
    } else {
        base.display().to_string()
    }
}

pub(crate) fn too_large(origin: &str, len: u64, cap: u64) -> String {
    format!(
        "cannot read {origin}: it is {len} bytes, more than the limit of {cap} bytes ({} MiB) for this kind of file",
        cap >> 20
    )
}

/// A reader that fails once more than `cap` bytes came through (a file that grows while it is
/// read), or a line runs past [`MAX_LINE_BYTES`].
pub struct Capped<R> {
    inner: R,
    left: u64,
    cap: u64,
    line: usize,
}

impl<R: Read> Capped<R> {
    pub fn new(inner: R, cap: u64) -> Self {
        Capped {
            inner,
            left: cap,
            cap,
            line: 0,
        }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = buf
            .len()
            .min(self.left.saturating_add(1).min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > self.left {
            return Err(io::Error::other(format!(
                "the file grew past the limit of {} bytes while it was read",
                self.cap
            )));
        }
        self.left -= n as u64;
        for &byte in &buf[..n] {
            if byte == b'\n' {
                self.line = 0;
            } else {
                self.line += 1;
                if self.line > MAX_LINE_BYTES {
                    return Err(io::Error::other(format!(
                        "a line is longer than {MAX_LINE_BYTES} bytes (is this a text file of one value or row per line?)"
                    )));
                }
            }
        }
        Ok(n)
    }
}

/// The unit of bare numbers in a data file or an inline list (`unit = "ms"`), in seconds.
pub fn unit_secs(unit: &str) -> Option<f64> {
    Some(match unit {
        "ns" => 1e-9,
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return None,
    })
}

/// The units [`unit_secs`] knows, for messages.
pub const UNITS: &str = "ns, us, ms, s, min, h";

/// A time value as written in a data file: a number in `unit_secs` seconds each, or a duration
/// with its own unit (`"12ms"`). Finite and ≥ 0, or a message saying what is wrong.
pub fn time_value(text: &str, unit_secs: f64) -> Result<f64, String> {
    let text = text.trim();
    let secs = match text.parse::<f64>() {
        Ok(number) => number * unit_secs,
        Err(_)
            if text.starts_with(|c: char| c.is_ascii_digit() || c == '.')
                && text.ends_with(|c: char| c.is_alphabetic()) =>
        {
            match text.parse::<crate::time::SimDuration>() {
                Ok(duration) => duration.as_secs_f64(),
                Err(e) => return Err(format!("{text:?} is not a time: {e}")),
            }
        }
        Err(_) => return Err(format!("{text:?} is not a number")),
    };
    if secs.is_nan() {
        return Err(format!("{text:?} is not a number (NaN)"));
    }
    if !secs.is_finite() {
        return Err(format!("{text:?} is not finite"));
    }
    if secs < 0.0 {
        return Err(format!("{text:?} is negative; times are ≥ 0"));
    }
    Ok(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_values_take_a_unit_or_their_own() {
        assert_eq!(time_value("12", 1e-3), Ok(0.012));
        assert_eq!(time_value(" 250ms ", 1.0), Ok(0.25));
        assert!(time_value("NaN", 1.0).unwrap_err().contains("NaN"));
        assert!(time_value("-1", 1.0).unwrap_err().contains("negative"));
        assert!(time_value("inf", 1.0).unwrap_err().contains("finite"));
        assert!(time_value("abc", 1.0).unwrap_err().contains("not a"));
        assert!(time_value("", 1.0).is_err());
    }

    #[test]
    fn capped_reader_refuses_long_lines_and_growth() {
        let long = vec![b'1'; MAX_LINE_BYTES + 1];
        let mut text = Vec::new();
        let error = Capped::new(&long[..], 1 << 30)
            .read_to_end(&mut text)
            .unwrap_err();
        assert!(error.to_string().contains("line is longer"), "{error}");
        let error = Capped::new(&b"1\n2\n3\n"[..], 4)
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        assert!(error.to_string().contains("grew past"), "{error}");
        let mut fine = String::new();
        Capped::new(&b"1\n2\n"[..], 4)
            .read_to_string(&mut fine)
            .unwrap();
        assert_eq!(fine, "1\n2\n");
    }
}
