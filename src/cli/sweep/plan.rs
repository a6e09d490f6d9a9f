//! From the flags to the work: a validated configuration per swept value and the
//! (value, replication) jobs. Every limit is checked while the configurations are built, so a
//! sweep too big for a machine is refused before it piles them up.

use super::super::ScenarioArgs;
use crate::data::DataFiles;
use crate::report::metric::Metric;
use crate::scenario::limits::{MAX_SWEEP_RESULTS, MAX_SWEEP_RUNS};
use crate::scenario::{Config, Override};
use std::sync::Arc;

/// A sweep ready to run.
pub struct Plan {
    /// The swept field's path.
    pub path: String,
    pub values: Vec<toml_edit::Value>,
    /// The scenario at each value, seeds set.
    pub configs: Vec<Config>,
    pub replications: u32,
    /// The scenario file's text, for a shard's fingerprint.
    pub scenario_text: String,
}

impl Plan {
    /// Reads the scenario and builds it at each of `values`, refusing a sweep over the limits
    /// and a `metrics` path that exists at no point. The scenario's data files come from `files`.
    pub fn build(
        args: &ScenarioArgs,
        path: String,
        values: Vec<toml_edit::Value>,
        metrics: &[String],
        files: Arc<dyn DataFiles>,
    ) -> Result<Plan, String> {
        let runs = values.len() * args.replications as usize;
        if runs > MAX_SWEEP_RUNS {
            return Err(format!(
                "--param with --replications: {} values × {} replications = {runs} runs, more than the limit of {MAX_SWEEP_RUNS}",
                values.len(),
                args.replications
            ));
        }
        let origin = args.scenario.display().to_string();
        let text = super::super::input::read_input(&args.scenario)?;
        let mut base_overrides: Vec<Override> = super::super::overrides(&args.overrides)?;
        let mut configs = Vec::new();
        let mut results = 0;
        for value in &values {
            base_overrides.push(Override::new(path.clone(), value.clone()));
            // An error in a swept value names the --param it came from.
            let mut config =
                super::super::parse_scenario(&text, &origin, &base_overrides, Some(files.clone()))
                    .map_err(|e| {
                        e.replace(&format!("--set {path}="), &format!("--param {path}="))
                    })?;
            base_overrides.pop();
            if let Some(seed) = args.seed {
                config.seed = seed;
            }
            // Counted as the configurations are built, so a refusal comes before they pile up.
            let per_run = results_per_run(&config);
            results += per_run * args.replications as usize;
            if results > MAX_SWEEP_RESULTS {
                return Err(format!(
                    "--param {path}: {} values × {} replications of a scenario with {} classes, shards, pools and stages report about {} results, more than the limit of {MAX_SWEEP_RESULTS} a sweep holds; sweep fewer values, or a scenario with fewer classes",
                    values.len(),
                    args.replications,
                    per_run - 1,
                    values.len() * args.replications as usize * per_run,
                ));
            }
            configs.push(config);
        }
        check_metrics(metrics, &configs)?;
        Ok(Plan {
            path,
            values,
            configs,
            replications: args.replications,
            scenario_text: text,
        })
    }

    /// Every (value's index, replication) pair, value by value.
    pub fn jobs(&self) -> Vec<(usize, u32)> {
        let replications = self.replications;
        (0..self.configs.len())
            .flat_map(|i| (0..replications).map(move |r| (i, r)))
            .collect()
    }
}

/// What one run of `config` adds to a sweep's results: its summary, and an entry per class,
/// lane (shard or class pool) and pipeline stage.
fn results_per_run(config: &Config) -> usize {
    let lanes = config.lanes().names.len();
    let stages = if config.stages.is_empty() {
        0
    } else {
        config.stages.len() + 1
    };
    1 + config.classes.len() + if lanes > 1 { lanes } else { 0 } + stages
}

/// A metric may exist at some sweep points only (shards.3 needs four shards): it must exist
/// at one of them, and shows as NaN where it does not.
fn check_metrics(metrics: &[String], configs: &[Config]) -> Result<(), String> {
    for written in metrics {
        let metric = Metric::parse(written).map_err(|e| format!("--metric {e}"))?;
        let checks: Vec<_> = configs.iter().map(|config| metric.check(config)).collect();
        if let Some(Err(missing)) = checks.iter().find(|_| checks.iter().all(Result::is_err)) {
            return Err(format!("--metric {missing}"));
        }
    }
    Ok(())
}
