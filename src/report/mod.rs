//! What a run measured: latency histograms, outcome counters, time series, and the [`Summary`].
//!
//! Memory is bounded whatever the run length: histograms have fixed buckets and the time series
//! downsamples itself, so a 10⁷-customer run needs no more than a 10⁵-customer one.

pub mod format;
pub mod histogram;
pub mod metric;
pub mod recorder;
pub mod series;
pub mod stats;
pub mod summary;

pub use histogram::Histogram;
pub use series::{PartPoint, PartSeries, Series, SeriesPoint, MAX_PART_SERIES};
pub use summary::{
    console_lines, AlertSummary, ClassSummary, ConsoleLine, FanOutSummary, LimitSummary,
    Percentiles, PoolSummary, ScriptErrorSummary, StageSummary, Summary, ThreadFacts,
};

impl Percentiles {
    /// Reads a histogram of nanoseconds into seconds.
    pub fn from_histogram(histogram: &Histogram) -> Self {
        let secs = |nanos: u64| nanos as f64 / 1e9;
        Percentiles {
            mean: histogram.mean() / 1e9,
            p50: secs(histogram.quantile(0.50)),
            p90: secs(histogram.quantile(0.90)),
            p99: secs(histogram.quantile(0.99)),
            p999: secs(histogram.quantile(0.999)),
            max: secs(histogram.max()),
        }
    }
}
