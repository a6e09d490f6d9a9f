//! `queuelab run --mode threads | compare`: the scenario on a real pool of OS threads, and the
//! simulation beside it.

use super::interrupt::{CatchInterrupt, INTERRUPTED};
use super::{format, progress_bar};
use crate::scenario::Config;
use crate::threads::{self, ThreadOptions};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

pub struct NativeArgs<'a> {
    pub compare: bool,
    pub time_scale: f64,
    pub drain_timeout: Option<Duration>,
    pub replications: u32,
    pub quiet: bool,
    pub json: bool,
    pub csv: Option<&'a Path>,
    pub chart: Option<&'a Path>,
    /// The scenario as read, to place a script's fault in the user's files.
    pub sources: &'a super::script_place::ScriptSources,
}

pub fn run(args: &NativeArgs<'_>, config: &Config) -> Result<ExitCode, String> {
    if args.replications > 1 {
        return Err(
            "--replications works with --mode sim only: a real run takes real time".to_string(),
        );
    }
    threads::check_supported(config).map_err(|why| format!("cannot run on threads: {why}"))?;
    let wall = threads::expected_wall_seconds(config, args.time_scale);
    if !args.quiet && wall > 5.0 {
        eprintln!(
            "running on real threads for about {} (Ctrl-C stops early and still reports; --time-scale 0.1 runs ten times faster)",
            format::seconds(wall)
        );
    }
    let shortest_job = config
        .classes
        .iter()
        .map(|class| class.service.mean())
        .fold(f64::INFINITY, f64::min)
        * args.time_scale;
    if shortest_job > 0.0 && shortest_job < 200e-6 {
        eprintln!(
            "warning: at time scale {} a job takes {} of real time on average; each costs a real pool tens of microseconds of its own, so latencies will read high (use a larger --time-scale)",
            args.time_scale,
            format::seconds(shortest_job)
        );
    }
    let bar = progress_bar(1000, args.quiet, "threads");
    let progress = |fraction: f64| bar.set_position((fraction * 1000.0) as u64);
    let real = {
        let _catch = CatchInterrupt::install();
        let options = ThreadOptions {
            time_scale: args.time_scale,
            drain_timeout: args.drain_timeout,
            interrupt: Some(&INTERRUPTED),
            progress: Some(&progress),
        };
        threads::run(config, &options)?
    };
    bar.finish_and_clear();
    if INTERRUPTED.load(Ordering::SeqCst) {
        eprintln!("interrupted: intake stopped and in-flight work drained; the report covers the run so far");
    }
    let real_json = serde_json::to_value(&real.summary).map_err(|e| e.to_string())?;
    if !args.compare {
        if args.json {
            super::emit(&(pretty(&real_json)? + "\n"))?;
        } else {
            super::emit(&format::summary_table(&real_json))?;
            super::output::print_console(&real.summary);
        }
        if let Some(dir) = args.csv {
            super::output::write_csv(dir, &real.series, &real_json)?;
        }
        if let Some(path) = args.chart {
            super::output::write_chart(path, &real.series, None, config)?;
        }
        return Ok(script_verdict(args.sources, &[&real.summary]));
    }
    let (sim, sim_series) = super::output::run_with_progress(config, args.quiet);
    let sim_json = serde_json::to_value(&sim).map_err(|e| e.to_string())?;
    if args.json {
        let both = serde_json::json!({
            "simulation": sim_json,
            "threads": real_json,
            "difference_percent": format::differences(&sim_json, &real_json),
        });
        super::emit(&(pretty(&both)? + "\n"))?;
    } else {
        super::emit(&format::compare_table(&sim_json, &real_json))?;
    }
    if let Some(dir) = args.csv {
        super::output::write_csv(&dir.join("sim"), &sim_series, &sim_json)?;
        super::output::write_csv(&dir.join("threads"), &real.series, &real_json)?;
    }
    if let Some(path) = args.chart {
        // The real run in colour over the simulation's ghost.
        super::output::write_chart(path, &real.series, Some(&sim_series), config)?;
    }
    Ok(script_verdict(args.sources, &[&real.summary, &sim]))
}

/// A run whose policy script failed is an error (exit 1), said after the report.
fn script_verdict(
    sources: &super::script_place::ScriptSources,
    summaries: &[&crate::report::Summary],
) -> ExitCode {
    match summaries.iter().find_map(|s| s.script_error.as_ref()) {
        Some(fault) => {
            eprintln!("error: {}", sources.describe(fault));
            ExitCode::FAILURE
        }
        None => ExitCode::SUCCESS,
    }
}

fn pretty(json: &serde_json::Value) -> Result<String, String> {
    serde_json::to_string_pretty(json).map_err(|e| e.to_string())
}
