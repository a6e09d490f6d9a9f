//! Grading that cannot be gamed: after a run meets every goal on the seed the learner sees, the
//! same knobs run on the exercise's hidden seeds, one per turn of the event loop (the page stays
//! live between runs), and the exercise is solved only if every goal holds on each. A miss names
//! the seed and the goal, and offers to replay that seed.

use crate::exercise::{Exercise, KnobValue, SeedVerdict};
use gloo_timers::callback::Timeout;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct GradingProps {
    pub exercise: Rc<Exercise>,
    /// The knob values of the run that passed.
    pub values: Vec<(String, KnobValue)>,
    /// The seed that run used (it is not graded again).
    pub shown: u64,
    /// Every hidden seed done: whether all passed (once per mount).
    pub on_done: Callback<bool>,
    /// The learner asks to watch a failing seed.
    pub on_replay: Callback<u64>,
}

/// Mount it with a new `key` for every passing run: its state is that run's grading.
#[function_component(Grading)]
pub fn grading(props: &GradingProps) -> Html {
    let verdicts = use_state(Vec::<SeedVerdict>::new);
    let error = use_state(|| None::<String>);
    let hidden = props.exercise.hidden_seeds(props.shown);
    let failed = verdicts.iter().find(|verdict| !verdict.passed()).cloned();
    let done = error.is_some() || failed.is_some() || verdicts.len() >= hidden.len();

    use_effect_with(verdicts.len(), {
        let verdicts = verdicts.clone();
        let error = error.clone();
        let exercise = props.exercise.clone();
        let values = props.values.clone();
        let on_done = props.on_done.clone();
        let next = hidden.get(verdicts.len()).copied();
        let all_passed = failed.is_none() && error.is_none();
        move |_| {
            let timeout = match next.filter(|_| !done) {
                Some(seed) => Some(Timeout::new(0, move || {
                    match exercise.grade_on(&values, seed) {
                        Ok(verdict) => {
                            let mut so_far = (*verdicts).clone();
                            so_far.push(verdict);
                            verdicts.set(so_far);
                        }
                        Err(message) => error.set(Some(message)),
                    }
                })),
                None => {
                    on_done.emit(all_passed);
                    None
                }
            };
            move || drop(timeout)
        }
    });

    let (class, text) = match (&*error, &failed) {
        (Some(message), _) => ("verdict fail", format!("Could not grade: {message}")),
        (None, Some(verdict)) => (
            "verdict fail",
            format!(
                "Met every goal on seed {}, but not on hidden seed {}: {}. Tune for the system, not the seed.",
                props.shown,
                verdict.seed,
                verdict.first_miss(&props.exercise).unwrap_or_default()
            ),
        ),
        (None, None) if done => (
            "verdict pass",
            format!(
                "Every goal met on seed {} and on {} hidden seeds ({}).",
                props.shown,
                hidden.len(),
                join(&hidden)
            ),
        ),
        (None, None) => (
            "verdict pending",
            format!(
                "Every goal met on seed {}. Checking hidden seeds: {} of {}…",
                props.shown,
                verdicts.len(),
                hidden.len()
            ),
        ),
    };
    let replay = failed.map(|verdict| {
        let on_replay = props.on_replay.clone();
        let seed = verdict.seed;
        html! {
            <button onclick={Callback::from(move |_: MouseEvent| on_replay.emit(seed))} data-test="replay-seed">
                {format!("Replay seed {seed}")}
            </button>
        }
    });
    html! {
        <div class="grading" data-test="grading" data-done={done.to_string()}>
            <p class={class} role="status" data-test="verdict">{text}</p>
            {replay.unwrap_or_default()}
        </div>
    }
}

fn join(seeds: &[u64]) -> String {
    seeds
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
