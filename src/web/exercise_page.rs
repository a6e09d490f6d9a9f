//! An exercise: the story, the knobs, the run panel with self-checking goals, progressive hints,
//! par and the solution. Knob values and the seed live in the URL, so any run can be shared.

use super::browser;
use super::embed_button::EmbedButton;
use super::grading::Grading;
use super::knob_input::{script_marks, KnobInput};
use super::lab::Lab;
use super::markdown::markdown;
use super::questions::Questions;
use super::script_knob;
use super::shared::Shared;
use super::tour::Tour;
use crate::exercise::{Exercise, Knob, KnobKind, KnobValue};
use crate::playground::permalink::{resolve, Permalink};
use crate::playground::Status;
use crate::report::Summary;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ExerciseProps {
    pub exercise: Rc<Exercise>,
    pub seed: Option<u64>,
    pub params: Rc<Vec<(String, String)>>,
    pub shared: Shared,
    /// Shown as the authoring page's preview: the address is left alone (it is `#/author`).
    #[prop_or_default]
    pub preview: bool,
    /// `#/embed/exercise/…`: minimal chrome for an iframe, and the address stays an embed one.
    #[prop_or_default]
    pub embed: bool,
}

#[function_component(ExercisePage)]
pub fn exercise_page(props: &ExerciseProps) -> Html {
    let exercise = props.exercise.clone();
    // The link's knobs, then the learner's code kept in this browser for script knobs the link
    // leaves out (never in the authoring page's preview, whose drafts are the instructor's).
    let opening = use_memo((), {
        let exercise = exercise.clone();
        let params = props.params.clone();
        let preview = props.preview;
        move |_| {
            let (mut values, problems) = resolve(&exercise, &params);
            let drafts = (!preview).then(script_knob::stored_drafts).flatten();
            let found = drafts
                .as_ref()
                .map(|drafts| drafts.restore(&exercise, &params, &mut values))
                .unwrap_or_default();
            // Code set aside before (a reset), and drafts the link's other code hides now.
            let mut asides: BTreeMap<String, String> = exercise
                .knobs
                .iter()
                .filter_map(|knob| {
                    let aside = drafts.as_ref()?.aside(&exercise.id, &knob.path)?;
                    Some((knob.path.clone(), aside.to_string()))
                })
                .collect();
            asides.extend(found.shadowed.iter().cloned());
            (values, problems, found, asides)
        }
    });
    let values = use_state(|| opening.0.clone());
    let url_problems = opening.1.clone();
    let asides = use_state(|| opening.3.clone());
    // Drafts a link's other code hid are set aside in storage at once, so editing the linked code
    // (which saves over the draft) loses nothing.
    use_effect_with((), {
        let exercise = exercise.clone();
        let shadowed = opening.2.shadowed.clone();
        move |_| {
            for (path, draft) in shadowed {
                script_knob::update_drafts(|d| d.set_aside(&exercise.id, &path, Some(&draft)));
            }
        }
    });
    // The address opened is not an edit: the drafts change only once the learner applies code.
    let opened = use_mut_ref(|| true);
    let seed = use_state(|| props.seed.unwrap_or(exercise.seeds[0]));
    let knob_errors = use_state(Vec::<(String, String)>::new);
    let hints_shown = use_state(|| 0usize);
    let solution_shown = use_state(|| false);
    let last_result = use_state(|| None::<bool>);
    // The knobs and seed of the last run that met every goal, and a count of such runs (each
    // mounts a fresh grading on the hidden seeds).
    let passing_run = use_state(|| None::<(u32, Vec<(String, KnobValue)>, u64)>);
    let answers = use_state(|| vec![None::<usize>; exercise.questions.len()]);
    // On a phone the story starts folded, so the knobs, Run and the goals come within the first
    // two screens; on wider screens it starts open beside them.
    let story_open = use_state(|| {
        browser::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|w| w.as_f64())
            .is_none_or(|width| width > 700.0)
    });
    let questions = use_memo((), {
        let exercise = exercise.clone();
        move |_| exercise.questions.clone()
    });
    let all_right = |answers: &[Option<usize>]| {
        exercise
            .questions
            .iter()
            .zip(answers)
            .all(|(q, a)| a.is_some_and(|a| q.is_right(a)))
    };

    let config = use_memo(((*values).clone(), *seed), {
        let exercise = exercise.clone();
        move |(values, seed)| {
            exercise.config_with(values).map(|mut config| {
                config.seed = *seed;
                Rc::new(config)
            })
        }
    });

    use_effect_with(((*values).clone(), *seed), {
        let exercise = exercise.clone();
        let (preview, embed) = (props.preview, props.embed);
        move |(values, seed)| {
            if !preview {
                let link = Permalink::for_run(&exercise, values, *seed);
                let link = if embed { link.embedded() } else { link };
                browser::replace_hash(&link.to_hash());
                if !std::mem::replace(&mut *opened.borrow_mut(), false) {
                    script_knob::update_drafts(|drafts| drafts.remember(&exercise, values));
                }
            }
        }
    });
    let on_typed = {
        let exercise = exercise.clone();
        let preview = props.preview;
        Callback::from(move |(knob, text): (Knob, String)| {
            if !preview {
                let changed = text != knob.start.to_string();
                script_knob::update_drafts(|drafts| {
                    drafts.keep(&exercise.id, &knob.path, changed.then_some(text.as_str()))
                });
            }
        })
    };
    // Once solved (now or before), a script knob offers the reference to compare with.
    let solved = *last_result == Some(true)
        || props.shared.progress.status(&exercise.id) == Some(Status::Solved);
    let reference_of = |knob: &Knob| {
        solved
            .then(|| exercise.solution_values())
            .and_then(|solution| solution.into_iter().find(|(path, _)| *path == knob.path))
            .map(|(_, code)| AttrValue::from(code.to_string()))
    };

    let set_value = {
        let values = values.clone();
        let knob_errors = knob_errors.clone();
        Callback::from(move |(knob, text): (Knob, String)| {
            let mut errors: Vec<(String, String)> = knob_errors
                .iter()
                .filter(|(p, _)| *p != knob.path)
                .cloned()
                .collect();
            match knob.parse(&text) {
                Ok(value) => {
                    let mut updated = (*values).clone();
                    if let Some(slot) = updated.iter_mut().find(|(p, _)| *p == knob.path) {
                        slot.1 = value;
                    }
                    values.set(updated);
                }
                Err(message) => errors.push((knob.path.clone(), message)),
            }
            knob_errors.set(errors);
        })
    };
    let on_reset = {
        let exercise = exercise.clone();
        let asides = asides.clone();
        let set_value = set_value.clone();
        let preview = props.preview;
        Callback::from(move |(knob, replaced): (Knob, String)| {
            if !preview {
                script_knob::update_drafts(|d| {
                    d.set_aside(&exercise.id, &knob.path, Some(&replaced))
                });
            }
            let mut updated = (*asides).clone();
            updated.insert(knob.path.clone(), replaced);
            asides.set(updated);
            set_value.emit((knob.clone(), knob.start.to_string()));
        })
    };
    let on_take_back = {
        let exercise = exercise.clone();
        let asides = asides.clone();
        let set_value = set_value.clone();
        let preview = props.preview;
        Callback::from(move |knob: Knob| {
            let mut updated = (*asides).clone();
            if let Some(code) = updated.remove(&knob.path) {
                if !preview {
                    script_knob::update_drafts(|d| d.set_aside(&exercise.id, &knob.path, None));
                }
                asides.set(updated);
                set_value.emit((knob, code));
            }
        })
    };
    // Solved: every goal met on a run (if there are goals) and every question answered right.
    let status = |goals_met: bool, questions_right: bool| {
        if goals_met && questions_right {
            Status::Solved
        } else {
            Status::Tried
        }
    };
    let on_finished = {
        let on_result = props.shared.on_result.clone();
        let exercise = exercise.clone();
        let last_result = last_result.clone();
        let passing_run = passing_run.clone();
        let run_values = (*values).clone();
        let run_seed = *seed;
        Callback::from(move |summary: Summary| {
            let passed = exercise.evaluate(&summary).iter().all(|r| r.passed);
            // A pass counts once the hidden seeds agree (see `on_graded`); until then, none.
            last_result.set((!passed).then_some(false));
            // Solved only once the hidden seeds agree (see `on_graded`).
            on_result.emit((exercise.id.clone(), Status::Tried, None));
            let count = passing_run.as_ref().map_or(0, |(count, _, _)| count + 1);
            passing_run.set(passed.then(|| (count, run_values.clone(), run_seed)));
        })
    };
    // The permalink of the run that passed, for the learner's progress report.
    let solving_run = passing_run
        .as_ref()
        .map(|(_, values, seed)| Permalink::for_run(&exercise, values, *seed).to_hash());
    let on_graded = {
        let on_result = props.shared.on_result.clone();
        let exercise = exercise.clone();
        let questions_right = all_right(&answers);
        let last_result = last_result.clone();
        let solving_run = solving_run.clone();
        Callback::from(move |all_passed: bool| {
            last_result.set(Some(all_passed));
            let status = status(all_passed, questions_right);
            let run = (status == Status::Solved)
                .then(|| solving_run.clone())
                .flatten();
            on_result.emit((exercise.id.clone(), status, run));
        })
    };
    let on_replay = {
        let seed = seed.clone();
        Callback::from(move |replayed: u64| seed.set(replayed))
    };
    let on_answer = {
        let on_result = props.shared.on_result.clone();
        let solving_run = solving_run.clone();
        let exercise = exercise.clone();
        let answers = answers.clone();
        let goals_met = exercise.goals.is_empty() || *last_result == Some(true);
        Callback::from(move |(question, choice): (usize, usize)| {
            let mut updated = (*answers).clone();
            updated[question] = Some(choice);
            let questions_right = exercise
                .questions
                .iter()
                .zip(&updated)
                .all(|(q, a)| a.is_some_and(|a| q.is_right(a)));
            let status = status(goals_met, questions_right);
            let run = (status == Status::Solved)
                .then(|| solving_run.clone())
                .flatten();
            on_result.emit((exercise.id.clone(), status, run));
            answers.set(updated);
        })
    };
    let on_new_seed = {
        let seed = seed.clone();
        Callback::from(move |_| {
            // A fresh but reproducible seed: derived from the current one.
            seed.set(crate::rng::Rng::stream(*seed, 0xC0FFEE).next_u64() % 1_000_000);
        })
    };
    let more_hint = {
        let hints_shown = hints_shown.clone();
        let total = exercise.hints.len();
        Callback::from(move |_: MouseEvent| hints_shown.set((*hints_shown + 1).min(total)))
    };
    let reveal = {
        let solution_shown = solution_shown.clone();
        Callback::from(move |_: MouseEvent| solution_shown.set(true))
    };
    let apply_solution = {
        let values = values.clone();
        let exercise = exercise.clone();
        Callback::from(move |_: MouseEvent| values.set(exercise.solution_values()))
    };

    let par = exercise.par.as_ref().map(|par| {
        let label = exercise.knob(&par.path).map_or(par.path.clone(), |k| k.label.clone());
        let reached = exercise.at_par(&values);
        html! {
            <p class="par">{format!("Par: {label} ≤ {}", par.value)}
                { match reached { Some(true) => " · you are at or under par", Some(false) => " · you are over par", None => "" } }
            </p>
        }
    });

    html! {
        <@{if props.preview { "div" } else { "main" }} class={classes!(if props.preview { "exercise" } else { "page exercise" })} data-exercise={exercise.id.clone()}>
            if props.embed {
                <p class="crumbs"><a href={format!("{}{}", browser::page_address(), Permalink::for_run(&exercise, &values, *seed).to_hash())}
                    target="_blank" rel="noopener" data-test="open-full">{"Open in Queue Lab ↗"}</a></p>
            } else {
                if !props.preview {
                    <EmbedButton address={Permalink::for_run(&exercise, &values, *seed).to_hash()} title={exercise.title.clone()} />
                }
                <nav class="crumbs"><a href="#/">{"Exercises"}</a>{format!(" › {} · {}", exercise.chapter, exercise.difficulty)}</nav>
            }
            <h1>{&exercise.title}</h1>
            <p class="sources">{format!("From the exercise books: {}", exercise.sources.join(", "))}</p>
            if !props.preview { <Tour /> }
            if !url_problems.is_empty() {
                <ul class="error" role="alert" data-test="url-errors">
                    { for url_problems.iter().map(|p| html! { <li>{p}</li> }) }
                </ul>
            }
            <div class="layout">
                <aside class="side">
                    <details class="story" open={*story_open} data-test="story">
                        <summary>{"The story"}</summary>
                        {markdown(&exercise.instructions)}
                    </details>
                    <section class="knobs" aria-label="Knobs">
                        <h2 class="part">{"Knobs"}</h2>
                        { for exercise.knobs.iter().map(|knob| {
                            let value = values.iter().find(|(p, _)| *p == knob.path).map(|(_, v)| v.clone()).unwrap_or(knob.start.clone());
                            let error = knob_errors.iter().find(|(p, _)| *p == knob.path).map(|(_, m)| m.clone());
                            let marks = match (&knob.kind, &*config) {
                                (KnobKind::Script, Err(errors)) => Rc::new(script_marks(errors, knob)),
                                _ => Rc::default(),
                            };
                            let reference = (knob.kind == KnobKind::Script).then(|| reference_of(knob)).flatten();
                            let restored = opening.2.restored.contains(&knob.path);
                            let aside = asides.get(&knob.path).map(|code| AttrValue::from(code.clone()));
                            html! { <KnobInput knob={knob.clone()} value={value} error={error} {marks} on_change={set_value.clone()}
                                on_typed={on_typed.clone()} on_reset={on_reset.clone()} on_take_back={on_take_back.clone()}
                                {aside} {reference} {restored} /> }
                        }) }
                    </section>
                    {par.unwrap_or_default()}
                    <section class="hints">
                        <h2 class="part">{"Hints"}</h2>
                        <ol>
                            { for exercise.hints.iter().take(*hints_shown).map(|hint| html! { <li>{markdown(hint)}</li> }) }
                        </ol>
                        if *hints_shown < exercise.hints.len() {
                            <button onclick={more_hint} data-test="hint">{format!("Show hint {} of {}", *hints_shown + 1, exercise.hints.len())}</button>
                        }
                        if !*solution_shown {
                            <button class="link" onclick={reveal} data-test="reveal">{"Reveal the solution"}</button>
                        } else {
                            <section class="solution" data-test="solution">
                                <h3>{"Solution"}</h3>
                                <p>{ for exercise.solution.iter().map(|(path, value)| solution_value(&exercise, path, value)) }</p>
                                {markdown(&exercise.explanation)}
                                if !exercise.solution.is_empty() {
                                    <button onclick={apply_solution} data-test="apply-solution">{"Set the knobs to the solution"}</button>
                                }
                            </section>
                        }
                    </section>
                </aside>
                <div class="main">
                    if !questions.is_empty() {
                        <Questions questions={questions.clone()} answers={(*answers).clone()} on_answer={on_answer} />
                    }
                    if let (Some((count, run_values, run_seed)), false) = (passing_run.as_ref(), exercise.goals.is_empty()) {
                        <Grading key={count.to_string()} exercise={exercise.clone()} values={run_values.clone()} shown={*run_seed}
                            on_done={on_graded} on_replay={on_replay} />
                        if !all_right(&answers) {
                            <p class="verdict" data-test="questions-left">{"Answer the questions above to finish."}</p>
                        }
                    } else if *last_result == Some(false) && !exercise.goals.is_empty() {
                        <p class="verdict fail" role="status" data-test="verdict">
                            {"Not yet: some goals were missed. Change a knob and run again."}
                        </p>
                    }
                    { match &*config {
                        Ok(config) => html! {
                            <Lab config={config.clone()} goals={Rc::new(exercise.goals.clone())} watch={exercise.watch.clone()}
                                on_finished={on_finished} on_new_seed={on_new_seed} />
                        },
                        Err(errors) => html! { <pre class="error" role="alert">{errors.to_string()}</pre> },
                    } }
                </div>
            </div>
        </@>
    }
}

/// One knob of the solution: `path = value`, or a script's code as a block.
fn solution_value(exercise: &Exercise, path: &str, value: &KnobValue) -> Html {
    match exercise.knob(path).map(|knob| &knob.kind) {
        Some(KnobKind::Script) => html! { <pre class="code">{value.to_string()}</pre> },
        _ => html! { <code>{format!("{path} = {value}")}</code> },
    }
}
