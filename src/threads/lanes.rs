//! The first pool's lanes on real threads: one queue with its workers, or one per shard or
//! class pool (`Config::lanes`), routed as the simulator routes.

use super::intake::BlockedSender;
use super::queue::RealQueue;
use super::Shared;
use crate::scenario::{Config, Discipline};
use crossbeam_channel::Sender;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One lane of the first pool: its own queue, overflow state (in the [`Gate`]), idle count and
/// line of blocked senders, so a full or blocked lane never holds up another.
pub(crate) struct Lane {
    pub(super) queue: RealQueue,
    /// Its workers waiting for a job right now.
    pub(super) idle: AtomicUsize,
    pub(super) blocked_tx: Sender<BlockedSender>,
}

/// A lane's queue: the scenario's `[queue]`, each lane its own.
pub(super) fn lane_queue(config: &Config) -> RealQueue {
    match config.queue.discipline {
        Discipline::Priority => RealQueue::levels(
            crate::workload::routing::priority_levels(config),
            config.queue.capacity,
        ),
        Discipline::Fair => RealQueue::fair(
            config.classes.iter().map(|class| class.weight).collect(),
            config.queue.capacity,
        ),
        _ => RealQueue::fifo(config.queue.capacity),
    }
}

impl Shared {
    /// The lane a new request of `class` goes to: the shard of a key it draws, or its class's
    /// pool (the simulator's `route`).
    pub(super) fn route(&self, class: u16, given_key: Option<u64>) -> u16 {
        let Some(keys) = self.keys else {
            return self.lane_of_class[class as usize] as u16;
        };
        let key = if let Some(key) = given_key {
            key
        } else {
            let mut rng = self.key_rng.lock().unwrap_or_else(|e| e.into_inner());
            crate::workload::routing::draw_key(&keys, &mut rng)
        };
        crate::workload::routing::shard_of(key, self.lanes.len()) as u16
    }

    /// Workers waiting for a job, in every lane.
    pub(super) fn idle(&self) -> usize {
        self.lanes
            .iter()
            .map(|lane| lane.idle.load(Ordering::Relaxed))
            .sum()
    }

    /// Nothing queued in any lane.
    pub(super) fn queues_empty(&self) -> bool {
        self.lanes.iter().all(|lane| lane.queue.is_empty())
    }
}
