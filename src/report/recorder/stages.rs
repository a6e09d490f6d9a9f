//! Per-stage instruments of a pipeline: each stage's queue, working and held workers integrated
//! over the same measured window as the recorder's own levels, and each item's time in the stage.

use super::Recorder;
use crate::report::{Histogram, PartPoint, Percentiles, Series, StageSummary};
use crate::time::{SimDuration, SimTime};
use std::collections::BTreeMap;

/// A stage's levels, reported before each event like [`super::Levels`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageLevels {
    pub queued: u64,
    pub working: u64,
    /// Workers holding a finished item the next stage has no room for.
    pub held: u64,
    /// Workers alive (the first pool may be resized).
    pub workers: u64,
}

impl StageLevels {
    fn as_array(self) -> [u64; 4] {
        [self.queued, self.working, self.held, self.workers]
    }
}

pub(super) struct StageMeter {
    name: String,
    integrals: [u128; 4],
    at_warmup: [u128; 4],
    window_end: Option<[u128; 4]>,
    last_advance: SimTime,
    max_queue_len: u64,
    completed: u64,
    residence: Histogram,
    /// Items that left the part, warm-up included (for the time series).
    finished: u64,
    at_sample: [u128; 4],
    finished_at_sample: u64,
    /// The levels since `last_advance`: a lane reported only when it changes is integrated up to
    /// any instant from these (`catch_up`).
    current: StageLevels,
}

impl StageMeter {
    pub(super) fn new(name: String) -> Self {
        StageMeter {
            name,
            integrals: [0; 4],
            at_warmup: [0; 4],
            window_end: None,
            last_advance: SimTime::ZERO,
            max_queue_len: 0,
            completed: 0,
            residence: Histogram::new(),
            finished: 0,
            at_sample: [0; 4],
            finished_at_sample: 0,
            current: StageLevels::default(),
        }
    }

    /// The part's point for the interval of `span_nanos` ending now; the next one starts here.
    fn sample(&mut self, span_nanos: f64) -> PartPoint {
        let level = |i: usize| (self.integrals[i] - self.at_sample[i]) as f64 / span_nanos;
        let point = PartPoint {
            queue_len: level(0),
            in_service: level(1),
            held: level(2),
            workers: level(3),
            throughput: (self.finished - self.finished_at_sample) as f64 / (span_nanos / 1e9),
        };
        self.at_sample = self.integrals;
        self.finished_at_sample = self.finished;
        point
    }
}

impl Recorder {
    /// The recorder a run of `config` needs: its classes, and its stages and split pool's parts
    /// if it has them (the simulator and a real run build theirs here).
    pub fn for_config(config: &crate::scenario::Config, sample_interval: SimDuration) -> Self {
        let classes = config.classes.iter().map(|class| class.name.clone());
        let recorder = Recorder::new(
            config.warmup,
            classes.collect(),
            sample_interval,
            config.workers,
        );
        let recorder = if config.stages.is_empty() {
            recorder
        } else {
            let pool = crate::scenario::config::FRONT_STAGE.to_string();
            let later = config.stages.iter().map(|stage| stage.name.clone());
            recorder.with_stages(std::iter::once(pool).chain(later).collect())
        };
        let layout = config.lanes();
        if layout.names.len() > 1 {
            recorder.with_lanes(layout.names, layout.sharded)
        } else {
            recorder
        }
    }

    /// Adds pipeline stages (their names, the first pool first) to measure.
    pub fn with_stages(mut self, names: Vec<String>) -> Self {
        self.stages = names.into_iter().map(StageMeter::new).collect();
        self.keep_part_series();
        self
    }

    /// Adds the lanes of a split pool to measure: shards (`sharded`) or pools of their own.
    pub fn with_lanes(mut self, names: Vec<String>, sharded: bool) -> Self {
        self.shards = names.into_iter().map(StageMeter::new).collect();
        self.lanes_are_shards = sharded;
        self.keep_part_series();
        self
    }

    /// Starts the series again (before the first sample) with a series for each part.
    fn keep_part_series(&mut self) {
        let lanes = if self.lanes_are_shards {
            "shards"
        } else {
            "pools"
        };
        let names = (self.stages.iter().map(|m| format!("stages.{}", m.name)))
            .chain(self.shards.iter().map(|m| format!("{lanes}.{}", m.name)))
            .collect();
        self.series =
            Series::new(self.series.interval(), super::MAX_SERIES_POINTS).with_parts(names);
    }

    /// Each part's point for the interval of `span_nanos` ending now.
    pub(super) fn sample_parts(&mut self, span_nanos: f64) -> Vec<PartPoint> {
        self.catch_up_parts();
        self.stages
            .iter_mut()
            .chain(&mut self.shards)
            .map(|meter| meter.sample(span_nanos))
            .collect()
    }

    /// Integrates stage `stage`'s levels since its previous report up to `now`.
    pub fn advance_stage(&mut self, stage: usize, now: SimTime, levels: StageLevels) {
        let (warmup, open) = (self.warmup, self.window_end.is_none());
        self.stages[stage].advance(now, levels, warmup, open);
    }

    /// Later stage `stage`'s levels change to `levels` at `now` (see
    /// [`Recorder::shard_changed`]): integrals are whole nanoseconds, so reporting changes only
    /// sums exactly what reporting at every event would.
    pub fn stage_changed(&mut self, stage: usize, now: SimTime, levels: StageLevels) {
        let (warmup, open) = (self.warmup, self.window_end.is_none());
        let meter = &mut self.stages[stage];
        meter.advance(now, meter.current, warmup, open);
        meter.current = levels;
    }

    /// Integrates shard `shard`'s levels since its previous report up to `now`.
    pub fn advance_shard(&mut self, shard: usize, now: SimTime, levels: StageLevels) {
        let (warmup, open) = (self.warmup, self.window_end.is_none());
        self.shards[shard].advance(now, levels, warmup, open);
    }

    /// Shard `shard`'s levels change to `levels` at `now`: the ones it had since its previous
    /// report are integrated up to here. A caller that reports a lane only when it changes (the
    /// engine, with hundreds of shards) pays nothing for the lanes an event leaves alone.
    pub fn shard_changed(&mut self, shard: usize, now: SimTime, levels: StageLevels) {
        let (warmup, open) = (self.warmup, self.window_end.is_none());
        let meter = &mut self.shards[shard];
        meter.advance(now, meter.current, warmup, open);
        meter.current = levels;
    }

    /// Brings every part's meter up to the recorder's own time with the levels it has now
    /// (before anything reads their integrals).
    pub fn catch_up_parts(&mut self) {
        let (now, warmup, open) = (self.last_advance, self.warmup, self.window_end.is_none());
        for meter in self.stages.iter_mut().chain(&mut self.shards) {
            meter.advance(now, meter.current, warmup, open);
        }
    }

    /// A split pool's lane `lane`: busy worker-time over worker-time since `mark` (which moves
    /// to now), for its autoscaler.
    pub fn lane_utilization_since(&mut self, lane: usize, mark: &mut (u128, u128)) -> f64 {
        self.catch_up_parts();
        let integrals = self.shards[lane].integrals;
        let now = (integrals[1] + integrals[2], integrals[3]);
        let (busy_before, workers_before) = std::mem::replace(mark, now);
        let worker_time = now.1 - workers_before;
        if worker_time > 0 {
            (now.0 - busy_before) as f64 / worker_time as f64
        } else {
            0.0
        }
    }

    /// An item left stage `stage` after `residence` in it.
    pub fn stage_done(&mut self, stage: usize, measured: bool, residence: SimDuration) {
        self.stages[stage].finished += 1;
        if measured {
            self.stages[stage].done(residence);
        }
    }

    /// A job left shard `shard` (its worker let go of it) after `residence` since its arrival.
    pub fn shard_done(&mut self, shard: usize, measured: bool, residence: SimDuration) {
        if let Some(meter) = self.shards.get_mut(shard) {
            meter.finished += 1;
            if measured {
                meter.done(residence);
            }
        }
    }

    pub(super) fn stages_warmup_ended(&mut self) {
        self.catch_up_parts();
        for meter in self.stages.iter_mut().chain(&mut self.shards) {
            meter.at_warmup = meter.integrals;
        }
    }

    pub(super) fn stages_window_closed(&mut self) {
        self.catch_up_parts();
        for meter in self.stages.iter_mut().chain(&mut self.shards) {
            meter.window_end.get_or_insert(meter.integrals);
        }
    }

    pub(super) fn stage_summaries(&self, window_nanos: f64) -> BTreeMap<String, StageSummary> {
        meter_summaries(&self.stages, window_nanos, self.last_advance, self.warmup)
    }

    /// The split pool's parts: (shards, pools); one of them is empty.
    pub(super) fn lane_summaries(
        &self,
        window_nanos: f64,
    ) -> (
        BTreeMap<String, StageSummary>,
        BTreeMap<String, StageSummary>,
    ) {
        let lanes = meter_summaries(&self.shards, window_nanos, self.last_advance, self.warmup);
        if self.lanes_are_shards {
            (lanes, BTreeMap::new())
        } else {
            (BTreeMap::new(), lanes)
        }
    }
}

impl StageMeter {
    fn advance(&mut self, now: SimTime, levels: StageLevels, warmup: SimTime, open: bool) {
        let elapsed = (now - self.last_advance).as_nanos() as u128;
        if elapsed == 0 {
            return;
        }
        if self.last_advance >= warmup && open {
            self.max_queue_len = self.max_queue_len.max(levels.queued);
        }
        for (integral, level) in self.integrals.iter_mut().zip(levels.as_array()) {
            *integral += level as u128 * elapsed;
        }
        self.last_advance = now;
        self.current = levels;
    }

    /// The integrals up to `now`, counting the levels since the last report (which still hold),
    /// and the largest queue seen, that interval included.
    fn integrals_until(&self, now: SimTime, warmup: SimTime) -> ([u128; 4], u64) {
        let elapsed = now.saturating_since(self.last_advance).as_nanos() as u128;
        let mut integrals = self.integrals;
        for (integral, level) in integrals.iter_mut().zip(self.current.as_array()) {
            *integral += level as u128 * elapsed;
        }
        let pending = if elapsed > 0 && self.last_advance >= warmup {
            self.current.queued
        } else {
            0
        };
        (integrals, self.max_queue_len.max(pending))
    }

    fn done(&mut self, residence: SimDuration) {
        self.completed += 1;
        self.residence.record(residence.as_nanos());
    }
}

/// Each meter's summary; `now` is the recorder's time, up to which an open window counts.
fn meter_summaries(
    meters: &[StageMeter],
    window_nanos: f64,
    now: SimTime,
    warmup: SimTime,
) -> BTreeMap<String, StageSummary> {
    meters
        .iter()
        .enumerate()
        .map(|(position, meter)| {
            let (end, max_queue_len) = match meter.window_end {
                Some(end) => (end, meter.max_queue_len),
                None => meter.integrals_until(now, warmup),
            };
            let average = |i: usize| {
                if window_nanos > 0.0 {
                    (end[i] - meter.at_warmup[i]) as f64 / window_nanos
                } else {
                    0.0
                }
            };
            let workers = average(3);
            let per_worker = |i: usize| {
                if workers > 0.0 {
                    average(i) / workers
                } else {
                    0.0
                }
            };
            let summary = StageSummary {
                position: position as u64 + 1,
                workers,
                completed: meter.completed,
                utilization: per_worker(1),
                blocked_ratio: per_worker(2),
                mean_queue_len: average(0),
                max_queue_len,
                latency: Percentiles::from_histogram(&meter.residence),
            };
            (meter.name.clone(), summary)
        })
        .collect()
}
