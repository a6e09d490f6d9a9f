//! Netflix `AIMDLimit`: additive increase while the limit is being used, multiplicative decrease
//! on a drop or a round trip slower than `timeout`.

use super::Limit;
use crate::time::{SimDuration, SimTime};

#[derive(Debug, Clone, PartialEq)]
pub struct AimdLimit {
    pub min_limit: usize,
    pub max_limit: usize,
    pub backoff_ratio: f64,
    pub timeout: SimDuration,
    limit: usize,
}

impl AimdLimit {
    pub fn new(
        initial: usize,
        min_limit: usize,
        max_limit: usize,
        backoff_ratio: f64,
        timeout: SimDuration,
    ) -> Self {
        AimdLimit {
            min_limit,
            max_limit,
            backoff_ratio,
            timeout,
            limit: initial,
        }
    }
}

impl Default for AimdLimit {
    /// The library's defaults: initial 20, min 20, max 200, backoff 0.9, timeout 5 s.
    fn default() -> Self {
        AimdLimit::new(20, 20, 200, 0.9, SimDuration::from_secs(5))
    }
}

impl Limit for AimdLimit {
    fn limit(&self) -> usize {
        self.limit
    }

    fn on_sample(&mut self, _now: SimTime, rtt: SimDuration, inflight: usize, did_drop: bool) {
        let mut current = self.limit;
        if did_drop || rtt > self.timeout {
            current = (current as f64 * self.backoff_ratio) as usize;
        } else if inflight * 2 >= current {
            current += 1;
        }
        self.limit = current.max(self.min_limit).min(self.max_limit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_trace() {
        let mut aimd = AimdLimit::new(30, 10, 33, 0.9, SimDuration::from_millis(100));
        let fast = SimDuration::from_millis(5);
        let slow = SimDuration::from_millis(101);
        let mut trace = Vec::new();
        for (rtt, inflight, drop) in [
            (fast, 15, false), // 15·2 ≥ 30 → 31
            (fast, 15, false), // 30 < 31 → stays
            (fast, 16, false), // → 32
            (fast, 20, false), // → 33
            (fast, 20, false), // max 33
            (slow, 20, false), // timeout counts as a drop: ⌊33·0.9⌋ = 29
            (fast, 1, true),   // ⌊29·0.9⌋ = 26
            (fast, 1, true),   // 23
            (fast, 1, true),   // 20
            (fast, 1, true),   // 18
            (fast, 1, true),   // 16
            (fast, 1, true),   // 14
            (fast, 1, true),   // 12
            (fast, 1, true),   // ⌊10.8⌋ = 10
            (fast, 1, true),   // 9 → min 10
        ] {
            aimd.on_sample(SimTime::ZERO, rtt, inflight, drop);
            trace.push(aimd.limit());
        }
        assert_eq!(
            trace,
            [31, 31, 32, 33, 33, 29, 26, 23, 20, 18, 16, 14, 12, 10, 10]
        );
    }
}
