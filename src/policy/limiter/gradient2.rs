//! Netflix `Gradient2Limit`: compare a long-term exponential average of the RTT with the latest
//! sample; shrink when calls slow down (a queue is forming), grow by `queue_size` otherwise.

use super::Limit;
use crate::time::{SimDuration, SimTime};

/// `ExpAvgMeasurement(window, warmup = 10)`: a plain mean for the first samples, then an EWMA.
#[derive(Debug, Clone, PartialEq)]
struct ExpAvg {
    window: usize,
    warmup: usize,
    count: usize,
    sum: f64,
    value: f64,
}

impl ExpAvg {
    fn add(&mut self, sample: f64) -> f64 {
        if self.count < self.warmup {
            self.count += 1;
            self.sum += sample;
            self.value = self.sum / self.count as f64;
        } else {
            let factor = 2.0 / (self.window as f64 + 1.0);
            self.value = self.value * (1.0 - factor) + sample * factor;
        }
        self.value
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Gradient2Limit {
    pub min_limit: usize,
    pub max_limit: usize,
    pub smoothing: f64,
    pub queue_size: f64,
    pub rtt_tolerance: f64,
    estimated: f64,
    long_rtt: ExpAvg,
}

impl Gradient2Limit {
    pub fn new(
        initial: usize,
        min_limit: usize,
        max_limit: usize,
        smoothing: f64,
        long_window: usize,
    ) -> Self {
        Gradient2Limit {
            min_limit,
            max_limit,
            smoothing,
            queue_size: 4.0,
            rtt_tolerance: 1.5,
            estimated: initial as f64,
            long_rtt: ExpAvg {
                window: long_window,
                warmup: 10,
                count: 0,
                sum: 0.0,
                value: 0.0,
            },
        }
    }

    /// The long-term RTT average in seconds.
    pub fn long_rtt_secs(&self) -> f64 {
        self.long_rtt.value / 1e9
    }
}

impl Default for Gradient2Limit {
    /// The library's defaults: initial 20, min 20, max 200, smoothing 0.2, long window 600,
    /// queue size 4, RTT tolerance 1.5.
    fn default() -> Self {
        Gradient2Limit::new(20, 20, 200, 0.2, 600)
    }
}

impl Limit for Gradient2Limit {
    fn limit(&self) -> usize {
        self.estimated as usize
    }

    fn on_sample(&mut self, _now: SimTime, rtt: SimDuration, inflight: usize, _did_drop: bool) {
        let short = rtt.as_nanos().max(1) as f64;
        let long = self.long_rtt.add(short);
        if long / short > 2.0 {
            // Drift recovery: the long average decays towards the present (from the next sample on).
            self.long_rtt.value *= 0.95;
        }
        if (inflight as f64) < self.estimated / 2.0 {
            return; // app-limited: not enough load to learn from
        }
        let gradient = (self.rtt_tolerance * long / short).clamp(0.5, 1.0);
        let new = self.estimated * gradient + self.queue_size;
        let new = self.estimated * (1.0 - self.smoothing) + new * self.smoothing;
        self.estimated = new.min(self.max_limit as f64).max(self.min_limit as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> SimDuration {
        SimDuration::from_millis(n)
    }

    #[test]
    fn steady_rtt_grows_by_the_smoothed_queue_size() {
        let mut limit = Gradient2Limit::default();
        limit.on_sample(SimTime::ZERO, ms(10), 20, false);
        // gradient = min(1, 1.5·10/10) = 1: new = 20 + 4, smoothed: 20·0.8 + 24·0.2 = 20.8
        assert!((limit.estimated - 20.8).abs() < 1e-9);
        assert_eq!(limit.limit(), 20);
    }

    #[test]
    fn gradient_is_clamped_at_one_half() {
        let mut limit = Gradient2Limit::new(100, 20, 200, 1.0, 600);
        limit.on_sample(SimTime::ZERO, ms(10), 100, false); // long = 10, gradient 1 → 104
        assert_eq!(limit.limit(), 104);
        limit.on_sample(SimTime::ZERO, ms(1000), 100, false);
        // long = (10 + 1000)/2 = 505 (warm-up mean); 1.5·505/1000 = 0.7575 → 104·0.7575 + 4 = 82.78
        assert_eq!(limit.limit(), 82);
        limit.on_sample(SimTime::ZERO, ms(100_000), 100, false);
        // long ≈ 33 670; 1.5·33670/100000 = 0.505 → 82.78·0.505 + 4 ≈ 45.8
        assert_eq!(limit.limit(), 45);
        limit.on_sample(SimTime::ZERO, ms(10_000_000), 100, false); // clamp 0.5: 45.8·0.5 + 4 = 26.9
        assert_eq!(limit.limit(), 26);
    }

    #[test]
    fn app_limited_samples_only_feed_the_average() {
        let mut limit = Gradient2Limit::default();
        limit.on_sample(SimTime::ZERO, ms(10), 1, false);
        assert_eq!(limit.estimated, 20.0);
        assert!((limit.long_rtt_secs() - 0.010).abs() < 1e-12);
    }

    #[test]
    fn never_below_min_or_above_max() {
        let mut limit = Gradient2Limit::default();
        for _ in 0..1000 {
            limit.on_sample(SimTime::ZERO, ms(10), 500, false);
        }
        assert_eq!(limit.limit(), 200);
    }
}
