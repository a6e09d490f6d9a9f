//! `[retry] kind = "script"`: the learner's `fn retry(failure)` decides, after every attempt that
//! went wrong, how long to back off before the next one or to give up — retry with exponential
//! backoff and jitter, transient errors told from the rest (seed book 004 T12).

use super::scripted::{seconds, Scripted};
use super::{Console, Hook, ScriptError};
use crate::policy::retry::{FailureView, RetryPolicy, RetryVerdict};
use crate::policy::PolicyFault;
use crate::time::{SimDuration, SimTime};
use rhai::{Dynamic, ImmutableString};

/// What `retry(failure)` sees: a typed value with read-only fields.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FailureInput {
    now: f64,
    class: ImmutableString,
    attempt: i64,
    error: ImmutableString,
    reason: ImmutableString,
    in_flight: i64,
    random: f64,
}

impl std::fmt::Display for FailureInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "#{{now: {}, class: \"{}\", attempt: {}, error: \"{}\", reason: \"{}\", in_flight: {}, random: {}}}",
            self.now, self.class, self.attempt, self.error, self.reason, self.in_flight, self.random
        )
    }
}

/// Makes [`FailureInput`] known to a script engine: its fields, and how it prints.
pub(crate) fn register_failure(engine: &mut rhai::Engine) {
    engine
        .register_type_with_name::<FailureInput>("Failure")
        .register_get("now", |f: &mut FailureInput| f.now)
        .register_get("class", |f: &mut FailureInput| f.class.clone())
        .register_get("attempt", |f: &mut FailureInput| f.attempt)
        .register_get("error", |f: &mut FailureInput| f.error.clone())
        .register_get("reason", |f: &mut FailureInput| f.reason.clone())
        .register_get("in_flight", |f: &mut FailureInput| f.in_flight)
        .register_get("random", |f: &mut FailureInput| f.random)
        .register_fn("to_string", |f: &mut FailureInput| f.to_string())
        .register_fn("to_debug", |f: &mut FailureInput| f.to_string());
}

/// A retry policy whose every decision is a script's.
#[derive(Debug)]
pub struct ScriptRetry {
    script: Scripted,
}

impl ScriptRetry {
    pub fn new(code: &str) -> Result<Self, ScriptError> {
        Ok(ScriptRetry {
            script: Scripted::new(Hook::Retry, code)?,
        })
    }

    /// For code validation has compiled already: should it fail all the same, nothing is
    /// retried and the error is reported as a fault at the start.
    pub fn checked(code: &str) -> Self {
        ScriptRetry {
            script: Scripted::checked(Hook::Retry, code),
        }
    }

    pub fn console(&self) -> Console {
        self.script.console()
    }
}

const SAY: &str = "say a backoff in seconds (0: at once), or false or \"give up\"";

/// Reads what `retry` returned: a backoff in seconds, or `false` / `"give up"`.
fn verdict(value: &Dynamic) -> Result<RetryVerdict, String> {
    if let Ok(retry) = value.as_bool() {
        return if retry {
            Err(format!("returned true: {SAY}"))
        } else {
            Ok(RetryVerdict::GiveUp)
        };
    }
    if let Ok(word) = value.clone().into_immutable_string() {
        return match word.as_str() {
            "give up" => Ok(RetryVerdict::GiveUp),
            other => Err(format!("returned \"{}\": {SAY}", super::printable(other))),
        };
    }
    let seconds = seconds(value, "backoff", SAY)?;
    Ok(RetryVerdict::After(SimDuration::from_secs_f64(seconds)))
}

impl RetryPolicy for ScriptRetry {
    fn decide(&mut self, now: SimTime, view: &FailureView<'_>) -> RetryVerdict {
        let failure = || {
            Dynamic::from(FailureInput {
                now: now.as_secs_f64(),
                class: view.class.into(),
                attempt: i64::from(view.attempt),
                error: view.setback.kind().into(),
                reason: view.setback.reason().into(),
                in_flight: view.in_flight as i64,
                random: view.random,
            })
        };
        self.script
            .ask(now, failure, verdict)
            .unwrap_or(RetryVerdict::GiveUp)
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
    use crate::policy::retry::Setback;
    use crate::policy::RejectReason;
    use crate::report::recorder::FailReason;

    fn failure(attempt: u32, setback: Setback) -> FailureView<'static> {
        FailureView {
            class: "default",
            attempt,
            setback,
            in_flight: 3,
            random: 0.5,
        }
    }

    #[test]
    fn exponential_backoff_for_transient_errors_only() {
        let mut policy = ScriptRetry::new(
            "fn retry(failure) {\n\
               if failure.reason == \"breaker_open\" || failure.attempt >= 3 { return false; }\n\
               0.1 * 2 ** failure.attempt * (0.5 + failure.random)\n\
             }",
        )
        .unwrap();
        let error = Setback::Failed(FailReason::DownstreamError);
        let waits: Vec<_> = (0..4)
            .map(|attempt| policy.decide(SimTime::ZERO, &failure(attempt, error)))
            .collect();
        let after = |ms| RetryVerdict::After(SimDuration::from_millis(ms));
        assert_eq!(
            waits,
            [after(100), after(200), after(400), RetryVerdict::GiveUp]
        );
        let open = Setback::Failed(FailReason::BreakerOpen);
        assert_eq!(
            policy.decide(SimTime::ZERO, &failure(0, open)),
            RetryVerdict::GiveUp
        );
        assert!(policy.take_fault().is_none());
    }

    #[test]
    fn the_failure_prints_all_its_fields() {
        let mut policy =
            ScriptRetry::new("fn retry(failure) { print(failure); \"give up\" }").unwrap();
        let full = Setback::Rejected(RejectReason::QueueFull);
        assert_eq!(
            policy.decide(SimTime::from_nanos(2_000_000_000), &failure(1, full)),
            RetryVerdict::GiveUp
        );
        let printed = policy.printed();
        assert_eq!(
            printed[0].1,
            "#{now: 2, class: \"default\", attempt: 1, error: \"rejected\", reason: \"queue_full\", in_flight: 3, random: 0.5}"
        );
    }

    #[test]
    fn a_bad_answer_is_a_fault_that_names_what_came_back() {
        for (code, expected) in [
            ("fn retry(failure) { true }", "retry returned true"),
            ("fn retry(failure) { \"later\" }", "returned \"later\""),
            ("fn retry(failure) { -0.5 }", "a backoff of -0.5 s"),
            ("fn retry(failure) { if false { 1 } }", "returned nothing"),
            ("fn retry(failure) { failure.kind }", "kind"),
        ] {
            let mut policy = ScriptRetry::new(code).unwrap();
            let verdict = policy.decide(SimTime::ZERO, &failure(0, Setback::TimedOut));
            assert_eq!(verdict, RetryVerdict::GiveUp, "{code}");
            let fault = policy.take_fault().expect(code);
            assert_eq!(fault.hook, "retry");
            assert!(fault.message.contains(expected), "{code}: {fault}");
        }
    }
}
