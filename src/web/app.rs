//! The application shell: routing by URL fragment, saved progress, exercises opened from disk.

use super::author::Author;
use super::browser;
use super::catalog::Catalog;
use super::class_progress::ClassProgress;
use super::exercise_page::ExercisePage;
use super::following;
use super::sandbox::Sandbox;
use super::shared::Shared;
use crate::course::Course;
use crate::exercise::{self, Exercise};
use crate::playground::opened;
use crate::playground::route::{self, Page};
use crate::playground::{permalink::Permalink, Progress, Status};
use crate::scenario::ScenarioErrors;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

const PROGRESS_KEY: &str = "queuelab.progress.v1";
/// Exercises opened from shared links (their texts, newest first), so their permalinks and
/// progress still work after a reload.
const SHARED_KEY: &str = "queuelab.shared.v1";
/// Shared exercises remembered at most.
const MAX_SHARED: usize = 20;

/// The texts of the shared exercises this browser opened.
fn shared_texts() -> Vec<String> {
    serde_json::from_str(&browser::load(SHARED_KEY).unwrap_or_default()).unwrap_or_default()
}

/// The catalog: the built-in exercises and the shared ones this browser opened.
fn catalog_with_shared(built_in: &[Exercise]) -> Vec<Exercise> {
    let ids: Vec<String> = built_in.iter().map(|e| e.id.clone()).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut exercises = built_in.to_vec();
    for text in shared_texts().iter().rev() {
        if let Ok(shared) = Exercise::parse(text, "shared link") {
            exercises = opened::place(shared, &exercises, &ids).exercises;
        }
    }
    exercises
}

#[function_component(App)]
pub fn app() -> Html {
    let address = use_state(|| Permalink::parse(&browser::hash()));
    // Parsed once per page: every built-in exercise.
    let built_in = use_memo((), |_| exercise::catalog());
    let course = use_state(|| following::saved_course(&built_in));
    let exercises = use_state(|| {
        let exercises = catalog_with_shared(&built_in);
        Rc::new(match course.as_deref() {
            Some(course) => following::with_own_exercises(&exercises, course),
            None => exercises,
        })
    });
    let progress = use_state(|| {
        Rc::new(Progress::from_json(
            &browser::load(PROGRESS_KEY).unwrap_or_default(),
        ))
    });
    let course_progress = use_state(|| {
        course
            .as_deref()
            .map(|course| Rc::new(following::progress_in(course)))
    });

    {
        let address = address.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || {
                let hash = browser::hash();
                // `#goals` from a link in an exercise's text scrolls within the page.
                if Permalink::is_route(&hash) {
                    address.set(Permalink::parse(&hash));
                }
            });
            let window = browser::window();
            if let Some(window) = &window {
                let _ = window.add_event_listener_with_callback(
                    "hashchange",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(window) = window {
                    let _ = window.remove_event_listener_with_callback(
                        "hashchange",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    // A result counts in the course followed when the course lists the exercise, else in the
    // built-in catalog.
    let on_result = {
        let progress = progress.clone();
        let course = course.clone();
        let course_progress = course_progress.clone();
        Callback::from(move |(id, status, run): (String, Status, Option<String>)| {
            let record = |progress: &mut Progress| match &run {
                Some(run) if status == Status::Solved => {
                    progress.record_solved(&id, &browser::now_iso(), run);
                }
                _ => progress.record(&id, status),
            };
            if let (Some(course), Some(in_course)) = (course.as_deref(), course_progress.as_deref())
            {
                if following::lists(course, &id) {
                    let mut updated = (*in_course).clone();
                    record(&mut updated);
                    browser::save(&following::progress_key(&course.id), &updated.to_json());
                    course_progress.set(Some(Rc::new(updated)));
                    return;
                }
            }
            let mut updated = (**progress).clone();
            record(&mut updated);
            browser::save(PROGRESS_KEY, &updated.to_json());
            progress.set(Rc::new(updated));
        })
    };
    let on_course = {
        let course = course.clone();
        let course_progress = course_progress.clone();
        let exercises = exercises.clone();
        let address = address.clone();
        Callback::from(move |followed: Option<Rc<Course>>| {
            following::remember(followed.as_deref());
            // The catalog as it is (opened files stay), without the previous course's own.
            let mut list: Vec<Exercise> = exercises
                .iter()
                .filter(|kept| {
                    course.as_deref().is_none_or(|previous| {
                        previous.own_exercises().all(|own| own.id != kept.id)
                    })
                })
                .cloned()
                .collect();
            if let Some(followed) = followed.as_deref() {
                list = following::with_own_exercises(&list, followed);
            }
            exercises.set(Rc::new(list));
            course_progress.set(
                followed
                    .as_deref()
                    .map(|c| Rc::new(following::progress_in(c))),
            );
            course.set(followed);
            browser::replace_hash(&Permalink::Catalog.to_hash());
            address.set(Permalink::Catalog);
        })
    };
    // What the page says about an opened file's id, for as long as that exercise is shown.
    let opened_notice = use_state(|| None::<(String, String)>);
    // Places an opened exercise in the catalog and goes to it (`true`: replacing the address,
    // as for a shared link, which then stays out of the history).
    let place = {
        let exercises = exercises.clone();
        let opened_notice = opened_notice.clone();
        let address = address.clone();
        let built_in = built_in.clone();
        Callback::from(move |(opened, replace): (Exercise, bool)| {
            let ids: Vec<&str> = built_in.iter().map(|e| e.id.as_str()).collect();
            let placed = opened::place(opened, &exercises, &ids);
            opened_notice.set(placed.notice.map(|notice| (placed.id.clone(), notice)));
            exercises.set(Rc::new(placed.exercises));
            let link = Permalink::Exercise {
                id: placed.id,
                seed: None,
                values: Vec::new(),
            };
            if replace {
                browser::replace_hash(&link.to_hash());
                address.set(link);
            } else {
                browser::set_hash(&link.to_hash());
            }
        })
    };
    let on_open = {
        let place = place.clone();
        Callback::from(move |opened: Exercise| place.emit((opened, false)))
    };
    // A course link whose course is valid: the learner follows it (its chapters become the
    // catalog); one with problems shows them (below) and changes nothing.
    // The problems of the last course link that had some: (its payload, the problems).
    let course_problems = use_state(|| None::<(String, Rc<ScenarioErrors>)>);
    {
        let on_course = on_course.clone();
        let course_problems = course_problems.clone();
        let built_in = built_in.clone();
        use_effect_with((*address).clone(), move |address| {
            if let Permalink::Course(payload) = address {
                if let Ok(text) = crate::playground::share::decode_text(payload, "course") {
                    match Course::parse(&text, "course link", &built_in) {
                        Ok(opened) => on_course.emit(Some(Rc::new(opened))),
                        Err(errors) => {
                            course_problems.set(Some((payload.clone(), Rc::new(errors))))
                        }
                    }
                }
            }
        });
    }
    // A shared link whose exercise is valid: it joins the catalog (and is remembered, so its
    // permalinks work after a reload) and opens as a normal exercise page.
    use_effect_with((*address).clone(), move |address| {
        if let Permalink::Shared(payload) = address {
            if let Ok(text) = crate::playground::share::decode(payload) {
                if let Ok(shared) = Exercise::parse(&text, "shared link") {
                    let mut texts = shared_texts();
                    texts.retain(|kept| {
                        Exercise::parse(kept, "shared link").map_or(true, |e| e.id != shared.id)
                    });
                    texts.insert(0, text);
                    texts.truncate(MAX_SHARED);
                    browser::save(
                        SHARED_KEY,
                        &serde_json::to_string(&texts).unwrap_or_default(),
                    );
                    place.emit((shared, true));
                }
            }
        }
    });
    let shared = Shared {
        exercises: (*exercises).clone(),
        progress: (*course_progress)
            .clone()
            .unwrap_or_else(|| (*progress).clone()),
        on_result,
        on_open,
        course: (*course).clone(),
        on_course,
    };

    // `#/debug/panic` panics on purpose only in a debug build or after the opt-in that only the
    // page's own script can set (the end-to-end test does): a shared link cannot use it.
    let debug_panic = cfg!(debug_assertions)
        || browser::load(route::DEBUG_PANIC_KEY).as_deref() == Some(route::DEBUG_PANIC_VALUE);
    let page = match route::page(&address, &shared.exercises, debug_panic) {
        Page::Catalog => html! { <Catalog shared={shared.clone()} /> },
        Page::Sandbox => html! { <Sandbox /> },
        Page::Author => html! { <Author shared={shared.clone()} /> },
        Page::ClassProgress => html! { <ClassProgress /> },
        Page::Shared(Ok(text)) => match Exercise::parse(&text, "shared link") {
            // The effect above opens it.
            Ok(_) => {
                html! { <main class="page"><p role="status">{"Opening the shared exercise…"}</p></main> }
            }
            Err(errors) => {
                let notice = format!(
                    "This shared exercise has {} problem(s), marked below at their lines; fix them here, then prove and share it again.",
                    errors.0.len()
                );
                html! { <Author key="shared" shared={shared.clone()} opened={Some((text, notice))} /> }
            }
        },
        Page::Course(Ok(_)) => match (&*address, &*course_problems) {
            (Permalink::Course(payload), Some((failed, errors))) if payload == failed => html! {
                <main class="page">
                    <h1>{"This course has problems"}</h1>
                    <p class="error" role="alert">{format!("The course in this link has {} problem(s); the catalog stays as it was. Send them to the course's author:", errors.0.len())}</p>
                    <pre class="error" data-test="course-errors">{errors.to_string()}</pre>
                    <p><a href="#/">{"Back to the catalog"}</a></p>
                </main>
            },
            // The effect above follows it, or finds its problems.
            _ => html! { <main class="page"><p role="status">{"Opening the course…"}</p></main> },
        },
        Page::Course(Err(message)) | Page::Shared(Err(message)) => html! {
            <main class="page"><p class="error" role="alert" data-test="link-error">{message}{" "}<a href="#/">{"Back to the catalog"}</a></p></main>
        },
        Page::Exercise {
            exercise,
            seed,
            values,
            embed,
        } => html! {
            <>
                if let Some((_, notice)) = opened_notice.as_ref().filter(|(id, _)| *id == exercise.id) {
                    <p class="warn page" role="status" data-test="open-notice">{notice}</p>
                }
                <ExercisePage key={exercise.id.clone()} exercise={Rc::new(exercise.clone())} seed={seed}
                    params={Rc::new(values.to_vec())} shared={shared.clone()} {embed} />
            </>
        },
        Page::NoSuchExercise(message) | Page::Unknown(message) => html! {
            <main class="page"><p class="error" role="alert">{message}{" "}<a href="#/">{"Back to the catalog"}</a></p></main>
        },
        Page::DebugPanic => {
            panic!("a deliberate panic (#/debug/panic), to show the error panel")
        }
    };
    // An embedded exercise shows no header: the page around the iframe is the chrome.
    if matches!(&*address, Permalink::Embed { .. }) {
        return page;
    }
    html! {
        <>
            <header class="top">
                <a class="brand" href="#/">{"Queue Lab"}</a>
                <nav>
                    <a href="#/">{"Exercises"}</a>
                    <a href="#/sandbox">{"Sandbox"}</a>
                    <a href="#/author">{"Write"}</a>
                    <a href="#/progress">{"Class"}</a>
                </nav>
            </header>
            {page}
        </>
    }
}
