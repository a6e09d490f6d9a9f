//! The downstream dependency every job calls (`[downstream]`), with the circuit breaker around it
//! (`[breaker]`) and its own concurrency limit (`downstream.max_in_flight`), shared by both
//! runtimes: the simulator calls it with virtual time, the real threads with their clock's
//! scenario time (in their gate), so the rules of a call exist once.
//!
//! A call's life: [`Dependency::call`] when the job starts (the breaker may fail it fast, the
//! dependency may refuse it with a 429, or it is made: its latency scaled by any incident's
//! slowdown, failing when its draw falls under the incident's error rate); then exactly one of
//! [`Dependency::answered`] (the job's time on its worker is over), [`Dependency::cut_off`] (the
//! client's deadline cancelled the work: no answer in time counts as a failure) or
//! [`Dependency::abandon`] (a hedge loser or an interrupted job: nothing learned).
//!
//! ```
//! use queuelab::dependency::{Call, Dependency};
//! use queuelab::time::{SimDuration, SimTime};
//! let config = queuelab::scenario::parse(
//!     "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
//!      [service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 1\n\
//!      [downstream]\nlatency = { distribution = \"constant\", mean = \"20ms\" }\nmax_in_flight = 1\n",
//!     "doc",
//! )
//! .unwrap();
//! let mut dependency = Dependency::new(&config);
//! let now = SimTime::ZERO;
//! let call = dependency.call(now, SimDuration::from_millis(20), 0.5);
//! assert!(matches!(call, Call::Made { failed: false, .. }));
//! assert_eq!(dependency.call(now, SimDuration::from_millis(20), 0.5), Call::Refused);
//! dependency.answered(now, call);
//! assert_eq!(dependency.calls_in_flight(), 0);
//! ```

use crate::policy::breaker::{Breaker, CircuitBreaker};
use crate::scenario::{Config, DownstreamConfig};
use crate::time::{SimDuration, SimTime};

/// What happened to a job's downstream call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// No `[downstream]` in the scenario (or not started yet).
    None,
    Made {
        failed: bool,
        duration: SimDuration,
    },
    /// The circuit breaker was open: the job fails fast without calling.
    FailedFast,
    /// The dependency had `max_in_flight` calls already and refused this one at once (429).
    Refused,
}

#[derive(Debug)]
pub struct Dependency {
    config: Option<DownstreamConfig>,
    breaker: Option<Box<dyn Breaker>>,
    calls_in_flight: usize,
}

impl Dependency {
    pub fn new(config: &Config) -> Self {
        Dependency {
            config: config.downstream.clone(),
            breaker: match &config.breaker_script {
                Some(code) => script_breaker(code),
                None => config
                    .breaker
                    .map(|b| Box::new(CircuitBreaker::new(b)) as Box<dyn Breaker>),
            },
            calls_in_flight: 0,
        }
    }

    /// The scenario's `[downstream]`, if it has one.
    pub fn config(&self) -> Option<&DownstreamConfig> {
        self.config.as_ref()
    }

    /// A job starting at `now` calls the dependency: its drawn `latency` and outcome `draw`
    /// (uniform in [0, 1)) decide the call, unless the breaker or the dependency's limit stops it.
    pub fn call(&mut self, now: SimTime, latency: SimDuration, draw: f64) -> Call {
        let Some(downstream) = &self.config else {
            return Call::None;
        };
        if self
            .breaker
            .as_mut()
            .is_some_and(|breaker| !breaker.try_acquire(now))
        {
            return Call::FailedFast;
        }
        if downstream
            .max_in_flight
            .is_some_and(|limit| self.calls_in_flight >= limit)
        {
            return Call::Refused;
        }
        let (slowdown, error_rate) = downstream.conditions(now - SimTime::ZERO);
        self.calls_in_flight += 1;
        Call::Made {
            failed: draw < error_rate,
            duration: SimDuration::from_secs_f64(latency.as_secs_f64() * slowdown),
        }
    }

    /// The job's time on its worker is over: the call's place is free, and the breaker learns
    /// how it went (a 429 is an error answer, and an instant one).
    pub fn answered(&mut self, now: SimTime, call: Call) {
        self.ended(call);
        if let Some(breaker) = self.breaker.as_mut() {
            match call {
                Call::Made { failed, duration } => breaker.on_result(now, duration, failed),
                Call::Refused => breaker.on_result(now, SimDuration::ZERO, true),
                Call::None | Call::FailedFast => {}
            }
        }
    }

    /// The client's deadline cancelled the job `elapsed` after it started: no answer came back
    /// in time, a failure for the breaker.
    pub fn cut_off(&mut self, now: SimTime, call: Call, elapsed: SimDuration) {
        self.ended(call);
        if let (Call::Made { .. } | Call::Refused, Some(breaker)) = (call, self.breaker.as_mut()) {
            breaker.on_result(now, elapsed, true);
        }
    }

    /// The call is abandoned unfinished (a hedge loser, an interrupted job): its breaker permit
    /// and its place at the dependency are given back, and nothing is learned.
    pub fn abandon(&mut self, call: Call) {
        self.ended(call);
        if let (Call::Made { .. } | Call::Refused, Some(breaker)) = (call, self.breaker.as_mut()) {
            breaker.release();
        }
    }

    fn ended(&mut self, call: Call) {
        if let Call::Made { .. } = call {
            self.calls_in_flight -= 1;
        }
    }

    /// Calls under way (at most `downstream.max_in_flight`).
    pub fn calls_in_flight(&self) -> usize {
        self.calls_in_flight
    }

    /// The breaker's state as a chart level (0 closed, 1 half-open, 2 open); 0 without one.
    pub fn breaker_level(&self) -> f64 {
        self.breaker
            .as_ref()
            .map_or(0.0, |breaker| breaker.state().level())
    }

    /// How often the breaker changed state.
    pub fn breaker_transitions(&self) -> u64 {
        self.breaker.as_ref().map_or(0, |b| b.transitions())
    }

    /// The breaker's script failed: the runtime stops the run and reports it.
    pub fn take_fault(&mut self) -> Option<crate::policy::PolicyFault> {
        self.breaker
            .as_mut()
            .and_then(|breaker| breaker.take_fault())
    }

    /// What the breaker's script printed.
    pub fn printed(&self) -> Vec<(f64, String)> {
        self.breaker
            .as_ref()
            .map_or_else(Vec::new, |breaker| breaker.printed())
    }
}

#[cfg(feature = "script")]
fn script_breaker(code: &str) -> Option<Box<dyn Breaker>> {
    Some(Box::new(crate::script::ScriptBreaker::checked(code)))
}

/// Without the script engine validation refuses `kind = "script"`; should a config reach here
/// all the same, there is no breaker.
#[cfg(not(feature = "script"))]
fn script_breaker(_: &str) -> Option<Box<dyn Breaker>> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dependency(extra: &str) -> Dependency {
        let text = format!(
            "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
             [service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 1\n\
             [downstream]\nlatency = {{ distribution = \"constant\", mean = \"10ms\" }}\n{extra}"
        );
        Dependency::new(&crate::scenario::parse(&text, "test").unwrap())
    }

    #[test]
    fn without_a_dependency_there_is_no_call() {
        let text = "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
                    [service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 1\n";
        let mut none = Dependency::new(&crate::scenario::parse(text, "test").unwrap());
        assert_eq!(none.call(SimTime::ZERO, SimDuration::ZERO, 0.0), Call::None);
    }

    #[test]
    fn an_incident_slows_calls_and_fails_those_drawn_under_its_error_rate() {
        let mut dependency = dependency(
            "incidents = [{ from = \"0s\", to = \"1m\", slowdown = 3, error_rate = 0.5 }]\n",
        );
        let now = SimTime::ZERO + SimDuration::from_secs(1);
        let latency = SimDuration::from_millis(10);
        assert_eq!(
            dependency.call(now, latency, 0.4),
            Call::Made {
                failed: true,
                duration: SimDuration::from_millis(30)
            }
        );
        assert!(matches!(
            dependency.call(now, latency, 0.6),
            Call::Made { failed: false, .. }
        ));
        assert_eq!(dependency.calls_in_flight(), 2);
    }

    #[test]
    fn an_open_breaker_fails_fast_and_a_refusal_counts_as_a_failure() {
        let mut dependency =
            dependency("max_in_flight = 1\n[breaker]\nwindow_size = 2\nminimum_calls = 2\n");
        let now = SimTime::ZERO;
        let latency = SimDuration::from_millis(10);
        let held = dependency.call(now, latency, 0.9);
        for _ in 0..2 {
            let refused = dependency.call(now, latency, 0.9);
            assert_eq!(refused, Call::Refused);
            dependency.answered(now, refused);
        }
        assert_eq!(dependency.call(now, latency, 0.9), Call::FailedFast);
        assert_eq!(dependency.breaker_level(), 2.0, "open");
        dependency.abandon(held);
        assert_eq!(dependency.calls_in_flight(), 0);
    }
}
