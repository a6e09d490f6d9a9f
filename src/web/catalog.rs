//! The catalog: exercises by chapter with difficulty and progress, the sandbox, and opening an
//! exercise or course file from disk (the instructor's preview) with its validation errors shown
//! inline. While the learner follows a course, its chapters replace the built-in ones.

use super::browser;
use super::copy_progress::CopyProgress;
use super::shared::Shared;
use crate::course::Course;
use crate::exercise::{self, Exercise, CHAPTERS};
use crate::playground::{share, Progress, Status};
use std::rc::Rc;
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
    // Packed once: the catalog renders often.
    let example_course = use_memo((), |_| example_course_link());
    let open_file = {
        let errors = errors.clone();
        let on_open = props.shared.on_open.clone();
        let on_course = props.shared.on_course.clone();
        Callback::from(move |file: web_sys::File| {
            let errors = errors.clone();
            let on_open = on_open.clone();
            let on_course = on_course.clone();
            browser::read_file(file, move |name, text| {
                let text = match text {
                    Ok(text) => text,
                    Err(e) => return errors.set(Some(format!("{name}: {e}"))),
                };
                let opened = if crate::course::is_course(&text) {
                    Course::parse(&text, &name, &exercise::catalog())
                        .map(|course| on_course.emit(Some(Rc::new(course))))
                } else {
                    Exercise::parse(&text, &name).map(|exercise| on_open.emit(exercise))
                };
                errors.set(opened.err().map(|e| e.to_string()));
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
    let open_section = html! {
        <section class={classes!("open-file", dragging.then_some("dragging"))}
            ondrop={on_drop} ondragover={on_drag_over} ondragleave={on_drag_leave}>
            <h2>{"Preview an exercise or a course"}</h2>
            <p>{"Instructors: drop an exercise or course .toml here, or "}
                <label class="file-button">{"choose a file"}
                    <input type="file" accept=".toml,text/plain" onchange={on_pick} data-test="open-file" />
                </label>
                {". It is checked like "}<code>{"queuelab check"}</code>{" and opened if valid. "}
                <a href={(*example_course).clone()} data-test="example-course">{"Open the example course"}</a></p>
            if let Some(message) = &*errors {
                <pre class="error" role="alert" data-test="file-errors">{message}</pre>
            }
        </section>
    };
    if let Some(course) = &props.shared.course {
        return html! {
            <main class="page catalog">
                <CourseChapters course={course.clone()} shared={props.shared.clone()} />
                {open_section}
            </main>
        };
    }
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
                    {" · "}<a href="#/sandbox">{"Open the sandbox"}</a>
                    {" · "}<CopyProgress shared={props.shared.clone()} /></p>
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
                            { for in_chapter.iter().map(|exercise| card(exercise, progress)) }
                        </ul>
                    </section>
                }
            }) }
            {open_section}
        </main>
    }
}

/// One exercise's card: title, difficulty, progress badge and summary.
fn card(exercise: &Exercise, progress: &Progress) -> Html {
    let (badge, class) = match progress.status(&exercise.id) {
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
}

/// The link that opens the example course shipped in `courses/`.
fn example_course_link() -> String {
    share::course_link(crate::course::EXAMPLE).unwrap_or_default()
}

#[derive(Properties, PartialEq)]
struct CourseChaptersProps {
    course: Rc<Course>,
    shared: Shared,
}

/// A course's catalog: its title and description, its chapters in order, a link to share it and
/// the way back to the built-in exercises.
#[function_component(CourseChapters)]
fn course_chapters(props: &CourseChaptersProps) -> Html {
    let course = &props.course;
    let progress = &props.shared.progress;
    let on_leave = props.shared.on_course.reform(|_: MouseEvent| None);
    let total = course.exercises().count();
    let solved = course
        .exercises()
        .filter(|e| progress.status(&e.id) == Some(Status::Solved))
        .count();
    let link = share::course_link(course.source());
    html! {
        <>
            <section class="intro" data-test="course">
                <h1>{&course.title}</h1>
                {super::markdown::markdown(&course.description)}
                <p class="progress-line">{format!("{solved} of {total} solved in this course")}
                    {" · "}<CopyProgress shared={props.shared.clone()} />
                    {" · "}<button type="button" onclick={on_leave} data-test="leave-course">{"Back to the built-in exercises"}</button>
                    {" · "}
                    { match &link {
                        Ok(link) => html! { <a href={link.clone()} data-test="course-link">{"Link to this course"}</a> },
                        Err(message) => html! { <span class="warn">{message}</span> },
                    } }</p>
            </section>
            { for course.chapters.iter().map(|chapter| html! {
                <section class="chapter">
                    <h2>{&chapter.title}</h2>
                    <ul class="cards">
                        { for chapter.entries.iter().map(|entry| card(&entry.exercise, progress)) }
                    </ul>
                </section>
            }) }
        </>
    }
}
