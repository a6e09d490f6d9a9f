//! `queuelab sweep`: one scenario across a range of one parameter — the load test that finds the knee.
//!
//! A sweep goes in three steps, a module each: [`param`] reads `--param` into the swept values,
//! [`plan`] builds and checks a configuration per value, [`runs`] runs every (value, replication)
//! job on every core, and [`report`] turns the runs into the table or JSON, the knee and the chart.

mod param;
mod plan;
mod report;
mod runs;

use super::{Format, ScenarioArgs};
use std::path::PathBuf;
use std::process::ExitCode;

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
}

pub fn sweep(args: SweepArgs) -> Result<ExitCode, String> {
    let (path, values) = param::parse_param(&args.param)?;
    if let Some(chart) = &args.chart {
        super::output::chart_kind(chart)?;
    }
    let plan = plan::Plan::build(&args.scenario, path, values, &args.metrics)?;
    let jobs = plan.jobs();
    let runs = runs::run(&plan.configs, &jobs, args.scenario.quiet, "sweeping");
    let outcome = report::Outcome {
        path: plan.path,
        values: plan.values,
        metrics: args.metrics,
        replications: plan.replications,
        runs,
    };
    outcome.finish(args.format, args.chart.as_deref())
}
