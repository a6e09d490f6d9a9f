//! The distribution of measured values: draw one of the samples, or a value from a histogram's
//! buckets (Prometheus' `le` upper bounds and cumulative counts).
//!
//! Draws are exact and need no transcendental function: a sample is picked with
//! [`Rng::below`] (integer arithmetic, no modulo bias), a bucket by an integer draw below the
//! total count and a point within it by one uniform. So the same seed gives the same draws on
//! every platform, and samples are sorted first so that the order of the file does not matter.
//!
//! ```
//! use queuelab::dist::empirical::Empirical;
//! use queuelab::rng::Rng;
//! let measured = Empirical::from_samples(vec![0.03, 0.01, 0.02]).unwrap();
//! assert!((measured.mean() - 0.02).abs() < 1e-15);
//! let draw = measured.sample_secs(&mut Rng::new(1));
//! assert!([0.01, 0.02, 0.03].contains(&draw));
//! // 10 observations ≤ 0.1 s, 10 more ≤ 0.2 s: half in each bucket.
//! let histogram = Empirical::from_buckets(&[(0.1, 10), (0.2, 20), (f64::INFINITY, 20)]).unwrap();
//! assert!((histogram.mean() - 0.1).abs() < 1e-12);
//! ```

use crate::rng::Rng;
use std::fmt;

/// Measured values as a distribution (seconds).
#[derive(Clone, PartialEq)]
pub struct Empirical {
    shape: Shape,
    mean: f64,
    second_moment: f64,
}

#[derive(Clone, PartialEq)]
enum Shape {
    /// Sorted samples, each drawn with probability 1/n.
    Samples(Vec<f64>),
    /// Bucket `i` spans `(bounds[i-1], bounds[i]]` (the first from 0); `cumulative[i]`
    /// observations fall at or below `bounds[i]`. Only finite bounds are kept.
    Buckets {
        bounds: Vec<f64>,
        cumulative: Vec<u64>,
    },
}

impl fmt::Debug for Empirical {
    // A million samples would make every Debug print of a config unreadable.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.shape {
            Shape::Samples(samples) => write!(f, "Empirical({} samples", samples.len())?,
            Shape::Buckets { bounds, .. } => write!(f, "Empirical({} buckets", bounds.len())?,
        }
        write!(f, ", mean {})", self.mean)
    }
}

impl Empirical {
    /// Samples in seconds: at least one, each finite and ≥ 0.
    pub fn from_samples(mut samples: Vec<f64>) -> Result<Self, String> {
        if samples.is_empty() {
            return Err("there are no samples".into());
        }
        if let Some(bad) = samples.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
            return Err(format!("{bad} is not a time ≥ 0"));
        }
        samples.sort_by(f64::total_cmp);
        let n = samples.len() as f64;
        let mean = samples.iter().sum::<f64>() / n;
        let second_moment = samples.iter().map(|x| x * x).sum::<f64>() / n;
        Ok(Empirical {
            shape: Shape::Samples(samples),
            mean,
            second_moment,
        })
    }

    /// Buckets as `(upper bound in seconds, observations at or below it)`, Prometheus' `le` and
    /// cumulative count. Bounds increase; counts never decrease; a last `+Inf` bucket may come
    /// only with no observation above the last finite bound (it is unknown how far above).
    pub fn from_buckets(buckets: &[(f64, u64)]) -> Result<Self, String> {
        let mut bounds = Vec::with_capacity(buckets.len());
        let mut cumulative = Vec::with_capacity(buckets.len());
        for (i, &(le, count)) in buckets.iter().enumerate() {
            let previous = i.checked_sub(1).map(|p| buckets[p]);
            if le.is_nan() || le < 0.0 {
                return Err(format!("bucket {}: le = {le} is not a bound ≥ 0", i + 1));
            }
            if let Some((previous_le, previous_count)) = previous {
                if le <= previous_le {
                    return Err(format!(
                        "bucket {}: le = {le} does not increase on the bucket before ({previous_le})",
                        i + 1
                    ));
                }
                if count < previous_count {
                    return Err(format!("bucket {}: count {count} is below the bucket before ({previous_count}); counts are cumulative (observations ≤ le, as Prometheus exports them)", i + 1));
                }
            }
            if le.is_infinite() {
                let below = previous.map_or(0, |(_, count)| count);
                if count > below {
                    return Err(format!("{} observations lie above the last finite bound, in the +Inf bucket, and nothing says how far above: add a finite bucket that holds them, or use the samples themselves", count - below));
                }
                break;
            }
            bounds.push(le);
            cumulative.push(count);
        }
        let total = cumulative.last().copied().unwrap_or(0);
        if total == 0 {
            return Err("every bucket is empty: a histogram needs at least one observation".into());
        }
        let (mut mean, mut second_moment, mut lower) = (0.0, 0.0, 0.0);
        let mut below = 0;
        for (&upper, &count) in bounds.iter().zip(&cumulative) {
            let weight = (count - below) as f64 / total as f64;
            mean += weight * (lower + upper) / 2.0;
            second_moment += weight * (lower * lower + lower * upper + upper * upper) / 3.0;
            (lower, below) = (upper, count);
        }
        Ok(Empirical {
            shape: Shape::Buckets { bounds, cumulative },
            mean,
            second_moment,
        })
    }

    /// Draws one value in seconds.
    pub fn sample_secs(&self, rng: &mut Rng) -> f64 {
        match &self.shape {
            Shape::Samples(samples) => samples[rng.below(samples.len() as u64) as usize],
            Shape::Buckets { bounds, cumulative } => {
                let total = cumulative[cumulative.len() - 1];
                let r = rng.below(total);
                let i = cumulative.partition_point(|&count| count <= r);
                let lower = if i == 0 { 0.0 } else { bounds[i - 1] };
                lower + (bounds[i] - lower) * rng.next_f64()
            }
        }
    }

    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// E[X²] in seconds².
    pub fn second_moment(&self) -> f64 {
        self.second_moment
    }

    /// The number of samples, or of observations in the histogram.
    pub fn count(&self) -> u64 {
        match &self.shape {
            Shape::Samples(samples) => samples.len() as u64,
            Shape::Buckets { cumulative, .. } => cumulative[cumulative.len() - 1],
        }
    }

    /// The sorted samples (`None` for a histogram).
    pub fn samples(&self) -> Option<&[f64]> {
        match &self.shape {
            Shape::Samples(samples) => Some(samples),
            Shape::Buckets { .. } => None,
        }
    }

    /// P(X ≤ x): the share of samples at or below `x`, or interpolated within a histogram's
    /// bucket (values are uniform inside a bucket, as they are drawn).
    pub fn cdf(&self, x: f64) -> f64 {
        match &self.shape {
            Shape::Samples(samples) => {
                samples.partition_point(|&sample| sample <= x) as f64 / samples.len() as f64
            }
            Shape::Buckets { bounds, cumulative } => {
                let total = cumulative[cumulative.len() - 1] as f64;
                let i = bounds.partition_point(|&bound| bound < x);
                if i >= bounds.len() {
                    return 1.0;
                }
                let (lower, below) = match i {
                    0 => (0.0, 0.0),
                    _ => (bounds[i - 1], cumulative[i - 1] as f64),
                };
                let width = bounds[i] - lower;
                let inside = if width > 0.0 {
                    ((x - lower) / width).clamp(0.0, 1.0)
                } else {
                    1.0
                };
                (below + (cumulative[i] as f64 - below) * inside) / total
            }
        }
    }

    /// The `p`-quantile (0 ≤ p ≤ 1): of the samples (the nearest rank), or interpolated within a
    /// histogram's bucket.
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(0.0, 1.0);
        match &self.shape {
            Shape::Samples(samples) => {
                let rank = (p * samples.len() as f64).ceil() as usize;
                samples[rank.clamp(1, samples.len()) - 1]
            }
            Shape::Buckets { bounds, cumulative } => {
                let total = cumulative[cumulative.len() - 1] as f64;
                let target = p * total;
                let i = cumulative
                    .partition_point(|&count| (count as f64) < target)
                    .min(bounds.len() - 1);
                let (lower, below) = match i {
                    0 => (0.0, 0.0),
                    _ => (bounds[i - 1], cumulative[i - 1] as f64),
                };
                let inside = cumulative[i] as f64 - below;
                let fraction = if inside > 0.0 {
                    ((target - below) / inside).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                lower + (bounds[i] - lower) * fraction
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_drawn_uniformly_whatever_their_order() {
        let a = Empirical::from_samples(vec![3.0, 1.0, 2.0, 1.0]).unwrap();
        let b = Empirical::from_samples(vec![1.0, 2.0, 1.0, 3.0]).unwrap();
        assert_eq!(a, b);
        let mut rng = Rng::new(9);
        let mut counts = [0u32; 4];
        for _ in 0..40_000 {
            counts[a.sample_secs(&mut rng) as usize] += 1;
        }
        assert_eq!(counts[0], 0);
        assert!((19_000..21_000).contains(&counts[1]), "{counts:?}");
        assert!((9_500..10_500).contains(&counts[2]), "{counts:?}");
        assert!((a.mean() - 1.75).abs() < 1e-15);
        assert_eq!(a.quantile(0.5), 1.0);
        assert_eq!(a.quantile(0.51), 2.0);
        assert_eq!(a.quantile(1.0), 3.0);
    }

    #[test]
    fn buckets_are_drawn_in_proportion_and_uniformly_inside() {
        let h = Empirical::from_buckets(&[(0.01, 0), (0.02, 30), (0.1, 40)]).unwrap();
        let mut rng = Rng::new(4);
        let (mut low, n) = (0, 100_000);
        for _ in 0..n {
            let x = h.sample_secs(&mut rng);
            assert!((0.01..=0.1).contains(&x), "{x}");
            low += usize::from(x <= 0.02);
        }
        assert!((low as f64 / n as f64 - 0.75).abs() < 0.01, "{low}");
        assert!((h.mean() - (0.75 * 0.015 + 0.25 * 0.06)).abs() < 1e-12);
        assert!((h.quantile(0.5) - (0.01 + 0.01 * (20.0 / 30.0))).abs() < 1e-12);
    }

    #[test]
    fn bad_histograms_say_what_is_wrong() {
        let error = |b: &[(f64, u64)]| Empirical::from_buckets(b).unwrap_err();
        assert!(error(&[(0.1, 0), (0.2, 0), (f64::INFINITY, 0)]).contains("every bucket is empty"));
        assert!(error(&[(0.1, 5), (0.2, 3)]).contains("cumulative"));
        assert!(error(&[(0.2, 5), (0.1, 7)]).contains("does not increase"));
        assert!(error(&[(0.1, 5), (f64::INFINITY, 7)]).contains("2 observations lie above"));
        assert!(error(&[(f64::NAN, 5)]).contains("not a bound"));
        assert!(error(&[]).contains("every bucket is empty"));
    }

    #[test]
    fn bad_samples_are_refused() {
        assert!(Empirical::from_samples(vec![]).is_err());
        assert!(Empirical::from_samples(vec![1.0, f64::NAN]).is_err());
        assert!(Empirical::from_samples(vec![-1.0]).is_err());
    }
}
