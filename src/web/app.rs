//! The application shell: routing by URL fragment, saved progress, exercises opened from disk.

use super::browser;
use super::catalog::Catalog;
use super::exercise_page::ExercisePage;
use super::sandbox::Sandbox;
use super::shared::Shared;
use crate::exercise::{self, Exercise};
use crate::playground::opened;
use crate::playground::route::{self, Page};
use crate::playground::{permalink::Permalink, Progress, Status};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

const PROGRESS_KEY: &str = "queuelab.progress.v1";

#[function_component(App)]
pub fn app() -> Html {
    let address = use_state(|| Permalink::parse(&browser::hash()));
    let exercises = use_state(|| Rc::new(exercise::catalog()));
    let progress = use_state(|| {
        Rc::new(Progress::from_json(
            &browser::load(PROGRESS_KEY).unwrap_or_default(),
        ))
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

    let on_result = {
        let progress = progress.clone();
        Callback::from(move |(id, status): (String, Status)| {
            let mut updated = (**progress).clone();
            updated.record(&id, status);
            browser::save(PROGRESS_KEY, &updated.to_json());
            progress.set(Rc::new(updated));
        })
    };
    // What the page says about an opened file's id, for as long as that exercise is shown.
    let opened_notice = use_state(|| None::<(String, String)>);
    let on_open = {
        let exercises = exercises.clone();
        let opened_notice = opened_notice.clone();
        Callback::from(move |opened: Exercise| {
            let built_in = exercise::catalog();
            let built_in: Vec<&str> = built_in.iter().map(|e| e.id.as_str()).collect();
            let placed = opened::place(opened, &exercises, &built_in);
            opened_notice.set(placed.notice.map(|notice| (placed.id.clone(), notice)));
            exercises.set(Rc::new(placed.exercises));
            browser::set_hash(
                &Permalink::Exercise {
                    id: placed.id,
                    seed: None,
                    values: Vec::new(),
                }
                .to_hash(),
            );
        })
    };
    let shared = Shared {
        exercises: (*exercises).clone(),
        progress: (*progress).clone(),
        on_result,
        on_open,
    };

    // `#/debug/panic` panics on purpose only in a debug build or after the opt-in that only the
    // page's own script can set (the end-to-end test does): a shared link cannot use it.
    let debug_panic = cfg!(debug_assertions)
        || browser::load(route::DEBUG_PANIC_KEY).as_deref() == Some(route::DEBUG_PANIC_VALUE);
    let page = match route::page(&address, &shared.exercises, debug_panic) {
        Page::Catalog => html! { <Catalog shared={shared.clone()} /> },
        Page::Sandbox => html! { <Sandbox /> },
        Page::Exercise {
            exercise,
            seed,
            values,
        } => html! {
            <>
                if let Some((_, notice)) = opened_notice.as_ref().filter(|(id, _)| *id == exercise.id) {
                    <p class="warn page" role="status" data-test="open-notice">{notice}</p>
                }
                <ExercisePage key={exercise.id.clone()} exercise={Rc::new(exercise.clone())} seed={seed}
                    params={Rc::new(values.to_vec())} shared={shared.clone()} />
            </>
        },
        Page::NoSuchExercise(message) | Page::Unknown(message) => html! {
            <main class="page"><p class="error" role="alert">{message}{" "}<a href="#/">{"Back to the catalog"}</a></p></main>
        },
        Page::DebugPanic => {
            panic!("a deliberate panic (#/debug/panic), to show the error panel")
        }
    };
    html! {
        <>
            <header class="top">
                <a class="brand" href="#/">{"Queue Lab"}</a>
                <nav>
                    <a href="#/">{"Exercises"}</a>
                    <a href="#/sandbox">{"Sandbox"}</a>
                </nav>
            </header>
            {page}
        </>
    }
}
