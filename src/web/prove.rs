//! "Prove": the checker of `queuelab check` ([`Prover`], the same steps `verify` runs) on the
//! exercise being written, one step after another between frames, so the page stays responsive,
//! shows how far it got, and can be stopped. Each step is one simulation run (or the knobs'
//! choices, or a question's proofs), so the page pauses for at most one run at a time; moving
//! the engine into a Web Worker (issue 14) would take even that off the main thread.
//!
//! The result is shown per seed and per goal: what the start and the solution measured against
//! each goal's bound, and the one problem to fix first.

use super::browser;
use crate::exercise::{Exercise, Prover, Step, Verification};
use gloo_timers::callback::Interval;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Real time the prover may use per tick before it yields to the page (at least one step runs).
const TICK_BUDGET_MS: f64 = 30.0;

#[derive(Properties, PartialEq)]
pub struct ProveProps {
    pub exercise: Rc<Exercise>,
    /// Replays a run that is not as it should be: its seed and knob values (as in a permalink).
    #[prop_or_default]
    pub on_replay: Callback<(u64, Vec<(String, String)>)>,
}

/// Where a proof is.
#[derive(Clone, PartialEq)]
enum State {
    Idle,
    Running,
    Cancelled,
    Finished,
    /// A run could not be set up at all.
    Failed(String),
}

#[function_component(Prove)]
pub fn prove(props: &ProveProps) -> Html {
    let prover = use_mut_ref(|| None::<Prover>);
    let state = use_state(|| State::Idle);
    let tick = use_force_update();
    {
        let prover = prover.clone();
        let state_handle = state.clone();
        let running = *state == State::Running;
        use_effect_with(running, move |running| {
            let interval = running.then(|| {
                Interval::new(0, move || {
                    let started = browser::now_ms();
                    let outcome = step_for(&prover, started);
                    match outcome {
                        Ok(true) => state_handle.set(State::Finished),
                        Ok(false) => tick.force_update(),
                        Err(message) => state_handle.set(State::Failed(message)),
                    }
                })
            });
            move || drop(interval)
        });
    }
    let start = {
        let prover = prover.clone();
        let state = state.clone();
        let exercise = props.exercise.clone();
        Callback::from(move |_: MouseEvent| {
            *prover.borrow_mut() = Some(Prover::new((*exercise).clone()));
            state.set(State::Running);
        })
    };
    let cancel = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.set(State::Cancelled))
    };
    let prover = prover.borrow();
    let (done, total) = prover
        .as_ref()
        .map_or((0, 0), |p| (p.done(), p.steps().len()));
    let running = *state == State::Running;
    html! {
        <section class="prove" aria-label="Prove the exercise" data-test="prove-panel"
            data-state={match &*state { State::Idle => "idle", State::Running => "running", State::Cancelled => "cancelled", State::Finished => "finished", State::Failed(_) => "failed" }}>
            <h2 class="part">{"Prove it"}</h2>
            <p class="help">{"Runs the checks of "}<code>{"queuelab check"}</code>{": on every seed the start misses a goal and the solution meets them all; every choice a knob offers is valid; every question's proof holds."}</p>
            if running {
                <button onclick={cancel} data-test="prove-cancel">{"Cancel"}</button>
            } else {
                <button class="primary" onclick={start} data-test="prove">{"Prove"}</button>
            }
            if total > 0 {
                <progress max={total.to_string()} value={done.to_string()} aria-label="Proof progress" data-test="prove-progress" />
                <span class="help">{format!(" {done} of {total} steps")}</span>
            }
            { match (&*state, prover.as_ref()) {
                (State::Failed(message), _) => html! { <p class="error" role="alert" data-test="prove-verdict">{message}</p> },
                (State::Cancelled, _) => html! { <p class="warn" role="status" data-test="prove-verdict">{format!("Cancelled after {done} of {total} steps.")}</p> },
                (State::Finished, Some(prover)) => verdict(prover.exercise(), prover.verification()),
                _ => html! {},
            } }
            if let Some(prover) = prover.as_ref() {
                {seed_table(prover.exercise(), prover.verification(), prover.steps(), done, &props.on_replay)}
            }
        </section>
    }
}

/// Runs steps until the proof ends or the tick's budget is spent; `Ok(true)` once finished.
fn step_for(prover: &Rc<RefCell<Option<Prover>>>, started: f64) -> Result<bool, String> {
    let mut prover = prover.borrow_mut();
    let Some(prover) = prover.as_mut() else {
        return Ok(true);
    };
    loop {
        prover.step()?;
        if prover.is_finished() {
            return Ok(true);
        }
        if browser::now_ms() - started > TICK_BUDGET_MS {
            return Ok(false);
        }
    }
}

fn verdict(exercise: &Exercise, verification: &Verification) -> Html {
    let problems = verification.problems(exercise);
    match verification.fix_first(exercise) {
        None if problems.is_empty() => html! {
            <p class="verdict pass" role="status" data-test="prove-verdict">
                {format!("Proven on {} seed(s): ready to share.", verification.seeds.len())}
            </p>
        },
        first => html! {
            <div class="verdict fail" role="alert" data-test="prove-verdict">
                <p><strong>{"Fix first: "}</strong>{first.unwrap_or_else(|| problems[0].clone())}</p>
                <ul>{ for problems.iter().map(|p| html! { <li>{p}</li> }) }</ul>
            </div>
        },
    }
}

/// Per seed and per goal: what the start and the solution measured, against the goal.
fn seed_table(
    exercise: &Exercise,
    verification: &Verification,
    steps: &[Step],
    done: usize,
    on_replay: &Callback<(u64, Vec<(String, String)>)>,
) -> Html {
    if exercise.goals.is_empty() {
        return html! {};
    }
    let ran = |step: Step| steps[..done].contains(&step);
    let cell = |values: &[Vec<f64>],
                failures: &[Vec<usize>],
                i: usize,
                goal: usize,
                start: bool| {
        let (Some(values), Some(failed)) = (values.get(i), failures.get(i)) else {
            return html! { <span class="pending">{"…"}</span> };
        };
        let missed = failed.contains(&goal);
        let value = values.get(goal).copied().unwrap_or(f64::NAN);
        let shown = if value.is_nan() {
            "–".to_string()
        } else {
            exercise.goals[goal].format_measured(value)
        };
        // The start should miss some goal; the solution should meet each one.
        let good = if start { true } else { !missed };
        html! { <span class={if good { "ok" } else { "bad" }}>{format!("{shown} {}", if missed { "✗" } else { "✓" })}</span> }
    };
    let as_text = |values: Vec<(String, crate::exercise::KnobValue)>| -> Vec<(String, String)> {
        values
            .into_iter()
            .map(|(path, value)| (path, value.to_string()))
            .collect()
    };
    // A run that is not as it should be can be replayed in the preview, on its seed.
    let replay = |seed: u64, values: Vec<(String, String)>, run: &'static str| {
        let on_replay = on_replay.clone();
        html! { <>{" "}<button type="button" class="link" data-test="replay"
        onclick={Callback::from(move |_: MouseEvent| on_replay.emit((seed, values.clone())))}>
        {format!("Replay the {run} on seed {seed}")}</button></> }
    };
    html! {
        <table class="prove-seeds" data-test="prove-seeds">
            <thead><tr><th>{"seed"}</th><th>{"run"}</th>
                { for exercise.goals.iter().map(|goal| html! { <th>{goal.to_string()}</th> }) }
                <th>{"as it should be?"}</th></tr></thead>
            <tbody>
                { for verification.seeds.iter().enumerate().flat_map(|(i, seed)| {
                    let start_ok = verification.start_failures.get(i).map(|f| !f.is_empty());
                    let solution_ok = verification.solution_failures.get(i).map(Vec::is_empty);
                    [
                        html! { <tr data-seed={seed.to_string()} data-run="start">
                            <td>{seed}</td><td>{"start"}</td>
                            { for (0..exercise.goals.len()).map(|g| html! { <td>{cell(&verification.start_values, &verification.start_failures, i, g, true)}</td> }) }
                            <td>{ match (ran(Step::Start(i)), start_ok) { (true, Some(true)) => "yes: misses a goal", (true, _) => "no: meets every goal", _ => "…" } }
                                if ran(Step::Start(i)) && start_ok == Some(false) { {replay(*seed, as_text(exercise.start_values()), "start")} }</td>
                        </tr> },
                        html! { <tr data-seed={seed.to_string()} data-run="solution">
                            <td>{seed}</td><td>{"solution"}</td>
                            { for (0..exercise.goals.len()).map(|g| html! { <td>{cell(&verification.solution_values, &verification.solution_failures, i, g, false)}</td> }) }
                            <td>{ match (ran(Step::Solution(i)), solution_ok) { (true, Some(true)) => "yes: meets every goal", (true, _) => "no: misses a goal", _ => "…" } }
                                if ran(Step::Solution(i)) && solution_ok == Some(false) { {replay(*seed, as_text(exercise.solution_values()), "solution")} }</td>
                        </tr> },
                    ]
                }) }
            </tbody>
        </table>
    }
}
