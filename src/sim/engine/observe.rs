//! What the engine shows of itself: the live snapshot a diagram draws every frame, the summary
//! and time series so far, and the levels the recorder integrates. Reading only, never changing.

use super::*;

/// What the live diagram needs, cheap to take every frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snapshot {
    pub now: SimTime,
    pub queued: usize,
    pub capacity: Option<usize>,
    pub busy: usize,
    pub idle: usize,
    /// Workers alive (K); may exceed the target while busy workers wait to retire.
    pub pool_size: usize,
    pub target_size: usize,
    /// Jobs waiting outside the queue: senders blocked on a full queue (`block`, `timeout`),
    /// jobs waiting for a rate-limit token or out a retry's backoff.
    pub blocked: usize,
    pub arrivals: u64,
    pub shedding: bool,
    pub finished: bool,
    /// Downstream calls under way (at most `downstream.max_in_flight`).
    pub calls_in_flight: usize,
}

impl Engine {
    /// The summary so far (final once the run is over).
    pub fn summary(&self) -> Summary {
        let mut summary = self.recorder.summary(
            self.now,
            RunFacts {
                scenario: self.control.scenario.clone(),
                seed: self.control.seed,
                events: self.control.processed,
                in_flight_at_end: self.unanswered_in_system() as u64,
                workers_at_end: self.pool_counts().workers as u64,
                truncated: self.control.truncated,
                stalled_at: self.control.stalled_at.map(|t| t.as_secs_f64()),
                overloaded_at: self.control.overloaded_at.map(|t| t.as_secs_f64()),
                clock_end_at: self.control.clock_end_at.map(|t| t.as_secs_f64()),
                alerts: crate::report::recorder::alert_summaries(&self.ops.alerts, self.now),
                drain_seconds: self
                    .ops
                    .shutdown_started
                    .map_or(0.0, |started| (self.now - started).as_secs_f64()),
                breaker_transitions: self.dependency.breaker_transitions(),
                shedding_spells: self
                    .lanes()
                    .iter()
                    .map(|lane| lane.overflow.shedding_spells())
                    .sum(),
                limit: self.admission.limit_seen(),
            },
        );
        summary.script_error = self.control.fault.as_ref().map(Into::into);
        summary.fanout = self.fanout.as_ref().map(crate::fanout::FanOut::summary);
        summary.trace_rows = self
            .producers
            .list
            .iter()
            .filter_map(|p| p.source.trace_rows())
            .reduce(|a, b| a + b);
        let mut printed: Vec<(&str, Vec<(f64, String)>)> = self
            .ops
            .autoscalers
            .iter()
            .map(|autoscaler| ("autoscaler", autoscaler.printed()))
            .collect();
        printed.extend(self.admission.printed_by_hook());
        printed.push(("breaker", self.dependency.printed()));
        printed.extend(
            self.lanes()
                .iter()
                .map(|lane| ("overflow", lane.overflow.printed())),
        );
        summary.script_console = crate::report::console_lines(printed);
        summary
    }

    /// The time series so far.
    pub fn series(&self) -> &Series {
        self.recorder.series()
    }

    pub fn snapshot(&self) -> Snapshot {
        let pool = self.pool_counts();
        Snapshot {
            now: self.now,
            queued: pool.queued,
            capacity: self
                .lanes()
                .iter()
                .map(|lane| lane.capacity)
                .sum::<Option<usize>>(),
            busy: pool.busy,
            idle: self.lanes().iter().map(|lane| lane.idle.len()).sum(),
            pool_size: pool.workers,
            target_size: self.pool_target(),
            blocked: pool.blocked + self.producers.waiting_outside,
            arrivals: self.control.generated,
            shedding: self.lanes().iter().any(|lane| lane.overflow.is_shedding()),
            finished: self.control.finished,
            calls_in_flight: self.dependency.calls_in_flight(),
        }
    }

    pub(super) fn breaker_level(&self) -> f64 {
        self.dependency.breaker_level()
    }

    pub(super) fn current_limit(&self) -> f64 {
        self.admission.limit().map_or(0.0, |limit| limit as f64)
    }

    pub(super) fn levels(&self) -> Levels {
        let pool = self.pool_counts();
        Levels {
            queued: pool.queued as u64,
            busy: pool.busy as u64,
            blocked: (pool.blocked + self.producers.waiting_outside) as u64,
            workers: pool.workers as u64,
            staged: self.staged() as u64,
        }
    }

    pub(super) fn in_system(&self) -> usize {
        let pool = self.pool_counts();
        pool.queued + pool.busy + pool.blocked + self.producers.waiting_outside + self.staged()
    }

    /// Jobs in the system whose request has no outcome yet: a worker still finishing a job
    /// whose client gave up holds one already counted as timed out.
    pub(super) fn unanswered_in_system(&self) -> usize {
        let abandoned = self
            .pool
            .workers
            .iter()
            .filter_map(|worker| worker.job)
            .filter(|&key| matches!(self.jobs.get(key).state, JobState::Abandoned { .. }))
            .count();
        self.in_system() - abandoned - self.hedge_pairs_in_system() - self.given_up_onward()
    }
}
