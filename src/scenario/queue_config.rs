//! `[queue]` as the runtimes use it: its capacity, what a full queue does (a built-in policy or
//! the learner's `fn on_full(offer)`) and the discipline; and the overflow policy object both
//! runtimes build from it.

use super::Config;
use crate::policy::OverflowPolicy;

#[derive(Debug, Clone, PartialEq)]
pub struct QueueConfig {
    /// Waiting slots (not counting jobs in service); `None` is unbounded.
    pub capacity: Option<usize>,
    pub overflow: OverflowPolicy,
    /// `on_full = "script"`: the learner's `fn on_full(offer)`.
    pub code: Option<String>,
    pub discipline: Discipline,
}

impl Config {
    /// The overflow policy of a queue of this scenario, with its script (`on_full = "script"`).
    pub fn overflow(&self) -> crate::policy::Overflow {
        match self.queue.code.as_deref().and_then(full_queue_script) {
            Some(script) => crate::policy::Overflow::scripted(
                script,
                self.classes.iter().map(|c| c.name.clone()).collect(),
            ),
            None => crate::policy::Overflow::new(self.queue.overflow),
        }
    }
}

#[cfg(feature = "script")]
fn full_queue_script(code: &str) -> Option<Box<dyn crate::policy::overflow::FullQueuePolicy>> {
    Some(Box::new(crate::script::ScriptOverflow::checked(code)))
}

/// Without the script engine validation refuses `on_full = "script"`; should a config reach
/// here all the same, a full queue rejects.
#[cfg(not(feature = "script"))]
fn full_queue_script(_: &str) -> Option<Box<dyn crate::policy::overflow::FullQueuePolicy>> {
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discipline {
    Fifo,
    Lifo,
    /// Highest class priority first, FIFO within a priority.
    Priority,
    /// One queue per class, served in proportion to the classes' weights (weighted round-robin):
    /// fair queuing across tenants sharing a pool.
    Fair,
}
