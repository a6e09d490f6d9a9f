//! Policies: sans-IO state machines that decide, never act.
//!
//! A policy takes `now` and what happened as arguments and returns a decision; it never reads a
//! clock, sleeps, spawns or allocates per event. The discrete-event engine drives it with virtual
//! time, the real-thread runtime with `Instant` converted to [`SimTime`](crate::time::SimTime),
//! and the browser through the engine — so every mode runs literally the same policy code.
//!
//! * [`overflow`] — what to do with a job when the queue is full (reject, block, ..., watermark).
//! * [`cooldown`] — the reusable "not again so soon" guard autoscalers share.
//! * [`autoscale`] — the [`autoscale::Autoscaler`] trait and its implementations.

pub mod admit;
pub mod alert;
pub mod autoscale;
pub mod breaker;
pub mod cooldown;
pub mod ewma;
pub mod fair;
pub mod limiter;
pub mod overflow;
pub mod retry;
pub mod token_bucket;

pub use overflow::{Admission, Offer, Overflow, OverflowPolicy, RejectReason};

use crate::time::SimTime;

/// A policy failed while deciding: a learner's script raised an error, ran past its limits or
/// returned something that is not a decision. Built-in policies never fail. The runtime that
/// hears of it stops the run there and reports it (a summary's `script_error`).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyFault {
    /// Which hook failed: `autoscaler`, `limiter`, ...
    pub hook: &'static str,
    /// 1-based line and column in the hook's code; 0 when the fault is in what it returned.
    pub line: usize,
    pub column: usize,
    /// Simulated time of the failing call.
    pub at: SimTime,
    pub message: String,
}

impl std::fmt::Display for PolicyFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::report::ScriptErrorSummary::from(self).fmt(f)
    }
}

/// Why a job that was served did not succeed. Names are the keys of `failed_by_reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailReason {
    /// The downstream call returned an error.
    DownstreamError,
    /// The circuit breaker was open: failed fast without calling.
    BreakerOpen,
    /// The task panicked (`[chaos]`); the worker survives.
    Panic,
    /// The dependency refused the call: it had `downstream.max_in_flight` calls already.
    DownstreamLimit,
}

impl FailReason {
    pub const ALL: [FailReason; 4] = [
        FailReason::DownstreamError,
        FailReason::BreakerOpen,
        FailReason::Panic,
        FailReason::DownstreamLimit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FailReason::DownstreamError => "downstream_error",
            FailReason::BreakerOpen => "breaker_open",
            FailReason::Panic => "panic",
            FailReason::DownstreamLimit => "downstream_limit",
        }
    }
}
