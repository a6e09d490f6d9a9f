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
    AlertSummary, ClassSummary, FanOutSummary, LimitSummary, Percentiles, PoolSummary,
    StageSummary, Summary, ThreadFacts,
};
use std::collections::BTreeMap;
use std::fmt;

mod fields;
#[cfg(test)]
mod tests;

use fields::*;

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
    FanOut(Inner<FanOutSummary>),
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
    /// A field measured only when the scenario has a table (`fanout.*` needs `[fanout]`).
    NeedsTable { path: String, table: &'static str },
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
            MetricError::NeedsTable { path, table } => write!(
                f,
                "{path:?} is measured only when the scenario has a [{table}] table, and this one has none"
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
            ["fanout", rest @ ..] => Reader::FanOut(inner(FANOUT, "wait", rest).map_err(unknown)?),
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
            Reader::FanOut(field) => summary
                .fanout
                .as_ref()
                .and_then(|fanout| field.read(fanout, |f| &f.wait)),
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
            Reader::FanOut(_) if scenario.fanout.is_none() => Err(MetricError::NeedsTable {
                path: self.path.clone(),
                table: "fanout",
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
    ["pool", "limit", "classes", "alerts", "threads", "fanout"].contains(&name)
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
        "fanout" => names(FANOUT),
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

impl Summary {
    /// Looks a metric up by dotted path (`latency.p99`, `classes.gold.latency.p99`).
    /// `None` for a path that names nothing (see [`Metric`]). It lives here, with the paths,
    /// so the summary's records need not know how they are named.
    pub fn metric(&self, path: &str) -> Option<f64> {
        Metric::parse(path).ok()?.read(self)
    }
}
