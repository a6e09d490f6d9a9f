//! A run as the playground sees it: an engine advanced frame by frame at a chosen speed, within a
//! real-time budget per frame, plus the previous run kept as a ghost for before/after charts.
//!
//! Real time comes in as arguments (`elapsed`, a `clock` to read the frame budget), never from
//! here — the same sans-IO rule as the engine — so sessions are tested natively.
//!
//! ```
//! use queuelab::playground::{Session, Speed};
//! let exercise = queuelab::exercise::catalog().remove(0);
//! let mut session = Session::new(exercise.scenario.clone());
//! session.speed = Speed::Max;
//! let clock = || 0.0; // a frozen clock: every frame gets the whole budget of events
//! while !session.is_finished() { session.frame(0.016, &clock, 8.0); }
//! assert!(session.summary().completed > 0);
//! ```

use crate::report::{Series, Summary};
use crate::scenario::Config;
use crate::sim::{Engine, Snapshot, WatchView};
use crate::time::{SimDuration, SimTime};

/// Simulated seconds per real second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speed {
    X1,
    X10,
    X100,
    X1000,
    /// As many events as fit in the frame budget.
    Max,
}

impl Speed {
    pub const ALL: [Speed; 5] = [Speed::X1, Speed::X10, Speed::X100, Speed::X1000, Speed::Max];

    pub fn label(self) -> &'static str {
        match self {
            Speed::X1 => "1×",
            Speed::X10 => "10×",
            Speed::X100 => "100×",
            Speed::X1000 => "1000×",
            Speed::Max => "max",
        }
    }

    /// Simulated seconds per real second (`None`: as fast as the frame budget allows).
    pub fn factor(self) -> Option<f64> {
        match self {
            Speed::X1 => Some(1.0),
            Speed::X10 => Some(10.0),
            Speed::X100 => Some(100.0),
            Speed::X1000 => Some(1000.0),
            Speed::Max => None,
        }
    }
}

/// Events processed between two looks at the clock: small enough to keep within the budget.
const EVENTS_PER_CLOCK_CHECK: usize = 1_000;

/// The most events one Step passes over while nothing moves (a hang guard: timers only).
pub const STEP_TIMERS: usize = 10_000;

/// The most jobs a watch lists per station and list (queue, workers, blocked senders).
pub const WATCH_LIMIT: usize = 256;

pub struct Session {
    config: Config,
    engine: Engine,
    summary: Summary,
    pub speed: Speed,
    /// The previous run's series and summary (same seed: a true A/B).
    pub ghost: Option<(Series, Summary)>,
    /// Someone watches single jobs: the engine notes exits (see [`Session::set_watching`]).
    watching: bool,
}

impl Session {
    pub fn new(config: Config) -> Session {
        let engine = Engine::new(&config);
        let summary = engine.summary();
        Session {
            config,
            engine,
            summary,
            speed: Speed::X100,
            ghost: None,
            watching: false,
        }
    }

    /// Starts over with a new configuration; the run so far becomes the ghost if it got anywhere.
    pub fn restart(&mut self, config: Config) {
        if self.engine.now() > SimTime::ZERO {
            self.ghost = Some((self.engine.series().clone(), self.engine.summary()));
        }
        self.engine = Engine::new(&config);
        self.engine.watch_exits(self.watching);
        self.summary = self.engine.summary();
        self.config = config;
    }

    /// Turns watching single jobs on or off: while on, the engine keeps its short log of exits
    /// and [`Session::watch`] shows them; off, the run pays nothing for it.
    pub fn set_watching(&mut self, on: bool) {
        self.watching = on;
        self.engine.watch_exits(on);
    }

    /// The jobs as they are now, if watching (see [`Session::set_watching`]).
    pub fn watch(&self) -> Option<WatchView> {
        self.watching.then(|| self.engine.watch(WATCH_LIMIT))
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    pub fn snapshot(&self) -> Snapshot {
        self.engine.snapshot()
    }

    pub fn series(&self) -> &Series {
        self.engine.series()
    }

    pub fn is_finished(&self) -> bool {
        self.engine.is_finished()
    }

    /// Progress in [0, 1].
    pub fn progress(&self) -> f64 {
        self.engine.progress()
    }

    /// Advances one animation frame: `elapsed` real seconds since the last frame (capped, so a
    /// background tab does not jump), at most `budget_ms` of real time as measured by `clock`.
    pub fn frame(&mut self, elapsed: f64, clock: &dyn Fn() -> f64, budget_ms: f64) {
        let started = clock();
        let target = self.speed.factor().map(|factor| {
            self.engine.now() + SimDuration::from_secs_f64(elapsed.clamp(0.0, 0.1) * factor)
        });
        'frame: loop {
            for _ in 0..EVENTS_PER_CLOCK_CHECK {
                match (self.engine.next_event_time(), target) {
                    (None, _) => break 'frame,
                    (Some(at), Some(target)) if at > target => {
                        self.engine.run_until(target);
                        break 'frame;
                    }
                    _ => {
                        self.engine.step();
                    }
                }
            }
            if clock() - started >= budget_ms {
                break;
            }
        }
        self.summary = self.engine.summary();
    }

    /// The Step button: processes events up to the next one that moves a job (the engine's own
    /// timers — samples, ticks — pass silently, at most [`STEP_TIMERS`] of them) and says what
    /// happened, in words, naming stations by `names` (see
    /// [`crate::playground::narrate::station_names`]). Stepping is watching: it turns
    /// [`Session::set_watching`] on.
    pub fn step(&mut self, names: &[String]) -> String {
        use crate::playground::narrate::{describe, step_sentence};
        self.set_watching(true);
        let mut before = self.engine.watch(WATCH_LIMIT);
        let mut said = Vec::new();
        for _ in 0..STEP_TIMERS {
            if !self.engine.step() {
                break;
            }
            let after = self.engine.watch(WATCH_LIMIT);
            said = describe(&before, &after, names);
            if !said.is_empty() {
                break;
            }
            before = after;
        }
        self.summary = self.engine.summary();
        if said.is_empty() && self.is_finished() {
            return format!(
                "t = {:.3} s: the run is over.",
                self.engine.now().as_secs_f64()
            );
        }
        step_sentence(self.engine.now(), &said)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        long_config("100s")
    }

    fn long_config(duration: &str) -> Config {
        crate::scenario::parse(
            &format!(
                "[run]\nduration = \"{duration}\"\n[arrivals]\nprocess = \"poisson\"\nrate = 5\n\
             [service]\ndistribution = \"exponential\"\nmean = \"100ms\"\n[pool]\nworkers = 1\n"
            ),
            "t.toml",
        )
        .unwrap()
    }

    #[test]
    fn a_frame_at_10x_advances_ten_times_real_time() {
        let mut session = Session::new(config());
        session.speed = Speed::X10;
        session.frame(0.05, &|| 0.0, 8.0);
        assert_eq!(
            session.engine().now(),
            SimTime::ZERO + SimDuration::from_millis(500)
        );
    }

    #[test]
    fn frames_respect_the_budget() {
        let mut session = Session::new(long_config("10000s"));
        session.speed = Speed::Max;
        let ticks = std::cell::Cell::new(0.0);
        // Each clock read advances 5 ms: the frame stops after the second check.
        let clock = || {
            ticks.set(ticks.get() + 5.0);
            ticks.get()
        };
        session.frame(0.016, &clock, 8.0);
        assert!(session.engine().summary().events <= 2 * EVENTS_PER_CLOCK_CHECK as u64 + 1);
        assert!(!session.is_finished());
    }

    #[test]
    fn sliced_session_equals_a_straight_run_and_keeps_a_ghost() {
        let straight = Engine::new(&config()).run();
        let mut session = Session::new(config());
        session.speed = Speed::X1000;
        while !session.is_finished() {
            session.frame(0.016, &|| 0.0, 8.0);
        }
        assert_eq!(session.summary(), &straight);
        session.restart(config());
        assert_eq!(session.ghost.as_ref().map(|g| &g.1), Some(&straight));
    }
}
