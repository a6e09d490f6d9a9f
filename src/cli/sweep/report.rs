//! What a sweep prints once its runs are in: the warnings of runs cut short, the points
//! (replications aggregated), the knee, the table or JSON, and the chart. A whole sweep and a
//! merge of its shards both end here, with the same runs in the same order, so they print the
//! same bytes.

use super::super::output::draw_to_file;
use super::super::{emit, format, Format};
use super::param::{display_value, x_of};
use super::runs::Run;
use crate::report::stats;
use crate::report::summary::lookup_number;
use serde_json::{json, Value};
use std::path::Path;
use std::process::ExitCode;

/// A sweep's runs, in job order (value by value, replication by replication), and what they were.
pub struct Outcome {
    pub path: String,
    pub values: Vec<toml_edit::Value>,
    pub metrics: Vec<String>,
    pub replications: u32,
    pub runs: Vec<Run>,
}

impl Outcome {
    /// Prints the report and draws the chart; fails (exit 1) if a run was cut short.
    pub fn finish(mut self, format: Format, chart: Option<&Path>) -> Result<ExitCode, String> {
        let cut_short = self.warn();
        let summaries: Vec<Value> = std::mem::take(&mut self.runs)
            .into_iter()
            .map(|run| run.summary)
            .collect();
        let points: Vec<Value> = summaries
            .chunks(self.replications as usize)
            .map(|chunk| {
                if chunk.len() == 1 {
                    chunk[0].clone()
                } else {
                    stats::aggregate(chunk)
                }
            })
            .collect();
        let first_metric = &self.metrics[0];
        let metric_values: Vec<f64> = points
            .iter()
            .map(|p| lookup_number(p, first_metric).unwrap_or(f64::NAN))
            .collect();
        let knee = knee_index(&metric_values, higher_is_better(first_metric));
        match format {
            Format::Json => emit(&self.json(&points, knee)?)?,
            Format::Table => emit(&self.table(&points, knee))?,
        }
        if let Some(chart_path) = chart {
            self.chart(chart_path, &points)?;
        }
        Ok(if cut_short {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        })
    }

    /// Says which runs stopped early, and why, on stderr; true if any did.
    fn warn(&self) -> bool {
        let mut cut_short = false;
        for (j, run) in self.runs.iter().enumerate() {
            if let Some(why) = &run.warning {
                warn(
                    &self.path,
                    &self.values[j / self.replications as usize],
                    why,
                );
                cut_short = true;
            }
        }
        cut_short
    }

    fn json(&self, points: &[Value], knee: Option<usize>) -> Result<String, String> {
        let out = json!({
            "param": self.path,
            "metrics": self.metrics,
            "points": self.values.iter().zip(points).map(|(v, p)| json!({"value": display_value(v), "summary": p})).collect::<Vec<_>>(),
            "knee": knee.map(|i| display_value(&self.values[i])),
        });
        Ok(serde_json::to_string_pretty(&out).map_err(|e| e.to_string())? + "\n")
    }

    fn table(&self, points: &[Value], knee: Option<usize>) -> String {
        let path = &self.path;
        let mut header = format!("{path:<20}");
        for metric in &self.metrics {
            header += &format!("{metric:>26}");
        }
        // Context columns, unless already asked for.
        let context: Vec<(&str, &str)> = [
            ("throughput", "throughput"),
            ("rejected_ratio", "rejected"),
            ("utilization", "utilization"),
        ]
        .into_iter()
        .filter(|(metric, _)| !self.metrics.iter().any(|m| m == metric))
        .collect();
        for (_, label) in &context {
            header += &format!("{label:>14}");
        }
        let mut table = format!("{header}\n");
        for (i, (value, point)) in self.values.iter().zip(points).enumerate() {
            let mut row = format!(
                "{:<20}",
                display_value(value) + if Some(i) == knee { "  ◀ knee" } else { "" }
            );
            for metric in &self.metrics {
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
            let first_metric = &self.metrics[0];
            let direction = if higher_is_better(first_metric) {
                "highest"
            } else {
                "lowest"
            };
            table += &format!(
                "\nknee: {path} = {} is the first value within 10% of the {direction} {first_metric}\n",
                display_value(&self.values[i])
            );
        }
        table
    }

    /// The first metric against the swept value, with 95 % intervals when replicated.
    fn chart(&self, chart_path: &Path, points: &[Value]) -> Result<(), String> {
        let first_metric = &self.metrics[0];
        let chart_points: Vec<(f64, f64, f64)> = self
            .values
            .iter()
            .enumerate()
            .zip(points)
            .map(|((i, v), p)| {
                let y = lookup_number(p, first_metric).unwrap_or(f64::NAN);
                let half = lookup_number(p, &format!("ci95.{first_metric}")).unwrap_or(0.0);
                (x_of(i, v), y, half)
            })
            .collect();
        let chart = crate::chart::SweepChart {
            x_label: &self.path,
            y_label: first_metric,
            points: &chart_points,
        };
        draw_to_file(chart_path, (1000, 640), &chart)
    }
}

/// Says on stderr that the run at `path = value` stopped early, and why.
pub fn warn(path: &str, value: &toml_edit::Value, why: &str) {
    // A failing policy script is the learner's error, not a limit of the engine.
    let level = if why.contains(" script failed at ") {
        "error"
    } else {
        "warning"
    };
    eprintln!("{level}: {path} = {}: {why}", display_value(value));
}

/// Metrics where more is better; everything else (latency, drops, queue length) is minimised.
fn higher_is_better(metric: &str) -> bool {
    ["throughput", "completed", "utilization", "offered_rate"]
        .iter()
        .any(|m| metric.contains(m))
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
    fn knee_is_the_first_value_close_to_the_best() {
        assert_eq!(knee_index(&[10.0, 3.0, 1.05, 1.0, 1.0], false), Some(2));
        assert_eq!(knee_index(&[1.0, 5.0, 9.5, 10.0], true), Some(2));
        assert_eq!(knee_index(&[f64::NAN], false), None);
    }
}
