//! The application shell: routing by URL fragment, saved progress, exercises opened from disk.

use super::browser;
use super::catalog::Catalog;
use super::exercise_page::ExercisePage;
use super::sandbox::Sandbox;
use super::shared::Shared;
use crate::exercise::{self, Exercise};
use crate::playground::{permalink::Permalink, Progress, Status};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

const PROGRESS_KEY: &str = "queuelab.progress.v1";

#[function_component(App)]
pub fn app() -> Html {
    let route = use_state(|| Permalink::parse(&browser::hash()));
    let exercises = use_state(|| Rc::new(exercise::catalog()));
    let progress = use_state(|| {
        Rc::new(Progress::from_json(
            &browser::load(PROGRESS_KEY).unwrap_or_default(),
        ))
    });

    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || {
                let hash = browser::hash();
                // `#goals` from a link in an exercise's text scrolls within the page.
                if Permalink::is_route(&hash) {
                    route.set(Permalink::parse(&hash));
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
    let on_open = {
        let exercises = exercises.clone();
        Callback::from(move |opened: Exercise| {
            let mut list: Vec<Exercise> = exercises
                .iter()
                .filter(|e| e.id != opened.id)
                .cloned()
                .collect();
            let id = opened.id.clone();
            list.push(opened);
            exercises.set(Rc::new(list));
            browser::set_hash(&format!("#/exercise/{id}"));
        })
    };
    let shared = Shared {
        exercises: (*exercises).clone(),
        progress: (*progress).clone(),
        on_result,
        on_open,
    };

    let page = match &*route {
        Permalink::Catalog => html! { <Catalog shared={shared.clone()} /> },
        Permalink::Sandbox => html! { <Sandbox /> },
        Permalink::Exercise { id, seed, values } => {
            match shared.exercises.iter().find(|e| &e.id == id) {
                Some(exercise) => html! {
                    <ExercisePage key={id.clone()} exercise={Rc::new(exercise.clone())} seed={*seed}
                        params={Rc::new(values.clone())} shared={shared.clone()} />
                },
                None => html! {
                    <main class="page"><p class="error" role="alert">{format!("There is no exercise called {id:?}. ")}<a href="#/">{"Back to the catalog"}</a></p></main>
                },
            }
        }
        Permalink::Unknown(text) if text.trim_matches('/') == "debug/panic" => {
            panic!("a deliberate panic (#/debug/panic), to show the error panel")
        }
        Permalink::Unknown(text) => html! {
            <main class="page"><p class="error" role="alert">{format!("Unknown address #{text}. ")}<a href="#/">{"Back to the catalog"}</a></p></main>
        },
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
