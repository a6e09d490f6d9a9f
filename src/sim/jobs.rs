//! Job storage and the waiting queue.
//!
//! Jobs live in a slab (a vector with a free list) and everything else refers to them by a small
//! key; a generation counter per slot lets stale timer events (a deadline for a job long gone)
//! recognise themselves. The waiting queue is [`JobQueue`] (in `job_queue.rs`).

use crate::time::{SimDuration, SimTime};

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

pub use super::job_queue::JobQueue;

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(crate) fn job() -> Job {
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
}
