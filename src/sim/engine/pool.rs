//! Pool sizing: the autoscaler's ticks, growing (with cold starts) and shrinking (lazily), and
//! workers retiring on their own after an idle timeout.

use super::*;

impl Engine {
    /// Sets the pool's target size: grows at once, shrinks idle workers at once and busy ones
    /// when they finish (lazy scale-down).
    pub fn resize(&mut self, size: usize) {
        let size = size.max(1);
        if size == self.target {
            return;
        }
        self.target = size;
        self.recorder.pool_resized(size);
        while self.alive < self.target {
            let worker = self.retired.pop().unwrap_or_else(|| {
                let index = self.workers.len();
                self.workers.push(Worker {
                    lane: (index % self.lanes.len()) as u16,
                    ..Worker::default()
                });
                index as u32
            });
            self.alive += 1;
            let lane = self.lane_of_worker(worker);
            self.lanes[lane].workers += 1;
            if self.lifecycle.start_up.is_zero() {
                match self.lanes[lane].queue.pop_next(&mut self.jobs) {
                    Some(key) => self.start_service(worker, key),
                    None => self.make_idle(worker),
                }
            } else {
                // Cold start: counted in the pool (and its cost) but not ready for work yet.
                let generation = self.workers[worker as usize].generation;
                self.schedule(
                    self.now + self.lifecycle.start_up,
                    Event::WorkerReady { worker, generation },
                );
            }
        }
        if self.scale_down != ScaleDown::Lazy {
            for lane in 0..self.lanes.len() {
                while self.alive > self.target {
                    let Some(worker) = self.lanes[lane].idle.pop() else {
                        break;
                    };
                    self.retire(worker);
                }
            }
        }
        if self.scale_down == ScaleDown::Preempt {
            while self.alive > self.target {
                let Some(worker) = self.workers.iter().rposition(|w| w.job.is_some()) else {
                    break;
                };
                self.preempt(worker as u32);
            }
        }
        for lane in 0..self.lanes.len() {
            self.admit_blocked(lane);
        }
    }

    /// Interrupts a busy worker: its job goes back to the front of the queue, the worker retires.
    fn preempt(&mut self, worker: u32) {
        let Some(key) = self.workers[worker as usize].job.take() else {
            return;
        };
        let interrupted = *self.jobs.get(key);
        self.recorder
            .wasted_work(interrupted.measured, self.now - interrupted.started);
        self.release_breaker_permit(&interrupted);
        self.worker_stopped(worker);
        if matches!(interrupted.state, JobState::Abandoned { .. }) {
            // Its client gave up already (and it was counted): nothing to put back.
            self.jobs.remove(key);
            self.release_permit(&interrupted, true);
        } else {
            let job = self.jobs.get_mut(key);
            job.state = JobState::Queued;
            job.call = crate::sim::jobs::Call::None;
            let level = self.classes[job.class as usize].level;
            self.lanes[job.lane as usize].queue.push_next(level, key);
        }
        self.retire(worker);
    }

    /// An idle worker waits for work; with an idle timeout it may retire on its own.
    pub(super) fn make_idle(&mut self, worker: u32) {
        let lane = self.lane_of_worker(worker);
        self.lanes[lane].idle.push(worker);
        if let Some(timeout) = self.lifecycle.idle_timeout {
            let generation = self.workers[worker as usize].generation;
            self.schedule(self.now + timeout, Event::IdleExpire { worker, generation });
        }
    }

    pub(super) fn retire(&mut self, worker: u32) {
        let slot = &mut self.workers[worker as usize];
        slot.generation = slot.generation.wrapping_add(1);
        self.alive -= 1;
        let lane = self.lane_of_worker(worker);
        self.lanes[lane].workers -= 1;
        self.retired.push(worker);
    }

    /// Seed book 003, task 14: an idle worker above the floor exits on its own.
    pub(super) fn on_idle_expire(&mut self, worker: u32, generation: u32) {
        if self.workers[worker as usize].generation != generation
            || self.alive <= self.lifecycle.min_workers
        {
            return;
        }
        let idle = &mut self.lanes[self.workers[worker as usize].lane as usize].idle;
        let Some(position) = idle.iter().position(|&w| w == worker) else {
            return;
        };
        idle.remove(position);
        self.retire(worker);
        if self.target > self.alive {
            self.target = self.alive;
            self.recorder.pool_resized(self.alive);
        }
    }

    pub(super) fn on_autoscale_tick(&mut self) {
        let (utilization, error_rate) = self.recorder.since_last_tick(&mut self.tick_marks);
        let signals = PoolSignals {
            now: self.now,
            size: self.target,
            busy: self.busy,
            queued: self.queued(),
            capacity: self.lanes[0].capacity,
            utilization,
            error_rate,
        };
        let Some(autoscaler) = self.autoscaler.as_mut() else {
            return;
        };
        let decision = autoscaler.on_tick(&signals);
        let next = self.now + autoscaler.interval();
        self.schedule(next, Event::AutoscaleTick);
        let floor = self.prewarm.floor_at(self.now - SimTime::ZERO);
        if let Some(size) = crate::policy::autoscale::with_floor(decision, floor, self.target) {
            self.resize(size);
        }
    }
}
