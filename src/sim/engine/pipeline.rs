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
//! Later stages do not fail and are not resized; deadlines still apply: a request whose client
//! gives up while its item is in a later stage times out at once, and the item finishes unanswered.

use super::*;
use crate::report::recorder::StageLevels;
use crate::scenario::Next;
use crate::workload::routing::next_station;

/// A worker holding a finished item for the next stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sender {
    /// A worker of the first pool.
    Pool(u32),
    /// A worker of a later stage: (index into the engine's `stages`, worker).
    Stage(u16, u32),
}

pub(super) struct Stage {
    service: Distribution,
    capacity: usize,
    buffer: VecDeque<JobKey>,
    workers: Vec<Option<JobKey>>,
    idle: Vec<u32>,
    working: usize,
    held: usize,
    /// Upstream workers holding an item for this stage, oldest first.
    senders: VecDeque<Sender>,
    /// Where its items go next (`routes`); empty: the next stage, or the answer.
    routes: Vec<crate::scenario::Route>,
}

impl Stage {
    pub(super) fn new(config: &crate::scenario::StageConfig) -> Self {
        Stage {
            service: config.service.clone(),
            capacity: config.buffer,
            buffer: VecDeque::new(),
            workers: vec![None; config.workers],
            idle: (0..config.workers as u32).rev().collect(),
            working: 0,
            held: 0,
            senders: VecDeque::new(),
            routes: config.routes.clone(),
        }
    }

    fn has_room(&self) -> bool {
        !self.idle.is_empty() || self.buffer.len() < self.capacity
    }

    fn in_system(&self) -> usize {
        self.buffer.len() + self.working + self.held
    }
}

impl Engine {
    /// Items in later stages (buffered, worked on, or held for the stage after).
    pub(super) fn staged(&self) -> usize {
        self.stages.iter().map(Stage::in_system).sum()
    }

    /// Reports each stage's levels to the recorder (before an event changes them).
    pub(super) fn advance_stages(&mut self, at: SimTime) {
        if self.stages.is_empty() {
            return;
        }
        let pool = StageLevels {
            queued: self.queued() as u64,
            working: (self.pool.busy - self.pool.held) as u64,
            held: self.pool.held as u64,
            workers: self.pool.alive as u64,
        };
        self.recorder.advance_stage(0, at, pool);
        for (i, stage) in self.stages.iter().enumerate() {
            let levels = StageLevels {
                queued: stage.buffer.len() as u64,
                working: stage.working as u64,
                held: stage.held as u64,
                workers: stage.workers.len() as u64,
            };
            self.recorder.advance_stage(i + 1, at, levels);
        }
    }

    /// Where the item `key` goes when it leaves station `position` (0: the pool, i + 1: stage
    /// i): the routes' draw for its request and hop, or on down the line.
    pub(super) fn next_station(&self, position: usize, key: JobKey) -> Next {
        let job = self.jobs.get(key);
        let (routes, default) = match position {
            0 => (&self.pool.routes, Next::Stage(0)),
            _ if position < self.stages.len() => {
                (&self.stages[position - 1].routes, Next::Stage(position))
            }
            _ => (&self.stages[position - 1].routes, Next::Exit),
        };
        next_station(self.control.seed, routes, default, job.serial, job.hops)
    }

    /// A pool worker finished `key` successfully: the item moves on to later stage `next`.
    pub(super) fn leave_pool(&mut self, worker: u32, key: JobKey, next: usize) {
        let job = self.jobs.get(key);
        if let Some(autoscaler) = self.ops.autoscalers.get_mut(job.lane as usize) {
            autoscaler.on_job_done(self.now, job.started - job.arrived);
        }
        self.jobs.get_mut(key).state = JobState::Onward;
        self.pass_on(Sender::Pool(worker), key, next);
    }

    /// `sender` offers its finished item `key` to later stage `next`: placed at once, or held.
    fn pass_on(&mut self, sender: Sender, key: JobKey, next: usize) {
        if self.stages[next].has_room() {
            self.left_stage(sender, key);
            self.place(next, key);
            self.sender_freed(sender);
        } else {
            match sender {
                Sender::Pool(worker) => {
                    self.pool.held += 1;
                    let lane = self.lane_of_worker(worker);
                    self.lanes[lane].held += 1;
                    self.touch(lane);
                }
                Sender::Stage(stage, _) => {
                    let stage = &mut self.stages[stage as usize];
                    stage.working -= 1;
                    stage.held += 1;
                }
            }
            self.stages[next].senders.push_back(sender);
        }
    }

    /// The item leaves the sender's stage: its time there is measured.
    pub(super) fn left_stage(&mut self, sender: Sender, key: JobKey) {
        let position = match sender {
            Sender::Pool(_) => 0,
            Sender::Stage(stage, _) => stage as usize + 1,
        };
        let job = self.jobs.get_mut(key);
        let residence = self.now - job.entered;
        job.entered = self.now;
        job.hops = job.hops.saturating_add(1);
        let measured = job.measured;
        self.recorder.stage_done(position, measured, residence);
    }

    /// Puts an item into stage `stage` (which has room): onto an idle worker, or into the buffer.
    fn place(&mut self, stage: usize, key: JobKey) {
        match self.stages[stage].idle.pop() {
            Some(worker) => self.start_stage_work(stage, worker, key),
            None => self.stages[stage].buffer.push_back(key),
        }
    }

    fn start_stage_work(&mut self, stage: usize, worker: u32, key: JobKey) {
        let (serial, hops) = (self.jobs.get(key).serial, self.jobs.get(key).hops);
        let state = &mut self.stages[stage];
        let work = stage_work(self.control.seed, stage, serial, hops, &state.service);
        state.workers[worker as usize] = Some(key);
        state.working += 1;
        self.schedule(
            self.now + work,
            Event::StageDone {
                stage: stage as u16,
                worker,
            },
        );
    }

    /// A sender's item was placed downstream: its worker is free for new work.
    fn sender_freed(&mut self, sender: Sender) {
        match sender {
            Sender::Pool(worker) => {
                self.pool.workers[worker as usize].job = None;
                self.worker_stopped(worker);
                self.worker_released(worker);
            }
            Sender::Stage(stage, worker) => {
                let state = &mut self.stages[stage as usize];
                state.workers[worker as usize] = None;
                state.working -= 1;
                self.stage_worker_free(stage as usize, worker);
            }
        }
    }

    pub(super) fn on_stage_done(&mut self, stage: u16, worker: u32) {
        let Some(key) = self.stages[stage as usize].workers[worker as usize] else {
            return;
        };
        if let Next::Stage(next) = self.next_station(stage as usize + 1, key) {
            self.pass_on(Sender::Stage(stage, worker), key, next);
            return;
        }
        let state = &mut self.stages[stage as usize];
        state.workers[worker as usize] = None;
        state.working -= 1;
        self.left_stage(Sender::Stage(stage, worker), key);
        let job = self.jobs.remove(key);
        if job.given_up {
            self.release_permit(&job, true);
        } else {
            self.release_permit(&job, false);
            self.completed(&job);
        }
        self.stage_worker_free(stage as usize, worker);
    }

    /// A later stage's worker let go of its item (it was held, or finished): it takes the next
    /// buffered item or idles, and room may have appeared for held senders.
    fn stage_worker_free(&mut self, stage: usize, worker: u32) {
        let state = &mut self.stages[stage];
        match state.buffer.pop_front() {
            Some(key) => self.start_stage_work(stage, worker, key),
            None => state.idle.push(worker),
        }
        self.admit_senders(stage);
    }

    /// Room in `stage`: held senders hand their items over, oldest first.
    fn admit_senders(&mut self, stage: usize) {
        while self.stages[stage].has_room() {
            let Some(sender) = self.stages[stage].senders.pop_front() else {
                break;
            };
            let key = match sender {
                Sender::Pool(worker) => {
                    self.pool.held -= 1;
                    let lane = self.lane_of_worker(worker);
                    self.lanes[lane].held -= 1;
                    self.touch(lane);
                    self.pool.workers[worker as usize].job
                }
                Sender::Stage(from, worker) => {
                    let from = &mut self.stages[from as usize];
                    from.held -= 1;
                    from.working += 1;
                    from.workers[worker as usize]
                }
            };
            let Some(key) = key else { continue };
            self.left_stage(sender, key);
            self.place(stage, key);
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
