//! The producers: open-loop streams that send each arrival at its scheduled instant, closed-loop
//! clients that wait for their answer before thinking again, and the delay line holding jobs
//! that wait outside the queue (rate-limit delays, retry backoffs).

use super::clock::{wait_until, Stop};
use super::intake::Delayed;
use super::job::{Job, Reply, What};
use super::Shared;
use crate::report::Histogram;
use crate::time::{SimDuration, SimTime};
use crate::workload::{ProducerPlan, ProducerSource};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

impl Shared {
    /// Claims the next customer: `None` once a `customers`-limited run has generated all,
    /// otherwise its number (from 1, as in the simulator) and whether it is the last one.
    fn claim_customer(&self) -> Option<(u64, bool)> {
        let claimed = self.generated.fetch_add(1, Ordering::Relaxed);
        match self.config.customers {
            Some(limit) if claimed >= limit => None,
            Some(limit) => Some((claimed + 1, claimed + 1 == limit)),
            None => Some((claimed + 1, false)),
        }
    }

    /// Makes the job a producer generated at `intended`, and announces its arrival.
    fn generate(
        &self,
        plan: &mut ProducerPlan,
        intended: SimTime,
        (serial, last): (u64, bool),
    ) -> Job {
        let given = plan.source.given();
        let draw = plan.jobs.draw_given(
            &self.services,
            self.config.chaos.as_ref(),
            self.config.downstream.as_ref(),
            given,
        );
        let class = &self.config.classes[draw.class as usize];
        let intended_at = self.clock.instant(intended);
        let measured = intended >= SimTime::ZERO + self.config.warmup;
        if self
            .config
            .retry
            .is_some_and(|retry| retry.budget.is_some())
        {
            self.gate().admission.on_request();
        }
        self.emit(
            intended_at.max(Instant::now()),
            What::Arrival {
                class: draw.class,
                measured,
                last,
            },
        );
        let lane = self.route(draw.class, draw.key);
        Job {
            class: draw.class,
            intended: intended_at,
            measured,
            draw,
            deadline: class
                .deadline
                .map(|deadline| intended_at + self.clock.real(deadline)),
            attempt: 0,
            permit: None,
            waited: false,
            reply: None,
            serial,
            entered: intended_at,
            lane,
        }
    }

    fn stop_producing(&self) -> Stop<'_> {
        Stop::on_abort(&self.stopping)
    }

    /// No arrival is due at `at`: the run is over, or the service is shutting down.
    fn past_the_end(&self, at: SimTime) -> bool {
        self.config
            .duration
            .is_some_and(|duration| at > SimTime::ZERO + duration)
            || self
                .config
                .shutdown
                .is_some_and(|shutdown| at >= SimTime::ZERO + shutdown.at)
    }
}

/// An open-loop producer: sends each arrival at its scheduled time, whatever the pool does.
/// Returns how late it was for each one.
pub fn open_producer(shared: &Shared, mut plan: ProducerPlan) -> Histogram {
    let mut lateness = Histogram::new();
    while let ProducerSource::Open(stream) = &mut plan.source {
        let Some(secs) = stream.next_secs() else {
            break;
        };
        let at = SimTime::ZERO + SimDuration::from_secs_f64(secs);
        if shared.past_the_end(at) {
            break;
        }
        let Some(customer) = shared.claim_customer() else {
            break;
        };
        let intended = shared.clock.instant(at);
        if intended > Instant::now() {
            shared.flush();
        }
        if wait_until(intended, shared.stop_producing()).is_err() {
            break;
        }
        lateness.record(intended.elapsed().as_nanos() as u64);
        let job = shared.generate(&mut plan, at, customer);
        shared.submit(job);
        if customer.1 {
            break;
        }
    }
    if let Some(rows) = plan.source.trace_rows() {
        let mut total = shared.trace_rows.lock().unwrap_or_else(|e| e.into_inner());
        *total = Some(total.unwrap_or(0) + rows);
    }
    shared.flush();
    lateness
}

/// A closed-loop client: thinks, sends one request, waits for its answer (or its deadline).
pub fn closed_client(shared: &Shared, mut plan: ProducerPlan) -> Histogram {
    let mut lateness = Histogram::new();
    let mut answered = SimTime::ZERO;
    while let ProducerSource::Closed { think, rng } = &mut plan.source {
        let at = answered + think.sample(rng);
        if shared.past_the_end(at) {
            break;
        }
        let Some(customer) = shared.claim_customer() else {
            break;
        };
        let intended = shared.clock.instant(at);
        shared.flush();
        if wait_until(intended, shared.stop_producing()).is_err() {
            break;
        }
        lateness.record(intended.elapsed().as_nanos() as u64);
        let mut job = shared.generate(&mut plan, at, customer);
        let (answer, answered_rx) = crossbeam_channel::bounded(1);
        let reply = Reply {
            answer,
            deadline: Arc::new(AtomicU64::new(u64::MAX)),
        };
        reply.set_deadline(job.deadline, shared.clock.start());
        let deadline = reply.deadline.clone();
        job.reply = Some(Box::new(reply));
        shared.submit(job);
        shared.flush();
        await_answer(shared, &answered_rx, &deadline);
        if customer.1 || shared.stopping.load(Ordering::Relaxed) {
            break;
        }
        answered = shared.clock.now().max(at);
    }
    shared.flush();
    lateness
}

/// A closed-loop client waits for its answer, or until the deadline of the request's current
/// attempt (a retry moves it; during a backoff there is none).
fn await_answer(shared: &Shared, answered: &Receiver<()>, deadline: &AtomicU64) {
    let start = shared.clock.start();
    loop {
        let now = Instant::now();
        let deadline = match deadline.load(Ordering::Relaxed) {
            u64::MAX => None,
            nanos => Some(start + Duration::from_nanos(nanos)),
        };
        if deadline.is_some_and(|deadline| now >= deadline) {
            return;
        }
        let slice = now + Duration::from_millis(20);
        let until = deadline.map_or(slice, |deadline| deadline.min(slice));
        match answered.recv_deadline(until) {
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) if shared.stopping.load(Ordering::Relaxed) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}

/// Holds jobs that wait outside the queue until their time comes. Jobs still waiting at shutdown
/// are abandoned.
pub fn delay_line(shared: &Shared, incoming: Receiver<Delayed>) {
    let mut waiting: BinaryHeap<Reverse<(Instant, u64)>> = BinaryHeap::new();
    let mut jobs: std::collections::HashMap<u64, Delayed> = std::collections::HashMap::new();
    let mut sequence = 0_u64;
    loop {
        let now = Instant::now();
        while let Some(&Reverse((due, id))) = waiting.peek() {
            if due > now {
                break;
            }
            waiting.pop();
            if let Some(delayed) = jobs.remove(&id) {
                shared.resume(delayed);
            }
        }
        if shared.abort.load(Ordering::Relaxed) {
            break;
        }
        let next = waiting
            .peek()
            .map_or(now + Duration::from_millis(20), |Reverse((due, _))| {
                (*due).min(now + Duration::from_millis(20))
            });
        shared.flush();
        match incoming.recv_deadline(next) {
            Ok(delayed) => {
                waiting.push(Reverse((delayed.due, sequence)));
                jobs.insert(sequence, delayed);
                sequence += 1;
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    shared.flush();
}
