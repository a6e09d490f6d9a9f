//! The multi-signal autoscaler of seed book 003, task 12: wait time, utilisation and queue depth
//! combined, with growth vetoed while errors are high (adding workers in front of a failing
//! dependency only fails faster). The rules, first match wins:
//!
//! | rule | action |
//! |---|---|
//! | error rate > `veto_error_rate` (10 %) | hold |
//! | utilisation > `grow_utilization` (0.85) | grow |
//! | p99 wait > `grow_wait_p99` (1 s) | grow |
//! | utilisation < `shrink_utilization` (0.30) and p99 wait < `shrink_wait_p99` (100 ms) | shrink |
//!
//! ```
//! use queuelab::policy::autoscale::{Autoscaler, MultiSignalAutoscaler, MultiSignalConfig, PoolSignals};
//! use queuelab::time::SimTime;
//! let mut scaler = MultiSignalAutoscaler::new(MultiSignalConfig::default());
//! let mut signals = PoolSignals {
//!     now: SimTime::ZERO, size: 4, busy: 4, queued: 0, capacity: None, utilization: 0.95, error_rate: 0.0,
//! };
//! assert_eq!(scaler.on_tick(&signals), Some(6));
//! signals.error_rate = 0.2;
//! signals.now = SimTime::from_nanos(10_000_000_000);
//! assert_eq!(scaler.on_tick(&signals), None, "vetoed");
//! ```

use super::wait_time::WaitWindow;
use super::{Autoscaler, PoolSignals, StepPolicy};
use crate::policy::cooldown::Cooldown;
use crate::time::{SimDuration, SimTime};

#[derive(Debug, Clone, PartialEq)]
pub struct MultiSignalConfig {
    pub interval: SimDuration,
    pub min_workers: usize,
    pub max_workers: usize,
    pub veto_error_rate: f64,
    pub grow_utilization: f64,
    pub grow_wait_p99: SimDuration,
    pub shrink_utilization: f64,
    pub shrink_wait_p99: SimDuration,
    pub window: usize,
    pub steps: StepPolicy,
    pub scale_up_cooldown: SimDuration,
    pub scale_down_cooldown: SimDuration,
}

impl Default for MultiSignalConfig {
    fn default() -> Self {
        MultiSignalConfig {
            interval: SimDuration::from_millis(500),
            min_workers: 2,
            max_workers: 32,
            veto_error_rate: 0.10,
            grow_utilization: 0.85,
            grow_wait_p99: SimDuration::from_secs(1),
            shrink_utilization: 0.30,
            shrink_wait_p99: SimDuration::from_millis(100),
            window: 1000,
            steps: StepPolicy::Fixed { up: 2, down: 1 },
            scale_up_cooldown: SimDuration::from_secs(2),
            scale_down_cooldown: SimDuration::from_secs(30),
        }
    }
}

#[derive(Debug, Clone)]
pub struct MultiSignalAutoscaler {
    config: MultiSignalConfig,
    cooldown: Cooldown,
    waits: WaitWindow,
    vetoes: u64,
}

impl MultiSignalAutoscaler {
    pub fn new(config: MultiSignalConfig) -> Self {
        let cooldown = Cooldown::new(config.scale_up_cooldown, config.scale_down_cooldown);
        MultiSignalAutoscaler {
            waits: WaitWindow::new(config.window),
            cooldown,
            config,
            vetoes: 0,
        }
    }

    /// How many ticks the error-rate veto held the pool.
    pub fn vetoes(&self) -> u64 {
        self.vetoes
    }
}

impl Autoscaler for MultiSignalAutoscaler {
    fn growth_refused(&mut self) {
        self.cooldown.undo_up();
    }

    fn interval(&self) -> SimDuration {
        self.config.interval
    }

    fn on_job_done(&mut self, _now: SimTime, wait: SimDuration) {
        self.waits.push(wait);
    }

    fn on_tick(&mut self, signals: &PoolSignals) -> Option<usize> {
        let config = &self.config;
        let (size, now) = (signals.size, signals.now);
        if signals.error_rate > config.veto_error_rate {
            self.vetoes += 1;
            return None;
        }
        let wait_p99 = self.waits.p99_and_mean().map_or(0.0, |(p99, _)| p99);
        let grow = signals.utilization > config.grow_utilization
            || wait_p99 > config.grow_wait_p99.as_secs_f64();
        if grow && size < config.max_workers && self.cooldown.allow_up(now) {
            self.cooldown.record_up(now);
            return Some(config.steps.grow(size).min(config.max_workers));
        }
        let shrink = signals.utilization < config.shrink_utilization
            && wait_p99 < config.shrink_wait_p99.as_secs_f64();
        if !grow && shrink && size > config.min_workers && self.cooldown.allow_down(now) {
            self.cooldown.record_down(now);
            return Some(config.steps.shrink(size).max(config.min_workers));
        }
        None
    }
}
