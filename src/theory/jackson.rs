//! Open Jackson networks (Jackson, 1957): Poisson arrivals into a network of stations with
//! exponential service and unbounded queues, joined by random routes (feedback included). Each
//! station then behaves as an M/M/cᵢ queue of its own, fed at λᵢ = λ · vᵢ (vᵢ its visit ratio
//! from the traffic equations), and the mean time in the system is Σ Lᵢ / λ (Little's law over the
//! whole network).
//!
//! [`jackson`] says which assumption a scenario breaks instead of predicting when one fails.

use super::Prediction;
use crate::dist::Distribution;
use crate::scenario::{Arrivals, Config, Discipline, Spacing, FRONT_STAGE};

/// A later stage's buffer of at least this many items is taken as unbounded: at the loads where
/// a prediction exists (every ρ < 1), the chance it fills is negligible against the simulation's
/// own noise. Smaller buffers block senders, which Jackson's theorem does not cover.
pub const UNBOUNDED_BUFFER: usize = 1_000;

/// One station's share of the prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct StationPrediction {
    pub name: String,
    pub workers: usize,
    /// Visits per request (1 for the pool; above 1 with feedback, below with a split).
    pub visits: f64,
    /// Items arriving per second, λ · visits.
    pub arrival_rate: f64,
    pub utilization: f64,
    /// Items there on average (waiting and in service), and the time of one visit.
    pub mean_in_system: f64,
    pub visit_latency: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NetworkPrediction {
    pub stations: Vec<StationPrediction>,
    /// Requests in the whole network on average, and their mean time in it (end to end).
    pub mean_in_system: f64,
    pub latency_mean: f64,
}

/// Why Jackson's theorem does not describe a scenario.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum NotJackson {
    /// Arrivals are not one Poisson stream at a constant rate.
    NotPoisson,
    /// Several classes, shards or class pools.
    NotOneClass,
    /// A station's service time is not exponential.
    NotExponential { station: String },
    /// A bounded queue or buffer: senders are refused or blocked.
    Bounded { station: String },
    /// A policy in the way (deadlines, an autoscaler, admission, retries, a dependency, ...).
    Policy { what: &'static str },
    /// The station gets more work than its workers can do: its queue grows for ever.
    Unstable { station: String, utilization: f64 },
}

impl std::fmt::Display for NotJackson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotJackson::NotPoisson => f.write_str("arrivals are not one Poisson stream at a constant rate"),
            NotJackson::NotOneClass => f.write_str("the requests are not one class served by one pool"),
            NotJackson::NotExponential { station } => {
                write!(f, "{station:?}'s service time is not exponential")
            }
            NotJackson::Bounded { station } => write!(
                f,
                "{station:?} has a bounded queue (under {UNBOUNDED_BUFFER} items), so senders are refused or blocked"
            ),
            NotJackson::Policy { what } => write!(f, "{what} changes the flow of requests"),
            NotJackson::Unstable {
                station,
                utilization,
            } => write!(
                f,
                "{station:?} is offered {:.0} % of what its workers can do: its queue grows without bound",
                utilization * 100.0
            ),
        }
    }
}

fn exponential(distribution: &Distribution) -> Option<f64> {
    match distribution {
        Distribution::Exponential { mean } if *mean > 0.0 => Some(*mean),
        _ => None,
    }
}

/// The policies Jackson's theorem has no room for, named.
fn blocking_policy(config: &Config) -> Option<&'static str> {
    let [class] = config.classes.as_slice() else {
        return None;
    };
    [
        (class.deadline.is_some(), "a deadline"),
        (config.autoscaler.is_some(), "an autoscaler"),
        (config.rate_limit.is_some(), "a rate limit"),
        (config.limiter.is_some(), "a concurrency limiter"),
        (config.retry.is_some(), "retrying"),
        (config.hedge.is_some(), "hedging"),
        (config.downstream.is_some(), "a downstream call"),
        (config.fanout.is_some(), "a fan-out"),
        (config.chaos.is_some(), "chaos"),
        (config.shutdown.is_some(), "a shutdown"),
        (
            config.queue.discipline != Discipline::Fifo,
            "a queue discipline other than FIFO",
        ),
    ]
    .into_iter()
    .find_map(|(present, what)| present.then_some(what))
}

/// The open Jackson network prediction for `config`, or the assumption it breaks.
pub fn jackson(config: &Config) -> Result<NetworkPrediction, NotJackson> {
    let Arrivals::Open(Some(process)) = &config.arrivals else {
        return Err(NotJackson::NotPoisson);
    };
    let [class] = config.classes.as_slice() else {
        return Err(NotJackson::NotOneClass);
    };
    if class.arrivals.is_some() || config.lanes().names.len() > 1 {
        return Err(NotJackson::NotOneClass);
    }
    let segments = &process.schedule.segments;
    let lambda = match segments.as_slice() {
        [only] if only.from == only.to && process.spacing == Spacing::Poisson => only.from,
        _ => return Err(NotJackson::NotPoisson),
    };
    if let Some(what) = blocking_policy(config) {
        return Err(NotJackson::Policy { what });
    }
    if config.queue.capacity.is_some() {
        return Err(NotJackson::Bounded {
            station: FRONT_STAGE.into(),
        });
    }
    let pool_mean = exponential(&class.service).ok_or_else(|| NotJackson::NotExponential {
        station: FRONT_STAGE.into(),
    })?;
    let mut servers = vec![(FRONT_STAGE.to_string(), config.workers, pool_mean)];
    for stage in &config.stages {
        let mean = exponential(&stage.service).ok_or_else(|| NotJackson::NotExponential {
            station: stage.name.clone(),
        })?;
        if stage.buffer < UNBOUNDED_BUFFER {
            return Err(NotJackson::Bounded {
                station: stage.name.clone(),
            });
        }
        servers.push((stage.name.clone(), stage.workers, mean));
    }
    let visits = config.visit_ratios();
    let mut stations = Vec::new();
    for ((name, workers, mean), visits) in servers.into_iter().zip(visits) {
        let arrival_rate = lambda * visits;
        let utilization = arrival_rate * mean / workers as f64;
        if visits == 0.0 {
            continue;
        }
        let station = Prediction::mmc(workers as u32, arrival_rate, 1.0 / mean).ok_or(
            NotJackson::Unstable {
                station: name.clone(),
                utilization,
            },
        )?;
        stations.push(StationPrediction {
            name,
            workers,
            visits,
            arrival_rate,
            utilization,
            mean_in_system: station.mean_in_system,
            visit_latency: station.latency_mean,
        });
    }
    let mean_in_system: f64 = stations.iter().map(|s| s.mean_in_system).sum();
    Ok(NetworkPrediction {
        stations,
        mean_in_system,
        latency_mean: mean_in_system / lambda,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(stages: &str) -> Config {
        crate::scenario::parse(
            &format!(
                "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 8\n\
                 [service]\ndistribution = \"exponential\"\nmean = \"100ms\"\n[pool]\nworkers = 1\n{stages}"
            ),
            "j.toml",
        )
        .unwrap()
    }

    #[test]
    fn a_single_pool_is_its_own_mm1() {
        let network = jackson(&config("")).unwrap();
        // M/M/1 at ρ = 0.8: W = 1 / (μ − λ) = 0.5 s.
        assert!((network.latency_mean - 0.5).abs() < 1e-9);
    }

    #[test]
    fn feedback_raises_a_stations_load_by_its_visits() {
        // Stage "work" (1 worker, 50 ms) sends a quarter of its items back to itself:
        // 4/3 visits, ρ = 8 · 4/3 · 0.05 = 0.53.
        let network = jackson(&config(
            "[[stages]]\nname = \"work\"\nworkers = 1\nbuffer = 100000\n\
             service = { distribution = \"exponential\", mean = \"50ms\" }\n\
             routes = [{ to = \"work\", share = 0.25 }, { to = \"exit\", share = 0.75 }]\n",
        ))
        .unwrap();
        let work = &network.stations[1];
        assert!((work.visits - 4.0 / 3.0).abs() < 1e-12);
        assert!((work.utilization - 8.0 * 4.0 / 3.0 * 0.05).abs() < 1e-12);
        // L = ρ / (1 − ρ) per M/M/1 station; W = (L_pool + L_work) / λ.
        let expected = (4.0 + (8.0 / 15.0) / (1.0 - 8.0 / 15.0)) / 8.0;
        assert!((network.latency_mean - expected).abs() < 1e-9);
    }

    #[test]
    fn broken_assumptions_are_named() {
        let small_buffer = "[[stages]]\nname = \"s\"\nworkers = 1\nbuffer = 4\n\
                            service = { distribution = \"exponential\", mean = \"10ms\" }\n";
        assert_eq!(
            jackson(&config(small_buffer)),
            Err(NotJackson::Bounded {
                station: "s".into()
            })
        );
        let overloaded = "[[stages]]\nname = \"s\"\nworkers = 1\nbuffer = 100000\n\
                          service = { distribution = \"exponential\", mean = \"200ms\" }\n";
        let error = jackson(&config(overloaded)).unwrap_err();
        assert!(error.to_string().contains("160 %"), "{error}");
    }
}
