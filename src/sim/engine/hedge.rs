//! Hedged requests ("The Tail at Scale", Dean & Barroso 2013): a request still unanswered after
//! `hedge.delay` is sent a second time, as if to another replica — the copy's service time and
//! downstream call are drawn afresh. The first copy to succeed answers the client and the other
//! is cancelled: taken out of the queue, or interrupted on its worker (its work counts as
//! wasted). A copy that ends without success while its twin is still out stays silent; only the
//! last one standing reports the request's outcome, so every request is still counted once.

use super::*;
use crate::sim::jobs::Call;

impl Engine {
    /// The hedge delay of `key` ran out: if the request is still out there, send its twin.
    pub(super) fn on_hedge(&mut self, key: JobKey, generation: u32) {
        if !self.jobs.is_current(key, generation) || self.limit_reached_for_retries() {
            return;
        }
        let original = *self.jobs.get(key);
        if original.twin.is_some()
            || !matches!(
                original.state,
                JobState::Queued | JobState::InService { .. }
            )
        {
            return;
        }
        let class = original.class as usize;
        let mut service = self.producers.services[class].sample(&mut self.faults.hedge_rng);
        let mut panic_at = -1.0_f32;
        if let Some(chaos) = &self.faults.chaos {
            // The copy meets the same faults, drawn afresh.
            if self.faults.hedge_rng.next_f64() < chaos.slow_rate {
                service = SimDuration::from_secs_f64(service.as_secs_f64() * chaos.slow_factor);
            }
            let (panics, point) = (
                self.faults.hedge_rng.next_f64(),
                self.faults.hedge_rng.next_f64(),
            );
            if panics < chaos.panic_rate {
                panic_at = point as f32;
            }
        }
        let (call_latency, call_draw) = match self.dependency.config() {
            Some(downstream) => (
                downstream.latency.sample(&mut self.faults.hedge_rng),
                self.faults.hedge_rng.next_f64(),
            ),
            None => (SimDuration::ZERO, 0.0),
        };
        let copy = self.jobs.insert(Job {
            state: JobState::AtProducer,
            service,
            call_latency,
            call_draw,
            call: Call::None,
            holds_permit: false,
            panic_at,
            twin: Some((key, generation)),
            hedge: true,
            ..original
        });
        let copy_generation = self.jobs.get(copy).generation;
        self.jobs.get_mut(key).twin = Some((copy, copy_generation));
        self.recorder.hedge(original.measured);
        if original.deadline_at != SimTime::MAX {
            self.schedule(
                original.deadline_at.max(self.now),
                Event::Deadline {
                    job: copy,
                    generation: copy_generation,
                },
            );
        }
        self.through_rate_limit(original.producer as usize, copy, false);
    }

    /// A copy ended without success. If its twin is still out, the request carries on there:
    /// unlink them and return true (report nothing, answer nobody).
    pub(super) fn twin_carries_on(&mut self, job: &Job) -> bool {
        let Some((twin, generation)) = job.twin else {
            return false;
        };
        if !self.jobs.is_current(twin, generation) {
            return false;
        }
        self.jobs.get_mut(twin).twin = None;
        true
    }

    /// A copy succeeded: cancel its twin wherever it is.
    pub(super) fn cancel_twin(&mut self, winner: &Job) {
        let Some((twin, generation)) = winner.twin else {
            return;
        };
        if self.jobs.is_current(twin, generation) {
            let loser = *self.jobs.get(twin);
            match loser.state {
                JobState::Queued => {
                    self.return_permit(&loser);
                    let gone = self.jobs.get_mut(twin);
                    gone.state = JobState::Tombstone;
                    gone.holds_permit = false;
                    gone.twin = None;
                    self.stations[loser.lane as usize].queue.mark_gone();
                    self.touch(loser.lane as usize);
                }
                JobState::InService { worker } => {
                    self.recorder
                        .wasted_work(loser.measured, self.now - loser.started);
                    self.jobs.remove(twin);
                    self.return_permit(&loser);
                    self.abandon_call(&loser);
                    self.pool.workers[worker as usize].job = None;
                    self.worker_stopped(worker);
                    self.worker_released(worker);
                }
                JobState::AtProducer => {
                    self.jobs.remove(twin);
                    self.return_permit(&loser);
                    self.stations[loser.lane as usize].blocked_count -= 1;
                    self.touch(loser.lane as usize);
                }
                JobState::Delayed | JobState::Retrying => {
                    self.jobs.remove(twin);
                    self.producers.waiting_outside -= 1;
                }
                JobState::Abandoned { .. } => self.jobs.get_mut(twin).twin = None,
                // Hedging and pipelines are not combined (refused by validation).
                JobState::Onward | JobState::Free | JobState::Tombstone => {}
            }
        }
    }

    /// A job whose downstream call is abandoned unfinished gives its breaker permit and its
    /// place at the dependency back.
    pub(super) fn abandon_call(&mut self, job: &Job) {
        self.dependency.abandon(job.call);
    }

    /// Copies of the same request both still out: counted once in what is left at the end.
    pub(super) fn hedge_pairs_in_system(&self) -> usize {
        let counted = |state: JobState| {
            matches!(
                state,
                JobState::AtProducer
                    | JobState::Delayed
                    | JobState::Retrying
                    | JobState::Queued
                    | JobState::InService { .. }
            )
        };
        self.jobs
            .live()
            .filter(|job| job.hedge && counted(job.state))
            .filter_map(|job| job.twin)
            .filter(|&(twin, generation)| {
                self.jobs.is_current(twin, generation) && counted(self.jobs.get(twin).state)
            })
            .count()
    }
}
