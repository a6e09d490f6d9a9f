//! `queuelab run`: one scenario, once or replicated, as a table, JSON, CSV and charts.

use super::output::{chart_kind, run_with_progress, write_chart, write_csv};
use super::{format, load_scenario, progress_bar, replication_seed, Format, ScenarioArgs};
use crate::report::{stats, Summary};
use crate::scenario::limits::{MAX_TIME_SCALE, MIN_TIME_SCALE};
use crate::sim::Engine;
use crate::theory::Analysis;
use rayon::prelude::*;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the time series (series.csv) and summary (summary.json) into this directory.
    #[arg(long, value_name = "DIR")]
    csv: Option<PathBuf>,
    /// Draw the run's charts to this file (.svg or .png).
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
    /// Where the scenario runs: the simulator, real OS threads, or both side by side.
    #[arg(long, value_enum, default_value_t = Mode::Sim)]
    mode: Mode,
    /// Real time per scenario time with --mode threads|compare (0.1 = ten times faster).
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true, value_parser = time_scale)]
    time_scale: f64,
    /// With --mode threads|compare: how long in-flight work may finish after intake stops
    /// (real time, e.g. 2s). Default: a `duration` run stops at its end as the simulator does,
    /// a `customers` run drains completely, Ctrl-C allows 5s.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = drain_timeout)]
    drain_timeout: Option<std::time::Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Mode {
    /// The discrete-event simulator (deterministic, fast).
    Sim,
    /// Real worker threads, a real bounded queue, real time: measured.
    Threads,
    /// Both, with a table of each metric and the difference.
    Compare,
}

/// `--time-scale`: within what the real-thread runtime can honour. Real time is mapped onto the
/// scenario's nanosecond clock as real ÷ scale; below [`MIN_TIME_SCALE`] a few hours of real time
/// would overflow it (at 1e-13 within 2 ms: the run would spin forever).
fn time_scale(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(scale) if (MIN_TIME_SCALE..=MAX_TIME_SCALE).contains(&scale) => Ok(scale),
        _ => Err(format!(
            "`{text}` is not a time scale: give a number from {MIN_TIME_SCALE:e} to {MAX_TIME_SCALE} (0.1 = ten times faster); below {MIN_TIME_SCALE:e} a real nanosecond is more than a simulated millisecond and a few hours of real time would overflow the scenario clock"
        )),
    }
}

fn drain_timeout(text: &str) -> Result<std::time::Duration, String> {
    let duration: crate::time::SimDuration = text.parse().map_err(|e| format!("{e}"))?;
    Ok(std::time::Duration::from_nanos(duration.as_nanos()))
}

pub fn run(args: RunArgs) -> Result<ExitCode, String> {
    if let Some(chart) = &args.chart {
        chart_kind(chart)?;
    }
    let (config, sources) = load_scenario(&args.scenario)?;
    if args.mode != Mode::Sim {
        return super::native::run(&args_for_threads(&args, &sources), &config);
    }
    let replications = args.scenario.replications;
    let (summaries, series) = if replications == 1 {
        let (summary, series) = run_with_progress(&config, args.scenario.quiet);
        (vec![summary], series)
    } else {
        let bar = progress_bar(replications as u64, args.scenario.quiet, "replications");
        // Only the first replication's series is kept (it is the one charted and written as
        // CSV): each is up to a few hundred KB, and 10 000 of them were gigabytes.
        let replicate = |index: u32| {
            let mut config = config.clone();
            config.seed = replication_seed(config.seed, index);
            Engine::new(&config)
        };
        let ((first, series), rest) = rayon::join(
            || {
                let run = replicate(0).run_with_series();
                bar.inc(1);
                run
            },
            || {
                (1..replications)
                    .into_par_iter()
                    .map(|index| {
                        let summary = replicate(index).run();
                        bar.inc(1);
                        summary
                    })
                    .collect::<Vec<Summary>>()
            },
        );
        bar.finish_and_clear();
        (std::iter::once(first).chain(rest).collect(), series)
    };
    // A script's fault is said at its place in the user's files.
    let cut_short = summaries
        .iter()
        .find_map(|summary| match &summary.script_error {
            Some(fault) => Some(sources.describe(fault)),
            None => summary.cut_short(),
        });
    let script_failed = summaries.iter().any(|s| s.script_error.is_some());
    let single = (summaries.len() == 1).then(|| summaries[0].clone());

    let json = if summaries.len() == 1 {
        serde_json::to_value(&summaries[0]).map_err(|e| e.to_string())?
    } else {
        // Each summary is dropped as soon as it is JSON: never both at once.
        let values: Vec<_> = summaries
            .into_iter()
            .map(|s| serde_json::to_value(s).unwrap_or_default())
            .collect();
        stats::aggregate(&values)
    };
    match args.format {
        Format::Json => {
            super::emit(&(serde_json::to_string_pretty(&json).map_err(|e| e.to_string())? + "\n"))?
        }
        Format::Table => {
            // One run's number, or the replications' mean (`stats::aggregate`).
            let utilization = json["utilization"].as_f64().unwrap_or(f64::NAN);
            let theory = super::theory::theory_lines(&Analysis::of(&config), utilization);
            super::emit(&format!("{}{theory}", format::summary_table(&json)))?
        }
    }
    if let (Format::Table, Some(summary)) = (args.format, &single) {
        super::output::print_console(summary);
    }
    if let Some(dir) = &args.csv {
        write_csv(dir, &series, &json)?;
    }
    if let Some(path) = &args.chart {
        write_chart(path, &series, None, &config)?;
    }
    if let Some(why) = cut_short {
        eprintln!("{}: {why}", if script_failed { "error" } else { "warning" });
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn args_for_threads<'a>(
    args: &'a RunArgs,
    sources: &'a super::script_place::ScriptSources,
) -> super::native::NativeArgs<'a> {
    super::native::NativeArgs {
        sources,
        compare: args.mode == Mode::Compare,
        time_scale: args.time_scale,
        drain_timeout: args.drain_timeout,
        replications: args.scenario.replications,
        quiet: args.scenario.quiet,
        json: args.format == Format::Json,
        csv: args.csv.as_deref(),
        chart: args.chart.as_deref(),
    }
}
