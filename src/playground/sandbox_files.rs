//! Data files the learner adds to the sandbox — an arrival trace, latency samples, a Prometheus
//! histogram — read by the browser from the learner's disk and kept in memory: nothing is
//! uploaded. A scenario in the sandbox names them as `queuelab run` does (`file = "monday.csv"`).
//!
//! The browser holds each file as text: the caps keep a tab from being asked for gigabytes
//! (the command line streams traces of any length up to its own cap).

use crate::data::{DataFile, DataFiles};
use std::sync::Arc;

/// Bytes of one added file; bigger traces run from the command line.
pub const MAX_SANDBOX_FILE_BYTES: u64 = 16 << 20;
/// Files at most.
pub const MAX_SANDBOX_FILES: usize = 8;

/// The sandbox's added files, by name, in the order added.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SandboxFiles {
    files: Vec<(String, Arc<[u8]>)>,
}

impl SandboxFiles {
    /// Whether a file of `bytes` may be added (asked before the browser reads it).
    pub fn admits(&self, name: &str, bytes: u64) -> Result<(), String> {
        if bytes > MAX_SANDBOX_FILE_BYTES {
            return Err(format!(
                "{name} is {} MB, more than the {} MB the sandbox keeps in the page; replay it with `queuelab run`, which streams it",
                bytes >> 20,
                MAX_SANDBOX_FILE_BYTES >> 20
            ));
        }
        let replacing = self.files.iter().any(|(kept, _)| kept == name);
        if !replacing && self.files.len() >= MAX_SANDBOX_FILES {
            return Err(format!(
                "the sandbox keeps at most {MAX_SANDBOX_FILES} files: remove one to add {name}"
            ));
        }
        Ok(())
    }

    /// Adds (or replaces) a file by its name.
    pub fn add(&mut self, name: &str, text: &str) -> Result<(), String> {
        self.admits(name, text.len() as u64)?;
        let bytes: Arc<[u8]> = Arc::from(text.as_bytes());
        match self.files.iter_mut().find(|(kept, _)| kept == name) {
            Some(kept) => kept.1 = bytes,
            None => self.files.push((name.to_string(), bytes)),
        }
        Ok(())
    }

    pub fn remove(&mut self, name: &str) {
        self.files.retain(|(kept, _)| kept != name);
    }

    /// Each file's name and size in bytes.
    pub fn list(&self) -> Vec<(String, usize)> {
        self.files
            .iter()
            .map(|(name, bytes)| (name.clone(), bytes.len()))
            .collect()
    }
}

impl DataFiles for SandboxFiles {
    fn open(&self, name: &str, cap: u64) -> Result<DataFile, String> {
        let Some((_, bytes)) = self.files.iter().find(|(kept, _)| kept == name) else {
            let added: Vec<&str> = self.files.iter().map(|(name, _)| name.as_str()).collect();
            let have = match added.is_empty() {
                true => "no data files yet".to_string(),
                false => format!("has {}", added.join(", ")),
            };
            return Err(format!(
                "there is no file {name:?} in the sandbox (it {have}): add it under Data files, or give the values inline"
            ));
        };
        if bytes.len() as u64 > cap {
            return Err(crate::data::too_large(name, bytes.len() as u64, cap));
        }
        Ok(DataFile {
            origin: name.to_string(),
            reader: Box::new(std::io::Cursor::new(bytes.clone())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRACE_SCENARIO: &str =
        "[run]\nseed = 1\nduration = \"10s\"\n[arrivals]\nprocess = \"trace\"\nfile = \"tiny.csv\"\n\
        [service]\ndistribution = \"exponential\"\nmean = \"10ms\"\n[pool]\nworkers = 1\n";

    fn parse(files: &SandboxFiles) -> Result<crate::scenario::Config, String> {
        let files: Arc<dyn DataFiles> = Arc::new(files.clone());
        crate::scenario::parse_with_files(TRACE_SCENARIO, "sandbox.toml", &[], Some(files))
            .map_err(|errors| errors.to_string())
    }

    #[test]
    fn a_scenario_replays_a_trace_added_to_the_sandbox() {
        let mut files = SandboxFiles::default();
        let missing = parse(&files).unwrap_err();
        assert!(
            missing.contains("no data files yet") && missing.contains("Data files"),
            "{missing}"
        );
        files.add("tiny.csv", "time\n0.1\n0.2\n0.5\n").unwrap();
        let config = parse(&files).expect("the trace is found");
        let summary = crate::sim::Engine::new(&config).run();
        assert_eq!(summary.trace_rows, Some(3));
        files.remove("tiny.csv");
        assert!(parse(&files).is_err());
    }

    #[test]
    fn files_past_the_caps_are_refused_with_the_reason() {
        let mut files = SandboxFiles::default();
        let too_big = files
            .admits("huge.csv", MAX_SANDBOX_FILE_BYTES + 1)
            .unwrap_err();
        assert!(too_big.contains("queuelab run"), "{too_big}");
        for i in 0..MAX_SANDBOX_FILES {
            files.add(&format!("f{i}.csv"), "x").unwrap();
        }
        assert!(files
            .add("one-more.csv", "x")
            .unwrap_err()
            .contains("at most"));
        files.add("f0.csv", "replaced").unwrap();
        assert_eq!(files.list()[0], ("f0.csv".to_string(), 8));
    }
}
