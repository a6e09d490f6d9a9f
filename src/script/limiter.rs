//! `[limiter] kind = "script"`: the learner's `fn new_limit(sample)` sets the concurrency limit
//! after every finished request, as Netflix's adaptive limiters do.

use super::scripted::Scripted;
use super::{whole_number, Console, Hook, ScriptError};
use crate::policy::limiter::Limit;
use crate::policy::PolicyFault;
use crate::time::{SimDuration, SimTime};
use rhai::Dynamic;

/// What `new_limit(sample)` sees: a typed value with read-only fields rather than a map,
/// because the limiter runs once per request and building a map costs more than the call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Sample {
    now: f64,
    rtt: f64,
    in_flight: i64,
    dropped: bool,
    limit: i64,
    min_limit: i64,
    max_limit: i64,
}

impl std::fmt::Display for Sample {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "#{{now: {}, rtt: {}, in_flight: {}, dropped: {}, limit: {}, min_limit: {}, max_limit: {}}}",
            self.now, self.rtt, self.in_flight, self.dropped, self.limit, self.min_limit, self.max_limit
        )
    }
}

/// Makes [`Sample`] known to a script engine: its fields, and how it prints.
pub(crate) fn register_sample(engine: &mut rhai::Engine) {
    engine
        .register_type_with_name::<Sample>("Sample")
        .register_get("now", |s: &mut Sample| s.now)
        .register_get("rtt", |s: &mut Sample| s.rtt)
        .register_get("in_flight", |s: &mut Sample| s.in_flight)
        .register_get("dropped", |s: &mut Sample| s.dropped)
        .register_get("limit", |s: &mut Sample| s.limit)
        .register_get("min_limit", |s: &mut Sample| s.min_limit)
        .register_get("max_limit", |s: &mut Sample| s.max_limit)
        .register_fn("to_string", |s: &mut Sample| s.to_string())
        .register_fn("to_debug", |s: &mut Sample| s.to_string());
}

/// A concurrency limit whose every change is a script's decision.
#[derive(Debug)]
pub struct ScriptLimit {
    script: Scripted,
    limit: usize,
    min_limit: usize,
    max_limit: usize,
}

impl ScriptLimit {
    pub fn new(
        code: &str,
        initial: usize,
        min_limit: usize,
        max_limit: usize,
    ) -> Result<Self, ScriptError> {
        Ok(ScriptLimit {
            script: Scripted::new(Hook::Limiter, code)?,
            limit: initial,
            min_limit,
            max_limit,
        })
    }

    /// For code validation has compiled already: should it fail all the same, the limit stays
    /// at `initial` and the error is reported as a fault at the start.
    pub fn checked(code: &str, initial: usize, min_limit: usize, max_limit: usize) -> Self {
        ScriptLimit {
            script: Scripted::checked(Hook::Limiter, code),
            limit: initial,
            min_limit,
            max_limit,
        }
    }

    /// What the script printed so far.
    pub fn console(&self) -> Console {
        self.script.console()
    }
}

impl Limit for ScriptLimit {
    fn limit(&self) -> usize {
        self.limit
    }

    fn on_sample(&mut self, now: SimTime, rtt: SimDuration, inflight: usize, did_drop: bool) {
        let (limit, min_limit, max_limit) = (self.limit, self.min_limit, self.max_limit);
        let sample = || {
            Dynamic::from(Sample {
                now: now.as_secs_f64(),
                rtt: rtt.as_secs_f64(),
                in_flight: inflight as i64,
                dropped: did_drop,
                limit: limit as i64,
                min_limit: min_limit as i64,
                max_limit: max_limit as i64,
            })
        };
        let decided = self.script.ask(now, sample, |value| {
            let limit = whole_number(value, "requests")?;
            if limit < 1 {
                return Err(format!(
                    "returned {limit}: a limit below 1 would admit nothing, ever"
                ));
            }
            // Clamped as i64 first: `as usize` would cut a huge answer to 32 bits in wasm.
            Ok(limit.clamp(min_limit as i64, max_limit as i64) as usize)
        });
        if let Some(limit) = decided {
            self.limit = limit;
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

    const AIMD: &str = "fn new_limit(sample) {\n  if sample.dropped { (sample.limit * 9) / 10 } else if sample.in_flight * 2 >= sample.limit { sample.limit + 1 } else { sample.limit }\n}";

    #[test]
    fn an_aimd_script_behaves_like_the_built_in_one() {
        let mut script = ScriptLimit::new(AIMD, 20, 20, 200).unwrap();
        let mut builtin = crate::policy::limiter::AimdLimit::default();
        let rtt = SimDuration::from_millis(10);
        for (inflight, dropped) in [
            (15, false),
            (15, false),
            (3, false),
            (15, true),
            (30, false),
        ] {
            script.on_sample(SimTime::ZERO, rtt, inflight, dropped);
            builtin.on_sample(SimTime::ZERO, rtt, inflight, dropped);
            assert_eq!(
                script.limit(),
                builtin.limit(),
                "after {inflight}, {dropped}"
            );
        }
        assert!(script.take_fault().is_none());
    }

    #[test]
    fn a_misspelt_field_of_the_sample_is_a_fault_and_a_sample_prints_its_fields() {
        let mut script = ScriptLimit::new(
            "fn new_limit(sample) { print(sample); sample.limt }",
            5,
            1,
            10,
        )
        .unwrap();
        script.on_sample(SimTime::ZERO, SimDuration::ZERO, 1, false);
        let fault = script.take_fault().unwrap();
        assert!(fault.message.contains("limt"), "{fault}");
        let printed = script.printed();
        assert!(
            printed[0]
                .1
                .contains("in_flight: 1, dropped: false, limit: 5"),
            "{printed:?}"
        );
    }

    #[test]
    fn a_limit_below_one_is_a_fault() {
        let mut script = ScriptLimit::new("fn new_limit(sample) { 0 }", 5, 1, 10).unwrap();
        script.on_sample(
            SimTime::from_nanos(2_000_000_000),
            SimDuration::ZERO,
            1,
            false,
        );
        let fault = script.take_fault().unwrap();
        assert!(fault.message.contains("below 1"), "{fault}");
        assert_eq!(script.limit(), 5, "the limit stays where it was");
    }
}
