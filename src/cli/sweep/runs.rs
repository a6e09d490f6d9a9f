//! Running a sweep's jobs: each (value, replication) is an independent simulation with its
//! replication's seed, run on every core; results come back in job order whatever the
//! scheduling, so a sweep is as deterministic as one run.

use super::super::{progress_bar, replication_seed};
use crate::scenario::Config;
use crate::sim::Engine;
use rayon::prelude::*;
use serde_json::Value;

/// What one job left: why it stopped early, if it did, and its summary as JSON.
#[derive(Debug, Clone)]
pub struct Run {
    pub warning: Option<String>,
    pub summary: Value,
}

/// Runs `jobs` (value's index into `configs`, replication) with a progress bar labelled `what`.
pub fn run(configs: &[Config], jobs: &[(usize, u32)], quiet: bool, what: &str) -> Vec<Run> {
    let bar = progress_bar(jobs.len() as u64, quiet, what);
    let runs = jobs
        .par_iter()
        .map(|&(i, r)| {
            let mut config = configs[i].clone();
            config.seed = replication_seed(config.seed, r);
            let summary = Engine::new(&config).run();
            bar.inc(1);
            Run {
                warning: summary.cut_short(),
                summary: serde_json::to_value(summary).unwrap_or_default(),
            }
        })
        .collect();
    bar.finish_and_clear();
    runs
}
