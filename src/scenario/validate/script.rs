//! The `code` of a policy written as a script (`kind = "script"`): present exactly when the kind
//! is a script — inline, or read from `code_file` next to the scenario —, within its size cap,
//! and compiling, with any error placed at its line in the scenario or in the code file.

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

/// Checks `table.code` (or `table.code_file`) for a table whose kind is (`is_script`) or is not a
/// script; returns the code when it is one and is fine.
pub(super) fn code(
    c: &mut Checker,
    table: &str,
    hook: ScriptHook,
    is_script: bool,
    code: Option<&str>,
    code_file: Option<&str>,
) -> Option<String> {
    let path = format!("{table}.code");
    // The field that makes a table a script: `on_full` for the queue, `kind` elsewhere.
    let selector = match hook {
        ScriptHook::Overflow => "on_full",
        _ => "kind",
    };
    if let Some(name) = code_file {
        let file_path = format!("{table}.code_file");
        if !is_script {
            c.error(
                &file_path,
                format!("applies only to {selector} = \"script\""),
            );
        } else if code.is_some() {
            c.error(
                &file_path,
                "give the code inline (`code`) or from a file (`code_file`), not both",
            );
        } else {
            return from_file(c, &file_path, hook, name);
        }
        return None;
    }
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
                format!("is required for {selector} = \"script\": the policy's code, with `fn {entry}({parameter}) {{ ... }}`, or `code_file` naming a file of it (see docs/reference.md)"),
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

/// The code of `code_file = "name"`, read next to the scenario; a problem in it is said at its
/// line and column in that file (`policy.rhai:3:5: ...`), on the scenario's `code_file` line.
fn from_file(c: &mut Checker, path: &str, hook: ScriptHook, name: &str) -> Option<String> {
    let Some(files) = c.files.clone() else {
        c.error(path, format!("cannot read {name:?} here: this scenario is read without files (in the browser's sandbox); write the code inline, `code = \"\"\"...\"\"\"`"));
        return None;
    };
    // Four bytes a character at most: a file past that is over the character cap whatever it holds.
    let cap = (MAX_SCRIPT_CHARS * 4) as u64;
    let read = files.open(name, cap).and_then(|mut file| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut file.reader, &mut text)
            .map(|_| (file.origin.clone(), text))
            .map_err(|e| format!("cannot read {}: {e}", file.origin))
    });
    let (origin, code) = match read {
        Ok(read) => read,
        Err(message) => {
            c.error(path, message);
            return None;
        }
    };
    let chars = code.chars().count();
    if chars > MAX_SCRIPT_CHARS {
        c.error_of(
            crate::scenario::ErrorKind::TooLarge,
            path,
            format!("{origin} has {chars} characters, more than the limit of {MAX_SCRIPT_CHARS}"),
        );
        return None;
    }
    match compile(hook, &code) {
        Ok(()) => Some(code),
        Err(error) => {
            let place = match error.within {
                Some((line, column)) => format!("{origin}:{line}:{column}"),
                None => origin,
            };
            c.error_of(
                crate::scenario::ErrorKind::Script,
                path,
                format!("{place}: {}", error.message),
            );
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
