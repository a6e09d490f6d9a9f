//! A worker thread: takes jobs from the real queue and does their work — sleeping or spinning
//! for the service time, calling the downstream (a sleep: waiting on I/O), panicking when chaos
//! says so — and retires when the pool shrinks or it has idled too long.

use super::clock::{spin, wait_until, Interrupted, Stop};
use super::job::{Job, StageItem, What};
use super::queue::Woken;
use super::Shared;
use crate::dependency::Call;
use crate::report::recorder::FailReason;
use crate::scenario::Next as Station;
use crate::scenario::{StartedWork, Work};
use crate::time::SimTime;
use crate::workload::routing::next_station;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::Once;
use std::time::{Duration, Instant};

/// The payload of a chaos panic: expected, so the panic hook stays quiet about it.
struct ChaosPanic;

/// Chaos panics are part of the experiment; every other panic is still reported as usual.
fn silence_chaos_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<ChaosPanic>().is_none() {
                previous(info);
            }
        }));
    });
}

enum Next {
    /// A job, or `None` after an idle spell.
    Job(Option<Job>),
    /// The pool shrank (drain): retire if it is still too big.
    RetireIfTooMany,
    Retire,
}

/// A worker of lane `lane` (0 unless the pool is split): it serves that lane's queue only.
pub fn worker(shared: &Shared, lane: usize, start_up: Duration) {
    silence_chaos_panics();
    let abort = Stop::on_abort(&shared.abort);
    shared.flush();
    if !start_up.is_zero() && wait_until(Instant::now() + start_up, abort).is_err() {
        return leave(shared, lane, false);
    }
    let own = &shared.lanes[lane];
    let idle_timeout = shared
        .config
        .lifecycle
        .idle_timeout
        .map_or(Duration::from_secs(3600), |timeout| {
            shared.clock.real(timeout)
        });
    let mut counted = false;
    loop {
        // Take queued work without waiting; only an empty queue makes the worker wait (and
        // send its records first).
        let next = match own.queue.try_recv() {
            Some(job) => Next::Job(Some(job)),
            None => {
                shared.flush();
                own.idle.fetch_add(1, Ordering::Relaxed);
                let woken = own
                    .queue
                    .wait(&shared.retire_rx, &shared.shutdown_rx, idle_timeout);
                own.idle.fetch_sub(1, Ordering::Relaxed);
                match woken {
                    Woken::Job(job) => Next::Job(Some(job)),
                    Woken::Notice => Next::RetireIfTooMany,
                    Woken::Shutdown => Next::Retire,
                    Woken::TimedOut => Next::Job(None),
                }
            }
        };
        match next {
            Next::Retire => break,
            Next::RetireIfTooMany => {}
            Next::Job(Some(job)) => serve(shared, job),
            Next::Job(None) => {
                if shared.config.lifecycle.idle_timeout.is_some() && shared.try_expire_idle() {
                    counted = true;
                    break;
                }
            }
        }
        if shared.abort.load(Ordering::Relaxed) {
            break;
        }
        // Drain and lazy scale-down alike: a worker above the target retires after its job
        // (and, woken by a drain notice, an idle one at once).
        if shared.try_retire() {
            counted = true;
            break;
        }
    }
    leave(shared, lane, counted);
}

/// A worker leaves the pool (`counted`: it already took itself off the head count).
fn leave(shared: &Shared, lane: usize, counted: bool) {
    if !counted {
        shared.alive.fetch_sub(1, Ordering::Relaxed);
    }
    let lane = lane as u16;
    shared.emit(Instant::now(), What::WorkerDown { lane });
    shared.flush();
}

impl Shared {
    /// A worker leaves if the pool is above its target, taking itself off the head count in
    /// the same step (so two workers never both take the last place above the target). Drain
    /// and lazy scale-down both retire busy workers this way when they finish a job; drain also
    /// wakes idle ones with a notice on `retire_rx`.
    fn try_retire(&self) -> bool {
        let target = self.target.load(Ordering::Relaxed);
        self.alive
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |alive| {
                (alive > target).then(|| alive - 1)
            })
            .is_ok()
    }

    /// An idle worker above the floor (`pool.min_workers`) takes itself off the head count.
    fn try_expire_idle(&self) -> bool {
        let floor = self.config.lifecycle.min_workers;
        self.alive
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |alive| {
                (alive > floor).then(|| alive - 1)
            })
            .is_ok()
    }
}

fn serve(shared: &Shared, job: Job) {
    let started = Instant::now();
    let lane = job.lane;
    if job.deadline.is_some_and(|deadline| started >= deadline) {
        // Its client gave up while it waited: nobody wants the answer any more.
        shared.emit(started, What::LeftQueue { lane });
        shared.release_permit(&job, true);
        return shared.timed_out(started, job);
    }
    shared.emit(started, What::Started { lane });
    let config = &shared.config;
    let sim_now = shared.clock.scenario_time(started);
    let call = match &config.downstream {
        None => Call::None,
        Some(_) => {
            shared
                .gate()
                .dependency
                .call(sim_now, job.draw.call_latency, job.draw.call_draw)
        }
    };
    let mut service = shared.clock.real(job.draw.service);
    let mut call_time = match call {
        Call::Made { duration, .. } => shared.clock.real(duration),
        _ => Duration::ZERO,
    };
    if let Some(fanout) = &shared.fanout {
        // Blocked on its calls as on the downstream: waiting on I/O, so a sleep.
        let mut fanout = fanout.lock().unwrap_or_else(|e| e.into_inner());
        let wait = fanout.wait(job.serial, job.attempt, false);
        fanout.record(job.measured, wait);
        call_time += shared.clock.real(wait);
    }
    if let Some(chaos) = &config.chaos {
        // A slow leak: the same work takes longer the longer the process has run.
        let hours = (sim_now - SimTime::ZERO).as_secs_f64() / 3600.0;
        let drift = 1.0 + chaos.drift_per_hour * hours;
        service = service.mul_f64(drift);
        call_time = call_time.mul_f64(drift);
    }
    let stop = Stop {
        abort: &shared.abort,
        cut_off: job
            .deadline
            .filter(|_| config.deadline_started_work == StartedWork::Cancel),
    };
    let work = config.work;
    let panic_at = job.draw.panic_at;
    if !(service + call_time).is_zero() {
        shared.flush();
    }
    let result = catch_unwind(AssertUnwindSafe(|| {
        let total = service + call_time;
        let (service, call_time) = match panic_at {
            // The job does part of its work, then panics.
            Some(fraction) => {
                let until_panic = total.mul_f64(f64::from(fraction));
                (
                    service.min(until_panic),
                    until_panic.saturating_sub(service),
                )
            }
            None => (service, call_time),
        };
        match work {
            Work::Sleep => wait_until(Instant::now() + service, stop)?,
            Work::Spin => spin(service, stop)?,
        }
        wait_until(Instant::now() + call_time, stop)?;
        if panic_at.is_some() {
            std::panic::panic_any(ChaosPanic);
        }
        Ok::<(), Interrupted>(())
    }));
    let finished = Instant::now();
    let next = if shared.stages.is_empty() {
        Station::Exit
    } else {
        next_station(
            config.seed,
            &config.pool_routes,
            Station::Stage(0),
            job.serial,
            0,
        )
    };
    let onward = matches!(next, Station::Stage(_))
        && matches!(result, Ok(Ok(())))
        && matches!(call, Call::None | Call::Made { failed: false, .. })
        && job.deadline.is_none_or(|deadline| finished <= deadline);
    if !onward {
        // A pipeline's worker stays busy until the next stage takes its item (`leave_pool`).
        shared.emit(
            finished,
            What::Finished {
                lane,
                measured: job.measured,
                residence: finished.saturating_duration_since(job.entered),
            },
        );
    }
    let worked = finished.saturating_duration_since(started);
    end_call(shared, call, &result, finished, worked);
    match result {
        Err(_) => {
            shared.release_permit(&job, true);
            shared.failed(finished, job, FailReason::Panic);
            if let Some(chaos) = &config.chaos {
                // The worker recovers before it takes the next job.
                let restart = shared.clock.real(chaos.restart);
                let _ = wait_until(Instant::now() + restart, Stop::on_abort(&shared.abort));
            }
        }
        Ok(Err(Interrupted::Abort)) => {
            // The run is over: the job is abandoned (counted as still in flight).
            wasted(shared, &job, worked);
        }
        Ok(Err(Interrupted::CutOff)) => {
            wasted(shared, &job, worked);
            shared.release_permit(&job, true);
            shared.timed_out(finished, job);
        }
        Ok(Ok(())) => {
            let failure = match call {
                Call::Made { failed: true, .. } => Some(FailReason::DownstreamError),
                Call::FailedFast => Some(FailReason::BreakerOpen),
                Call::Refused => Some(FailReason::DownstreamLimit),
                Call::None | Call::Made { .. } => None,
            };
            if let Some(reason) = failure {
                shared.release_permit(&job, true);
                shared.failed(finished, job, reason);
            } else if job.deadline.is_some_and(|deadline| finished > deadline) {
                // Finished after its client gave up: the work was wasted.
                wasted(shared, &job, worked);
                shared.release_permit(&job, true);
                shared.timed_out(finished, job);
            } else if let (true, Station::Stage(next)) = (onward, next) {
                let item = StageItem {
                    job,
                    started,
                    entered: finished,
                    hops: 0,
                };
                shared.leave_pool(item, finished, next);
            } else {
                if !shared.stages.is_empty() {
                    // Routed straight out of the pool: its time there is measured.
                    shared.emit(
                        finished,
                        What::StageLeft {
                            position: 0,
                            measured: job.measured,
                            residence: finished.saturating_duration_since(job.entered),
                        },
                    );
                }
                shared.release_permit(&job, false);
                shared.completed(finished, &job, started);
            }
        }
    }
}

/// The job's call is over: answered (also when the job then panicked, as in the simulator),
/// cut off at its deadline, or abandoned when the run is aborted.
fn end_call(
    shared: &Shared,
    call: Call,
    result: &std::thread::Result<Result<(), Interrupted>>,
    finished: Instant,
    worked: Duration,
) {
    if !matches!(call, Call::Made { .. } | Call::Refused) {
        return;
    }
    let now = shared.clock.scenario_time(finished);
    let mut gate = shared.gate();
    match result {
        Ok(Err(Interrupted::CutOff)) => {
            let elapsed = shared.clock.scenario_duration(worked);
            gate.dependency.cut_off(now, call, elapsed);
        }
        Ok(Err(Interrupted::Abort)) => gate.dependency.abandon(call),
        Ok(Ok(())) | Err(_) => gate.dependency.answered(now, call),
    }
}

fn wasted(shared: &Shared, job: &Job, work: Duration) {
    shared.emit(
        Instant::now(),
        What::Wasted {
            measured: job.measured,
            work,
        },
    );
}
