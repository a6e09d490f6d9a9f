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
mod shared;
mod theory_box;

pub use app::App;

/// Mounts the playground on the page's body.
pub fn start() {
    panic_panel::install();
    yew::Renderer::<App>::new().render();
}
