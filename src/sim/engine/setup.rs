//! Building an engine from a configuration: its classes, stations (lanes, then later stages)
//! and policies.

use super::station::{Counts, Station};
use super::*;
use crate::report::recorder::sample_interval;

impl Engine {
    pub fn new(config: &Config) -> Self {
        let seed = config.seed;
        let class_levels = priority_levels(config);
        let classes: Vec<ClassRuntime> = config
            .classes
            .iter()
            .zip(&class_levels)
            .map(|(class, &level)| ClassRuntime {
                deadline: class.deadline,
                level,
            })
            .collect();
        let levels = class_levels.iter().max().map_or(1, |max| max + 1);

        let producers = producer_plans(config)
            .into_iter()
            .map(|plan| Producer {
                source: plan.source,
                jobs: plan.jobs,
                state: ProducerState::Scheduled,
                next_at: SimTime::ZERO,
            })
            .collect();
        let sample_interval = sample_interval(config);
        let recorder = Recorder::for_config(config, sample_interval);
        let layout = config.lanes();
        let autoscalers: Vec<Box<dyn Autoscaler>> = match &config.autoscaler {
            Some(autoscaler) => layout.workers.iter().map(|_| autoscaler.build()).collect(),
            None => Vec::new(),
        };
        let lane_priority = (0..layout.workers.len())
            .map(|lane| {
                config
                    .classes
                    .iter()
                    .zip(&layout.lane_of_class)
                    .filter(|&(_, &of)| of == lane)
                    .map(|(class, _)| class.priority)
                    .max()
                    .unwrap_or(0)
            })
            .collect();

        let mut engine = Engine {
            now: SimTime::ZERO,
            events: EventQueue::new(),
            control: parts::RunControl {
                scenario: config.name.clone(),
                seed,
                processed: 0,
                event_limit: DEFAULT_EVENT_LIMIT,
                events_this_instant: 0,
                stalled_at: None,
                overloaded_at: None,
                fault: None,
                clock_end_at: None,
                finished: false,
                truncated: false,
                customers_limit: config.customers,
                generated: 0,
                stop_at: config.duration.map(|d| SimTime::ZERO + d),
                pending_real_events: 0,
            },
            jobs: JobSlab::default(),
            producers: parts::Producers {
                list: producers,
                done: 0,
                waiting_outside: 0,
                keys: config.keys.filter(|_| layout.sharded),
                key_rng: Rng::stream(seed, KEY_STREAM),
                lane_of_class: layout.lane_of_class.clone(),
                classes,
                services: config
                    .classes
                    .iter()
                    .map(|class| class.service.clone())
                    .collect(),
            },
            stations: layout
                .workers
                .iter()
                .map(|_| Station::lane(config, levels))
                .chain(
                    config
                        .stages
                        .iter()
                        .enumerate()
                        .map(|(i, stage)| Station::later_stage(i, stage)),
                )
                .collect(),
            lane_tracking: parts::LaneTracking {
                touched: Vec::new(),
                per_lane: layout.workers.len() > 1,
                totals: Counts::default(),
            },
            pool: parts::Pool {
                // Every station's workers, in station order: the lanes', then each later stage's.
                workers: layout
                    .workers
                    .iter()
                    .copied()
                    .chain(config.stages.iter().map(|stage| stage.workers))
                    .enumerate()
                    .flat_map(|(station, workers)| std::iter::repeat_n(station as u16, workers))
                    .map(|station| Worker {
                        station,
                        ..Worker::default()
                    })
                    .collect(),
                lanes: layout.workers.len(),
                retired: Vec::new(),
                started_work: config.deadline_started_work,
                lifecycle: config.lifecycle,
                scale_down: config.scale_down,
                prewarm: config.prewarm.clone(),
            },
            ops: parts::Operations {
                autoscalers,
                budget: config.autoscale_budget,
                reclaim: config.autoscale_reclaim,
                lane_marks: vec![(0, 0); layout.workers.len()],
                lane_priority,
                tick_marks: TickMarks::default(),
                shutdown: config.shutdown,
                shutdown_started: None,
                alerts: config
                    .alerts
                    .iter()
                    .map(|alert| {
                        let state = crate::policy::alert::Alert::new(alert.above, alert.hold);
                        (alert.clone(), state)
                    })
                    .collect(),
            },
            faults: parts::Faults {
                chaos: config.chaos,
                hedge: config.hedge,
                hedge_rng: Rng::stream(seed, HEDGE_STREAM),
            },
            recorder,
            admission: AdmissionCore::new(config),
            dependency: crate::dependency::Dependency::new(config),
            fanout: config
                .fanout
                .as_ref()
                .map(|fanout| crate::fanout::FanOut::new(fanout, seed)),
            watch: None,
        };
        engine.schedule_start(config);
        engine
    }

    pub(super) fn schedule_start(&mut self, config: &Config) {
        for p in 0..self.producers.list.len() {
            match &mut self.producers.list[p].source {
                ProducerSource::Open(_) => self.schedule_next_open(p),
                ProducerSource::Closed { think, rng } => {
                    let first = SimTime::ZERO + think.sample(rng);
                    self.producers.list[p].next_at = first;
                    self.schedule(first, Event::Arrival { producer: p as u32 });
                }
            }
        }
        for worker in (0..self.pool.workers.len() as u32).rev() {
            let station = self.station_of(worker);
            self.stations[station].idle.push(worker);
            self.stations[station].workers += 1;
            self.stations[station].target += 1;
            self.touch(station);
        }
        self.report_touched_lanes();
        if config.lifecycle.idle_timeout.is_some() {
            for lane in 0..self.pool.lanes {
                let idle = std::mem::take(&mut self.stations[lane].idle);
                for worker in idle.into_iter().rev() {
                    self.make_idle(worker);
                }
            }
        }
        if !config.warmup.is_zero() {
            self.schedule(SimTime::ZERO + config.warmup, Event::WarmupEnd);
        }
        if let Some(shutdown) = config.shutdown {
            self.schedule(SimTime::ZERO + shutdown.at, Event::Shutdown);
        }
        if let Some(stop) = self.control.stop_at {
            self.schedule(stop, Event::Stop);
        }
        self.schedule(
            SimTime::ZERO + self.recorder.sample_interval(),
            Event::Sample,
        );
        if let Some(autoscaler) = self.ops.autoscalers.first() {
            self.schedule(SimTime::ZERO + autoscaler.interval(), Event::AutoscaleTick);
            // Until its first decision, the autoscaler stands by the starting size.
            let starting = self.pool_target();
            self.recorder.note_desired_workers(starting);
        }
    }
}
