//! The workload both runtimes share: what arrives when, how big each job is, its class and key,
//! and where it goes. The simulator and `--mode threads` draw from these very same plans, so a
//! real run replays the simulated one request for request.

mod arrivals;
pub mod routing;
pub mod trace;

pub use arrivals::{ArrivalStream, RateStream};

use crate::dist::Distribution;
use crate::rng::Rng;
use crate::scenario::{Arrivals, ChaosConfig, Config, DownstreamConfig, OpenProcess};
use crate::time::SimDuration;
use trace::TraceStream;

use crate::rng::streams::*;

/// Where a producer's jobs come from.
#[derive(Debug, Clone)]
pub enum ProducerSource {
    /// Open loop: arrivals at their own pace.
    Open(ArrivalStream),
    /// Closed loop: one client that thinks, asks, and waits for its answer.
    Closed { think: Distribution, rng: Rng },
}

impl ProducerSource {
    /// What the last arrival's trace row says of its job (nothing for a drawn arrival).
    pub fn given(&self) -> Given {
        match self {
            ProducerSource::Open(stream) => stream.given(),
            ProducerSource::Closed { .. } => Given::default(),
        }
    }

    /// Rows a trace replay has handed out (`None` for other sources).
    pub fn trace_rows(&self) -> Option<u64> {
        match self {
            ProducerSource::Open(ArrivalStream::Trace(trace)) => Some(trace.delivered()),
            _ => None,
        }
    }
}

/// A job's make-up as a trace gives it: each part that is `None` is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Given {
    pub service: Option<SimDuration>,
    pub class: Option<u16>,
    pub key: Option<u64>,
}

/// One job's random make-up, drawn when its producer generates it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JobDraw {
    pub class: u16,
    /// Work on the worker, slow-task factor included.
    pub service: SimDuration,
    /// Where in its service the job panics (a fraction in [0, 1)), or `None`.
    pub panic_at: Option<f32>,
    /// The downstream call's latency before incidents, and the uniform draw that decides whether
    /// it fails (it fails when the draw is below the error rate at the time of the call).
    pub call_latency: SimDuration,
    pub call_draw: f64,
    /// The request's key when its trace row gives one (otherwise it is drawn when routed).
    pub key: Option<u64>,
}

/// A producer's random streams for the jobs it makes: which class, how big, what goes wrong.
#[derive(Debug, Clone)]
pub struct JobMaker {
    service_rng: Rng,
    class_rng: Rng,
    /// (cumulative weight, class) of the classes this producer generates.
    class_pick: Vec<(f64, u16)>,
}

impl JobMaker {
    /// Draws the next job; `services[class]` is each class's service-time distribution.
    pub fn draw(
        &mut self,
        services: &[Distribution],
        chaos: Option<&ChaosConfig>,
        downstream: Option<&DownstreamConfig>,
    ) -> JobDraw {
        self.draw_given(services, chaos, downstream, Given::default())
    }

    /// [`Self::draw`], but what `given` holds is taken as it is, not drawn.
    pub fn draw_given(
        &mut self,
        services: &[Distribution],
        chaos: Option<&ChaosConfig>,
        downstream: Option<&DownstreamConfig>,
        given: Given,
    ) -> JobDraw {
        let class = match given.class {
            Some(class) => class,
            None => pick_class(&self.class_pick, &mut self.class_rng),
        };
        let rng = &mut self.service_rng;
        let mut service = match given.service {
            Some(service) => service,
            None => services[class as usize].sample(rng),
        };
        let mut panic_at = None;
        if let Some(chaos) = chaos {
            if rng.next_f64() < chaos.slow_rate {
                service = SimDuration::from_secs_f64(service.as_secs_f64() * chaos.slow_factor);
            }
            let (panics, point) = (rng.next_f64(), rng.next_f64());
            if panics < chaos.panic_rate {
                panic_at = Some(point as f32);
            }
        }
        let (call_latency, call_draw) = match downstream {
            Some(downstream) => (downstream.latency.sample(rng), rng.next_f64()),
            None => (SimDuration::ZERO, 0.0),
        };
        JobDraw {
            class,
            service,
            panic_at,
            call_latency,
            call_draw,
            key: given.key,
        }
    }
}

/// A producer: its arrivals (or client loop) and the jobs it makes.
#[derive(Debug, Clone)]
pub struct ProducerPlan {
    pub source: ProducerSource,
    pub jobs: JobMaker,
}

/// The producers a scenario describes, each with its own seeded streams: the simulator and the
/// real-thread runtime both start from these, so they generate the very same jobs.
pub fn producer_plans(config: &Config) -> Vec<ProducerPlan> {
    let seed = config.seed;
    let mut producers = Vec::new();
    let make = |index: u64, source: ProducerSource, class_pick: Vec<(f64, u16)>| ProducerPlan {
        source,
        jobs: JobMaker {
            service_rng: Rng::stream(seed, SERVICE_STREAM + index),
            class_rng: Rng::stream(seed, CLASS_STREAM + index),
            class_pick,
        },
    };
    let shared_pick = cumulative_pick(
        config
            .classes
            .iter()
            .enumerate()
            .filter(|(_, class)| class.arrivals.is_none())
            .map(|(i, class)| (class.weight, i as u16)),
    );
    let add_open = |producers: &mut Vec<ProducerPlan>, process: &OpenProcess, pick| {
        let index = producers.len() as u64;
        let stream = ArrivalStream::new(
            process,
            Rng::stream(seed, ARRIVAL_STREAM + index).next_u64(),
        );
        producers.push(make(index, ProducerSource::Open(stream), pick));
    };
    match &config.arrivals {
        Arrivals::Open(process) => {
            if let Some(process) = process {
                add_open(&mut producers, process, shared_pick.clone());
            }
        }
        Arrivals::Trace(trace) => {
            let stream = ArrivalStream::Trace(Box::new(TraceStream::new(trace)));
            producers.push(make(0, ProducerSource::Open(stream), shared_pick.clone()));
        }
        Arrivals::Closed { clients, think } => {
            for _ in 0..*clients {
                let index = producers.len() as u64;
                let source = ProducerSource::Closed {
                    think: think.clone(),
                    rng: Rng::stream(seed, THINK_STREAM + index),
                };
                producers.push(make(index, source, shared_pick.clone()));
            }
        }
    }
    for (i, class) in config.classes.iter().enumerate() {
        if let Some(process) = &class.arrivals {
            add_open(&mut producers, process, vec![(1.0, i as u16)]);
        }
    }
    producers
}

fn cumulative_pick(weights: impl Iterator<Item = (f64, u16)>) -> Vec<(f64, u16)> {
    let weights: Vec<(f64, u16)> = weights.collect();
    let total: f64 = weights.iter().map(|(w, _)| w).sum();
    let mut cumulative = 0.0;
    weights
        .into_iter()
        .map(|(weight, class)| {
            cumulative += if total > 0.0 { weight / total } else { 0.0 };
            (cumulative, class)
        })
        .collect()
}

fn pick_class(pick: &[(f64, u16)], rng: &mut Rng) -> u16 {
    match pick {
        [] => 0,
        [(_, only)] => *only,
        _ => {
            let u = rng.next_f64();
            pick.iter()
                .find(|(cumulative, _)| u < *cumulative)
                .or(pick.last())
                .map_or(0, |&(_, class)| class)
        }
    }
}
