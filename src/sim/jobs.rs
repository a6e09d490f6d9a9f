//! Job storage and the waiting queue.
//!
//! Jobs live in a slab (a vector with a free list) and everything else refers to them by a small
//! key; a generation counter per slot lets stale timer events (a deadline for a job long gone)
//! recognise themselves. The queue has one FIFO per priority level; a job whose client gives up
//! while waiting stays in place as a tombstone and is skipped when reached, so reneging costs O(1).

use crate::policy::fair::Fair;
use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;

pub type JobKey = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Free,
    /// Held by a producer (being admitted, or blocked on a full queue).
    AtProducer,
    /// Waiting for its token from a delaying rate limiter.
    Delayed,
    /// A retry waiting out its backoff.
    Retrying,
    Queued,
    /// Gave up while queued; removed from the queue when reached.
    Tombstone,
    InService {
        worker: u32,
    },
    /// Gave up while in service, but the worker finishes it (the result is discarded).
    Abandoned {
        worker: u32,
    },
    /// Done at the first pool and on its way through a pipeline's later stages: held by a worker
    /// waiting for room, in a stage's buffer, or being worked on there.
    Onward,
}

#[derive(Debug, Clone, Copy)]
pub struct Job {
    pub class: u16,
    pub producer: u32,
    /// Generation (intended send) time: latency counts from here.
    pub arrived: SimTime,
    pub started: SimTime,
    pub service: SimDuration,
    pub measured: bool,
    pub state: JobState,
    pub generation: u32,
    /// When it passed the concurrency limits (its round trip for an adaptive limiter starts here).
    pub admitted: SimTime,
    /// Jobs in flight (itself included) when it was admitted.
    pub inflight_at_admit: u32,
    /// Holds a limiter/bulkhead permit, to give back when it leaves.
    pub holds_permit: bool,
    /// The downstream call: its latency before any incident slowdown, and the uniform draw that
    /// decides whether it fails (drawn with the job, so A/B runs see the same calls).
    pub call_latency: SimDuration,
    pub call_draw: f64,
    pub call: Call,
    /// 0 for the first attempt of a request, then 1, 2, ... for its retries.
    pub attempt: u8,
    /// `[chaos]`: the fraction of its service after which the job panics; negative: it does not.
    pub panic_at: f32,
    /// When this attempt's client gives up (`SimTime::MAX` without a deadline).
    pub deadline_at: SimTime,
    /// `[hedge]`: the other copy of the same request while both are out (key, generation).
    pub twin: Option<(JobKey, u32)>,
    /// This job is the hedge: the second copy of its request.
    pub hedge: bool,
    /// The request's number in its run (retries keep it): a pipeline stage draws the item's work
    /// from it, so every run of a seed sees the same work whatever the order of service.
    pub serial: u64,
    /// When it reached the pipeline stage it is in (its arrival, for the first pool).
    pub entered: SimTime,
    /// Its client gave up while it was in a later pipeline stage; it is finished unanswered.
    pub given_up: bool,
    /// The lane (shard) of the first pool that serves it.
    pub lane: u16,
    /// Stations it has left so far (the pool is its first): which routing and stage-work draws
    /// it is at.
    pub hops: u16,
}

pub use crate::dependency::Call;

#[derive(Debug, Default)]
pub struct JobSlab {
    jobs: Vec<Job>,
    free: Vec<JobKey>,
}

impl JobSlab {
    pub fn insert(&mut self, mut job: Job) -> JobKey {
        match self.free.pop() {
            Some(key) => {
                job.generation = self.jobs[key as usize].generation;
                self.jobs[key as usize] = job;
                key
            }
            None => {
                job.generation = 0;
                self.jobs.push(job);
                (self.jobs.len() - 1) as JobKey
            }
        }
    }

    pub fn get(&self, key: JobKey) -> &Job {
        &self.jobs[key as usize]
    }

    pub fn get_mut(&mut self, key: JobKey) -> &mut Job {
        &mut self.jobs[key as usize]
    }

    pub fn remove(&mut self, key: JobKey) -> Job {
        let slot = &mut self.jobs[key as usize];
        let job = *slot;
        slot.state = JobState::Free;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(key);
        job
    }

    /// Jobs in the slab (in the system, or waiting outside it for a token or a retry).
    pub fn len(&self) -> usize {
        self.jobs.len() - self.free.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every job in the slab.
    pub fn live(&self) -> impl Iterator<Item = &Job> {
        self.jobs.iter().filter(|job| job.state != JobState::Free)
    }

    /// True if `key` still holds the job that had `generation`.
    pub fn is_current(&self, key: JobKey, generation: u32) -> bool {
        let job = &self.jobs[key as usize];
        job.generation == generation && job.state != JobState::Free
    }
}

/// Waiting jobs: one deque per priority level (level 0 is served first).
#[derive(Debug)]
pub struct JobQueue {
    levels: Vec<VecDeque<JobKey>>,
    lifo: bool,
    live: usize,
    /// Fair queuing: one level per class served by smooth weighted round-robin (nginx's
    /// algorithm) with these weights, instead of strict level order.
    fair: Option<Fair>,
}

impl JobQueue {
    pub fn new(levels: usize, lifo: bool) -> Self {
        JobQueue {
            levels: (0..levels.max(1)).map(|_| VecDeque::new()).collect(),
            lifo,
            live: 0,
            fair: None,
        }
    }

    /// One level per class, served in proportion to `weights` (fair queuing across tenants).
    pub fn fair(weights: Vec<f64>) -> Self {
        let levels = weights.len().max(1);
        JobQueue {
            levels: (0..levels).map(|_| VecDeque::new()).collect(),
            lifo: false,
            live: 0,
            fair: Some(Fair::new(weights)),
        }
    }

    /// Jobs actually waiting (tombstones excluded).
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    pub fn push(&mut self, level: usize, key: JobKey) {
        self.levels[level].push_back(key);
        self.live += 1;
    }

    /// Puts a job back where it is served next (a preempted job).
    pub fn push_next(&mut self, level: usize, key: JobKey) {
        if self.lifo {
            self.levels[level].push_back(key);
        } else {
            self.levels[level].push_front(key);
        }
        self.live += 1;
    }

    /// The jobs waiting, in the order they would be served (each level in turn, first-in or
    /// last-in first; fair queuing's interleaving is not replayed), tombstones skipped. For
    /// watching only: the engine never reads it.
    pub fn waiting<'a>(&'a self, slab: &'a JobSlab) -> impl Iterator<Item = JobKey> + 'a {
        self.levels
            .iter()
            .flat_map(move |level| {
                let (front, back) = (level.iter(), level.iter().rev());
                let ordered: Box<dyn Iterator<Item = &JobKey>> = if self.lifo {
                    Box::new(back)
                } else {
                    Box::new(front)
                };
                ordered
            })
            .copied()
            .filter(move |&key| slab.get(key).state != JobState::Tombstone)
    }

    /// Records that a queued job became a tombstone.
    pub fn mark_gone(&mut self) {
        self.live -= 1;
    }

    /// The next job to serve: highest level first, FIFO or LIFO within it. Frees tombstones passed.
    pub fn pop_next(&mut self, slab: &mut JobSlab) -> Option<JobKey> {
        if self.live == 0 {
            self.clear_tombstones(slab);
            return None;
        }
        if self.fair.is_some() {
            return self.pop_fair(slab);
        }
        for level in 0..self.levels.len() {
            loop {
                let key = if self.lifo {
                    self.levels[level].pop_back()
                } else {
                    self.levels[level].pop_front()
                };
                let Some(key) = key else { break };
                if slab.get(key).state == JobState::Tombstone {
                    slab.remove(key);
                    continue;
                }
                self.live -= 1;
                return Some(key);
            }
        }
        None
    }

    fn pop_fair(&mut self, slab: &mut JobSlab) -> Option<JobKey> {
        loop {
            let non_empty: Vec<bool> = self.levels.iter().map(|level| !level.is_empty()).collect();
            let level = self.fair.as_mut()?.pick(&non_empty)?;
            let key = self.levels[level].pop_front()?;
            if slab.get(key).state == JobState::Tombstone {
                slab.remove(key);
                continue;
            }
            self.live -= 1;
            return Some(key);
        }
    }

    /// The victim of drop-oldest: the oldest job of the least important level, or under fair
    /// queuing the oldest of the longest queue (the tenant taking the most room pays).
    pub fn pop_oldest(&mut self, slab: &mut JobSlab) -> Option<JobKey> {
        if self.fair.is_some() {
            let longest =
                (0..self.levels.len()).max_by_key(|&l| (self.levels[l].len(), usize::MAX - l))?;
            while let Some(key) = self.levels[longest].pop_front() {
                if slab.get(key).state == JobState::Tombstone {
                    slab.remove(key);
                    continue;
                }
                self.live -= 1;
                return Some(key);
            }
        }
        for level in (0..self.levels.len()).rev() {
            while let Some(key) = self.levels[level].pop_front() {
                if slab.get(key).state == JobState::Tombstone {
                    slab.remove(key);
                    continue;
                }
                self.live -= 1;
                return Some(key);
            }
        }
        None
    }

    fn clear_tombstones(&mut self, slab: &mut JobSlab) {
        for level in &mut self.levels {
            for key in level.drain(..) {
                slab.remove(key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        Job {
            twin: None,
            hedge: false,
            class: 0,
            producer: 0,
            arrived: SimTime::ZERO,
            started: SimTime::ZERO,
            service: SimDuration::ZERO,
            measured: true,
            state: JobState::Queued,
            generation: 0,
            admitted: SimTime::ZERO,
            inflight_at_admit: 0,
            holds_permit: false,
            call_latency: SimDuration::ZERO,
            call_draw: 0.0,
            call: Call::None,
            attempt: 0,
            panic_at: -1.0,
            deadline_at: SimTime::MAX,
            serial: 0,
            entered: SimTime::ZERO,
            given_up: false,
            lane: 0,
            hops: 0,
        }
    }

    #[test]
    fn slab_reuses_slots_with_a_new_generation() {
        let mut slab = JobSlab::default();
        let a = slab.insert(job());
        let generation = slab.get(a).generation;
        slab.remove(a);
        assert!(!slab.is_current(a, generation));
        let b = slab.insert(job());
        assert_eq!(a, b);
        assert!(!slab.is_current(b, generation));
        assert!(slab.is_current(b, slab.get(b).generation));
    }

    #[test]
    fn queue_serves_levels_in_order_and_skips_tombstones() {
        let mut slab = JobSlab::default();
        let mut queue = JobQueue::new(2, false);
        let keys: Vec<_> = (0..4).map(|_| slab.insert(job())).collect();
        queue.push(1, keys[0]);
        queue.push(0, keys[1]);
        queue.push(1, keys[2]);
        queue.push(0, keys[3]);
        slab.get_mut(keys[1]).state = JobState::Tombstone;
        queue.mark_gone();
        assert_eq!(queue.len(), 3);
        assert_eq!(queue.pop_next(&mut slab), Some(keys[3]));
        assert_eq!(queue.pop_oldest(&mut slab), Some(keys[0]));
        assert_eq!(queue.pop_next(&mut slab), Some(keys[2]));
        assert_eq!(queue.pop_next(&mut slab), None);
        assert!(queue.is_empty());
    }

    #[test]
    fn fair_queuing_serves_levels_by_weight() {
        let mut slab = JobSlab::default();
        let mut queue = JobQueue::fair(vec![3.0, 1.0]);
        let mut level_of = std::collections::HashMap::new();
        for i in 0..40 {
            let key = slab.insert(job());
            queue.push(i % 2, key);
            level_of.insert(key, i % 2);
        }
        let served: Vec<usize> = (0..8)
            .map(|_| level_of[&queue.pop_next(&mut slab).unwrap()])
            .collect();
        assert_eq!(served.iter().filter(|&&l| l == 0).count(), 6, "{served:?}");
        assert_eq!(served.iter().filter(|&&l| l == 1).count(), 2, "{served:?}");
    }

    #[test]
    fn lifo_serves_the_newest_first() {
        let mut slab = JobSlab::default();
        let mut queue = JobQueue::new(1, true);
        let keys: Vec<_> = (0..3).map(|_| slab.insert(job())).collect();
        for &key in &keys {
            queue.push(0, key);
        }
        assert_eq!(queue.pop_next(&mut slab), Some(keys[2]));
        assert_eq!(queue.pop_oldest(&mut slab), Some(keys[0]));
    }
}
