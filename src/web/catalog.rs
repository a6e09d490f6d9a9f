//! The catalog: exercises by chapter with difficulty and progress, the sandbox, and opening an
//! exercise file from disk (the instructor's preview) with its validation errors shown inline.

use super::browser;
use super::shared::Shared;
use crate::exercise::{Exercise, CHAPTERS};
use crate::playground::Status;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CatalogProps {
    pub shared: Shared,
}

/// The heading is shared with the prerendered first paint (src/prerender).
fn chapter_title(chapter: &str) -> &'static str {
    crate::exercise::chapter_title(chapter)
}

#[function_component(Catalog)]
pub fn catalog(props: &CatalogProps) -> Html {
    let errors = use_state(|| None::<String>);
    let dragging = use_state(|| false);
    let open_file = {
        let errors = errors.clone();
        let on_open = props.shared.on_open.clone();
        Callback::from(move |file: web_sys::File| {
            let errors = errors.clone();
            let on_open = on_open.clone();
            browser::read_file(file, move |name, text| {
                match text
                    .map_err(|e| format!("{name}: {e}"))
                    .and_then(|text| Exercise::parse(&text, &name).map_err(|e| e.to_string()))
                {
                    Ok(exercise) => {
                        errors.set(None);
                        on_open.emit(exercise);
                    }
                    Err(message) => errors.set(Some(message)),
                }
            });
        })
    };
    let on_pick = {
        let open_file = open_file.clone();
        Callback::from(move |event: Event| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                open_file.emit(file);
            }
            input.set_value("");
        })
    };
    let on_drop = {
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(false);
            if let Some(file) = event
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                open_file.emit(file);
            }
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };

    let progress = &props.shared.progress;
    let solved = props
        .shared
        .exercises
        .iter()
        .filter(|e| progress.status(&e.id) == Some(Status::Solved))
        .count();
    html! {
        <main class="page catalog">
            <section class="intro">
                <h1>{"Learn worker pools, queues and backpressure by experiment"}</h1>
                <p>{"Each exercise is a small system under load. Read the story, turn the knobs, run it, and watch the goals turn green. Same seed, same arrivals: every change is a fair A/B test."}</p>
                <p class="progress-line">{format!("{solved} of {} solved", props.shared.exercises.len())}
                    {" · "}<a href="#/sandbox">{"Open the sandbox"}</a></p>
            </section>
            { for CHAPTERS.iter().map(|chapter| {
                let in_chapter: Vec<&Exercise> = props.shared.exercises.iter().filter(|e| e.chapter == *chapter).collect();
                if in_chapter.is_empty() {
                    return html! {};
                }
                html! {
                    <section class="chapter">
                        <h2>{chapter_title(chapter)}</h2>
                        <ul class="cards">
                            { for in_chapter.iter().map(|exercise| {
                                let status = progress.status(&exercise.id);
                                let (badge, class) = match status {
                                    Some(Status::Solved) => ("solved", "badge solved"),
                                    Some(Status::Tried) => ("tried", "badge tried"),
                                    None => ("", "badge"),
                                };
                                html! {
                                    <li class="card">
                                        <a href={format!("#/exercise/{}", exercise.id)} data-exercise={exercise.id.clone()}>
                                            <span class="title">{&exercise.title}</span>
                                            <span class={classes!("difficulty", exercise.difficulty.clone())}>{&exercise.difficulty}</span>
                                            if !badge.is_empty() { <span class={class}>{badge}</span> }
                                            <span class="blurb">{&exercise.summary}</span>
                                        </a>
                                    </li>
                                }
                            }) }
                        </ul>
                    </section>
                }
            }) }
            <section class={classes!("open-file", dragging.then_some("dragging"))}
                ondrop={on_drop} ondragover={on_drag_over} ondragleave={on_drag_leave}>
                <h2>{"Preview an exercise file"}</h2>
                <p>{"Instructors: drop an exercise .toml here, or "}
                    <label class="file-button">{"choose a file"}
                        <input type="file" accept=".toml,text/plain" onchange={on_pick} data-test="open-file" />
                    </label>
                    {". It is checked like "}<code>{"queuelab check"}</code>{" and opened if valid."}</p>
                if let Some(message) = &*errors {
                    <pre class="error" role="alert" data-test="file-errors">{message}</pre>
                }
            </section>
        </main>
    }
}
