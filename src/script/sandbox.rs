//! The Rhai engine every policy script runs in: the same limits, the same maths and no way out
//! on every platform, so a runaway script stops at the same operation natively and in wasm.

use std::sync::{Arc, Mutex};

/// Operations one call of a hook may take (a loop step, an operator, a call): far above what
/// any policy needs (a PI controller takes about a hundred); with the size caps below, one call
/// stays in the milliseconds. Counting operations, not time, makes a
/// runaway script stop at the same point everywhere.
pub const MAX_OPERATIONS_PER_CALL: u64 = 20_000;
/// Nested function calls (a recursion that never ends stops here).
pub const MAX_CALL_DEPTH: usize = 16;
/// Characters in a string the script builds.
pub const MAX_STRING_CHARS: usize = 1_000;
/// Items in an array or a map the script builds. Small on purpose: comparing, searching or
/// sorting a collection is one operation whatever its length, so these caps (with the
/// operation limit) are what bounds the time of one call.
pub const MAX_ARRAY_ITEMS: usize = 1_000;
pub const MAX_MAP_ITEMS: usize = 200;
/// `print` and `debug` lines kept per run (later ones are counted, not kept).
pub const MAX_CONSOLE_LINES: usize = 500;
/// Characters kept of one console line.
const MAX_CONSOLE_LINE_CHARS: usize = 200;

/// What a script printed, with the simulated time of each line; bounded.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Console {
    /// (simulated seconds, text)
    pub lines: Vec<(f64, String)>,
    /// Lines printed past [`MAX_CONSOLE_LINES`].
    pub dropped: u64,
    /// The simulated time of the call under way.
    pub(super) now: f64,
}

impl Console {
    fn push(&mut self, text: &str) {
        if self.lines.len() >= MAX_CONSOLE_LINES {
            self.dropped += 1;
            return;
        }
        let text: String = text.chars().take(MAX_CONSOLE_LINE_CHARS).collect();
        self.lines.push((self.now, text));
    }
}

/// A fresh engine with the limits above, the standard library, float maths through `libm`
/// (`f64::ln` and friends differ by an ulp between native and wasm), and `print`/`debug` going
/// to `console` instead of stdout.
pub fn engine(console: Arc<Mutex<Console>>) -> rhai::Engine {
    let mut engine = rhai::Engine::new();
    engine
        .set_max_operations(MAX_OPERATIONS_PER_CALL)
        .set_max_call_levels(MAX_CALL_DEPTH)
        .set_max_expr_depths(64, 32)
        .set_max_string_size(MAX_STRING_CHARS)
        .set_max_array_size(MAX_ARRAY_ITEMS)
        .set_max_map_size(MAX_MAP_ITEMS)
        .set_max_variables(1_000)
        .set_max_functions(200)
        // A misspelt field (`pool.queud`) is an error, not a silent `()`.
        .set_fail_on_invalid_map_property(true)
        // Operators look for the registered `**` below before the built-in `powf`.
        .set_fast_operators(false);
    let printed = Arc::clone(&console);
    engine.on_print(move |text| lock(&printed).push(text));
    engine.on_debug(move |text, _, _| lock(&console).push(text));
    register_maths(&mut engine);
    close_the_exits(&mut engine);
    super::limiter::register_sample(&mut engine);
    super::admission::register_request(&mut engine);
    super::retry::register_failure(&mut engine);
    super::breaker::register_call(&mut engine);
    super::overflow::register_offer(&mut engine);
    engine
}

/// The console, even if a panic elsewhere poisoned its lock (it only holds text).
pub(super) fn lock(console: &Mutex<Console>) -> std::sync::MutexGuard<'_, Console> {
    console
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Functions of Rhai's standard library a policy must not reach, replaced by ones that refuse:
/// `sleep` would block the run (or panic on a huge argument, and in wasm always), and padding a
/// string with an empty string never ends (one operation, so the operation limit cannot stop it).
fn close_the_exits(engine: &mut rhai::Engine) {
    type Refusal = Result<(), Box<rhai::EvalAltResult>>;
    fn refuse(why: &str) -> Refusal {
        Err(why.into())
    }
    let no_sleep = "a policy cannot sleep: it decides at once, in simulated time";
    engine.register_fn("sleep", move |_: i64| -> Refusal { refuse(no_sleep) });
    engine.register_fn("sleep", move |_: f64| -> Refusal { refuse(no_sleep) });
    engine.register_fn(
        "pad",
        |text: &mut rhai::ImmutableString, len: i64, padding: &str| -> Refusal {
            if padding.is_empty() {
                return refuse(
                    "pad: the padding is empty, so the string could never reach its length",
                );
            }
            let target = usize::try_from(len).unwrap_or(0);
            if target > MAX_STRING_CHARS {
                return Err(Box::new(rhai::EvalAltResult::ErrorDataTooLarge(
                    "Length of string".into(),
                    rhai::Position::NONE,
                )));
            }
            let mut padded = text.to_string();
            let missing = target.saturating_sub(padded.chars().count());
            padded.extend(padding.chars().cycle().take(missing));
            *text = padded.into();
            Ok(())
        },
    );
}

/// Every transcendental function scripts can call, re-registered on `libm` so results are
/// bit-identical on every target. `sqrt`, `floor`, `round`, `abs` and the arithmetic operators
/// are exact in IEEE 754 and keep Rhai's own.
fn register_maths(engine: &mut rhai::Engine) {
    type Unary = fn(f64) -> f64;
    let unary: [(&str, Unary); 16] = [
        ("sin", libm::sin),
        ("cos", libm::cos),
        ("tan", libm::tan),
        ("asin", libm::asin),
        ("acos", libm::acos),
        ("atan", libm::atan),
        ("sinh", libm::sinh),
        ("cosh", libm::cosh),
        ("tanh", libm::tanh),
        ("asinh", libm::asinh),
        ("acosh", libm::acosh),
        ("atanh", libm::atanh),
        ("exp", libm::exp),
        ("ln", libm::log),
        ("log", libm::log10),
        ("log2", libm::log2),
    ];
    for (name, function) in unary {
        engine.register_fn(name, function);
    }
    engine.register_fn("atan", |y: f64, x: f64| libm::atan2(y, x));
    engine.register_fn("hypot", |x: f64, y: f64| libm::hypot(x, y));
    engine.register_fn("log", |x: f64, base: f64| libm::log(x) / libm::log(base));
    engine.register_fn("**", |x: f64, y: f64| libm::pow(x, y));
    engine.register_fn("**", |x: f64, y: i64| libm::pow(x, y as f64));
    engine.register_fn("**", |x: i64, y: f64| libm::pow(x as f64, y));
    engine.register_fn("**=", |x: &mut f64, y: f64| *x = libm::pow(*x, y));
    engine.register_fn("**=", |x: &mut f64, y: i64| *x = libm::pow(*x, y as f64));
    engine.register_fn("pow", |x: f64, y: f64| libm::pow(x, y));
    // Seconds and milliseconds read better than bare numbers in policy code.
    engine.register_fn("ms", |x: i64| x as f64 / 1000.0);
    engine.register_fn("ms", |x: f64| x / 1000.0);
    // `min`/`max` of a float and an int, which Rhai's own only offer for one type.
    engine.register_fn("min", |x: f64, y: i64| x.min(y as f64));
    engine.register_fn("min", |x: i64, y: f64| (x as f64).min(y));
    engine.register_fn("max", |x: f64, y: i64| x.max(y as f64));
    engine.register_fn("max", |x: i64, y: f64| (x as f64).max(y));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(code: &str) -> Result<rhai::Dynamic, Box<rhai::EvalAltResult>> {
        engine(Arc::default()).eval(code)
    }

    #[test]
    fn maths_goes_through_libm() {
        let value = eval("ln(10.0) + exp(1.5) + 2.0 ** 0.5 + log(100.0)").unwrap();
        let expected = libm::log(10.0) + libm::exp(1.5) + libm::pow(2.0, 0.5) + 2.0;
        assert_eq!(value.as_float().unwrap().to_bits(), expected.to_bits());
        assert_eq!(
            eval("3 ** 2").unwrap().as_int().unwrap(),
            9,
            "integer power stays integer"
        );
        assert_eq!(eval("max(2, 3.5)").unwrap().as_float().unwrap(), 3.5);
        assert_eq!(eval("ms(250)").unwrap().as_float().unwrap(), 0.25);
    }

    #[test]
    fn power_assignment_goes_through_libm_too() {
        let value = eval("let x = 497.701; x **= 39.02006018054163; x").unwrap();
        let expected = libm::pow(497.701, 39.02006018054163);
        assert_eq!(value.as_float().unwrap().to_bits(), expected.to_bits());
    }

    #[test]
    fn sleep_and_endless_padding_are_refused() {
        for code in [
            "sleep(1e300)",
            "sleep(3600)",
            "let s = \"x\"; s.pad(999, \"\"); s",
        ] {
            let started = std::time::Instant::now();
            let error = eval(code).unwrap_err();
            assert!(started.elapsed().as_secs() < 5, "{code}");
            assert!(
                matches!(*error, rhai::EvalAltResult::ErrorRuntime(..)),
                "{code}: {error}"
            );
        }
        assert_eq!(
            eval("let s = \"ab\"; s.pad(5, \"xy\"); s")
                .unwrap()
                .to_string(),
            "abxyx"
        );
        assert!(eval("let s = \"ab\"; s.pad(5000, \"xy\"); s").is_err());
    }

    #[test]
    fn linear_work_inside_one_operation_stays_quick() {
        // Comparing two full arrays is one operation: the size caps bound what it costs.
        let started = std::time::Instant::now();
        let error =
            eval("let a = []; a.pad(1000, 1.5); let b = a; loop { if a == b { } }").unwrap_err();
        assert!(
            matches!(*error, rhai::EvalAltResult::ErrorTooManyOperations(_)),
            "{error}"
        );
        // A hang guard with room for a loaded machine (about 0.1 s idle), not a speed goal.
        assert!(
            started.elapsed().as_secs_f64() < 10.0,
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn runaway_scripts_stop_at_their_limits() {
        let endless = eval("let n = 0; loop { n += 1; }").unwrap_err();
        assert!(matches!(
            *endless,
            rhai::EvalAltResult::ErrorTooManyOperations(_)
        ));
        let deep = eval("fn f(n) { f(n + 1) } f(0)").unwrap_err();
        assert!(
            deep.to_string().contains("Stack overflow") || deep.to_string().contains("call"),
            "{deep}"
        );
        let huge = eval("let s = \"x\"; loop { s += s; }").unwrap_err();
        assert!(
            matches!(*huge, rhai::EvalAltResult::ErrorDataTooLarge(..)),
            "{huge}"
        );
        let big_array = eval("let a = []; loop { a.push(1); }").unwrap_err();
        assert!(
            matches!(*big_array, rhai::EvalAltResult::ErrorDataTooLarge(..)),
            "{big_array}"
        );
    }

    #[test]
    fn print_goes_to_a_bounded_console() {
        let console = Arc::new(Mutex::new(Console::default()));
        engine(Arc::clone(&console))
            .run("for i in 0..600 { print(`line ${i}`); } debug(\"done\");")
            .unwrap();
        let console = lock(&console);
        assert_eq!(console.lines.len(), MAX_CONSOLE_LINES);
        assert_eq!(console.lines[0].1, "line 0");
        assert_eq!(console.dropped, 101);
    }

    #[test]
    fn a_misspelt_field_is_an_error() {
        let error = eval("let pool = #{ queued: 3 }; pool.queud").unwrap_err();
        assert!(error.to_string().contains("queud"), "{error}");
    }
}
