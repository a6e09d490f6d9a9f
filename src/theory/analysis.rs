//! What theory can honestly say about a scenario: the offered load of each station (the pool, its
//! shards or class pools, each pipeline stage), and a closed-form prediction only where the
//! formula's assumptions hold — otherwise the assumptions that do not, in words.
//!
//! ```
//! use queuelab::theory::{Analysis, Caveat};
//! let config = queuelab::scenario::parse(
//!     "[run]\nduration = \"10s\"\n[arrivals]\nprocess = \"poisson\"\nrate = 200\n[service]\ndistribution = \"constant\"\nmean = \"5ms\"\n\
//!      [pool]\nworkers = 16\n[downstream]\nlatency = { distribution = \"exponential\", mean = \"20ms\" }\n\
//!      error_rate = 0.01\n[retry]\nmax_attempts = 5\n",
//!     "doc.toml",
//! ).unwrap();
//! let analysis = Analysis::of(&config);
//! // The worker waits on the 20 ms call too: 200/s × 25 ms / 16 ≈ 0.31, not 0.06.
//! let rho = analysis.stations[0].rho.unwrap();
//! assert!((rho - 0.3157).abs() < 1e-3, "{rho}");
//! assert!(analysis.prediction.is_none());
//! assert!(analysis.caveats.contains(&Caveat::Retries));
//! ```

use super::caveat::caveats;
pub use super::caveat::Caveat;
use super::closed::closed_loop_throughput;
use super::load::{class_cost, class_rates, open_window, Cost};
use super::Prediction;
use crate::scenario::{Arrivals, Config};

/// A place where jobs wait for workers of their own.
#[derive(Debug, Clone, PartialEq)]
pub struct Station {
    /// Its name in the summary: `pool`, a stage's name, a shard's index or a class pool's name.
    pub name: String,
    /// Its workers; `None` when an autoscaler or idle expiry changes them during the run.
    pub workers: Option<usize>,
    /// Jobs (attempts) per second reaching it, averaged over the measured window.
    pub arrival_rate: f64,
    /// Mean time a job holds one of its workers, in seconds: own work plus any downstream call.
    pub hold_secs: f64,
    /// The squared coefficient of variation of that time (1 for exponential, 0 for constant).
    pub hold_scv: f64,
    /// Work arriving per second of time, in workers: λ × hold (a = 3.2 keeps 3.2 workers busy).
    pub offered_work: f64,
    /// Offered load per worker, `offered_work / workers`.
    pub rho: Option<f64>,
}

/// Which closed form a prediction comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// M/M/c with an unbounded queue (Erlang C).
    ErlangC,
    /// M/G/1 (Pollaczek–Khinchine, exact).
    PollaczekKhinchine,
    /// M/G/c by the Allen–Cunneen approximation.
    AllenCunneen,
    /// M/M/c/K (a bounded queue that rejects).
    Mmck,
}

impl Model {
    pub fn label(self) -> &'static str {
        match self {
            Model::ErlangC => "M/M/c (Erlang C)",
            Model::PollaczekKhinchine => "M/G/1 (Pollaczek–Khinchine)",
            Model::AllenCunneen => "M/G/c (Allen–Cunneen approximation)",
            Model::Mmck => "M/M/c/K",
        }
    }
}

/// What theory says about one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The first pool (or its shards / class pools), then each later pipeline stage.
    pub stations: Vec<Station>,
    /// Assumptions the formulas need that this scenario breaks; empty when `prediction` is set.
    pub caveats: Vec<Caveat>,
    /// The closed form's prediction for a single station whose assumptions all hold.
    pub prediction: Option<(Model, Prediction)>,
    /// Stations in a line or a network of routes that form an open Jackson network: the mean
    /// latency end to end (see [`super::jackson`]).
    pub network: Option<super::NetworkPrediction>,
    /// Each class's mean wait under the priority discipline, when that is all that departs from
    /// the textbook (see [`super::priority`]).
    pub priority: Option<super::PriorityPrediction>,
}

impl Analysis {
    pub fn of(config: &Config) -> Analysis {
        let caveats = caveats(config);
        let stations = stations(config, &caveats);
        let mut analysis = Analysis {
            stations,
            caveats,
            prediction: None,
            network: None,
            priority: None,
        };
        if !config.stages.is_empty() {
            analysis.network = super::jackson(config).ok();
        }
        if analysis
            .stations
            .iter()
            .any(|s| s.rho.is_some_and(|r| r >= 1.0))
        {
            analysis.caveats.push(Caveat::Overloaded);
        }
        if analysis.caveats.is_empty() {
            analysis.prediction = predict(config, &analysis.stations[0]);
        }
        analysis.priority = super::priority::predict(config, &analysis.caveats);
        analysis
    }

    /// The busiest station's offered load: the one that decides.
    pub fn peak_rho(&self) -> Option<f64> {
        self.stations.iter().filter_map(|s| s.rho).reduce(f64::max)
    }
}

/// The first pool's stations (one, or its lanes) and the later stages.
fn stations(config: &Config, caveats: &[Caveat]) -> Vec<Station> {
    let window = open_window(config);
    let costs: Vec<Cost> = config
        .classes
        .iter()
        .map(|class| class_cost(config, class, window))
        .collect();
    let variable_c = caveats.contains(&Caveat::Autoscaler) || caveats.contains(&Caveat::IdleExpiry);
    let rates: Vec<f64> = match &config.arrivals {
        Arrivals::Open(_) => class_rates(config, window),
        Arrivals::Trace(trace) => {
            // The trace's mean rate, shared out by the classes' weights (rows may name their
            // class; the theory box says the mix is the trace's).
            let total: f64 = config.classes.iter().map(|c| c.weight).sum();
            config
                .classes
                .iter()
                .map(|c| trace.mean_rate() * c.weight / total)
                .collect()
        }
        Arrivals::Closed { clients, think } => {
            // Users share out by the classes' weights; the pool's mean hold decides the pace.
            let total: f64 = config.classes.iter().map(|c| c.weight).sum();
            let shares: Vec<f64> = config.classes.iter().map(|c| c.weight / total).collect();
            let hold: f64 = shares.iter().zip(&costs).map(|(s, c)| s * c.work).sum();
            let x =
                closed_loop_throughput(*clients, think.mean(), hold, config.workers).unwrap_or(0.0);
            shares.iter().map(|share| share * x).collect()
        }
    };
    // A shared token bucket lets through at most its rate, whatever arrives (the rest waits or
    // is refused).
    let rates = match config.rate_limit {
        Some(limit) if !limit.per_class => {
            let total: f64 = rates.iter().sum();
            let pass = (limit.rate / total.max(1e-300)).min(1.0);
            rates.iter().map(|rate| rate * pass).collect()
        }
        _ => rates,
    };
    let lanes = config.lanes();
    let mut stations: Vec<Station> = Vec::new();
    let mut station = |name: String, workers: usize, parts: &[(f64, Cost)]| {
        let arrival_rate: f64 = parts.iter().map(|(rate, cost)| rate * cost.attempts).sum();
        let offered_work: f64 = parts.iter().map(|(rate, cost)| rate * cost.work).sum();
        let second_moment: f64 = parts
            .iter()
            .map(|(rate, cost)| rate * cost.attempts * cost.second_moment)
            .sum::<f64>()
            / arrival_rate.max(1e-300);
        let hold_secs = offered_work / arrival_rate.max(1e-300);
        let workers = (!variable_c).then_some(workers);
        stations.push(Station {
            name,
            workers,
            arrival_rate,
            hold_secs,
            hold_scv: (second_moment / (hold_secs * hold_secs).max(1e-300) - 1.0).max(0.0),
            offered_work,
            rho: workers.filter(|&w| w > 0).map(|w| offered_work / w as f64),
        });
    };
    let every: Vec<(f64, Cost)> = rates.iter().copied().zip(costs.iter().copied()).collect();
    if lanes.sharded {
        for (shard, share) in shard_shares(config).into_iter().enumerate() {
            let parts: Vec<(f64, Cost)> = every.iter().map(|&(r, c)| (r * share, c)).collect();
            station(shard.to_string(), lanes.workers[shard], &parts);
        }
    } else if lanes.names.len() > 1 {
        for (lane, name) in lanes.names.iter().enumerate() {
            let parts: Vec<(f64, Cost)> = every
                .iter()
                .zip(&lanes.lane_of_class)
                .filter(|(_, &of)| of == lane)
                .map(|(&part, _)| part)
                .collect();
            station(name.clone(), lanes.workers[lane], &parts);
        }
    } else {
        station(
            crate::scenario::FRONT_STAGE.to_string(),
            config.workers,
            &every,
        );
    }
    let requests: f64 = rates.iter().sum();
    // With routes a stage sees the requests times its visits per request (a loop: more than 1).
    let visits = config.visit_ratios();
    for (stage, visits) in config.stages.iter().zip(&visits[1..]) {
        let hold = stage.service.mean();
        let arrival_rate = requests * visits;
        stations.push(Station {
            name: stage.name.clone(),
            workers: Some(stage.workers),
            arrival_rate,
            hold_secs: hold,
            hold_scv: stage.service.scv(),
            offered_work: arrival_rate * hold,
            rho: Some(arrival_rate * hold / stage.workers as f64),
        });
    }
    stations
}

/// Each shard's share of the requests: the hot key's on its shard, the rest spread by key.
fn shard_shares(config: &Config) -> Vec<f64> {
    let shards = config.shards;
    let mut shares = vec![0.0; shards];
    let Some(keys) = config.keys else {
        return vec![1.0 / shards as f64; shards];
    };
    let route = crate::workload::routing::shard_of;
    if keys.count <= 1_000_000 {
        let mut counts = vec![0u64; shards];
        for key in 0..keys.count {
            counts[route(key, shards)] += 1;
        }
        for (share, count) in shares.iter_mut().zip(counts) {
            *share = (1.0 - keys.hot_share) * count as f64 / keys.count as f64;
        }
    } else {
        shares.fill((1.0 - keys.hot_share) / shards as f64);
    }
    shares[route(0, shards)] += keys.hot_share;
    shares
}

/// The closed form for a single FIFO pool with Poisson arrivals at a constant rate.
fn predict(config: &Config, station: &Station) -> Option<(Model, Prediction)> {
    let c = station.workers? as u32;
    let lambda = station.arrival_rate;
    let mu = 1.0 / station.hold_secs;
    let scv = station.hold_scv;
    let exponential = (scv - 1.0).abs() < 1e-9;
    match config.queue.capacity {
        None => {
            let model = if exponential {
                Model::ErlangC
            } else if c == 1 {
                Model::PollaczekKhinchine
            } else {
                Model::AllenCunneen
            };
            let scv = if exponential { 1.0 } else { scv };
            Prediction::mgc(c, lambda, mu, scv).map(|p| (model, p))
        }
        Some(slots) => Prediction::mmck(c, slots as u32, lambda, mu).map(|p| (Model::Mmck, p)),
    }
}
