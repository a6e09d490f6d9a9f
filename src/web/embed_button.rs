//! "Embed": the iframe snippet that shows this exercise, at the knobs and seed on screen, in a
//! course page or a blog post ([`crate::playground::embed`]), with a button that copies it and the
//! text itself to select where the browser offers no clipboard.

use super::browser;
use crate::playground::embed;
use crate::playground::Permalink;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EmbedButtonProps {
    /// The exercise's address as on screen (`#/exercise/…`).
    pub address: AttrValue,
    pub title: AttrValue,
}

#[function_component(EmbedButton)]
pub fn embed_button(props: &EmbedButtonProps) -> Html {
    let open = use_state(|| false);
    let copied = use_state(|| None::<bool>);
    let snippet = embed::snippet(
        &browser::page_address(),
        Permalink::parse(&props.address),
        &props.title,
    );
    let toggle = {
        let open = open.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            copied.set(None);
            open.set(!*open);
        })
    };
    let copy = {
        let copied = copied.clone();
        let snippet = snippet.clone();
        Callback::from(move |_: MouseEvent| copied.set(Some(browser::copy_to_clipboard(&snippet))))
    };
    html! {
        <div class="embed">
            <button class="link" onclick={toggle} aria-expanded={open.to_string()} data-test="embed">{"Embed"}</button>
            if *open {
                <div class="embed-panel" data-test="embed-panel">
                    <label for="embed-snippet">{"Paste this into a course page or a blog post: it shows this exercise at these knobs and seed."}</label>
                    <textarea id="embed-snippet" readonly=true rows="3" value={snippet} data-test="embed-snippet" />
                    <button onclick={copy} data-test="embed-copy">{"Copy"}</button>
                    { match *copied {
                        Some(true) => html! { <span role="status">{" Copied."}</span> },
                        Some(false) => html! { <span role="status">{" This browser offers no clipboard here: select the text above and copy it."}</span> },
                        None => html! {},
                    } }
                </div>
            }
        </div>
    }
}
