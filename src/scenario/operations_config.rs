//! The checked form of how a service is operated and how its clients behave beyond retries:
//! alerts, a graceful shutdown, hedged requests.

use crate::time::SimDuration;

/// An alert: fires when `signal` stays above `above` for `hold` (Prometheus' `for:`).
#[derive(Debug, Clone, PartialEq)]
pub struct AlertConfig {
    pub name: String,
    pub signal: AlertSignal,
    pub above: f64,
    pub hold: SimDuration,
}

/// What an alert watches, read after every event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertSignal {
    /// Jobs waiting in the queue.
    QueueLen,
    /// Jobs in the system: queued, in service, blocked, delayed.
    InSystem,
    /// Busy workers / workers in the pool, in [0, 1].
    Utilization,
}

impl AlertSignal {
    pub const NAMES: [&'static str; 3] = ["queue_len", "in_system", "utilization"];
}

/// A graceful shutdown (seed books 000 T16, 001 T9, 004 T14): at `at` the service stops taking
/// requests (producers stop, nothing is retried), and the work already inside — queued, blocked,
/// in service — may finish until `at + drain_timeout`; whatever is left then is abandoned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShutdownConfig {
    pub at: SimDuration,
    pub drain_timeout: SimDuration,
}

/// Hedged requests ("The Tail at Scale", Dean & Barroso 2013): a request still unanswered after
/// `delay` is sent again; the first copy to succeed answers it and the other is cancelled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HedgeConfig {
    pub delay: SimDuration,
}

/// A later stage of a pipeline (`[[stages]]`): the first stage is the scenario's own pool; each
/// item it finishes moves on through these in order, and only the last one answers the request —
/// unless `routes` send it elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct StageConfig {
    pub name: String,
    pub workers: usize,
    /// Items that may wait in front of this stage's workers; a full buffer blocks the sender.
    pub buffer: usize,
    pub service: crate::dist::Distribution,
    /// Where its items go next, by share (`routes`); empty: the next stage, or the answer
    /// after the last.
    pub routes: Vec<Route>,
}

/// Where an item goes when it leaves a station.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Later stage `i` (`stages[i]`), earlier ones included: a loop inside the system.
    Stage(usize),
    /// Out of the system: the request is answered.
    Exit,
}

/// One branch of a station's routing: `share` of its items go `to` (the shares sum to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Route {
    pub to: Next,
    pub share: f64,
}

/// `[keys]`: each request carries a key; a sharded pool (`pool.shards`) serves it on the shard
/// its key hashes to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeyConfig {
    /// Distinct keys, drawn uniformly...
    pub count: u64,
    /// ...except this share of requests, which all carry one hot key.
    pub hot_share: f64,
}
