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

pub mod alert;
pub mod autoscale;
pub mod breaker;
pub mod cooldown;
pub mod ewma;
pub mod fair;
pub mod limiter;
pub mod overflow;
pub mod token_bucket;

pub use overflow::{Admission, Overflow, OverflowPolicy, RejectReason};
