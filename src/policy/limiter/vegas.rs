//! Netflix `VegasLimit`: estimate the queue from how much slower than the no-load RTT calls are,
//! and keep it between alpha and beta (log10-scaled with the limit).

use super::{log10_root, Limit};
use crate::rng::Rng;
use crate::time::{SimDuration, SimTime};

#[derive(Debug, Clone)]
pub struct VegasLimit {
    pub max_limit: usize,
    pub smoothing: f64,
    pub probe_multiplier: f64,
    estimated: f64,
    rtt_noload: u64,
    probe_count: u64,
    probe_jitter: f64,
    rng: Rng,
}

impl VegasLimit {
    /// `rng` supplies the probe jitter (the reference draws it from a global random source).
    pub fn new(initial: usize, max_limit: usize, smoothing: f64, mut rng: Rng) -> Self {
        let probe_jitter = 0.5 + 0.5 * rng.next_f64();
        VegasLimit {
            max_limit,
            smoothing,
            probe_multiplier: 30.0,
            estimated: initial as f64,
            rtt_noload: 0,
            probe_count: 0,
            probe_jitter,
            rng,
        }
    }

    /// The library's defaults: initial 20, max 1000, smoothing 1.0.
    pub fn with_defaults(rng: Rng) -> Self {
        VegasLimit::new(20, 1000, 1.0, rng)
    }

    /// The no-load RTT it currently measures against (0 before the first sample).
    pub fn rtt_noload(&self) -> SimDuration {
        SimDuration::from_nanos(self.rtt_noload)
    }
}

impl Limit for VegasLimit {
    fn limit(&self) -> usize {
        self.estimated as usize
    }

    fn on_sample(&mut self, _now: SimTime, rtt: SimDuration, inflight: usize, did_drop: bool) {
        let rtt = rtt.as_nanos().max(1);
        self.probe_count += 1;
        if self.probe_jitter * self.probe_multiplier * self.estimated <= self.probe_count as f64 {
            self.probe_jitter = 0.5 + 0.5 * self.rng.next_f64();
            self.probe_count = 0;
            self.rtt_noload = rtt;
            return;
        }
        if self.rtt_noload == 0 || rtt < self.rtt_noload {
            self.rtt_noload = rtt;
            return;
        }
        let estimated = self.estimated;
        let queue_size = libm::ceil(estimated * (1.0 - self.rtt_noload as f64 / rtt as f64)) as i64;
        let log = log10_root(estimated as i64);
        let (alpha, beta, threshold) = (3.0 * log, 6.0 * log, log);
        let new = if did_drop {
            estimated - log
        } else if (inflight as f64) * 2.0 < estimated {
            return;
        } else {
            let queue = queue_size as f64;
            if queue <= threshold {
                estimated + beta
            } else if queue < alpha {
                estimated + log
            } else if queue > beta {
                estimated - log
            } else {
                return;
            }
        };
        let new = new.min(self.max_limit as f64).max(1.0);
        self.estimated = (1.0 - self.smoothing) * estimated + self.smoothing * new;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> SimDuration {
        SimDuration::from_millis(n)
    }

    #[test]
    fn golden_trace_through_every_branch() {
        let mut vegas = VegasLimit::with_defaults(Rng::new(1));
        vegas.probe_multiplier = 1e9; // no probe resets in this trace
        let mut trace = Vec::new();
        for (rtt, inflight, drop) in [
            (ms(10), 20, false), // first sample sets rtt_noload = 10 ms
            (ms(10), 20, false), // queue 0 ≤ threshold 1: +beta 6 → 26
            (ms(10), 5, false),  // app-limited (5·2 < 26): unchanged
            (ms(12), 20, false), // queue ⌈26·(1−10/12)⌉ = 5: alpha 3 ≤ 5 ≤ beta 6 → unchanged
            (ms(11), 20, false), // ⌈26·(1/11)⌉ = 3, not < alpha 3 and not > beta → unchanged
            (ms(20), 20, false), // ⌈26·0.5⌉ = 13 > beta 6: −1 → 25
            (ms(10), 20, true),  // drop: −1 → 24
            (ms(9), 20, false),  // faster than no-load: new rtt_noload, unchanged
            (ms(10), 20, false), // ⌈24·0.1⌉ = 3: not < 3 → unchanged
        ] {
            vegas.on_sample(SimTime::ZERO, rtt, inflight, drop);
            trace.push(vegas.limit());
        }
        assert_eq!(trace, [20, 26, 26, 26, 26, 25, 24, 24, 24]);
    }

    #[test]
    fn log10_thresholds_grow_with_the_limit() {
        let mut vegas = VegasLimit::new(150, 1000, 1.0, Rng::new(1));
        vegas.probe_multiplier = 1e9;
        vegas.on_sample(SimTime::ZERO, ms(10), 100, false);
        vegas.on_sample(SimTime::ZERO, ms(10), 100, false); // queue 0: +beta = 6·LOG10(150) = 12
        assert_eq!(vegas.limit(), 162);
    }

    #[test]
    fn probes_reset_the_no_load_rtt() {
        let mut vegas = VegasLimit::new(1, 1000, 1.0, Rng::new(3));
        vegas.on_sample(SimTime::ZERO, ms(10), 1, false);
        // jitter·30·1 ≤ 30 samples: a probe must happen within 30 samples and adopt the rtt.
        for _ in 0..30 {
            vegas.on_sample(SimTime::ZERO, ms(50), 0, false); // app-limited: only the probe acts
        }
        assert_eq!(vegas.rtt_noload(), ms(50));
    }
}
