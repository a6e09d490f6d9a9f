//! Driving a run: starting and resizing the pool, and the collector's loop that decides when
//! the run is over (its duration reached, its customers served, or an interrupt), drains it and
//! gives up on what is left at the drain deadline.

use super::collector::{Collector, Gauges};
use super::job::{Record, What};
use super::{gauges, worker, Shared, ThreadOptions};
use crate::report::Histogram;
use crate::scenario::ScaleDown;
use crate::time::SimTime;
use crossbeam_channel::Receiver;
use std::sync::atomic::Ordering;
use std::thread::{Scope, ScopedJoinHandle, Thread};
use std::time::{Duration, Instant};

/// The run's threads, while it runs.
pub(super) struct Running<'scope, 'env> {
    pub scope: &'scope Scope<'scope, 'env>,
    pub shared: &'env Shared,
    pub producers: Vec<ScopedJoinHandle<'scope, Histogram>>,
    pub workers: Vec<ScopedJoinHandle<'scope, ()>>,
    /// The delay line and the line of blocked senders.
    pub helpers: Vec<ScopedJoinHandle<'scope, ()>>,
    /// Threads that may be parked in a wait: unparked at shutdown.
    pub unpark: Vec<Thread>,
    pub started: u64,
    /// Why the run could not go on (a thread the machine would not start).
    pub failure: Option<String>,
}

/// Stack for the run's threads: they only sleep, spin and pass small messages...
const THREAD_STACK: usize = 256 * 1024;
/// ...unless a limiter script runs on them (on every worker, when it releases a job): a script
/// nested to the sandbox's call and expression depths needs far more.
const SCRIPT_THREAD_STACK: usize = 8 * 1024 * 1024;

fn thread_stack(config: &crate::scenario::Config) -> usize {
    match config.limiter {
        Some(crate::scenario::LimiterConfig::Script { .. }) => SCRIPT_THREAD_STACK,
        _ => THREAD_STACK,
    }
}

/// How long records are held back so that late senders' records still land in time order.
const REORDER_LAG: Duration = Duration::from_millis(30);

/// How long a drain may see no sign of life while jobs are unaccounted for.
const STALL_LIMIT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Running,
    /// Intake is closed; in-flight work may finish until the deadline (if any).
    Draining(Option<Instant>),
}

impl<'scope> Running<'scope, '_> {
    /// Starts a thread of the run, or notes why the machine refused one (the run then ends).
    pub fn spawn<T: Send + 'scope>(
        &mut self,
        name: &str,
        body: impl FnOnce() -> T + Send + 'scope,
    ) -> Option<ScopedJoinHandle<'scope, T>> {
        if self.failure.is_some() {
            return None;
        }
        let spawned = std::thread::Builder::new()
            .name(name.to_string())
            .stack_size(thread_stack(&self.shared.config))
            .spawn_scoped(self.scope, body);
        match spawned {
            Ok(handle) => {
                self.unpark.push(handle.thread().clone());
                self.started += 1;
                Some(handle)
            }
            Err(error) => {
                self.failure = Some(format!(
                    "this machine refused to start thread number {} ({error}); run fewer workers or clients",
                    self.started + 1
                ));
                None
            }
        }
    }

    /// Starts `count` more workers in lane `lane` (0 unless the pool is split).
    pub fn grow(&mut self, lane: usize, count: usize, start_up: Duration) {
        for _ in 0..count {
            let shared = self.shared;
            // Counted before it starts: a worker leaving at once must find itself counted.
            shared.alive.fetch_add(1, Ordering::Relaxed);
            let Some(handle) = self.spawn("queuelab-worker", move || {
                worker::worker(shared, lane, start_up)
            }) else {
                shared.alive.fetch_sub(1, Ordering::Relaxed);
                break;
            };
            let up = What::WorkerUp { lane: lane as u16 };
            shared.emit(Instant::now().max(shared.clock.start()), up);
            self.workers.push(handle);
        }
        // This thread outlives the run: nothing of it may stay behind in its outbox.
        self.shared.flush();
    }

    /// Grows at once, shrinks per `pool.scale_down`: lazily (a worker retires when it finishes
    /// a job while the pool is too big) or by draining (idle workers are told at once, too).
    /// Only an unsplit pool is resized (`check_supported` refuses an autoscaler with lanes).
    fn resize(&mut self, to: usize) {
        let shared = self.shared;
        shared.target.store(to, Ordering::Relaxed);
        let alive = shared.alive.load(Ordering::Relaxed);
        if to > alive {
            // Notices still pending would only be ignored now; clear them.
            while shared.retire_rx.try_recv().is_ok() {}
            let start_up = shared.clock.real(shared.config.lifecycle.start_up);
            self.grow(0, to - alive, start_up);
        } else if shared.config.scale_down != ScaleDown::Lazy {
            for _ in to..alive {
                let _ = shared.retire_tx.send(());
            }
        }
        self.workers.retain(|worker| !worker.is_finished());
    }

    /// The collector's loop: gathers records, measures, resizes the pool, and decides when the
    /// run ends. Returns when everything is finished or the drain deadline has passed.
    pub fn collect(
        &mut self,
        mut collector: Collector,
        records: &Receiver<Vec<Record>>,
        options: &ThreadOptions<'_>,
    ) -> Collector {
        let shared = self.shared;
        let config = &shared.config;
        let gauges = || gauges(shared);
        let mut phase = Phase::Running;
        let mut stalled_since: Option<Instant> = None;
        let mut last_progress = Instant::now();
        let duration_end = config.duration.map(|d| SimTime::ZERO + d);
        loop {
            if self.failure.is_some() {
                return collector;
            }
            if let Ok(batch) = records.recv_timeout(Duration::from_millis(2)) {
                collector.push_all(batch);
                for batch in records.try_iter().take(1000) {
                    collector.push_all(batch);
                }
            }
            let now = Instant::now();
            // While draining, late records only touch the tail after the measured window.
            let lag = match phase {
                Phase::Running => REORDER_LAG,
                Phase::Draining(_) => Duration::ZERO,
            };
            // Nothing after a drain deadline counts: what finishes then was abandoned.
            let horizon = match phase {
                Phase::Draining(Some(deadline)) => (now - lag).min(deadline),
                _ => now - lag,
            };
            let mut resizes = collector.apply_until(horizon, &gauges);
            let interrupted = options
                .interrupt
                .is_some_and(|flag| flag.load(Ordering::Relaxed));
            // Producers stop by themselves at a `[shutdown]` time: that is not the end yet.
            let intake_over = self.producers.iter().all(|p| p.is_finished())
                && (config.shutdown.is_none() || collector.shutdown_started());
            let scenario_now = shared.clock.scenario_time(now - lag);
            let past_end = duration_end.is_some_and(|end| scenario_now >= end);
            // `[shutdown]`: intake stops at its time; in-flight work drains until its deadline.
            if let Some(shutdown) = config.shutdown {
                let at = SimTime::ZERO + shutdown.at;
                if !collector.shutdown_started() && scenario_now >= at && collector.end().is_none()
                {
                    shared.stopping.store(true, Ordering::Relaxed);
                    for thread in &self.unpark {
                        thread.unpark();
                    }
                    resizes.extend(collector.shutdown_at(at, &gauges));
                    let deadline = shared.clock.instant(at + shutdown.drain_timeout);
                    phase = Phase::Draining(Some(deadline));
                }
            }
            // A policy script failed (the autoscaler's at a tick, the limiter's at a sample):
            // the run stops at once, like the simulator's, and reports where.
            if collector.fault.is_none() {
                // Only a full-queue script can fail in a lane: no walk over thousands of shards
                // on every pass without one.
                let lane_scripts = shared.config.queue.code.is_some();
                let mut gate = shared.gate();
                collector.fault = gate
                    .admission
                    .take_fault()
                    .or_else(|| gate.dependency.take_fault())
                    .or_else(|| {
                        lane_scripts
                            .then(|| gate.overflow.iter_mut().find_map(|o| o.take_fault()))
                            .flatten()
                    });
            }
            let faulted = collector.fault.is_some();
            // A fault while draining (after a `[shutdown]`) stops the drain too.
            let draining_on =
                matches!(phase, Phase::Draining(deadline) if deadline.is_none_or(|d| d > now));
            if faulted && draining_on {
                if collector.end().is_none() {
                    let at = scenario_now.max(collector.applied);
                    resizes.extend(collector.end_at(at, &gauges));
                }
                phase = Phase::Draining(Some(now));
            }
            if phase == Phase::Running && faulted {
                shared.stopping.store(true, Ordering::Relaxed);
                for thread in &self.unpark {
                    thread.unpark();
                }
                if collector.end().is_none() {
                    let at = scenario_now.max(collector.applied);
                    resizes.extend(collector.end_at(at, &gauges));
                }
                phase = Phase::Draining(Some(now));
            }
            if phase == Phase::Running && (past_end || interrupted || intake_over) {
                shared.stopping.store(true, Ordering::Relaxed);
                for thread in &self.unpark {
                    thread.unpark();
                }
                let drain = match (options.drain_timeout, past_end, interrupted) {
                    (Some(drain), ..) => Some(drain),
                    (None, true, _) => Some(Duration::ZERO),
                    (None, _, true) => Some(Duration::from_secs(5)),
                    (None, false, false) => None,
                };
                if interrupted && !past_end && !collector.shutdown_started() {
                    // Ctrl-C is a graceful shutdown now: the measured window ends here.
                    let at = shared.clock.scenario_time(now - lag).max(collector.applied);
                    resizes.extend(collector.shutdown_at(at, &gauges));
                }
                phase = Phase::Draining(drain.map(|drain| now + drain));
            }
            // A `duration` run stops at its end like the simulator, even while draining: what
            // is unfinished then counts as in flight.
            if let (Some(end), true, None) = (duration_end, past_end, collector.end()) {
                resizes.extend(collector.end_at(end, &gauges));
                let drain = options.drain_timeout.unwrap_or(Duration::ZERO);
                phase = Phase::Draining(Some(now + drain));
            }
            for size in resizes {
                if let Some(to) = collector.resized(size) {
                    self.resize(to);
                }
            }
            if collector.workers_expired(shared.alive.load(Ordering::Relaxed)) {
                shared.target.store(collector.target, Ordering::Relaxed);
            }
            if let Some(progress) = options.progress {
                if now.duration_since(last_progress) > Duration::from_millis(100) {
                    last_progress = now;
                    progress(fraction_done(shared, &collector));
                }
            }
            if let Phase::Draining(deadline) = phase {
                let settled = intake_over
                    && collector.outstanding <= 0
                    && collector.is_idle()
                    && (duration_end.is_none()
                        || collector.end().is_some()
                        || collector.shutdown_started());
                if settled {
                    return collector;
                }
                if let Some(deadline) = deadline.filter(|&deadline| now >= deadline) {
                    // What finishes after the deadline does not count: it was abandoned.
                    if collector.end().is_none() {
                        let end = shared.clock.scenario_time(deadline);
                        let _ = collector.end_at(end.max(collector.applied), &gauges);
                    }
                    return collector;
                }
                // Never hang: nothing queued, nothing running, nothing heard from anyone for a
                // while, yet jobs unaccounted for — give up on them (they count as abandoned).
                let quiet = shared.queues_empty()
                    && shared.idle() >= shared.alive.load(Ordering::Relaxed)
                    && collector.is_idle()
                    && !collector.anyone_waiting_outside();
                if intake_over && quiet && collector.outstanding > 0 {
                    let since = *stalled_since.get_or_insert(now);
                    if now.duration_since(since) > STALL_LIMIT {
                        return collector;
                    }
                } else {
                    stalled_since = None;
                }
            }
        }
    }
}

fn fraction_done(shared: &Shared, collector: &Collector) -> f64 {
    let config = &shared.config;
    let fraction = match (config.duration, config.customers) {
        (Some(duration), _) => {
            (collector.applied - SimTime::ZERO).as_secs_f64() / duration.as_secs_f64()
        }
        (None, Some(customers)) => {
            shared.generated.load(Ordering::Relaxed) as f64 / customers.max(1) as f64
        }
        (None, None) => 0.0,
    };
    fraction.clamp(0.0, 1.0)
}

impl Collector {
    /// Applies every record still in flight between threads (they have all been joined).
    pub(super) fn recorder_flush(
        &mut self,
        records: &Receiver<Vec<Record>>,
        gauges: &dyn Fn() -> Gauges,
    ) {
        for batch in records.try_iter() {
            self.push_all(batch);
        }
        let _ = self.apply_until(Instant::now(), gauges);
    }
}
