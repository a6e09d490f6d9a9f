//! A log-linear histogram of durations: bounded memory, ≤ 0.4 % relative error, exact max.
//!
//! Values (nanoseconds) below 128 get a bucket each; above, every power of two is split into 128
//! equal buckets, so a bucket's width is at most 1/128 of its lower bound and its midpoint is within
//! 1/256 of any value in it. That is the HdrHistogram idea with 2 significant binary digits fewer
//! than 7 — far inside the 1 % the summary promises — in 7 424 fixed counters (58 KiB), whatever the
//! run length. The exact maximum and sum are kept on the side. The counters are allocated at the
//! first value: a run keeps a histogram per class and per part, and 1000 class pools that each
//! took 58 KiB at once were 116 MB and most of a second in the browser before anything ran.
//!
//! ```
//! use queuelab::report::Histogram;
//! let mut h = Histogram::new();
//! for ms in 1..=1000u64 { h.record(ms * 1_000_000); }
//! let p99 = h.quantile(0.99) as f64;
//! assert!((p99 - 990e6).abs() / 990e6 < 0.01);
//! assert_eq!(h.max(), 1_000_000_000);
//! ```

const SUB_BITS: u32 = 7;
const SUB_COUNT: usize = 1 << SUB_BITS;
const BUCKETS: usize = (64 - SUB_BITS as usize + 1) * SUB_COUNT;

#[derive(Clone)]
pub struct Histogram {
    /// Empty until the first value is recorded, then [`BUCKETS`] counters.
    counts: Box<[u64]>,
    count: u64,
    sum: u128,
    max: u64,
    /// Lowest and highest bucket touched, so clearing and scanning skip the empty ends.
    low_index: usize,
    high_index: usize,
}

impl std::fmt::Debug for Histogram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Histogram")
            .field("count", &self.count)
            .field("max", &self.max)
            .finish()
    }
}

/// Equal when they hold the same values: an empty histogram equals a cleared one, whether or not
/// its counters were ever allocated.
impl PartialEq for Histogram {
    fn eq(&self, other: &Self) -> bool {
        self.count == other.count
            && self.sum == other.sum
            && self.max == other.max
            && (self.count == 0
                || (self.low_index == other.low_index
                    && self.high_index == other.high_index
                    && self.counts[self.low_index..=self.high_index]
                        == other.counts[other.low_index..=other.high_index]))
    }
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

fn bucket_index(value: u64) -> usize {
    if value < SUB_COUNT as u64 {
        return value as usize;
    }
    let exponent = 63 - value.leading_zeros();
    let sub = (value >> (exponent - SUB_BITS)) as usize - SUB_COUNT;
    (exponent - SUB_BITS + 1) as usize * SUB_COUNT + sub
}

/// The midpoint of a bucket: the value reported for anything recorded in it.
fn bucket_midpoint(index: usize) -> u64 {
    if index < SUB_COUNT {
        return index as u64;
    }
    let exponent = (index / SUB_COUNT) as u32 + SUB_BITS - 1;
    let sub = (index % SUB_COUNT) as u64;
    let shift = exponent - SUB_BITS;
    let low = (SUB_COUNT as u64 + sub) << shift;
    low + ((1u64 << shift) >> 1)
}

impl Histogram {
    pub fn new() -> Self {
        Histogram {
            counts: Box::new([]),
            count: 0,
            sum: 0,
            max: 0,
            low_index: usize::MAX,
            high_index: 0,
        }
    }

    #[cold]
    fn allocate(&mut self) {
        self.counts = vec![0; BUCKETS].into_boxed_slice();
    }

    #[inline]
    pub fn record(&mut self, value: u64) {
        if self.counts.is_empty() {
            self.allocate();
        }
        let index = bucket_index(value);
        self.counts[index] += 1;
        self.count += 1;
        self.sum += value as u128;
        self.max = self.max.max(value);
        self.low_index = self.low_index.min(index);
        self.high_index = self.high_index.max(index);
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn max(&self) -> u64 {
        self.max
    }

    /// Mean of the recorded values (exact), 0 when empty.
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum as f64 / self.count as f64
        }
    }

    /// The value at quantile `q` in [0, 1] (nearest rank), 0 when empty. Never above the max.
    pub fn quantile(&self, q: f64) -> u64 {
        if self.count == 0 {
            return 0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = 0;
        for index in self.low_index..=self.high_index {
            seen += self.counts[index];
            if seen >= rank {
                return bucket_midpoint(index).min(self.max);
            }
        }
        self.max
    }

    /// Adds every value recorded in `other` (histograms from several threads become one).
    pub fn merge(&mut self, other: &Histogram) {
        if other.count == 0 {
            return;
        }
        if self.counts.is_empty() {
            self.allocate();
        }
        for index in other.low_index..=other.high_index {
            self.counts[index] += other.counts[index];
        }
        self.count += other.count;
        self.sum += other.sum;
        self.max = self.max.max(other.max);
        self.low_index = self.low_index.min(other.low_index);
        self.high_index = self.high_index.max(other.high_index);
    }

    /// Empties the histogram; costs only the range of buckets that were used.
    pub fn clear(&mut self) {
        if self.count > 0 {
            self.counts[self.low_index..=self.high_index].fill(0);
        }
        self.count = 0;
        self.sum = 0;
        self.max = 0;
        self.low_index = usize::MAX;
        self.high_index = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn bucket_index_and_midpoint_agree_for_every_bucket() {
        for index in 0..BUCKETS {
            let mid = bucket_midpoint(index);
            assert_eq!(bucket_index(mid), index, "bucket {index} midpoint {mid}");
        }
        assert_eq!(bucket_index(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn quantiles_match_a_sorted_reference_within_half_a_percent() {
        let mut rng = Rng::new(5);
        let mut values: Vec<u64> = (0..50_000)
            .map(|_| (rng.next_f64() * rng.next_f64() * 1e10) as u64)
            .collect();
        let mut histogram = Histogram::new();
        for &v in &values {
            histogram.record(v);
        }
        values.sort_unstable();
        for q in [0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0] {
            let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
            let exact = values[rank - 1] as f64;
            let approx = histogram.quantile(q) as f64;
            assert!(
                (approx - exact).abs() <= exact * 0.004 + 1.0,
                "q={q}: {approx} vs {exact}"
            );
        }
        assert_eq!(histogram.max(), *values.last().unwrap());
        let mean = values.iter().map(|&v| v as f64).sum::<f64>() / values.len() as f64;
        assert!((histogram.mean() - mean).abs() < 1e-6 * mean);
    }

    #[test]
    fn clear_resets_everything() {
        let mut histogram = Histogram::new();
        histogram.record(1_000);
        histogram.record(5_000_000);
        histogram.clear();
        assert_eq!(histogram, Histogram::new());
        assert_eq!(histogram.quantile(0.5), 0);
    }
}
