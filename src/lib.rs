//! # Queue Lab
//!
//! Learn and measure worker pools, queues, backpressure and autoscaling by experiment.
//!
//! ```text
//!  scenario TOML ──► scenario (serde raw → validated Config, file:line errors)
//!                               │
//!              ┌────────────────┴───────────────┐
//!              ▼                                ▼
//!     sim (pure DES engine)              policy (sans-IO state machines:
//!     virtual clock, seeded streams ◄──   overflow, cooldown, autoscalers)
//!              │
//!           report (histograms, counters, time series, Summary JSON)
//!              │
//!      cli (native: run / check / sweep, CSV, SVG charts)
//! ```
//!
//! The engine is deterministic: the same scenario and seed give bit-identical summaries natively
//! and in WebAssembly. Policies never read a clock; the engine drives them with virtual time.
//!
//! Modules:
//! * [`time`] — integer-nanosecond [`time::SimTime`] and [`time::SimDuration`], `"250ms"` parsing.
//! * [`rng`], [`dist`] — seeded streams and distributions with platform-independent maths.
//! * [`data`] — an engineer's own data: latency samples, histograms, arrival traces.
//! * [`policy`] — overflow policies, cooldowns, autoscalers.
//! * [`scenario`] — the scenario file format, parsed and validated.
//! * [`sim`] — the discrete-event engine with a stepping API.
//! * [`workload`] — what arrives, how big, which class and key, and where it goes: the plans both
//!   runtimes (the simulator and the real threads) draw from.
//! * [`report`] — histograms, the recorder, time series, the [`report::Summary`], replications.

pub mod admission;
pub mod course;
pub mod data;
pub mod dependency;
pub mod dist;
pub mod exercise;
pub mod fanout;
pub mod fit;
pub mod playground;
pub mod policy;
pub mod prerender;
pub mod report;
pub mod rng;
pub mod scenario;
#[cfg(feature = "script")]
pub mod script;
pub mod sim;
pub mod theory;
#[cfg(feature = "native")]
pub mod threads;
pub mod time;
pub mod workload;

pub mod chart;
#[cfg(feature = "native")]
pub mod cli;
#[cfg(target_arch = "wasm32")]
pub mod web;
