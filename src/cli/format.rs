//! Human-readable output: the summary table and number formatting.
//!
//! Works on the summary's JSON so a single run and an aggregate of replications (means plus a
//! `ci95` tree) print through the same code.

pub use crate::report::format::{number, seconds};
use crate::report::summary::lookup_number;
use serde_json::Value;
use std::fmt::Write;

fn percent(value: f64) -> String {
    format!("{:.2}%", value * 100.0)
}

/// `value` or `value ± half` when the JSON is an aggregate with a `ci95` tree.
fn with_ci(json: &Value, path: &str, show: fn(f64) -> String) -> String {
    let value = lookup_number(json, path).unwrap_or(f64::NAN);
    match lookup_number(json, &format!("ci95.{path}")) {
        Some(half) => format!("{} ± {}", show(value), show(half)),
        None => show(value),
    }
}

pub fn summary_table(json: &Value) -> String {
    let mut out = String::new();
    let get = |path: &str| lookup_number(json, path).unwrap_or(0.0);
    let name = json
        .get("scenario")
        .and_then(Value::as_str)
        .unwrap_or("scenario");
    let replications = json.get("replications").and_then(Value::as_u64);
    let _ = write!(
        out,
        "{name}: seed {}",
        json.get("seed").map_or("?".into(), |s| s.to_string())
    );
    if let Some(n) = replications {
        let _ = write!(out, ", {n} replications (mean ± 95% confidence half-width)");
    }
    if json.get("threads").is_some() {
        let _ = writeln!(
            out,
            "\nreal threads: {} of scenario time ({} measured) in {} wall time at time scale {}, {} work on {} cores\n\
             arrivals sent late by p50 {}, p99 {} (latency counts from the scheduled time)\n",
            seconds(get("sim_seconds")),
            seconds(get("measured_seconds")),
            seconds(get("threads.wall_seconds")),
            number(get("threads.time_scale")),
            json.pointer("/threads/work")
                .and_then(Value::as_str)
                .unwrap_or("sleep"),
            number(get("threads.cores")),
            seconds(get("threads.lateness.p50")),
            seconds(get("threads.lateness.p99")),
        );
    } else {
        let _ = writeln!(
            out,
            "\nsimulated {} ({} measured), {} events\n",
            seconds(get("sim_seconds")),
            seconds(get("measured_seconds")),
            number(get("events"))
        );
    }
    let _ = writeln!(
        out,
        "{:<10}{:>22}{:>22}{:>22}{:>22}{:>22}{:>22}",
        "", "mean", "p50", "p90", "p99", "p99.9", "max"
    );
    for metric in ["latency", "wait", "service"] {
        let _ = write!(out, "{metric:<10}");
        for field in ["mean", "p50", "p90", "p99", "p999", "max"] {
            let _ = write!(
                out,
                "{:>22}",
                with_ci(json, &format!("{metric}.{field}"), seconds)
            );
        }
        out.push('\n');
    }
    out.push('\n');
    type Row = (&'static str, &'static str, fn(f64) -> String);
    let rows: [Row; 12] = [
        ("arrivals", "arrivals", number),
        ("completed", "completed", number),
        ("rejected", "rejected", number),
        ("rejected ratio", "rejected_ratio", percent),
        ("timed out", "timed_out", number),
        ("dropped", "dropped", number),
        ("throughput /s", "throughput", number),
        ("offered /s", "offered_rate", number),
        ("utilization", "utilization", percent),
        ("mean queue length", "mean_queue_len", number),
        ("mean in system (L)", "mean_in_system", number),
        ("pool size K (mean)", "pool.mean", number),
    ];
    for (label, path, show) in rows {
        let _ = writeln!(out, "{label:<22}{}", with_ci(json, path, show));
    }
    if json.get("trace_rows").is_some() {
        let _ = writeln!(
            out,
            "{:<22}{}",
            "trace rows used",
            with_ci(json, "trace_rows", number)
        );
    }
    if let Some(Value::Object(reasons)) = json.get("rejected_by_reason") {
        if !reasons.is_empty() {
            let parts: Vec<String> = reasons
                .iter()
                .map(|(reason, count)| {
                    format!("{reason} {}", number(count.as_f64().unwrap_or(0.0)))
                })
                .collect();
            let _ = writeln!(out, "{:<22}{}", "rejected by reason", parts.join(", "));
        }
    }
    if get("failed") > 0.0 {
        let reasons = match json.get("failed_by_reason") {
            Some(Value::Object(reasons)) => reasons
                .iter()
                .map(|(reason, count)| {
                    format!("{reason} {}", number(count.as_f64().unwrap_or(0.0)))
                })
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "{:<22}{} ({}): {reasons}",
            "failed",
            with_ci(json, "failed", number),
            with_ci(json, "failed_ratio", percent)
        );
    }
    for (label, path) in [("retries", "retries"), ("hedges (won)", "hedges")] {
        if get(path) > 0.0 {
            let won = if path == "hedges" {
                format!(" ({})", number(get("hedge_wins")))
            } else {
                String::new()
            };
            let _ = writeln!(out, "{label:<22}{}{won}", with_ci(json, path, number));
        }
    }
    let (min, max) = (get("pool.min"), get("pool.max"));
    if min != max {
        let _ = writeln!(
            out,
            "{:<22}{} .. {} ({} resizes)",
            "pool size K range",
            number(min),
            number(max),
            number(get("pool.resizes"))
        );
    }
    let (l, x, w) = (
        get("mean_in_system"),
        get("throughput"),
        get("latency.mean"),
    );
    let _ = writeln!(
        out,
        "{:<22}L = {}, λW = {} (residual {})",
        "Little's law",
        number(l),
        number(x * w),
        percent(get("littles_law_residual"))
    );
    if get("in_flight_at_end") > 0.0 {
        let _ = writeln!(
            out,
            "{:<22}{}",
            "in system at the end",
            number(get("in_flight_at_end"))
        );
    }
    if get("wasted_work_seconds") > 0.0 {
        let _ = writeln!(
            out,
            "{:<22}{}",
            "wasted work",
            seconds(get("wasted_work_seconds"))
        );
    }
    if let Some(Value::Object(classes)) = json.get("classes") {
        if classes.len() > 1 {
            let _ = writeln!(
                out,
                "\n{:<16}{:>12}{:>12}{:>12}{:>14}{:>14}",
                "class", "arrivals", "completed", "lost", "p50", "p99"
            );
            for (class, stats) in classes {
                let n = |field: &str| lookup_number(stats, field).unwrap_or(0.0);
                let lost = n("rejected") + n("timed_out") + n("dropped") + n("failed");
                let _ = writeln!(
                    out,
                    "{class:<16}{:>12}{:>12}{:>12}{:>14}{:>14}",
                    number(n("arrivals")),
                    number(n("completed")),
                    number(lost),
                    seconds(n("latency.p50")),
                    seconds(n("latency.p99"))
                );
            }
        }
    }
    stages_table(&mut out, json, "stages", "stage");
    stages_table(&mut out, json, "shards", "shard");
    stages_table(&mut out, json, "pools", "pool");
    out
}

/// A pipeline's stages (or a sharded pool's shards) in order: how busy, how blocked, how much
/// waits in front of each.
fn stages_table(out: &mut String, json: &Value, field: &str, label: &str) {
    let Some(Value::Object(stages)) = json.get(field) else {
        return;
    };
    let mut ordered: Vec<(&String, &Value)> = stages.iter().collect();
    ordered.sort_by_key(|(_, stats)| lookup_number(stats, "position").unwrap_or(0.0) as u64);
    let _ = writeln!(
        out,
        "\n{:<16}{:>8}{:>12}{:>10}{:>12}{:>10}{:>14}{:>14}",
        label, "K", "util", "blocked", "mean queue", "max", "mean time", "p99 time"
    );
    for (name, stats) in ordered {
        let n = |field: &str| lookup_number(stats, field).unwrap_or(0.0);
        let _ = writeln!(
            out,
            "{name:<16}{:>8}{:>12}{:>10}{:>12}{:>10}{:>14}{:>14}",
            number(n("workers")),
            percent(n("utilization")),
            percent(n("blocked_ratio")),
            number(n("mean_queue_len")),
            number(n("max_queue_len")),
            seconds(n("latency.mean")),
            seconds(n("latency.p99"))
        );
    }
}

/// A metric to show: its label, its path in the summary, and how to print its value.
type Shown = (&'static str, &'static str, fn(f64) -> String);

/// The metrics `--mode compare` puts side by side.
const COMPARED: [Shown; 16] = [
    ("latency mean", "latency.mean", seconds),
    ("latency p50", "latency.p50", seconds),
    ("latency p90", "latency.p90", seconds),
    ("latency p99", "latency.p99", seconds),
    ("wait mean", "wait.mean", seconds),
    ("service mean", "service.mean", seconds),
    ("completed", "completed", number),
    ("rejected", "rejected", number),
    ("timed out", "timed_out", number),
    ("dropped", "dropped", number),
    ("failed", "failed", number),
    ("throughput /s", "throughput", number),
    ("utilization", "utilization", percent),
    ("waited ratio", "waited_ratio", percent),
    ("mean queue length", "mean_queue_len", number),
    ("pool size K (mean)", "pool.mean", number),
];

/// (real − simulated) / simulated in percent; `None` when the simulation's value is zero.
fn difference(sim: f64, real: f64) -> Option<f64> {
    (sim != 0.0).then(|| (real - sim) / sim.abs() * 100.0)
}

/// Each compared metric's difference in percent, for the JSON output.
pub fn differences(sim: &Value, real: &Value) -> Value {
    let map = COMPARED
        .iter()
        .filter_map(|(_, path, _)| {
            let sim = lookup_number(sim, path)?;
            let real = lookup_number(real, path)?;
            Some((
                path.to_string(),
                difference(sim, real).map_or(Value::Null, Value::from),
            ))
        })
        .collect();
    Value::Object(map)
}

/// The simulation and a real run, metric by metric.
pub fn compare_table(sim: &Value, real: &Value) -> String {
    let mut out = String::new();
    let name = sim
        .get("scenario")
        .and_then(Value::as_str)
        .unwrap_or("scenario");
    let get = |json: &Value, path: &str| lookup_number(json, path).unwrap_or(0.0);
    let _ = writeln!(
        out,
        "{name}: simulation vs real threads ({} work, {} cores, time scale {}, wall {})\n",
        real.pointer("/threads/work")
            .and_then(Value::as_str)
            .unwrap_or("sleep"),
        number(get(real, "threads.cores")),
        number(get(real, "threads.time_scale")),
        seconds(get(real, "threads.wall_seconds")),
    );
    let _ = writeln!(
        out,
        "{:<22}{:>16}{:>16}{:>12}",
        "", "simulation", "threads", "difference"
    );
    for (label, path, show) in COMPARED {
        let (s, r) = (get(sim, path), get(real, path));
        let diff = match difference(s, r) {
            Some(d) => format!("{d:+.1}%"),
            None if r == 0.0 => "=".to_string(),
            None => "n/a".to_string(),
        };
        let _ = writeln!(out, "{label:<22}{:>16}{:>16}{:>12}", show(s), show(r), diff);
    }
    let _ = writeln!(
        out,
        "\narrivals sent late by p50 {}, p99 {}; {} abandoned at the end",
        seconds(get(real, "threads.lateness.p50")),
        seconds(get(real, "threads.lateness.p99")),
        number(get(real, "threads.abandoned")),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_class_s_lost_requests_include_its_failed_ones() {
        let class = |failed: u64| {
            serde_json::json!({ "arrivals": 100, "completed": 90, "rejected": 4, "timed_out": 1,
                "dropped": 0, "failed": failed, "latency": { "p50": 0.01, "p99": 0.1 } })
        };
        let json = serde_json::json!({ "classes": { "a": class(5), "b": class(0) } });
        let table = summary_table(&json);
        let row = |name: &str| {
            let line = table.lines().find(|l| l.starts_with(name)).expect("row");
            line.split_whitespace().nth(3).expect("lost").to_string()
        };
        assert_eq!(row("a "), "10", "{table}");
        assert_eq!(row("b "), "5", "{table}");
    }
}
