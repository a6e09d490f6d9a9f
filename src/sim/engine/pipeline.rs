//! Pipelines (`[[stages]]`): the pool is the first stage; each item it finishes moves on through
//! the later stages in order, and only the last one answers the request.
//!
//! ```text
//!  queue ──► pool (K₁) ──► buffer (B₂) ──► stage 2 (K₂) ──► buffer (B₃) ──► stage 3 (K₃) ──► answer
//!                ▲ held           │ full          ▲ held            │ full
//!                └────────────────┘               └───────────────────┘
//! ```
//!
//! A stage's buffer is a bounded channel, as in the Go pipelines the seed books build: a worker
//! whose finished item finds no idle worker and no room in the next buffer *holds* it, blocked,
//! and takes no new work until room appears. That is how backpressure travels upstream, stage by
//! stage, until the first pool's queue fills and its overflow policy decides. Held senders are
//! served oldest first when room appears.
//!
//! Every stage is a [`Station`]; a later stage is one at position i + 1, kept after the first
//! pool's lanes in the engine's list. Its workers finish items with the same `Departure` as the
//! first pool's (see [`super::departure`]); this module is what happens between stations:
//! routing, handing over, holding. Later stages do not fail and are not resized; deadlines
//! still apply: a request whose client gives up while its item is in a later stage times out at
//! once, and the item finishes unanswered.

use super::station::Station;
use super::*;
use crate::report::recorder::StageLevels;
use crate::scenario::Next;
use crate::workload::routing::next_station;

impl Engine {
    /// Items in later stages (buffered, worked on, or held for the stage after).
    pub(super) fn staged(&self) -> usize {
        self.later_stages().iter().map(Station::in_system).sum()
    }

    /// Reports the first pool's levels, as stage 0, to the recorder (before an event changes
    /// them).
    pub(super) fn advance_stages(&mut self, at: SimTime) {
        if self.stations.len() == self.pool.lanes {
            return;
        }
        let pool = self.pool_counts();
        let pool = StageLevels {
            queued: pool.queued as u64,
            working: (pool.busy - pool.held) as u64,
            held: pool.held as u64,
            workers: pool.workers as u64,
        };
        // Later stages report their levels when they change (see `Engine::touch`).
        self.recorder.advance_stage(0, at, pool);
    }

    /// Where the item `key` goes when it leaves station `station`: the routes' draw for its
    /// request and hop, or on down the line.
    pub(super) fn next_station(&self, station: usize, key: JobKey) -> Next {
        let job = self.jobs.get(key);
        let here = &self.stations[station];
        let position = usize::from(here.position);
        let default = if position < self.later_stages().len() {
            Next::Stage(position)
        } else {
            Next::Exit
        };
        next_station(
            self.control.seed,
            &here.routes,
            default,
            job.serial,
            job.hops,
        )
    }

    /// `worker` offers its finished item `key` to later stage `next`: placed at once, or held.
    pub(super) fn pass_on(&mut self, worker: u32, key: JobKey, next: usize) {
        let to = self.pool.lanes + next;
        if self.stations[to].has_room() {
            self.left_station(worker, key);
            self.place(to, key);
            self.sender_freed(worker);
        } else {
            self.set_holding(worker, true);
            self.stations[to].senders.push_back(worker);
        }
    }

    /// `worker` starts (or stops) holding a finished item for a full station downstream: it
    /// stays busy, counted as held.
    fn set_holding(&mut self, worker: u32, holding: bool) {
        let station = self.station_of(worker);
        let state = &mut self.stations[station];
        if holding {
            state.held += 1;
        } else {
            state.held -= 1;
        }
        self.touch(station);
    }

    /// The item leaves `worker`'s station: its time there is measured.
    pub(super) fn left_station(&mut self, worker: u32, key: JobKey) {
        let position = usize::from(self.stations[self.station_of(worker)].position);
        let job = self.jobs.get_mut(key);
        let residence = self.now - job.entered;
        job.entered = self.now;
        job.hops = job.hops.saturating_add(1);
        let measured = job.measured;
        self.recorder.stage_done(position, measured, residence);
    }

    /// Puts an item into later station `station` (which has room): onto an idle worker, or into
    /// its buffer.
    fn place(&mut self, station: usize, key: JobKey) {
        match self.stations[station].idle.pop() {
            Some(worker) => self.start_work(worker, key),
            None => {
                self.stations[station].queue.push(0, key);
                self.touch(station);
            }
        }
    }

    /// `worker` of a later stage starts on item `key`: its work is drawn for this request and
    /// hop, and it leaves like any job, with a `Departure`.
    pub(super) fn start_stage_work(&mut self, worker: u32, key: JobKey) {
        let (serial, hops) = (self.jobs.get(key).serial, self.jobs.get(key).hops);
        let state = &self.stations[self.station_of(worker)];
        let stage = usize::from(state.position) - 1;
        let service = state
            .service
            .as_ref()
            .expect("a later stage draws its work");
        let work = stage_work(self.control.seed, stage, serial, hops, service);
        let slot = &mut self.pool.workers[worker as usize];
        slot.job = Some(key);
        slot.generation = slot.generation.wrapping_add(1);
        let generation = slot.generation;
        self.worker_started(worker);
        self.schedule(self.now + work, Event::Departure { worker, generation });
    }

    /// A sender's item was placed downstream: its worker is free for new work.
    fn sender_freed(&mut self, worker: u32) {
        self.pool.workers[worker as usize].job = None;
        self.worker_stopped(worker);
        self.worker_released(worker);
    }

    /// Room in `station`: held senders hand their items over, oldest first.
    pub(super) fn admit_senders(&mut self, station: usize) {
        while self.stations[station].has_room() {
            let Some(sender) = self.stations[station].senders.pop_front() else {
                break;
            };
            self.set_holding(sender, false);
            let Some(key) = self.pool.workers[sender as usize].job else {
                continue;
            };
            self.left_station(sender, key);
            self.place(station, key);
            self.sender_freed(sender);
        }
    }

    /// A request's deadline passed while its item was in a later stage: the client has its
    /// answer (a timeout), the item goes on unanswered.
    pub(super) fn gave_up_onward(&mut self, key: JobKey) {
        let job = *self.jobs.get(key);
        self.jobs.get_mut(key).given_up = true;
        self.timed_out(&job);
    }

    /// Items in later stages whose client already gave up.
    pub(super) fn given_up_onward(&self) -> usize {
        self.jobs
            .live()
            .filter(|job| job.state == JobState::Onward && job.given_up)
            .count()
    }
}
