//! The station: one type for every place a job waits and is worked on.
//!
//! ```text
//!   offer ──► overflow policy ──► queue (discipline, capacity) ──► workers (target, idle)
//!               │ reject / evict / block                               │ done: routes say
//!               ▼                                                      ▼ where next
//!   blocked senders (producers) · held senders (upstream workers)   next station or exit
//! ```
//!
//! The first pool's lanes (one lane, one per shard, or the shared pool and one per class with
//! workers of its own) and a pipeline's later stages are all stations, held in one list by the
//! engine: the lanes first, then the later stages. What differs is data, not type: a lane queues
//! by its class's priority level under the scenario's discipline and overflow policy, and its
//! jobs bring their own service time; a later stage queues first-in first-out in a bounded buffer
//! whose full state blocks the sender (a Go channel: `Block`), and draws each item's work per
//! request and hop. Every station's workers live in the engine's one worker table, each worker
//! knowing its station, so a worker holding a finished item for a full station downstream is
//! named by its id wherever it comes from.

use super::*;
use crate::policy::OverflowPolicy;
use crate::scenario::{Route, StageConfig};

pub(super) struct Station {
    pub(super) queue: JobQueue,
    pub(super) capacity: Option<usize>,
    pub(super) overflow: Overflow,
    pub(super) idle: Vec<u32>,
    /// Producers' senders waiting for a slot, oldest first: (job, job generation). Entries of
    /// jobs that gave up meanwhile are skipped when reached.
    pub(super) blocked: VecDeque<(JobKey, u32)>,
    pub(super) blocked_count: usize,
    /// Upstream workers holding a finished item for this station (no room yet), oldest first.
    pub(super) senders: VecDeque<u32>,
    /// Its workers holding a job (working, or holding a finished item for the next station:
    /// `held` of them).
    pub(super) busy: usize,
    pub(super) held: usize,
    /// Its workers alive, and how many it should have.
    pub(super) workers: usize,
    pub(super) target: usize,
    /// Its levels changed during the current event (it is in the engine's `touched` list).
    pub(super) touched: bool,
    /// Its counts as last added into the first pool's totals (lanes of a split pool only).
    pub(super) counted: Counts,
    /// Its place on the line: 0 for the first pool (each of its lanes), i + 1 for `stages[i]`.
    pub(super) position: u16,
    /// The work each item needs here, drawn per request and hop; `None`: the job's own service
    /// time (the first pool).
    pub(super) service: Option<Distribution>,
    /// Where its finished items go (`pool.routes`, `stages[].routes`); empty: down the line.
    pub(super) routes: Vec<Route>,
}

/// What a station (or the first pool, all its lanes together) holds: jobs queued, producers'
/// senders blocked, workers busy (`held` of them holding a finished item for downstream) and
/// workers alive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Counts {
    pub(super) queued: usize,
    pub(super) blocked: usize,
    pub(super) busy: usize,
    pub(super) held: usize,
    pub(super) workers: usize,
}

impl Counts {
    /// These totals with one part's counts moved from `was` to `now`.
    pub(super) fn shifted(self, was: Counts, now: Counts) -> Counts {
        Counts {
            queued: self.queued + now.queued - was.queued,
            blocked: self.blocked + now.blocked - was.blocked,
            busy: self.busy + now.busy - was.busy,
            held: self.held + now.held - was.held,
            workers: self.workers + now.workers - was.workers,
        }
    }
}

impl Station {
    /// A lane of the first pool: the scenario's queue, discipline and overflow policy.
    pub(super) fn lane(config: &Config, levels: usize) -> Self {
        let queue = match config.queue.discipline {
            Discipline::Fair => {
                JobQueue::fair(config.classes.iter().map(|class| class.weight).collect())
            }
            discipline => JobQueue::new(levels, discipline == Discipline::Lifo),
        };
        let mut lane = Station::empty(queue, config.queue.capacity, config.overflow());
        lane.routes = config.pool_routes.clone();
        lane
    }

    /// Later stage `index` (`stages[index]`): a first-in first-out buffer whose full state
    /// blocks the sender, and work drawn per item.
    pub(super) fn later_stage(index: usize, config: &StageConfig) -> Self {
        let queue = JobQueue::new(1, false);
        let block = Overflow::new(OverflowPolicy::Block);
        let mut stage = Station::empty(queue, Some(config.buffer), block);
        stage.position = index as u16 + 1;
        stage.service = Some(config.service.clone());
        stage.routes = config.routes.clone();
        stage
    }

    fn empty(queue: JobQueue, capacity: Option<usize>, overflow: Overflow) -> Self {
        Station {
            queue,
            capacity,
            overflow,
            idle: Vec::new(),
            blocked: VecDeque::new(),
            blocked_count: 0,
            senders: VecDeque::new(),
            busy: 0,
            held: 0,
            workers: 0,
            target: 0,
            touched: false,
            counted: Counts::default(),
            position: 0,
            service: None,
            routes: Vec::new(),
        }
    }

    /// An item offered now would be taken: an idle worker, or room in the queue.
    pub(super) fn has_room(&self) -> bool {
        !self.idle.is_empty()
            || self
                .capacity
                .is_none_or(|capacity| self.queue.len() < capacity)
    }

    /// Items here: queued, worked on, or held for the next station.
    pub(super) fn in_system(&self) -> usize {
        self.queue.len() + self.busy
    }

    /// What it holds now, as the first pool's totals add it up.
    pub(super) fn counts(&self) -> Counts {
        Counts {
            queued: self.queue.len(),
            blocked: self.blocked_count,
            busy: self.busy,
            held: self.held,
            workers: self.workers,
        }
    }

    /// Its levels as the recorder's meters count them.
    pub(super) fn levels(&self) -> crate::report::recorder::StageLevels {
        crate::report::recorder::StageLevels {
            queued: self.queue.len() as u64,
            working: (self.busy - self.held) as u64,
            held: self.held as u64,
            workers: self.workers as u64,
        }
    }
}

/// The engine's list of stations: which are the first pool's lanes, which are later stages,
/// and which station a worker serves.
impl Engine {
    /// The first pool's lanes.
    pub(super) fn lanes(&self) -> &[Station] {
        &self.stations[..self.pool.lanes]
    }

    /// Whether station `station` is a lane of the first pool (not a later stage).
    pub(super) fn is_lane(&self, station: usize) -> bool {
        station < self.pool.lanes
    }

    /// The station `worker` serves (for a worker of the first pool: its lane).
    pub(super) fn station_of(&self, worker: u32) -> usize {
        self.pool.workers[worker as usize].station as usize
    }

    /// `worker` takes a job (or an item): its station has one more busy worker.
    pub(super) fn worker_started(&mut self, worker: u32) {
        let station = self.station_of(worker);
        self.stations[station].busy += 1;
        self.touch(station);
    }

    /// `worker` lets go of its job: its station has one busy worker fewer.
    pub(super) fn worker_stopped(&mut self, worker: u32) {
        let station = self.station_of(worker);
        self.stations[station].busy -= 1;
        self.touch(station);
    }

    /// The pipeline's later stages (after the first pool's lanes).
    pub(super) fn later_stages(&self) -> &[Station] {
        &self.stations[self.pool.lanes..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_stage_is_a_bounded_fifo_station_that_blocks_its_sender() {
        let config = StageConfig {
            name: "b".into(),
            workers: 2,
            buffer: 1,
            service: Distribution::Constant { value: 0.5 },
            routes: Vec::new(),
        };
        let mut stage = Station::later_stage(1, &config);
        assert_eq!(
            stage.position, 2,
            "stages[1] is the third station on the line"
        );
        assert_eq!(stage.overflow.policy(), OverflowPolicy::Block);
        assert!(stage.service.is_some());
        assert!(stage.has_room(), "an empty buffer has room");
        stage.queue.push(0, 7);
        assert!(
            !stage.has_room(),
            "a full buffer and no idle worker: the sender holds"
        );
        stage.idle.push(3);
        assert!(stage.has_room(), "an idle worker takes the item");
    }

    #[test]
    fn totals_follow_a_part_from_what_it_had_to_what_it_has() {
        let was = Counts {
            queued: 3,
            busy: 2,
            workers: 4,
            ..Counts::default()
        };
        let now = Counts {
            queued: 1,
            blocked: 1,
            busy: 4,
            held: 1,
            workers: 4,
        };
        let totals = Counts {
            queued: 5,
            busy: 6,
            workers: 8,
            ..Counts::default()
        };
        let expected = Counts {
            queued: 3,
            blocked: 1,
            busy: 8,
            held: 1,
            workers: 8,
        };
        assert_eq!(totals.shifted(was, now), expected);
    }
}
