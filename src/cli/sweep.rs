//! `queuelab sweep`: one scenario across a range of one parameter — the load test that finds the knee.

use super::output::draw_to_file;
use super::{format, progress_bar, replication_seed, Format, ScenarioArgs};
use crate::report::metric::Metric;
use crate::report::stats;
use crate::report::summary::lookup_number;
use crate::scenario::limits::{MAX_SWEEP_RESULTS, MAX_SWEEP_RUNS, MAX_SWEEP_VALUES};
use crate::scenario::Override;
use crate::sim::Engine;
use rayon::prelude::*;
use serde_json::{json, Value};
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

/// Parses `path=1..32`, `path=0.5..2.0:0.25` or `path=a,b,c` into the path and its values.
/// The count is known before anything is collected: a range of more than
/// [`MAX_SWEEP_VALUES`] values is refused without building it.
pub fn parse_param(text: &str) -> Result<(String, Vec<toml_edit::Value>), String> {
    let (path, values) = text
        .split_once('=')
        .ok_or_else(|| format!("--param {text:?}: expected PATH=FROM..TO[:STEP] or PATH=A,B,C"))?;
    let (path, values) = (path.trim(), values.trim());
    if path.is_empty() {
        return Err(format!(
            "--param {text:?}: the field path before '=' is missing"
        ));
    }
    let bad = |why: &str| format!("--param {text:?}: {why}");
    crate::scenario::error::parse_path(path).map_err(|why| bad(&why))?;
    let too_many = |count: f64| {
        bad(&format!(
            "the range has {} values, more than the limit of {MAX_SWEEP_VALUES}; use a larger step",
            if count < 1e15 {
                format!("{count:.0}")
            } else if count.is_finite() {
                format!("about {count:.1e}")
            } else {
                "more than 1e308".to_string()
            }
        ))
    };
    let list: Vec<toml_edit::Value> = if let Some((from, rest)) = values.split_once("..") {
        let (to, step) = match rest.split_once(':') {
            Some((to, step)) => (to, Some(step)),
            None => (rest, None),
        };
        let integers = [from, to]
            .iter()
            .chain(step.iter())
            .all(|s| s.trim().parse::<i64>().is_ok());
        if integers {
            let (from, to) = (
                from.trim().parse::<i64>().unwrap_or(0),
                to.trim().parse::<i64>().unwrap_or(0),
            );
            let step = step
                .map_or(Ok(1), |s| s.trim().parse::<i64>())
                .map_err(|_| bad("the step is not a number"))?;
            if step <= 0 || to < from {
                return Err(bad("the range must run upwards with a positive step"));
            }
            let count = (i128::from(to) - i128::from(from)) / i128::from(step) + 1;
            if count > MAX_SWEEP_VALUES as i128 {
                return Err(too_many(count as f64));
            }
            (from..=to)
                .step_by(step as usize)
                .map(toml_edit::Value::from)
                .collect()
        } else {
            let number = |s: &str| {
                s.trim()
                    .parse::<f64>()
                    .map_err(|_| bad(&format!("{s:?} is not a number")))
            };
            let (from, to) = (number(from)?, number(to)?);
            let step = match step {
                Some(step) => number(step)?,
                None => (to - from) / 10.0,
            };
            if !(from.is_finite() && to.is_finite()) {
                return Err(bad("the range's ends must be finite numbers"));
            }
            if !(step > 0.0 && to >= from) {
                return Err(bad("the range must run upwards with a positive step"));
            }
            let count = ((to - from) / step + 1e-9).floor() + 1.0;
            if count > MAX_SWEEP_VALUES as f64 {
                return Err(too_many(count));
            }
            (0..count as usize)
                .map(|i| toml_edit::Value::from(from + step * i as f64))
                .collect()
        }
    } else {
        let items: Vec<&str> = values.split(',').map(str::trim).collect();
        if let Some(empty) = items.iter().position(|item| item.is_empty()) {
            return Err(bad(&format!(
                "item {} of the list is empty (two commas, or a comma at an end); write each value",
                empty + 1
            )));
        }
        if items.len() > MAX_SWEEP_VALUES {
            return Err(bad(&format!(
                "{} values, more than the limit of {MAX_SWEEP_VALUES}",
                items.len()
            )));
        }
        items
            .into_iter()
            .map(|v| {
                v.parse::<toml_edit::Value>()
                    .unwrap_or_else(|_| toml_edit::Value::from(v))
            })
            .collect()
    };
    if list.is_empty() {
        return Err(bad("no values"));
    }
    Ok((path.to_string(), list))
}

fn display_value(value: &toml_edit::Value) -> String {
    match value {
        toml_edit::Value::String(s) => s.value().clone(),
        other => other.to_string().trim().to_string(),
    }
}

/// Metrics where more is better; everything else (latency, drops, queue length) is minimised.
fn higher_is_better(metric: &str) -> bool {
    ["throughput", "completed", "utilization", "offered_rate"]
        .iter()
        .any(|m| metric.contains(m))
}

/// What one run of `config` adds to a sweep's results: its summary, and an entry per class,
/// lane (shard or class pool) and pipeline stage.
fn sweep_results_per_run(config: &crate::scenario::Config) -> usize {
    let lanes = config.lanes().names.len();
    let stages = if config.stages.is_empty() {
        0
    } else {
        config.stages.len() + 1
    };
    1 + config.classes.len() + if lanes > 1 { lanes } else { 0 } + stages
}

pub fn sweep(args: SweepArgs) -> Result<ExitCode, String> {
    let (path, values) = parse_param(&args.param)?;
    if let Some(chart) = &args.chart {
        super::output::chart_kind(chart)?;
    }
    let runs = values.len() * args.scenario.replications as usize;
    if runs > MAX_SWEEP_RUNS {
        return Err(format!(
            "--param with --replications: {} values × {} replications = {runs} runs, more than the limit of {MAX_SWEEP_RUNS}",
            values.len(),
            args.scenario.replications
        ));
    }
    let origin = args.scenario.scenario.display().to_string();
    let text = super::input::read_input(&args.scenario.scenario)?;
    let mut base_overrides: Vec<Override> = super::overrides(&args.scenario.overrides)?;
    let files = super::files_next_to(&args.scenario.scenario);
    let mut configs = Vec::new();
    let mut results = 0;
    for value in &values {
        base_overrides.push(Override::new(path.clone(), value.clone()));
        // An error in a swept value names the --param it came from.
        let mut config =
            super::parse_scenario(&text, &origin, &base_overrides, Some(files.clone()))
                .map_err(|e| e.replace(&format!("--set {path}="), &format!("--param {path}=")))?;
        base_overrides.pop();
        if let Some(seed) = args.scenario.seed {
            config.seed = seed;
        }
        // Counted as the configurations are built, so a refusal comes before they pile up.
        let per_run = sweep_results_per_run(&config);
        results += per_run * args.scenario.replications as usize;
        if results > MAX_SWEEP_RESULTS {
            return Err(format!(
                "--param {path}: {} values × {} replications of a scenario with {} classes, shards, pools and stages report about {} results, more than the limit of {MAX_SWEEP_RESULTS} a sweep holds; sweep fewer values, or a scenario with fewer classes",
                values.len(),
                args.scenario.replications,
                per_run - 1,
                values.len() * args.scenario.replications as usize * per_run,
            ));
        }
        configs.push(config);
    }

    // A metric may exist at some sweep points only (shards.3 needs four shards): it must exist
    // at one of them, and shows as NaN where it does not.
    for written in &args.metrics {
        let metric = Metric::parse(written).map_err(|e| format!("--metric {e}"))?;
        let checks: Vec<_> = configs.iter().map(|config| metric.check(config)).collect();
        if let Some(Err(missing)) = checks.iter().find(|_| checks.iter().all(Result::is_err)) {
            return Err(format!("--metric {missing}"));
        }
    }
    let replications = args.scenario.replications;
    let jobs: Vec<(usize, u32)> = (0..configs.len())
        .flat_map(|i| (0..replications).map(move |r| (i, r)))
        .collect();
    let bar = progress_bar(jobs.len() as u64, args.scenario.quiet, "sweeping");
    let runs: Vec<(Option<String>, Value)> = jobs
        .par_iter()
        .map(|&(i, r)| {
            let mut config = configs[i].clone();
            config.seed = replication_seed(config.seed, r);
            let summary = Engine::new(&config).run();
            bar.inc(1);
            (
                summary.cut_short(),
                serde_json::to_value(summary).unwrap_or_default(),
            )
        })
        .collect();
    bar.finish_and_clear();
    let mut cut_short = false;
    for (&(i, _), (why, _)) in jobs.iter().zip(&runs) {
        if let Some(why) = why {
            // A failing policy script is the learner's error, not a limit of the engine.
            let level = if why.contains(" script failed at ") {
                "error"
            } else {
                "warning"
            };
            eprintln!("{level}: {path} = {}: {why}", display_value(&values[i]));
            cut_short = true;
        }
    }
    let runs: Vec<Value> = runs.into_iter().map(|(_, run)| run).collect();

    let points: Vec<Value> = runs
        .chunks(replications as usize)
        .map(|chunk| {
            if chunk.len() == 1 {
                chunk[0].clone()
            } else {
                stats::aggregate(chunk)
            }
        })
        .collect();
    let first_metric = &args.metrics[0];
    let metric_values: Vec<f64> = points
        .iter()
        .map(|p| lookup_number(p, first_metric).unwrap_or(f64::NAN))
        .collect();
    let knee = knee_index(&metric_values, higher_is_better(first_metric));

    match args.format {
        Format::Json => {
            let out = json!({
                "param": path,
                "metrics": args.metrics,
                "points": values.iter().zip(&points).map(|(v, p)| json!({"value": display_value(v), "summary": p})).collect::<Vec<_>>(),
                "knee": knee.map(|i| display_value(&values[i])),
            });
            super::emit(&(serde_json::to_string_pretty(&out).map_err(|e| e.to_string())? + "\n"))?;
        }
        Format::Table => {
            let mut header = format!("{path:<20}");
            for metric in &args.metrics {
                header += &format!("{metric:>26}");
            }
            // Context columns, unless already asked for.
            let context: Vec<(&str, &str)> = [
                ("throughput", "throughput"),
                ("rejected_ratio", "rejected"),
                ("utilization", "utilization"),
            ]
            .into_iter()
            .filter(|(metric, _)| !args.metrics.iter().any(|m| m == metric))
            .collect();
            for (_, label) in &context {
                header += &format!("{label:>14}");
            }
            let mut table = format!("{header}\n");
            for (i, (value, point)) in values.iter().zip(&points).enumerate() {
                let mut row = format!(
                    "{:<20}",
                    display_value(value) + if Some(i) == knee { "  ◀ knee" } else { "" }
                );
                for metric in &args.metrics {
                    row += &format!("{:>26}", cell(point, metric));
                }
                for (metric, _) in &context {
                    let value = lookup_number(point, metric).unwrap_or(0.0);
                    row += &match metric {
                        &"throughput" => format!("{:>14}", format::number(value)),
                        _ => format!("{:>13.2}%", value * 100.0),
                    };
                }
                table += &row;
                table.push('\n');
            }
            if let Some(i) = knee {
                let direction = if higher_is_better(first_metric) {
                    "highest"
                } else {
                    "lowest"
                };
                table += &format!(
                    "\nknee: {path} = {} is the first value within 10% of the {direction} {first_metric}\n",
                    display_value(&values[i])
                );
            }
            super::emit(&table)?;
        }
    }
    if let Some(chart_path) = &args.chart {
        let xs: Vec<f64> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_integer()
                    .map(|n| n as f64)
                    .or(v.as_float())
                    .unwrap_or(i as f64)
            })
            .collect();
        let chart_points: Vec<(f64, f64, f64)> = xs
            .iter()
            .zip(&points)
            .map(|(&x, p)| {
                let y = lookup_number(p, first_metric).unwrap_or(f64::NAN);
                let half = lookup_number(p, &format!("ci95.{first_metric}")).unwrap_or(0.0);
                (x, y, half)
            })
            .collect();
        let chart = crate::chart::SweepChart {
            x_label: &path,
            y_label: first_metric,
            points: &chart_points,
        };
        draw_to_file(chart_path, (1000, 640), &chart)?;
    }
    Ok(if cut_short {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn cell(point: &Value, metric: &str) -> String {
    let show = |v: f64| {
        let last_two: Vec<&str> = metric.rsplit('.').take(2).collect();
        let is_time = matches!(
            last_two.as_slice(),
            [_, "latency" | "wait" | "service"] | ["first_fired_at" | "drain_seconds", ..]
        );
        if v.is_nan() {
            "–".to_string()
        } else if is_time {
            format::seconds(v)
        } else {
            format::number(v)
        }
    };
    let value = lookup_number(point, metric).unwrap_or(f64::NAN);
    match lookup_number(point, &format!("ci95.{metric}")) {
        Some(half) => format!("{} ± {}", show(value), show(half)),
        None => show(value),
    }
}

/// The first point within 10 % of the best value: where adding more stops paying off.
pub fn knee_index(values: &[f64], higher_is_better: bool) -> Option<usize> {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let best = if higher_is_better {
        finite.fold(f64::NEG_INFINITY, f64::max)
    } else {
        finite.fold(f64::INFINITY, f64::min)
    };
    if !best.is_finite() {
        return None;
    }
    values.iter().position(|&v| {
        v.is_finite()
            && if higher_is_better {
                v >= best - 0.1 * best.abs()
            } else {
                v <= best + 0.1 * best.abs()
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn param_ranges_lists_and_steps_parse() {
        let (path, values) = parse_param("pool.workers=1..4").unwrap();
        assert_eq!(path, "pool.workers");
        assert_eq!(
            values.iter().map(display_value).collect::<Vec<_>>(),
            ["1", "2", "3", "4"]
        );
        let (_, values) = parse_param("pool.workers=2..10:4").unwrap();
        assert_eq!(
            values.iter().map(display_value).collect::<Vec<_>>(),
            ["2", "6", "10"]
        );
        let (_, values) = parse_param("arrivals.rate=1.0..2.0:0.5").unwrap();
        assert_eq!(values.len(), 3);
        let (_, values) = parse_param("queue.on_full=reject,block").unwrap();
        assert_eq!(
            values.iter().map(display_value).collect::<Vec<_>>(),
            ["reject", "block"]
        );
    }

    #[test]
    fn bad_params_are_explained() {
        for bad in [
            "pool.workers",
            "=1..3",
            "pool.workers=5..1",
            "pool.workers=1..x",
            "a=1..5:0",
            "pool.workers=1,,3",
            "pool.workers=1,3,",
            "pool..workers=1,2",
            "a=1e-300..1e300:1e-300",
            "a=0..9223372036854775807",
            "a=-9223372036854775808..9223372036854775807",
            "a=0..inf",
        ] {
            assert!(parse_param(bad).unwrap_err().contains("--param"), "{bad}");
        }
    }

    #[test]
    fn too_many_values_and_empty_items_say_why() {
        let error = parse_param("a=1e-300..1e300:1e-300").unwrap_err();
        assert!(error.contains("more than 1e308 values"), "{error}");
        let error = parse_param("a=0..1e300:1").unwrap_err();
        assert!(error.contains("about 1.0e300 values"), "{error}");
        let error = parse_param("a=0..5000").unwrap_err();
        assert!(
            error.contains("5001 values, more than the limit of 1000"),
            "{error}"
        );
        let error = parse_param("pool.workers=1,,3").unwrap_err();
        assert!(error.contains("item 2 of the list is empty"), "{error}");
        assert_eq!(parse_param("a=0..999").unwrap().1.len(), 1000);
    }

    #[test]
    fn knee_is_the_first_value_close_to_the_best() {
        assert_eq!(knee_index(&[10.0, 3.0, 1.05, 1.0, 1.0], false), Some(2));
        assert_eq!(knee_index(&[1.0, 5.0, 9.5, 10.0], true), Some(2));
        assert_eq!(knee_index(&[f64::NAN], false), None);
    }
}
