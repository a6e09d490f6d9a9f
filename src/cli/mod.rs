//! The `queuelab` command line: `run`, `sweep`, `check`, `fit` and `new`.
//!
//! Every command returns an exit code instead of panicking: 0 for success, 1 when an input file,
//! flag value or run failed (with a `file:line:col` message on stderr), 2 for usage errors (clap).

mod check;
mod fit;
mod format;
mod input;
mod interrupt;
mod native;
mod new;
mod output;
mod run;
mod script_place;
mod sweep;
mod theory;

use crate::scenario::limits::MAX_REPLICATIONS;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "queuelab", version, about = "Simulate worker pools, queues, backpressure and autoscaling", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario and print its summary.
    Run(run::RunArgs),
    /// Run a scenario for each value of a parameter and tabulate a metric (find the knee).
    Sweep(sweep::SweepArgs),
    /// Combine the shards of a sweep (`sweep --shard I/N`) into the sweep's table, JSON and chart.
    Merge(sweep::MergeArgs),
    /// Validate scenario files (or every .toml under a directory) and report file:line:col errors.
    Check(check::CheckArgs),
    /// Summarise measured latencies and fit them to a distribution a scenario can use.
    Fit(fit::FitArgs),
    /// Write a commented starting file: `queuelab new exercise FILE [--from ID] [--force]`.
    New(new::NewArgs),
    /// Write the playground's first paint (static HTML of the catalog, every exercise and the
    /// sandbox) into a built site: `queuelab prerender dist/` (Trunk's post_build hook runs it).
    Prerender(PrerenderArgs),
}

#[derive(Debug, clap::Args)]
struct PrerenderArgs {
    /// The built site: its index.html gets the catalog, first-paint/ the other pages.
    dir: PathBuf,
}

/// Options shared by `run` and `sweep`.
#[derive(Debug, clap::Args)]
struct ScenarioArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// Override the scenario's seed.
    #[arg(long, allow_negative_numbers = true, value_parser = seed)]
    seed: Option<u64>,
    /// Override a field, e.g. --set pool.workers=8 --set queue.on_full=block (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    overrides: Vec<String>,
    /// Independent runs with derived seeds; metrics become means with 95% confidence half-widths.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=MAX_REPLICATIONS as i64))]
    replications: u32,
    /// Hide the progress bar (it is hidden anyway when stderr is not a terminal).
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Table,
    Json,
}

/// Runs the CLI with the process arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Merge(args) => sweep::merge(args),
        Command::Check(args) => check::check(args),
        Command::Fit(args) => fit::fit(args),
        Command::New(args) => new::new(args),
        Command::Prerender(args) => crate::prerender::write_site(&args.dir).map(|written| {
            println!(
                "prerender: {written} files of the first paint in {}",
                args.dir.display()
            );
            ExitCode::SUCCESS
        }),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes to stdout; a closed pipe (`queuelab run x | head`) ends output quietly instead of panicking.
fn emit(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to stdout: {e}"))
        }
        _ => Ok(()),
    }
}

/// `--seed`: a whole number from 0 to 2⁶⁴ − 1, negative numbers included so that `-1` is
/// explained rather than taken for a flag.
fn seed(text: &str) -> Result<u64, String> {
    text.trim().parse::<u64>().map_err(|_| {
        format!(
            "`{text}` is not a seed: give a whole number from 0 to {}",
            u64::MAX
        )
    })
}

/// The `--set` flags, each checked (form, path), and at most
/// [`MAX_OVERRIDES`](crate::scenario::limits::MAX_OVERRIDES) of them.
fn overrides(texts: &[String]) -> Result<Vec<crate::scenario::Override>, String> {
    use crate::scenario::limits::{too_many, MAX_OVERRIDES};
    if texts.len() > MAX_OVERRIDES {
        return Err(format!(
            "--set: {}",
            too_many(texts.len(), MAX_OVERRIDES, "overrides")
        ));
    }
    texts
        .iter()
        .map(|text| text.parse::<crate::scenario::Override>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())
}

/// Reads and validates a scenario with overrides; errors are ready to print. The text is kept to
/// place a policy script's runtime fault in the user's files.
fn load_scenario(
    args: &ScenarioArgs,
) -> Result<(crate::scenario::Config, script_place::ScriptSources), String> {
    let origin = args.scenario.display().to_string();
    let text = input::read_input(&args.scenario)?;
    let overrides = overrides(&args.overrides)?;
    let files = files_next_to(&args.scenario);
    let mut config = parse_scenario(&text, &origin, &overrides, Some(files))?;
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    let overridden = overrides.into_iter().map(|o| o.path).collect();
    let sources = script_place::ScriptSources::new(text, &args.scenario, overridden);
    Ok((config, sources))
}

/// The data files a scenario names (`file = ...`), a relative name read from the scenario's
/// own directory whatever the working directory.
fn files_next_to(scenario: &std::path::Path) -> std::sync::Arc<dyn crate::data::DataFiles> {
    let base = scenario
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    std::sync::Arc::new(crate::data::Directory { base })
}

/// A scenario file, or an exercise file's `[scenario]` (its starting configuration), with
/// overrides applied; `files` are the data files it may name (none for exercises).
pub(crate) fn parse_scenario(
    text: &str,
    origin: &str,
    overrides: &[crate::scenario::Override],
    files: Option<std::sync::Arc<dyn crate::data::DataFiles>>,
) -> Result<crate::scenario::Config, String> {
    let parsed = if crate::exercise::is_exercise(text) {
        // Paths are the scenario's; `scenario.pool.workers` is read as `pool.workers` too.
        let overrides: Vec<_> = overrides
            .iter()
            .map(|o| match o.path.strip_prefix("scenario.") {
                Some(path) => crate::scenario::Override::new(path.to_string(), o.value.clone()),
                None => o.clone(),
            })
            .collect();
        crate::exercise::scenario_of(text, origin, &overrides)
    } else {
        crate::scenario::parse_with_files(text, origin, overrides, files)
    };
    parsed.map_err(|e| e.to_string())
}

/// The seed of replication `index`: the scenario's own seed first, then derived ones.
pub fn replication_seed(base: u64, index: u32) -> u64 {
    if index == 0 {
        base
    } else {
        crate::rng::Rng::stream(base, 0x5EED_0000 + index as u64).next_u64()
    }
}

fn progress_bar(total: u64, quiet: bool, what: &str) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    let style = indicatif::ProgressStyle::with_template(&format!(
        "{{spinner}} {what} [{{elapsed_precise}}] {{wide_bar}} {{percent}}% (eta {{eta}})"
    ))
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}
