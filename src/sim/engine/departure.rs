//! A job leaving a worker, at whichever station: one `Departure` event and one handler for the
//! first pool's lanes and a pipeline's later stages alike.
//!
//! ```text
//!  Departure ──► what the work came to ──► routes ──► next station (the worker holds if full)
//!                (first pool: its call           │
//!                 downstream, a panic)           ▼ exit
//!                                answer · failure (retry?) · abandoned ──► the worker is free:
//!                                                                retires, takes the next, idles
//! ```
//!
//! What differs between stations is data: a lane's job brings its own work and its call
//! downstream, whose outcome is read here; a later stage's item had its work drawn when it
//! started and only ever succeeds. Routing decides the rest (see [`crate::workload::routing`]).

use super::*;
use crate::policy::retry::Setback;
use crate::report::recorder::FailReason;
use crate::scenario::Next;
use crate::sim::jobs::Call;

impl Engine {
    /// `worker` finished its job (or item), unless the event is stale.
    pub(super) fn on_departure(&mut self, worker: u32, generation: u32) {
        let slot = &self.pool.workers[worker as usize];
        if slot.generation != generation {
            return;
        }
        let Some(key) = slot.job else { return };
        let station = slot.station as usize;
        let job = *self.jobs.get(key);
        let failure = if self.is_lane(station) {
            self.lane_outcome(station, &job)
        } else {
            None
        };
        let goes_on = matches!(job.state, JobState::InService { .. } | JobState::Onward);
        if failure.is_none() && goes_on && self.stations.len() > self.pool.lanes {
            match self.next_station(station, key) {
                Next::Stage(next) => {
                    // The worker stays busy until the next stage takes the item.
                    self.moves_on(station, worker, key, next);
                    return;
                }
                // Routed out: answered here, its time at this station measured.
                Next::Exit => self.left_station(worker, key),
            }
        }
        self.pool.workers[worker as usize].job = None;
        self.jobs.remove(key);
        self.worker_stopped(worker);
        let restart = match (&self.faults.chaos, failure) {
            (Some(chaos), Some(FailReason::Panic)) if !chaos.restart.is_zero() => {
                Some(chaos.restart)
            }
            _ => None,
        };
        match (job.state, failure) {
            (JobState::InService { .. }, Some(reason)) => {
                self.release_permit(&job, true);
                if self.twin_carries_on(&job) || self.maybe_retry(&job, Setback::Failed(reason)) {
                    self.free_worker(worker, restart);
                    return;
                }
                self.recorder.failure(job.class, job.measured, reason);
                self.watched_exit(&job, watch::How::Failed(reason));
                self.client_answered(job.producer as usize);
            }
            (JobState::InService { .. }, None) => self.answered(station, &job),
            // Its client gave up while it was in a later stage: it finishes unanswered.
            (JobState::Onward, _) if job.given_up => self.release_permit(&job, true),
            (JobState::Onward, _) => self.answered(station, &job),
            _ => {
                self.release_permit(&job, true);
                self.recorder
                    .wasted_work(job.measured, self.now - job.started);
            }
        }
        self.free_worker(worker, restart);
    }

    /// What a lane's work came to: its shard's meter hears of it, the dependency of its call,
    /// and a failed call or a panic makes it a failure.
    fn lane_outcome(&mut self, lane: usize, job: &Job) -> Option<FailReason> {
        self.recorder
            .shard_done(lane, job.measured, self.now - job.arrived);
        self.dependency.answered(self.now, job.call);
        match job.call {
            _ if job.panic_at >= 0.0 => Some(FailReason::Panic),
            Call::Made { failed: true, .. } => Some(FailReason::DownstreamError),
            Call::FailedFast => Some(FailReason::BreakerOpen),
            Call::Refused => Some(FailReason::DownstreamLimit),
            _ => None,
        }
    }

    /// The item `key` finished at `station` and goes on to later stage `next`.
    fn moves_on(&mut self, station: usize, worker: u32, key: JobKey, next: usize) {
        if self.is_lane(station) {
            let job = *self.jobs.get(key);
            self.lane_job_done(&job);
            self.jobs.get_mut(key).state = JobState::Onward;
        }
        self.pass_on(worker, key, next);
    }

    /// A lane finished a job successfully: its autoscaler hears of the job's wait.
    fn lane_job_done(&mut self, job: &Job) {
        if let Some(autoscaler) = self.ops.autoscalers.get_mut(job.lane as usize) {
            autoscaler.on_job_done(self.now, job.started - job.arrived);
        }
    }

    /// The request's last station finished it (`job` is already out of the slab): its permit
    /// goes back, a hedge twin is cancelled, and the client has its answer.
    fn answered(&mut self, station: usize, job: &Job) {
        self.release_permit(job, false);
        self.cancel_twin(job);
        if job.hedge {
            self.recorder.hedge_won(job.measured);
        }
        if self.is_lane(station) {
            self.lane_job_done(job);
        }
        self.completed(job);
    }

    /// A request succeeded: its latency is measured from its intended send time, its wait until
    /// the first pool started it, and its client has the answer.
    pub(super) fn completed(&mut self, job: &Job) {
        self.watched_exit(job, watch::How::Done);
        self.recorder.completion(
            job.class,
            job.measured,
            self.now - job.arrived,
            job.started - job.arrived,
            self.now - job.started,
        );
        self.client_answered(job.producer as usize);
    }

    /// After a job: the worker moves on, or first recovers from a panic (`chaos.restart`).
    pub(super) fn free_worker(&mut self, worker: u32, restart: Option<SimDuration>) {
        match restart {
            Some(restart) => {
                let slot = &mut self.pool.workers[worker as usize];
                slot.generation = slot.generation.wrapping_add(1);
                let generation = slot.generation;
                self.schedule(
                    self.now + restart,
                    Event::WorkerReady { worker, generation },
                );
            }
            None => self.worker_released(worker),
        }
    }

    /// A worker finished (or dropped, or handed on) its job: it retires, takes its station's
    /// next job, or idles; room may then appear for blocked producers and held senders.
    pub(super) fn worker_released(&mut self, worker: u32) {
        let slot = &mut self.pool.workers[worker as usize];
        slot.generation = slot.generation.wrapping_add(1);
        let station = slot.station as usize;
        if self.lane_too_big(station) {
            self.retire(worker);
        } else if let Some(key) = self.stations[station].queue.pop_next(&mut self.jobs) {
            self.touch(station);
            self.start_work(worker, key);
        } else {
            self.make_idle(worker);
        }
        self.admit_blocked(station);
        self.admit_senders(station);
    }

    /// `worker` starts on `key`: a lane's job brings its own work and makes its call; a later
    /// stage draws the item's work for this request and hop.
    pub(super) fn start_work(&mut self, worker: u32, key: JobKey) {
        if self.stations[self.station_of(worker)].service.is_some() {
            self.start_stage_work(worker, key);
        } else {
            self.start_service(worker, key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Four requests a second apart through a one-worker pool (200 ms each) and a later stage
    /// `b` of two workers (300 ms each, a buffer of one): nobody ever waits.
    fn pipeline(pool: &str) -> Engine {
        let text = format!(
            "[run]\ncustomers = 4\nseed = 1\n[arrivals]\nprocess = \"constant\"\nrate = 1\n\
             [service]\ndistribution = \"constant\"\nvalue = \"200ms\"\n[pool]\nworkers = 1\n{pool}\n\
             [[stages]]\nname = \"b\"\nworkers = 2\nbuffer = 1\n\
             service = {{ distribution = \"constant\", value = \"300ms\" }}\n"
        );
        Engine::new(&crate::scenario::parse(&text, "t.toml").expect("a valid pipeline"))
    }

    /// Steps until a later stage's worker holds an item; returns that worker.
    fn until_stage_busy(engine: &mut Engine) -> u32 {
        while engine.later_stages()[0].busy == 0 {
            assert!(engine.step(), "the item never reached stage b");
        }
        let first_of_b = engine.pool.lanes as u16;
        let worker = engine
            .pool
            .workers
            .iter()
            .position(|w| w.station == first_of_b && w.job.is_some())
            .expect("a busy worker of stage b");
        worker as u32
    }

    #[test]
    fn a_later_stages_worker_answers_through_the_common_departure() {
        let mut engine = pipeline("");
        let worker = until_stage_busy(&mut engine);
        let generation = engine.pool.workers[worker as usize].generation;
        let jobs = engine.jobs.len();
        engine.on_departure(worker, generation.wrapping_sub(1));
        assert_eq!(
            engine.later_stages()[0].busy,
            1,
            "a stale departure is ignored"
        );
        assert_eq!(engine.jobs.len(), jobs);
        engine.on_departure(worker, generation);
        assert_eq!(
            engine.later_stages()[0].busy,
            0,
            "routed out: the worker is free"
        );
        assert_eq!(engine.jobs.len(), jobs - 1, "the request is answered");
        assert!(engine.later_stages()[0].idle.contains(&worker));
    }

    #[test]
    fn every_request_leaves_the_last_stage_after_both_works() {
        let summary = pipeline("").run();
        assert_eq!(summary.completed, 4);
        assert!(
            (summary.latency.mean - 0.5).abs() < 1e-6,
            "200 ms in the pool, then 300 ms in b: {}",
            summary.latency.mean
        );
    }

    #[test]
    fn the_first_pools_idle_timeout_leaves_a_later_stages_workers_alone() {
        let mut engine = pipeline("idle_timeout = \"100ms\"\nmin_workers = 1");
        while engine.step() {}
        assert_eq!(engine.later_stages()[0].workers, 2);
        assert_eq!(engine.later_stages()[0].idle.len(), 2);
    }
}
