//! The way in: admission (token bucket, bulkheads, the concurrency limit), the overflow policy
//! on the real bounded queue, and the fates of jobs that do not complete (refused, timed out,
//! failed — or retried after a backoff in the delay line).
//!
//! Every decision is made by the same sans-IO policy objects the simulator uses, fed with
//! `Clock::now()` instead of simulated time. They live together in one [`Gate`] behind a mutex:
//! a job takes it at admission and release (and around its downstream call, if the scenario has
//! one), which costs far less than the queue.

use super::job::{Job, Outcome, Record, What};
use super::Shared;
use crate::admission::{AdmissionCore, Arrival, RateDecision, Unsuccessful};
use crate::policy::retry::Setback;
use crate::policy::{Admission, Offer, Overflow, OverflowPolicy, RejectReason};
use crate::time::SimDuration;
use crossbeam_channel::{Receiver, RecvTimeoutError, SendTimeoutError, TrySendError};
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Records a thread keeps before sending them on.
const BATCH: usize = 64;

thread_local! {
    static OUTBOX: std::cell::RefCell<Vec<Record>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The policies' shared state.
pub struct Gate {
    /// Each lane's overflow policy state (one lane unless the pool is split).
    pub overflow: Vec<Overflow>,
    /// The rate limit, bulkheads, limiter permits and retry decisions: the simulator's own.
    pub admission: AdmissionCore,
    /// The downstream, its breaker and its limit: the simulator's own.
    pub dependency: crate::dependency::Dependency,
}

/// Why a job waits in the delay line, and so where it goes when its time comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// It waited for a rate-limit token: on to the bulkhead and limiter.
    Token,
    /// A retry's backoff is over: through admission again, as a new attempt.
    Retry,
}

/// A job waiting for a slot in the queue, until `patience` runs out.
pub struct BlockedSender {
    pub job: Job,
    pub patience: Option<Instant>,
}

pub struct Delayed {
    pub due: Instant,
    pub resume: Resume,
    pub job: Job,
}

impl Shared {
    /// Notes what happened. Records are batched per thread and sent when the batch is full or
    /// the thread is about to wait ([`Shared::flush`]), so the collector gets them in time.
    pub fn emit(&self, at: Instant, what: What) {
        let full = OUTBOX.with_borrow_mut(|outbox| {
            outbox.push(Record { at, what });
            outbox.len() >= BATCH
        });
        if full {
            self.flush();
        }
    }

    /// Sends this thread's batch of records; call before anything that may wait.
    pub fn flush(&self) {
        let batch = OUTBOX.with_borrow_mut(std::mem::take);
        if !batch.is_empty() {
            let _ = self.records.send(batch);
        }
    }

    fn outcome(&self, at: Instant, job: &Job, outcome: Outcome) {
        self.emit(
            at,
            What::Outcome {
                class: job.class,
                measured: job.measured,
                outcome,
            },
        );
    }

    /// Admission, step one: the token bucket refuses, delays or passes the job on.
    pub fn submit(&self, job: Job) {
        if self.config.rate_limit.is_none() && self.config.admission.is_none() {
            return self.through_limits(job);
        }
        let now = Instant::now();
        // A delayed job never waits for its token past its client's deadline.
        let patience = job.deadline.map_or(SimDuration::MAX, |deadline| {
            self.clock
                .scenario_duration(deadline.saturating_duration_since(now))
        });
        let arrival = Arrival {
            class: job.class as usize,
            attempt: job.attempt,
            // Counted only for an admission policy, the one reader (the token bucket is not).
            queued: if self.config.admission.is_some() {
                self.lanes.iter().map(|lane| lane.queue.len()).sum()
            } else {
                0
            },
        };
        let decision = self.gate().admission.through_rate_limit(
            self.clock.scenario_time(now),
            arrival,
            patience,
        );
        match decision {
            RateDecision::Pass => self.through_limits(job),
            RateDecision::Denied => self.refuse(job, RejectReason::Admission),
            RateDecision::Refuse => self.refuse(job, RejectReason::RateLimited),
            RateDecision::Wait(wait) => {
                self.emit(now, What::Blocked);
                self.delay(Delayed {
                    due: now + self.clock.real(wait),
                    resume: Resume::Token,
                    job,
                });
            }
        }
    }

    /// Admission, step two: the class's bulkhead and the concurrency limiter. A job that passes
    /// holds a permit until it leaves.
    fn through_limits(&self, mut job: Job) {
        let class = job.class as usize;
        let mut gate = self.gate();
        if !gate.admission.limits(class) {
            drop(gate);
            return self.offer(job);
        }
        let now = self.clock.scenario_time(Instant::now());
        match gate.admission.admit(now, class) {
            Err(reason) => {
                drop(gate);
                self.refuse(job, reason)
            }
            Ok(permit) => {
                drop(gate);
                job.permit = Some(permit);
                self.offer(job);
            }
        }
    }

    /// The policies' state, for one decision.
    pub(super) fn gate(&self) -> std::sync::MutexGuard<'_, Gate> {
        self.gate.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The job's lane's queue: a free slot (or a waiting worker) takes the job; otherwise the
    /// lane's overflow policy decides, realised with the channel's own operations.
    fn offer(&self, job: Job) {
        let watermark = matches!(self.config.queue.overflow, OverflowPolicy::Watermark { .. });
        let mut job = job;
        let index = job.lane;
        let lane = &self.lanes[index as usize];
        // The simulator hands a job to an idle worker before consulting the policy; a watermark
        // also sees every offer while anything waits.
        job.waited = lane.idle.load(Ordering::Relaxed) == 0;
        if !watermark || lane.queue.is_empty() {
            let at = Instant::now();
            match lane.queue.try_send(job) {
                Ok(()) => return self.emit(at, What::Enqueued { lane: index }),
                Err(TrySendError::Full(back)) => job = back,
                Err(TrySendError::Disconnected(_)) => return,
            }
        }
        let now = Instant::now();
        let decision = {
            let mut gate = self.gate();
            gate.overflow[index as usize].on_offer(
                self.clock.scenario_time(now),
                lane.queue.len(),
                self.config.queue.capacity,
                Offer {
                    class: job.class as usize,
                    attempt: job.attempt,
                },
            )
        };
        match decision {
            Admission::Enqueue => self.try_enqueue(job),
            Admission::EvictOldestThenEnqueue => {
                if let Some(oldest) = lane.queue.try_recv_oldest() {
                    let at = Instant::now();
                    self.emit(at, What::LeftQueue { lane: index });
                    self.release_permit(&oldest, true);
                    if let Some(oldest) = self.retry(oldest, Setback::Dropped) {
                        self.outcome(at, &oldest, Outcome::Dropped);
                    }
                }
                self.try_enqueue(job);
            }
            Admission::Reject(reason) => self.refuse(job, reason),
            Admission::Wait { give_up_at } => {
                let give_up = give_up_at.map(|at| self.clock.instant(at));
                self.block(job, give_up);
            }
        }
    }

    fn try_enqueue(&self, job: Job) {
        let at = Instant::now();
        let lane = job.lane;
        match self.lanes[lane as usize].queue.try_send(job) {
            Ok(()) => self.emit(at, What::Enqueued { lane }),
            Err(TrySendError::Full(job)) => self.refuse(job, RejectReason::QueueFull),
            Err(TrySendError::Disconnected(_)) => {}
        }
    }

    /// A sender waits for a slot (`block`, `timeout`) in its lane's line of blocked senders, as
    /// each request would in its own goroutine: the producer moves on to its next arrival.
    fn block(&self, mut job: Job, give_up: Option<Instant>) {
        job.waited = true;
        self.emit(Instant::now(), What::Blocked);
        let patience = match (give_up, job.deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let line = &self.lanes[job.lane as usize].blocked_tx;
        let _ = line.send(BlockedSender { job, patience });
    }

    /// A blocked sender's patience ran out: its client's deadline, or the `timeout` policy's.
    fn give_up(&self, now: Instant, job: Job) {
        self.emit(now, What::Unblocked);
        if job.deadline.is_some_and(|deadline| now >= deadline) {
            self.release_permit(&job, true);
            self.timed_out(now, job)
        } else {
            self.refuse(job, RejectReason::BlockTimeout)
        }
    }

    /// Refuses a job: its client retries, or it is rejected for `reason`.
    pub fn refuse(&self, job: Job, reason: RejectReason) {
        self.release_permit(&job, true);
        if let Some(job) = self.retry(job, Setback::Rejected(reason)) {
            self.outcome(Instant::now(), &job, Outcome::Rejected(reason));
        }
    }

    /// The client gave up on this attempt: it retries, or the request times out.
    pub fn timed_out(&self, at: Instant, job: Job) {
        if let Some(job) = self.retry(job, Setback::TimedOut) {
            self.outcome(at, &job, Outcome::TimedOut);
        }
    }

    /// A served attempt did not succeed: it retries, or the request fails.
    pub fn failed(&self, at: Instant, job: Job, reason: crate::report::recorder::FailReason) {
        if let Some(job) = self.retry(job, Setback::Failed(reason)) {
            self.outcome(at, &job, Outcome::Failed(reason));
        }
    }

    pub fn completed(&self, at: Instant, job: &Job, started: Instant) {
        self.outcome(
            at,
            job,
            Outcome::Completed {
                latency: at.saturating_duration_since(job.intended),
                wait: started.saturating_duration_since(job.intended),
                service: at.saturating_duration_since(started),
                waited: job.waited,
            },
        );
    }

    /// Gives back a job's permits and tells the limiter how the job went.
    pub fn release_permit(&self, job: &Job, dropped: bool) {
        let Some(permit) = job.permit else { return };
        let now = self.clock.scenario_time(Instant::now());
        self.gate()
            .admission
            .release(now, job.class as usize, permit, dropped);
    }

    /// Schedules another attempt after a backoff if the retry policy allows one; gives the job
    /// back (`Some`) otherwise.
    fn retry(&self, mut job: Job, setback: Setback) -> Option<Job> {
        if self.config.retry.is_none() {
            return Some(job);
        }
        let stopping = self.stopping.load(Ordering::Relaxed);
        let attempt = Unsuccessful {
            class: job.class as usize,
            attempt: job.attempt,
            setback,
        };
        let now = self.clock.scenario_time(Instant::now());
        let plan = self.gate().admission.retry(now, attempt, stopping);
        let Some(plan) = plan else {
            return Some(job);
        };
        if let Some((call_latency, call_draw)) = plan.call {
            job.draw.call_latency = call_latency;
            job.draw.call_draw = call_draw;
        }
        job.attempt += 1;
        job.permit = None;
        if let Some(reply) = &job.reply {
            reply.set_deadline(None, self.clock.start());
        }
        let now = Instant::now();
        self.emit(
            now,
            What::Retry {
                measured: job.measured,
            },
        );
        self.emit(now, What::Blocked);
        self.delay(Delayed {
            due: now + self.clock.real(plan.delay),
            resume: Resume::Retry,
            job,
        });
        None
    }

    fn delay(&self, delayed: Delayed) {
        let _ = self.timer_tx.send(delayed);
    }

    /// A job's wait outside the queue is over.
    pub(super) fn resume(&self, delayed: Delayed) {
        let Delayed {
            resume, mut job, ..
        } = delayed;
        let now = Instant::now();
        self.emit(now, What::Unblocked);
        match resume {
            Resume::Token => self.through_limits(job),
            Resume::Retry => {
                job.entered = now;
                job.deadline = self.config.classes[job.class as usize]
                    .deadline
                    .map(|deadline| now + self.clock.real(deadline));
                if let Some(reply) = &job.reply {
                    reply.set_deadline(job.deadline, self.clock.start());
                }
                self.submit(job)
            }
        }
    }
}

/// Lane `lane`'s line of blocked senders: the oldest gets the next free slot in the lane's queue,
/// each gives up when its patience runs out. Runs on a thread of its own (one per lane), so
/// neither a producer, the delay line nor another lane's senders ever wait for this queue.
/// Senders still waiting at shutdown are abandoned.
pub fn blocked_line(shared: &Shared, lane: usize, incoming: Receiver<BlockedSender>) {
    let queue = &shared.lanes[lane].queue;
    let label = lane as u16;
    let mut line: VecDeque<BlockedSender> = VecDeque::new();
    // The soonest instant any sender in the line gives up: the line is scanned only then.
    let mut next_give_up: Option<Instant> = None;
    let soonest = |a: Option<Instant>, b: Option<Instant>| match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    while !shared.abort.load(Ordering::Relaxed) {
        for blocked in incoming.try_iter() {
            next_give_up = soonest(next_give_up, blocked.patience);
            line.push_back(blocked);
        }
        let now = Instant::now();
        if next_give_up.is_some_and(|at| now >= at) {
            next_give_up = None;
            for blocked in std::mem::take(&mut line) {
                if blocked.patience.is_some_and(|p| now >= p) {
                    shared.give_up(now, blocked.job);
                } else {
                    next_give_up = soonest(next_give_up, blocked.patience);
                    line.push_back(blocked);
                }
            }
        }
        let Some(oldest) = line.pop_front() else {
            shared.flush();
            match incoming.recv_deadline(now + Duration::from_millis(20)) {
                Ok(blocked) => {
                    next_give_up = soonest(next_give_up, blocked.patience);
                    line.push_back(blocked);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            continue;
        };
        // Wake at least every few milliseconds to take in new senders and notice an abort.
        let slice = now + Duration::from_millis(5);
        let until = soonest(Some(slice), next_give_up).unwrap_or(slice);
        let patience = oldest.patience;
        shared.flush();
        match queue.send_deadline(oldest.job, until) {
            Ok(()) => {
                let at = Instant::now();
                shared.emit(at, What::Unblocked);
                shared.emit(at, What::Enqueued { lane: label });
            }
            Err(SendTimeoutError::Timeout(job)) => line.push_front(BlockedSender { job, patience }),
            Err(SendTimeoutError::Disconnected(_)) => break,
        }
    }
    shared.flush();
}
