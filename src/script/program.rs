//! A compiled policy script: the Rhai engine with its sandbox, the AST, the top-level variables
//! kept between calls, and the wording of what went wrong in the learner's terms (the line, the
//! hook, an endless loop, a helper that cannot see a kept variable).

use super::{sandbox, Console, Hook, ScriptError};
use crate::policy::PolicyFault;
use crate::time::SimTime;
use std::sync::{Arc, Mutex};

/// A compiled script with its kept variables, ready to be called.
pub(crate) struct Program {
    hook: Hook,
    engine: rhai::Engine,
    ast: rhai::AST,
    /// The top-level variables: set once by the top-level code, kept between calls.
    scope: rhai::Scope<'static>,
    console: Arc<Mutex<Console>>,
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Program")
            .field("hook", &self.hook)
            .finish_non_exhaustive()
    }
}

impl Program {
    pub fn compile(hook: Hook, code: &str) -> Result<Self, ScriptError> {
        let console = Arc::new(Mutex::new(Console::default()));
        let engine = sandbox::engine(Arc::clone(&console));
        let ast = engine.compile(code).map_err(|error| {
            let (line, column) = position(error.position());
            ScriptError {
                line,
                column,
                message: error.err_type().to_string(),
            }
        })?;
        for &(entry, parameter) in hook.entries() {
            needs(&ast, hook, entry, parameter)?;
        }
        let mut scope = rhai::Scope::new();
        engine
            .run_ast_with_scope(&mut scope, &ast)
            .map_err(|error| {
                let (line, column, message) = describe(&error, hook);
                ScriptError {
                    line,
                    column,
                    message: format!("in the code outside functions: {message}"),
                }
            })?;
        Ok(Program {
            hook,
            engine,
            ast,
            scope,
            console,
        })
    }

    /// Calls the hook function with `input` at simulated time `now`.
    pub fn call(
        &mut self,
        now: SimTime,
        input: impl Into<rhai::Dynamic>,
    ) -> Result<rhai::Dynamic, PolicyFault> {
        self.call_named(self.hook.entry().0, now, input)
    }

    /// Calls the hook's function `name` (one of [`Hook::entries`]).
    pub fn call_named(
        &mut self,
        name: &str,
        now: SimTime,
        input: impl Into<rhai::Dynamic>,
    ) -> Result<rhai::Dynamic, PolicyFault> {
        let input: rhai::Dynamic = input.into();
        sandbox::lock(&self.console).now = now.as_secs_f64();
        let options = rhai::CallFnOptions::new()
            .eval_ast(false)
            .rewind_scope(true);
        self.engine
            .call_fn_with_options(options, &mut self.scope, &self.ast, name, (input,))
            .map_err(|error| {
                let (line, column, message) = describe(&error, self.hook);
                PolicyFault {
                    hook: self.hook.name(),
                    line,
                    column,
                    at: now,
                    message,
                }
            })
    }

    /// Calls the hook and reads its answer with `read`; an answer `read` refuses is a fault
    /// that names the hook function (`"admit returned …"`).
    pub fn decide<T>(
        &mut self,
        now: SimTime,
        input: impl Into<rhai::Dynamic>,
        read: impl FnOnce(&rhai::Dynamic) -> Result<T, String>,
    ) -> Result<T, PolicyFault> {
        let value = self.call(now, input)?;
        read(&value).map_err(|why| self.bad_return(now, format!("{} {why}", self.hook.entry().0)))
    }

    /// A fault for a value the hook returned that is not a decision.
    fn bad_return(&self, now: SimTime, message: String) -> PolicyFault {
        PolicyFault {
            hook: self.hook.name(),
            line: 0,
            column: 0,
            at: now,
            message,
        }
    }

    /// The value of a top-level variable the script keeps, if it has one by that name.
    pub fn kept(&self, name: &str) -> Option<rhai::Dynamic> {
        self.scope.get_value::<rhai::Dynamic>(name)
    }

    /// What the script printed so far.
    pub fn console(&self) -> Console {
        sandbox::lock(&self.console).clone()
    }
}

/// Checks that `ast` defines `fn entry(parameter)`.
fn needs(ast: &rhai::AST, hook: Hook, entry: &str, parameter: &str) -> Result<(), ScriptError> {
    // By name and arity: Rhai lists functions in hash order, which differs between builds.
    let arities: Vec<usize> = ast
        .iter_functions()
        .filter(|f| f.name == entry)
        .map(|f| f.params.len())
        .collect();
    if arities.is_empty() {
        return Err(ScriptError {
            line: 0,
            column: 0,
            message: format!(
                "the {} script must define `fn {entry}({parameter}) {{ ... }}`",
                hook.name()
            ),
        });
    }
    if !arities.contains(&1) {
        return Err(ScriptError {
            line: 0,
            column: 0,
            message: format!(
                "`{entry}` must take one parameter, `{parameter}` (it takes {})",
                arities[0]
            ),
        });
    }
    Ok(())
}

fn position(position: rhai::Position) -> (usize, usize) {
    (
        position.line().unwrap_or(0),
        position.position().unwrap_or(0),
    )
}

/// The innermost place and a learner's wording of a runtime error.
fn describe(error: &rhai::EvalAltResult, hook: Hook) -> (usize, usize, String) {
    use rhai::EvalAltResult as E;
    let mut innermost = error;
    let mut in_helper = None;
    while let E::ErrorInFunctionCall(name, _, inner, _) = innermost {
        in_helper = Some(name.clone());
        innermost = inner;
    }
    let (line, column) = position(innermost.position());
    let message = match innermost {
        E::ErrorTooManyOperations(_) => format!(
            "one call ran more than {} operations: an endless loop?",
            sandbox::MAX_OPERATIONS_PER_CALL
        ),
        E::ErrorStackOverflow(_) => format!(
            "functions called each other more than {} deep: an endless recursion?",
            sandbox::MAX_CALL_DEPTH
        ),
        E::ErrorDataTooLarge(what, _) => format!("{what} grew past its limit"),
        E::ErrorVariableNotFound(name, _) if in_helper.is_some() => format!(
            "variable `{name}` not found: top-level variables are visible in `{}` itself; pass them to other functions as arguments",
            hook.entry().0
        ),
        other => {
            let text = other.to_string();
            // Rhai appends " (line L, position C)"; the place is reported separately.
            match text.rfind(" (line ") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    };
    (line, column, printable(&message))
}

/// A message a script wrote (`throw`) as it may reach a terminal: no control characters, at most
/// 300 characters.
pub(super) fn printable(message: &str) -> String {
    let mut text: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(300)
        .collect();
    if message.chars().count() > 300 {
        text.push('…');
    }
    text
}
