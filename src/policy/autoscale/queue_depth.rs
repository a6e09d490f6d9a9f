//! The queue-depth autoscaler of seed book 003, task 3.
//!
//! Every 500 ms: if the queue is more than 75 % full, grow by 2 (at most every 2 s); if utilisation
//! is below 10 %, shrink by 1 (at most every 30 s); always within [min, max]. Growing on the queue
//! and shrinking on utilisation is deliberate: a full queue is the clearest sign of too few
//! workers, idle workers the clearest sign of too many.
//!
//! ```
//! use queuelab::policy::autoscale::{Autoscaler, PoolSignals, QueueDepthAutoscaler, QueueDepthConfig};
//! use queuelab::time::SimTime;
//! let mut scaler = QueueDepthAutoscaler::new(QueueDepthConfig::default());
//! let busy_pool = PoolSignals {
//!     now: SimTime::ZERO, size: 4, busy: 4, queued: 80, capacity: Some(100), utilization: 1.0, error_rate: 0.0,
//! };
//! assert_eq!(scaler.on_tick(&busy_pool), Some(6));
//! ```

use super::{Autoscaler, PoolSignals, StepPolicy};
use crate::policy::cooldown::Cooldown;
use crate::policy::ewma::Ewma;
use crate::time::SimDuration;

#[derive(Debug, Clone, PartialEq)]
pub struct QueueDepthConfig {
    pub interval: SimDuration,
    pub min_workers: usize,
    pub max_workers: usize,
    /// Grow when the queue is fuller than this fraction of its capacity...
    pub scale_up_queue_fill: f64,
    /// ...or, for unbounded queues, longer than this many jobs.
    pub scale_up_queue_len: Option<usize>,
    /// How far each grow and shrink moves (fixed steps, or AIMD: +1 and −¼).
    pub steps: StepPolicy,
    pub scale_up_cooldown: SimDuration,
    /// Shrink when utilisation since the last tick is below this.
    pub scale_down_utilization: f64,
    pub scale_down_cooldown: SimDuration,
    /// EWMA weight for the utilisation signal; `None` acts on the raw value.
    pub smoothing: Option<f64>,
}

impl Default for QueueDepthConfig {
    /// The seed book's numbers.
    fn default() -> Self {
        QueueDepthConfig {
            interval: SimDuration::from_millis(500),
            min_workers: 2,
            max_workers: 32,
            scale_up_queue_fill: 0.75,
            scale_up_queue_len: None,
            steps: StepPolicy::Fixed { up: 2, down: 1 },
            scale_up_cooldown: SimDuration::from_secs(2),
            scale_down_utilization: 0.10,
            scale_down_cooldown: SimDuration::from_secs(30),
            smoothing: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct QueueDepthAutoscaler {
    config: QueueDepthConfig,
    cooldown: Cooldown,
    utilization: Option<Ewma>,
}

impl QueueDepthAutoscaler {
    pub fn new(config: QueueDepthConfig) -> Self {
        let cooldown = Cooldown::new(config.scale_up_cooldown, config.scale_down_cooldown);
        let utilization = config.smoothing.map(Ewma::new);
        QueueDepthAutoscaler {
            config,
            cooldown,
            utilization,
        }
    }

    fn queue_is_long(&self, signals: &PoolSignals) -> bool {
        match (signals.capacity, self.config.scale_up_queue_len) {
            (_, Some(len)) => signals.queued > len,
            (Some(_), None) => signals.queue_fill() > self.config.scale_up_queue_fill,
            (None, None) => false,
        }
    }
}

impl Autoscaler for QueueDepthAutoscaler {
    fn growth_refused(&mut self) {
        self.cooldown.undo_up();
    }

    fn interval(&self) -> SimDuration {
        self.config.interval
    }

    fn on_tick(&mut self, signals: &PoolSignals) -> Option<usize> {
        let utilization = match self.utilization.as_mut() {
            Some(ewma) => ewma.add(signals.utilization),
            None => signals.utilization,
        };
        let config = &self.config;
        let size = signals.size;
        if self.queue_is_long(signals)
            && size < config.max_workers
            && self.cooldown.allow_up(signals.now)
        {
            self.cooldown.record_up(signals.now);
            return Some(config.steps.grow(size).min(config.max_workers));
        }
        if utilization < config.scale_down_utilization
            && size > config.min_workers
            && self.cooldown.allow_down(signals.now)
        {
            self.cooldown.record_down(signals.now);
            return Some(config.steps.shrink(size).max(config.min_workers));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimTime;

    fn signals(at_ms: u64, size: usize, queued: usize, utilization: f64) -> PoolSignals {
        PoolSignals {
            now: SimTime::from_nanos(at_ms * 1_000_000),
            size,
            busy: size,
            queued,
            capacity: Some(100),
            utilization,
            error_rate: 0.0,
        }
    }

    #[test]
    fn grows_by_two_at_most_every_two_seconds() {
        let mut scaler = QueueDepthAutoscaler::new(QueueDepthConfig::default());
        let decisions: Vec<_> = [0, 500, 1_000, 1_500, 2_000]
            .iter()
            .map(|&ms| scaler.on_tick(&signals(ms, 4, 90, 1.0)))
            .collect();
        assert_eq!(decisions, [Some(6), None, None, None, Some(6)]);
    }

    #[test]
    fn a_refused_grow_starts_no_cooldown() {
        let mut scaler = QueueDepthAutoscaler::new(QueueDepthConfig::default());
        assert_eq!(scaler.on_tick(&signals(0, 4, 90, 1.0)), Some(6));
        scaler.growth_refused();
        assert_eq!(
            scaler.on_tick(&signals(500, 4, 90, 1.0)),
            Some(6),
            "asks again"
        );
        assert_eq!(
            scaler.on_tick(&signals(1_000, 6, 90, 1.0)),
            None,
            "granted: cooling"
        );
    }

    #[test]
    fn does_not_grow_at_exactly_three_quarters_full() {
        let mut scaler = QueueDepthAutoscaler::new(QueueDepthConfig::default());
        assert_eq!(scaler.on_tick(&signals(0, 4, 75, 1.0)), None);
    }

    #[test]
    fn shrinks_by_one_at_most_every_thirty_seconds_and_never_below_min() {
        let mut scaler = QueueDepthAutoscaler::new(QueueDepthConfig::default());
        assert_eq!(scaler.on_tick(&signals(0, 3, 0, 0.05)), Some(2));
        assert_eq!(scaler.on_tick(&signals(29_999, 3, 0, 0.05)), None);
        assert_eq!(scaler.on_tick(&signals(30_000, 2, 0, 0.05)), None, "at min");
    }

    #[test]
    fn growth_is_capped_at_max() {
        let mut scaler = QueueDepthAutoscaler::new(QueueDepthConfig::default());
        assert_eq!(scaler.on_tick(&signals(0, 31, 99, 1.0)), Some(32));
        assert_eq!(scaler.on_tick(&signals(5_000, 32, 99, 1.0)), None);
    }

    #[test]
    fn unbounded_queues_grow_on_an_absolute_length() {
        let config = QueueDepthConfig {
            scale_up_queue_len: Some(50),
            ..QueueDepthConfig::default()
        };
        let mut scaler = QueueDepthAutoscaler::new(config);
        let mut long = signals(0, 4, 51, 1.0);
        long.capacity = None;
        assert_eq!(scaler.on_tick(&long), Some(6));
    }
}
