//! One knob of an exercise as a control: a slider with a number or duration field, a select of
//! choices, or a policy script's code in the code editor with its problems marked at their line.

use super::script_knob::ScriptKnob;
use crate::exercise::{Knob, KnobKind, KnobValue};
use crate::playground::marks::Mark;
use std::rc::Rc;
use yew::prelude::*;

/// The marks of a script knob's problems: the errors the scenario gave with that knob's code,
/// at their line and column within the code.
pub(super) fn script_marks(errors: &crate::scenario::ScenarioErrors, knob: &Knob) -> Vec<Mark> {
    let origin = format!("knob scenario.{}", knob.path);
    errors
        .0
        .iter()
        .filter(|error| error.origin == origin || error.origin == format!("knob {}", knob.path))
        .map(|error| match error.within {
            Some(_) => Mark {
                line: error.line,
                column: error.column.max(1),
                length: 1,
                message: error.message.clone(),
            },
            None => Mark::unplaced(error.message.clone()),
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub(super) struct KnobProps {
    pub knob: Knob,
    pub value: KnobValue,
    pub error: Option<String>,
    /// A script knob's problems, marked in its editor.
    #[prop_or_default]
    pub marks: Rc<Vec<Mark>>,
    pub on_change: Callback<(Knob, String)>,
    /// A script knob's every keystroke, for the draft kept in the browser.
    #[prop_or_default]
    pub on_typed: Callback<(Knob, String)>,
    /// A script knob's "Reset to the starter", with the code it replaces.
    #[prop_or_default]
    pub on_reset: Callback<(Knob, String)>,
    /// A script knob's code set aside is taken back.
    #[prop_or_default]
    pub on_take_back: Callback<Knob>,
    /// A script knob's code set aside (by a reset, or hidden by a link's other code).
    #[prop_or_default]
    pub aside: Option<AttrValue>,
    /// A script knob's reference code, once the exercise is solved.
    #[prop_or_default]
    pub reference: Option<AttrValue>,
    /// A script knob's code came back from the browser's drafts.
    #[prop_or_default]
    pub restored: bool,
}

#[function_component(KnobInput)]
pub(super) fn knob_input(props: &KnobProps) -> Html {
    let knob = props.knob.clone();
    let id = format!("knob-{}", knob.path.replace(['.', '[', ']'], "-"));
    let emit = {
        let knob = knob.clone();
        let on_change = props.on_change.clone();
        move |text: String| on_change.emit((knob.clone(), text))
    };
    let on_text = {
        let emit = emit.clone();
        Callback::from(move |event: Event| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            emit(input.value());
        })
    };
    let on_slide = {
        let emit = emit.clone();
        let kind = knob.kind.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            let text = match &kind {
                KnobKind::Duration { .. } => input
                    .value()
                    .parse::<u64>()
                    .map(|nanos| crate::time::SimDuration::from_nanos(nanos).to_string())
                    .unwrap_or_default(),
                _ => input.value(),
            };
            emit(text);
        })
    };
    let on_select = {
        let emit = emit.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            emit(select.value());
        })
    };
    let unit = knob.unit.clone().unwrap_or_default();
    let control = match &knob.kind {
        KnobKind::Script => {
            let with_knob = |callback: &Callback<(Knob, String)>| {
                let knob = knob.clone();
                callback.reform(move |text| (knob.clone(), text))
            };
            let on_take_back = {
                let knob = knob.clone();
                props.on_take_back.reform(move |()| knob.clone())
            };
            html! {
                <ScriptKnob id={id.clone()} knob={knob.clone()} code={props.value.to_string()} marks={props.marks.clone()}
                    on_change={Callback::from(emit)} on_typed={with_knob(&props.on_typed)} on_reset={with_knob(&props.on_reset)}
                    {on_take_back} aside={props.aside.clone()} reference={props.reference.clone()} restored={props.restored} />
            }
        }
        KnobKind::Choice(choices) => html! {
            <select id={id.clone()} onchange={on_select} data-knob={knob.path.clone()}>
                { for choices.iter().map(|choice| html! {
                    <option value={choice.to_string()} selected={*choice == props.value}>{choice.to_string()}</option>
                }) }
            </select>
        },
        KnobKind::Integer { .. } | KnobKind::Float { .. } => {
            let (min, max, step) = match &knob.kind {
                KnobKind::Integer { min, max, step } => {
                    (min.to_string(), max.to_string(), step.to_string())
                }
                KnobKind::Float { min, max, step } => {
                    (min.to_string(), max.to_string(), step.to_string())
                }
                _ => Default::default(),
            };
            html! {
                <span class="slider">
                    <input type="range" min={min.clone()} max={max.clone()} step={step.clone()}
                        value={props.value.to_string()} oninput={on_slide} aria-labelledby={format!("{id}-label")} />
                    <input id={id.clone()} type="number" {min} {max} {step}
                        value={props.value.to_string()} onchange={on_text} data-knob={knob.path.clone()} />
                    <span class="unit">{unit}</span>
                </span>
            }
        }
        KnobKind::Duration { min, max, step } => {
            let nanos = match &props.value {
                KnobValue::Duration(d) => d.as_nanos(),
                _ => min.as_nanos(),
            };
            html! {
                <span class="slider">
                    <input type="range" min={min.as_nanos().to_string()} max={max.as_nanos().to_string()} step={step.as_nanos().to_string()}
                        value={nanos.to_string()} oninput={on_slide} aria-labelledby={format!("{id}-label")} />
                    <input id={id.clone()} type="text" value={props.value.to_string()} onchange={on_text} size="8" data-knob={knob.path.clone()} />
                </span>
            }
        }
    };
    html! {
        <div class="knob">
            <label id={format!("{id}-label")} for={id.clone()}>{&knob.label}</label>
            {control}
            if let Some(help) = &knob.help { <p class="help">{help}</p> }
            if let Some(error) = &props.error { <p class="error" role="alert" data-test="knob-error">{error}</p> }
        </div>
    }
}
