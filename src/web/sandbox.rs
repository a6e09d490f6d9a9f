//! The sandbox: write any scenario (the `queuelab run` format) and run it, with errors shown
//! marked in the editor at their line and column, and data files (a trace, latency samples)
//! added from the learner's disk for the scenario to name.

use super::code_editor::CodeEditor;
use super::lab::Lab;
use super::sandbox_files::DataFilesPanel;
use crate::playground::marks::{marks, Mark};
use crate::playground::sandbox_files::SandboxFiles;
use crate::scenario::Config;
use std::rc::Rc;
use yew::prelude::*;

const STARTER: &str = include_str!("../../scenarios/mmc.toml");

/// The scenario, or the marks of its problems in the text that was applied.
fn parse(text: &str, files: &SandboxFiles) -> Result<Rc<Config>, Rc<Vec<Mark>>> {
    let files: std::sync::Arc<dyn crate::data::DataFiles> = std::sync::Arc::new(files.clone());
    crate::scenario::parse_with_files(text, "sandbox.toml", &[], Some(files))
        .map(Rc::new)
        .map_err(|errors| Rc::new(marks(&errors, text)))
}

#[function_component(Sandbox)]
pub fn sandbox() -> Html {
    // The text as typed and the data files, read by callbacks when they run (a file read that
    // finishes later applies the text as it is then, not as it was when the read began).
    let text = use_mut_ref(|| STARTER.to_string());
    let files = use_mut_ref(SandboxFiles::default);
    let config = use_state(|| parse(STARTER, &SandboxFiles::default()));
    let apply = {
        let text = text.clone();
        let files = files.clone();
        let config = config.clone();
        Callback::from(move |_: MouseEvent| {
            config.set(parse(&text.borrow(), &files.borrow()));
        })
    };
    // New files apply at once: the scenario naming them was probably waiting for them.
    let on_files = {
        let text = text.clone();
        let files = files.clone();
        let config = config.clone();
        Callback::from(move |()| config.set(parse(&text.borrow(), &files.borrow())))
    };
    let on_input = {
        let text = text.clone();
        Callback::from(move |typed: String| *text.borrow_mut() = typed)
    };
    let on_submit = {
        let text = text.clone();
        let files = files.clone();
        let config = config.clone();
        Callback::from(move |typed: String| {
            config.set(parse(&typed, &files.borrow()));
            *text.borrow_mut() = typed;
        })
    };
    // A file dropped anywhere on the page but the Data files panel would make the browser open
    // it in place of the page, and the scenario typed here with it.
    let keep_the_page = Callback::from(|event: DragEvent| event.prevent_default());
    let on_new_seed = {
        let config = config.clone();
        Callback::from(move |_| {
            if let Ok(current) = &*config {
                let mut next: Config = (**current).clone();
                next.seed = crate::rng::Rng::stream(next.seed, 0xC0FFEE).next_u64() % 1_000_000;
                config.set(Ok(Rc::new(next)));
            }
        })
    };
    html! {
        <main class="page sandbox" ondragover={keep_the_page.clone()} ondrop={keep_the_page}>
            <h1>{"Sandbox"}</h1>
            <p>{"Any scenario in the "}<code>{"queuelab run"}</code>{" format; see docs/reference.md for every field."}</p>
            <div class="layout">
                <aside class="side">
                    <CodeEditor id="sandbox-editor" value={STARTER} label="Scenario TOML" rows={30}
                        marks={config.as_ref().err().cloned().unwrap_or_default()} on_input={on_input}
                        on_submit={on_submit} data_test="sandbox-editor" problems_test="sandbox-errors" />
                    <button class="primary" onclick={apply} data-test="apply">{"Apply"}</button>
                    <DataFilesPanel files={files.clone()} on_change={on_files} />
                </aside>
                <div class="main">
                    if let Ok(config) = &*config {
                        <Lab config={config.clone()} on_new_seed={on_new_seed} />
                    }
                </div>
            </div>
        </main>
    }
}
