//! The diagram draws single jobs once stepping (or at 1× and 10×), and Step says what happened.

use super::{element, mount, settle, settle_until};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn stepping_draws_job_elements_and_says_what_happened() {
    web_sys::window()
        .unwrap()
        .location()
        .set_hash("#/exercise/shed-vs-block")
        .unwrap();
    let root = mount();
    settle_until(&root, ".lab[data-state=ready]").await;
    let step: web_sys::HtmlElement = element(&root, "[data-test=step]");
    // Steps until a job is on the picture (a hang guard of 300 events, not a speed goal).
    for _ in 0..300 {
        if root.query_selector(".diagram.jobs .job").unwrap().is_some() {
            break;
        }
        step.click();
        settle().await;
    }
    let jobs = root
        .query_selector_all(".diagram.jobs .job[data-job]")
        .unwrap();
    assert!(jobs.length() >= 1, "job elements drawn");
    let told = element::<web_sys::HtmlElement>(&root, "[data-test=step-told]")
        .text_content()
        .unwrap_or_default();
    assert!(told.starts_with("t = ") && told.contains("job "), "{told}");
    let label = element::<web_sys::Element>(&root, ".diagram.jobs")
        .get_attribute("aria-label")
        .unwrap_or_default();
    assert!(label.contains("workers busy"), "{label}");
}
