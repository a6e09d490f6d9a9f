//! Autoscalers: decide the pool size from what the pool looks like now.
//!
//! The engine calls [`Autoscaler::on_tick`] every [`Autoscaler::interval`] with a [`PoolSignals`]
//! snapshot and applies the size it returns (growing at once, shrinking per the scenario's
//! scale-down semantics). Wait-time based scalers also see every completed job through
//! [`Autoscaler::on_job_done`]. New autoscalers implement this trait; the engine does not change.

pub mod hpa;
pub mod multi_signal;
pub mod pid;
pub mod queue_depth;
pub mod wait_time;

pub use hpa::{HpaAutoscaler, HpaConfig};
pub use multi_signal::{MultiSignalAutoscaler, MultiSignalConfig};
pub use pid::{Pid, PidAutoscaler, PidConfig};
pub use queue_depth::{QueueDepthAutoscaler, QueueDepthConfig};
pub use wait_time::{WaitTimeAutoscaler, WaitTimeConfig};

use crate::time::{SimDuration, SimTime};

/// What an autoscaler may look at on a tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoolSignals {
    pub now: SimTime,
    /// The pool's target size (the last size decided).
    pub size: usize,
    /// Workers currently running a job.
    pub busy: usize,
    /// Jobs waiting in the queue.
    pub queued: usize,
    /// Waiting slots, `None` when unbounded.
    pub capacity: Option<usize>,
    /// Busy worker-time divided by available worker-time since the previous tick, in [0, 1].
    pub utilization: f64,
    /// Failed jobs / finished jobs since the previous tick (0 when none finished).
    pub error_rate: f64,
}

impl PoolSignals {
    /// Queue length as a fraction of capacity (0 for unbounded queues, 1 for zero-slot queues with
    /// anybody waiting).
    pub fn queue_fill(&self) -> f64 {
        match self.capacity {
            Some(0) if self.queued > 0 => 1.0,
            Some(0) => 0.0,
            Some(capacity) => self.queued as f64 / capacity as f64,
            None => 0.0,
        }
    }
}

/// A pool-sizing policy. Sans-IO: everything it knows arrives as arguments.
pub trait Autoscaler: std::fmt::Debug + Send {
    /// How often the engine calls [`Autoscaler::on_tick`].
    fn interval(&self) -> SimDuration;

    /// Returns the new pool size, or `None` to keep the current one.
    fn on_tick(&mut self, signals: &PoolSignals) -> Option<usize>;

    /// Called for each completed job with its queue wait; the default ignores it.
    fn on_job_done(&mut self, _now: SimTime, _wait: SimDuration) {}

    /// The growth this tick asked for was not granted (a shared `autoscaler.budget` had no
    /// room): as in the seed's `Budget.Request`, a refused request starts no cooldown, so the
    /// pool may ask again at the next tick. The default (no cooldown) ignores it.
    fn growth_refused(&mut self) {}

    /// Why the last decision failed, if it did (only learner-written policies fail); the
    /// runtime asks after every tick and stops the run on a fault.
    fn take_fault(&mut self) -> Option<super::PolicyFault> {
        None
    }

    /// What a learner's script printed: (simulated seconds, text), its first lines only.
    fn printed(&self) -> Vec<(f64, String)> {
        Vec::new()
    }
}

/// Combines an autoscaler's decision with the predictive floor (seed book 003, task 18):
/// size = max(predicted, reactive). Returns the size to apply, if it changes anything.
pub fn with_floor(decision: Option<usize>, floor: usize, current: usize) -> Option<usize> {
    match decision {
        Some(size) => Some(size.max(floor)),
        None if floor > current => Some(floor),
        None => None,
    }
}

/// How far a step-based autoscaler moves: fixed steps, or AIMD (seed book 003, task 8: grow by
/// one, shrink by a quarter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepPolicy {
    Fixed { up: usize, down: usize },
    Aimd,
}

impl StepPolicy {
    pub fn grow(self, size: usize) -> usize {
        match self {
            StepPolicy::Fixed { up, .. } => size + up,
            StepPolicy::Aimd => size + 1,
        }
    }

    pub fn shrink(self, size: usize) -> usize {
        match self {
            StepPolicy::Fixed { down, .. } => size.saturating_sub(down),
            // A quarter, but at least one worker: cur − cur/4 alone would stall below 4.
            StepPolicy::Aimd => size - (size / 4).max(1),
        }
    }
}
