//! The `code` of a policy written as a script (`kind = "script"`): present exactly when the kind
//! is a script, within its size cap, and compiling, with any error placed at its line in the file.

use super::Checker;
use crate::scenario::error::ScenarioError;
use crate::scenario::limits::MAX_SCRIPT_CHARS;

/// Which policy the code is for; mirrors `crate::script::Hook`, which exists only with the
/// `script` feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ScriptHook {
    Autoscaler,
    Limiter,
    Admission,
    Retry,
    Breaker,
    Overflow,
}

/// Checks `table.code` for a table whose kind is (`is_script`) or is not a script; returns the
/// code when it is one and is fine.
pub(super) fn code(
    c: &mut Checker,
    table: &str,
    hook: ScriptHook,
    is_script: bool,
    code: Option<&str>,
) -> Option<String> {
    let path = format!("{table}.code");
    // The field that makes a table a script: `on_full` for the queue, `kind` elsewhere.
    let selector = match hook {
        ScriptHook::Overflow => "on_full",
        _ => "kind",
    };
    let code = match (is_script, code) {
        (false, None) => return None,
        (false, Some(_)) => {
            c.error(&path, format!("applies only to {selector} = \"script\""));
            return None;
        }
        (true, None) => {
            let (entry, parameter) = entry(hook);
            c.error(
                &path,
                format!("is required for {selector} = \"script\": the policy's code, with `fn {entry}({parameter}) {{ ... }}` (see docs/reference.md)"),
            );
            return None;
        }
        (true, Some(code)) => code,
    };
    let chars = code.chars().count();
    if chars > MAX_SCRIPT_CHARS {
        c.error_of(
            crate::scenario::ErrorKind::TooLarge,
            &path,
            format!("has {chars} characters, more than the limit of {MAX_SCRIPT_CHARS}"),
        );
        return None;
    }
    match compile(hook, code) {
        Ok(()) => Some(code.to_string()),
        Err(mut error) => {
            error.path = path;
            c.push(error.of_kind(crate::scenario::ErrorKind::Script));
            None
        }
    }
}

fn entry(hook: ScriptHook) -> (&'static str, &'static str) {
    match hook {
        ScriptHook::Autoscaler => ("desired_workers", "pool"),
        ScriptHook::Limiter => ("new_limit", "sample"),
        ScriptHook::Admission => ("admit", "request"),
        ScriptHook::Retry => ("retry", "failure"),
        ScriptHook::Breaker => ("allow", "request"),
        ScriptHook::Overflow => ("on_full", "offer"),
    }
}

#[cfg(feature = "script")]
fn compile(hook: ScriptHook, code: &str) -> Result<(), ScenarioError> {
    use crate::script::Hook;
    let hook = match hook {
        ScriptHook::Autoscaler => Hook::Autoscaler,
        ScriptHook::Limiter => Hook::Limiter,
        ScriptHook::Admission => Hook::Admission,
        ScriptHook::Retry => Hook::Retry,
        ScriptHook::Breaker => Hook::Breaker,
        ScriptHook::Overflow => Hook::Overflow,
    };
    crate::script::check(hook, code).map_err(|error| {
        let mut positioned = ScenarioError::at_path("", error.message);
        if error.line > 0 {
            let place = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
            positioned.within = Some((place(error.line), place(error.column)));
        }
        positioned
    })
}

#[cfg(not(feature = "script"))]
fn compile(_: ScriptHook, _: &str) -> Result<(), ScenarioError> {
    Err(ScenarioError::at_path(
        "",
        "this build of Queue Lab has no script engine (the `script` feature is off)",
    ))
}
