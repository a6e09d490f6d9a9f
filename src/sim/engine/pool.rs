//! Pool sizing: the autoscaler's ticks, growing (with cold starts) and shrinking (lazily), and
//! workers retiring on their own after an idle timeout.

use super::*;

impl Engine {
    /// Sets the pool's target size: grows at once, shrinks idle workers at once and busy ones
    /// when they finish (lazy scale-down). A split pool's first part (see [`Engine::resize_lane`]).
    pub fn resize(&mut self, size: usize) {
        self.resize_lane(0, size);
        // Called between events: the split pool's totals hear of the lane now, not at the end of
        // the next event.
        self.report_touched_lanes();
    }

    /// Sets one lane's target size (a class's own pool, or the single pool).
    fn resize_lane(&mut self, lane: usize, size: usize) {
        let size = size.max(1);
        let current = self.stations[lane].target;
        if size == current {
            return;
        }
        self.stations[lane].target = size;
        self.recorder.pool_resized(self.pool_target());
        while self.stations[lane].workers < size {
            let worker = self.pool.retired.pop().unwrap_or_else(|| {
                self.pool.workers.push(Worker::default());
                (self.pool.workers.len() - 1) as u32
            });
            self.pool.workers[worker as usize].station = lane as u16;
            self.stations[lane].workers += 1;
            self.touch(lane);
            if self.pool.lifecycle.start_up.is_zero() {
                match self.stations[lane].queue.pop_next(&mut self.jobs) {
                    Some(key) => self.start_work(worker, key),
                    None => self.make_idle(worker),
                }
            } else {
                // Cold start: counted in the pool (and its cost) but not ready for work yet.
                let generation = self.pool.workers[worker as usize].generation;
                self.schedule(
                    self.now + self.pool.lifecycle.start_up,
                    Event::WorkerReady { worker, generation },
                );
            }
        }
        if self.pool.scale_down != ScaleDown::Lazy {
            while self.stations[lane].workers > size {
                let Some(worker) = self.stations[lane].idle.pop() else {
                    break;
                };
                self.retire(worker);
            }
        }
        if self.pool.scale_down == ScaleDown::Preempt {
            // Validation keeps preemption to unsplit pools: every worker of the first pool is in
            // this lane (later stages' workers are not resized).
            while self.lane_too_big(lane) {
                let busy = self
                    .pool
                    .workers
                    .iter()
                    .rposition(|w| w.job.is_some() && usize::from(w.station) < self.pool.lanes);
                let Some(worker) = busy else {
                    break;
                };
                self.preempt(worker as u32);
            }
        }
        self.admit_blocked(lane);
    }

    /// The lane has more workers than its target: the next worker to finish retires.
    pub(super) fn lane_too_big(&self, lane: usize) -> bool {
        self.stations[lane].workers > self.stations[lane].target
    }

    /// Interrupts a busy worker: its job goes back to the front of the queue, the worker retires.
    fn preempt(&mut self, worker: u32) {
        let Some(key) = self.pool.workers[worker as usize].job.take() else {
            return;
        };
        let interrupted = *self.jobs.get(key);
        self.recorder
            .wasted_work(interrupted.measured, self.now - interrupted.started);
        self.abandon_call(&interrupted);
        self.worker_stopped(worker);
        if matches!(interrupted.state, JobState::Abandoned { .. }) {
            // Its client gave up already (and it was counted): nothing to put back.
            self.jobs.remove(key);
            self.release_permit(&interrupted, true);
        } else {
            let job = self.jobs.get_mut(key);
            job.state = JobState::Queued;
            job.call = crate::sim::jobs::Call::None;
            let level = self.producers.classes[job.class as usize].level;
            let lane = job.lane as usize;
            self.stations[lane].queue.push_next(level, key);
            self.touch(lane);
        }
        self.retire(worker);
    }

    /// An idle worker waits for work; with an idle timeout it may retire on its own.
    pub(super) fn make_idle(&mut self, worker: u32) {
        let station = self.station_of(worker);
        self.stations[station].idle.push(worker);
        // `pool.idle_timeout` is the first pool's: a later stage's workers stay.
        let timeout = self.pool.lifecycle.idle_timeout;
        if let Some(timeout) = timeout.filter(|_| self.is_lane(station)) {
            let generation = self.pool.workers[worker as usize].generation;
            self.schedule(self.now + timeout, Event::IdleExpire { worker, generation });
        }
    }

    pub(super) fn retire(&mut self, worker: u32) {
        let slot = &mut self.pool.workers[worker as usize];
        slot.generation = slot.generation.wrapping_add(1);
        let lane = self.station_of(worker);
        self.stations[lane].workers -= 1;
        self.touch(lane);
        self.pool.retired.push(worker);
    }

    /// Seed book 003, task 14: an idle worker above the floor exits on its own.
    pub(super) fn on_idle_expire(&mut self, worker: u32, generation: u32) {
        let lane = self.station_of(worker);
        if self.pool.workers[worker as usize].generation != generation
            || self.stations[lane].workers <= self.pool.lifecycle.min_workers
        {
            return;
        }
        let idle = &mut self.stations[lane].idle;
        let Some(position) = idle.iter().position(|&w| w == worker) else {
            return;
        };
        idle.remove(position);
        self.retire(worker);
        let state = &mut self.stations[lane];
        if state.target > state.workers {
            state.target = state.workers;
            self.recorder.pool_resized(self.pool_target());
        }
    }

    /// Each pool's autoscaler decides its size; a shared budget then grants growth to the
    /// highest-priority pools first (seed book 003, task 17).
    pub(super) fn on_autoscale_tick(&mut self) {
        if self.ops.autoscalers.is_empty() {
            return;
        }
        let (utilization, error_rate) = self.recorder.since_last_tick(&mut self.ops.tick_marks);
        let floor = self.pool.prewarm.floor_at(self.now - SimTime::ZERO);
        let lanes = self.pool.lanes;
        let split = lanes > 1;
        let mut desired = Vec::with_capacity(lanes);
        // Lanes whose autoscaler itself (not the prewarm floor) asked to grow.
        let mut asked_to_grow = Vec::with_capacity(lanes);
        // What the policies decided, summed over pools, for the series.
        let mut decided = 0;
        for lane in 0..lanes {
            let utilization = if split {
                self.recorder
                    .lane_utilization_since(lane, &mut self.ops.lane_marks[lane])
            } else {
                utilization
            };
            let state = &self.stations[lane];
            let signals = PoolSignals {
                now: self.now,
                size: state.target,
                busy: state.busy,
                queued: state.queue.len(),
                capacity: state.capacity,
                utilization,
                error_rate,
            };
            let decision = self.ops.autoscalers[lane].on_tick(&signals);
            if let Some(fault) = self.ops.autoscalers[lane].take_fault() {
                self.control.fault.get_or_insert(fault);
            }
            asked_to_grow.push(decision.is_some_and(|size| size > state.target));
            decided += decision.unwrap_or(state.target);
            let size = crate::policy::autoscale::with_floor(decision, floor, state.target);
            desired.push(size.unwrap_or(state.target));
        }
        self.recorder.note_desired_workers(decided);
        let next = self.now + self.ops.autoscalers[0].interval();
        self.schedule(next, Event::AutoscaleTick);
        let sizes = self.within_budget(desired.clone());
        for (lane, (&size, &wanted)) in sizes.iter().zip(&desired).enumerate() {
            if asked_to_grow[lane] && size < wanted && size <= self.stations[lane].target {
                self.ops.autoscalers[lane].growth_refused();
            }
        }
        // Shrink first, so the pools' total never passes the budget on the way.
        let (shrinking, growing): (Vec<_>, Vec<_>) = sizes
            .into_iter()
            .enumerate()
            .partition(|&(lane, size)| size <= self.stations[lane].target);
        for (lane, size) in shrinking.into_iter().chain(growing) {
            self.resize_lane(lane, size);
        }
    }

    /// Sizes that fit `autoscaler.budget`: shrinking and holding are always granted; growth is
    /// granted to the pools of the highest class priority first, then in order, while the
    /// budget has workers left (a worker finishing its last job still counts, so its own pool
    /// may grow back into it for free).
    fn within_budget(&self, mut desired: Vec<usize>) -> Vec<usize> {
        let Some(budget) = self.ops.budget else {
            return desired;
        };
        let mut sizes: Vec<usize> = desired
            .iter()
            .zip(self.lanes())
            .map(|(&want, lane)| want.min(lane.target))
            .collect();
        if self.ops.reclaim {
            self.reclaim_for_priority(&mut desired, &mut sizes, budget);
        }
        // Workers still finishing a job before they retire hold their place in the budget.
        let committed: usize = sizes
            .iter()
            .zip(self.lanes())
            .map(|(&size, lane)| size.max(lane.workers))
            .sum();
        let mut left = budget.saturating_sub(committed);
        let mut order: Vec<usize> = (0..sizes.len()).collect();
        order.sort_by_key(|&lane| std::cmp::Reverse(self.ops.lane_priority[lane]));
        for lane in order {
            // Growing back into its own workers still waiting to retire takes no new place.
            let retiring = self.stations[lane].workers.saturating_sub(sizes[lane]);
            let grant = (desired[lane] - sizes[lane]).min(retiring + left);
            sizes[lane] += grant;
            left -= grant.saturating_sub(retiring);
        }
        sizes
    }

    /// `autoscaler.reclaim`: growth a pool cannot get from the budget is taken back from pools
    /// of lower class priority (down to one worker each, lowest priority first). Their busy
    /// workers retire as they finish, so the urgent pool grows over the next ticks.
    fn reclaim_for_priority(&self, desired: &mut [usize], sizes: &mut [usize], budget: usize) {
        let held: usize = sizes
            .iter()
            .zip(self.lanes())
            .map(|(&size, lane)| size.max(lane.workers))
            .sum();
        // The budget's free workers go to the highest priority first, as `within_budget` grants
        // them: a pool is short only of the growth they leave uncovered, and only that is taken.
        let mut free = budget.saturating_sub(held);
        let mut urgent_first: Vec<usize> = (0..sizes.len()).collect();
        urgent_first.sort_by_key(|&lane| std::cmp::Reverse(self.ops.lane_priority[lane]));
        let mut by_priority: Vec<usize> = (0..sizes.len()).collect();
        by_priority.sort_by_key(|&lane| self.ops.lane_priority[lane]);
        for urgent in urgent_first {
            let retiring = self.stations[urgent].workers.saturating_sub(sizes[urgent]);
            let growth = (desired[urgent] - sizes[urgent]).saturating_sub(retiring);
            let from_free = growth.min(free);
            free -= from_free;
            let mut unmet = growth - from_free;
            for &lower in &by_priority {
                if unmet == 0 || self.ops.lane_priority[lower] >= self.ops.lane_priority[urgent] {
                    break;
                }
                let take = sizes[lower].saturating_sub(1).min(unmet);
                if take > 0 {
                    // A pool giving workers back does not grow back into them in the same tick.
                    sizes[lower] -= take;
                    desired[lower] = sizes[lower];
                }
                unmet -= take;
            }
        }
    }
}
