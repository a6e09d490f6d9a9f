//! An exponentially weighted moving average (seed book 003, task 9: α = 0.3), used to smooth
//! noisy signals before an autoscaler acts on them.
//!
//! ```
//! use queuelab::policy::ewma::Ewma;
//! let mut ewma = Ewma::new(0.3);
//! assert_eq!(ewma.add(10.0), 10.0);          // the first sample is taken as is
//! assert!((ewma.add(20.0) - 13.0).abs() < 1e-12);
//! ```

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ewma {
    alpha: f64,
    value: Option<f64>,
}

impl Ewma {
    /// `alpha` in (0, 1]: the weight of each new sample.
    pub fn new(alpha: f64) -> Self {
        Ewma { alpha, value: None }
    }

    pub fn add(&mut self, sample: f64) -> f64 {
        let value = match self.value {
            None => sample,
            Some(value) => value + self.alpha * (sample - value),
        };
        self.value = Some(value);
        value
    }

    pub fn value(&self) -> Option<f64> {
        self.value
    }
}
