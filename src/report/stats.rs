//! Replications: the mean of every metric and its 95 % confidence half-width.
//!
//! Independent replications (different seeds) give independent estimates; their mean ± t·s/√n is
//! the textbook confidence interval for a simulation output. The aggregate keeps the summary's
//! shape, so `latency.p99` still names the metric and `ci95.latency.p99` its half-width.
//!
//! ```
//! use queuelab::report::stats::{mean_and_half_width, student_t_975};
//! let (mean, half) = mean_and_half_width(&[1.0, 2.0, 3.0]);
//! assert_eq!(mean, 2.0);
//! assert!((half - student_t_975(2) * 1.0 / 3f64.sqrt()).abs() < 1e-12);
//! ```

use serde_json::{Map, Value};

/// The 97.5 % quantile of Student's t with `df` degrees of freedom (two-sided 95 %).
pub fn student_t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df - 1],
        // Cornish–Fisher expansion around the normal quantile; error < 0.001 beyond 30.
        _ => {
            let z = 1.959_964;
            let d = df as f64;
            z + (z * z * z + z) / (4.0 * d)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * d * d)
        }
    }
}

/// Sample mean and 95 % confidence half-width (0 for fewer than two samples).
pub fn mean_and_half_width(samples: &[f64]) -> (f64, f64) {
    let n = samples.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = samples.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, 0.0);
    }
    let variance = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    (mean, student_t_975(n - 1) * (variance / n as f64).sqrt())
}

/// Aggregates the JSON of several runs: numbers become their mean, a parallel `ci95` tree holds
/// the half-widths, `replications` the count and `seeds` every seed used.
pub fn aggregate(runs: &[Value]) -> Value {
    let Some(first) = runs.first() else {
        return Value::Null;
    };
    let all: Vec<&Value> = runs.iter().collect();
    let (means, half_widths) = aggregate_node(first, &all);
    let mut object = match means {
        Value::Object(map) => map,
        other => return other,
    };
    // The base seed identifies the aggregate; a mean of seeds would mean nothing.
    if let Some(seed) = first.get("seed") {
        object.insert("seed".into(), seed.clone());
    }
    let mut half_widths = half_widths.unwrap_or(Value::Null);
    if let Some(map) = half_widths.as_object_mut() {
        map.remove("seed");
    }
    object.insert("ci95".into(), half_widths);
    object.insert("replications".into(), Value::from(runs.len()));
    let seeds: Vec<Value> = runs
        .iter()
        .filter_map(|run| run.get("seed").cloned())
        .collect();
    object.insert("seeds".into(), Value::Array(seeds));
    Value::Object(object)
}

/// Works on references: the runs' JSON is never copied, so 10 000 replications hold their
/// summaries once.
fn aggregate_node(template: &Value, runs: &[&Value]) -> (Value, Option<Value>) {
    match template {
        Value::Object(map) => {
            let mut means = Map::new();
            let mut halves = Map::new();
            for key in map.keys() {
                let children: Vec<&Value> = runs
                    .iter()
                    .map(|run| run.get(key).unwrap_or(&Value::Null))
                    .collect();
                let (mean, half) = aggregate_node(&map[key], &children);
                means.insert(key.clone(), mean);
                if let Some(half) = half {
                    halves.insert(key.clone(), half);
                }
            }
            let halves = (!halves.is_empty()).then_some(Value::Object(halves));
            (Value::Object(means), halves)
        }
        Value::Number(_) => {
            let samples: Vec<f64> = runs.iter().filter_map(|run| run.as_f64()).collect();
            let (mean, half) = mean_and_half_width(&samples);
            (Value::from(mean), Some(Value::from(half)))
        }
        other => (other.clone(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn aggregate_keeps_the_shape_and_adds_half_widths() {
        let runs = [
            json!({"seed": 1, "latency": {"p99": 1.0}, "scenario": "x"}),
            json!({"seed": 2, "latency": {"p99": 3.0}, "scenario": "x"}),
        ];
        let aggregate = aggregate(&runs);
        assert_eq!(aggregate["latency"]["p99"], 2.0);
        assert_eq!(aggregate["scenario"], "x");
        assert_eq!(aggregate["replications"], 2);
        assert_eq!(aggregate["seeds"], json!([1, 2]));
        let half = aggregate["ci95"]["latency"]["p99"].as_f64().unwrap();
        assert!(
            (half - 12.706 * 2f64.sqrt() / 2f64.sqrt()).abs() < 1e-9,
            "{half}"
        );
    }

    #[test]
    fn t_quantile_approaches_the_normal_one() {
        assert!((student_t_975(31) - 2.040).abs() < 0.002);
        assert!((student_t_975(120) - 1.980).abs() < 0.001);
        assert!((student_t_975(100_000) - 1.960).abs() < 0.001);
    }
}
