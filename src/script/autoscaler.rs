//! `[autoscaler] kind = "script"`: the learner's `fn desired_workers(pool)` sizes the pool.

use super::scripted::Scripted;
use super::{map, whole_number, Console, Hook, ScriptError};
use crate::policy::autoscale::{Autoscaler, PoolSignals};
use crate::policy::PolicyFault;
use crate::time::{SimDuration, SimTime};
use rhai::Dynamic;

/// Queue waits kept between two ticks for `wait_p50`/`wait_p99`; past it, later ones are skipped
/// (a tick sees the first 65 536 jobs that finished since the last).
const MAX_WAITS_PER_TICK: usize = 65_536;

/// An autoscaler whose decision is a script's.
#[derive(Debug)]
pub struct ScriptAutoscaler {
    script: Scripted,
    interval: SimDuration,
    min_workers: usize,
    max_workers: usize,
    /// Queue waits (seconds) of the jobs finished since the last tick.
    waits: Vec<f64>,
    completed: u64,
}

impl ScriptAutoscaler {
    pub fn new(
        code: &str,
        interval: SimDuration,
        min_workers: usize,
        max_workers: usize,
    ) -> Result<Self, ScriptError> {
        Ok(ScriptAutoscaler {
            script: Scripted::new(Hook::Autoscaler, code)?,
            interval,
            min_workers,
            max_workers,
            waits: Vec::new(),
            completed: 0,
        })
    }

    /// For code validation has compiled already: should it fail all the same, the autoscaler
    /// keeps the pool's size and reports the error as a fault at its first tick.
    pub fn checked(
        code: &str,
        interval: SimDuration,
        min_workers: usize,
        max_workers: usize,
    ) -> Self {
        ScriptAutoscaler {
            script: Scripted::checked(Hook::Autoscaler, code),
            interval,
            min_workers,
            max_workers,
            waits: Vec::new(),
            completed: 0,
        }
    }

    /// What the script printed so far.
    pub fn console(&self) -> Console {
        self.script.console()
    }

    fn pool(&mut self, signals: &PoolSignals) -> rhai::Map {
        self.waits.sort_by(f64::total_cmp);
        let quantile = |q: f64| match self.waits.len() {
            0 => 0.0,
            n => self.waits[((q * n as f64).ceil() as usize).clamp(1, n) - 1],
        };
        let wait_mean = match self.waits.len() {
            0 => 0.0,
            n => self.waits.iter().sum::<f64>() / n as f64,
        };
        let capacity = signals
            .capacity
            .map_or(Dynamic::UNIT, |slots| Dynamic::from(slots as i64));
        map(&[
            ("now", Dynamic::from(signals.now.as_secs_f64())),
            ("workers", Dynamic::from(signals.size as i64)),
            ("busy", Dynamic::from(signals.busy as i64)),
            ("queued", Dynamic::from(signals.queued as i64)),
            ("capacity", capacity),
            ("queue_fill", Dynamic::from(signals.queue_fill())),
            ("utilization", Dynamic::from(signals.utilization)),
            ("error_rate", Dynamic::from(signals.error_rate)),
            ("completed", Dynamic::from(self.completed as i64)),
            ("wait_mean", Dynamic::from(wait_mean)),
            ("wait_p50", Dynamic::from(quantile(0.5))),
            ("wait_p99", Dynamic::from(quantile(0.99))),
            ("min_workers", Dynamic::from(self.min_workers as i64)),
            ("max_workers", Dynamic::from(self.max_workers as i64)),
            ("interval", Dynamic::from(self.interval.as_secs_f64())),
        ])
    }

    /// The script's answer, within the bounds; `None` if it failed.
    fn decide(&mut self, signals: &PoolSignals) -> Option<usize> {
        let pool = self.pool(signals);
        let (min_workers, max_workers) = (self.min_workers as i64, self.max_workers as i64);
        self.script.ask(
            signals.now,
            || pool.into(),
            |value| {
                let workers = whole_number(value, "workers")?;
                if workers < 0 {
                    return Err(format!(
                        "returned {workers}: a pool cannot have fewer than 0 workers"
                    ));
                }
                // Clamped as i64 first: `as usize` would cut a huge answer to 32 bits in wasm.
                Ok(workers.clamp(min_workers, max_workers) as usize)
            },
        )
    }
}

impl Autoscaler for ScriptAutoscaler {
    fn interval(&self) -> SimDuration {
        self.interval
    }

    fn on_tick(&mut self, signals: &PoolSignals) -> Option<usize> {
        if !self.script.live() {
            return None;
        }
        let decision = self.decide(signals);
        self.waits.clear();
        self.completed = 0;
        decision.filter(|&size| size != signals.size)
    }

    fn on_job_done(&mut self, _now: SimTime, wait: SimDuration) {
        self.completed += 1;
        if self.waits.len() < MAX_WAITS_PER_TICK {
            self.waits.push(wait.as_secs_f64());
        }
    }

    fn take_fault(&mut self) -> Option<PolicyFault> {
        self.script.take_fault()
    }

    fn printed(&self) -> Vec<(f64, String)> {
        self.script.printed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals(size: usize, queued: usize) -> PoolSignals {
        PoolSignals {
            now: SimTime::from_nanos(1_000_000_000),
            size,
            busy: size,
            queued,
            capacity: Some(40),
            utilization: 1.0,
            error_rate: 0.0,
        }
    }

    fn scaler(code: &str) -> ScriptAutoscaler {
        ScriptAutoscaler::new(code, SimDuration::from_millis(500), 2, 8).unwrap()
    }

    #[test]
    fn the_script_decides_within_the_bounds() {
        let mut scaler = scaler(
            "fn desired_workers(pool) { if pool.queue_fill > 0.5 { pool.workers * 4 } else { pool.workers } }",
        );
        assert_eq!(
            scaler.on_tick(&signals(4, 30)),
            Some(8),
            "clamped to max_workers"
        );
        assert_eq!(
            scaler.on_tick(&signals(4, 1)),
            None,
            "the same size is no change"
        );
        assert!(scaler.take_fault().is_none());
    }

    #[test]
    fn it_sees_the_waits_since_the_last_tick() {
        let mut scaler = scaler("fn desired_workers(pool) { if pool.completed == 3 && pool.wait_p50 == 0.2 { 5 } else { 2 } }");
        for ms in [100, 300, 200] {
            scaler.on_job_done(SimTime::ZERO, SimDuration::from_millis(ms));
        }
        assert_eq!(scaler.on_tick(&signals(4, 0)), Some(5));
        assert_eq!(
            scaler.on_tick(&signals(4, 0)),
            Some(2),
            "the window restarts each tick"
        );
    }

    #[test]
    fn a_nonsense_answer_is_a_fault() {
        for (code, expected) in [
            ("fn desired_workers(pool) { -1 }", "fewer than 0"),
            ("fn desired_workers(pool) { 1.5 }", "not a whole number"),
            (
                "fn desired_workers(pool) { if false { 1 } }",
                "returned nothing",
            ),
            (
                "fn desired_workers(pool) { pool.queue_length }",
                "queue_length",
            ),
        ] {
            let mut scaler = scaler(code);
            assert_eq!(scaler.on_tick(&signals(4, 0)), None);
            let fault = scaler.take_fault().expect(code);
            assert!(fault.message.contains(expected), "{code}: {fault}");
            assert_eq!(fault.hook, "autoscaler");
        }
    }
}
