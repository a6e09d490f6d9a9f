//! Helpers for building an engine from a configuration: queue levels, class mixes, and the
//! default time-series resolution.

use super::*;

impl Engine {
    pub fn new(config: &Config) -> Self {
        let seed = config.seed;
        let class_levels = priority_levels(config);
        let classes: Vec<ClassRuntime> = config
            .classes
            .iter()
            .zip(&class_levels)
            .map(|(class, &level)| ClassRuntime {
                service: class.service.clone(),
                deadline: class.deadline,
                level,
            })
            .collect();
        let levels = class_levels.iter().max().map_or(1, |max| max + 1);

        let mut producers = Vec::new();
        let make_producer = |index: u64, source: Source, class_pick: Vec<(f64, u16)>| Producer {
            source,
            service_rng: Rng::stream(seed, SERVICE_STREAM + index),
            class_rng: Rng::stream(seed, CLASS_STREAM + index),
            class_pick,
            state: ProducerState::Scheduled,
            next_at: SimTime::ZERO,
        };
        let shared_pick = cumulative_pick(
            config
                .classes
                .iter()
                .enumerate()
                .filter(|(_, class)| class.arrivals.is_none())
                .map(|(i, class)| (class.weight, i as u16)),
        );
        let add_open = |producers: &mut Vec<Producer>,
                        process: &crate::scenario::OpenProcess,
                        pick: Vec<(f64, u16)>| {
            let index = producers.len() as u64;
            let stream = ArrivalStream::new(
                process,
                Rng::stream(seed, ARRIVAL_STREAM + index).next_u64(),
            );
            producers.push(make_producer(index, Source::Open(stream), pick));
        };
        match &config.arrivals {
            Arrivals::Open(process) => {
                if let Some(process) = process {
                    add_open(&mut producers, process, shared_pick.clone());
                }
            }
            Arrivals::Closed { clients, think } => {
                for _ in 0..*clients {
                    let index = producers.len() as u64;
                    let source = Source::Closed {
                        think: think.clone(),
                        rng: Rng::stream(seed, THINK_STREAM + index),
                    };
                    producers.push(make_producer(index, source, shared_pick.clone()));
                }
            }
        }
        for (i, class) in config.classes.iter().enumerate() {
            if let Some(process) = &class.arrivals {
                add_open(&mut producers, process, vec![(1.0, i as u16)]);
            }
        }

        let sample_interval = config
            .sample_interval
            .unwrap_or_else(|| default_sample_interval(config));
        let recorder = Recorder::new(
            config.warmup,
            config
                .classes
                .iter()
                .map(|class| class.name.clone())
                .collect(),
            sample_interval,
            config.workers,
        );
        let autoscaler: Option<Box<dyn Autoscaler>> =
            config
                .autoscaler
                .as_ref()
                .map(|autoscaler| -> Box<dyn Autoscaler> {
                    match autoscaler {
                        AutoscalerConfig::QueueDepth(c) => {
                            Box::new(QueueDepthAutoscaler::new(c.clone()))
                        }
                        AutoscalerConfig::WaitTime(c) => {
                            Box::new(WaitTimeAutoscaler::new(c.clone()))
                        }
                        AutoscalerConfig::Pid(c) => Box::new(PidAutoscaler::new(c.clone())),
                        AutoscalerConfig::Hpa(c) => Box::new(HpaAutoscaler::new(c.clone())),
                        AutoscalerConfig::MultiSignal(c) => Box::new(
                            crate::policy::autoscale::MultiSignalAutoscaler::new(c.clone()),
                        ),
                    }
                });

        let rate_buckets = match config.rate_limit {
            Some(rate) => {
                let buckets = if rate.per_class {
                    config.classes.len()
                } else {
                    1
                };
                vec![TokenBucket::new(rate.rate, rate.burst); buckets]
            }
            None => Vec::new(),
        };
        let limiter: Option<Box<dyn Limit>> =
            config.limiter.as_ref().map(|limiter| -> Box<dyn Limit> {
                match *limiter {
                    LimiterConfig::Fixed(limit) => Box::new(FixedLimit(limit)),
                    LimiterConfig::Aimd {
                        initial,
                        min,
                        max,
                        backoff,
                        timeout,
                    } => Box::new(AimdLimit::new(initial, min, max, backoff, timeout)),
                    LimiterConfig::Vegas {
                        initial,
                        max,
                        smoothing,
                    } => Box::new(VegasLimit::new(
                        initial,
                        max,
                        smoothing,
                        Rng::stream(seed, LIMITER_STREAM),
                    )),
                    LimiterConfig::Gradient2 {
                        initial,
                        min,
                        max,
                        smoothing,
                        long_window,
                    } => Box::new(Gradient2Limit::new(
                        initial,
                        min,
                        max,
                        smoothing,
                        long_window,
                    )),
                }
            });
        let mut engine = Engine {
            scenario: config.name.clone(),
            seed,
            now: SimTime::ZERO,
            events: EventQueue::new(),
            processed: 0,
            event_limit: DEFAULT_EVENT_LIMIT,
            finished: false,
            truncated: false,
            customers_limit: config.customers,
            generated: 0,
            stop_at: config.duration.map(|d| SimTime::ZERO + d),
            producers,
            producers_done: 0,
            blocked: VecDeque::new(),
            blocked_count: 0,
            waiting_outside: 0,
            pending_real_events: 0,
            jobs: JobSlab::default(),
            queue: match config.queue.discipline {
                Discipline::Fair => {
                    JobQueue::fair(config.classes.iter().map(|class| class.weight).collect())
                }
                discipline => JobQueue::new(levels, discipline == Discipline::Lifo),
            },
            capacity: config.queue.capacity,
            classes,
            workers: vec![Worker::default(); config.workers],
            idle: (0..config.workers as u32).rev().collect(),
            retired: Vec::new(),
            busy: 0,
            alive: config.workers,
            target: config.workers,
            overflow: Overflow::new(config.queue.overflow),
            started_work: config.deadline_started_work,
            autoscaler,
            integrals_at_tick: (0, 0),
            finished_at_tick: (0, 0),
            recorder,
            rate_buckets,
            rate_delay: config.rate_limit.is_some_and(|r| r.delay),
            rate_per_class: config.rate_limit.is_some_and(|r| r.per_class),
            limit_stats: LimitStats::new(limiter.as_ref().map_or(0, |l| l.limit())),
            limiter,
            admitted_in_flight: 0,
            class_in_flight: vec![0; config.classes.len()],
            class_caps: config
                .classes
                .iter()
                .map(|class| class.max_in_flight)
                .collect(),
            downstream: config.downstream.clone(),
            breaker: config
                .breaker
                .map(crate::policy::breaker::CircuitBreaker::new),
            retry: config.retry,
            lifecycle: config.lifecycle,
            scale_down: config.scale_down,
            prewarm: config.prewarm.clone(),
            chaos: config.chaos,
            retry_rng: Rng::stream(seed, RETRY_STREAM),
            retry_tokens: 0.0,
        };
        engine.schedule_start(config);
        engine
    }

    pub(super) fn schedule_start(&mut self, config: &Config) {
        for p in 0..self.producers.len() {
            match &mut self.producers[p].source {
                Source::Open(_) => self.schedule_next_open(p),
                Source::Closed { think, rng } => {
                    let first = SimTime::ZERO + think.sample(rng);
                    self.producers[p].next_at = first;
                    self.schedule(first, Event::Arrival { producer: p as u32 });
                }
            }
        }
        if config.lifecycle.idle_timeout.is_some() {
            let idle: Vec<u32> = self.idle.clone();
            self.idle.clear();
            for worker in idle.into_iter().rev() {
                self.make_idle(worker);
            }
        }
        if !config.warmup.is_zero() {
            self.schedule(SimTime::ZERO + config.warmup, Event::WarmupEnd);
        }
        if let Some(stop) = self.stop_at {
            self.schedule(stop, Event::Stop);
        }
        self.schedule(
            SimTime::ZERO + self.recorder.sample_interval(),
            Event::Sample,
        );
        if let Some(autoscaler) = &self.autoscaler {
            self.schedule(SimTime::ZERO + autoscaler.interval(), Event::AutoscaleTick);
        }
    }
}

/// Distinct priorities, highest first, become queue levels 0, 1, ...; non-priority disciplines
/// use one level.
pub(super) fn priority_levels(config: &Config) -> Vec<usize> {
    match config.queue.discipline {
        Discipline::Fair => return (0..config.classes.len()).collect(),
        Discipline::Priority => {}
        _ => return vec![0; config.classes.len()],
    }
    let mut priorities: Vec<u8> = config.classes.iter().map(|class| class.priority).collect();
    priorities.sort_unstable_by(|a, b| b.cmp(a));
    priorities.dedup();
    config
        .classes
        .iter()
        .map(|class| {
            priorities
                .iter()
                .position(|&p| p == class.priority)
                .unwrap_or(0)
        })
        .collect()
}

pub(super) fn cumulative_pick(weights: impl Iterator<Item = (f64, u16)>) -> Vec<(f64, u16)> {
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

pub(super) fn pick_class(pick: &[(f64, u16)], rng: &mut Rng) -> u16 {
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

/// About a thousand samples over the expected run length.
pub(super) fn default_sample_interval(config: &Config) -> SimDuration {
    let horizon_secs = match (config.duration, config.customers) {
        (Some(duration), _) => duration.as_secs_f64(),
        (None, Some(customers)) => {
            let rate = match &config.arrivals {
                Arrivals::Open(shared) => shared
                    .iter()
                    .chain(config.classes.iter().filter_map(|c| c.arrivals.as_ref()))
                    .map(|p| {
                        p.schedule
                            .long_run_rate()
                            .max(p.schedule.peak_rate() / 10.0)
                    })
                    .sum::<f64>(),
                Arrivals::Closed { clients, think } => {
                    let service = config.classes.iter().map(|c| c.service.mean()).sum::<f64>()
                        / config.classes.len() as f64;
                    *clients as f64 / (think.mean() + service).max(1e-9)
                }
            };
            customers as f64 / rate.max(1e-12)
        }
        (None, None) => 1000.0,
    };
    let interval = SimDuration::from_secs_f64(horizon_secs / 1000.0);
    interval.max(SimDuration::from_micros(1))
}
