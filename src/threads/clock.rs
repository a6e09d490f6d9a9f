//! Real time for the thread runtime: scenario time ↔ `Instant`, precise waits that can be
//! interrupted, and CPU work calibrated against this machine.
//!
//! Sleeping alone overshoots by 0.1–0.6 ms on a loaded Linux box, a few percent of a 5 ms job.
//! [`wait_until`] therefore parks until shortly before the deadline and yields for the rest, so
//! arrivals leave and jobs end within microseconds of their schedule without burning a core.

use crate::time::{SimDuration, SimTime};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long before a deadline a waiting thread stops parking and starts yielding.
const SPIN_MARGIN: Duration = Duration::from_micros(250);

/// Maps scenario time onto the wall clock: `real = scenario × scale`, from `start`.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: Instant,
    scale: f64,
}

impl Clock {
    pub fn new(start: Instant, scale: f64) -> Self {
        Clock { start, scale }
    }

    pub fn start(&self) -> Instant {
        self.start
    }

    /// A scenario duration as real time.
    pub fn real(&self, duration: SimDuration) -> Duration {
        Duration::from_secs_f64(duration.as_secs_f64() * self.scale)
    }

    /// The instant a scenario time falls on.
    pub fn instant(&self, at: SimTime) -> Instant {
        self.start + self.real(at - SimTime::ZERO)
    }

    /// The scenario time of an instant (instants before the start map to zero).
    pub fn scenario_time(&self, at: Instant) -> SimTime {
        let real = at.saturating_duration_since(self.start).as_secs_f64();
        SimTime::ZERO + SimDuration::from_secs_f64(real / self.scale)
    }

    /// A real span in scenario time.
    pub fn scenario_duration(&self, real: Duration) -> SimDuration {
        SimDuration::from_secs_f64(real.as_secs_f64() / self.scale)
    }

    pub fn now(&self) -> SimTime {
        self.scenario_time(Instant::now())
    }
}

/// Why a wait ended early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupted {
    /// The run is shutting down: abandon what you are doing.
    Abort,
    /// The job's own cut-off came first (its deadline, with `started_work = "cancel"`).
    CutOff,
}

/// What may cut a wait or a piece of work short.
#[derive(Debug, Clone, Copy)]
pub struct Stop<'a> {
    pub abort: &'a AtomicBool,
    pub cut_off: Option<Instant>,
}

impl<'a> Stop<'a> {
    /// Stops only when the run aborts.
    pub fn on_abort(abort: &'a AtomicBool) -> Self {
        Stop {
            abort,
            cut_off: None,
        }
    }

    fn check(&self, now: Instant) -> Result<(), Interrupted> {
        if self.abort.load(Ordering::Relaxed) {
            return Err(Interrupted::Abort);
        }
        match self.cut_off {
            Some(cut_off) if now >= cut_off => Err(Interrupted::CutOff),
            _ => Ok(()),
        }
    }
}

/// Waits until `deadline`: parks (a thread that sets `abort` unparks the waiter) and yields for
/// the last [`SPIN_MARGIN`].
pub fn wait_until(deadline: Instant, stop: Stop<'_>) -> Result<(), Interrupted> {
    loop {
        let now = Instant::now();
        stop.check(now)?;
        if now >= deadline {
            return Ok(());
        }
        let until = stop
            .cut_off
            .map_or(deadline, |cut_off| cut_off.min(deadline));
        let left = until.saturating_duration_since(now);
        if left > SPIN_MARGIN {
            std::thread::park_timeout(left - SPIN_MARGIN);
        } else {
            std::thread::yield_now();
        }
    }
}

/// Burns CPU for as much work as `duration` takes on an idle core of this machine; with more
/// busy threads than cores it takes longer, as real CPU-bound work does.
pub fn spin(duration: Duration, stop: Stop<'_>) -> Result<(), Interrupted> {
    let chunks = (duration.as_nanos() as f64 / nanos_per_chunk()).round() as u64;
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    for _ in 0..chunks {
        state = spin_chunk(state);
        stop.check(Instant::now())?;
    }
    std::hint::black_box(state);
    Ok(())
}

const CHUNK_ITERATIONS: u32 = 256;

#[inline(never)]
fn spin_chunk(mut state: u64) -> u64 {
    for _ in 0..CHUNK_ITERATIONS {
        // xorshift: cheap, and the optimiser cannot skip it.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
    }
    std::hint::black_box(state)
}

/// Nanoseconds one spin chunk (plus its stop check) takes on this machine, measured once.
pub fn nanos_per_chunk() -> f64 {
    static CALIBRATION: OnceLock<f64> = OnceLock::new();
    *CALIBRATION.get_or_init(|| {
        let never = AtomicBool::new(false);
        let stop = Stop {
            abort: &never,
            cut_off: None,
        };
        // The fastest of a few rounds: the one least disturbed by other threads.
        (0..5)
            .map(|_| {
                let started = Instant::now();
                let mut state = 1_u64;
                let mut chunks = 0_u64;
                while started.elapsed() < Duration::from_millis(4) {
                    for _ in 0..64 {
                        state = spin_chunk(state);
                        let _ = stop.check(Instant::now());
                    }
                    chunks += 64;
                }
                std::hint::black_box(state);
                started.elapsed().as_nanos() as f64 / chunks as f64
            })
            .fold(f64::INFINITY, f64::min)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_time_round_trips_through_the_scale() {
        let start = Instant::now();
        let clock = Clock::new(start, 0.1);
        let at = SimTime::ZERO + SimDuration::from_secs(2);
        assert_eq!(clock.instant(at), start + Duration::from_millis(200));
        assert_eq!(clock.scenario_time(start + Duration::from_millis(200)), at);
        assert_eq!(
            clock.scenario_time(start - Duration::from_millis(1)),
            SimTime::ZERO
        );
    }

    #[test]
    fn waits_end_on_time_or_when_cut_off() {
        let never = AtomicBool::new(false);
        let started = Instant::now();
        let deadline = started + Duration::from_millis(3);
        let stop = Stop {
            abort: &never,
            cut_off: None,
        };
        assert_eq!(wait_until(deadline, stop), Ok(()));
        assert!(Instant::now() >= deadline);
        let cut = Stop {
            abort: &never,
            cut_off: Some(started + Duration::from_millis(4)),
        };
        let far = started + Duration::from_secs(5);
        assert_eq!(wait_until(far, cut), Err(Interrupted::CutOff));
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn an_abort_interrupts_a_wait_from_another_thread() {
        let abort = std::sync::Arc::new(AtomicBool::new(false));
        let waiter = {
            let abort = abort.clone();
            std::thread::spawn(move || {
                let stop = Stop {
                    abort: &abort,
                    cut_off: None,
                };
                wait_until(Instant::now() + Duration::from_secs(30), stop)
            })
        };
        std::thread::sleep(Duration::from_millis(5));
        abort.store(true, Ordering::Relaxed);
        waiter.thread().unpark();
        assert_eq!(waiter.join().ok(), Some(Err(Interrupted::Abort)));
    }

    #[test]
    fn spinning_takes_about_the_asked_time_on_an_idle_core() {
        let never = AtomicBool::new(false);
        let stop = Stop {
            abort: &never,
            cut_off: None,
        };
        let started = Instant::now();
        assert_eq!(spin(Duration::from_millis(20), stop), Ok(()));
        let took = started.elapsed().as_secs_f64();
        // Generous: other tests share the cores.
        assert!(took > 0.015, "{took}");
    }
}
