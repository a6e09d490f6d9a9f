//! The discrete-event simulation: virtual time, the event list, the jobs and the engine. What it
//! shares with the real-thread runtime (the workload, routing, the recorder, the policies) lives
//! outside, in `workload`, `report` and `policy`.

pub mod engine;
pub mod event_queue;
pub mod job_queue;
pub mod jobs;

pub use engine::{Engine, Snapshot, WatchView};
