//! Fitting measured latencies to the distributions a scenario can name (`queuelab fit`): the
//! samples' mean, SCV and percentiles, each candidate with its parameters matched to the mean and
//! SCV, and how far each is from the data by the Kolmogorov–Smirnov distance (the largest gap
//! between the two distribution functions, read at the samples' percentiles so that samples and
//! a bucket histogram are judged alike). When even the best is far off, the honest advice is the
//! measured distribution itself (`distribution = "empirical"`).
//!
//! ```
//! use queuelab::dist::{empirical::Empirical, Distribution};
//! use queuelab::rng::Rng;
//! let truth = Distribution::exponential(0.020);
//! let mut rng = Rng::new(1);
//! let samples = (0..20_000).map(|_| truth.sample_secs(&mut rng)).collect();
//! let fit = queuelab::fit::fit(&Empirical::from_samples(samples).unwrap());
//! assert_eq!(fit.best().name, "exponential");
//! assert!(fit.best().distance < 0.02);
//! ```

use crate::dist::empirical::Empirical;
use crate::dist::Distribution;

/// A KS distance up to which a fit is good enough to simulate with.
pub const GOOD_FIT: f64 = 0.03;
/// Past this, no candidate describes the data: use the samples themselves.
pub const NO_FIT: f64 = 0.08;

/// One candidate distribution and how well it fits.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub name: &'static str,
    pub distribution: Distribution,
    /// The scenario table that selects it, ready to paste (without the table's name).
    pub toml: String,
    /// The Kolmogorov–Smirnov distance to the data, 0..1.
    pub distance: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub count: u64,
    pub mean: f64,
    pub scv: f64,
    /// (quantile, seconds) at 0.5, 0.9, 0.99, 0.999.
    pub percentiles: Vec<(f64, f64)>,
    /// Best first.
    pub candidates: Vec<Candidate>,
}

impl Fit {
    pub fn best(&self) -> &Candidate {
        &self.candidates[0]
    }

    /// A sentence on whether to simulate with the best fit or with the samples.
    pub fn verdict(&self) -> String {
        let best = self.best();
        if best.distance <= GOOD_FIT {
            format!(
                "{} fits well (largest gap between the distribution functions {:.3})",
                best.name, best.distance
            )
        } else if best.distance <= NO_FIT {
            format!("{} is the closest, roughly (gap {:.3}): check the QQ chart's tail before trusting its p99", best.name, best.distance)
        } else {
            format!("no simple distribution fits (the closest, {}, is off by {:.3}): simulate with the measurements themselves, distribution = \"empirical\" with this file", best.name, best.distance)
        }
    }
}

/// A duration in seconds as the scenario format writes it.
fn duration(seconds: f64) -> String {
    match seconds {
        s if s >= 1.0 => format!("\"{}s\"", significant(s)),
        s if s >= 1e-3 => format!("\"{}ms\"", significant(s * 1e3)),
        s => format!("\"{}us\"", significant(s * 1e6)),
    }
}

/// Four significant digits, without trailing zeros.
fn significant(value: f64) -> String {
    let digits = (3 - value.abs().log10().floor() as i32).clamp(0, 9) as usize;
    let text = format!("{value:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// The largest gap between the candidate's distribution function and the data's, read at the
/// data's 1st, 2nd, … 99th percentiles and their 99.9th.
fn distance(measured: &Empirical, candidate: &Distribution) -> f64 {
    (1..=99)
        .map(|i| f64::from(i) / 100.0)
        .chain([0.999])
        .map(|q| {
            let x = measured.quantile(q);
            // The data's share at or below x, and q, which lies between that and its share
            // just below x: both gaps are at most the true distance, never more.
            let model = candidate.cdf(x);
            (model - measured.cdf(x)).abs().max((model - q).abs())
        })
        .fold(0.0, f64::max)
}

/// Fits `measured` to the scenario's distributions by its mean and SCV.
pub fn fit(measured: &Empirical) -> Fit {
    let (mean, scv) = (measured.mean(), {
        let mean = measured.mean();
        if mean > 0.0 {
            ((measured.second_moment() - mean * mean) / (mean * mean)).max(0.0)
        } else {
            0.0
        }
    });
    let mean_text = duration(mean);
    let mut candidates = vec![Candidate {
        name: "exponential",
        distribution: Distribution::exponential(mean),
        toml: format!("distribution = \"exponential\"\nmean = {mean_text}"),
        distance: 0.0,
    }];
    if scv > 1e-9 {
        candidates.push(Candidate {
            name: "lognormal",
            distribution: Distribution::lognormal_with_mean_scv(mean, scv),
            toml: format!(
                "distribution = \"lognormal\"\nmean = {mean_text}\nscv = {}",
                significant(scv)
            ),
            distance: 0.0,
        });
        let shape = 1.0 / scv;
        candidates.push(Candidate {
            name: "gamma",
            distribution: Distribution::gamma(mean, shape),
            toml: format!(
                "distribution = \"gamma\"\nmean = {mean_text}\nshape = {}",
                significant(shape)
            ),
            distance: 0.0,
        });
    } else {
        candidates.push(Candidate {
            name: "constant",
            distribution: Distribution::constant(mean),
            toml: format!("distribution = \"constant\"\nmean = {mean_text}"),
            distance: 0.0,
        });
    }
    for candidate in &mut candidates {
        candidate.distance = distance(measured, &candidate.distribution);
    }
    candidates.sort_by(|a, b| a.distance.total_cmp(&b.distance));
    // One parameter beats two that fit no better: a gamma of shape 1.0004 is an exponential.
    if let Some(simple) = candidates
        .iter()
        .position(|c| c.name == "exponential" && c.distance <= candidates[0].distance + 0.005)
    {
        let exponential = candidates.remove(simple);
        candidates.insert(0, exponential);
    }
    Fit {
        count: measured.count(),
        mean,
        scv,
        percentiles: [0.5, 0.9, 0.99, 0.999]
            .iter()
            .map(|&q| (q, measured.quantile(q)))
            .collect(),
        candidates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn draws(truth: &Distribution, n: usize) -> Empirical {
        let mut rng = Rng::new(7);
        Empirical::from_samples((0..n).map(|_| truth.sample_secs(&mut rng)).collect()).unwrap()
    }

    #[test]
    fn each_kind_is_recognised_from_its_own_samples() {
        for (truth, name) in [
            (Distribution::exponential(0.05), "exponential"),
            (
                Distribution::lognormal_with_mean_scv(0.05, 2.0),
                "lognormal",
            ),
            (Distribution::gamma(0.05, 4.0), "gamma"),
        ] {
            let fit = fit(&draws(&truth, 50_000));
            assert_eq!(fit.best().name, name, "{fit:#?}");
            assert!(fit.best().distance < GOOD_FIT, "{fit:#?}");
            assert!((fit.mean / 0.05 - 1.0).abs() < 0.03);
        }
    }

    #[test]
    fn a_bimodal_mix_fits_nothing_and_says_so() {
        let truth = Distribution::mixture(vec![
            crate::dist::MixtureComponent {
                weight: 0.7,
                distribution: Distribution::constant(0.01),
            },
            crate::dist::MixtureComponent {
                weight: 0.3,
                distribution: Distribution::constant(0.5),
            },
        ]);
        let fit = fit(&draws(&truth, 10_000));
        assert!(fit.best().distance > NO_FIT, "{fit:#?}");
        assert!(fit.verdict().contains("empirical"), "{}", fit.verdict());
    }

    #[test]
    fn the_table_parses_as_a_scenario_service() {
        let fit = fit(&draws(&Distribution::gamma(0.25, 2.0), 5_000));
        for candidate in &fit.candidates {
            let text = format!(
                "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n[pool]\nworkers = 1\n[service]\n{}\n",
                candidate.toml
            );
            let config = crate::scenario::parse(&text, "fit.toml").unwrap();
            let mean = config.classes[0].service.mean();
            assert!((mean / fit.mean - 1.0).abs() < 1e-3, "{}", candidate.toml);
        }
        assert_eq!(duration(0.0234567), "\"23.46ms\"");
        assert_eq!(duration(2.5), "\"2.5s\"");
    }
}
