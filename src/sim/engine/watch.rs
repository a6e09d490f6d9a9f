//! The jobs themselves, for a watcher: which job waits where, which worker holds which job and
//! until when, who waits outside, and how the latest jobs left.
//!
//! The browser's diagram draws individual jobs at 1× and 10× from a [`WatchView`], and the Step
//! button describes an event by comparing the views before and after it. Nothing here is read by
//! the engine itself: a view is built only when asked ([`Engine::watch`]), and the exits are
//! noted only once a watcher turned the log on ([`Engine::watch_exits`]) — otherwise every exit
//! costs one test of an empty `Option`, and runs, summaries and fingerprints are unchanged.

use super::*;
use crate::policy::FailReason;
use std::collections::HashSet;

/// How many exits the log keeps, newest last: enough for a diagram's fading trail.
pub const EXITS_KEPT: usize = 64;

/// A job as a watcher names it: its request's number in the run (retries keep it) and class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct JobMark {
    pub id: u64,
    pub class: u16,
    /// The second copy of a hedged request (same `id` as the first).
    pub hedge: bool,
}

impl JobMark {
    fn of(job: &Job) -> JobMark {
        JobMark {
            id: job.serial,
            class: job.class,
            hedge: job.hedge,
        }
    }
}

/// How a job left the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    Done,
    Rejected(RejectReason),
    /// Evicted from a full queue (drop-oldest).
    Dropped,
    /// Its client gave up (its deadline passed).
    TimedOut,
    Failed(FailReason),
}

/// One job leaving, final for its request (retries and hedged copies that carry on are not exits).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Exit {
    pub job: JobMark,
    pub how: How,
    pub at: SimTime,
    /// The first pool's lane that served (or refused) it.
    pub lane: u16,
}

/// The latest exits, bounded; and how many were noted in all (to tell which are new).
#[derive(Debug, Default)]
pub(super) struct ExitLog {
    latest: VecDeque<Exit>,
    noted: u64,
}

/// A worker and the job it holds, if any.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkerView {
    /// The worker's number in the engine (stable while it lives).
    pub id: u32,
    pub job: Option<OnWorker>,
}

/// A job on a worker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OnWorker {
    pub job: JobMark,
    pub started: SimTime,
    /// When its work is done (`None` once done and held for a full station downstream).
    pub ends: Option<SimTime>,
    /// Finished, and held until the next station has room.
    pub held: bool,
    /// Its client gave up; the worker finishes it and the result is thrown away.
    pub abandoned: bool,
}

impl OnWorker {
    /// How far its work has come at `now`, in [0, 1].
    pub fn progress(&self, now: SimTime) -> f64 {
        match self.ends {
            Some(ends) if ends > self.started => ((now - self.started).as_secs_f64()
                / (ends - self.started).as_secs_f64())
            .clamp(0.0, 1.0),
            _ => 1.0,
        }
    }
}

/// One station: a lane of the first pool (its only one, a shard, or a class's pool) or a later
/// pipeline stage. Lists stop at the view's limit; the totals count everything.
#[derive(Debug, Clone, PartialEq)]
pub struct StationView {
    /// 0 for the first pool's lanes, i + 1 for `stages[i]`.
    pub position: u16,
    pub capacity: Option<usize>,
    /// Waiting in the queue, the next to be served first.
    pub queued: Vec<JobMark>,
    pub queued_total: usize,
    /// Its workers alive, in a stable order.
    pub workers: Vec<WorkerView>,
    pub workers_total: usize,
    /// Senders blocked outside its full queue, oldest first.
    pub blocked: Vec<JobMark>,
    pub blocked_total: usize,
}

/// Everything a watcher sees at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchView {
    pub now: SimTime,
    pub stations: Vec<StationView>,
    /// Jobs waiting outside any queue for a rate-limit token or out a retry's backoff.
    pub outside: usize,
    /// The latest exits, oldest first (empty unless the log is on).
    pub exits: Vec<Exit>,
    /// Exits noted since the log was turned on (the last `exits` are the newest of them).
    pub exits_noted: u64,
}

impl Engine {
    /// Turns the exit log on or off (off by default; turning it off forgets it).
    pub fn watch_exits(&mut self, on: bool) {
        match (on, self.watch.is_some()) {
            (true, false) => self.watch = Some(Box::default()),
            (false, true) => self.watch = None,
            _ => {}
        }
    }

    /// `job` left for good, `how`: noted if a watcher asked.
    pub(super) fn watched_exit(&mut self, job: &Job, how: How) {
        if let Some(log) = self.watch.as_deref_mut() {
            if log.latest.len() == EXITS_KEPT {
                log.latest.pop_front();
            }
            log.latest.push_back(Exit {
                job: JobMark::of(job),
                how,
                at: self.now,
                lane: job.lane,
            });
            log.noted += 1;
        }
    }

    /// The jobs as they are now, each station's lists cut at `limit` entries. Costs
    /// O(stations + workers + pending events + `limit` per station).
    pub fn watch(&self, limit: usize) -> WatchView {
        let retired: HashSet<u32> = self.pool.retired.iter().copied().collect();
        let held: HashSet<u32> = self
            .stations
            .iter()
            .flat_map(|station| station.senders.iter().copied())
            .collect();
        let ends = self.work_ends();
        let mut stations: Vec<StationView> = self
            .stations
            .iter()
            .map(|station| StationView {
                position: station.position,
                capacity: station.capacity,
                queued: station
                    .queue
                    .waiting(&self.jobs)
                    .take(limit)
                    .map(|key| JobMark::of(self.jobs.get(key)))
                    .collect(),
                queued_total: station.queue.len(),
                workers: Vec::new(),
                workers_total: station.workers,
                blocked: station
                    .blocked
                    .iter()
                    .filter(|&&(key, generation)| {
                        self.jobs.is_current(key, generation)
                            && self.jobs.get(key).state == JobState::AtProducer
                    })
                    .take(limit)
                    .map(|&(key, _)| JobMark::of(self.jobs.get(key)))
                    .collect(),
                blocked_total: station.blocked_count,
            })
            .collect();
        for (id, worker) in self.pool.workers.iter().enumerate() {
            let id = id as u32;
            let Some(station) = stations.get_mut(usize::from(worker.station)) else {
                continue;
            };
            if retired.contains(&id) || station.workers.len() >= limit {
                continue;
            }
            let job = worker.job.map(|key| {
                let job = self.jobs.get(key);
                let held = held.contains(&id);
                OnWorker {
                    job: JobMark::of(job),
                    started: if worker.station as usize >= self.pool.lanes {
                        ends[id as usize].map_or(self.now, |(started, _)| started)
                    } else {
                        job.started
                    },
                    ends: if held {
                        None
                    } else {
                        ends[id as usize].map(|(_, ends)| ends)
                    },
                    held,
                    abandoned: matches!(job.state, JobState::Abandoned { .. }),
                }
            });
            station.workers.push(WorkerView { id, job });
        }
        let (exits, exits_noted) = self.watch.as_deref().map_or((Vec::new(), 0), |log| {
            (log.latest.iter().copied().collect(), log.noted)
        });
        WatchView {
            now: self.now,
            stations,
            outside: self.producers.waiting_outside,
            exits,
            exits_noted,
        }
    }

    /// When each busy worker's work ends, from the pending events (the engine keeps the time
    /// only there); with, for a later stage, when it started (its job's own `started` is the
    /// first pool's).
    fn work_ends(&self) -> Vec<Option<(SimTime, SimTime)>> {
        let mut ends = vec![None; self.pool.workers.len()];
        for (at, event) in self.events.pending() {
            match *event {
                Event::Departure { worker, generation }
                    if self.pool.workers[worker as usize].generation == generation =>
                {
                    let slot = &self.pool.workers[worker as usize];
                    // A later stage's item: from when it reached the stage.
                    let started = if (slot.station as usize) < self.pool.lanes {
                        SimTime::ZERO
                    } else {
                        slot.job.map_or(self.now, |key| self.jobs.get(key).entered)
                    };
                    ends[worker as usize] = Some((started, at));
                }
                _ => {}
            }
        }
        ends
    }
}

#[cfg(test)]
mod tests;
