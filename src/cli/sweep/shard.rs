//! `sweep --shard I/N`: one machine's share of a sweep, and the file it leaves for
//! `queuelab merge`.
//!
//! Job j of a sweep (value by value, replication by replication) belongs to shard j mod N.
//! Dealt like cards, every shard gets a like mix of cheap and costly values (a sweep's cost
//! usually climbs or falls along the parameter). Nothing about a job depends on the shard that
//! runs it — its seed is its replication's, as in a whole sweep — so the shards' runs, put back
//! in job order, are the whole sweep's runs bit for bit, and the merge prints what the sweep
//! would have. Shards are counted from 0, as a Kubernetes Indexed Job counts its pods
//! (`--shard "$JOB_COMPLETION_INDEX/8"`).
//!
//! A shard file carries a fingerprint of everything that decides its numbers — the scenario's
//! text, the bytes of the data files it read, `--set`, `--seed`, `--param`, `--replications`,
//! `--metric` and the version of queuelab — so a merge refuses shards of different sweeps
//! instead of printing a table that mixes them. The scenario's path is not part of it: each
//! machine may keep the files where it likes.

use super::super::ScenarioArgs;
use crate::data::{DataFile, DataFiles};
use crate::scenario::limits::MAX_SWEEP_RUNS;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::hash::Hasher;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// What a shard file says it is, so that any other JSON is refused by name.
pub const KIND: &str = "queuelab sweep shard";
/// The layout of a shard file; a merge refuses another.
pub const LAYOUT: u32 = 1;

/// Shard `index` of `count`, counted from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slice {
    pub index: usize,
    pub count: usize,
}

impl Slice {
    /// Reads `--shard I/N`: two whole numbers, 0 ≤ I < N ≤ [`MAX_SWEEP_RUNS`].
    pub fn parse(text: &str) -> Result<Slice, String> {
        let form = "give I/N, two whole numbers, shard I of N counted from 0 (0/4, 1/4, 2/4, 3/4)";
        let Some((index, count)) = text.split_once('/') else {
            return Err(format!("--shard {text:?}: {form}"));
        };
        let (index, count) = (index.trim(), count.trim());
        if index.is_empty() {
            return Err(format!(
                "--shard {text:?}: the shard index before '/' is missing (an unset $JOB_COMPLETION_INDEX?); {form}"
            ));
        }
        let number = |part: &str, what: &str| {
            part.parse::<usize>().map_err(|_| {
                format!("--shard {text:?}: {what} {part:?} is not a whole number; {form}")
            })
        };
        let (index, count) = (number(index, "the index")?, number(count, "the count")?);
        if count == 0 {
            return Err(format!(
                "--shard {text:?}: a sweep splits into at least 1 shard"
            ));
        }
        if count > MAX_SWEEP_RUNS {
            return Err(format!(
                "--shard {text:?}: at most {MAX_SWEEP_RUNS} shards, as many as a sweep has runs"
            ));
        }
        if index >= count {
            return Err(format!(
                "--shard {text:?}: there is no shard {index} of {count}: shards are counted from 0, as JOB_COMPLETION_INDEX counts, so the last is {}/{count}",
                count - 1
            ));
        }
        Ok(Slice { index, count })
    }

    /// Whether job `j` of the sweep is this shard's.
    pub fn owns(self, job: usize) -> bool {
        job % self.count == self.index
    }

    /// The file name `--out DIR` writes: `shard-03-of-16.json`, zero-padded so names sort.
    pub fn file_name(self) -> String {
        let width = (self.count - 1).to_string().len();
        format!("shard-{:0width$}-of-{}.json", self.index, self.count)
    }
}

impl std::fmt::Display for Slice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// A shard's results, as written to its file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardFile {
    /// Always [`KIND`].
    pub kind: String,
    /// Always [`LAYOUT`].
    pub layout: u32,
    /// The queuelab version that ran the shard.
    pub queuelab: String,
    /// 16 hex digits: equal for the shards of one sweep, different otherwise.
    pub fingerprint: String,
    pub shard: Slice,
    pub sweep: SweepFacts,
    /// This shard's runs, in job order.
    pub runs: Vec<ShardRun>,
}

/// What a merge needs of the sweep's command line to print its report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepFacts {
    /// `--param` as written: the merge reads the values from it exactly as the sweep did.
    pub param: String,
    pub metrics: Vec<String>,
    pub replications: u32,
    /// Runs of the whole sweep: values × replications.
    pub jobs: usize,
}

/// One run of one value.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardRun {
    /// The value's position in `--param`'s list, from 0.
    pub point: usize,
    /// The replication, from 0.
    pub replication: u32,
    /// Why the run stopped early, if it did (the sweep's warning).
    pub warning: Option<String>,
    /// The run's summary, as `queuelab run --format json` prints it.
    pub summary: Value,
}

/// The scenario's data files, hashed as they are read while the sweep's configurations are
/// built; reads after [`RecordingFiles::stop`] (the runs replaying a trace) pass straight through.
pub struct RecordingFiles {
    inner: Arc<dyn DataFiles>,
    recording: AtomicBool,
    read: Arc<Mutex<Vec<(String, u64)>>>,
}

impl RecordingFiles {
    pub fn new(inner: Arc<dyn DataFiles>) -> Arc<RecordingFiles> {
        Arc::new(RecordingFiles {
            inner,
            recording: AtomicBool::new(true),
            read: Arc::default(),
        })
    }

    /// Stops hashing; returns every file read so far, by name as the scenario wrote it, with
    /// the hash of its bytes, in the order they were read.
    pub fn stop(&self) -> Vec<(String, u64)> {
        self.recording.store(false, Ordering::SeqCst);
        self.read
            .lock()
            .map(|read| read.clone())
            .unwrap_or_default()
    }
}

impl DataFiles for RecordingFiles {
    fn open(&self, name: &str, cap: u64) -> Result<DataFile, String> {
        let file = self.inner.open(name, cap)?;
        if !self.recording.load(Ordering::SeqCst) {
            return Ok(file);
        }
        Ok(DataFile {
            origin: file.origin,
            reader: Box::new(Hashing {
                inner: file.reader,
                name: name.to_string(),
                hash: fnv::FnvHasher::default(),
                read: self.read.clone(),
            }),
        })
    }
}

/// A reader that hashes what passes through it and logs the hash when dropped.
struct Hashing {
    inner: Box<dyn Read + Send>,
    name: String,
    hash: fnv::FnvHasher,
    read: Arc<Mutex<Vec<(String, u64)>>>,
}

impl Read for Hashing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.write(&buf[..n]);
        Ok(n)
    }
}

impl Drop for Hashing {
    fn drop(&mut self) {
        if let Ok(mut read) = self.read.lock() {
            read.push((std::mem::take(&mut self.name), self.hash.finish()));
        }
    }
}

/// The sweep's fingerprint: FNV-1a over a canonical JSON of what decides its numbers.
pub fn fingerprint(
    args: &ScenarioArgs,
    scenario_text: &str,
    data_files: &[(String, u64)],
    sweep: &SweepFacts,
) -> String {
    let hex = |hash: u64| format!("{hash:016x}");
    let canonical = serde_json::json!({
        "queuelab": env!("CARGO_PKG_VERSION"),
        "scenario": hex(hash(scenario_text.as_bytes())),
        "data_files": data_files.iter().map(|(name, h)| [name.clone(), hex(*h)]).collect::<Vec<_>>(),
        "set": args.overrides,
        "seed": args.seed,
        "sweep": sweep,
    });
    hex(hash(canonical.to_string().as_bytes()))
}

fn hash(bytes: &[u8]) -> u64 {
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(bytes);
    hasher.finish()
}

/// Writes the shard's JSON to `DIR/shard-I-of-N.json` (through a temporary file renamed into
/// place, so a file there is whole), or to stdout without `--out`.
pub fn write(file: &ShardFile, out: Option<&Path>) -> Result<(), String> {
    let text = serde_json::to_string(file).map_err(|e| e.to_string())? + "\n";
    let Some(dir) = out else {
        return super::super::emit(&text);
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(file.shard.file_name());
    let partial = dir.join(format!(
        ".{}.partial-{}",
        file.shard.file_name(),
        std::process::id()
    ));
    std::fs::write(&partial, text)
        .and_then(|()| std::fs::rename(&partial, &path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            format!("cannot write {}: {e}", path.display())
        })?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// Bytes of one shard file a merge reads: far above the largest sweep (its results are capped
/// at [`MAX_SWEEP_RESULTS`](crate::scenario::limits::MAX_SWEEP_RESULTS)), far below a machine's memory.
pub const MAX_SHARD_BYTES: u64 = 1 << 30;

/// Reads and parses a shard file; every refusal names the file and says what is wrong.
pub fn read(path: &Path) -> Result<ShardFile, String> {
    let origin = path.display();
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read {origin}: {e}"))?;
    if !metadata.is_file() {
        return Err(format!(
            "cannot read {origin}: it is {}, not a shard file",
            super::super::input::kind_of(&metadata)
        ));
    }
    if metadata.len() > MAX_SHARD_BYTES {
        return Err(format!(
            "cannot read {origin}: it has {} bytes, more than the {MAX_SHARD_BYTES} a shard file may have",
            metadata.len()
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_SHARD_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read {origin}: {e}"))?;
    // The kind first, so that another JSON file is named as such rather than by its first
    // missing field (and a JSON array is not read as a struct's fields in order).
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => {}
        Some(_) => {
            return Err(format!(
                "{origin}: not a shard file: a shard file is a JSON object ({{\"kind\": {KIND:?}, ...}})"
            ))
        }
        None => {
            return Err(format!(
                "{origin}: not a shard file: a shard file is a JSON object, and this file is empty"
            ))
        }
    }
    #[derive(Deserialize)]
    struct Kind {
        kind: Option<Value>,
        layout: Option<Value>,
    }
    let kind: Kind = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{origin}: not a shard file: the JSON is malformed: {e}"))?;
    if kind.kind.as_ref().and_then(Value::as_str) != Some(KIND) {
        return Err(format!(
            "{origin}: not a shard file: its \"kind\" is {}, not {KIND:?} (write shards with `queuelab sweep … --shard I/N`)",
            kind.kind.map_or("missing".into(), |k| k.to_string())
        ));
    }
    if kind.layout.as_ref().and_then(Value::as_u64) != Some(u64::from(LAYOUT)) {
        return Err(format!(
            "{origin}: a shard file of layout {}, and this queuelab reads layout {LAYOUT}: merge with the queuelab that wrote it",
            kind.layout.map_or("(missing)".into(), |l| l.to_string())
        ));
    }
    let file: ShardFile = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{origin}: not a valid shard file: {e}"))?;
    let (index, count) = (file.shard.index, file.shard.count);
    if count == 0 || count > MAX_SWEEP_RUNS || index >= count {
        return Err(format!(
            "{origin}: shard {index}/{count} cannot be: shards run from 0/N to (N-1)/N, N at most {MAX_SWEEP_RUNS}"
        ));
    }
    Ok(file)
}

/// The shard files a merge reads: each path as given, or a directory's `shard-*.json` files.
pub fn files_in(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|file| {
                file.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with("shard-") && name.ends_with(".json"))
            })
            .collect();
        if found.is_empty() {
            return Err(format!(
                "{} has no shard files (shard-*.json, as `sweep --shard I/N --out {}` writes them)",
                path.display(),
                path.display()
            ));
        }
        if files.len() + found.len() > MAX_SWEEP_RUNS {
            return Err(format!(
                "more than {MAX_SWEEP_RUNS} shard files: a sweep has at most {MAX_SWEEP_RUNS} shards"
            ));
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_counted_from_zero() {
        assert_eq!(Slice::parse("0/3"), Ok(Slice { index: 0, count: 3 }));
        assert_eq!(Slice::parse(" 2 / 3 "), Ok(Slice { index: 2, count: 3 }));
        assert_eq!(Slice::parse("0/1"), Ok(Slice { index: 0, count: 1 }));
        let error = Slice::parse("3/3").unwrap_err();
        assert!(
            error.contains("no shard 3 of 3") && error.contains("the last is 2/3"),
            "{error}"
        );
        for (bad, expected) in [
            ("5/4", "no shard 5 of 4"),
            ("a/b", "the index \"a\" is not a whole number"),
            ("1/x", "the count \"x\" is not a whole number"),
            ("-1/3", "the index \"-1\" is not a whole number"),
            ("/4", "an unset $JOB_COMPLETION_INDEX?"),
            ("3", "give I/N"),
            ("0/0", "at least 1 shard"),
            ("0/10001", "at most 10000 shards"),
            ("1.5/4", "not a whole number"),
        ] {
            let error = Slice::parse(bad).unwrap_err();
            assert!(
                error.contains(expected) && error.starts_with("--shard"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn jobs_are_dealt_round_robin_and_file_names_sort() {
        let slice = Slice { index: 1, count: 3 };
        let owned: Vec<usize> = (0..10).filter(|&j| slice.owns(j)).collect();
        assert_eq!(owned, [1, 4, 7]);
        assert_eq!(slice.file_name(), "shard-1-of-3.json");
        assert_eq!(
            Slice {
                index: 3,
                count: 16
            }
            .file_name(),
            "shard-03-of-16.json"
        );
        assert_eq!(
            Slice { index: 0, count: 1 }.file_name(),
            "shard-0-of-1.json"
        );
    }

    #[test]
    fn recorded_files_hash_their_bytes_until_stopped() {
        let files = |text: &str| {
            let inner: Arc<dyn DataFiles> =
                Arc::new(crate::data::InMemory::new([("t.csv", text.to_string())]));
            RecordingFiles::new(inner)
        };
        let read_all = |files: &RecordingFiles| {
            let mut text = String::new();
            let mut file = files.open("t.csv", 1 << 20).unwrap();
            file.reader.read_to_string(&mut text).unwrap();
        };
        let (a, b, c) = (files("time\n1\n"), files("time\n1\n"), files("time\n2\n"));
        for files in [&a, &b, &c] {
            read_all(files);
        }
        let (a, b, c) = (a.stop(), b.stop(), c.stop());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a[0].0, "t.csv");
        let d = files("time\n1\n");
        d.stop();
        read_all(&d);
        assert!(d.stop().is_empty(), "reads after stop are not recorded");
    }
}
