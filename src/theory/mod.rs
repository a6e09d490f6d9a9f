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

mod analysis;
mod caveat;
mod closed;
mod load;
mod priority;

pub use analysis::{Analysis, Caveat, Model, Station};
pub use closed::closed_loop_throughput;
pub use priority::{cobham, ClassWait, PriorityClass, PriorityModel, PriorityPrediction};

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
}
