//! What one step did, in words: the Step button compares the jobs before and after one event
//! ([`WatchView`]s) and says what changed — "job 812 rejected: queue full", "job 40 started on
//! worker 3" — for the page's live region, so stepping teaches without watching pixels.

use crate::policy::{FailReason, RejectReason};
use crate::scenario::Config;
use crate::sim::engine::{How, JobMark};
use crate::sim::WatchView;
use std::collections::HashMap;

/// The stations' names as the diagram labels them: empty for a lone pool; shards, class pools
/// and pipeline stages by name.
pub fn station_names(config: &Config) -> Vec<String> {
    let layout = config.lanes();
    let lanes = layout.workers.len().max(1);
    let mut names: Vec<String> = (0..lanes)
        .map(|lane| match layout.names.get(lane) {
            Some(name) if layout.sharded => format!("shard {name}"),
            Some(name) if lanes > 1 && name != crate::scenario::config::FRONT_STAGE => {
                format!("{name}'s pool")
            }
            _ if lanes > 1 || !config.stages.is_empty() => "pool".to_string(),
            _ => String::new(),
        })
        .collect();
    names.extend(
        config
            .stages
            .iter()
            .map(|stage| format!("stage {}", stage.name)),
    );
    names
}

/// Where a job is in a view.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    Queued { station: usize, ahead: usize },
    Blocked { station: usize },
    Working { station: usize, worker: u32 },
    Held { station: usize, worker: u32 },
}

fn places(view: &WatchView) -> HashMap<(u64, bool), Place> {
    let mut places = HashMap::new();
    let key = |job: &JobMark| (job.id, job.hedge);
    for (station, state) in view.stations.iter().enumerate() {
        for (ahead, job) in state.queued.iter().enumerate() {
            places.insert(key(job), Place::Queued { station, ahead });
        }
        for job in &state.blocked {
            places.insert(key(job), Place::Blocked { station });
        }
        for worker in &state.workers {
            if let Some(on) = worker.job {
                let place = if on.held {
                    Place::Held {
                        station,
                        worker: worker.id,
                    }
                } else {
                    Place::Working {
                        station,
                        worker: worker.id,
                    }
                };
                places.insert(key(&on.job), place);
            }
        }
    }
    places
}

/// "job 40", "job 40 (hedge)".
pub fn job_name(job: &JobMark) -> String {
    if job.hedge {
        format!("job {} (hedge)", job.id)
    } else {
        format!("job {}", job.id)
    }
}

/// Why a refusal happened, in words.
pub fn reject_words(reason: RejectReason) -> &'static str {
    match reason {
        RejectReason::QueueFull => "queue full",
        RejectReason::BlockTimeout => "waited outside too long for a slot",
        RejectReason::Watermark => "the queue is shedding (above its watermark)",
        RejectReason::RateLimited => "rate limited (no token)",
        RejectReason::Limit => "the concurrency limit is reached",
        RejectReason::Bulkhead => "its class's bulkhead is full",
        RejectReason::Admission => "the admission policy turned it away",
    }
}

fn fail_words(reason: FailReason) -> &'static str {
    match reason {
        FailReason::DownstreamError => "the downstream call returned an error",
        FailReason::BreakerOpen => "the circuit breaker is open",
        FailReason::Panic => "the task panicked",
        FailReason::DownstreamLimit => "the downstream refused the call (too many in flight)",
    }
}

/// How a job left, in words: "done", "rejected: queue full".
pub fn how_words(how: How) -> String {
    match how {
        How::Done => "done".into(),
        How::Rejected(reason) => format!("rejected: {}", reject_words(reason)),
        How::Dropped => "dropped: pushed out of the full queue by a newer job".into(),
        How::TimedOut => "timed out: its client gave up".into(),
        How::Failed(reason) => format!("failed: {}", fail_words(reason)),
    }
}

/// " at shard 2" for a named station, "" for a lone pool.
fn at(names: &[String], station: usize) -> String {
    match names.get(station) {
        Some(name) if !name.is_empty() => format!(" at {name}"),
        _ => String::new(),
    }
}

/// What changed from `before` to `after` (one event apart), one sentence each, in the order a
/// reader follows: jobs leaving, arriving or moving, starting on a worker. Empty when no job
/// moved (the engine's own timers: samples, ticks, deadlines already met).
pub fn describe(before: &WatchView, after: &WatchView, names: &[String]) -> Vec<String> {
    let mut said = Vec::new();
    let new_exits = (after.exits_noted - before.exits_noted) as usize;
    for exit in &after.exits[after.exits.len().saturating_sub(new_exits)..] {
        said.push(format!("{} {}", job_name(&exit.job), how_words(exit.how)));
    }
    let was = places(before);
    let mut now: Vec<((u64, bool), Place)> = places(after).into_iter().collect();
    now.sort_by_key(|&((id, hedge), _)| (id, hedge));
    for (key, place) in now {
        let job = JobMark {
            id: key.0,
            class: 0,
            hedge: key.1,
        };
        let name = job_name(&job);
        let previous = was.get(&key).copied();
        let sentence = match (previous, place) {
            (Some(old), new) if same_spot(old, new) => continue,
            (_, Place::Working { station, worker }) => {
                let how = if previous.is_none() {
                    " (it arrived to an idle worker)"
                } else {
                    ""
                };
                format!(
                    "{name} started on worker {worker}{}{how}",
                    at(names, station)
                )
            }
            (_, Place::Held { station, worker }) => format!(
                "worker {worker}{} finished {name} and holds it: the next stage has no room",
                at(names, station)
            ),
            (None, Place::Queued { station, ahead }) => format!(
                "{name} arrived and waits in the queue{} ({ahead} ahead of it)",
                at(names, station)
            ),
            (Some(Place::Blocked { .. }), Place::Queued { station, .. }) => {
                format!(
                    "{name} got a slot in the queue{} after waiting outside",
                    at(names, station)
                )
            }
            (Some(_), Place::Queued { station, .. }) => {
                format!("{name} moved on to the queue{}", at(names, station))
            }
            (_, Place::Blocked { station }) => format!(
                "{name} waits outside{}: the queue is full",
                at(names, station)
            ),
        };
        said.push(sentence);
    }
    if after.outside > before.outside {
        said.push(format!(
            "a job waits outside for a rate-limit token or a retry's backoff ({} waiting)",
            after.outside
        ));
    }
    said
}

/// The same spot in both views (a queued job moving up a place did not move on).
fn same_spot(old: Place, new: Place) -> bool {
    match (old, new) {
        (Place::Queued { station: a, .. }, Place::Queued { station: b, .. }) => a == b,
        _ => old == new,
    }
}

/// A whole step's text: the simulated time, then what happened.
pub fn step_sentence(now: crate::time::SimTime, said: &[String]) -> String {
    let said = if said.is_empty() {
        "nothing moved, only the engine's timers fired".to_string()
    } else {
        said.join("; ")
    };
    format!("t = {:.3} s: {said}.", now.as_secs_f64())
}

#[cfg(test)]
mod tests;
