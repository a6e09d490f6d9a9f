//! Admission: the token bucket, bulkheads and the concurrency limiter a job passes before the
//! queue, the permits it holds until it leaves, and client retries of unsuccessful attempts.

use super::*;
use crate::admission::{Arrival, Permit, RateDecision, Unsuccessful};
use crate::policy::retry::Setback;
use crate::sim::jobs::Call;

impl Engine {
    /// Admission, step one: the token bucket. Refuses, delays (the job comes back as a
    /// `Release` event) or passes the job on.
    pub(super) fn through_rate_limit(&mut self, p: usize, key: JobKey, waiting: bool) {
        if !self.admission.gates() {
            return self.through_limits(p, key, waiting);
        }
        let job = self.jobs.get(key);
        let patience = job.deadline_at.saturating_since(self.now);
        let arrival = Arrival {
            class: job.class as usize,
            attempt: u32::from(job.attempt),
            queued: self.queued(),
        };
        match self
            .admission
            .through_rate_limit(self.now, arrival, patience)
        {
            RateDecision::Pass => self.through_limits(p, key, waiting),
            RateDecision::Denied => {
                let retrying = self.reject(key, RejectReason::Admission);
                self.handed_over(p, retrying, waiting);
            }
            RateDecision::Refuse => {
                let retrying = self.reject(key, RejectReason::RateLimited);
                self.handed_over(p, retrying, waiting);
            }
            RateDecision::Wait(wait) => {
                self.producers.waiting_outside += 1;
                let job = self.jobs.get_mut(key);
                job.state = JobState::Delayed;
                let generation = job.generation;
                self.schedule(
                    self.now + wait,
                    Event::Release {
                        job: key,
                        generation,
                    },
                );
                if waiting {
                    self.after_handoff(p, true);
                }
            }
        }
    }

    /// A job delayed by the rate limiter gets its token.
    pub(super) fn on_release(&mut self, key: JobKey, generation: u32) {
        if !self.jobs.is_current(key, generation) || self.jobs.get(key).state != JobState::Delayed {
            return;
        }
        self.producers.waiting_outside -= 1;
        self.jobs.get_mut(key).state = JobState::AtProducer;
        let producer = self.jobs.get(key).producer as usize;
        self.through_limits(producer, key, false);
    }

    /// Admission, step two: the class's bulkhead and the concurrency limiter. A job that passes
    /// holds a permit until it leaves the system.
    pub(super) fn through_limits(&mut self, p: usize, key: JobKey, waiting: bool) {
        let class = self.jobs.get(key).class as usize;
        match self.admission.admit(self.now, class) {
            Err(reason) => {
                let retrying = self.reject(key, reason);
                self.handed_over(p, retrying, waiting);
            }
            Ok(permit) => {
                let job = self.jobs.get_mut(key);
                job.holds_permit = true;
                job.admitted = permit.admitted;
                job.inflight_at_admit = permit.in_flight as u32;
                self.offer(p, key, waiting);
            }
        }
    }

    /// Gives back a job's permits without telling the limiter anything (a cancelled hedge
    /// loser says nothing about the system's health).
    pub(super) fn return_permit(&mut self, job: &Job) {
        if job.holds_permit {
            self.admission.ignore(job.class as usize);
        }
    }

    /// Gives back a job's permits and tells the limiter how the job went.
    pub(super) fn release_permit(&mut self, job: &Job, dropped: bool) {
        if job.holds_permit {
            let permit = Permit {
                admitted: job.admitted,
                in_flight: job.inflight_at_admit as usize,
            };
            self.admission
                .release(self.now, job.class as usize, permit, dropped);
        }
    }

    /// After an unsuccessful attempt: if the retry policy allows another, schedules it (after a
    /// backoff with jitter, as a new attempt of the same request) and returns true.
    pub(super) fn maybe_retry(&mut self, job: &Job, setback: Setback) -> bool {
        let stopping = self.limit_reached_for_retries();
        let attempt = Unsuccessful {
            class: job.class as usize,
            attempt: u32::from(job.attempt),
            setback,
        };
        let Some(plan) = self.admission.retry(self.now, attempt, stopping) else {
            return false;
        };
        let delay = plan.delay;
        let (call_latency, call_draw) = plan.call.unwrap_or((SimDuration::ZERO, 0.0));
        let key = self.jobs.insert(Job {
            state: JobState::Retrying,
            attempt: job.attempt + 1,
            holds_permit: false,
            call: Call::None,
            call_latency,
            call_draw,
            twin: None,
            hedge: false,
            // A new attempt starts at the first pool, even when the last one gave up in a later
            // pipeline stage.
            entered: job.arrived,
            ..*job
        });
        let generation = self.jobs.get(key).generation;
        self.schedule(
            self.now + delay,
            Event::Retry {
                job: key,
                generation,
            },
        );
        self.producers.waiting_outside += 1;
        self.recorder.retry(job.measured);
        true
    }

    pub(super) fn limit_reached_for_retries(&self) -> bool {
        // Retries of a finished run would keep it going: once a `duration` run is past its end
        // there is nothing to retry into.
        self.ops.shutdown_started.is_some()
            || self.control.stop_at.is_some_and(|stop| self.now >= stop)
    }

    /// A retry's backoff is over: the new attempt goes through admission like a new job.
    pub(super) fn on_retry(&mut self, key: JobKey, generation: u32) {
        if !self.jobs.is_current(key, generation) || self.jobs.get(key).state != JobState::Retrying
        {
            return;
        }
        self.producers.waiting_outside -= 1;
        let now = self.now;
        let job = self.jobs.get_mut(key);
        job.state = JobState::AtProducer;
        let (producer, class) = (job.producer as usize, job.class as usize);
        job.deadline_at = self.producers.classes[class]
            .deadline
            .map_or(SimTime::MAX, |d| now + d);
        if let Some(deadline) = self.producers.classes[class].deadline {
            self.schedule(
                self.now + deadline,
                Event::Deadline {
                    job: key,
                    generation,
                },
            );
        }
        self.through_rate_limit(producer, key, false);
    }
}
