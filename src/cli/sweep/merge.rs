//! `queuelab merge`: the shards of one sweep put back together. The shards are checked before
//! anything is printed — all of one sweep (one fingerprint), each once, none missing, each
//! holding exactly its own runs — then their runs, in job order, go to the same report a whole
//! sweep prints, so the table, JSON and chart are the whole sweep's, byte for byte.

use super::super::Format;
use super::report::Outcome;
use super::runs::Run;
use super::shard::{self, ShardFile};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Shard files, or directories holding them (their shard-*.json files are read).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Draw the first metric against the parameter to this file (.svg or .png).
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
}

/// Shards with missing indices listed before the rest are summarised.
const LISTED_MISSING: usize = 20;

pub fn merge(args: MergeArgs) -> Result<ExitCode, String> {
    if let Some(chart) = &args.chart {
        super::super::output::chart_kind(chart)?;
    }
    let shards = read_shards(&args.paths)?;
    let (first_path, first) = &shards[0];
    let facts = &first.sweep;
    let (path, values) = super::param::parse_param(&facts.param)
        .map_err(|e| format!("{}: \"sweep\": {e}", first_path.display()))?;
    let replications = facts.replications;
    if replications == 0 || facts.metrics.is_empty() {
        return Err(format!(
            "{}: \"sweep\" has {replications} replications and {} metrics; a sweep has at least one of each",
            first_path.display(),
            facts.metrics.len()
        ));
    }
    if values.len() * replications as usize != facts.jobs {
        return Err(format!(
            "{}: \"sweep\" says {} runs, but {} values × {replications} replications make {}",
            first_path.display(),
            facts.jobs,
            values.len(),
            values.len() * replications as usize
        ));
    }
    for (file_path, file) in &shards {
        check_runs(file, replications as usize).map_err(|e| {
            format!(
                "{}: {e}; the file is incomplete or was edited",
                file_path.display()
            )
        })?;
    }
    // Job j is shard j mod N's (j div N)-th run.
    let count = first.shard.count;
    let mut per_shard: Vec<std::vec::IntoIter<shard::ShardRun>> =
        (0..count).map(|_| Vec::new().into_iter()).collect();
    let metrics = facts.metrics.clone();
    for (_, file) in shards {
        per_shard[file.shard.index] = file.runs.into_iter();
    }
    let runs: Vec<Run> = (0..values.len() * replications as usize)
        .filter_map(|j| per_shard[j % count].next())
        .map(|run| Run {
            warning: run.warning,
            summary: run.summary,
        })
        .collect();
    let outcome = Outcome {
        path,
        values,
        metrics,
        replications,
        runs,
    };
    outcome.finish(args.format, args.chart.as_deref())
}

/// Reads every shard file and checks that they are the shards of one sweep, each once, none
/// missing; returned in index order.
fn read_shards(paths: &[PathBuf]) -> Result<Vec<(PathBuf, ShardFile)>, String> {
    let mut shards: Vec<(PathBuf, ShardFile)> = Vec::new();
    for path in shard::files_in(paths)? {
        let file = shard::read(&path)?;
        if let Some((first_path, first)) = shards.first() {
            if file.fingerprint != first.fingerprint || file.sweep != first.sweep {
                return Err(format!(
                    "{} and {} are shards of different sweeps (fingerprints {} and {}): the shards of one sweep share its scenario, data files, --set, --seed, --param, --replications, --metric and queuelab version",
                    first_path.display(),
                    path.display(),
                    first.fingerprint,
                    file.fingerprint
                ));
            }
            if file.shard.count != first.shard.count {
                return Err(format!(
                    "{} is shard {} and {} is shard {}: one sweep's shards split it the same way",
                    first_path.display(),
                    first.shard,
                    path.display(),
                    file.shard
                ));
            }
        }
        if let Some((twin, _)) = shards
            .iter()
            .find(|(_, s)| s.shard.index == file.shard.index)
        {
            return Err(format!(
                "shard {} is given twice: {} and {}",
                file.shard,
                twin.display(),
                path.display()
            ));
        }
        shards.push((path, file));
    }
    let count = shards[0].1.shard.count;
    let mut have = vec![false; count];
    for (_, file) in &shards {
        have[file.shard.index] = true;
    }
    let missing: Vec<String> = (0..count)
        .filter(|&i| !have[i])
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        let listed = missing[..missing.len().min(LISTED_MISSING)].join(", ");
        let more = match missing.len().saturating_sub(LISTED_MISSING) {
            0 => String::new(),
            more => format!(" and {more} more"),
        };
        return Err(format!(
            "missing {} of {count} shards: {listed}{more} (run them with `queuelab sweep … --shard I/{count}`, I counted from 0)",
            missing.len()
        ));
    }
    shards.sort_by_key(|(_, file)| file.shard.index);
    Ok(shards)
}

/// A shard holds exactly its jobs — j ≡ index (mod N), in order — each a summary object.
fn check_runs(file: &ShardFile, replications: usize) -> Result<(), String> {
    let (index, count) = (file.shard.index, file.shard.count);
    let expected = file.sweep.jobs.saturating_sub(index).div_ceil(count);
    if file.runs.len() != expected {
        return Err(format!(
            "shard {} of a sweep of {} runs holds {} runs, not {expected}",
            file.shard,
            file.sweep.jobs,
            file.runs.len()
        ));
    }
    for (k, run) in file.runs.iter().enumerate() {
        let job = index + k * count;
        let (point, replication) = (job / replications, (job % replications) as u32);
        if (run.point, run.replication) != (point, replication) {
            return Err(format!(
                "\"runs\"[{k}] is value {} replication {}, where value {point} replication {replication} belongs",
                run.point, run.replication
            ));
        }
        if !run.summary.is_object() {
            return Err(format!("\"runs\"[{k}].summary is not a JSON object"));
        }
    }
    Ok(())
}
