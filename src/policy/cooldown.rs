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
}

impl Cooldown {
    pub fn new(up_after: SimDuration, down_after: SimDuration) -> Self {
        Cooldown {
            up_after,
            down_after,
            last_up: None,
            last_down: None,
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
        self.last_up = Some(now);
    }

    pub fn record_down(&mut self, now: SimTime) {
        self.last_down = Some(now);
    }
}
