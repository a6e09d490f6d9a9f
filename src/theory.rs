//! Closed-form queueing results to set beside a simulation: Erlang C (M/M/c), M/M/c/K, and the
//! Allen–Cunneen approximation for general service (exact for M/G/1: Pollaczek–Khinchine).
//!
//! The playground shows these next to the measured values ("theory says 1.97 s, you measured
//! 1.95 s") and warns when offered load reaches the pool's capacity.
//!
//! ```
//! use queuelab::theory::Prediction;
//! let p = Prediction::mmc(4, 3.6, 1.0).unwrap();
//! assert!((p.wait_mean - 1.969383).abs() < 1e-5);
//! assert!((p.waited_ratio - 0.787753).abs() < 1e-5);
//! ```

use crate::scenario::{Arrivals, Config, Spacing};

mod jackson;
pub use jackson::{jackson, NetworkPrediction, NotJackson, StationPrediction, UNBOUNDED_BUFFER};

/// Steady-state predictions, times in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    /// Offered load per worker: λ / (c μ). At or above 1 an unbounded queue grows without bound.
    pub rho: f64,
    pub wait_mean: f64,
    pub latency_mean: f64,
    pub mean_queue_len: f64,
    pub mean_in_system: f64,
    pub waited_ratio: f64,
    pub rejected_ratio: f64,
    pub throughput: f64,
    pub utilization: f64,
    /// True when only an approximation applies (non-exponential service with c > 1).
    pub approximate: bool,
}

/// Erlang C: probability that an arrival waits in M/M/c with offered load a = λ/μ.
fn erlang_c(c: u32, a: f64) -> f64 {
    // Erlang B by the stable recursion, then C from B.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let rho = a / c as f64;
    b / (1.0 - rho + rho * b)
}

impl Prediction {
    /// M/M/c with an unbounded queue; `None` when ρ ≥ 1 (no steady state).
    pub fn mmc(c: u32, lambda: f64, mu: f64) -> Option<Prediction> {
        Prediction::mgc(c, lambda, mu, 1.0)
    }

    /// M/G/c by Allen–Cunneen: Wq ≈ Wq(M/M/c) · (1 + SCV) / 2 (exact for c = 1 and for SCV = 1).
    pub fn mgc(c: u32, lambda: f64, mu: f64, scv: f64) -> Option<Prediction> {
        let a = lambda / mu;
        let rho = a / c as f64;
        if rho.is_nan() || rho >= 1.0 || c == 0 || lambda <= 0.0 {
            return None;
        }
        let p_wait = erlang_c(c, a);
        let wait_mean = p_wait / (c as f64 * mu - lambda) * (1.0 + scv) / 2.0;
        let latency_mean = wait_mean + 1.0 / mu;
        Some(Prediction {
            rho,
            wait_mean,
            latency_mean,
            mean_queue_len: lambda * wait_mean,
            mean_in_system: lambda * latency_mean,
            waited_ratio: p_wait,
            rejected_ratio: 0.0,
            throughput: lambda,
            utilization: rho,
            approximate: scv != 1.0 && c > 1,
        })
    }

    /// M/M/c/K with K = c + waiting slots (arrivals finding K in the system are rejected).
    pub fn mmck(c: u32, slots: u32, lambda: f64, mu: f64) -> Option<Prediction> {
        let k = c + slots;
        if c == 0 || lambda <= 0.0 || k > 100_000 {
            return None;
        }
        let a = lambda / mu;
        // Unnormalised p_n, scaled as we go to avoid overflow.
        let mut weights = Vec::with_capacity(k as usize + 1);
        let mut p = 1.0_f64;
        weights.push(p);
        for n in 1..=k {
            p *= a / (n.min(c) as f64);
            weights.push(p);
            if p > 1e250 {
                for w in &mut weights {
                    *w /= 1e250;
                }
                p /= 1e250;
            }
        }
        let total: f64 = weights.iter().sum();
        let probs: Vec<f64> = weights.iter().map(|w| w / total).collect();
        let p_block = probs[k as usize];
        let mean_in_system: f64 = probs.iter().enumerate().map(|(n, p)| n as f64 * p).sum();
        let mean_queue_len: f64 = probs
            .iter()
            .enumerate()
            .map(|(n, p)| (n as f64 - c as f64).max(0.0) * p)
            .sum();
        let throughput = lambda * (1.0 - p_block);
        Some(Prediction {
            rho: a / c as f64,
            wait_mean: mean_queue_len / throughput,
            latency_mean: mean_in_system / throughput,
            mean_queue_len,
            mean_in_system,
            waited_ratio: probs[c as usize..k as usize].iter().sum::<f64>() / (1.0 - p_block),
            rejected_ratio: p_block,
            throughput,
            utilization: throughput / (c as f64 * mu),
            approximate: false,
        })
    }

    /// The prediction for a scenario when theory applies: Poisson arrivals at a constant rate,
    /// one class, FIFO, no deadlines, no autoscaler; a bounded queue needs exponential service
    /// and `reject`. Returns the offered load ρ even when no formula applies (for a pipeline,
    /// the busiest stage's).
    pub fn for_config(config: &Config) -> (Option<f64>, Option<Prediction>) {
        let Arrivals::Open(Some(process)) = &config.arrivals else {
            return (None, None);
        };
        let [class] = config.classes.as_slice() else {
            return (None, None);
        };
        let schedule = &process.schedule;
        let constant =
            schedule.segments.len() == 1 && schedule.segments[0].from == schedule.segments[0].to;
        let mean = class.service.mean();
        if !constant || mean <= 0.0 || class.arrivals.is_some() {
            return (None, None);
        }
        let lambda = schedule.segments[0].from;
        let c = config.workers as u32;
        let rho = lambda * mean / c as f64;
        if config.lanes().names.len() > 1 {
            // Shards: each its own queue at the pool's load on average, but keys split unevenly;
            // no single formula.
            return (Some(rho), None);
        }
        if !config.stages.is_empty() {
            // A pipeline: the busiest stage's load decides; blocking between stages has no
            // closed form.
            // With routes a stage sees λ times its visits per request, and so does the pool.
            let visits = config.visit_ratios();
            let bottleneck = config
                .stages
                .iter()
                .zip(&visits[1..])
                .map(|(stage, visits)| {
                    lambda * visits * stage.service.mean() / stage.workers as f64
                })
                .fold(rho * visits[0], f64::max);
            return (Some(bottleneck), None);
        }
        let plain = process.spacing == Spacing::Poisson
            && class.deadline.is_none()
            && config.autoscaler.is_none()
            && config.queue.discipline == crate::scenario::Discipline::Fifo;
        if !plain {
            return (Some(rho), None);
        }
        let prediction = match config.queue.capacity {
            None => Prediction::mgc(c, lambda, 1.0 / mean, class.service.scv()),
            Some(slots)
                if class.service.scv() == 1.0
                    && config.queue.overflow == crate::policy::OverflowPolicy::Reject =>
            {
                Prediction::mmck(c, slots as u32, lambda, 1.0 / mean)
            }
            Some(_) => None,
        };
        (Some(rho), prediction)
    }
}
