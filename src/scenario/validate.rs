//! Stage two: turn a [`RawScenario`] into a [`Config`], collecting every problem with its field path.
//!
//! Each check says what is expected, in the terms of the file (`expected one of: reject, block,
//! ...`). Checks continue after a problem so one `queuelab check` shows all of them.

use super::config::*;
use super::error::ScenarioError;
use super::raw::*;
use crate::dist::{Distribution, MixtureComponent};
use crate::policy::OverflowPolicy;
use crate::time::SimDuration;

mod policies;
use policies::{autoscaler, breaker, limiter, rate_limit, retry};

/// Validates `autoscaler.prewarm`: steps in time order, each a floor for the pool.
fn prewarm(c: &mut Checker, raw: &RawAutoscaler) -> Prewarm {
    let mut steps: Vec<(SimDuration, usize)> = Vec::new();
    for (i, step) in raw.prewarm.iter().enumerate() {
        let path = format!("autoscaler.prewarm[{i}]");
        let at = c.required_duration(&format!("{path}.at"), &step.at);
        let workers = c.count(
            &format!("{path}.min_workers"),
            step.min_workers.or(Some(-1)),
            1,
            100_000,
        );
        if let (Some(at), Some(workers)) = (at, workers) {
            if steps.last().is_some_and(|&(last, _)| at <= last) {
                c.error(
                    &format!("{path}.at"),
                    "prewarm steps must be in increasing time order",
                );
            }
            steps.push((at, workers));
        }
    }
    let period = c.duration("autoscaler.prewarm_period", &raw.prewarm_period);
    if period.is_some_and(|p| p.is_zero()) {
        c.error("autoscaler.prewarm_period", "must be longer than zero");
    }
    Prewarm { steps, period }
}

/// Validates `[chaos]`: panics, slow tasks and a slow leak.
fn chaos(c: &mut Checker, raw: &RawChaos) -> Option<ChaosConfig> {
    let probability = |c: &mut Checker, path: &str, value: Option<f64>| {
        let value = value.unwrap_or(0.0);
        if (0.0..=1.0).contains(&value) {
            Some(value)
        } else {
            c.error(
                path,
                format!("must be a probability between 0 and 1, got {value}"),
            );
            None
        }
    };
    let panic_rate = probability(c, "chaos.panic_rate", raw.panic_rate);
    let slow_rate = probability(c, "chaos.slow_rate", raw.slow_rate);
    let slow_factor = raw.slow_factor.unwrap_or(5.0);
    if !(slow_factor.is_finite() && slow_factor >= 1.0) {
        c.error(
            "chaos.slow_factor",
            format!("must be ≥ 1, got {slow_factor}"),
        );
    }
    let drift_per_hour = raw.drift_per_hour.unwrap_or(0.0);
    if !(drift_per_hour.is_finite() && drift_per_hour >= 0.0) {
        c.error(
            "chaos.drift_per_hour",
            format!("must be ≥ 0, got {drift_per_hour}"),
        );
    }
    Some(ChaosConfig {
        panic_rate: panic_rate?,
        restart: c
            .duration("chaos.restart", &raw.restart)
            .unwrap_or_default(),
        slow_rate: slow_rate?,
        slow_factor,
        drift_per_hour,
    })
}

/// Validates `[downstream]`: the dependency's latency, error rate and incidents.
fn downstream(c: &mut Checker, raw: &RawDownstream) -> Option<DownstreamConfig> {
    let latency = match &raw.latency {
        Some(latency) => distribution(c, "downstream.latency", latency),
        None => Some(Distribution::constant(0.0)),
    };
    let probability = |c: &mut Checker, path: &str, value: Option<f64>| match value {
        Some(p) if (0.0..=1.0).contains(&p) => Some(p),
        Some(p) => {
            c.error(
                path,
                format!("must be a probability between 0 and 1, got {p}"),
            );
            None
        }
        None => Some(0.0),
    };
    let error_rate = probability(c, "downstream.error_rate", raw.error_rate);
    let mut incidents = Vec::new();
    for (i, incident) in raw.incidents.iter().enumerate() {
        let path = format!("downstream.incidents[{i}]");
        let from = c.required_duration(&format!("{path}.from"), &incident.from);
        let to = c.required_duration(&format!("{path}.to"), &incident.to);
        let slowdown = incident.slowdown.unwrap_or(1.0);
        if !(slowdown.is_finite() && slowdown > 0.0) {
            c.error(
                &format!("{path}.slowdown"),
                format!("must be a factor > 0, got {slowdown}"),
            );
        }
        let error_rate = match incident.error_rate {
            Some(_) => probability(c, &format!("{path}.error_rate"), incident.error_rate),
            None => None,
        };
        if let (Some(from), Some(to)) = (from, to) {
            if from >= to {
                c.error(
                    &format!("{path}.to"),
                    format!("must be after from ({from})"),
                );
            }
            incidents.push(Incident {
                from,
                to,
                slowdown,
                error_rate,
            });
        }
    }
    Some(DownstreamConfig {
        latency: latency?,
        error_rate: error_rate?,
        incidents,
    })
}

/// Refuse runs expected to need more events than this: they would take minutes and the numbers
/// would not get better.
pub const MAX_EXPECTED_EVENTS: f64 = 1e8;

struct Checker {
    errors: Vec<ScenarioError>,
}

impl Checker {
    fn error(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(ScenarioError::at_path(path, message));
    }

    fn duration(&mut self, path: &str, raw: &Option<RawDuration>) -> Option<SimDuration> {
        let raw = raw.as_ref()?;
        match raw.0.parse::<SimDuration>() {
            Ok(duration) => Some(duration),
            Err(err) => {
                self.error(path, err.to_string());
                None
            }
        }
    }

    fn required_duration(&mut self, path: &str, raw: &Option<RawDuration>) -> Option<SimDuration> {
        if raw.is_none() {
            self.error(path, "is required (a duration such as \"250ms\")");
        }
        self.duration(path, raw)
    }

    fn positive_duration(&mut self, path: &str, raw: &Option<RawDuration>) -> Option<SimDuration> {
        let duration = self.required_duration(path, raw)?;
        if duration.is_zero() {
            self.error(path, "must be longer than zero");
            return None;
        }
        Some(duration)
    }

    fn count(&mut self, path: &str, value: Option<i64>, min: i64, max: i64) -> Option<usize> {
        let value = value?;
        if value < min || value > max {
            let hint = if value < min && min == 1 {
                " (a count of zero or less cannot work)"
            } else {
                ""
            };
            self.error(
                path,
                format!("must be between {min} and {max}, got {value}{hint}"),
            );
            return None;
        }
        Some(value as usize)
    }

    fn rate(&mut self, path: &str, value: Option<f64>) -> Option<f64> {
        let value = value?;
        if !value.is_finite() || value < 0.0 {
            self.error(
                path,
                format!("must be a finite rate ≥ 0 (jobs per second), got {value}"),
            );
            return None;
        }
        Some(value)
    }

    fn choice<'a>(
        &mut self,
        path: &str,
        value: Option<&str>,
        choices: &[&'a str],
        default: &'a str,
    ) -> Option<&'a str> {
        let Some(value) = value else {
            return Some(default);
        };
        match choices.iter().find(|&&choice| choice == value) {
            Some(&choice) => Some(choice),
            None => {
                self.error(
                    path,
                    format!(
                        "unknown value {value:?}; expected one of: {}",
                        choices.join(", ")
                    ),
                );
                None
            }
        }
    }

    fn fraction(&mut self, path: &str, value: Option<f64>, default: f64) -> f64 {
        match value {
            Some(v) if !(0.0..=1.0).contains(&v) => {
                self.error(path, format!("must be a fraction between 0 and 1, got {v}"));
                default
            }
            Some(v) => v,
            None => default,
        }
    }
}

pub fn validate(raw: &RawScenario) -> Result<Config, Vec<ScenarioError>> {
    let mut c = Checker { errors: Vec::new() };
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
    if raw.pool.is_none() {
        c.error("pool", "is required: add a [pool] table with workers = K");
    } else if pool.workers.is_none() {
        c.error(
            "pool.workers",
            "is required: the number of workers K (at least 1)",
        );
    }
    let workers = c.count("pool.workers", pool.workers, 1, 100_000);
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
    let autoscaler = raw
        .autoscaler
        .as_ref()
        .and_then(|a| autoscaler(&mut c, a, workers, queue.as_ref()));

    if let (Some(arrivals), Some(classes)) = (&arrivals, &classes) {
        check_event_budget(&mut c, customers, duration, arrivals, classes);
    }
    let rate_limit = raw.rate_limit.as_ref().and_then(|r| rate_limit(&mut c, r));
    let downstream = raw.downstream.as_ref().and_then(|d| downstream(&mut c, d));
    let breaker = raw.breaker.as_ref().and_then(|b| breaker(&mut c, b));
    let retry = raw.retry.as_ref().and_then(|r| retry(&mut c, r));
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
                100_000,
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

    match (arrivals, classes, workers, scale_down, queue, started_work) {
        (
            Some(arrivals),
            Some(classes),
            Some(workers),
            Some(scale_down),
            Some(queue),
            Some(deadline_started_work),
        ) if c.errors.is_empty() => Ok(Config {
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
            queue,
            deadline_started_work,
            autoscaler,
            rate_limit,
            limiter,
            downstream,
            breaker,
            retry,
            lifecycle,
            chaos,
            prewarm,
        }),
        _ => Err(c.errors),
    }
}

const DISTRIBUTIONS: [&str; 7] = [
    "exponential",
    "constant",
    "uniform",
    "lognormal",
    "erlang",
    "gamma",
    "mixture",
];

fn distribution(c: &mut Checker, path: &str, raw: &RawDistribution) -> Option<Distribution> {
    let kind = match raw.distribution.as_deref() {
        Some(kind) => c.choice(
            &format!("{path}.distribution"),
            Some(kind),
            &DISTRIBUTIONS,
            "",
        )?,
        None => {
            c.error(
                &format!("{path}.distribution"),
                format!("is required; expected one of: {}", DISTRIBUTIONS.join(", ")),
            );
            return None;
        }
    };
    let secs = |c: &mut Checker, field: &str, value: &Option<RawDuration>| {
        c.required_duration(&format!("{path}.{field}"), value)
            .map(|d| d.as_secs_f64())
    };
    let unexpected = |c: &mut Checker, field: &str, present: bool| {
        if present {
            c.error(
                &format!("{path}.{field}"),
                format!("does not apply to distribution = \"{kind}\""),
            );
        }
    };
    unexpected(
        c,
        "components",
        kind != "mixture" && raw.components.is_some(),
    );
    unexpected(c, "scv", kind != "lognormal" && raw.scv.is_some());
    unexpected(c, "k", kind != "erlang" && raw.k.is_some());
    unexpected(c, "shape", kind != "gamma" && raw.shape.is_some());
    unexpected(c, "min", kind != "uniform" && raw.min.is_some());
    unexpected(c, "max", kind != "uniform" && raw.max.is_some());
    unexpected(c, "value", kind != "constant" && raw.value.is_some());
    match kind {
        "exponential" => secs(c, "mean", &raw.mean).map(Distribution::exponential),
        "constant" => {
            let value = if raw.value.is_some() {
                &raw.value
            } else {
                &raw.mean
            };
            let field = if raw.value.is_some() { "value" } else { "mean" };
            secs(c, field, value).map(Distribution::constant)
        }
        "uniform" => {
            let (min, max) = (secs(c, "min", &raw.min)?, secs(c, "max", &raw.max)?);
            if min > max {
                c.error(&format!("{path}.max"), "must not be below min");
                return None;
            }
            Some(Distribution::Uniform { min, max })
        }
        "lognormal" => {
            let mean = secs(c, "mean", &raw.mean)?;
            let scv = raw.scv.unwrap_or(1.0);
            if !(scv.is_finite() && scv > 0.0) {
                c.error(
                    &format!("{path}.scv"),
                    format!("must be > 0 (the squared coefficient of variation), got {scv}"),
                );
                return None;
            }
            if mean == 0.0 {
                c.error(
                    &format!("{path}.mean"),
                    "must be longer than zero for a lognormal",
                );
                return None;
            }
            Some(Distribution::lognormal_with_mean_scv(mean, scv))
        }
        "erlang" => {
            let mean = secs(c, "mean", &raw.mean)?;
            let k = c.count(&format!("{path}.k"), Some(raw.k.unwrap_or(2)), 1, 1000)?;
            Some(Distribution::erlang(mean, k as u32))
        }
        "gamma" => {
            let mean = secs(c, "mean", &raw.mean)?;
            let shape = raw.shape.unwrap_or(1.0);
            if !(shape.is_finite() && shape >= 0.01) {
                c.error(
                    &format!("{path}.shape"),
                    format!("must be at least 0.01, got {shape}"),
                );
                return None;
            }
            Some(Distribution::gamma(mean, shape))
        }
        "mixture" => mixture(c, path, raw),
        _ => None,
    }
}

fn mixture(c: &mut Checker, path: &str, raw: &RawDistribution) -> Option<Distribution> {
    let Some(components) = raw
        .components
        .as_ref()
        .filter(|components| !components.is_empty())
    else {
        c.error(&format!("{path}.components"), "a mixture needs components, e.g. [{ weight = 0.99, distribution = \"constant\", mean = \"10ms\" }, { weight = 0.01, distribution = \"constant\", mean = \"5s\" }]");
        return None;
    };
    if raw.mean.is_some() {
        c.error(
            &format!("{path}.mean"),
            "a mixture's mean follows from its components; remove it",
        );
    }
    let mut parts = Vec::new();
    for (i, component) in components.iter().enumerate() {
        let component_path = format!("{path}.components[{i}]");
        let weight = component.weight.unwrap_or(0.0);
        if !(weight.is_finite() && weight > 0.0) {
            c.error(
                &format!("{component_path}.weight"),
                "is required and must be > 0",
            );
            continue;
        }
        if component.distribution.as_deref() == Some("mixture") {
            c.error(
                &format!("{component_path}.distribution"),
                "mixtures cannot nest",
            );
            continue;
        }
        let as_distribution = RawDistribution {
            distribution: component.distribution.clone(),
            mean: component.mean.clone(),
            value: component.value.clone(),
            min: component.min.clone(),
            max: component.max.clone(),
            scv: component.scv,
            k: component.k,
            shape: component.shape,
            components: None,
        };
        if let Some(distribution) = distribution(c, &component_path, &as_distribution) {
            parts.push(MixtureComponent {
                weight,
                distribution,
            });
        }
    }
    (parts.len() == components.len()).then(|| Distribution::mixture(parts))
}

fn closed_arrivals(c: &mut Checker, raw: &RawArrivals) -> Option<Arrivals> {
    // `rate` and the other open-loop fields may stay (a knob can switch open and closed loops);
    // a closed loop ignores them: the clients' pace sets the rate.
    if raw.clients.is_none() {
        c.error(
            "arrivals.clients",
            "is required for process = \"closed\": the number of clients",
        );
    }
    let clients = c.count("arrivals.clients", raw.clients, 1, 100_000);
    let think = match &raw.think {
        Some(think) => distribution(c, "arrivals.think", think),
        None => Some(Distribution::constant(0.0)),
    };
    Some(Arrivals::Closed {
        clients: clients?,
        think: think?,
    })
}

const PROCESSES: [&str; 5] = ["poisson", "constant", "schedule", "bursts", "closed"];

fn open_process(c: &mut Checker, path: &str, raw: &RawArrivals) -> Option<OpenProcess> {
    let process = match raw.process.as_deref() {
        Some(p) => c.choice(&format!("{path}.process"), Some(p), &PROCESSES, "")?,
        None => {
            c.error(
                &format!("{path}.process"),
                format!("is required; expected one of: {}", PROCESSES.join(", ")),
            );
            return None;
        }
    };
    if process == "closed" {
        c.error(&format!("{path}.process"), "a class cannot have its own closed loop; use process = \"closed\" in the scenario's [arrivals]");
        return None;
    }
    let spacing = match c.choice(
        &format!("{path}.spacing"),
        raw.spacing.as_deref(),
        &["poisson", "even"],
        "poisson",
    )? {
        "even" => Spacing::Even,
        _ => Spacing::Poisson,
    };
    let needs_rate = |c: &mut Checker| {
        if raw.rate.is_none() {
            c.error(&format!("{path}.rate"), "is required: arrivals per second");
        }
        c.rate(&format!("{path}.rate"), raw.rate)
    };
    match process {
        "poisson" | "constant" => {
            let rate = needs_rate(c)?;
            let spacing = if process == "constant" {
                Spacing::Even
            } else {
                spacing
            };
            Some(OpenProcess {
                schedule: RateSchedule::constant(rate),
                spacing,
            })
        }
        "bursts" => {
            let rate = needs_rate(c);
            let on = c.positive_duration(&format!("{path}.on"), &raw.on);
            let off = c.positive_duration(&format!("{path}.off"), &raw.off);
            let off_rate = c.rate(&format!("{path}.off_rate"), raw.off_rate.or(Some(0.0)));
            let (rate, on, off, off_rate) = (rate?, on?, off?, off_rate?);
            let segments = vec![
                RateSegment {
                    duration_secs: on.as_secs_f64(),
                    from: rate,
                    to: rate,
                },
                RateSegment {
                    duration_secs: off.as_secs_f64(),
                    from: off_rate,
                    to: off_rate,
                },
            ];
            Some(OpenProcess {
                schedule: RateSchedule {
                    segments,
                    after: AfterSchedule::Repeat,
                },
                spacing,
            })
        }
        _ => schedule(c, path, raw).map(|schedule| OpenProcess { schedule, spacing }),
    }
}

fn schedule(c: &mut Checker, path: &str, raw: &RawArrivals) -> Option<RateSchedule> {
    let Some(raw_segments) = raw.segments.as_ref().filter(|s| !s.is_empty()) else {
        c.error(&format!("{path}.segments"), "process = \"schedule\" needs segments, e.g. [{ duration = \"60s\", from = 100, to = 2000 }, { duration = \"60s\", rate = 2000 }]");
        return None;
    };
    let after = match c.choice(
        &format!("{path}.after"),
        raw.after.as_deref(),
        &["hold", "repeat"],
        "hold",
    )? {
        "repeat" => AfterSchedule::Repeat,
        _ => AfterSchedule::Hold,
    };
    let mut segments = Vec::new();
    for (i, segment) in raw_segments.iter().enumerate() {
        let segment_path = format!("{path}.segments[{i}]");
        let duration = c.positive_duration(&format!("{segment_path}.duration"), &segment.duration);
        let (from, to) = match (segment.rate, segment.from, segment.to) {
            (Some(rate), None, None) => (Some(rate), Some(rate)),
            (None, Some(from), Some(to)) => (Some(from), Some(to)),
            _ => {
                c.error(
                    &segment_path,
                    "give either rate = R (constant) or from = A and to = B (a linear ramp)",
                );
                (None, None)
            }
        };
        let from = c.rate(&format!("{segment_path}.from"), from);
        let to = c.rate(&format!("{segment_path}.to"), to);
        if let (Some(duration), Some(from), Some(to)) = (duration, from, to) {
            segments.push(RateSegment {
                duration_secs: duration.as_secs_f64(),
                from,
                to,
            });
        }
    }
    (segments.len() == raw_segments.len()).then_some(RateSchedule { segments, after })
}

fn classes(
    c: &mut Checker,
    raw: &RawScenario,
    default_service: Option<&Distribution>,
) -> Option<Vec<ClassConfig>> {
    let default_deadline = raw
        .deadline
        .as_ref()
        .and_then(|d| c.positive_duration("deadline.timeout", &d.timeout));
    if raw.classes.is_empty() {
        return Some(vec![ClassConfig {
            name: "default".into(),
            weight: 1.0,
            priority: 0,
            service: default_service?.clone(),
            deadline: default_deadline,
            arrivals: None,
            max_in_flight: None,
        }]);
    }
    let closed = matches!(
        raw.arrivals.as_ref().and_then(|a| a.process.as_deref()),
        Some("closed")
    );
    let mut classes = Vec::new();
    let mut shared_weight = 0.0;
    for (i, class) in raw.classes.iter().enumerate() {
        let path = format!("classes[{i}]");
        let name = class.name.clone().unwrap_or_else(|| format!("class{i}"));
        if raw.classes[..i]
            .iter()
            .any(|other| other.name.as_deref() == Some(name.as_str()))
        {
            c.error(
                &format!("{path}.name"),
                format!("duplicate class name {name:?}"),
            );
        }
        let weight = class.weight.unwrap_or(1.0);
        if !(weight.is_finite() && weight >= 0.0) {
            c.error(
                &format!("{path}.weight"),
                format!("must be ≥ 0, got {weight}"),
            );
        }
        let priority = c.count(
            &format!("{path}.priority"),
            Some(class.priority.unwrap_or(0)),
            0,
            255,
        );
        let service = match &class.service {
            Some(service) => distribution(c, &format!("{path}.service"), service),
            None => default_service.cloned(),
        };
        let deadline = match &class.deadline {
            Some(_) => c.positive_duration(&format!("{path}.deadline"), &class.deadline),
            None => default_deadline,
        };
        let arrivals = match &class.arrivals {
            Some(arrivals) if closed => {
                let _ = arrivals;
                c.error(
                    &format!("{path}.arrivals"),
                    "classes cannot bring their own arrivals in a closed-loop scenario",
                );
                None
            }
            Some(arrivals) => open_process(c, &format!("{path}.arrivals"), arrivals).map(Some),
            None => {
                shared_weight += weight;
                Some(None)
            }
        };
        let max_in_flight = match class.max_in_flight {
            Some(_) => c
                .count(
                    &format!("{path}.max_in_flight"),
                    class.max_in_flight,
                    1,
                    1_000_000,
                )
                .map(Some),
            None => Some(None),
        };
        if let (Some(priority), Some(service), Some(arrivals), Some(max_in_flight)) =
            (priority, service, arrivals, max_in_flight)
        {
            classes.push(ClassConfig {
                name,
                weight,
                priority: priority as u8,
                service,
                deadline,
                arrivals,
                max_in_flight,
            });
        }
    }
    let shares_arrivals = raw.classes.iter().any(|class| class.arrivals.is_none());
    if shares_arrivals && shared_weight <= 0.0 {
        c.error("classes", "the weights of classes sharing [arrivals] add up to zero; give at least one a positive weight");
    }
    (classes.len() == raw.classes.len()).then_some(classes)
}

fn queue(c: &mut Checker, raw: &RawQueue) -> Option<QueueConfig> {
    let capacity = match raw.capacity {
        Some(capacity) if capacity < 0 => {
            c.error(
                "queue.capacity",
                format!(
                    "must be ≥ 0 waiting slots (omit it for an unbounded queue), got {capacity}"
                ),
            );
            return None;
        }
        Some(capacity) => Some(capacity as usize),
        None => None,
    };
    let on_full = c.choice(
        "queue.on_full",
        raw.on_full.as_deref(),
        &OverflowPolicy::NAMES,
        "reject",
    )?;
    // `timeout`, `shed_at` and `resume_below` may stay in the file under another policy (an
    // exercise knob switches policies); they are used only by their own policy.
    let overflow = match on_full {
        "reject" => OverflowPolicy::Reject,
        "block" => OverflowPolicy::Block,
        "drop-oldest" => OverflowPolicy::DropOldest,
        "timeout" => OverflowPolicy::Timeout(c.required_duration("queue.timeout", &raw.timeout)?),
        _ => {
            let high = c.count("queue.shed_at", raw.shed_at.or(Some(-1)), 1, i64::MAX);
            let low = c.count(
                "queue.resume_below",
                raw.resume_below.or(Some(-1)),
                1,
                i64::MAX,
            );
            let (high, low) = (high?, low?);
            if low > high {
                c.error(
                    "queue.resume_below",
                    format!("must not exceed shed_at ({high}); shedding stops below this mark"),
                );
            }
            if let Some(capacity) = capacity {
                if high > capacity {
                    c.error(
                        "queue.shed_at",
                        format!("must not exceed queue.capacity ({capacity})"),
                    );
                }
            }
            OverflowPolicy::Watermark { high, low }
        }
    };
    if capacity.is_none()
        && matches!(
            overflow,
            OverflowPolicy::Block | OverflowPolicy::Timeout(_) | OverflowPolicy::DropOldest
        )
    {
        c.error(
            "queue.on_full",
            format!("on_full = \"{on_full}\" needs a bounded queue: set queue.capacity"),
        );
    }
    let discipline = match c.choice(
        "queue.discipline",
        raw.discipline.as_deref(),
        &["fifo", "lifo", "priority", "fair"],
        "fifo",
    )? {
        "lifo" => Discipline::Lifo,
        "priority" => Discipline::Priority,
        "fair" => Discipline::Fair,
        _ => Discipline::Fifo,
    };
    Some(QueueConfig {
        capacity,
        overflow,
        discipline,
    })
}

/// Estimates the events a run will need and refuses runs that would take unreasonably long.
fn check_event_budget(
    c: &mut Checker,
    customers: Option<u64>,
    duration: Option<SimDuration>,
    arrivals: &Arrivals,
    classes: &[ClassConfig],
) {
    let mut processes: Vec<&OpenProcess> = classes
        .iter()
        .filter_map(|class| class.arrivals.as_ref())
        .collect();
    if let Arrivals::Open(Some(process)) = arrivals {
        processes.push(process);
    }
    let expected_arrivals = match (customers, duration) {
        (Some(customers), _) => {
            let total_rate: f64 = processes.iter().map(|p| p.schedule.peak_rate()).sum();
            if matches!(arrivals, Arrivals::Open(_)) && total_rate == 0.0 {
                c.error("arrivals.rate", format!("every arrival rate is 0, so the {customers} customers of run.customers would never arrive"));
                return;
            }
            customers as f64
        }
        (None, Some(duration)) => match arrivals {
            Arrivals::Closed { clients, think } => {
                let cycle = think.mean()
                    + classes
                        .iter()
                        .map(|class| class.service.mean())
                        .fold(f64::INFINITY, f64::min);
                if cycle <= 0.0 {
                    c.error("arrivals.think", "closed-loop clients with zero think time and zero service time would loop forever; give them think time");
                    return;
                }
                *clients as f64 * duration.as_secs_f64() / cycle
            }
            Arrivals::Open(_) => processes
                .iter()
                .map(|p| p.schedule.mass_until(duration.as_secs_f64()))
                .sum(),
        },
        (None, None) => return,
    };
    // Arrival, departure and an occasional deadline or block-timeout event per customer.
    let expected_events = expected_arrivals * 3.0;
    if expected_events > MAX_EXPECTED_EVENTS {
        let field = if customers.is_some() {
            "run.customers"
        } else {
            "run.duration"
        };
        c.error(field, format!(
            "this run needs about {:.1e} events, more than the limit of {MAX_EXPECTED_EVENTS:.0e}; shorten run.duration, lower run.customers or the arrival rate",
            expected_events
        ));
    }
}
