//! A policy script's knob: the code editor with its problems marked, "Reset to the starter"
//! (which keeps the code it replaces until the learner writes again, so a misclick loses
//! nothing), and, once the exercise is solved, "Compare with the reference" — the learner's code
//! beside ours, line by line.

use super::code_editor::CodeEditor;
use crate::exercise::Knob;
use crate::playground::code_diff::{compare, Side};
use crate::playground::code_drafts::CodeDrafts;
use crate::playground::marks::Mark;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(super) struct ScriptKnobProps {
    pub id: AttrValue,
    pub knob: Knob,
    pub code: AttrValue,
    #[prop_or_default]
    pub marks: Rc<Vec<Mark>>,
    /// Applied code: on leaving the editor, Ctrl/⌘-Enter, a reset or an undo.
    pub on_change: Callback<String>,
    /// Every keystroke, for the draft kept in the browser.
    #[prop_or_default]
    pub on_typed: Callback<String>,
    /// The reference solution's code, once the exercise is solved.
    #[prop_or_default]
    pub reference: Option<AttrValue>,
    /// The code came back from the browser's drafts rather than the starter.
    #[prop_or_default]
    pub restored: bool,
}

#[function_component(ScriptKnob)]
pub(super) fn script_knob(props: &ScriptKnobProps) -> Html {
    let starter = props.knob.start.to_string();
    // The code a reset replaced, offered back until the learner writes something else.
    let replaced = use_state(|| None::<String>);
    let comparing = use_state(|| false);
    {
        let replaced = replaced.clone();
        let at_starter = props.code.as_str() == starter;
        use_effect_with(props.code.clone(), move |_| {
            if !at_starter {
                replaced.set(None);
            }
        });
    }
    let reset = {
        let replaced = replaced.clone();
        let code = props.code.to_string();
        let starter = starter.clone();
        let on_change = props.on_change.clone();
        Callback::from(move |_: MouseEvent| {
            replaced.set(Some(code.clone()));
            on_change.emit(starter.clone());
        })
    };
    let undo = {
        let replaced = replaced.clone();
        let on_change = props.on_change.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(code) = (*replaced).clone() {
                on_change.emit(code);
            }
        })
    };
    let toggle_compare = {
        let comparing = comparing.clone();
        Callback::from(move |_: MouseEvent| comparing.set(!*comparing))
    };
    let rows = (props.code.lines().count() + 2).clamp(8, 40);
    let at_starter = props.code.as_str() == starter;
    html! {
        <span class="script-editor">
            <CodeEditor id={props.id.clone()} value={props.code.clone()} label={props.knob.label.clone()} {rows}
                marks={props.marks.clone()} on_input={props.on_typed.clone()} on_change={props.on_change.clone()}
                on_submit={props.on_change.clone()} data_knob={props.knob.path.clone()} />
            <span class="help">
                {"Applied when you leave the editor, or with Ctrl/⌘-Enter."}
                if props.restored && !at_starter { {" Your code from last time, kept in this browser."} }
            </span>
            <span class="script-tools">
                if let Some(code) = &*replaced {
                    <button class="link" onclick={undo} data-test="undo-reset">
                        {format!("Undo the reset (back to your {} lines)", code.lines().count())}
                    </button>
                } else if !at_starter {
                    <button class="link" onclick={reset} data-test="reset-starter">{"Reset to the starter"}</button>
                }
                if props.reference.is_some() {
                    <button class="link" onclick={toggle_compare} aria-expanded={comparing.to_string()} data-test="compare-reference">
                        { if *comparing { "Hide the reference" } else { "Compare with the reference" } }
                    </button>
                }
            </span>
            if let (true, Some(reference)) = (*comparing, &props.reference) {
                {comparison(&props.code, reference)}
            }
        </span>
    }
}

/// The learner's code and the reference as one list, each line marked by who wrote it (in words
/// for screen readers, by colour and sign on screen).
fn comparison(yours: &str, reference: &str) -> Html {
    let lines = compare(yours, reference);
    let mine = lines.iter().filter(|l| l.side == Side::OnlyYours).count();
    let theirs = lines
        .iter()
        .filter(|l| l.side == Side::OnlyReference)
        .count();
    html! {
        <figure class="comparison" data-test="comparison">
            <figcaption>{format!(
                "Your code beside the reference: {mine} lines only in yours (−), {theirs} only in the reference (+)."
            )}</figcaption>
            <ol class="diff">
                { for lines.iter().map(|line| {
                    let (class, sign, said) = match line.side {
                        Side::Both => ("both", " ", ""),
                        Side::OnlyYours => ("yours", "−", "only yours: "),
                        Side::OnlyReference => ("reference", "+", "only the reference: "),
                    };
                    html! {
                        <li class={class}><span aria-hidden="true">{sign}</span>
                            <span class="visually-hidden">{said}</span><code>{&line.text}</code></li>
                    }
                }) }
            </ol>
        </figure>
    }
}

/// Where the learner's code drafts are kept, and where text there that this version cannot read
/// is moved (once) instead of being overwritten.
const CODE_DRAFTS_KEY: &str = "queuelab.code.v1";
const UNREADABLE_DRAFTS_KEY: &str = "queuelab.code.v1.unreadable";

/// The learner's code drafts kept in this browser.
pub(super) fn stored_drafts() -> CodeDrafts {
    let text = super::browser::load(CODE_DRAFTS_KEY).unwrap_or_default();
    CodeDrafts::from_json(&text).unwrap_or_else(|_| {
        if super::browser::load(UNREADABLE_DRAFTS_KEY).is_none() {
            super::browser::save(UNREADABLE_DRAFTS_KEY, &text);
        }
        CodeDrafts::default()
    })
}

/// Changes the stored drafts and saves them.
pub(super) fn update_drafts(change: impl FnOnce(&mut CodeDrafts)) {
    let mut drafts = stored_drafts();
    change(&mut drafts);
    super::browser::save(CODE_DRAFTS_KEY, &drafts.to_json());
}
