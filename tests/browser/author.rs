//! The authoring page in a real DOM: the template opens valid with its preview beside it; a
//! typed error is marked at its line in the gutter, in the mirror and in the list; a 2 MB paste
//! is refused in the editor and kept there; Prove runs
//! the checker to the end without blocking the page; a shared link opens the exercise page.

use super::{element, mount};
use std::time::Duration;
use wasm_bindgen_test::wasm_bindgen_test;

async fn wait_for(root: &web_sys::Element, selector: &str, seconds: f64) {
    let started = super::now_ms();
    while root.query_selector(selector).unwrap().is_none() {
        assert!(
            super::now_ms() - started < seconds * 1000.0,
            "{selector} never appeared"
        );
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }
}

#[wasm_bindgen_test]
async fn author_marks_an_error_at_its_line_proves_and_shares() {
    let window = web_sys::window().unwrap();
    let storage = window.local_storage().unwrap().unwrap();
    storage.remove_item("queuelab.author.text.v1").unwrap();
    window.location().set_hash("#/author").unwrap();
    let root = mount();
    wait_for(&root, "[data-test=author-preview] .exercise", 5.0).await;
    let area: web_sys::HtmlTextAreaElement = element(&root, "#author-editor");
    let template = area.value();
    assert_eq!(template, queuelab::exercise::template::TEMPLATE);

    let broken = template.replace("workers = 2", "workers = \"two\"");
    let line = broken.lines().position(|l| l.contains("\"two\"")).unwrap() + 1;
    area.set_value(&broken);
    area.dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    wait_for(
        &root,
        &format!("[data-test=editor-problems] li[data-line='{line}']"),
        2.0,
    )
    .await;
    let gutter = element::<web_sys::Element>(&root, ".code-editor .gutter .marked");
    assert_eq!(gutter.text_content().unwrap().trim(), line.to_string());
    let says = element::<web_sys::Element>(&root, ".code-editor .mirror .says");
    assert!(says.text_content().unwrap().contains("pool.workers"));
    // The preview keeps the last valid version meanwhile.
    assert!(root
        .query_selector("[data-test=author-preview] .exercise")
        .unwrap()
        .is_some());
    // What was typed is saved.
    assert_eq!(
        storage
            .get_item("queuelab.author.text.v1")
            .unwrap()
            .as_deref(),
        Some(broken.as_str())
    );

    area.set_value(&template);
    area.dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    wait_for(&root, "[data-test=prove]", 2.0).await;
    element::<web_sys::HtmlElement>(&root, "[data-test=prove]").click();
    wait_for(&root, "[data-test=prove-panel][data-state=finished]", 60.0).await;
    // No Trunk loader here, so no worker: Prove steps the checker in the page (the end-to-end
    // test proves in the worker, and both ways on one exercise).
    assert!(root
        .query_selector("[data-test=prove-panel][data-engine=page]")
        .unwrap()
        .is_some());
    let verdict = element::<web_sys::Element>(&root, "[data-test=prove-verdict]");
    assert!(
        verdict.text_content().unwrap().contains("Proven on"),
        "{:?}",
        verdict.text_content()
    );

    element::<web_sys::HtmlElement>(&root, "[data-test=share]").click();
    wait_for(&root, "[data-test=share-link]", 2.0).await;
    let link: web_sys::HtmlInputElement = element(&root, "[data-test=share-link]");
    let hash = link.value().split_once('#').unwrap().1.to_string();
    window.location().set_hash(&hash).unwrap();
    // A hang guard with room for the apps earlier tests left mounted, which open the link too.
    wait_for(
        &root,
        "main.exercise[data-exercise=my-first-exercise]",
        20.0,
    )
    .await;
}

/// A 2 MB paste is refused with the file limit, inside the editor, and the text stays in it.
#[wasm_bindgen_test]
async fn a_2_mb_paste_is_refused_with_the_limit_and_kept() {
    let window = web_sys::window().unwrap();
    window.location().set_hash("#/author").unwrap();
    let root = mount();
    let root = &root;
    wait_for(root, "#author-editor", 5.0).await;
    let area: web_sys::HtmlTextAreaElement = element(root, "#author-editor");
    let huge = "# a comment line of padding, forty-odd bytes\n".repeat(50_000);
    let started = super::now_ms();
    area.set_value(&huge);
    // The browser's own layout of the pasted text, before the page hears of it.
    let _ = area.scroll_height();
    let laid_out = super::now_ms() - started;
    area.dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    wait_for(root, "[data-test=editor-problems] li[data-line='0']", 10.0).await;
    let answered = super::now_ms() - started;
    let problems = element::<web_sys::Element>(root, "[data-test=editor-problems]");
    assert!(
        problems
            .text_content()
            .unwrap()
            .contains("more than the limit of 1048576 bytes"),
        "{:?}",
        problems.text_content()
    );
    assert_eq!(area.value().len(), huge.len(), "the paste is kept");
    wasm_bindgen_test::console_log!(
        "author: a {} byte paste answered in {answered:.0} ms ({laid_out:.0} ms the textarea's own layout)",
        huge.len()
    );
    // The textarea's own layout is the browser's (3.5-4.4 s for 7 MB on 2026-12-03; the
    // sandbox's textarea takes as long). The page's part came to 1.5-1.8 s for 7 MB (with the
    // gutter and mirror left out past the file limit; 10 s with them), not the 100 ms the
    // sandbox's Apply keeps to: where it goes is not found yet. Held to 4 s.
    assert!(
        answered - laid_out < 4000.0,
        "{answered} ms, {laid_out} ms of it layout"
    );
}
