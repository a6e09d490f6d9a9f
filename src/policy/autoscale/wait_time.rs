//! The wait-time autoscaler of seed book 003, task 6: grow when the p99 queue wait over the last
//! 1000 jobs exceeds 500 ms, shrink when the mean wait is under 20 ms, with task 3's cooldowns.
//! Optionally smooths both signals with an EWMA (task 9) and sizes steps AIMD-style (task 8).

use super::{Autoscaler, PoolSignals, StepPolicy};
use crate::policy::cooldown::Cooldown;
use crate::policy::ewma::Ewma;
use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;

#[derive(Debug, Clone, PartialEq)]
pub struct WaitTimeConfig {
    pub interval: SimDuration,
    pub min_workers: usize,
    pub max_workers: usize,
    pub scale_up_wait_p99: SimDuration,
    pub scale_down_wait_mean: SimDuration,
    /// How many recent waits the signals look at.
    pub window: usize,
    pub steps: StepPolicy,
    pub scale_up_cooldown: SimDuration,
    pub scale_down_cooldown: SimDuration,
    /// EWMA weight for the signals; `None` acts on the raw values.
    pub smoothing: Option<f64>,
}

impl Default for WaitTimeConfig {
    fn default() -> Self {
        WaitTimeConfig {
            interval: SimDuration::from_millis(500),
            min_workers: 2,
            max_workers: 32,
            scale_up_wait_p99: SimDuration::from_millis(500),
            scale_down_wait_mean: SimDuration::from_millis(20),
            window: 1000,
            steps: StepPolicy::Fixed { up: 2, down: 1 },
            scale_up_cooldown: SimDuration::from_secs(2),
            scale_down_cooldown: SimDuration::from_secs(30),
            smoothing: None,
        }
    }
}

/// The queue waits of the last `size` jobs, and their p99 and mean (seed book 003, task 5: a
/// ring buffer of samples with a sort-based percentile).
#[derive(Debug, Clone)]
pub struct WaitWindow {
    waits: VecDeque<u64>,
    size: usize,
}

impl WaitWindow {
    pub fn new(size: usize) -> Self {
        WaitWindow {
            waits: VecDeque::with_capacity(size),
            size,
        }
    }

    pub fn push(&mut self, wait: SimDuration) {
        if self.waits.len() == self.size {
            self.waits.pop_front();
        }
        self.waits.push_back(wait.as_nanos());
    }

    /// (p99, mean) in seconds, `None` before the first sample.
    pub fn p99_and_mean(&self) -> Option<(f64, f64)> {
        if self.waits.is_empty() {
            return None;
        }
        let mut sorted: Vec<u64> = self.waits.iter().copied().collect();
        sorted.sort_unstable();
        let rank = ((0.99 * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        let mean = sorted.iter().sum::<u64>() as f64 / sorted.len() as f64 / 1e9;
        Some((sorted[rank - 1] as f64 / 1e9, mean))
    }
}

#[derive(Debug, Clone)]
pub struct WaitTimeAutoscaler {
    config: WaitTimeConfig,
    cooldown: Cooldown,
    waits: WaitWindow,
    p99: Option<Ewma>,
    mean: Option<Ewma>,
}

impl WaitTimeAutoscaler {
    pub fn new(config: WaitTimeConfig) -> Self {
        let cooldown = Cooldown::new(config.scale_up_cooldown, config.scale_down_cooldown);
        let ewma = config.smoothing.map(Ewma::new);
        WaitTimeAutoscaler {
            waits: WaitWindow::new(config.window),
            cooldown,
            p99: ewma,
            mean: ewma,
            config,
        }
    }

    /// (p99, mean) of the recent waits in seconds, smoothed if configured.
    fn signals(&mut self) -> Option<(f64, f64)> {
        let (p99, mean) = self.waits.p99_and_mean()?;
        let p99 = self.p99.as_mut().map_or(p99, |e| e.add(p99));
        let mean = self.mean.as_mut().map_or(mean, |e| e.add(mean));
        Some((p99, mean))
    }
}

impl Autoscaler for WaitTimeAutoscaler {
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
        let (p99, mean) = self.signals()?;
        let (size, now) = (signals.size, signals.now);
        let config = &self.config;
        if p99 > config.scale_up_wait_p99.as_secs_f64()
            && size < config.max_workers
            && self.cooldown.allow_up(now)
        {
            self.cooldown.record_up(now);
            return Some(config.steps.grow(size).min(config.max_workers));
        }
        if mean < config.scale_down_wait_mean.as_secs_f64()
            && size > config.min_workers
            && self.cooldown.allow_down(now)
        {
            self.cooldown.record_down(now);
            return Some(config.steps.shrink(size).max(config.min_workers));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(scaler: &mut WaitTimeAutoscaler, ms: u64, size: usize) -> Option<usize> {
        let signals = PoolSignals {
            now: SimTime::ZERO + SimDuration::from_millis(ms),
            size,
            busy: size,
            queued: 0,
            capacity: None,
            utilization: 1.0,
            error_rate: 0.0,
        };
        scaler.on_tick(&signals)
    }

    #[test]
    fn grows_on_a_slow_tail_and_shrinks_when_waits_vanish() {
        let mut scaler = WaitTimeAutoscaler::new(WaitTimeConfig::default());
        assert_eq!(tick(&mut scaler, 0, 4), None, "no samples yet");
        for i in 0..1000 {
            let wait = if i % 50 == 0 { 900 } else { 100 }; // 2 % at 900 ms: p99 = 900 ms
            scaler.on_job_done(SimTime::ZERO, SimDuration::from_millis(wait));
        }
        assert_eq!(tick(&mut scaler, 500, 4), Some(6));
        assert_eq!(tick(&mut scaler, 1000, 6), None, "cooldown");
        for _ in 0..1000 {
            scaler.on_job_done(SimTime::ZERO, SimDuration::from_millis(5));
        }
        assert_eq!(tick(&mut scaler, 3000, 6), Some(5));
    }

    #[test]
    fn aimd_steps_grow_by_one_and_shrink_by_a_quarter() {
        let config = WaitTimeConfig {
            steps: StepPolicy::Aimd,
            ..WaitTimeConfig::default()
        };
        let mut scaler = WaitTimeAutoscaler::new(config);
        scaler.on_job_done(SimTime::ZERO, SimDuration::from_secs(1));
        assert_eq!(tick(&mut scaler, 0, 20), Some(21));
        for _ in 0..1000 {
            scaler.on_job_done(SimTime::ZERO, SimDuration::ZERO);
        }
        assert_eq!(tick(&mut scaler, 60_000, 20), Some(15));
    }
}
