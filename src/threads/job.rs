//! What travels between the runtime's threads: jobs through the real queue, and records of
//! what happened (with the instant it happened) to the collector that measures them.

use crate::policy::RejectReason;
use crate::report::recorder::FailReason;
use crate::workload::JobDraw;
use crossbeam_channel::Sender;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One attempt of a request, on its way through admission, the queue and a worker.
#[derive(Debug)]
pub struct Job {
    pub class: u16,
    /// The request's scheduled send time: latency counts from here, even when the producer was
    /// late or blocked (no coordinated omission), and across retries.
    pub intended: Instant,
    pub measured: bool,
    pub draw: JobDraw,
    /// When this attempt's client gives up.
    pub deadline: Option<Instant>,
    /// 0 for the first attempt.
    pub attempt: u32,
    /// Its place under the concurrency limit and its class's bulkhead, once admitted.
    pub permit: Option<crate::admission::Permit>,
    /// No worker was free when it entered the queue.
    pub waited: bool,
    /// A closed-loop client waiting for this request; it hears when the job is dropped.
    pub reply: Option<Box<Reply>>,
    /// The request's number in the run, from 1 (its work in later stages is drawn from it).
    pub serial: u64,
    /// When this attempt reached the pool (its time in the first stage counts from here).
    pub entered: Instant,
    /// The lane that serves it (`pool.shards`, classes' own pools; 0 with one lane), chosen
    /// when the request arrives and kept across retries, as in the simulator.
    pub lane: u16,
}

/// A pipeline's item between stages: the job, when the pool started it, and when it entered
/// the stage it is in.
#[derive(Debug)]
pub struct StageItem {
    pub job: Job,
    pub started: Instant,
    pub entered: Instant,
    /// Stations it has left so far (the pool is its first), as the simulator counts them.
    pub hops: u16,
}

/// Answers a closed-loop client when the request's fate is sealed — completed, failed, refused,
/// timed out, dropped or abandoned — because that is exactly when the job is dropped.
#[derive(Debug)]
pub struct Reply {
    pub answer: Sender<()>,
    /// When the client stops waiting for the current attempt, in nanoseconds after the run's
    /// start (`u64::MAX`: no deadline, e.g. during a retry's backoff). Retries move it.
    pub deadline: Arc<AtomicU64>,
}

impl Reply {
    pub fn set_deadline(&self, deadline: Option<Instant>, start: Instant) {
        let nanos = deadline.map_or(u64::MAX, |deadline| {
            deadline.saturating_duration_since(start).as_nanos() as u64
        });
        self.deadline.store(nanos, Ordering::Relaxed);
    }
}

impl Drop for Reply {
    fn drop(&mut self) {
        let _ = self.answer.try_send(());
    }
}

/// Something that happened at `at`. The collector sorts records by time before measuring them.
#[derive(Debug, Clone, Copy)]
pub struct Record {
    pub at: Instant,
    pub what: What,
}

#[derive(Debug, Clone, Copy)]
pub enum What {
    /// A producer generated a request; `last` when it was the run's last customer.
    Arrival {
        class: u16,
        measured: bool,
        last: bool,
    },
    /// A job entered lane `lane`'s queue.
    Enqueued {
        lane: u16,
    },
    /// A job left lane `lane`'s queue without being served (evicted, or found expired).
    LeftQueue {
        lane: u16,
    },
    /// A worker of lane `lane` took a job from its queue and started on it.
    Started {
        lane: u16,
    },
    /// A worker of lane `lane` is done with its job (whatever the outcome), `residence` after
    /// the attempt reached the pool.
    Finished {
        lane: u16,
        measured: bool,
        residence: Duration,
    },
    /// A job is waiting outside the queue: a blocked sender, a rate-limit delay, a retry backoff.
    Blocked,
    Unblocked,
    /// The request's final outcome: exactly one per arrival, unless the run is cut short.
    Outcome {
        class: u16,
        measured: bool,
        outcome: Outcome,
    },
    /// A failed attempt will be tried again.
    Retry {
        measured: bool,
    },
    /// Work done for a client that had given up, or cut short at the end of the run.
    Wasted {
        measured: bool,
        work: Duration,
    },
    WorkerUp {
        lane: u16,
    },
    WorkerDown {
        lane: u16,
    },
    /// A pool worker (of lane `lane`) finished its item but the next stage has no room: it
    /// holds the item.
    Held {
        lane: u16,
    },
    /// The held item was handed on.
    Released {
        lane: u16,
    },
    /// An item entered later stage `stage` (0: the stage after the pool), its buffer or a worker.
    StageEntered {
        stage: u16,
    },
    /// A worker of later stage `stage` took an item.
    StageStarted {
        stage: u16,
    },
    /// A worker of later stage `stage` finished its work on an item (and holds it until the
    /// next stage takes it, or answers the request at the last stage).
    StageWorked {
        stage: u16,
    },
    /// An item left pipeline stage `position` (0: the pool) after `residence` in it.
    StageLeft {
        position: u16,
        measured: bool,
        residence: Duration,
    },
}

#[derive(Debug, Clone, Copy)]
pub enum Outcome {
    Completed {
        latency: Duration,
        wait: Duration,
        service: Duration,
        waited: bool,
    },
    Rejected(RejectReason),
    TimedOut,
    Dropped,
    Failed(FailReason),
}
