//! The sandbox: write any scenario (the `queuelab run` format) and run it, with errors shown
//! inline by line and column.

use super::lab::Lab;
use crate::scenario::Config;
use std::rc::Rc;
use yew::prelude::*;

const STARTER: &str = include_str!("../../scenarios/mmc.toml");

#[function_component(Sandbox)]
pub fn sandbox() -> Html {
    let text = use_state(|| STARTER.to_string());
    let config = use_state(|| {
        crate::scenario::parse(STARTER, "sandbox.toml")
            .map(Rc::new)
            .map_err(|e| e.to_string())
    });
    let apply = {
        let text = text.clone();
        let config = config.clone();
        Callback::from(move |_: MouseEvent| {
            config.set(
                crate::scenario::parse(&text, "sandbox.toml")
                    .map(Rc::new)
                    .map_err(|e| e.to_string()),
            );
        })
    };
    let on_input = {
        let text = text.clone();
        Callback::from(move |event: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = event.target_unchecked_into();
            text.set(area.value());
        })
    };
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
        <main class="page sandbox">
            <h1>{"Sandbox"}</h1>
            <p>{"Any scenario in the "}<code>{"queuelab run"}</code>{" format; see docs/reference.md for every field."}</p>
            <div class="layout">
                <aside class="side">
                    <textarea class="editor" spellcheck="false" value={(*text).clone()} oninput={on_input} aria-label="Scenario TOML" rows="30" />
                    <button class="primary" onclick={apply} data-test="apply">{"Apply"}</button>
                    if let Err(message) = &*config {
                        <pre class="error" role="alert" data-test="sandbox-errors">{message}</pre>
                    }
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
