//! Stage two: turn a [`RawScenario`] into a [`Config`], collecting every problem with its field path.
//!
//! Each check says what is expected, in the terms of the file (`expected one of: reject, block,
//! ...`). Checks continue after a problem so one `queuelab check` shows all of them.

use super::config::*;
use super::error::ScenarioError;
use super::raw::*;
use crate::scenario::limits::MAX_FANOUT_CALLS;
use crate::time::SimDuration;

mod arrivals;
mod autoscaler;
mod budget;
mod checker;
mod classes;
mod distribution;
mod empirical;
mod fanout;
mod faults;
mod limiter;
mod operations;
mod policies;
mod queue;
mod routes;
mod script;
mod shards;
mod sizes;
mod stages;
mod trace;

pub use crate::scenario::config::FRONT_STAGE;
use arrivals::{closed_arrivals, open_process};
use autoscaler::{autoscaler, prewarm};
use budget::{check_event_budget, check_total_workers};
use checker::Checker;
use classes::classes;
use distribution::distribution;
use fanout::fanout;
use faults::{chaos, downstream};
use limiter::limiter;
use operations::{alerts, shutdown};
use policies::{admission, breaker, hedge, rate_limit, retry};
use queue::queue;
use shards::split;
use stages::stages;

pub use crate::scenario::limits::MAX_EXPECTED_EVENTS;
use crate::scenario::limits::MAX_WORKERS_PER_POOL;

pub fn validate(raw: &RawScenario) -> Result<Config, Vec<ScenarioError>> {
    validate_with_files(raw, None)
}

/// [`validate`], reading the data files the scenario names (`file = ...`) from `files`.
pub fn validate_with_files(
    raw: &RawScenario,
    files: Option<std::sync::Arc<dyn crate::data::DataFiles>>,
) -> Result<Config, Vec<ScenarioError>> {
    let mut c = Checker::default();
    c.files = files;
    if !sizes::within_limits(&mut c, raw) {
        return Err(c.into_errors());
    }
    if let Some(problem) = raw.name.as_deref().and_then(sizes::control_character) {
        c.error("name", problem);
    }
    if let Some(version) = raw.format_version {
        if version != 1 {
            c.error(
                "format_version",
                format!(
                    "unsupported format_version {version}; this queuelab reads format_version = 1"
                ),
            );
        }
    }

    let run = &raw.run;
    let customers = c
        .count("run.customers", run.customers, 1, i64::MAX)
        .map(|n| n as u64);
    let duration = c.duration("run.duration", &run.duration);
    if duration.is_some_and(|d| d.is_zero()) {
        c.error("run.duration", "must be longer than zero");
    }
    if run.customers.is_none() && run.duration.is_none() {
        c.error("run", "set run.customers (stop after that many arrivals) or run.duration (stop at that simulated time)");
    }
    let warmup = c
        .duration("run.warmup", &run.warmup)
        .unwrap_or(SimDuration::ZERO);
    if let Some(duration) = duration {
        if !duration.is_zero() && warmup >= duration {
            c.error(
                "run.warmup",
                format!("must be shorter than run.duration ({duration}), got {warmup}"),
            );
        }
    }
    let sample_interval = c.duration("run.sample_interval", &run.sample_interval);
    if sample_interval.is_some_and(|d| d.is_zero()) {
        c.error("run.sample_interval", "must be longer than zero");
    }

    let default_service = match &raw.service {
        Some(service) => distribution(&mut c, "service", service),
        None => {
            if raw.classes.is_empty() || raw.classes.iter().any(|class| class.service.is_none()) {
                c.error("service", "is required: add a [service] table (e.g. distribution = \"exponential\", mean = \"100ms\")");
            }
            None
        }
    };

    let every_class_has_arrivals =
        !raw.classes.is_empty() && raw.classes.iter().all(|class| class.arrivals.is_some());
    let arrivals = match &raw.arrivals {
        Some(arrivals) if arrivals.process.as_deref() == Some("closed") => {
            closed_arrivals(&mut c, arrivals)
        }
        Some(arrivals) if arrivals.process.as_deref() == Some("trace") => {
            trace::trace_arrivals(&mut c, arrivals, raw)
        }
        Some(arrivals) => {
            open_process(&mut c, "arrivals", arrivals).map(|p| Arrivals::Open(Some(p)))
        }
        None if every_class_has_arrivals => Some(Arrivals::Open(None)),
        None => {
            c.error(
                "arrivals",
                "is required: add an [arrivals] table (e.g. process = \"poisson\", rate = 10)",
            );
            None
        }
    };

    let classes = classes(&mut c, raw, default_service.as_ref());

    let pool = raw.pool.clone().unwrap_or_default();
    let shared_pool =
        raw.classes.is_empty() || raw.classes.iter().any(|class| class.workers.is_none());
    let shared_workers = if shared_pool {
        if raw.pool.is_none() {
            c.error("pool", "is required: add a [pool] table with workers = K");
        } else if pool.workers.is_none() {
            c.error(
                "pool.workers",
                "is required: the number of workers K (at least 1)",
            );
        }
        c.count("pool.workers", pool.workers, 1, MAX_WORKERS_PER_POOL)
    } else {
        if pool.workers.is_some() {
            c.error(
                "pool.workers",
                "every class has a pool of its own (classes[].workers), so a shared pool would serve nobody; remove pool.workers",
            );
        }
        Some(0)
    };
    let dedicated_workers: usize = classes
        .iter()
        .flatten()
        .filter_map(|class| class.workers)
        .sum();
    let workers = shared_workers.map(|shared| shared + dedicated_workers);
    let scale_down = c
        .choice(
            "pool.scale_down",
            pool.scale_down.as_deref(),
            &["drain", "lazy", "preempt"],
            "drain",
        )
        .map(|choice| match choice {
            "lazy" => ScaleDown::Lazy,
            "preempt" => ScaleDown::Preempt,
            _ => ScaleDown::Drain,
        });

    let work = c
        .choice(
            "pool.work",
            pool.work.as_deref(),
            &["sleep", "spin"],
            "sleep",
        )
        .map(|choice| {
            if choice == "spin" {
                Work::Spin
            } else {
                Work::Sleep
            }
        })
        .unwrap_or_default();

    let queue = queue(&mut c, &raw.queue);
    let started_work = match &raw.deadline {
        Some(deadline) => {
            let choice = c.choice(
                "deadline.started_work",
                deadline.started_work.as_deref(),
                &["finish", "cancel"],
                "finish",
            );
            choice.map(|choice| {
                if choice == "cancel" {
                    StartedWork::Cancel
                } else {
                    StartedWork::Finish
                }
            })
        }
        None => Some(StartedWork::Finish),
    };
    let autoscaler = raw.autoscaler.as_ref().and_then(|a| {
        // Each class's own pool starts at its own size; one pool starts at pool.workers.
        let one_pool = workers.filter(|_| dedicated_workers == 0);
        autoscaler(&mut c, a, one_pool, queue.as_ref())
    });
    if let (Some(autoscaler), Some(classes)) = (&autoscaler, &classes) {
        // Each class's own pool is sized by an autoscaler of its own, from its own start.
        let range = autoscaler.min_workers()..=autoscaler.max_workers();
        for (i, class) in classes.iter().enumerate() {
            if let Some(workers) = class.workers.filter(|workers| !range.contains(workers)) {
                c.error(
                    &format!("classes[{i}].workers"),
                    format!(
                        "the starting size {workers} must lie within the autoscaler's [{}, {}]",
                        range.start(),
                        range.end()
                    ),
                );
            }
        }
    }

    let rate_limit = raw.rate_limit.as_ref().and_then(|r| rate_limit(&mut c, r));
    let downstream = raw.downstream.as_ref().and_then(|d| downstream(&mut c, d));
    let fanout = raw.fanout.as_ref().and_then(|f| fanout(&mut c, f));
    let (breaker, breaker_script) = match raw.breaker.as_ref().and_then(|b| breaker(&mut c, b)) {
        Some(policies::BreakerChoice::BuiltIn(config)) => (Some(config), None),
        Some(policies::BreakerChoice::Script(code)) => (None, Some(code)),
        None => (None, None),
    };
    let (retry, retry_script) = raw
        .retry
        .as_ref()
        .and_then(|r| retry(&mut c, r))
        .map_or((None, None), |(config, code)| (Some(config), code));
    let hedge = raw.hedge.as_ref().and_then(|h| hedge(&mut c, h));
    let alerts = alerts(&mut c, &raw.alerts);
    let stages = stages(&mut c, raw);
    let pool_routes = match (&pool.routes, raw.stages.is_empty()) {
        (Some(_), true) => {
            c.error(
                "pool.routes",
                "routes lead to later stages: add [[stages]], or remove pool.routes",
            );
            Vec::new()
        }
        (raw_routes, _) => routes::routes(&mut c, "pool.routes", raw_routes.as_ref(), &stages),
    };
    let visits = if c.is_clean() && !stages.is_empty() {
        routes::check_network(&mut c, &pool_routes, &stages)
    } else {
        None
    };
    if let (Some(arrivals), Some(classes)) = (&arrivals, &classes) {
        // Each visit to a later stage is an arrival and a departure there.
        let stage_visits = visits.map_or(raw.stages.len() as f64, |v| v[1..].iter().sum());
        check_event_budget(
            &mut c,
            customers,
            duration,
            arrivals,
            classes,
            stage_visits,
            raw.fanout
                .as_ref()
                .and_then(|f| f.calls)
                .map_or(0, |calls| calls.clamp(0, MAX_FANOUT_CALLS) as usize),
        );
    }
    let split = split(&mut c, raw, workers);
    if let (Some(shared), Some(classes)) = (shared_workers, &classes) {
        check_total_workers(
            &mut c,
            shared,
            classes,
            &stages,
            autoscaler.as_ref(),
            split.budget,
        );
    }
    let shutdown = raw
        .shutdown
        .as_ref()
        .and_then(|s| shutdown(&mut c, s, duration, warmup));
    let lifecycle = Lifecycle {
        start_up: c
            .duration("pool.start_up", &pool.start_up)
            .unwrap_or_default(),
        idle_timeout: c.duration("pool.idle_timeout", &pool.idle_timeout),
        min_workers: c
            .count(
                "pool.min_workers",
                Some(pool.min_workers.unwrap_or(1)),
                1,
                MAX_WORKERS_PER_POOL,
            )
            .unwrap_or(1),
    };
    if lifecycle.idle_timeout.is_some_and(|d| d.is_zero()) {
        c.error("pool.idle_timeout", "must be longer than zero");
    }
    let chaos = raw.chaos.as_ref().and_then(|raw| chaos(&mut c, raw));
    let prewarm = raw
        .autoscaler
        .as_ref()
        .map(|a| prewarm(&mut c, a))
        .unwrap_or_default();
    if raw.breaker.is_some() && raw.downstream.is_none() {
        c.error(
            "breaker",
            "a circuit breaker guards a downstream call: add a [downstream] table",
        );
    }
    let limiter = raw.limiter.as_ref().and_then(|l| limiter(&mut c, l));
    let admission = raw.admission.as_ref().and_then(|a| admission(&mut c, a));
    if raw.admission.is_some() && raw.rate_limit.is_some() {
        c.error(
            "admission",
            "cannot be combined with [rate_limit]: a request the admission policy holds back would come back past the token bucket; write the rate limit into fn admit instead",
        );
    }

    match (arrivals, classes, workers, scale_down, queue, started_work) {
        (
            Some(arrivals),
            Some(classes),
            Some(workers),
            Some(scale_down),
            Some(queue),
            Some(deadline_started_work),
        ) if c.is_clean() => Ok(Config {
            name: raw.name.clone().unwrap_or_else(|| "scenario".into()),
            seed: run.seed.unwrap_or(1),
            customers,
            duration,
            warmup,
            sample_interval,
            arrivals,
            classes,
            workers,
            scale_down,
            work,
            queue,
            deadline_started_work,
            autoscaler,
            rate_limit,
            limiter,
            admission,
            downstream,
            fanout,
            breaker,
            breaker_script,
            retry,
            retry_script,
            hedge,
            shutdown,
            alerts,
            stages,
            pool_routes,
            shards: split.shards,
            shared_pool,
            keys: split.keys,
            autoscale_budget: split.budget,
            autoscale_reclaim: split.reclaim,
            lifecycle,
            chaos,
            prewarm,
        }),
        _ => Err(c.into_errors()),
    }
}
