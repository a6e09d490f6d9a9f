//! Probability distributions for service times, think times and inter-arrival gaps.
//!
//! All transcendental functions come from `libm`, a pure-Rust port of musl's maths library, never
//! from the platform: `f64::ln` may call a different C library natively than in WebAssembly, and a
//! single last-bit difference would make the same seed produce different runs on the two.
//!
//! ```
//! use queuelab::dist::Distribution;
//! use queuelab::rng::Rng;
//! let service = Distribution::exponential(0.25);
//! let mut rng = Rng::new(1);
//! let mean = (0..100_000).map(|_| service.sample_secs(&mut rng)).sum::<f64>() / 100_000.0;
//! assert!((mean - 0.25).abs() < 0.005);
//! assert_eq!(service.scv(), 1.0);
//! ```

pub mod empirical;

use crate::rng::Rng;
use crate::time::SimDuration;
use std::sync::Arc;

/// A non-negative random duration, with parameters in seconds.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    Exponential {
        mean: f64,
    },
    Constant {
        value: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    /// Parameters of the underlying normal: ln(X) ~ N(mu, sigma²).
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    /// Erlang when `shape` is a whole number.
    Gamma {
        shape: f64,
        scale: f64,
    },
    Mixture(Vec<MixtureComponent>),
    /// Measured values (samples or a histogram), shared: a config is cloned for every run.
    Empirical(Arc<empirical::Empirical>),
}

/// One branch of a mixture, chosen with probability `weight` (weights are normalised to sum to 1).
#[derive(Debug, Clone, PartialEq)]
pub struct MixtureComponent {
    pub weight: f64,
    pub distribution: Distribution,
}

impl Distribution {
    pub fn exponential(mean_secs: f64) -> Self {
        Distribution::Exponential { mean: mean_secs }
    }

    pub fn constant(secs: f64) -> Self {
        Distribution::Constant { value: secs }
    }

    /// A lognormal with the given mean and squared coefficient of variation (variance / mean²).
    pub fn lognormal_with_mean_scv(mean_secs: f64, scv: f64) -> Self {
        let sigma2 = libm::log1p(scv);
        Distribution::LogNormal {
            mu: libm::log(mean_secs) - sigma2 / 2.0,
            sigma: libm::sqrt(sigma2),
        }
    }

    /// Erlang-k (a gamma with integer shape) with the given mean: SCV = 1/k.
    pub fn erlang(mean_secs: f64, k: u32) -> Self {
        Distribution::gamma(mean_secs, k as f64)
    }

    pub fn gamma(mean_secs: f64, shape: f64) -> Self {
        Distribution::Gamma {
            shape,
            scale: mean_secs / shape,
        }
    }

    /// A mixture; weights need not sum to 1, they are normalised here.
    pub fn mixture(components: Vec<MixtureComponent>) -> Self {
        let total: f64 = components.iter().map(|c| c.weight).sum();
        Distribution::Mixture(
            components
                .into_iter()
                .map(|c| MixtureComponent {
                    weight: c.weight / total,
                    distribution: c.distribution,
                })
                .collect(),
        )
    }

    /// Draws one value in seconds.
    pub fn sample_secs(&self, rng: &mut Rng) -> f64 {
        match self {
            Distribution::Exponential { mean } => -mean * libm::log(rng.next_f64_open_zero()),
            Distribution::Constant { value } => *value,
            Distribution::Uniform { min, max } => min + (max - min) * rng.next_f64(),
            Distribution::LogNormal { mu, sigma } => libm::exp(mu + sigma * standard_normal(rng)),
            Distribution::Gamma { shape, scale } => scale * standard_gamma(*shape, rng),
            Distribution::Mixture(components) => {
                let mut u = rng.next_f64();
                for component in components {
                    if u < component.weight {
                        return component.distribution.sample_secs(rng);
                    }
                    u -= component.weight;
                }
                // Rounding left u just above the last weight.
                components
                    .last()
                    .map_or(0.0, |c| c.distribution.sample_secs(rng))
            }
            Distribution::Empirical(measured) => measured.sample_secs(rng),
        }
    }

    /// Draws one value as a duration (rounded to the nanosecond).
    pub fn sample(&self, rng: &mut Rng) -> SimDuration {
        SimDuration::from_secs_f64(self.sample_secs(rng))
    }

    /// The mean in seconds.
    pub fn mean(&self) -> f64 {
        match self {
            Distribution::Exponential { mean } => *mean,
            Distribution::Constant { value } => *value,
            Distribution::Uniform { min, max } => (min + max) / 2.0,
            Distribution::LogNormal { mu, sigma } => libm::exp(mu + sigma * sigma / 2.0),
            Distribution::Gamma { shape, scale } => shape * scale,
            Distribution::Mixture(components) => components
                .iter()
                .map(|c| c.weight * c.distribution.mean())
                .sum(),
            Distribution::Empirical(measured) => measured.mean(),
        }
    }

    /// The second moment E[X²] in seconds².
    pub fn second_moment(&self) -> f64 {
        match self {
            Distribution::Exponential { mean } => 2.0 * mean * mean,
            Distribution::Constant { value } => value * value,
            Distribution::Uniform { min, max } => (min * min + min * max + max * max) / 3.0,
            Distribution::LogNormal { mu, sigma } => libm::exp(2.0 * mu + 2.0 * sigma * sigma),
            Distribution::Gamma { shape, scale } => shape * (shape + 1.0) * scale * scale,
            Distribution::Mixture(components) => components
                .iter()
                .map(|c| c.weight * c.distribution.second_moment())
                .sum(),
            Distribution::Empirical(measured) => measured.second_moment(),
        }
    }

    /// P(X ≤ x), the distribution function (x in seconds).
    pub fn cdf(&self, x: f64) -> f64 {
        match self {
            Distribution::Exponential { mean } => 1.0 - libm::exp(-x.max(0.0) / mean),
            Distribution::Constant { value } => f64::from(u8::from(x >= *value)),
            Distribution::Uniform { min, max } if max > min => {
                ((x - min) / (max - min)).clamp(0.0, 1.0)
            }
            Distribution::Uniform { min, .. } => f64::from(u8::from(x >= *min)),
            Distribution::LogNormal { .. } if x <= 0.0 => 0.0,
            Distribution::LogNormal { mu, sigma } => {
                0.5 * libm::erfc(-(libm::log(x) - mu) / (sigma * std::f64::consts::SQRT_2))
            }
            Distribution::Gamma { shape, scale } => {
                lower_regularized_gamma(*shape, (x / scale).max(0.0))
            }
            Distribution::Mixture(components) => components
                .iter()
                .map(|c| c.weight * c.distribution.cdf(x))
                .sum::<f64>()
                .min(1.0),
            Distribution::Empirical(measured) => measured.cdf(x),
        }
    }

    /// The smallest x with P(X ≤ x) ≥ `share`, by bisection on [`Distribution::cdf`] (every
    /// distribution here is non-negative).
    pub fn quantile(&self, share: f64) -> f64 {
        let mut high = self.mean().max(1e-9);
        for _ in 0..200 {
            if self.cdf(high) >= share {
                break;
            }
            high *= 2.0;
        }
        let mut low = 0.0;
        for _ in 0..200 {
            let mid = (low + high) / 2.0;
            if self.cdf(mid) >= share {
                high = mid;
            } else {
                low = mid;
            }
        }
        high
    }

    /// Squared coefficient of variation: variance / mean². 0 for constants, 1 for exponentials.
    pub fn scv(&self) -> f64 {
        let mean = self.mean();
        if mean == 0.0 {
            return 0.0;
        }
        (self.second_moment() - mean * mean).max(0.0) / (mean * mean)
    }
}

/// P(a, x), the regularized lower incomplete gamma function: the gamma distribution's CDF with
/// scale 1. A series below x = a + 1, Lentz's continued fraction above (Numerical Recipes 6.2),
/// both to 1e-15.
fn lower_regularized_gamma(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let log_prefix = a * libm::log(x) - x - libm::lgamma(a);
    if x < a + 1.0 {
        let (mut term, mut sum, mut n) = (1.0 / a, 1.0 / a, a);
        for _ in 0..10_000 {
            n += 1.0;
            term *= x / n;
            sum += term;
            if term.abs() < sum.abs() * 1e-15 {
                break;
            }
        }
        (sum * libm::exp(log_prefix)).clamp(0.0, 1.0)
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let step = d * c;
            h *= step;
            if (step - 1.0).abs() < 1e-15 {
                break;
            }
        }
        (1.0 - libm::exp(log_prefix) * h).clamp(0.0, 1.0)
    }
}

/// Box–Muller; one of the pair is discarded so that a draw is a pure function of the stream position.
fn standard_normal(rng: &mut Rng) -> f64 {
    let u1 = rng.next_f64_open_zero();
    let u2 = rng.next_f64();
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
}

/// Marsaglia & Tsang (2000) for shape ≥ 1; shapes below 1 use the boost X·U^(1/shape).
fn standard_gamma(shape: f64, rng: &mut Rng) -> f64 {
    if shape < 1.0 {
        let boost = libm::pow(rng.next_f64_open_zero(), 1.0 / shape);
        return standard_gamma(shape + 1.0, rng) * boost;
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / libm::sqrt(9.0 * d);
    loop {
        let x = standard_normal(rng);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = rng.next_f64_open_zero();
        if libm::log(u) < 0.5 * x * x + d - d * v + d * libm::log(v) {
            return d * v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distribution_functions_match_known_values() {
        let erlang = Distribution::Gamma {
            shape: 2.0,
            scale: 1.0,
        };
        assert!((erlang.cdf(1.5) - (1.0 - (-1.5f64).exp() * 2.5)).abs() < 1e-12);
        // χ² with 3 degrees of freedom (gamma 1.5, scale 2) at 3: 0.608374823.
        let chi3 = Distribution::Gamma {
            shape: 1.5,
            scale: 2.0,
        };
        assert!((chi3.cdf(3.0) - 0.608_374_823).abs() < 1e-8);
        assert!((chi3.cdf(30.0) - 1.0).abs() < 1e-5 && chi3.cdf(0.0) == 0.0);
        let lognormal = Distribution::LogNormal {
            mu: 0.0,
            sigma: 1.0,
        };
        assert!((lognormal.cdf(1.0) - 0.5).abs() < 1e-15);
        assert!((Distribution::exponential(2.0).cdf(2.0) - (1.0 - (-1.0f64).exp())).abs() < 1e-15);
    }

    fn sample_moments(dist: &Distribution, n: usize, seed: u64) -> (f64, f64) {
        let mut rng = Rng::new(seed);
        let (mut sum, mut sum_sq) = (0.0, 0.0);
        for _ in 0..n {
            let x = dist.sample_secs(&mut rng);
            assert!(x >= 0.0 && x.is_finite(), "{dist:?} drew {x}");
            sum += x;
            sum_sq += x * x;
        }
        let mean = sum / n as f64;
        (mean, (sum_sq / n as f64 - mean * mean) / (mean * mean))
    }

    #[test]
    fn every_distribution_has_the_mean_and_scv_it_reports() {
        let cases = [
            Distribution::exponential(2.0),
            Distribution::constant(0.5),
            Distribution::Uniform { min: 1.0, max: 3.0 },
            Distribution::lognormal_with_mean_scv(1.0, 2.0),
            Distribution::erlang(1.0, 4),
            Distribution::gamma(1.0, 0.5),
            Distribution::mixture(vec![
                MixtureComponent {
                    weight: 99.0,
                    distribution: Distribution::constant(0.010),
                },
                MixtureComponent {
                    weight: 1.0,
                    distribution: Distribution::constant(5.0),
                },
            ]),
        ];
        for dist in cases {
            let (mean, scv) = sample_moments(&dist, 400_000, 42);
            let rel = (mean - dist.mean()).abs() / dist.mean();
            assert!(rel < 0.02, "{dist:?}: mean {mean} vs {}", dist.mean());
            let scv_err = (scv - dist.scv()).abs();
            assert!(
                scv_err < 0.05 * dist.scv().max(1.0),
                "{dist:?}: scv {scv} vs {}",
                dist.scv()
            );
        }
    }

    #[test]
    fn lognormal_and_erlang_have_the_requested_shape() {
        assert!((Distribution::lognormal_with_mean_scv(0.3, 4.0).scv() - 4.0).abs() < 1e-9);
        assert!((Distribution::lognormal_with_mean_scv(0.3, 4.0).mean() - 0.3).abs() < 1e-12);
        assert!((Distribution::erlang(2.0, 4).scv() - 0.25).abs() < 1e-12);
    }

    #[test]
    fn mixture_weights_are_normalised() {
        let mix = Distribution::mixture(vec![
            MixtureComponent {
                weight: 3.0,
                distribution: Distribution::constant(1.0),
            },
            MixtureComponent {
                weight: 1.0,
                distribution: Distribution::constant(5.0),
            },
        ]);
        assert!((mix.mean() - 2.0).abs() < 1e-12);
    }
}
