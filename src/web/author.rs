//! The authoring page (`#/author`): write an exercise's TOML in the code editor, starting from
//! the template, a remix of any built-in exercise, a file or a draft; every problem is marked
//! at its line as you type (the parser and checks of `queuelab check`), the exercise page
//! itself previews it beside the editor, "Prove" runs the checker, and "Share" puts the whole
//! exercise in a link (`#/x/…`) or a `.toml` download.
//!
//! Nothing typed is lost: the editor's text is saved on every edit, and whatever replaces it
//! keeps it among the drafts first ("My exercises").

use super::browser;
use super::code_editor::CodeEditor;
use super::exercise_page::ExercisePage;
use super::prove::Prove;
use super::shared::Shared;
use crate::exercise::{template, Exercise, CHAPTERS};
use crate::playground::drafts::{name_of, Drafts};
use crate::playground::marks::{mark, Mark};
use crate::playground::share;
use crate::scenario::ScenarioErrors;
use std::rc::Rc;
use yew::prelude::*;

/// The editor's text, saved on every edit.
const TEXT_KEY: &str = "queuelab.author.text.v1";
/// The drafts ("My exercises").
const DRAFTS_KEY: &str = "queuelab.drafts.v1";
/// Where drafts that could not be read are kept aside, never overwritten.
const UNREADABLE_KEY: &str = "queuelab.drafts.unreadable";
const ORIGIN: &str = "exercise.toml";

#[derive(Properties, PartialEq)]
pub struct AuthorProps {
    pub shared: Shared,
    /// A text to open instead of the saved one (a shared link that failed validation), and
    /// what to say about it.
    #[prop_or_default]
    pub opened: Option<(String, String)>,
}

/// The exercise, or the marks of its problems; links the playground would remove are problems
/// too, as for `queuelab check`.
fn check(text: &str) -> Result<Rc<Exercise>, Rc<Vec<Mark>>> {
    let marks = |errors: &ScenarioErrors| Rc::new(crate::playground::marks::marks(errors, text));
    match Exercise::parse_for_authoring(text, ORIGIN) {
        Ok((exercise, links)) if links.is_empty() => Ok(Rc::new(exercise)),
        Ok((_, links)) => Err(Rc::new(links.iter().map(|e| mark(e, text)).collect())),
        Err(errors) => Err(marks(&errors)),
    }
}

fn load_drafts() -> Drafts {
    let raw = browser::load(DRAFTS_KEY).unwrap_or_default();
    Drafts::from_json(&raw).unwrap_or_else(|_| {
        browser::save(UNREADABLE_KEY, &raw);
        Drafts::default()
    })
}

#[function_component(Author)]
pub fn author(props: &AuthorProps) -> Html {
    let drafts = use_state(load_drafts);
    let text = use_state(|| {
        let saved = browser::load(TEXT_KEY);
        match &props.opened {
            Some((opened, _)) => {
                // The link's text takes the editor: what was there is kept as a draft.
                if let Some(saved) = saved {
                    let mut kept = load_drafts();
                    kept.keep(&name_of(&saved), &saved);
                    browser::save(DRAFTS_KEY, &kept.to_json());
                }
                opened.clone()
            }
            None => saved.unwrap_or_else(|| template::TEMPLATE.to_string()),
        }
    });
    // The text the editor starts from; replaced when a template, remix, file or draft is loaded.
    let loaded = use_state(|| (*text).clone());
    let checked = use_memo((*text).clone(), |text| check(text));
    // The preview keeps the last exercise that checked, so a typo does not blank it.
    let preview = use_state(|| checked.as_ref().as_ref().ok().cloned());
    let version = use_state(|| 0u32);
    let link = use_state(|| None::<Result<String, String>>);
    // A run of the Prove table to replay in the preview: (how many so far, seed, knob values).
    let replay = use_state(|| None::<(u32, u64, Rc<Vec<(String, String)>>)>);
    // Whether "Copy link" put the link on the clipboard.
    let copied = use_state(|| None::<bool>);
    use_effect_with(checked.clone(), {
        let (preview, version, replay) = (preview.clone(), version.clone(), replay.clone());
        move |checked| {
            if let Ok(exercise) = &**checked {
                if preview.as_ref().is_none_or(|shown| **shown != **exercise) {
                    preview.set(Some(exercise.clone()));
                    version.set(*version + 1);
                    // A replayed run belonged to the version before.
                    replay.set(None);
                }
            }
        }
    });

    let on_input = {
        let (text, link) = (text.clone(), link.clone());
        Callback::from(move |typed: String| {
            // Past the file limit the text is refused anyway and would not fit the browser's
            // storage (about 5 MB a site): the last text that could be a file stays saved.
            if typed.len() <= crate::scenario::limits::MAX_INPUT_BYTES {
                browser::save(TEXT_KEY, &typed);
            }
            text.set(typed);
            link.set(None);
        })
    };
    // Replaces the editor's text, keeping the current one among the drafts first.
    let replace = {
        let (text, loaded, drafts, link) =
            (text.clone(), loaded.clone(), drafts.clone(), link.clone());
        Callback::from(move |next: String| {
            let mut kept = (*drafts).clone();
            kept.keep(&name_of(&text), &text);
            browser::save(DRAFTS_KEY, &kept.to_json());
            drafts.set(kept);
            browser::save(TEXT_KEY, &next);
            text.set(next.clone());
            loaded.set(next);
            link.set(None);
        })
    };
    let on_start_from = {
        let replace = replace.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            let choice = select.value();
            select.set_value("");
            let next = match choice.as_str() {
                "" => None,
                "template" => Some(template::TEMPLATE.to_string()),
                id => template::remix(id),
            };
            if let Some(next) = next {
                replace.emit(next);
            }
        })
    };
    let file_error = use_state(|| None::<String>);
    let on_pick = {
        let (replace, file_error) = (replace.clone(), file_error.clone());
        Callback::from(move |event: Event| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                let (replace, file_error) = (replace.clone(), file_error.clone());
                browser::read_file(file, move |name, read| match read {
                    Ok(read) => match crate::scenario::limits::input_too_large(read.len()) {
                        Some(refusal) => file_error.set(Some(format!("{name}: {refusal}"))),
                        None => {
                            file_error.set(None);
                            replace.emit(read);
                        }
                    },
                    Err(message) => file_error.set(Some(format!("{name}: {message}"))),
                });
            }
            input.set_value("");
        })
    };
    let keep = {
        let (text, drafts) = (text.clone(), drafts.clone());
        Callback::from(move |_: MouseEvent| {
            let mut kept = (*drafts).clone();
            kept.keep(&name_of(&text), &text);
            browser::save(DRAFTS_KEY, &kept.to_json());
            drafts.set(kept);
        })
    };
    let download = {
        let text = text.clone();
        Callback::from(move |_: MouseEvent| {
            browser::download_text(
                &format!("{}.toml", name_of(&text)),
                "application/toml",
                &text,
            )
        })
    };
    let on_replay = {
        let replay = replay.clone();
        Callback::from(move |(seed, values): (u64, Vec<(String, String)>)| {
            let count = replay.as_ref().map_or(1, |r| r.0 + 1);
            replay.set(Some((count, seed, Rc::new(values))));
            if let Some(preview) = browser::window().and_then(|w| w.document()).and_then(|d| {
                d.query_selector("[data-test=author-preview]")
                    .ok()
                    .flatten()
            }) {
                preview.scroll_into_view();
            }
        })
    };
    let make_link = {
        let (text, link) = (text.clone(), link.clone());
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            copied.set(None);
            link.set(Some(share::link(&text)));
        })
    };

    let marks = checked.as_ref().as_ref().err().cloned().unwrap_or_default();
    let exercises = crate::exercise::catalog();
    let preview_shared = Shared {
        on_result: Callback::noop(),
        ..props.shared.clone()
    };
    html! {
        <main class="page author">
            <h1>{"Write an exercise"}</h1>
            if let Some((_, notice)) = &props.opened {
                <p class="error" role="alert" data-test="opened-notice">{notice}</p>
            }
            <div class="author-layout">
                <section class="side authoring" aria-label="The exercise file">
                    <div class="toolbar">
                        <label for="start-from">{"Start from "}</label>
                        <select id="start-from" onchange={on_start_from} data-test="start-from">
                            <option value="" selected=true>{"choose…"}</option>
                            <option value="template">{"the template"}</option>
                            { for CHAPTERS.iter().map(|chapter| html! {
                                <optgroup label={format!("Remix: {chapter}")}>
                                    { for exercises.iter().filter(|e| e.chapter == *chapter).map(|e| html! {
                                        <option value={e.id.clone()}>{format!("{} ({})", e.title, e.id)}</option>
                                    }) }
                                </optgroup>
                            }) }
                        </select>
                        <label class="file-button">{"open a file"}
                            <input type="file" accept=".toml,text/plain" onchange={on_pick} data-test="author-open-file" />
                        </label>
                    </div>
                    if let Some(message) = &*file_error {
                        <p class="error" role="alert">{message}</p>
                    }
                    <CodeEditor id="author-editor" value={(*loaded).clone()} label="Exercise TOML" rows={32}
                        marks={marks.clone()} on_input={on_input} data_test="author-editor" />
                    <p class="status" role="status" data-test="author-status">
                        { match &*checked {
                            Ok(exercise) => format!("Valid: {} ({}), {} knob(s), {} goal(s), {} seed(s).", exercise.title, exercise.id, exercise.knobs.len(), exercise.goals.len(), exercise.seeds.len()),
                            Err(marks) => format!("{} problem(s): each is marked at its line.", marks.len()),
                        } }
                    </p>
                    <div class="toolbar">
                        <button onclick={download} data-test="download">{"Download .toml"}</button>
                        <button onclick={make_link} data-test="share">{"Share link"}</button>
                        <button onclick={keep} data-test="keep-draft">{"Keep as a draft"}</button>
                    </div>
                    { match &*link {
                        Some(Ok(hash)) => {
                            let href = format!("{}{hash}", browser::page_address());
                            let copy = {
                                let (href, copied) = (href.clone(), copied.clone());
                                Callback::from(move |_: MouseEvent| copied.set(Some(browser::copy_to_clipboard(&href))))
                            };
                            html! { <p class="share">
                                <label for="share-link">{"Anyone with this link opens the exercise: "}</label>
                                <input id="share-link" type="text" readonly=true value={href.clone()} data-test="share-link" />
                                {" "}<button type="button" onclick={copy} data-test="copy-link">{"Copy link"}</button>
                                {" "}<a href={href} target="_blank" rel="noopener">{"open it"}</a>
                                { match *copied {
                                    Some(true) => html! { <span role="status">{" Copied."}</span> },
                                    Some(false) => html! { <span role="status">{" This browser does not let the page copy: select the link and copy it."}</span> },
                                    None => html! {},
                                } }
                            </p> }
                        }
                        Some(Err(message)) => html! { <p class="error" role="alert" data-test="share-error">{message}</p> },
                        None => html! {},
                    } }
                    if let Ok(exercise) = &*checked {
                        <Prove key={format!("prove-{}", *version)} exercise={exercise.clone()} on_replay={on_replay.clone()} />
                    }
                    {my_exercises(&drafts, &replace)}
                </section>
                <section class="preview" aria-label="Preview" data-test="author-preview">
                    <h2 class="part">{"Preview"}{if checked.is_err() && preview.is_some() { " (the last version without problems)" } else { "" }}</h2>
                    if let Some(exercise) = &*preview {
                        <ExercisePage key={format!("preview-{}-{}", *version, replay.as_ref().map_or(0, |r| r.0))} exercise={exercise.clone()}
                            seed={replay.as_ref().map(|r| r.1)}
                            params={replay.as_ref().map_or_else(|| Rc::new(Vec::new()), |r| r.2.clone())} shared={preview_shared} preview=true />
                    }
                </section>
            </div>
        </main>
    }
}

/// "My exercises": the drafts, each opened into the editor (the current text kept first) or
/// removed.
fn my_exercises(drafts: &UseStateHandle<Drafts>, replace: &Callback<String>) -> Html {
    if drafts.drafts.is_empty() {
        return html! {};
    }
    html! {
        <section class="drafts" aria-label="My exercises" data-test="drafts">
            <h2 class="part">{"My exercises"}</h2>
            <ul>
                { for drafts.drafts.iter().map(|draft| {
                    let open = {
                        let (replace, text) = (replace.clone(), draft.text.clone());
                        Callback::from(move |_: MouseEvent| replace.emit(text.clone()))
                    };
                    let remove = {
                        let (drafts, name) = (drafts.clone(), draft.name.clone());
                        Callback::from(move |_: MouseEvent| {
                            let mut kept = (*drafts).clone();
                            kept.remove(&name);
                            browser::save(DRAFTS_KEY, &kept.to_json());
                            drafts.set(kept);
                        })
                    };
                    html! { <li data-draft={draft.name.clone()}>
                        <button class="link" onclick={open}>{&draft.name}</button>
                        {format!(" ({} lines) ", draft.text.lines().count())}
                        <button class="link" onclick={remove} aria-label={format!("Remove the draft {}", draft.name)}>{"remove"}</button>
                    </li> }
                }) }
            </ul>
        </section>
    }
}
