//! What every script policy holds: its compiled program (none when the code did not compile
//! after all) and its failure. A policy asks its script through [`Scripted::ask`]; once the
//! script has failed it is not called again, the policy falls back to its safe answer, and the
//! runtime collects the fault once and stops the run.

use super::{Console, Failure, Hook, Program, ScriptError};
use crate::policy::PolicyFault;
use crate::time::SimTime;
use rhai::Dynamic;

#[derive(Debug)]
pub(crate) struct Scripted {
    program: Option<Program>,
    failure: Failure,
}

impl Scripted {
    pub fn new(hook: Hook, code: &str) -> Result<Self, ScriptError> {
        Ok(Scripted {
            program: Some(Program::compile(hook, code)?),
            failure: Failure::default(),
        })
    }

    /// For code validation has compiled already: should it fail all the same, the error is
    /// reported as a fault at the start and the policy keeps its safe answer.
    pub fn checked(hook: Hook, code: &str) -> Self {
        Self::new(hook, code).unwrap_or_else(|error| Scripted {
            program: None,
            failure: Failure::at_start(hook, error),
        })
    }

    /// Whether the script will be called (it compiled and has not failed).
    pub fn live(&self) -> bool {
        self.program.is_some() && !self.failure.happened()
    }

    /// Calls the hook's function with the `input` built for it and reads the answer; `None`
    /// when the script is not live or fails now (the fault is kept for the runtime).
    pub fn ask<T>(
        &mut self,
        now: SimTime,
        input: impl FnOnce() -> Dynamic,
        read: impl FnOnce(&Dynamic) -> Result<T, String>,
    ) -> Option<T> {
        let program = self.program.as_mut().filter(|_| !self.failure.happened())?;
        match program.decide(now, input(), read) {
            Ok(answer) => Some(answer),
            Err(fault) => {
                self.failure.set(fault);
                None
            }
        }
    }

    /// Calls the hook's function `name` (one of [`Hook::entries`]), whose answer is not used.
    pub fn tell(&mut self, name: &str, now: SimTime, input: impl FnOnce() -> Dynamic) {
        let Some(program) = self.program.as_mut().filter(|_| !self.failure.happened()) else {
            return;
        };
        if let Err(fault) = program.call_named(name, now, input()) {
            self.failure.set(fault);
        }
    }

    /// A top-level variable the script keeps, if it has one by that name.
    pub fn kept(&self, name: &str) -> Option<Dynamic> {
        self.program.as_ref()?.kept(name)
    }

    pub fn console(&self) -> Console {
        self.program
            .as_ref()
            .map(Program::console)
            .unwrap_or_default()
    }

    pub fn printed(&self) -> Vec<(f64, String)> {
        self.console().lines
    }

    pub fn take_fault(&mut self) -> Option<PolicyFault> {
        self.failure.report()
    }
}

/// A number of seconds a hook returned (an integer or a float), or what is wrong with it;
/// `say` ends each message with what the hook may return.
pub(crate) fn seconds(value: &Dynamic, what: &str, say: &str) -> Result<f64, String> {
    let seconds = match (value.as_int(), value.as_float()) {
        (Ok(whole), _) => whole as f64,
        (_, Ok(real)) => real,
        _ if value.is_unit() => {
            return Err(format!(
                "returned nothing (is a branch missing a value?): {say}"
            ))
        }
        _ => return Err(format!("returned a {}: {say}", value.type_name())),
    };
    if !(seconds.is_finite() && seconds >= 0.0) {
        return Err(format!(
            "returned a {what} of {seconds} s: a {what} must be a finite number of seconds ≥ 0"
        ));
    }
    // Past 30 years a wait means "never"; capped so it stays a valid simulated duration.
    Ok(seconds.min(1e9))
}
