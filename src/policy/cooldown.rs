//! Separate cooldowns for growing and shrinking (seed book 003, task 13: `AllowUp`, `AllowDown`,
//! `RecordUp`, `RecordDown`).
//!
//! Autoscalers usually want to grow fast and shrink slowly: a 2 s cooldown between grows and a 30 s
//! one between shrinks stops the pool from flapping. Keeping it a separate part means every
//! autoscaler gets the same, separately tested behaviour instead of its own copy.
//!
//! ```
//! use queuelab::policy::cooldown::Cooldown;
//! use queuelab::time::{SimDuration, SimTime};
//! let mut cooldown = Cooldown::new(SimDuration::from_secs(2), SimDuration::from_secs(30));
//! let t0 = SimTime::from_nanos(0);
//! assert!(cooldown.allow_up(t0));
//! cooldown.record_up(t0);
//! assert!(!cooldown.allow_up(t0 + SimDuration::from_secs(1)));
//! assert!(cooldown.allow_up(t0 + SimDuration::from_secs(2)));
//! assert!(cooldown.allow_down(t0), "shrinks have their own clock");
//! ```

use crate::time::{SimDuration, SimTime};

#[derive(Debug, Clone, PartialEq)]
pub struct Cooldown {
    up_after: SimDuration,
    down_after: SimDuration,
    last_up: Option<SimTime>,
    last_down: Option<SimTime>,
    /// `last_up` before the latest `record_up`, for [`Cooldown::undo_up`].
    up_before: Option<SimTime>,
}

impl Cooldown {
    pub fn new(up_after: SimDuration, down_after: SimDuration) -> Self {
        Cooldown {
            up_after,
            down_after,
            last_up: None,
            last_down: None,
            up_before: None,
        }
    }

    pub fn allow_up(&self, now: SimTime) -> bool {
        self.last_up.is_none_or(|last| now - last >= self.up_after)
    }

    pub fn allow_down(&self, now: SimTime) -> bool {
        self.last_down
            .is_none_or(|last| now - last >= self.down_after)
    }

    pub fn record_up(&mut self, now: SimTime) {
        self.up_before = self.last_up.replace(now);
    }

    /// The latest grow did not happen (a shared budget refused it): its cooldown does not run.
    pub fn undo_up(&mut self) {
        self.last_up = self.up_before.take();
    }

    pub fn record_down(&mut self, now: SimTime) {
        self.last_down = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undone_grow_leaves_the_previous_cooldown() {
        let mut cooldown = Cooldown::new(SimDuration::from_secs(2), SimDuration::from_secs(30));
        let at = |s: u64| SimTime::ZERO + SimDuration::from_secs(s);
        cooldown.record_up(at(0));
        cooldown.record_up(at(10));
        cooldown.undo_up();
        assert!(
            cooldown.allow_up(at(10)),
            "the refused grow at 10 s runs no cooldown"
        );
        cooldown.record_up(at(11));
        assert!(!cooldown.allow_up(at(12)));
        cooldown.undo_up();
        cooldown.undo_up();
        assert!(
            cooldown.allow_up(at(11)),
            "undoing twice forgets, never invents, a grow"
        );
    }
}
