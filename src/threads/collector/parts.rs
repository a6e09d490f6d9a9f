//! A real run's parts, counted from the records that name them: a pipeline's later stages
//! (items in, started, worked, out) and a split pool's lanes (queued, busy, held, workers). The
//! collector reports their levels to the recorder as the simulator reports its own.

use crate::report::recorder::{Recorder, StageLevels};
use crate::time::SimTime;

/// One lane's counts, as the simulator's lanes report them.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct LaneCounts {
    pub(super) queued: i64,
    /// Its workers holding a job: working on it, or holding a finished item (`held` of them).
    pub(super) busy: i64,
    pub(super) held: i64,
    pub(super) workers: i64,
}

/// One later stage's counts.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct StageCounts {
    pub(super) entered: i64,
    pub(super) started: i64,
    pub(super) worked: i64,
    pub(super) left: i64,
    workers: u64,
}

impl StageCounts {
    fn levels(&self) -> StageLevels {
        StageLevels {
            queued: level(self.entered - self.started),
            working: level(self.started - self.worked),
            held: level(self.worked - self.left),
            workers: self.workers,
        }
    }
}

fn level(value: i64) -> u64 {
    value.max(0) as u64
}

pub(super) struct Parts {
    /// A pipeline's pool workers holding a finished item for the next stage.
    pool_held: i64,
    /// Per later stage (empty without `[[stages]]`).
    stages: Vec<StageCounts>,
    /// Per lane of a split pool (`pool.shards`, classes' own pools); empty with one lane.
    lanes: Vec<LaneCounts>,
}

impl Parts {
    pub(super) fn new(config: &crate::scenario::Config) -> Self {
        Parts {
            pool_held: 0,
            stages: config
                .stages
                .iter()
                .map(|stage| StageCounts {
                    workers: stage.workers as u64,
                    ..StageCounts::default()
                })
                .collect(),
            lanes: match config.lanes().workers.len() {
                1 => Vec::new(),
                lanes => vec![LaneCounts::default(); lanes],
            },
        }
    }

    /// Items in later stages.
    pub(super) fn staged(&self) -> u64 {
        self.stages.iter().map(|c| level(c.entered - c.left)).sum()
    }

    /// Changes lane `lane`'s counts; false (and nothing changes) with one lane.
    pub(super) fn lane(&mut self, lane: u16, change: impl FnOnce(&mut LaneCounts)) -> bool {
        match self.lanes.get_mut(lane as usize) {
            Some(counts) => {
                change(counts);
                true
            }
            None => false,
        }
    }

    /// A pool worker of lane `lane` starts (`1`) or stops (`-1`) holding an item.
    pub(super) fn held(&mut self, lane: u16, change: i64) {
        self.pool_held += change;
        self.lane(lane, |counts| counts.held += change);
    }

    pub(super) fn stage(&mut self, stage: u16) -> &mut StageCounts {
        &mut self.stages[stage as usize]
    }

    /// An item left pipeline stage `position` (0: the pool).
    pub(super) fn left_stage(&mut self, position: u16) {
        if let Some(counts) = (position as usize)
            .checked_sub(1)
            .and_then(|stage| self.stages.get_mut(stage))
        {
            counts.left += 1;
        }
    }

    /// Reports each lane's and each stage's levels up to `t`; `pool` is the first pool's
    /// (queued, busy, workers).
    pub(super) fn advance(&self, recorder: &mut Recorder, t: SimTime, pool: (i64, i64, i64)) {
        for (i, lane) in self.lanes.iter().enumerate() {
            let levels = StageLevels {
                queued: level(lane.queued),
                working: level(lane.busy - lane.held),
                held: level(lane.held),
                workers: level(lane.workers),
            };
            recorder.advance_shard(i, t, levels);
        }
        if self.stages.is_empty() {
            return;
        }
        let (queued, busy, workers) = pool;
        let first = StageLevels {
            queued: level(queued),
            working: level(busy - self.pool_held),
            held: level(self.pool_held),
            workers: level(workers),
        };
        recorder.advance_stage(0, t, first);
        for (i, counts) in self.stages.iter().enumerate() {
            recorder.advance_stage(i + 1, t, counts.levels());
        }
    }
}
