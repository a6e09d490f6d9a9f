//! `[breaker] kind = "script"`: the learner's circuit breaker (seed book 002 T14). `fn allow(request)`
//! is asked before every call to the dependency (false: the call fails fast, `breaker_open`);
//! `fn record(result)` hears how each call that went ahead ended. A top-level `state` variable
//! holding `"closed"`, `"open"` or `"half_open"` is what the breaker chart and
//! `breaker_transitions` show; without one, the state is whether the last call was allowed.

use super::scripted::Scripted;
use super::{Console, Hook, ScriptError};
use crate::policy::breaker::{Breaker, BreakerState};
use crate::policy::PolicyFault;
use crate::time::{SimDuration, SimTime};
use rhai::Dynamic;

/// What `allow(request)` sees: the call about to be made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CallInput {
    now: f64,
}

/// What `record(result)` sees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ResultInput {
    now: f64,
    failed: bool,
    latency: f64,
}

impl std::fmt::Display for CallInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{{now: {}}}", self.now)
    }
}

impl std::fmt::Display for ResultInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "#{{now: {}, failed: {}, latency: {}}}",
            self.now, self.failed, self.latency
        )
    }
}

/// Makes [`CallInput`] and [`ResultInput`] known to a script engine.
pub(crate) fn register_call(engine: &mut rhai::Engine) {
    engine
        .register_type_with_name::<CallInput>("Call")
        .register_get("now", |c: &mut CallInput| c.now)
        .register_fn("to_string", |c: &mut CallInput| c.to_string())
        .register_fn("to_debug", |c: &mut CallInput| c.to_string())
        .register_type_with_name::<ResultInput>("Result")
        .register_get("now", |r: &mut ResultInput| r.now)
        .register_get("failed", |r: &mut ResultInput| r.failed)
        .register_get("latency", |r: &mut ResultInput| r.latency)
        .register_fn("to_string", |r: &mut ResultInput| r.to_string())
        .register_fn("to_debug", |r: &mut ResultInput| r.to_string());
}

/// A circuit breaker whose every decision is a script's.
#[derive(Debug)]
pub struct ScriptBreaker {
    script: Scripted,
    state: BreakerState,
    transitions: u64,
}

impl ScriptBreaker {
    pub fn new(code: &str) -> Result<Self, ScriptError> {
        Ok(Self::starting(Scripted::new(Hook::Breaker, code)?))
    }

    /// For code validation has compiled already: should it fail all the same, every call goes
    /// ahead and the error is reported as a fault at the start.
    pub fn checked(code: &str) -> Self {
        Self::starting(Scripted::checked(Hook::Breaker, code))
    }

    /// The state the top-level code starts in is the start, not a change.
    fn starting(script: Scripted) -> Self {
        let mut breaker = ScriptBreaker {
            script,
            state: BreakerState::Closed,
            transitions: 0,
        };
        if let Some(state) = breaker.kept_state() {
            breaker.state = state;
        }
        breaker
    }

    pub fn console(&self) -> Console {
        self.script.console()
    }

    /// The script's `state` variable, if it keeps one with a state's name.
    fn kept_state(&self) -> Option<BreakerState> {
        let value = self.script.kept("state")?;
        match value.into_immutable_string().ok()?.as_str() {
            "closed" => Some(BreakerState::Closed),
            "open" => Some(BreakerState::Open),
            "half_open" | "half-open" => Some(BreakerState::HalfOpen),
            _ => None,
        }
    }

    fn move_to(&mut self, state: BreakerState) {
        if state != self.state {
            self.state = state;
            self.transitions += 1;
        }
    }
}

fn allowed(value: &Dynamic) -> Result<bool, String> {
    value.as_bool().map_err(|_| {
        if value.is_unit() {
            "returned nothing: say true (the call goes ahead) or false (it fails fast)".to_string()
        } else {
            format!(
                "returned a {}: say true (the call goes ahead) or false (it fails fast)",
                value.type_name()
            )
        }
    })
}

impl Breaker for ScriptBreaker {
    fn try_acquire(&mut self, now: SimTime) -> bool {
        let request = || {
            Dynamic::from(CallInput {
                now: now.as_secs_f64(),
            })
        };
        let Some(allow) = self.script.ask(now, request, allowed) else {
            return true;
        };
        let state = self.kept_state().unwrap_or(if allow {
            BreakerState::Closed
        } else {
            BreakerState::Open
        });
        self.move_to(state);
        allow
    }

    /// An abandoned call (a hedge's loser, an interrupted job) tells the script nothing.
    fn release(&mut self) {}

    fn on_result(&mut self, now: SimTime, duration: SimDuration, failed: bool) {
        let result = || {
            Dynamic::from(ResultInput {
                now: now.as_secs_f64(),
                failed,
                latency: duration.as_secs_f64(),
            })
        };
        self.script.tell("record", now, result);
        if let Some(state) = self.kept_state() {
            self.move_to(state);
        }
    }

    fn state(&self) -> BreakerState {
        self.state
    }

    fn transitions(&self) -> u64 {
        self.transitions
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

    fn at(seconds: u64) -> SimTime {
        SimTime::from_nanos(seconds * 1_000_000_000)
    }

    /// Seed book 002 T14: opens after 3 failures in a row, half-opens after 10 s, one trial call.
    const THREE_STATES: &str = r#"
let state = "closed";
let failures = 0;
let opened_at = 0.0;
let trial_out = false;
fn allow(request) {
    if state == "open" && request.now - opened_at >= 10.0 { state = "half_open"; trial_out = false; }
    if state == "closed" { return true; }
    if state == "half_open" && !trial_out { trial_out = true; return true; }
    false
}
fn record(result) {
    if result.failed { failures += 1; } else { failures = 0; }
    if state == "half_open" {
        if result.failed { state = "open"; opened_at = result.now; } else { state = "closed"; }
    } else if state == "closed" && failures >= 3 {
        state = "open"; opened_at = result.now;
    }
}
"#;

    #[test]
    fn a_three_state_breaker_written_as_a_script() {
        let mut breaker = ScriptBreaker::new(THREE_STATES).unwrap();
        let fast = SimDuration::from_millis(20);
        for _ in 0..3 {
            assert!(breaker.try_acquire(at(1)));
            breaker.on_result(at(1), fast, true);
        }
        assert_eq!(breaker.state(), BreakerState::Open);
        assert!(!breaker.try_acquire(at(5)), "open: fails fast");
        assert!(breaker.try_acquire(at(11)), "half-open: one trial");
        assert_eq!(breaker.state(), BreakerState::HalfOpen);
        assert!(!breaker.try_acquire(at(11)), "only one");
        breaker.on_result(at(11), fast, false);
        assert_eq!(breaker.state(), BreakerState::Closed);
        assert_eq!(breaker.transitions(), 3);
        assert!(breaker.take_fault().is_none());
    }

    #[test]
    fn without_a_state_variable_the_state_is_the_last_answer() {
        let mut breaker = ScriptBreaker::new(
            "let n = 0;\nfn allow(request) { n += 1; n % 3 != 0 }\nfn record(result) { }",
        )
        .unwrap();
        let answers: Vec<bool> = (0..4).map(|_| breaker.try_acquire(at(1))).collect();
        assert_eq!(answers, [true, true, false, true]);
        assert_eq!(breaker.state(), BreakerState::Closed);
        assert_eq!(breaker.transitions(), 2);
    }

    #[test]
    fn both_functions_are_required_and_answers_are_checked() {
        let missing =
            crate::script::check(Hook::Breaker, "fn allow(request) { true }").unwrap_err();
        assert!(
            missing.message.contains("fn record(result)"),
            "{}",
            missing.message
        );
        let mut breaker =
            ScriptBreaker::new("fn allow(request) { \"yes\" }\nfn record(result) { }").unwrap();
        assert!(breaker.try_acquire(at(1)), "a fault lets calls through");
        let fault = breaker.take_fault().unwrap();
        assert_eq!(fault.hook, "breaker");
        assert!(
            fault.message.contains("allow returned a string"),
            "{}",
            fault.message
        );
    }
}
