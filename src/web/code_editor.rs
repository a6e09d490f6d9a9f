//! The code editor every page that takes code uses (the sandbox, a policy script knob, the
//! authoring page): a plain `<textarea>` — so typing, selection, undo, spell-check off, screen
//! readers and the keyboard all behave as the browser's own — with a line-number gutter and a
//! mirror layer behind it that underlines each problem at its line and column and says what it is
//! at the end of that line. No editor library: the page's Content-Security-Policy allows no
//! inline script, and a textarea keeps the bundle and the keyboard model simple.
//!
//! The text the user typed is the component's own state: a re-render of the page never puts
//! back an older value. A new `value` from the owner (another template, the solution's code)
//! replaces it. Tab moves the focus on, as everywhere on the page; Ctrl/⌘-Enter submits.

use crate::playground::marks::{offset_of, Mark};
use crate::scenario::limits::MAX_INPUT_BYTES;
use std::rc::Rc;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CodeEditorProps {
    /// The `id` of the textarea (for a `<label for>`).
    pub id: AttrValue,
    /// The text to start from; a different value later replaces what is in the editor.
    pub value: AttrValue,
    /// Accessible name of the textarea.
    pub label: AttrValue,
    #[prop_or_default]
    pub marks: Rc<Vec<Mark>>,
    /// Every edit, with the whole text.
    #[prop_or_default]
    pub on_input: Callback<String>,
    /// When the editor loses the focus after a change.
    #[prop_or_default]
    pub on_change: Callback<String>,
    /// Ctrl/⌘-Enter.
    #[prop_or_default]
    pub on_submit: Callback<String>,
    #[prop_or(20)]
    pub rows: usize,
    /// Extra attributes for tests and styling.
    #[prop_or_default]
    pub data_knob: Option<AttrValue>,
    #[prop_or_default]
    pub data_test: Option<AttrValue>,
    /// `data-test` of the list of problems under the editor.
    #[prop_or(AttrValue::Static("editor-problems"))]
    pub problems_test: AttrValue,
}

/// The mirror's content: the text with each marked span underlined and each marked line's
/// messages after it. Unmarked stretches stay single text nodes, so a long file costs a few
/// nodes, not one per line.
fn mirror(text: &str, marks: &[Mark]) -> Html {
    let mut out: Vec<Html> = Vec::new();
    let mut plain = String::new();
    for (index, line) in text.split('\n').enumerate() {
        let number = index + 1;
        let on_line: Vec<&Mark> = marks.iter().filter(|m| m.line == number).collect();
        if index > 0 {
            plain.push('\n');
        }
        let Some(first) = on_line.first() else {
            plain.push_str(line);
            continue;
        };
        let start = first.column.saturating_sub(1);
        let before: String = line.chars().take(start).collect();
        let marked: String = line.chars().skip(start).take(first.length).collect();
        let after: String = line.chars().skip(start + first.length).collect();
        plain.push_str(&before);
        out.push(Html::from(std::mem::take(&mut plain)));
        let says: Vec<&str> = on_line.iter().map(|m| m.message.as_str()).collect();
        out.push(html! {
            <>
                <span class="bad">{if marked.is_empty() { " ".to_string() } else { marked }}</span>
                {after}
                <span class="says">{format!("  ← {}", says.join(" · "))}</span>
            </>
        });
    }
    out.push(Html::from(plain));
    out.into_iter().collect::<Html>()
}

/// Line numbers `1..=lines`, one a line; the numbers of marked lines stand out. Plain
/// stretches are single text nodes (a pasted 100 000-line file is not 100 000 elements).
fn gutter_numbers(lines: usize, marks: &[Mark]) -> Html {
    let mut out: Vec<Html> = Vec::new();
    let mut plain = String::new();
    for n in 1..=lines {
        if marks.iter().any(|m| m.line == n) {
            out.push(Html::from(std::mem::take(&mut plain)));
            out.push(html! { <span class="marked">{format!("{n}\n")}</span> });
        } else {
            plain.push_str(&format!("{n}\n"));
        }
    }
    out.push(Html::from(plain));
    out.into_iter().collect::<Html>()
}

#[function_component(CodeEditor)]
pub fn code_editor(props: &CodeEditorProps) -> Html {
    let text = use_state_eq(|| props.value.to_string());
    let area = use_node_ref();
    let gutter = use_node_ref();
    let layer = use_node_ref();
    {
        // Only a value that differs from the last one given replaces the text. (Setting it on
        // the first run too raced with typing: a paste made before the effect ran was undone.)
        let text = text.clone();
        let given = use_mut_ref(|| props.value.clone());
        use_effect_with(props.value.clone(), move |value| {
            if *given.borrow() != *value {
                *given.borrow_mut() = value.clone();
                text.set(value.to_string());
            }
        });
    }
    let on_input = {
        let text = text.clone();
        let emit = props.on_input.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            let typed = area.value();
            text.set(typed.clone());
            emit.emit(typed);
        })
    };
    let on_change = {
        let emit = props.on_change.clone();
        Callback::from(move |event: Event| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            emit.emit(area.value());
        })
    };
    let on_key = {
        let emit = props.on_submit.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" && (event.ctrl_key() || event.meta_key()) {
                event.prevent_default();
                let area: HtmlTextAreaElement = event.target_unchecked_into();
                emit.emit(area.value());
            }
        })
    };
    // The gutter and the mirror follow the textarea's scrolling: on every scroll, and after
    // every render (a re-rendered gutter can lose its scroll position while its lines change).
    let follow = {
        let (area, gutter, layer) = (area.clone(), gutter.clone(), layer.clone());
        move || {
            let Some(area) = area.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let (top, left) = (area.scroll_top(), area.scroll_left());
            if let Some(gutter) = gutter.cast::<web_sys::Element>() {
                gutter.set_scroll_top(top);
            }
            if let Some(layer) = layer.cast::<web_sys::Element>() {
                layer.set_scroll_top(top);
                layer.set_scroll_left(left);
            }
        }
    };
    use_effect(follow.clone());
    let on_scroll = Callback::from(move |_: Event| follow());
    // Past the size any file may have, the text is refused whole: no gutter or mirror to lay
    // out (a 7 MB paste took 15 s to lay out three times), the textarea alone keeps it.
    let oversized = text.len() > MAX_INPUT_BYTES;
    let lines = if oversized {
        props.rows
    } else {
        text.split('\n').count().max(props.rows)
    };
    let digits = lines.to_string().len();
    let numbers = if oversized {
        Html::default()
    } else {
        gutter_numbers(lines, &props.marks)
    };
    let errors_id = format!("{}-problems", props.id);
    let go_to = |mark: &Mark| {
        let area = area.clone();
        let text = text.clone();
        let (line, column) = (mark.line, mark.column);
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                // Selection offsets are UTF-16 units in the DOM; close enough for the cursor,
                // exact for ASCII, which TOML keys and most values are.
                let at = offset_of(&text, line, column) as u32;
                let _ = area.focus();
                let _ = area.set_selection_range(at, at);
                // The caret alone does not scroll a textarea: bring its line into view, with
                // two lines of context above it.
                let lines = text.split('\n').count().max(1) as f64;
                let per_line = f64::from(area.scroll_height()) / lines;
                area.set_scroll_top((line.saturating_sub(3) as f64 * per_line) as i32);
            }
        })
    };
    html! {
        <div class="code-editor" data-test={props.data_test.clone()}>
            <div class="frame">
                // The gutter's width fits its widest number; it never makes the editor taller.
                <div class="gutter-box" style={format!("width: calc({digits}ch + .9rem)")}>
                    <pre class="gutter" ref={gutter} aria-hidden="true">{numbers}</pre>
                </div>
                <div class="field">
                    <pre class="mirror" ref={layer} aria-hidden="true">{if oversized { Html::default() } else { mirror(&text, &props.marks) }}{"\n"}</pre>
                    <textarea ref={area.clone()} id={props.id.clone()} class="code" spellcheck="false" autocomplete="off"
                        autocapitalize="off" wrap="off" rows={props.rows.to_string()} aria-label={props.label.clone()}
                        aria-invalid={(!props.marks.is_empty()).to_string()}
                        aria-describedby={(!props.marks.is_empty()).then(|| errors_id.clone())}
                        value={(*text).clone()} oninput={on_input} onchange={on_change} onkeydown={on_key}
                        onscroll={on_scroll} data-knob={props.data_knob.clone()} />
                </div>
            </div>
            if !props.marks.is_empty() {
                <ul class="problems error" id={errors_id} role="alert" data-test={props.problems_test.clone()}>
                    { for props.marks.iter().map(|mark| html! {
                        <li data-line={mark.line.to_string()}>
                            if mark.line > 0 {
                                <button class="link" onclick={go_to(mark)}>{mark.place()}</button>{": "}
                            }
                            {&mark.message}
                        </li>
                    }) }
                </ul>
            }
        </div>
    }
}
