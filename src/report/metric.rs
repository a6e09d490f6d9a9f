//! A metric of the run summary, named by its dotted path (`latency.p99`,
//! `classes.gold.latency.p99`, `stages.db.utilization`): parsed once into a typed reader, so
//! goals, sweeps and tables read a [`Summary`] directly, without serialising it, and a path with
//! a typo is an error when it is written, never a silent 0 or NaN when it is read.
//!
//! The paths are those of the summary's JSON (a contract, see `docs/reference.md`): every number
//! in it can be named, booleans read as 0 or 1.
//!
//! ```
//! use queuelab::report::metric::Metric;
//! let p99: Metric = "latency.p99".parse().unwrap();
//! let mut summary = queuelab::report::Summary::default();
//! summary.latency.p99 = 0.25;
//! assert_eq!(p99.read(&summary), Some(0.25));
//! let typo = "latency.p98".parse::<Metric>().unwrap_err();
//! assert!(typo.to_string().contains(r#"did you mean "p90" or "p99"?"#), "{typo}");
//! ```

use super::summary::{
    AlertSummary, ClassSummary, LimitSummary, Percentiles, PoolSummary, StageSummary, Summary,
    ThreadFacts,
};
use std::collections::BTreeMap;
use std::fmt;

type Read<T> = fn(&T) -> Option<f64>;

fn count(n: u64) -> Option<f64> {
    Some(n as f64)
}

/// The summary's own numbers, by name.
static TOP: &[(&str, Read<Summary>)] = &[
    ("seed", |s| count(s.seed)),
    ("arrivals", |s| count(s.arrivals)),
    ("completed", |s| count(s.completed)),
    ("rejected", |s| count(s.rejected)),
    ("rejected_ratio", |s| Some(s.rejected_ratio)),
    ("timed_out", |s| count(s.timed_out)),
    ("dropped", |s| count(s.dropped)),
    ("lost_ratio", |s| Some(s.lost_ratio)),
    ("waited_ratio", |s| Some(s.waited_ratio)),
    ("throughput", |s| Some(s.throughput)),
    ("offered_rate", |s| Some(s.offered_rate)),
    ("utilization", |s| Some(s.utilization)),
    ("mean_queue_len", |s| Some(s.mean_queue_len)),
    ("max_queue_len", |s| count(s.max_queue_len)),
    ("max_in_system", |s| count(s.max_in_system)),
    ("mean_in_system", |s| Some(s.mean_in_system)),
    ("events", |s| count(s.events)),
    ("sim_seconds", |s| Some(s.sim_seconds)),
    ("measured_seconds", |s| Some(s.measured_seconds)),
    ("in_flight_at_end", |s| count(s.in_flight_at_end)),
    ("littles_law_residual", |s| Some(s.littles_law_residual)),
    ("wasted_work_seconds", |s| Some(s.wasted_work_seconds)),
    ("truncated", |s| Some(f64::from(u8::from(s.truncated)))),
    ("stalled_at_seconds", |s| s.stalled_at_seconds),
    ("overloaded_at_seconds", |s| s.overloaded_at_seconds),
    ("clock_end_at_seconds", |s| s.clock_end_at_seconds),
    ("failed", |s| count(s.failed)),
    ("failed_ratio", |s| Some(s.failed_ratio)),
    ("breaker_transitions", |s| count(s.breaker_transitions)),
    ("shedding_spells", |s| count(s.shedding_spells)),
    ("retries", |s| count(s.retries)),
    ("drain_seconds", |s| Some(s.drain_seconds)),
    ("hedges", |s| count(s.hedges)),
    ("hedge_wins", |s| count(s.hedge_wins)),
];

static PERCENTILES: &[(&str, Read<Percentiles>)] = &[
    ("mean", |p| Some(p.mean)),
    ("p50", |p| Some(p.p50)),
    ("p90", |p| Some(p.p90)),
    ("p99", |p| Some(p.p99)),
    ("p999", |p| Some(p.p999)),
    ("max", |p| Some(p.max)),
];

type Spread = fn(&Summary) -> &Percentiles;
static SPREADS: &[(&str, Spread)] = &[
    ("latency", |s| &s.latency),
    ("wait", |s| &s.wait),
    ("service", |s| &s.service),
];

/// The counts by reason, and the reasons there are (a reason that never happened is 0).
type Reasons = (
    fn(&Summary) -> &BTreeMap<String, u64>,
    fn() -> Vec<&'static str>,
);
static REASONS: &[(&str, Reasons)] = &[
    (
        "rejected_by_reason",
        (
            |s| &s.rejected_by_reason,
            || crate::policy::RejectReason::ALL.map(|r| r.name()).to_vec(),
        ),
    ),
    (
        "failed_by_reason",
        (
            |s| &s.failed_by_reason,
            || {
                crate::report::recorder::FailReason::ALL
                    .map(|r| r.name())
                    .to_vec()
            },
        ),
    ),
];

static POOL: &[(&str, Read<PoolSummary>)] = &[
    ("initial", |p| count(p.initial)),
    ("min", |p| count(p.min)),
    ("max", |p| count(p.max)),
    ("mean", |p| Some(p.mean)),
    ("resizes", |p| count(p.resizes)),
    ("last", |p| count(p.last)),
];

static LIMIT: &[(&str, Read<LimitSummary>)] = &[
    ("min", |l| count(l.min)),
    ("max", |l| count(l.max)),
    ("last", |l| count(l.last)),
];

static CLASS: &[(&str, Read<ClassSummary>)] = &[
    ("arrivals", |c| count(c.arrivals)),
    ("completed", |c| count(c.completed)),
    ("rejected", |c| count(c.rejected)),
    ("timed_out", |c| count(c.timed_out)),
    ("dropped", |c| count(c.dropped)),
    ("failed", |c| count(c.failed)),
];

static ALERT: &[(&str, Read<AlertSummary>)] = &[
    ("fired", |a| count(a.fired)),
    ("first_fired_at", |a| a.first_fired_at),
    ("firing_seconds", |a| Some(a.firing_seconds)),
];

/// The stations of a pipeline, a sharded pool or the classes' own pools.
type Parts = fn(&Summary) -> &BTreeMap<String, StageSummary>;
static PARTS: &[(&str, &str, Parts)] = &[
    ("stages", "stage", |s| &s.stages),
    ("shards", "shard", |s| &s.shards),
    ("pools", "pool", |s| &s.pools),
];

static PART: &[(&str, Read<StageSummary>)] = &[
    ("position", |p| count(p.position)),
    ("workers", |p| Some(p.workers)),
    ("completed", |p| count(p.completed)),
    ("utilization", |p| Some(p.utilization)),
    ("blocked_ratio", |p| Some(p.blocked_ratio)),
    ("mean_queue_len", |p| Some(p.mean_queue_len)),
    ("max_queue_len", |p| count(p.max_queue_len)),
];

static THREADS: &[(&str, Read<ThreadFacts>)] = &[
    ("wall_seconds", |t| Some(t.wall_seconds)),
    ("time_scale", |t| Some(t.time_scale)),
    ("cores", |t| count(t.cores)),
    ("abandoned", |t| count(t.abandoned)),
    ("threads_started", |t| count(t.threads_started)),
];

/// A field of a nested record: a number of its own, or one of its latency percentiles.
#[derive(Clone, Copy)]
enum Inner<T: 'static> {
    Field(Read<T>),
    Latency(Read<Percentiles>),
}

#[derive(Clone)]
enum Reader {
    Top(Read<Summary>),
    Spread(Spread, Read<Percentiles>),
    Reason(fn(&Summary) -> &BTreeMap<String, u64>, String),
    Pool(Read<PoolSummary>),
    Limit(Read<LimitSummary>),
    Class(String, Inner<ClassSummary>),
    Alert(String, Read<AlertSummary>),
    Part(usize, String, Inner<StageSummary>),
    Threads(Inner<ThreadFacts>),
}

/// A metric path, checked and resolved (see the module docs).
#[derive(Clone)]
pub struct Metric {
    path: String,
    reader: Reader,
}

/// Why a metric path names nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetricError {
    /// No such field; `known` lists what could come at that place.
    Unknown {
        path: String,
        known: Vec<&'static str>,
    },
    /// A class, alert, stage, shard or pool the scenario does not have.
    NoSuchName {
        path: String,
        kind: &'static str,
        name: String,
        known: Vec<String>,
    },
    /// `threads.*` exists only in the summary of a run on real threads.
    OnlyOnThreads { path: String },
}

impl fmt::Display for MetricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetricError::Unknown { path, known } => {
                write!(f, "{path:?} is not a field of the run summary")?;
                match closest(path.rsplit('.').next().unwrap_or(path), known) {
                    Some(near) => write!(f, " (did you mean {near}? see docs/reference.md)"),
                    None => write!(
                        f,
                        " (here it may be one of: {}; see docs/reference.md)",
                        known.join(", ")
                    ),
                }
            }
            MetricError::NoSuchName {
                path,
                kind,
                name,
                known,
            } if known.is_empty() => write!(
                f,
                "{path:?} is not a field of the run summary: the scenario has no {kind} {name:?} (it has none)"
            ),
            MetricError::NoSuchName {
                path,
                kind,
                name,
                known,
            } => write!(
                f,
                "{path:?} is not a field of the run summary: the scenario has no {kind} {name:?} (it has {})",
                known.join(", ")
            ),
            MetricError::OnlyOnThreads { path } => write!(
                f,
                "{path:?} is measured only on real threads (--mode threads), not in a simulated run"
            ),
        }
    }
}

impl std::error::Error for MetricError {}

/// The known names nearest to a misspelt one, if any is near enough to be a typo:
/// `"p90" or "p99"` for `p98`.
fn closest(word: &str, known: &[&'static str]) -> Option<String> {
    let near: Vec<(usize, &str)> = known
        .iter()
        .map(|candidate| (strsim::levenshtein(word, candidate), *candidate))
        .filter(|&(distance, candidate)| distance > 0 && distance <= (candidate.len() / 3).max(1))
        .collect();
    let best = near.iter().map(|&(distance, _)| distance).min()?;
    let names: Vec<String> = near
        .iter()
        .filter(|&&(distance, _)| distance == best)
        .map(|(_, name)| format!("{name:?}"))
        .collect();
    Some(names.join(" or "))
}

fn find<T: Copy>(table: &[(&'static str, T)], name: &str) -> Option<T> {
    table
        .iter()
        .find(|(known, _)| *known == name)
        .map(|&(_, item)| item)
}

fn names<T>(table: &[(&'static str, T)]) -> Vec<&'static str> {
    table.iter().map(|(name, _)| *name).collect()
}

impl Metric {
    /// Resolves a dotted path; an unknown field is an error naming what could be there.
    pub fn parse(path: &str) -> Result<Metric, MetricError> {
        let unknown = |known: Vec<&'static str>| MetricError::Unknown {
            path: path.to_string(),
            known,
        };
        let segments: Vec<&str> = path.split('.').collect();
        let reader = match segments.as_slice() {
            [field] => Reader::Top(find(TOP, field).ok_or_else(|| unknown(top_level_names()))?),
            [spread, stat] if find(SPREADS, spread).is_some() => Reader::Spread(
                find(SPREADS, spread).expect("checked"),
                find(PERCENTILES, stat).ok_or_else(|| unknown(names(PERCENTILES)))?,
            ),
            [map, reason] if find(REASONS, map).is_some() => {
                let (counts, reasons) = find(REASONS, map).expect("checked");
                if !reasons().contains(reason) {
                    return Err(unknown(reasons()));
                }
                Reader::Reason(counts, reason.to_string())
            }
            ["pool", field] => Reader::Pool(find(POOL, field).ok_or_else(|| unknown(names(POOL)))?),
            ["limit", field] => {
                Reader::Limit(find(LIMIT, field).ok_or_else(|| unknown(names(LIMIT)))?)
            }
            ["classes", name, rest @ ..] => Reader::Class(
                name.to_string(),
                inner(CLASS, "latency", rest).map_err(unknown)?,
            ),
            ["alerts", name, field] => Reader::Alert(
                name.to_string(),
                find(ALERT, field).ok_or_else(|| unknown(names(ALERT)))?,
            ),
            [parts, name, rest @ ..] if PARTS.iter().any(|(p, _, _)| p == parts) => {
                let index = PARTS
                    .iter()
                    .position(|(p, _, _)| p == parts)
                    .expect("checked");
                Reader::Part(
                    index,
                    name.to_string(),
                    inner(PART, "latency", rest).map_err(unknown)?,
                )
            }
            ["threads", rest @ ..] => {
                Reader::Threads(inner(THREADS, "lateness", rest).map_err(unknown)?)
            }
            [first, ..] if is_record(first) => return Err(unknown(record_names(first))),
            _ => return Err(unknown(top_level_names())),
        };
        Ok(Metric {
            path: path.to_string(),
            reader,
        })
    }

    /// The dotted path, as written.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Its value in `summary`; `None` where the run has no such value (a class or stage it
    /// does not have, an alert that never fired, `threads.*` of a simulated run).
    pub fn read(&self, summary: &Summary) -> Option<f64> {
        match &self.reader {
            Reader::Top(read) => read(summary),
            Reader::Spread(spread, read) => read(spread(summary)),
            Reader::Reason(counts, reason) => {
                Some(counts(summary).get(reason).map_or(0.0, |&n| n as f64))
            }
            Reader::Pool(read) => read(&summary.pool),
            Reader::Limit(read) => read(&summary.limit),
            Reader::Class(name, field) => summary
                .classes
                .get(name)
                .and_then(|class| field.read(class, |c| &c.latency)),
            Reader::Alert(name, read) => summary.alerts.get(name).and_then(read),
            Reader::Part(index, name, field) => (PARTS[*index].2)(summary)
                .get(name)
                .and_then(|part| field.read(part, |p| &p.latency)),
            Reader::Threads(field) => summary
                .threads
                .as_ref()
                .and_then(|threads| field.read(threads, |t| &t.lateness)),
        }
    }

    /// Checks that the names in the path (a class, alert, stage, shard or pool) exist in a run
    /// of `scenario`, which is a simulated run: `threads.*` is refused.
    pub fn check(&self, scenario: &crate::scenario::Config) -> Result<(), MetricError> {
        let missing = |kind: &'static str, name: &str, known: Vec<String>| {
            if known.iter().any(|k| k == name) {
                Ok(())
            } else {
                Err(MetricError::NoSuchName {
                    path: self.path.clone(),
                    kind,
                    name: name.to_string(),
                    known,
                })
            }
        };
        match &self.reader {
            Reader::Class(name, _) => missing(
                "class",
                name,
                scenario.classes.iter().map(|c| c.name.clone()).collect(),
            ),
            Reader::Alert(name, _) => missing(
                "alert",
                name,
                scenario.alerts.iter().map(|a| a.name.clone()).collect(),
            ),
            Reader::Part(index, name, _) => {
                missing(PARTS[*index].1, name, part_names(scenario, PARTS[*index].0))
            }
            Reader::Threads(_) => Err(MetricError::OnlyOnThreads {
                path: self.path.clone(),
            }),
            _ => Ok(()),
        }
    }
}

/// The names a run of `scenario` reports under `stages`, `shards` or `pools`.
fn part_names(scenario: &crate::scenario::Config, parts: &str) -> Vec<String> {
    let lanes = scenario.lanes();
    match parts {
        "stages" if !scenario.stages.is_empty() => {
            std::iter::once(crate::scenario::config::FRONT_STAGE.to_string())
                .chain(scenario.stages.iter().map(|stage| stage.name.clone()))
                .collect()
        }
        "shards" if lanes.sharded && lanes.names.len() > 1 => lanes.names,
        "pools" if !lanes.sharded && lanes.names.len() > 1 => lanes.names,
        _ => Vec::new(),
    }
}

impl<T> Inner<T> {
    fn read(&self, record: &T, latency: fn(&T) -> &Percentiles) -> Option<f64> {
        match self {
            Inner::Field(read) => read(record),
            Inner::Latency(read) => read(latency(record)),
        }
    }
}

/// Resolves what follows a record's name: one of its `fields`, or `latency.STAT` (the
/// record's percentiles, called `lateness` for threads).
fn inner<T>(
    fields: &[(&'static str, Read<T>)],
    latency: &'static str,
    rest: &[&str],
) -> Result<Inner<T>, Vec<&'static str>> {
    match rest {
        [field] => find(fields, field).map(Inner::Field).ok_or_else(|| {
            let mut known = names(fields);
            known.push(latency);
            known
        }),
        [spread, stat] if *spread == latency => find(PERCENTILES, stat)
            .map(Inner::Latency)
            .ok_or_else(|| names(PERCENTILES)),
        _ => {
            let mut known = names(fields);
            known.push(latency);
            Err(known)
        }
    }
}

fn is_record(name: &str) -> bool {
    ["pool", "limit", "classes", "alerts", "threads"].contains(&name)
        || find(SPREADS, name).is_some()
        || find(REASONS, name).is_some()
        || PARTS.iter().any(|(parts, _, _)| *parts == name)
}

fn record_names(name: &str) -> Vec<&'static str> {
    match name {
        "pool" => names(POOL),
        "limit" => names(LIMIT),
        "classes" => vec!["classes.NAME.latency.p99", "classes.NAME.completed"],
        "alerts" => vec!["alerts.NAME.fired", "alerts.NAME.first_fired_at"],
        "threads" => names(THREADS),
        _ if find(SPREADS, name).is_some() => names(PERCENTILES),
        _ if find(REASONS, name).is_some() => (find(REASONS, name).expect("checked").1)(),
        _ => vec!["NAME.utilization", "NAME.latency.p99"],
    }
}

fn top_level_names() -> Vec<&'static str> {
    let mut known = names(TOP);
    known.extend([
        "latency.p99",
        "wait.mean",
        "classes.NAME.latency.p99",
        "stages.NAME.utilization",
    ]);
    known
}

impl std::str::FromStr for Metric {
    type Err = MetricError;

    fn from_str(path: &str) -> Result<Self, Self::Err> {
        Metric::parse(path)
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)
    }
}

impl fmt::Debug for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Metric({:?})", self.path)
    }
}

impl PartialEq for Metric {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Every number in the JSON summary and its dotted path.
    fn leaves(value: &Value, path: String, out: &mut Vec<(String, f64)>) {
        match value {
            Value::Object(fields) => {
                for (key, inner) in fields {
                    let inner_path = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    leaves(inner, inner_path, out);
                }
            }
            Value::Number(n) => out.push((path, n.as_f64().expect("finite"))),
            Value::Bool(b) => out.push((path, f64::from(u8::from(*b)))),
            _ => {}
        }
    }

    fn run(name: &str, overrides: &[&str]) -> Summary {
        let path = format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).expect("shipped scenario");
        let overrides: Vec<_> = overrides
            .iter()
            .map(|o| o.parse().expect("override"))
            .collect();
        let config = crate::scenario::parse_with_overrides(&text, name, &overrides)
            .unwrap_or_else(|e| panic!("{e}"));
        crate::sim::Engine::new(&config).run()
    }

    #[test]
    fn every_number_of_the_json_summary_can_be_named_and_reads_the_same() {
        let mut summaries = vec![
            run(
                "tenants.toml",
                &["run.duration=\"20s\"", "run.warmup=\"1s\""],
            ),
            run(
                "pipeline.toml",
                &["run.duration=\"20s\"", "run.warmup=\"1s\""],
            ),
            run("queue-alert.toml", &[]),
            run(
                "sharded.toml",
                &["run.duration=\"20s\"", "run.warmup=\"1s\""],
            ),
        ];
        summaries[0].threads = Some(ThreadFacts {
            wall_seconds: 1.5,
            cores: 2,
            lateness: Percentiles {
                p99: 0.003,
                ..Percentiles::default()
            },
            ..ThreadFacts::default()
        });
        let mut named = 0;
        for summary in &summaries {
            let mut numbers = Vec::new();
            leaves(
                &serde_json::to_value(summary).unwrap(),
                String::new(),
                &mut numbers,
            );
            for (path, value) in numbers {
                let metric = Metric::parse(&path).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(metric.read(summary), Some(value), "{path}");
                named += 1;
            }
        }
        assert!(named > 300, "only {named} numbers");
    }

    #[test]
    fn a_typo_is_an_error_that_suggests_the_field_meant() {
        for (typo, meant) in [
            ("latency.P99", "p99"),
            ("throughput_", "throughput"),
            ("utilisation", "utilization"),
            ("pool.maxx", "max"),
            ("classes.gold.latency.p99_", "p99"),
            ("stages.db.utilisation", "utilization"),
            ("rejected_by_reason.queue_ful", "queue_full"),
        ] {
            let error = Metric::parse(typo).expect_err(typo).to_string();
            assert!(
                error.contains(&format!("did you mean {meant:?}")),
                "{typo}: {error}"
            );
        }
        for nonsense in [
            "",
            "latency",
            "latency.p99.x",
            "classes.gold",
            "x.y.z",
            "alerts.a.b",
        ] {
            assert!(Metric::parse(nonsense).is_err(), "{nonsense:?}");
        }
    }

    #[test]
    fn a_reason_that_never_happened_counts_zero() {
        let metric: Metric = "failed_by_reason.breaker_open".parse().unwrap();
        assert_eq!(metric.read(&Summary::default()), Some(0.0));
    }

    #[test]
    fn names_are_checked_against_the_scenario() {
        let path = format!("{}/scenarios/tenants.toml", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        let config = crate::scenario::parse(&text, "tenants.toml").unwrap();
        let check = |path: &str| Metric::parse(path).unwrap().check(&config);
        assert_eq!(check("classes.quiet.latency.p99"), Ok(()));
        let missing = check("classes.gold.latency.p99").unwrap_err().to_string();
        assert!(
            missing.contains("no class \"gold\" (it has quiet, noisy)"),
            "{missing}"
        );
        let none = check("stages.db.utilization").unwrap_err().to_string();
        assert!(none.contains("no stage \"db\" (it has none)"), "{none}");
        assert!(matches!(
            check("threads.wall_seconds"),
            Err(MetricError::OnlyOnThreads { .. })
        ));
        assert!(matches!(check("latency.p99"), Ok(())));
    }
}
