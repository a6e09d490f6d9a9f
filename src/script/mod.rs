//! Learner-written policies: every seed book asks the learner to *write* the autoscaler or the
//! limiter, so a scenario may give the code of one in [Rhai](https://rhai.rs), and the engine runs
//! it where a built-in policy would be. A script policy implements the same trait as the built-in
//! ones ([`Autoscaler`](crate::policy::autoscale::Autoscaler),
//! [`Limit`](crate::policy::limiter::Limit)), so the simulator natively, in wasm, and
//! `--mode threads` all drive the same object.
//!
//! A script is a hook function and, at the top, the variables it keeps between calls:
//!
//! ```rhai
//! let last_change = -1000.0;          // top-level variables keep their values between calls
//!
//! fn desired_workers(pool) {          // called every autoscaler.interval
//!     if pool.now - last_change < 30.0 { return pool.workers; }
//!     if pool.queued > 2 * pool.workers { last_change = pool.now; return pool.workers + 1; }
//!     pool.workers
//! }
//! ```
//!
//! Scripts are deterministic: no clock, no randomness, no I/O, maths through `libm`, and
//! operation, depth and size limits ([`sandbox`]) that stop a runaway script at the same point
//! on every platform. A script that fails stops the run with a [`PolicyFault`] naming the hook,
//! the line and column, and the simulated time.

mod admission;
mod autoscaler;
mod breaker;
mod limiter;
mod overflow;
mod program;
mod retry;
pub mod sandbox;
mod scripted;

pub use admission::ScriptAdmission;
pub use autoscaler::ScriptAutoscaler;
pub use breaker::ScriptBreaker;
pub use limiter::ScriptLimit;
pub use overflow::ScriptOverflow;
pub use retry::ScriptRetry;
pub use sandbox::Console;

use program::printable;
pub(crate) use program::Program;

use crate::policy::PolicyFault;
use crate::time::SimTime;

/// Where a script plugs in, and the function it must define.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    /// `fn desired_workers(pool)` → the number of workers.
    Autoscaler,
    /// `fn new_limit(sample)` → the concurrency limit.
    Limiter,
    /// `fn admit(request)` → accept, reject, or a delay in seconds.
    Admission,
    /// `fn retry(failure)` → a backoff in seconds, or give up.
    Retry,
    /// `fn allow(request)` → may the call go ahead, and `fn record(result)` → nothing.
    Breaker,
    /// `fn on_full(offer)` → reject, drop the oldest, wait, or wait at most so long.
    Overflow,
}

impl Hook {
    pub fn name(self) -> &'static str {
        match self {
            Hook::Autoscaler => "autoscaler",
            Hook::Limiter => "limiter",
            Hook::Admission => "admission",
            Hook::Retry => "retry",
            Hook::Breaker => "breaker",
            Hook::Overflow => "overflow",
        }
    }

    /// The function the script must define, with its one parameter (the first, for a hook of
    /// more than one).
    pub fn entry(self) -> (&'static str, &'static str) {
        self.entries()[0]
    }

    /// Every function the script must define, each with its one parameter.
    pub fn entries(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Hook::Autoscaler => &[("desired_workers", "pool")],
            Hook::Limiter => &[("new_limit", "sample")],
            Hook::Admission => &[("admit", "request")],
            Hook::Retry => &[("retry", "failure")],
            Hook::Breaker => &[("allow", "request"), ("record", "result")],
            Hook::Overflow => &[("on_full", "offer")],
        }
    }
}

/// A script that cannot run: it does not parse, lacks its hook function, or its top-level code
/// failed. Line and column are in the script (1-based; 0 when the problem is not at a place).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "line {}, column {}: ", self.line, self.column)?;
        }
        f.write_str(&self.message)
    }
}

/// Checks that `code` compiles as a `hook` script and that its top level runs.
pub fn check(hook: Hook, code: &str) -> Result<(), ScriptError> {
    Program::compile(hook, code).map(|_| ())
}

/// A script policy's failure: kept once set (a script that failed is not called again) and
/// handed to the runtime once.
#[derive(Debug, Default)]
pub(crate) struct Failure {
    fault: Option<PolicyFault>,
    reported: bool,
}

impl Failure {
    /// Code that did not compile after all (validation compiles it first): a fault at t = 0.
    pub fn at_start(hook: Hook, error: ScriptError) -> Self {
        Failure {
            fault: Some(PolicyFault {
                hook: hook.name(),
                line: error.line,
                column: error.column,
                at: SimTime::ZERO,
                message: error.message,
            }),
            reported: false,
        }
    }

    pub fn happened(&self) -> bool {
        self.fault.is_some()
    }

    pub fn set(&mut self, fault: PolicyFault) {
        self.fault.get_or_insert(fault);
    }

    /// The fault, the first time it is asked for after it happened.
    pub fn report(&mut self) -> Option<PolicyFault> {
        match (&self.fault, self.reported) {
            (Some(fault), false) => {
                self.reported = true;
                Some(fault.clone())
            }
            _ => None,
        }
    }
}

/// The integer a hook returned, or what is wrong with it.
pub(crate) fn whole_number(value: &rhai::Dynamic, what: &str) -> Result<i64, String> {
    if let Ok(n) = value.as_int() {
        return Ok(n);
    }
    if let Ok(x) = value.as_float() {
        if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
            return Ok(x as i64);
        }
        if !x.is_finite() {
            return Err(format!(
                "returned {x}, not a number of {what} (a division by zero, or a value that grew without bound?)"
            ));
        }
        return Err(format!(
            "returned {x}, not a whole number of {what} (round it: `x.round().to_int()`)"
        ));
    }
    if value.is_unit() {
        return Err(format!(
            "returned nothing: end the function with the number of {what} (is a branch missing a value?)"
        ));
    }
    Err(format!(
        "returned a {}, not a whole number of {what}",
        value.type_name()
    ))
}

/// A map of named numbers, the input of a hook.
pub(crate) fn map(fields: &[(&str, rhai::Dynamic)]) -> rhai::Map {
    fields
        .iter()
        .map(|(name, value)| ((*name).into(), value.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syntax_error_says_where() {
        let error = check(
            Hook::Autoscaler,
            "fn desired_workers(pool) {\n  pool.workers +\n}",
        )
        .unwrap_err();
        assert_eq!(error.line, 3, "{error}");
    }

    #[test]
    fn the_hook_is_found_by_name_and_arity_whatever_the_order() {
        for code in [
            "fn desired_workers() { 3 }\nfn desired_workers(pool) { 5 }",
            "fn desired_workers(pool) { 5 }\nfn desired_workers() { 3 }",
        ] {
            let mut program = Program::compile(Hook::Autoscaler, code).unwrap();
            let value = program.call(SimTime::ZERO, rhai::Map::new()).unwrap();
            assert_eq!(value.as_int().unwrap(), 5, "{code}");
        }
    }

    #[test]
    fn thrown_messages_are_cut_and_cleaned() {
        let code = "fn desired_workers(pool) { throw \"\\x1b[31m\" + \"x\".pad(900, \"y\"); }";
        let mut program = Program::compile(Hook::Autoscaler, code).unwrap();
        let fault = program.call(SimTime::ZERO, rhai::Map::new()).unwrap_err();
        assert!(
            !fault.message.contains('\u{1b}') && fault.message.chars().count() <= 301,
            "{fault}"
        );
    }

    #[test]
    fn the_hook_function_must_exist_with_one_parameter() {
        let missing = check(Hook::Autoscaler, "fn desired(pool) { 1 }").unwrap_err();
        assert!(
            missing.message.contains("fn desired_workers(pool)"),
            "{missing}"
        );
        let arity = check(Hook::Limiter, "fn new_limit() { 1 }").unwrap_err();
        assert!(arity.message.contains("one parameter"), "{arity}");
    }

    #[test]
    fn top_level_variables_are_kept_between_calls() {
        let code = "let calls = 0;\nfn desired_workers(pool) { calls += 1; calls }";
        let mut program = Program::compile(Hook::Autoscaler, code).unwrap();
        for expected in 1..=3 {
            let value = program.call(SimTime::ZERO, rhai::Map::new()).unwrap();
            assert_eq!(value.as_int().unwrap(), expected);
        }
    }

    #[test]
    fn a_runtime_error_names_the_hook_line_and_time() {
        let code = "fn desired_workers(pool) {\n  let x = pool.workers;\n  x / 0\n}";
        let mut program = Program::compile(Hook::Autoscaler, code).unwrap();
        let input = map(&[("workers", rhai::Dynamic::from(2_i64))]);
        let fault = program
            .call(SimTime::from_nanos(7_000_000_000), input)
            .unwrap_err();
        assert_eq!(
            (fault.hook, fault.line, fault.at),
            ("autoscaler", 3, SimTime::from_nanos(7_000_000_000))
        );
        assert!(fault.message.contains("Division by zero"), "{fault}");
        assert!(fault.to_string().contains("t = 7.000 s"), "{fault}");
    }

    #[test]
    fn a_helper_that_reads_a_kept_variable_gets_a_hint() {
        let code = "let n = 1;\nfn helper() { n }\nfn desired_workers(pool) { helper() }";
        let mut program = Program::compile(Hook::Autoscaler, code).unwrap();
        let fault = program.call(SimTime::ZERO, rhai::Map::new()).unwrap_err();
        assert_eq!(fault.line, 2, "{fault}");
        assert!(
            fault.message.contains("pass them to other functions"),
            "{fault}"
        );
    }

    #[test]
    fn top_level_code_that_fails_is_a_compile_error() {
        let error = check(Hook::Limiter, "let x = 1 / 0;\nfn new_limit(sample) { 1 }").unwrap_err();
        assert_eq!(error.line, 1, "{error}");
        assert!(error.message.contains("outside functions"), "{error}");
    }

    #[test]
    fn return_values_are_checked() {
        assert_eq!(whole_number(&rhai::Dynamic::from(3_i64), "workers"), Ok(3));
        assert_eq!(
            whole_number(&rhai::Dynamic::from(4.0_f64), "workers"),
            Ok(4)
        );
        assert!(whole_number(&rhai::Dynamic::from(2.5_f64), "workers")
            .unwrap_err()
            .contains("round"));
        assert!(whole_number(&rhai::Dynamic::from(f64::NAN), "workers").is_err());
        assert!(whole_number(&rhai::Dynamic::UNIT, "workers")
            .unwrap_err()
            .contains("nothing"));
        assert!(whole_number(&rhai::Dynamic::from("x"), "workers")
            .unwrap_err()
            .contains("string"));
    }
}
