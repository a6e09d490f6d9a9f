//! `queuelab run`: one scenario, once or replicated, as a table, JSON, CSV and charts.

use super::{format, load_scenario, progress_bar, replication_seed, Format, ScenarioArgs};
use crate::report::{stats, Series, Summary};
use crate::scenario::Config;
use crate::sim::Engine;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
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
    #[arg(long, default_value_t = 1.0, value_parser = time_scale)]
    time_scale: f64,
    /// With --mode threads|compare: how long in-flight work may finish after intake stops
    /// (real time, e.g. 2s). Default: a `duration` run stops at its end as the simulator does,
    /// a `customers` run drains completely, Ctrl-C allows 5s.
    #[arg(long, value_name = "DURATION", value_parser = drain_timeout)]
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

fn time_scale(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(scale) if scale.is_finite() && scale > 0.0 && scale <= 1000.0 => Ok(scale),
        _ => Err(format!(
            "`{text}` is not a time scale: give a number above 0 and at most 1000 (0.1 = ten times faster)"
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
    let config = load_scenario(&args.scenario)?;
    if args.mode != Mode::Sim {
        return super::native::run(&args_for_threads(&args), &config);
    }
    let replications = args.scenario.replications;
    let (summaries, series) = if replications == 1 {
        let (summary, series) = run_with_progress(&config, args.scenario.quiet);
        (vec![summary], series)
    } else {
        let bar = progress_bar(replications as u64, args.scenario.quiet, "replications");
        let mut runs: Vec<(Summary, Series)> = (0..replications)
            .into_par_iter()
            .map(|index| {
                let mut config = config.clone();
                config.seed = replication_seed(config.seed, index);
                let result = Engine::new(&config).run_with_series();
                bar.inc(1);
                result
            })
            .collect();
        bar.finish_and_clear();
        let series = runs[0].1.clone();
        (runs.drain(..).map(|(summary, _)| summary).collect(), series)
    };
    let cut_short = summaries.iter().find_map(Summary::cut_short);

    let json = if summaries.len() == 1 {
        serde_json::to_value(&summaries[0]).map_err(|e| e.to_string())?
    } else {
        let values: Vec<_> = summaries
            .iter()
            .map(|s| serde_json::to_value(s).unwrap_or_default())
            .collect();
        stats::aggregate(&values)
    };
    match args.format {
        Format::Json => {
            super::emit(&(serde_json::to_string_pretty(&json).map_err(|e| e.to_string())? + "\n"))?
        }
        Format::Table => super::emit(&format::summary_table(&json))?,
    }
    if let Some(dir) = &args.csv {
        write_csv(dir, &series, &json)?;
    }
    if let Some(path) = &args.chart {
        write_chart(path, &series, None, &config)?;
    }
    if let Some(why) = cut_short {
        eprintln!("warning: {why}");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs one engine, showing progress on a terminal.
pub fn run_with_progress(config: &Config, quiet: bool) -> (Summary, Series) {
    let mut engine = Engine::new(config);
    let bar = progress_bar(1000, quiet, "simulating");
    'outer: loop {
        for _ in 0..200_000 {
            if !engine.step() {
                break 'outer;
            }
        }
        bar.set_position((engine.progress() * 1000.0) as u64);
    }
    bar.finish_and_clear();
    (engine.summary(), engine.series().clone())
}

pub fn write_csv(dir: &Path, series: &Series, json: &serde_json::Value) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let series_path = dir.join("series.csv");
    std::fs::write(&series_path, series.to_csv())
        .map_err(|e| format!("cannot write {}: {e}", series_path.display()))?;
    let summary_path = dir.join("summary.json");
    let text = serde_json::to_string_pretty(json).map_err(|e| e.to_string())?;
    std::fs::write(&summary_path, text + "\n")
        .map_err(|e| format!("cannot write {}: {e}", summary_path.display()))?;
    eprintln!(
        "wrote {} and {}",
        series_path.display(),
        summary_path.display()
    );
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Svg,
    Png,
}

pub fn chart_kind(path: &Path) -> Result<ChartKind, String> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") => Ok(ChartKind::Svg),
        Some("png") => Ok(ChartKind::Png),
        _ => Err(format!(
            "--chart {}: the file name must end in .svg or .png",
            path.display()
        )),
    }
}

pub fn write_chart(
    path: &Path,
    series: &Series,
    ghost: Option<&Series>,
    config: &Config,
) -> Result<(), String> {
    let kinds = crate::chart::kinds_for(config);
    let height = 360 * kinds.len().div_ceil(2) as u32;
    draw_to_file(
        path,
        (1200, height),
        &crate::chart::Dashboard {
            series,
            ghost,
            kinds: &kinds,
        },
    )
}

/// Draws a picture into an SVG or PNG file chosen by the extension.
pub fn draw_to_file(
    path: &Path,
    size: (u32, u32),
    picture: &impl crate::chart::Picture,
) -> Result<(), String> {
    use plotters::prelude::*;
    crate::chart::register_embedded_font();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    match chart_kind(path)? {
        ChartKind::Svg => picture.draw(&SVGBackend::new(path, size).into_drawing_area())?,
        ChartKind::Png => picture.draw(&BitMapBackend::new(path, size).into_drawing_area())?,
    }
    eprintln!("wrote {}", path.display());
    Ok(())
}

fn args_for_threads(args: &RunArgs) -> super::native::NativeArgs<'_> {
    super::native::NativeArgs {
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
