//! The browser playground (yew, client-side rendered). Components only render the model in
//! [`crate::playground`] and wire events to it; timers live in handles owned by components, so
//! leaving a page cancels its run.

mod app;
mod author;
mod browser;
mod catalog;
mod charts;
mod class_progress;
mod code_editor;
mod copy_progress;
mod diagram;
mod embed_button;
mod exercise_page;
mod following;
mod grading;
mod knob_input;
mod lab;
mod markdown;
mod panic_panel;
mod parts_table;
mod prove;
mod questions;
mod sandbox;
mod sandbox_files;
mod script_knob;
mod shared;
mod theory_box;
mod tour;
mod worker;

pub use app::App;

/// Real time one slice of the start may take. Lighthouse's phone preset counts a task four
/// times as long (its CPU is four times slower), and a task past 50 ms as blocking the page.
const START_SLICE_MS: f64 = 10.0;

/// Mounts the playground on the page's body, after parsing the built-in catalog in slices of at
/// most [`START_SLICE_MS`], each its own task: the page (the prerendered first paint) stays
/// responsive while the app gets ready, and the mount that replaces it comes in one step. In the
/// engine's Web Worker (`worker`) it does nothing.
pub fn start() {
    // The same module runs in the engine's Web Worker, where there is no page to mount.
    if worker::in_worker() {
        return;
    }
    panic_panel::install();
    yew::platform::spawn_local(async {
        let mut parse = crate::exercise::CatalogParse::default();
        loop {
            let begun = browser::now_ms();
            if parse.step(|| browser::now_ms() - begun < START_SLICE_MS) {
                break;
            }
            yew::platform::time::sleep(std::time::Duration::ZERO).await;
        }
        yew::platform::time::sleep(std::time::Duration::ZERO).await;
        yew::Renderer::<App>::new().render();
    });
}
