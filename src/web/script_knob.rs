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
    /// Applied code: on leaving the editor, Ctrl/⌘-Enter.
    pub on_change: Callback<String>,
    /// Every keystroke, for the draft kept in the browser.
    #[prop_or_default]
    pub on_typed: Callback<String>,
    /// "Reset to the starter", with the code it replaces (the page sets it aside first).
    #[prop_or_default]
    pub on_reset: Callback<String>,
    /// Take the code set aside back.
    #[prop_or_default]
    pub on_take_back: Callback<()>,
    /// Code the page set aside (a reset, or a link's other code hid it), kept until taken back.
    #[prop_or_default]
    pub aside: Option<AttrValue>,
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
    let comparing = use_state(|| false);
    let reset = {
        let code = props.code.to_string();
        let on_reset = props.on_reset.clone();
        Callback::from(move |_: MouseEvent| on_reset.emit(code.clone()))
    };
    let take_back = props.on_take_back.reform(|_: MouseEvent| ());
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
                if let Some(code) = props.aside.as_ref().filter(|aside| aside.as_str() != props.code.as_str()) {
                    <button class="link" onclick={take_back} data-test="undo-reset">
                        {format!("Back to your code ({} lines, kept in this browser)", code.lines().count())}
                    </button>
                }
                if !at_starter {
                    <button class="link" onclick={reset} data-test="reset-starter">{"Reset to the starter"}</button>
                }
                if props.reference.is_some() {
                    <button class="link" onclick={toggle_compare} aria-expanded={comparing.to_string()} data-test="compare-reference">
                        { if *comparing { "Hide the reference" } else { "Compare with the reference" } }
                    </button>
                }
            </span>
            if let (true, Some(reference)) = (*comparing, &props.reference) {
                <Comparison yours={props.code.clone()} reference={reference.clone()} />
            }
        </span>
    }
}

#[derive(Properties, PartialEq)]
struct ComparisonProps {
    yours: AttrValue,
    reference: AttrValue,
}

/// The comparison, worked out again only when either code changes.
#[function_component(Comparison)]
fn comparison_view(props: &ComparisonProps) -> Html {
    let shown = use_memo(
        (props.yours.clone(), props.reference.clone()),
        |(yours, reference)| comparison(yours, reference),
    );
    (*shown).clone()
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

/// Where the learner's code drafts are kept; text there that this version cannot read is moved
/// to a key of its own (stamped with the time) instead of being overwritten.
const CODE_DRAFTS_KEY: &str = "queuelab.code.v1";
const UNREADABLE_DRAFTS_KEY: &str = "queuelab.code.v1.unreadable";

/// The learner's code drafts kept in this browser; `None` when they cannot be read and cannot be
/// safely replaced (the browser would not say what is stored, or would not keep the unreadable
/// text aside): then nothing is saved over them.
pub(super) fn stored_drafts() -> Option<CodeDrafts> {
    let text = super::browser::try_load(CODE_DRAFTS_KEY)
        .ok()?
        .unwrap_or_default();
    match CodeDrafts::from_json(&text) {
        Ok(drafts) => Some(drafts),
        Err(_) => {
            let aside = format!("{UNREADABLE_DRAFTS_KEY}.{}", js_sys::Date::now() as u64);
            super::browser::try_save(&aside, &text).then(CodeDrafts::default)
        }
    }
}

/// Changes the stored drafts and saves them (never over drafts that could not be read).
pub(super) fn update_drafts(change: impl FnOnce(&mut CodeDrafts)) {
    if let Some(mut drafts) = stored_drafts() {
        change(&mut drafts);
        super::browser::save(CODE_DRAFTS_KEY, &drafts.to_json());
    }
}
