//! The measuring thread: puts the records every thread sends back in time order and feeds them
//! to the simulator's own [`Recorder`], so a real run is summarised by exactly the same code
//! (levels integrated over time, histograms, the time series) as a simulated one.
//!
//! Records arrive a little out of order (threads send them after the fact, through one channel),
//! so the collector holds them for a short lag and applies them sorted by their instants. Between
//! them it plays the periodic events the engine would: the end of the warm-up, samples of the
//! time series, and autoscaler ticks — whose decisions it hands back to the pool.

use super::clock::Clock;
use super::job::{Outcome, Record, What};
use crate::policy::alert::Alert;
use crate::policy::autoscale::{with_floor, Autoscaler, PoolSignals};
use crate::report::recorder::{Levels, Recorder, TickMarks};
use crate::scenario::{AlertConfig, AlertSignal};
use parts::Parts;

mod parts;
use crate::time::SimTime;
use std::collections::VecDeque;
use std::time::Instant;

/// What the collector needs from the pool's policies at a sample or tick.
pub struct Gauges {
    pub limit: f64,
    pub breaker: f64,
}

pub struct Collector {
    clock: Clock,
    pub recorder: Recorder,
    /// Records not applied yet, in time order (equal instants in arrival order).
    pending: VecDeque<Record>,
    queued: i64,
    busy: i64,
    blocked: i64,
    workers: i64,
    /// Scenario time up to which records have been applied.
    pub applied: SimTime,
    warmup: Option<SimTime>,
    next_sample: SimTime,
    autoscaler: Option<Box<dyn Autoscaler>>,
    next_tick: SimTime,
    tick_marks: TickMarks,
    prewarm: crate::scenario::Prewarm,
    /// The pool's target size.
    pub target: usize,
    capacity: Option<usize>,
    /// Records applied.
    pub records: u64,
    /// Requests generated and not yet finished one way or another.
    pub outstanding: i64,
    /// Records after this scenario time are ignored (a `duration` run's end).
    end: Option<SimTime>,
    /// When a graceful shutdown (`[shutdown]`) began.
    shutdown: Option<SimTime>,
    /// A policy script failed: the run stops (see the driver).
    pub fault: Option<crate::policy::PolicyFault>,
    /// `[[alerts]]`, the very objects the simulator uses, and their pending timers
    /// (instant, alert, token).
    pub alerts: Vec<(AlertConfig, Alert)>,
    alert_timers: Vec<(SimTime, usize, u32)>,
    /// A pipeline's later stages and a split pool's lanes, counted from their records.
    parts: Parts,
}

impl Collector {
    pub fn new(
        clock: Clock,
        recorder: Recorder,
        config: &crate::scenario::Config,
        autoscaler: Option<Box<dyn Autoscaler>>,
    ) -> Self {
        let mut recorder = recorder;
        if autoscaler.is_some() {
            // Until its first decision, the autoscaler stands by the starting size.
            recorder.note_desired_workers(config.workers);
        }
        let next_sample = SimTime::ZERO + recorder.sample_interval();
        let next_tick = autoscaler
            .as_ref()
            .map_or(SimTime::MAX, |a| SimTime::ZERO + a.interval());
        Collector {
            clock,
            recorder,
            pending: VecDeque::new(),
            queued: 0,
            busy: 0,
            blocked: 0,
            workers: 0,
            applied: SimTime::ZERO,
            warmup: (!config.warmup.is_zero()).then(|| SimTime::ZERO + config.warmup),
            next_sample,
            autoscaler,
            next_tick,
            tick_marks: TickMarks::default(),
            prewarm: config.prewarm.clone(),
            target: config.workers,
            capacity: config.queue.capacity,
            records: 0,
            outstanding: 0,
            end: None,
            shutdown: None,
            fault: None,
            alerts: config
                .alerts
                .iter()
                .map(|alert| (alert.clone(), Alert::new(alert.above, alert.hold)))
                .collect(),
            alert_timers: Vec::new(),
            parts: Parts::new(config),
        }
    }

    /// Files a thread's batch of records in time order. Each batch is already in order and
    /// batches from different threads overlap only a little, so a record moves back just past
    /// the few records it overtakes: far cheaper than a heap at a million records a second.
    pub fn push_all(&mut self, batch: Vec<Record>) {
        for record in batch {
            let mut index = self.pending.len();
            while index > 0 && self.pending[index - 1].at > record.at {
                index -= 1;
            }
            self.pending.insert(index, record);
        }
    }

    /// Jobs wait outside the queue: blocked senders, rate-limit delays, retry backoffs.
    pub fn anyone_waiting_outside(&self) -> bool {
        self.blocked > 0
    }

    pub fn is_idle(&self) -> bool {
        self.pending.is_empty()
    }

    fn levels(&self) -> Levels {
        let level = |value: i64| value.max(0) as u64;
        Levels {
            queued: level(self.queued),
            busy: level(self.busy),
            blocked: level(self.blocked),
            workers: level(self.workers),
            staged: self.parts.staged(),
        }
    }

    /// Integrates the levels (the run's, each lane's and each pipeline stage's) up to `t`.
    fn advance_recorder(&mut self, t: SimTime) {
        self.recorder.advance(t, self.levels());
        let pool = (self.queued, self.busy, self.workers);
        self.parts.advance(&mut self.recorder, t, pool);
    }

    /// Ends measurement at `end` (a `duration` run): the window closes there, later records
    /// are ignored, and jobs unfinished by then count as in flight at the end.
    pub fn end_at(&mut self, end: SimTime, gauges: &dyn Fn() -> Gauges) -> Vec<usize> {
        let resizes = self.play_periodic_until(end, gauges);
        self.advance_recorder(end);
        self.applied = self.applied.max(end);
        self.recorder.close_window(end);
        self.end = Some(end);
        resizes
    }

    /// A graceful shutdown begins at `at`: the measured window closes there.
    pub fn shutdown_at(&mut self, at: SimTime, gauges: &dyn Fn() -> Gauges) -> Vec<usize> {
        let resizes = self.play_periodic_until(at, gauges);
        self.recorder.close_window(at.max(self.applied));
        self.shutdown = Some(at);
        resizes
    }

    /// Scenario seconds from the start of a graceful shutdown to `end` (0 without one).
    pub fn drain_seconds(&self, end: SimTime) -> f64 {
        self.shutdown
            .map_or(0.0, |at| end.saturating_since(at).as_secs_f64())
    }

    pub fn shutdown_started(&self) -> bool {
        self.shutdown.is_some()
    }

    pub fn end(&self) -> Option<SimTime> {
        self.end
    }

    /// Applies every record up to `horizon` in time order, with the periodic events between
    /// them; returns the pool sizes the autoscaler chose meanwhile.
    pub fn apply_until(&mut self, horizon: Instant, gauges: &dyn Fn() -> Gauges) -> Vec<usize> {
        let mut resizes = Vec::new();
        while let Some(record) = self.pending.front() {
            if record.at > horizon {
                break;
            }
            let Some(Record { at, what }) = self.pending.pop_front() else {
                break;
            };
            let t = self.clock.scenario_time(at).max(self.applied);
            if self.end.is_some_and(|end| t > end) {
                continue;
            }
            resizes.extend(self.play_periodic_until(t, gauges));
            self.apply(t, what);
        }
        let t = self.clock.scenario_time(horizon).max(self.applied);
        let t = self.end.map_or(t, |end| t.min(end));
        resizes.extend(self.play_periodic_until(t, gauges));
        resizes
    }

    fn play_periodic_until(&mut self, t: SimTime, gauges: &dyn Fn() -> Gauges) -> Vec<usize> {
        let mut resizes = Vec::new();
        loop {
            let warmup = self.warmup.unwrap_or(SimTime::MAX);
            let alert_timer = self
                .alert_timers
                .iter()
                .map(|&(at, _, _)| at)
                .min()
                .unwrap_or(SimTime::MAX);
            let next = warmup
                .min(self.next_sample)
                .min(self.next_tick)
                .min(alert_timer);
            if next > t {
                break;
            }
            self.advance(next);
            if next == alert_timer {
                let due = self.alert_timers.iter().position(|&(at, _, _)| at == next);
                if let Some((_, alert, token)) = due.map(|i| self.alert_timers.swap_remove(i)) {
                    self.alerts[alert].1.on_timer(next, token);
                }
            } else if next == warmup {
                self.recorder.warmup_ended();
                self.warmup = None;
            } else if next == self.next_sample {
                let gauges = gauges();
                self.recorder.sample(next, gauges.limit, gauges.breaker);
                self.next_sample = next + self.recorder.sample_interval();
            } else {
                resizes.extend(self.tick(next));
            }
        }
        self.advance(t);
        resizes
    }

    fn advance(&mut self, t: SimTime) {
        if t > self.applied {
            self.advance_recorder(t);
            self.applied = t;
        }
    }

    fn tick(&mut self, now: SimTime) -> Option<usize> {
        let (utilization, error_rate) = self.recorder.since_last_tick(&mut self.tick_marks);
        let signals = PoolSignals {
            now,
            size: self.target,
            busy: self.busy.max(0) as usize,
            queued: self.queued.max(0) as usize,
            capacity: self.capacity,
            utilization,
            error_rate,
        };
        let autoscaler = self.autoscaler.as_mut()?;
        let decision = autoscaler.on_tick(&signals);
        if let Some(fault) = autoscaler.take_fault() {
            self.fault.get_or_insert(fault);
        }
        self.next_tick = now + autoscaler.interval();
        self.recorder
            .note_desired_workers(decision.unwrap_or(self.target));
        with_floor(
            decision,
            self.prewarm.floor_at(now - SimTime::ZERO),
            self.target,
        )
    }

    /// What the autoscaler's script printed, if it has one.
    pub fn printed(&self) -> Vec<(f64, String)> {
        self.autoscaler
            .as_ref()
            .map_or_else(Vec::new, |autoscaler| autoscaler.printed())
    }

    /// Records a resize the pool is about to make; returns the size to apply, if it changes.
    pub fn resized(&mut self, size: usize) -> Option<usize> {
        let size = size.max(1);
        if size == self.target {
            return None;
        }
        self.target = size;
        self.recorder.pool_resized(size);
        Some(size)
    }

    /// Workers left on their own (idle expiry): the target follows, as in the simulator.
    /// Returns true if it changed.
    pub fn workers_expired(&mut self, alive: usize) -> bool {
        if alive == 0 || self.target <= alive {
            return false;
        }
        self.target = alive;
        self.recorder.pool_resized(alive);
        true
    }

    fn observe_alerts(&mut self, now: SimTime) {
        let levels = self.levels();
        let utilization = if levels.workers > 0 {
            levels.busy as f64 / levels.workers as f64
        } else {
            0.0
        };
        for (index, (config, alert)) in self.alerts.iter_mut().enumerate() {
            let value = match config.signal {
                AlertSignal::QueueLen => levels.queued as f64,
                AlertSignal::InSystem => (levels.queued + levels.busy + levels.blocked) as f64,
                AlertSignal::Utilization => utilization,
            };
            if let Some(timer) = alert.observe(now, value) {
                self.alert_timers.push((timer.at, index, timer.token));
            }
        }
    }

    fn apply(&mut self, t: SimTime, what: What) {
        self.apply_what(t, what);
        if !self.alerts.is_empty() {
            self.observe_alerts(t);
        }
    }

    fn apply_what(&mut self, t: SimTime, what: What) {
        self.advance(t);
        self.records += 1;
        let clock = self.clock;
        let span = move |d: std::time::Duration| clock.scenario_duration(d);
        match what {
            What::Arrival {
                class,
                measured,
                last,
            } => {
                if last {
                    self.recorder.close_window(t);
                }
                self.recorder.arrival(class, measured);
                self.outstanding += 1;
            }
            What::Enqueued { lane } => {
                self.queued += 1;
                self.parts.lane(lane, |counts| counts.queued += 1);
            }
            What::LeftQueue { lane } => {
                self.queued -= 1;
                self.parts.lane(lane, |counts| counts.queued -= 1);
            }
            What::Started { lane } => {
                self.queued -= 1;
                self.busy += 1;
                self.parts.lane(lane, |counts| {
                    counts.queued -= 1;
                    counts.busy += 1;
                });
            }
            What::Finished {
                lane,
                measured,
                residence,
            } => {
                self.busy -= 1;
                if self.parts.lane(lane, |counts| counts.busy -= 1) {
                    self.recorder
                        .shard_done(lane as usize, measured, span(residence));
                }
            }
            What::Blocked => self.blocked += 1,
            What::Unblocked => self.blocked -= 1,
            What::WorkerUp { lane } => {
                self.workers += 1;
                self.parts.lane(lane, |counts| counts.workers += 1);
            }
            What::WorkerDown { lane } => {
                self.workers -= 1;
                self.parts.lane(lane, |counts| counts.workers -= 1);
            }
            What::Held { lane } => self.parts.held(lane, 1),
            What::Released { lane } => self.parts.held(lane, -1),
            What::StageEntered { stage } => self.parts.stage(stage).entered += 1,
            What::StageStarted { stage } => self.parts.stage(stage).started += 1,
            What::StageWorked { stage } => self.parts.stage(stage).worked += 1,
            What::StageLeft {
                position,
                measured,
                residence,
            } => {
                self.parts.left_stage(position);
                self.recorder
                    .stage_done(position as usize, measured, span(residence));
            }
            What::Retry { measured } => self.recorder.retry(measured),
            What::Wasted { measured, work } => self.recorder.wasted_work(measured, span(work)),
            What::Outcome {
                class,
                measured,
                outcome,
            } => {
                self.outstanding -= 1;
                match outcome {
                    Outcome::Completed {
                        latency,
                        wait,
                        service,
                        waited,
                    } => {
                        let (latency, wait, service) = (span(latency), span(wait), span(service));
                        if let Some(autoscaler) = self.autoscaler.as_mut() {
                            autoscaler.on_job_done(t, wait);
                        }
                        self.recorder
                            .completion_waited(class, measured, latency, wait, service, waited);
                    }
                    Outcome::Rejected(reason) => self.recorder.rejection(class, measured, reason),
                    Outcome::TimedOut => self.recorder.timeout(class, measured),
                    Outcome::Dropped => self.recorder.drop_evicted(class, measured),
                    Outcome::Failed(reason) => self.recorder.failure(class, measured, reason),
                }
            }
        }
    }
}
