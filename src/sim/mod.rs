//! The discrete-event simulation: virtual time, the event list, workloads and the engine.

pub mod engine;
pub mod event_queue;
pub mod jobs;
pub mod metrics;
pub mod workload;

pub use engine::{expected_horizon_secs, sample_interval, Engine, Snapshot};
