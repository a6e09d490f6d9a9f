//! Fan-out (`[fanout]`): each job, while on its worker, sends N parallel calls and goes on once
//! the first k have answered — "the tail at scale" (Dean & Barroso, 2013). With N = 100 calls
//! that are each slow one time in a hundred, 63 % of requests wait for a slow one: the leaves'
//! p99 becomes the request's median.
//!
//! The leaves are N copies of one dependency that never queue (an infinite-server station): a
//! call's latency is its own draw, so the job's wait is the k-th smallest of N draws. Both
//! runtimes ask [`FanOut::wait`] for a job's wait and hold its worker that long (the simulator
//! on its clock, a real worker thread by sleeping, as a thread blocked on N sockets would), and
//! the draws come from a stream of the request's own, so a real run waits what the simulated
//! one did. [`predicted_wait`] is the theory: order statistics of the leaf latency.
//!
//! ```
//! use queuelab::dist::Distribution;
//! use queuelab::fanout::{predicted_wait, FanOut};
//! use queuelab::scenario::FanOutConfig;
//! // 99 % of calls take 10 ms, 1 % take a second; a request waits for all 100 of its calls.
//! let leaf = Distribution::mixture(vec![
//!     queuelab::dist::MixtureComponent { weight: 0.99, distribution: Distribution::constant(0.010) },
//!     queuelab::dist::MixtureComponent { weight: 0.01, distribution: Distribution::constant(1.0) },
//! ]);
//! let config = FanOutConfig { calls: 100, wait_for: 100, latency: leaf };
//! // 1 − 0.99¹⁰⁰ = 63 % of requests hit a slow call, so the median request waits a second.
//! assert_eq!(predicted_wait(&config, 0.5), Some(1.0));
//! let mut fanout = FanOut::new(&config, 7);
//! let slow = (1..=10_000).filter(|&serial| fanout.wait(serial, 0, false).as_secs_f64() > 0.5).count();
//! assert!((6_000..6_600).contains(&slow), "{slow}");
//! ```

use crate::report::{FanOutSummary, Histogram, Percentiles};
use crate::rng::streams::FANOUT_STREAM;
use crate::rng::Rng;
use crate::scenario::FanOutConfig;
use crate::time::SimDuration;

/// The fan-out part: its configuration, the run's seed, a buffer for one job's draws, and what
/// it measured.
#[derive(Debug, Clone)]
pub struct FanOut {
    config: FanOutConfig,
    seed: u64,
    draws: Vec<f64>,
    calls_made: u64,
    /// Measured jobs' waits, in nanoseconds.
    waits: Histogram,
}

impl FanOut {
    pub fn new(config: &FanOutConfig, seed: u64) -> Self {
        FanOut {
            config: config.clone(),
            seed,
            draws: Vec::with_capacity(config.calls),
            calls_made: 0,
            waits: Histogram::new(),
        }
    }

    pub fn config(&self) -> &FanOutConfig {
        &self.config
    }

    /// Calls sent so far (every call of every fan-out, answered or cancelled).
    pub fn calls_made(&self) -> u64 {
        self.calls_made
    }

    /// A job's wait for its calls, as [`FanOut::wait`] drew it: `measured` ones (arrived after
    /// the warm-up) make the summary's percentiles.
    pub fn record(&mut self, measured: bool, wait: SimDuration) {
        if measured {
            self.waits.record(wait.as_nanos());
        }
    }

    pub fn summary(&self) -> FanOutSummary {
        FanOutSummary {
            calls: self.config.calls as u64,
            wait_for: self.config.wait_for as u64,
            calls_made: self.calls_made,
            wait: Percentiles::from_histogram(&self.waits),
        }
    }

    /// How long request `serial`'s attempt `attempt` (a hedged copy: `hedge`) waits for its
    /// calls: the `wait_for`-th fastest of its `calls` draws. A retry or a hedged copy calls
    /// again and draws afresh; the same attempt always draws the same.
    pub fn wait(&mut self, serial: u64, attempt: u32, hedge: bool) -> SimDuration {
        let attempt_tag = (u64::from(attempt) << 1 | u64::from(hedge)) & 0x3F_FFFF;
        let mut rng = Rng::stream(
            self.seed,
            FANOUT_STREAM | attempt_tag << 40 | (serial & ((1 << 40) - 1)),
        );
        let FanOutConfig {
            calls,
            wait_for,
            latency,
        } = &self.config;
        self.calls_made += *calls as u64;
        let secs = if wait_for == calls {
            (0..*calls)
                .map(|_| latency.sample_secs(&mut rng))
                .fold(0.0, f64::max)
        } else {
            self.draws.clear();
            self.draws
                .extend((0..*calls).map(|_| latency.sample_secs(&mut rng)));
            *self
                .draws
                .select_nth_unstable_by(wait_for - 1, f64::total_cmp)
                .1
        };
        SimDuration::from_secs_f64(secs)
    }
}

/// The `q`-quantile of a job's fan-out wait in seconds, from the leaf latency's distribution:
/// the wait is the k-th smallest of N independent draws, so it is at most t exactly when at
/// least k of the N calls took at most t. (An `Option` for distributions without a distribution
/// function; every one here has one.)
pub fn predicted_wait(config: &FanOutConfig, q: f64) -> Option<f64> {
    let share = order_statistic_quantile(config.calls, config.wait_for, q);
    Some(config.latency.quantile(share))
}

/// A job's mean fan-out wait in seconds: E[T] = ∫ P(T > t) dt over the wait's distribution,
/// integrated numerically (4 096 steps up to where the wait is longer only one time in 10⁹). What
/// the fan-out adds to the time a job holds its worker, for the theory box's ρ.
pub fn expected_wait(config: &FanOutConfig) -> Option<f64> {
    let top = config.latency.quantile(order_statistic_quantile(
        config.calls,
        config.wait_for,
        1.0 - 1e-9,
    ));
    if top <= 0.0 {
        return Some(0.0);
    }
    const STEPS: usize = 4_096;
    let step = top / STEPS as f64;
    let mut total = 0.0;
    for i in 0..STEPS {
        let t = (i as f64 + 0.5) * step;
        total += 1.0 - at_least(config.calls, config.wait_for, config.latency.cdf(t));
    }
    Some(total * step)
}

/// The share of requests that wait at least `t` seconds (for a call slower than `t` when they
/// wait for every call): 1 − P(at least k of N calls took at most t).
pub fn share_waiting_longer(config: &FanOutConfig, t: f64) -> Option<f64> {
    let p = config.latency.cdf(t);
    Some(1.0 - at_least(config.calls, config.wait_for, p))
}

/// P(at least k of n independent events of probability p happen): a binomial tail, summed in
/// log space so n = 1000 neither overflows nor underflows.
fn at_least(n: usize, k: usize, p: f64) -> f64 {
    if p <= 0.0 {
        return if k == 0 { 1.0 } else { 0.0 };
    }
    if p >= 1.0 {
        return 1.0;
    }
    let (ln_p, ln_q) = (libm::log(p), libm::log1p(-p));
    let ln_choose = |j: usize| {
        libm::lgamma(n as f64 + 1.0)
            - libm::lgamma(j as f64 + 1.0)
            - libm::lgamma((n - j) as f64 + 1.0)
    };
    (k..=n)
        .map(|j| libm::exp(ln_choose(j) + j as f64 * ln_p + (n - j) as f64 * ln_q))
        .sum::<f64>()
        .min(1.0)
}

/// The u such that the k-th smallest of n uniforms is at most u with probability q.
fn order_statistic_quantile(n: usize, k: usize, q: f64) -> f64 {
    if k == n {
        return libm::pow(q, 1.0 / n as f64);
    }
    let (mut low, mut high) = (0.0, 1.0);
    for _ in 0..100 {
        let mid = (low + high) / 2.0;
        if at_least(n, k, mid) >= q {
            high = mid;
        } else {
            low = mid;
        }
    }
    high
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Distribution;

    fn config(calls: usize, wait_for: usize, latency: Distribution) -> FanOutConfig {
        FanOutConfig {
            calls,
            wait_for,
            latency,
        }
    }

    #[test]
    fn one_call_is_the_leaf_itself() {
        let leaf = Distribution::exponential(0.01);
        let one = config(1, 1, leaf.clone());
        let median = predicted_wait(&one, 0.5).unwrap();
        assert!(
            (median - 0.01 * std::f64::consts::LN_2).abs() < 1e-9,
            "{median}"
        );
        let mut fanout = FanOut::new(&one, 3);
        let mean = (1..=20_000)
            .map(|serial| fanout.wait(serial, 0, false).as_secs_f64())
            .sum::<f64>()
            / 20_000.0;
        assert!((mean - 0.01).abs() < 0.0005, "{mean}");
        assert_eq!(fanout.calls_made(), 20_000);
    }

    #[test]
    fn waiting_for_all_is_the_maximum_and_for_one_the_minimum() {
        // The max of n exponentials has mean H_n · mean; the min has mean mean / n.
        let leaf = Distribution::exponential(1.0);
        let all = config(10, 10, leaf.clone());
        let first = config(10, 1, leaf);
        let harmonic: f64 = (1..=10).map(|i| 1.0 / f64::from(i)).sum();
        let (mut slowest, mut fastest) = (FanOut::new(&all, 5), FanOut::new(&first, 5));
        let runs = 20_000;
        let mean = |fanout: &mut FanOut| {
            (1..=runs)
                .map(|serial| fanout.wait(serial, 0, false).as_secs_f64())
                .sum::<f64>()
                / runs as f64
        };
        assert!((mean(&mut slowest) - harmonic).abs() < 0.05);
        assert!((mean(&mut fastest) - 0.1).abs() < 0.005);
    }

    #[test]
    fn measured_quantiles_match_the_order_statistics() {
        let leaf = Distribution::lognormal_with_mean_scv(0.02, 2.0);
        for (calls, wait_for) in [(20, 20), (20, 15), (50, 1)] {
            let fanout_config = config(calls, wait_for, leaf.clone());
            let mut fanout = FanOut::new(&fanout_config, 11);
            let mut waits: Vec<f64> = (1..=20_000)
                .map(|serial| fanout.wait(serial, 0, false).as_secs_f64())
                .collect();
            waits.sort_by(f64::total_cmp);
            for q in [0.5, 0.9] {
                let measured = waits[(q * waits.len() as f64) as usize];
                let predicted = predicted_wait(&fanout_config, q).unwrap();
                assert!(
                    (measured / predicted - 1.0).abs() < 0.04,
                    "{calls}/{wait_for} q{q}: measured {measured}, predicted {predicted}"
                );
            }
        }
    }

    #[test]
    fn the_mean_wait_is_the_order_statistics_mean() {
        // Max of 10 exponentials: H₁₀ · mean; min of 10: mean / 10.
        let harmonic: f64 = (1..=10).map(|i| 1.0 / f64::from(i)).sum();
        let all = expected_wait(&config(10, 10, Distribution::exponential(1.0))).unwrap();
        let first = expected_wait(&config(10, 1, Distribution::exponential(1.0))).unwrap();
        assert!((all - harmonic).abs() < 0.002, "{all}");
        assert!((first - 0.1).abs() < 0.001, "{first}");
        // 1 % slow leaves, 100 calls: 10 ms + 190 ms × (1 − 0.99¹⁰⁰).
        let leaf = Distribution::mixture(vec![
            crate::dist::MixtureComponent {
                weight: 0.99,
                distribution: Distribution::constant(0.01),
            },
            crate::dist::MixtureComponent {
                weight: 0.01,
                distribution: Distribution::constant(0.2),
            },
        ]);
        let mean = expected_wait(&config(100, 100, leaf)).unwrap();
        let expected = 0.01 + 0.19 * (1.0 - 0.99f64.powi(100));
        assert!((mean - expected).abs() < 0.001, "{mean} vs {expected}");
    }

    #[test]
    fn a_rare_slow_call_becomes_the_common_case() {
        let leaf = Distribution::mixture(vec![
            crate::dist::MixtureComponent {
                weight: 0.99,
                distribution: Distribution::constant(0.01),
            },
            crate::dist::MixtureComponent {
                weight: 0.01,
                distribution: Distribution::constant(1.0),
            },
        ]);
        let share = |calls| share_waiting_longer(&config(calls, calls, leaf.clone()), 0.5).unwrap();
        assert!((share(1) - 0.01).abs() < 1e-12);
        assert!((share(100) - (1.0 - 0.99f64.powi(100))).abs() < 1e-9);
        // Waiting for 95 of 100 hides the slow calls again: five or more are slow 0.06 % of
        // the time.
        let partial = share_waiting_longer(&config(100, 95, leaf), 0.5).unwrap();
        assert!(partial < 0.001, "{partial}");
    }

    #[test]
    fn attempts_and_hedges_draw_afresh_but_the_same_attempt_draws_the_same() {
        let fanout_config = config(5, 5, Distribution::exponential(1.0));
        let mut fanout = FanOut::new(&fanout_config, 1);
        let first = fanout.wait(42, 0, false);
        assert_eq!(first, FanOut::new(&fanout_config, 1).wait(42, 0, false));
        assert_ne!(first, fanout.wait(42, 1, false));
        assert_ne!(first, fanout.wait(42, 0, true));
        assert_ne!(first, fanout.wait(43, 0, false));
    }

    #[test]
    fn a_measured_leaf_predicts_from_its_samples() {
        let samples = (1..=200).map(|i| f64::from(i) / 1000.0).collect();
        let measured = crate::dist::empirical::Empirical::from_samples(samples).unwrap();
        let leaf = Distribution::Empirical(std::sync::Arc::new(measured));
        let fanout_config = config(10, 10, leaf);
        let mut fanout = FanOut::new(&fanout_config, 2);
        let mut waits: Vec<f64> = (1..=20_000)
            .map(|serial| fanout.wait(serial, 0, false).as_secs_f64())
            .collect();
        waits.sort_by(f64::total_cmp);
        let predicted = predicted_wait(&fanout_config, 0.5).unwrap();
        // The max of 10 of 200 evenly spread values: its median is near 0.5^(1/10) × 200 ms.
        assert!((predicted - 0.187).abs() < 0.002, "{predicted}");
        assert!(
            (waits[10_000] - predicted).abs() < 0.002,
            "{}",
            waits[10_000]
        );
    }

    #[test]
    fn a_fractional_gamma_is_predicted_too() {
        let fanout_config = config(3, 3, Distribution::gamma(1.0, 0.5));
        let mut fanout = FanOut::new(&fanout_config, 4);
        let mut waits: Vec<f64> = (1..=20_000)
            .map(|serial| fanout.wait(serial, 0, false).as_secs_f64())
            .collect();
        waits.sort_by(f64::total_cmp);
        let predicted = predicted_wait(&fanout_config, 0.5).unwrap();
        assert!(
            (waits[10_000] / predicted - 1.0).abs() < 0.03,
            "{} vs {predicted}",
            waits[10_000]
        );
    }
}
