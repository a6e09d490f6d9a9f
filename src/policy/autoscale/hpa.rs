//! A Kubernetes-HPA-style autoscaler on utilisation (see docs/policy-reference-notes.md):
//! desired = ceil(current × utilisation / target), no change within the ±10 % tolerance, scale-up
//! limited to max(+4 pods, +100 %) per period, scale-down to the largest recommendation of the
//! last 300 s (stabilisation), synced every 15 s.

use super::{Autoscaler, PoolSignals};
use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;

#[derive(Debug, Clone, PartialEq)]
pub struct HpaConfig {
    pub interval: SimDuration,
    pub min_workers: usize,
    pub max_workers: usize,
    pub target_utilization: f64,
    pub tolerance: f64,
    pub scale_down_stabilization: SimDuration,
    pub scale_up_pods: usize,
    pub scale_up_percent: f64,
}

impl Default for HpaConfig {
    fn default() -> Self {
        HpaConfig {
            interval: SimDuration::from_secs(15),
            min_workers: 1,
            max_workers: 100,
            target_utilization: 0.7,
            tolerance: 0.1,
            scale_down_stabilization: SimDuration::from_secs(300),
            scale_up_pods: 4,
            scale_up_percent: 100.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct HpaAutoscaler {
    config: HpaConfig,
    recommendations: VecDeque<(SimTime, usize)>,
}

impl HpaAutoscaler {
    pub fn new(config: HpaConfig) -> Self {
        HpaAutoscaler {
            config,
            recommendations: VecDeque::new(),
        }
    }
}

impl Autoscaler for HpaAutoscaler {
    fn interval(&self) -> SimDuration {
        self.config.interval
    }

    fn on_tick(&mut self, signals: &PoolSignals) -> Option<usize> {
        let config = &self.config;
        let current = signals.size;
        let ratio = signals.utilization / config.target_utilization;
        let desired = if (1.0 - config.tolerance..=1.0 + config.tolerance).contains(&ratio) {
            current
        } else {
            (ratio * current as f64).ceil() as usize
        };
        // Stabilisation: scaling down follows the largest recommendation of the window.
        self.recommendations.push_back((signals.now, desired));
        while self
            .recommendations
            .front()
            .is_some_and(|(at, _)| signals.now - *at > config.scale_down_stabilization)
        {
            self.recommendations.pop_front();
        }
        let stabilized = if desired < current {
            self.recommendations
                .iter()
                .map(|(_, r)| *r)
                .max()
                .unwrap_or(desired)
                .min(current)
        } else {
            desired
        };
        // Rate limit of scale-up (select Max of the pods and percent policies).
        let up_limit = (current + config.scale_up_pods)
            .max((current as f64 * (1.0 + config.scale_up_percent / 100.0)).ceil() as usize);
        let next = stabilized
            .min(up_limit)
            .clamp(config.min_workers, config.max_workers);
        (next != current).then_some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(hpa: &mut HpaAutoscaler, secs: u64, size: usize, utilization: f64) -> Option<usize> {
        hpa.on_tick(&PoolSignals {
            now: SimTime::ZERO + SimDuration::from_secs(secs),
            size,
            busy: 0,
            queued: 0,
            capacity: None,
            utilization,
            error_rate: 0.0,
        })
    }

    #[test]
    fn tolerance_dead_zone_keeps_the_size() {
        let mut hpa = HpaAutoscaler::new(HpaConfig::default());
        assert_eq!(tick(&mut hpa, 0, 10, 0.77), None); // ratio 1.1: inside ±10 %
        assert_eq!(tick(&mut hpa, 15, 10, 0.63), None); // ratio 0.9
        assert_eq!(tick(&mut hpa, 30, 10, 0.78), Some(12)); // ceil(10 · 1.114)
    }

    #[test]
    fn scale_up_is_rate_limited_to_max_of_four_pods_or_double() {
        let mut hpa = HpaAutoscaler::new(HpaConfig::default());
        assert_eq!(tick(&mut hpa, 0, 2, 7.0), Some(6)); // wants 20: +4 pods beats +100 % (4)
        assert_eq!(tick(&mut hpa, 15, 10, 7.0), Some(20)); // wants 100: +100 % = 20
    }

    #[test]
    fn scale_down_waits_for_the_stabilization_window() {
        let mut hpa = HpaAutoscaler::new(HpaConfig::default());
        assert_eq!(tick(&mut hpa, 0, 10, 0.7), None); // recommendation 10 at t = 0
        assert_eq!(tick(&mut hpa, 15, 10, 0.13), None); // wants 2, but 10 was recommended within 300 s
        assert_eq!(tick(&mut hpa, 299, 10, 0.13), None);
        assert_eq!(tick(&mut hpa, 301, 10, 0.13), Some(2)); // the t = 0 recommendation expired
    }
}
