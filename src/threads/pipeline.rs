//! Pipelines (`[[stages]]`) on real threads: each later stage is K worker threads reading a
//! crossbeam bounded channel of `buffer` slots (0: a rendezvous, a hand-off to a waiting worker),
//! as in the Go pipelines of the seed books. A worker whose finished item finds no room waits in
//! the send, holding the item and taking no new work, so backpressure travels upstream stage by
//! stage to the pool's queue, exactly as the simulator models it. Each item's work at a stage is
//! the simulator's draw for the same request number.

use super::clock::{spin, wait_until, Stop};
use super::job::{StageItem, What};
use super::Shared;
use crate::dist::Distribution;
use crate::scenario::{Config, Next, Work};
use crossbeam_channel::{Receiver, SendTimeoutError, Sender, TrySendError};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// While holding an item, a sender wakes this often to notice an abort (room wakes it at once).
/// The item's own `entered`, which splits its time between the stages, is known to within this.
const RETRY_SEND: Duration = Duration::from_millis(1);

/// The channel into one later stage, and that stage's work.
pub(super) struct StageLink {
    tx: Sender<StageItem>,
    rx: Receiver<StageItem>,
    service: Distribution,
}

pub(super) fn links(config: &Config) -> Vec<StageLink> {
    config
        .stages
        .iter()
        .map(|stage| {
            let (tx, rx) = crossbeam_channel::bounded(stage.buffer);
            StageLink {
                tx,
                rx,
                service: stage.service.clone(),
            }
        })
        .collect()
}

impl Shared {
    /// Hands `item` to later stage `next` (0: the stage after the pool), holding it while there
    /// is no room. Returns the instant it changed stage (the item's `entered` there), or `None`
    /// if the run ended meanwhile (the item is abandoned, counted in flight). `pool`: the holder
    /// is a pool worker, whose holding the collector counts from `Held` to `Released`.
    fn hand_on(&self, mut item: StageItem, next: usize, pool: bool) -> Option<Instant> {
        let link = &self.stages[next];
        let lane = item.job.lane;
        item.hops = item.hops.saturating_add(1);
        item.entered = Instant::now();
        let at = item.entered;
        let mut item = match link.tx.try_send(item) {
            Ok(()) => return Some(self.entered_stage(at, next)),
            Err(TrySendError::Full(item)) => item,
            Err(TrySendError::Disconnected(_)) => return None,
        };
        if pool {
            self.emit(at, What::Held { lane });
        }
        self.flush();
        loop {
            if self.abort.load(Ordering::Relaxed) {
                return None;
            }
            item.entered = Instant::now();
            match link.tx.send_timeout(item, RETRY_SEND) {
                Ok(()) => {
                    // After the send, not before: a record stamped earlier would count the item
                    // in a buffer that had no room for it yet.
                    let at = Instant::now();
                    if pool {
                        self.emit(at, What::Released { lane });
                    }
                    return Some(self.entered_stage(at, next));
                }
                Err(SendTimeoutError::Timeout(back)) => item = back,
                Err(SendTimeoutError::Disconnected(_)) => return None,
            }
        }
    }

    fn entered_stage(&self, at: Instant, stage: usize) -> Instant {
        self.emit(
            at,
            What::StageEntered {
                stage: stage as u16,
            },
        );
        at
    }

    /// A pool worker finished `item` successfully at `finished`: it holds the item until the
    /// first later stage takes it, and only then is free (its job `Finished`).
    pub(super) fn leave_pool(&self, item: StageItem, finished: Instant, next: usize) {
        let (measured, entered, lane) = (item.job.measured, item.job.entered, item.job.lane);
        let left = self.hand_on(item, next, true).unwrap_or(finished);
        self.emit(
            left,
            What::Finished {
                lane,
                measured,
                residence: left.saturating_duration_since(entered),
            },
        );
        self.emit(
            left,
            What::StageLeft {
                position: 0,
                measured,
                residence: left.saturating_duration_since(entered),
            },
        );
    }

    /// The last stage finished `item` at `at`: the request is answered, or it timed out on the
    /// way (here counted when it comes out; the simulator counts it at the deadline itself).
    fn answer(&self, at: Instant, item: StageItem) {
        let StageItem { job, started, .. } = item;
        if job.deadline.is_some_and(|deadline| at > deadline) {
            self.release_permit(&job, true);
            self.timed_out(at, job);
        } else {
            self.release_permit(&job, false);
            self.completed(at, &job, started);
        }
    }
}

/// A worker of later stage `stage`: takes items from its channel, works on each, and passes it
/// on (holding it while the next stage has no room) or answers the request at the last stage.
pub(super) fn stage_worker(shared: &Shared, stage: usize) {
    let link = &shared.stages[stage];
    let label = stage as u16;
    loop {
        shared.flush();
        let item = crossbeam_channel::select! {
            recv(link.rx) -> item => match item {
                Ok(item) => item,
                Err(_) => break,
            },
            recv(shared.shutdown_rx) -> _ => break,
        };
        if shared.abort.load(Ordering::Relaxed) {
            break;
        }
        let started = Instant::now();
        shared.emit(started, What::StageStarted { stage: label });
        let work = crate::workload::routing::stage_work(
            shared.config.seed,
            stage,
            item.job.serial,
            item.hops,
            &link.service,
        );
        let work = shared.clock.real(work);
        let stop = Stop::on_abort(&shared.abort);
        let done = match shared.config.work {
            Work::Sleep => wait_until(started + work, stop),
            Work::Spin => spin(work, stop),
        };
        if done.is_err() {
            break;
        }
        let worked = Instant::now();
        shared.emit(worked, What::StageWorked { stage: label });
        let (measured, entered) = (item.job.measured, item.entered);
        let next = crate::workload::routing::next_station(
            shared.config.seed,
            &shared.config.stages[stage].routes,
            shared.config.default_next(stage + 1),
            item.job.serial,
            item.hops,
        );
        let left = match next {
            Next::Stage(next) => match shared.hand_on(item, next, false) {
                Some(left) => left,
                None => break,
            },
            Next::Exit => {
                shared.answer(worked, item);
                worked
            }
        };
        shared.emit(
            left,
            What::StageLeft {
                position: label + 1,
                measured,
                residence: left.saturating_duration_since(entered),
            },
        );
    }
    shared.flush();
}
