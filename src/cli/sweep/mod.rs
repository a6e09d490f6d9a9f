//! `queuelab sweep`: one scenario across a range of one parameter — the load test that finds the knee.
//!
//! A sweep goes in steps, a module each: [`param`] reads `--param` into the swept values,
//! [`plan`] builds and checks a configuration per value, [`runs`] runs every (value, replication)
//! job on every core, and [`report`] turns the runs into the table or JSON, the knee and the chart.
//! A sweep too big for one machine runs in shards ([`shard`]: `--shard I/N` runs every N-th job
//! and writes its runs as JSON) that `queuelab merge` ([`merge`]) checks and reports as one.

mod merge;
mod param;
mod plan;
mod report;
mod runs;
mod shard;

pub use merge::{merge, MergeArgs};

use super::{Format, ScenarioArgs};
use crate::data::DataFiles;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// The parameter and its values: PATH=FROM..TO[:STEP] (inclusive) or PATH=A,B,C.
    #[arg(long, value_name = "PATH=VALUES")]
    param: String,
    /// Summary metrics to tabulate, by dotted path; the first is charted and locates the knee.
    #[arg(long = "metric", default_value = "latency.p99")]
    metrics: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Draw the first metric against the parameter to this file (.svg or .png).
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
    /// Run only shard I of N (counted from 0: "$JOB_COMPLETION_INDEX/N") — every N-th run from
    /// the I-th — and print its runs as JSON for `queuelab merge` (table and chart come from merge).
    #[arg(long, value_name = "I/N", allow_hyphen_values = true, conflicts_with_all = ["format", "chart"])]
    shard: Option<String>,
    /// With --shard: write the shard to DIR/shard-I-of-N.json (DIR is created) instead of stdout.
    #[arg(long, value_name = "DIR", requires = "shard")]
    out: Option<PathBuf>,
}

pub fn sweep(args: SweepArgs) -> Result<ExitCode, String> {
    let slice = args.shard.as_deref().map(shard::Slice::parse).transpose()?;
    let (path, values) = param::parse_param(&args.param)?;
    if let Some(chart) = &args.chart {
        super::output::chart_kind(chart)?;
    }
    let files = super::files_next_to(&args.scenario.scenario);
    let Some(slice) = slice else {
        let plan = plan::Plan::build(&args.scenario, path, values, &args.metrics, files)?;
        let runs = runs::run(&plan.configs, &plan.jobs(), args.scenario.quiet, "sweeping");
        let outcome = report::Outcome {
            path: plan.path,
            values: plan.values,
            metrics: args.metrics,
            replications: plan.replications,
            runs,
        };
        return outcome.finish(args.format, args.chart.as_deref());
    };
    sweep_shard(&args, slice, path, values, files)
}

/// `sweep --shard I/N`: runs the shard's jobs and writes them, with the sweep's fingerprint.
fn sweep_shard(
    args: &SweepArgs,
    slice: shard::Slice,
    path: String,
    values: Vec<toml_edit::Value>,
    files: Arc<dyn DataFiles>,
) -> Result<ExitCode, String> {
    // The data files are hashed as the configurations are built, for the fingerprint.
    let recording = shard::RecordingFiles::new(files);
    let plan = plan::Plan::build(
        &args.scenario,
        path,
        values,
        &args.metrics,
        recording.clone() as Arc<dyn DataFiles>,
    )?;
    let data_files = recording.stop();
    let all_jobs = plan.jobs();
    let jobs: Vec<(usize, u32)> = all_jobs
        .iter()
        .enumerate()
        .filter(|&(j, _)| slice.owns(j))
        .map(|(_, &job)| job)
        .collect();
    let runs = runs::run(
        &plan.configs,
        &jobs,
        args.scenario.quiet,
        &format!("shard {slice}"),
    );
    let mut cut_short = false;
    for (&(i, _), run) in jobs.iter().zip(&runs) {
        if let Some(why) = &run.warning {
            report::warn(&plan.path, &plan.values[i], why);
            cut_short = true;
        }
    }
    let sweep = shard::SweepFacts {
        param: args.param.clone(),
        metrics: args.metrics.clone(),
        replications: plan.replications,
        jobs: all_jobs.len(),
    };
    let file = shard::ShardFile {
        kind: shard::KIND.to_string(),
        layout: shard::LAYOUT,
        queuelab: env!("CARGO_PKG_VERSION").to_string(),
        fingerprint: shard::fingerprint(&args.scenario, &plan.scenario_text, &data_files, &sweep),
        shard: slice,
        sweep,
        runs: jobs
            .iter()
            .zip(runs)
            .map(|(&(point, replication), run)| shard::ShardRun {
                point,
                replication,
                warning: run.warning,
                summary: run.summary,
            })
            .collect(),
    };
    shard::write(&file, args.out.as_deref())?;
    Ok(if cut_short {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
