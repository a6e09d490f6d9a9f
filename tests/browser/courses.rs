//! Courses and progress reports in a real DOM: a course link shows the course's chapters as the
//! catalog (its own exercise among them) with the way back; a progress report copied from the
//! catalog reads back on the instructor's page as a row of the class table.

use super::{element, mount_app};
use queuelab::playground::share;
use std::time::Duration;
use wasm_bindgen_test::wasm_bindgen_test;

/// Waits for `selector` under `root`; a generous hang guard, not a speed goal.
async fn wait_for(root: &web_sys::Element, selector: &str) {
    let started = super::now_ms();
    while root.query_selector(selector).unwrap().is_none() {
        assert!(
            super::now_ms() - started < 10_000.0,
            "{selector} never appeared"
        );
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }
}

#[wasm_bindgen_test]
async fn a_course_link_shows_its_chapters_and_the_way_back() {
    let window = web_sys::window().unwrap();
    let storage = window.local_storage().unwrap().unwrap();
    storage.remove_item("queuelab.course.v1").unwrap();
    let link = share::course_link(queuelab::course::EXAMPLE).unwrap();
    window.location().set_hash(&link).unwrap();
    let (root, app) = mount_app();
    wait_for(&root, "[data-test=course]").await;
    let title = element::<web_sys::Element>(&root, "[data-test=course] h1");
    assert_eq!(title.text_content().unwrap(), "Queues in a week");
    assert!(root
        .query_selector("[data-exercise=lunch-rush]")
        .unwrap()
        .is_some());
    assert_eq!(
        root.query_selector_all("section.chapter").unwrap().length(),
        3
    );
    element::<web_sys::HtmlElement>(&root, "[data-test=leave-course]").click();
    let started = super::now_ms();
    while root.query_selector("[data-test=course]").unwrap().is_some() {
        assert!(super::now_ms() - started < 10_000.0, "the course stayed");
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }
    // The built-in chapters are back. (Local storage is not asserted here: apps that earlier
    // tests left mounted in this page follow the same link, each in its own time.)
    wait_for(&root, "[data-test=copy-progress]").await;
    assert!(root.query_selector_all("section.chapter").unwrap().length() > 3);
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_copied_progress_report_reads_back_on_the_instructors_page() {
    let window = web_sys::window().unwrap();
    let storage = window.local_storage().unwrap().unwrap();
    storage.remove_item("queuelab.course.v1").unwrap();
    storage
        .set_item(
            "queuelab.progress.v1",
            r##"{"exercises":{"littles-law":"solved"},"solved":{"littles-law":{"at":"2026-12-03T17:00:00.000Z","run":"#/exercise/littles-law?seed=2"}}}"##,
        )
        .unwrap();
    storage.set_item("queuelab.learner.v1", "Ada").unwrap();
    window.location().set_hash("#/").unwrap();
    let (root, app) = mount_app();
    wait_for(&root, "[data-test=copy-progress]").await;
    element::<web_sys::HtmlElement>(&root, "[data-test=copy-progress]").click();
    wait_for(&root, "[data-test=progress-report]").await;
    let report =
        element::<web_sys::HtmlTextAreaElement>(&root, "[data-test=progress-report]").value();
    assert!(report.contains("# Queue Lab progress: Ada"), "{report}");
    assert!(report.contains("#/exercise/littles-law?seed=2"), "{report}");

    window.location().set_hash("#/progress").unwrap();
    wait_for(&root, "[data-test=paste-report]").await;
    let paste: web_sys::HtmlTextAreaElement = element(&root, "[data-test=paste-report]");
    paste.set_value("not a report");
    paste
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    element::<web_sys::HtmlElement>(&root, "[data-test=add-report]").click();
    wait_for(&root, ".report-messages li.error").await;
    paste.set_value(&report);
    paste
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    element::<web_sys::HtmlElement>(&root, "[data-test=add-report]").click();
    wait_for(&root, "[data-test=class-table]").await;
    let table = element::<web_sys::Element>(&root, "[data-test=class-table]");
    let text = table.text_content().unwrap();
    assert!(text.contains("Ada") && text.contains("✓ solved"), "{text}");
    app.destroy();
    root.remove();
}
