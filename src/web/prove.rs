//! "Prove": the checker of `queuelab check` ([`Prover`], the same steps `verify` runs) on the
//! exercise being written, off the main thread in the engine's Web Worker ([`super::worker`]),
//! which reports after every step: the page shows how far it got, stays responsive however
//! long a step's simulation run takes, and Cancel terminates the worker mid-run.
//!
//! Where no worker can start (the page was not loaded by Trunk's loader, as under
//! wasm-bindgen-test; or the worker failed before it said it was ready), the page steps the same
//! [`Prover`] itself between frames, as before the worker: each tick runs steps for up to
//! [`TICK_BUDGET_MS`], at least one, so the page pauses for one simulation run at a time. Both
//! drive the same code on the same text, so the result is the same (the end-to-end test proves
//! once each way and compares the tables).
//!
//! The result is shown per seed and per goal: what the start and the solution measured against
//! each goal's bound, and the one problem to fix first.

use super::browser;
use super::worker::EngineWorker;
use crate::exercise::{Exercise, Prover, Step, Verification};
use crate::playground::worker_job::{Job, Reply};
use gloo_timers::callback::Interval;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use yew::prelude::*;

/// Real time the page may use per tick, proving in the page, before it yields (at least one
/// step runs).
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
    /// A run could not be set up at all, or the worker stopped.
    Failed(String),
}

/// Who runs the proof's steps.
enum Driver {
    /// The engine's Web Worker (while it works); its replies fill in `done` and `verification`.
    Worker {
        worker: Option<EngineWorker>,
        ready: bool,
        done: usize,
        verification: Verification,
    },
    /// The page itself, between frames.
    Page(Box<Prover>),
}

/// A proof under way: its exercise, steps, and who runs them.
struct Proof {
    exercise: Rc<Exercise>,
    steps: Vec<Step>,
    driver: Driver,
}

impl Proof {
    fn done(&self) -> usize {
        match &self.driver {
            Driver::Worker { done, .. } => *done,
            Driver::Page(prover) => prover.done(),
        }
    }

    fn verification(&self) -> &Verification {
        match &self.driver {
            Driver::Worker { verification, .. } => verification,
            Driver::Page(prover) => prover.verification(),
        }
    }

    fn in_page(&self) -> bool {
        matches!(self.driver, Driver::Page(_))
    }

    /// Stops the worker, if one runs: later, since this may be called from its own message.
    fn stop_worker(&mut self) {
        if let Driver::Worker { worker, .. } = &mut self.driver {
            if let Some(worker) = worker.take() {
                yew::platform::spawn_local(async move { drop(worker) });
            }
        }
    }

    /// Proves in the page from the start.
    fn fall_back(&mut self) {
        self.stop_worker();
        self.driver = Driver::Page(Box::new(Prover::new((*self.exercise).clone())));
    }
}

/// What a reply from the worker does to the proof.
enum Outcome {
    Goes,
    Finished,
    Failed(String),
}

fn on_reply(proof: &mut Proof, reply: Reply) -> Outcome {
    let Driver::Worker {
        ready,
        done,
        verification,
        ..
    } = &mut proof.driver
    else {
        return Outcome::Goes;
    };
    match reply {
        Reply::Ready => {
            *ready = true;
            Outcome::Goes
        }
        Reply::Progress {
            done: now,
            finished,
            verification: found,
        } => {
            (*done, *verification) = (now, found);
            if finished {
                proof.stop_worker();
                return Outcome::Finished;
            }
            Outcome::Goes
        }
        Reply::Failed { message } if *ready => {
            proof.stop_worker();
            Outcome::Failed(message)
        }
        Reply::Failed { message } => {
            web_sys::console::warn_1(&format!("Prove runs in the page: {message}").into());
            proof.fall_back();
            Outcome::Goes
        }
    }
}

/// Starts proving `exercise`: in a worker, or else in the page.
fn begin(exercise: Rc<Exercise>, on_reply: Callback<Reply>) -> Proof {
    let prover = Prover::new((*exercise).clone());
    let steps = prover.steps().to_vec();
    let job = Job::Prove {
        source: exercise.source().to_string(),
        origin: exercise.origin.clone(),
    };
    let driver = match EngineWorker::start(&job, on_reply) {
        Some(worker) => Driver::Worker {
            worker: Some(worker),
            ready: false,
            done: 0,
            verification: prover.verification().clone(),
        },
        None => Driver::Page(Box::new(prover)),
    };
    Proof {
        exercise,
        steps,
        driver,
    }
}

#[function_component(Prove)]
pub fn prove(props: &ProveProps) -> Html {
    let proof = use_mut_ref(|| None::<Proof>);
    let state = use_state(|| State::Idle);
    let tick = use_force_update();
    let in_page = proof.borrow().as_ref().is_some_and(Proof::in_page);
    {
        let proof = proof.clone();
        let state_handle = state.clone();
        let tick = tick.clone();
        let stepping = *state == State::Running && in_page;
        use_effect_with(stepping, move |stepping| {
            let interval = stepping.then(|| {
                Interval::new(0, move || {
                    let started = browser::now_ms();
                    let outcome = step_for(&proof, started);
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
        let proof = proof.clone();
        let state = state.clone();
        let exercise = props.exercise.clone();
        Callback::from(move |_: MouseEvent| {
            // The worker's replies reach the proof through a weak handle: leaving the page drops
            // the proof, and with it the worker.
            let weak: Weak<RefCell<Option<Proof>>> = Rc::downgrade(&proof);
            let (settle, tick) = (state.clone(), tick.clone());
            let replies = Callback::from(move |reply: Reply| {
                let Some(proof) = weak.upgrade() else { return };
                let Some(outcome) = proof.borrow_mut().as_mut().map(|p| on_reply(p, reply)) else {
                    return;
                };
                match outcome {
                    Outcome::Goes => tick.force_update(),
                    Outcome::Finished => settle.set(State::Finished),
                    Outcome::Failed(message) => settle.set(State::Failed(message)),
                }
            });
            if let Some(mut old) = proof.borrow_mut().take() {
                old.stop_worker();
            }
            *proof.borrow_mut() = Some(begin(exercise.clone(), replies));
            state.set(State::Running);
        })
    };
    let cancel = {
        let proof = proof.clone();
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(proof) = proof.borrow_mut().as_mut() {
                proof.stop_worker();
            }
            state.set(State::Cancelled)
        })
    };
    let proof = proof.borrow();
    let (done, total) = proof.as_ref().map_or((0, 0), |p| (p.done(), p.steps.len()));
    let running = *state == State::Running;
    let engine = match proof.as_ref() {
        None => "none",
        Some(proof) if proof.in_page() => "page",
        Some(_) => "worker",
    };
    html! {
        <section class="prove" aria-label="Prove the exercise" data-test="prove-panel" data-engine={engine}
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
            { match (&*state, proof.as_ref()) {
                (State::Failed(message), _) => html! { <p class="error" role="alert" data-test="prove-verdict">{message}</p> },
                (State::Cancelled, _) => html! { <p class="warn" role="status" data-test="prove-verdict">{format!("Cancelled after {done} of {total} steps.")}</p> },
                (State::Finished, Some(proof)) => verdict(&proof.exercise, proof.verification()),
                _ => html! {},
            } }
            if let Some(proof) = proof.as_ref() {
                {seed_table(&proof.exercise, proof.verification(), &proof.steps, done, &props.on_replay)}
            }
        </section>
    }
}

/// Runs steps in the page until the proof ends or the tick's budget is spent; `Ok(true)` once
/// finished.
fn step_for(proof: &Rc<RefCell<Option<Proof>>>, started: f64) -> Result<bool, String> {
    let mut proof = proof.borrow_mut();
    let Some(Proof {
        driver: Driver::Page(prover),
        ..
    }) = proof.as_mut()
    else {
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
