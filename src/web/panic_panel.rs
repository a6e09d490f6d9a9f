//! A panic, whatever its cause, must not leave a dead page behind. In WebAssembly a panic aborts
//! the module: nothing in the app answers any more, and every later event would panic again. The
//! hook installed here runs first and puts a panel over the page, built with plain DOM calls (no
//! app state, no callbacks into the stopped module): what happened, that saved progress is safe,
//! and two plain links that reload the page, which restarts the module. `#/debug/panic` panics on
//! purpose, so the end-to-end test can see it: in a debug build, or in a release build once the
//! page's own script set the storage flag `playground::route::DEBUG_PANIC_KEY` (a link cannot).

const PANEL_ID: &str = "panic-panel";

pub fn install() {
    // Through yew, which would otherwise install its own hook (console only) when it renders.
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&format!("Queue Lab stopped: {message}").into());
        show(&message);
    }));
}

fn show(message: &str) -> Option<()> {
    let window = web_sys::window()?;
    let document = window.document()?;
    if document.get_element_by_id(PANEL_ID).is_some() {
        return Some(());
    }
    let location = window.location();
    let hash = location.hash().unwrap_or_default();
    let element = |tag: &str, text: &str| -> Option<web_sys::Element> {
        let element = document.create_element(tag).ok()?;
        element.set_text_content(Some(text));
        Some(element)
    };
    let panel = document.create_element("div").ok()?;
    panel.set_id(PANEL_ID);
    panel.set_attribute("role", "alert").ok()?;
    let heading = element("h2", "Queue Lab stopped on an internal error")?;
    let advice = element(
        "p",
        "This is a bug in Queue Lab, not something you did wrong. Your progress is saved in this browser and is safe. Reload to carry on.",
    )?;
    let details = element("pre", message)?;
    for part in [heading, advice, details] {
        panel.append_child(&part).ok()?;
    }
    // A new query string makes the browser load the page afresh (a new fragment alone would not).
    // Relative to the page: a path taken from the address (`//evil.example/`) could lead away.
    for (text, href) in [
        ("Reload this page", format!("?reload{hash}")),
        ("Back to the catalog", "?reload#/".to_string()),
    ] {
        let link = element("a", text)?;
        link.set_attribute("href", &href).ok()?;
        link.set_attribute("class", "button").ok()?;
        panel.append_child(&link).ok()?;
    }
    document.body()?.append_child(&panel).ok()?;
    Some(())
}
