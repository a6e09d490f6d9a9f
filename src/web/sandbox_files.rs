//! The sandbox's data files: a trace or latency samples chosen (or dropped) by the learner, read
//! by the browser and kept in the page — nothing is uploaded — for the scenario to name as
//! `file = "..."`, as `queuelab run` reads files next to a scenario.

use super::browser;
use crate::playground::sandbox_files::SandboxFiles;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(super) struct DataFilesProps {
    /// The sandbox's files, shared with the page: each read that finishes (several may be under
    /// way at once) adds to the files as they are then, never to an older copy.
    pub files: Rc<RefCell<SandboxFiles>>,
    /// After an addition or a removal.
    pub on_change: Callback<()>,
}

#[function_component(DataFilesPanel)]
pub(super) fn data_files_panel(props: &DataFilesProps) -> Html {
    let problem = use_state(|| None::<String>);
    let dragging = use_state(|| false);
    let add = {
        let problem = problem.clone();
        let files = props.files.clone();
        let on_change = props.on_change.clone();
        Callback::from(move |file: web_sys::File| {
            let name = file.name();
            let admitted = files.borrow().admits(&name, file.size() as u64);
            if let Err(message) = admitted {
                problem.set(Some(message));
                return;
            }
            let problem = problem.clone();
            let files = files.clone();
            let on_change = on_change.clone();
            browser::read_file(file, move |name, text| {
                let added = text.and_then(|text| files.borrow_mut().add(&name, &text));
                match added {
                    Ok(()) => {
                        problem.set(None);
                        on_change.emit(());
                    }
                    Err(message) => problem.set(Some(format!("{name}: {message}"))),
                }
            });
        })
    };
    let on_pick = {
        let add = add.clone();
        Callback::from(move |event: Event| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            if let Some(files) = input.files() {
                for index in 0..files.length() {
                    if let Some(file) = files.get(index) {
                        add.emit(file);
                    }
                }
            }
            input.set_value("");
        })
    };
    let on_drop = {
        let add = add.clone();
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(false);
            if let Some(files) = event.data_transfer().and_then(|data| data.files()) {
                for index in 0..files.length() {
                    if let Some(file) = files.get(index) {
                        add.emit(file);
                    }
                }
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
    let listed = props.files.borrow().list();
    html! {
        <section class={classes!("open-file", "data-files", dragging.then_some("dragging"))} aria-label="Data files"
            ondrop={on_drop} ondragover={on_drag_over} ondragleave={on_drag_leave} data-test="data-files">
            <h2 class="part">{"Data files"}</h2>
            <p>{"A trace or latency samples for "}<code>{"file = \"...\""}</code>{": drop them here or "}
                <label class="file-button">{"choose files"}
                    <input type="file" multiple=true accept=".csv,.txt,.jsonl,.ndjson,.json,.prom,text/plain,text/csv"
                        onchange={on_pick} data-test="data-file-input" />
                </label>
                {". They are read here and never leave your computer."}</p>
            if !listed.is_empty() {
                <ul class="file-list" data-test="data-file-list">
                    { for listed.into_iter().map(|(name, bytes)| {
                        let remove = {
                            let files = props.files.clone();
                            let on_change = props.on_change.clone();
                            let name = name.clone();
                            Callback::from(move |_: MouseEvent| {
                                files.borrow_mut().remove(&name);
                                on_change.emit(());
                            })
                        };
                        html! {
                            <li><code>{&name}</code>{format!(" · {}", size(bytes))}
                                <button class="link" onclick={remove} aria-label={format!("Remove {name}")}>{"Remove"}</button></li>
                        }
                    }) }
                </ul>
            }
            if let Some(message) = &*problem {
                <p class="error" role="alert" data-test="data-file-error">{message}</p>
            }
        </section>
    }
}

fn size(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1 << 20 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1 << 20) as f64),
    }
}
