//! The workload both runtimes share: what arrives when, how big each job is, its class and key,
//! and where it goes. The simulator and `--mode threads` draw from these very same plans, so a
//! real run replays the simulated one request for request.
//!
//! Arrival streams: when the next open-loop job arrives, for any piecewise-linear rate.
//!
//! A non-homogeneous Poisson process is a unit-rate one seen through the cumulative rate
//! Λ(t) = ∫ λ: draw an Exp(1) amount of "rate mass" and find where Λ has grown by that much. Within
//! a linear segment Λ is quadratic, so the inversion is exact and costs O(1) — no thinning, no
//! rejected draws, and a constant rate is just the one-segment case. Even spacing uses mass 1.
//!
//! ```
//! use queuelab::scenario::{OpenProcess, RateSchedule, Spacing};
//! use queuelab::workload::ArrivalStream;
//! let process = OpenProcess { schedule: RateSchedule::constant(4.0), spacing: Spacing::Even };
//! let mut stream = ArrivalStream::new(&process, 1);
//! assert_eq!(stream.next_secs(), Some(0.25));
//! assert_eq!(stream.next_secs(), Some(0.5));
//! ```

pub mod routing;
pub mod trace;

use crate::dist::Distribution;
use crate::rng::Rng;
use crate::scenario::{
    AfterSchedule, Arrivals, ChaosConfig, Config, DownstreamConfig, OpenProcess, RateSchedule,
    Spacing,
};
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

/// An open producer's arrival instants: drawn from a rate, or replayed from a trace.
#[derive(Debug, Clone)]
pub enum ArrivalStream {
    Rate(RateStream),
    Trace(Box<TraceStream>),
}

impl ArrivalStream {
    pub fn new(process: &OpenProcess, seed: u64) -> Self {
        ArrivalStream::Rate(RateStream::new(process, seed))
    }

    /// The time of the next arrival in seconds, or `None` once there are no more.
    pub fn next_secs(&mut self) -> Option<f64> {
        match self {
            ArrivalStream::Rate(rate) => rate.next_secs(),
            ArrivalStream::Trace(trace) => trace.next_secs(),
        }
    }

    /// What the last arrival's trace row says of its job.
    pub fn given(&self) -> Given {
        let ArrivalStream::Trace(trace) = self else {
            return Given::default();
        };
        trace.current().map_or_else(Given::default, |row| Given {
            service: row.service.map(SimDuration::from_secs_f64),
            class: row.class,
            key: row.key,
        })
    }
}

/// Arrivals at a (piecewise-linear) rate.
#[derive(Debug, Clone)]
pub struct RateStream {
    schedule: RateSchedule,
    spacing: Spacing,
    rng: Rng,
    segment: usize,
    segment_start: f64,
    now: f64,
    exhausted: bool,
}

impl RateStream {
    pub fn new(process: &OpenProcess, seed: u64) -> Self {
        let schedule = process.schedule.clone();
        let exhausted = schedule.segments.is_empty()
            || (schedule.after == AfterSchedule::Repeat && schedule.long_run_rate() <= 0.0);
        RateStream {
            schedule,
            spacing: process.spacing,
            rng: Rng::new(seed),
            segment: 0,
            segment_start: 0.0,
            now: 0.0,
            exhausted,
        }
    }

    /// The time of the next arrival in seconds, or `None` once the rate is zero forever.
    pub fn next_secs(&mut self) -> Option<f64> {
        if self.exhausted {
            return None;
        }
        let mass = match self.spacing {
            Spacing::Poisson => -libm::log(self.rng.next_f64_open_zero()),
            Spacing::Even => 1.0,
        };
        let next = self.advance(mass);
        if next.is_none() {
            self.exhausted = true;
        }
        next
    }

    fn advance(&mut self, mut mass: f64) -> Option<f64> {
        loop {
            if self.segment == 0 && self.schedule.after == AfterSchedule::Repeat {
                // Skip whole cycles arithmetically: a tiny rate must not mean billions of loops.
                let cycle_mass = self.schedule.cycle_mass();
                let offset_in_cycle = self.now - self.segment_start;
                if offset_in_cycle == 0.0 && mass > cycle_mass {
                    let cycles = ((mass / cycle_mass).floor() - 1.0).max(0.0);
                    let cycle_length = self.schedule.cycle_length();
                    self.segment_start += cycles * cycle_length;
                    self.now = self.segment_start;
                    mass -= cycles * cycle_mass;
                    if !self.now.is_finite() {
                        return None;
                    }
                }
            }
            let Some(segment) = self.schedule.segments.get(self.segment).copied() else {
                match self.schedule.after {
                    AfterSchedule::Hold => {
                        let rate = self.schedule.segments.last().map_or(0.0, |s| s.to);
                        if rate <= 0.0 {
                            return None;
                        }
                        self.now += mass / rate;
                        return Some(self.now);
                    }
                    AfterSchedule::Repeat => {
                        self.segment = 0;
                        continue;
                    }
                }
            };
            let offset = self.now - self.segment_start;
            let remaining = (segment.duration_secs - offset).max(0.0);
            let slope = (segment.to - segment.from) / segment.duration_secs;
            let rate_now = segment.from + slope * offset;
            let mass_left = rate_now * remaining + slope * remaining * remaining / 2.0;
            if mass_left > 0.0 && mass <= mass_left {
                let step = if slope == 0.0 {
                    mass / rate_now
                } else {
                    let discriminant = (rate_now * rate_now + 2.0 * slope * mass).max(0.0);
                    2.0 * mass / (rate_now + libm::sqrt(discriminant))
                };
                self.now = self.segment_start + offset + step.min(remaining);
                return Some(self.now);
            }
            mass -= mass_left.max(0.0);
            self.segment_start += segment.duration_secs;
            self.now = self.segment_start;
            self.segment += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::RateSegment;

    fn count_in(stream: &mut ArrivalStream, from: f64, to: f64) -> usize {
        let mut count = 0;
        while let Some(t) = stream.next_secs() {
            if t >= to {
                break;
            }
            if t >= from {
                count += 1;
            }
        }
        count
    }

    #[test]
    fn poisson_rate_is_right() {
        let process = OpenProcess {
            schedule: RateSchedule::constant(100.0),
            spacing: Spacing::Poisson,
        };
        let count = count_in(&mut ArrivalStream::new(&process, 3), 0.0, 1000.0) as f64;
        assert!((count - 100_000.0).abs() < 1_000.0, "{count}");
    }

    #[test]
    fn ramp_delivers_the_area_under_the_rate() {
        // 100 → 2000 per second over 60 s: 63 000 expected arrivals; then hold 2000.
        let schedule = RateSchedule {
            segments: vec![RateSegment {
                duration_secs: 60.0,
                from: 100.0,
                to: 2000.0,
            }],
            after: AfterSchedule::Hold,
        };
        let process = OpenProcess {
            schedule,
            spacing: Spacing::Even,
        };
        let mut stream = ArrivalStream::new(&process, 1);
        assert!(count_in(&mut stream, 0.0, 60.0).abs_diff(63_000) <= 1);
        let mut stream = ArrivalStream::new(&process, 1);
        assert!(count_in(&mut stream, 0.0, 61.0).abs_diff(65_000) <= 1);
    }

    #[test]
    fn repeating_bursts_follow_the_on_off_pattern() {
        let schedule = RateSchedule {
            segments: vec![
                RateSegment {
                    duration_secs: 1.0,
                    from: 50.0,
                    to: 50.0,
                },
                RateSegment {
                    duration_secs: 4.0,
                    from: 0.0,
                    to: 0.0,
                },
            ],
            after: AfterSchedule::Repeat,
        };
        let process = OpenProcess {
            schedule,
            spacing: Spacing::Poisson,
        };
        let mut stream = ArrivalStream::new(&process, 8);
        let mut on = 0;
        for _ in 0..5_000 {
            let t = stream.next_secs().unwrap();
            assert!(t % 5.0 <= 1.0 + 1e-9, "arrival during the off phase at {t}");
            on += 1;
        }
        assert_eq!(on, 5_000);
    }

    #[test]
    fn a_schedule_that_ends_at_zero_runs_out() {
        let schedule = RateSchedule {
            segments: vec![RateSegment {
                duration_secs: 10.0,
                from: 10.0,
                to: 0.0,
            }],
            after: AfterSchedule::Hold,
        };
        let process = OpenProcess {
            schedule,
            spacing: Spacing::Even,
        };
        let mut stream = ArrivalStream::new(&process, 1);
        let mut count = 0;
        while stream.next_secs().is_some() {
            count += 1;
            assert!(count <= 50);
        }
        assert_eq!(count, 50);
    }
}
