//! Building an engine from a configuration: its classes, lanes, stages and policies.

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
            scenario: config.name.clone(),
            seed,
            now: SimTime::ZERO,
            events: EventQueue::new(),
            processed: 0,
            event_limit: DEFAULT_EVENT_LIMIT,
            events_this_instant: 0,
            stalled_at: None,
            overloaded_at: None,
            finished: false,
            truncated: false,
            customers_limit: config.customers,
            generated: 0,
            stop_at: config.duration.map(|d| SimTime::ZERO + d),
            producers,
            producers_done: 0,
            waiting_outside: 0,
            pending_real_events: 0,
            jobs: JobSlab::default(),
            lanes: layout
                .workers
                .iter()
                .map(|_| lanes::Lane::new(config, levels))
                .collect(),
            keys: config.keys.filter(|_| layout.sharded),
            lane_of_class: layout.lane_of_class.clone(),
            key_rng: Rng::stream(seed, KEY_STREAM),
            classes,
            services: config
                .classes
                .iter()
                .map(|class| class.service.clone())
                .collect(),
            workers: layout
                .workers
                .iter()
                .enumerate()
                .flat_map(|(lane, &workers)| std::iter::repeat_n(lane as u16, workers))
                .map(|lane| Worker {
                    lane,
                    ..Worker::default()
                })
                .collect(),
            retired: Vec::new(),
            busy: 0,
            alive: config.workers,
            target: config.workers,
            started_work: config.deadline_started_work,
            autoscalers,
            budget: config.autoscale_budget,
            reclaim: config.autoscale_reclaim,
            lane_marks: vec![(0, 0); layout.workers.len()],
            touched_lanes: Vec::new(),
            lane_totals: (0, 0),
            recorder_has_lanes: layout.workers.len() > 1,
            lane_priority,
            tick_marks: TickMarks::default(),
            recorder,
            admission: AdmissionCore::new(config),
            dependency: crate::dependency::Dependency::new(config),
            lifecycle: config.lifecycle,
            scale_down: config.scale_down,
            prewarm: config.prewarm.clone(),
            chaos: config.chaos,
            hedge: config.hedge,
            hedge_rng: Rng::stream(seed, HEDGE_STREAM),
            shutdown: config.shutdown,
            alerts: config
                .alerts
                .iter()
                .map(|alert| {
                    let state = crate::policy::alert::Alert::new(alert.above, alert.hold);
                    (alert.clone(), state)
                })
                .collect(),
            shutdown_started: None,
            stages: config.stages.iter().map(pipeline::Stage::new).collect(),
            pool_held: 0,
        };
        engine.schedule_start(config);
        engine
    }

    pub(super) fn schedule_start(&mut self, config: &Config) {
        for p in 0..self.producers.len() {
            match &mut self.producers[p].source {
                ProducerSource::Open(_) => self.schedule_next_open(p),
                ProducerSource::Closed { think, rng } => {
                    let first = SimTime::ZERO + think.sample(rng);
                    self.producers[p].next_at = first;
                    self.schedule(first, Event::Arrival { producer: p as u32 });
                }
            }
        }
        for worker in (0..self.workers.len() as u32).rev() {
            let lane = self.lane_of_worker(worker);
            self.lanes[lane].idle.push(worker);
            self.lanes[lane].workers += 1;
            self.lanes[lane].target += 1;
            self.touch(lane);
        }
        self.report_touched_lanes();
        if config.lifecycle.idle_timeout.is_some() {
            for lane in 0..self.lanes.len() {
                let idle = std::mem::take(&mut self.lanes[lane].idle);
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
        if let Some(stop) = self.stop_at {
            self.schedule(stop, Event::Stop);
        }
        self.schedule(
            SimTime::ZERO + self.recorder.sample_interval(),
            Event::Sample,
        );
        if let Some(autoscaler) = self.autoscalers.first() {
            self.schedule(SimTime::ZERO + autoscaler.interval(), Event::AutoscaleTick);
        }
    }
}
