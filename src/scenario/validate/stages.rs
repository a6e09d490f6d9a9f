//! Validation of a pipeline's later stages (`[[stages]]`) and of what a pipeline cannot combine.

use super::distribution::distribution;
use super::routes::routes;
use super::sizes::name_problem;
use super::Checker;
use crate::scenario::config::{StageConfig, FRONT_STAGE};
use crate::scenario::limits::{MAX_STAGE_BUFFER, MAX_WORKERS_PER_POOL};
use crate::scenario::raw::RawScenario;

pub(super) fn stages(c: &mut Checker, raw: &RawScenario) -> Vec<StageConfig> {
    let mut stages: Vec<StageConfig> = Vec::new();
    for (i, stage) in raw.stages.iter().enumerate() {
        let here = |field: &str| format!("stages[{i}].{field}");
        let name = stage.name.clone().unwrap_or_default();
        if name.trim().is_empty() {
            c.error(
                &here("name"),
                "is required: the stage's name, used in the summary (stages.NAME.utilization)",
            );
            continue;
        }
        if let Some(problem) = name_problem(&name) {
            c.error(&here("name"), problem);
            continue;
        }
        if name == FRONT_STAGE {
            c.error(
                &here("name"),
                format!("\"{FRONT_STAGE}\" names the first stage (the [pool] table); choose another name"),
            );
            continue;
        }
        if stages.iter().any(|other| other.name == name) {
            c.error(
                &here("name"),
                format!("\"{name}\" is used by an earlier stage"),
            );
            continue;
        }
        if stage.workers.is_none() {
            c.error(
                &here("workers"),
                "is required: the stage's number of workers (at least 1)",
            );
        }
        let workers = c.count(&here("workers"), stage.workers, 1, MAX_WORKERS_PER_POOL);
        let buffer = c.count(
            &here("buffer"),
            Some(stage.buffer.unwrap_or(0)),
            0,
            MAX_STAGE_BUFFER,
        );
        let service = match &stage.service {
            Some(service) => distribution(c, &here("service"), service),
            None => {
                c.error(
                    &here("service"),
                    "is required: the stage's work per item (e.g. { distribution = \"exponential\", mean = \"20ms\" })",
                );
                None
            }
        };
        if let (Some(workers), Some(buffer), Some(service)) = (workers, buffer, service) {
            stages.push(StageConfig {
                name,
                workers,
                buffer,
                service,
                routes: Vec::new(),
            });
        }
    }
    if stages.len() == raw.stages.len() {
        // Routes name stages, so they are read once every stage's name is known.
        for (i, stage) in raw.stages.iter().enumerate() {
            let path = format!("stages[{i}].routes");
            stages[i].routes = routes(c, &path, stage.routes.as_ref(), &stages);
        }
    }
    if !raw.stages.is_empty() {
        refuse_with_stages(c, raw);
    }
    stages
}

/// Features whose meaning a pipeline would change, refused rather than half-supported.
fn refuse_with_stages(c: &mut Checker, raw: &RawScenario) {
    if raw.hedge.is_some() {
        c.error(
            "hedge",
            "hedged requests cannot be combined with [[stages]] yet: cancelling the losing copy \
             would have to reach into every stage",
        );
    }
    if raw
        .pool
        .as_ref()
        .and_then(|pool| pool.scale_down.as_deref())
        == Some("preempt")
    {
        c.error(
            "pool.scale_down",
            "\"preempt\" cannot be combined with [[stages]]: a worker holding a finished item \
             for the next stage has nothing to put back; use \"drain\" or \"lazy\"",
        );
    }
}
