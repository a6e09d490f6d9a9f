//! "Copy my progress": the learner's report (Markdown for people, with its JSON for the
//! instructor's page) made from the progress the catalog shows — the course's, or the built-in
//! exercises' — ready to copy, with the learner's name kept for next time.

use super::browser;
use super::shared::Shared;
use crate::playground::report::{CourseRef, Report};
use yew::prelude::*;

/// Where the learner's name is kept.
const NAME_KEY: &str = "queuelab.learner.v1";

#[derive(Properties, PartialEq)]
pub struct CopyProgressProps {
    pub shared: Shared,
}

#[function_component(CopyProgress)]
pub fn copy_progress(props: &CopyProgressProps) -> Html {
    let open = use_state(|| false);
    let name = use_state(|| browser::load(NAME_KEY).unwrap_or_default());
    let copied = use_state(|| None::<&'static str>);
    if !*open {
        let open = open.clone();
        return html! {
            <button type="button" onclick={Callback::from(move |_| open.set(true))} data-test="copy-progress">{"Copy my progress"}</button>
        };
    }
    // Made only while shown: the catalog renders often.
    let shared = &props.shared;
    let exercises: Vec<(String, String)> = match &shared.course {
        Some(course) => course
            .exercises()
            .map(|e| (e.id.clone(), e.title.clone()))
            .collect(),
        None => shared
            .exercises
            .iter()
            .map(|e| (e.id.clone(), e.title.clone()))
            .collect(),
    };
    let course = shared.course.as_ref().map(|course| CourseRef {
        id: course.id.clone(),
        title: course.title.clone(),
    });
    let report = Report::new(
        &name,
        course,
        &browser::now_iso(),
        &shared.progress,
        &exercises,
    );
    let markdown = report.to_markdown(&browser::page_address());
    let on_name = {
        let name = name.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            browser::save(NAME_KEY, &input.value());
            name.set(input.value());
        })
    };
    let on_copy = {
        let copied = copied.clone();
        let markdown = markdown.clone();
        Callback::from(move |_: MouseEvent| {
            copied.set(Some(if browser::copy_to_clipboard(&markdown) {
                "Copied. Paste it into a mail or your class's form."
            } else {
                "This browser does not let the page copy: select the text below and copy it."
            }));
        })
    };
    let on_download = {
        let markdown = markdown.clone();
        Callback::from(move |_: MouseEvent| {
            browser::download_text("queuelab-progress.md", "text/markdown", &markdown)
        })
    };
    html! {
        <div class="copy-progress" role="group" aria-label="My progress report">
            <label>{"Your name (for your instructor) "}
                <input type="text" value={(*name).clone()} oninput={on_name} data-test="learner-name" /></label>
            {" "}<button type="button" onclick={on_copy} data-test="copy-report">{"Copy the report"}</button>
            {" "}<button type="button" onclick={on_download}>{"Download .md"}</button>
            if let Some(said) = *copied { <p role="status">{said}</p> }
            <textarea readonly=true rows="10" class="report" aria-label="The report" data-test="progress-report" value={markdown} />
        </div>
    }
}
