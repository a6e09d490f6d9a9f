//! The instructor's page (`#/progress`): learners' progress reports, pasted or opened as files,
//! each checked (a report that does not read says what is wrong and is not added), gathered in a
//! table of learners × exercises with the date of each solve and a link to replay the solving
//! run. Nothing is sent anywhere; the table lives in the page.

use super::browser;
use crate::playground::progress::Status;
use crate::playground::report::{ClassTable, Report};
use yew::prelude::*;

#[function_component(ClassProgress)]
pub fn class_progress() -> Html {
    let table = use_state(ClassTable::default);
    let pasted = use_state(String::new);
    // What the last paste or file did: (is a problem, the sentence).
    let said = use_state(Vec::<(bool, String)>::new);
    let add = {
        let table = table.clone();
        let said = said.clone();
        Callback::from(move |(source, text): (String, String)| {
            let mut updated = (*table).clone();
            let mut messages = (*said).clone();
            match Report::parse(&text) {
                Ok(report) => messages.push((false, format!("{source}: {}", updated.add(report)))),
                Err(problem) => messages.push((true, format!("{source}: {problem}"))),
            }
            table.set(updated);
            said.set(messages);
        })
    };
    let on_paste_input = {
        let pasted = pasted.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlTextAreaElement = event.target_unchecked_into();
            pasted.set(input.value());
        })
    };
    let on_add = {
        let add = add.clone();
        let pasted = pasted.clone();
        Callback::from(move |_: MouseEvent| {
            add.emit(("The pasted report".to_string(), (*pasted).clone()));
            // Kept if it did not read, so the instructor can see and fix it; cleared once added.
        })
    };
    let on_files = {
        let add = add.clone();
        Callback::from(move |event: Event| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            if let Some(files) = input.files() {
                for i in 0..files.length().min(500) {
                    if let Some(file) = files.get(i) {
                        let add = add.clone();
                        browser::read_file(file, move |name, text| match text {
                            Ok(text) => add.emit((name, text)),
                            Err(error) => add.emit((name, format!("({error})"))),
                        });
                    }
                }
            }
            input.set_value("");
        })
    };
    html! {
        <main class="page class-progress">
            <h1>{"Your class's progress"}</h1>
            <p>{"Paste a report a learner sent you (\"Copy my progress\" on their catalog gives it, as Markdown or JSON), or open report files. Each is checked; nothing leaves this page."}</p>
            <textarea rows="8" aria-label="A learner's report" value={(*pasted).clone()} oninput={on_paste_input} data-test="paste-report" />
            <p><button type="button" onclick={on_add} data-test="add-report">{"Add to the table"}</button>
                {" or "}<label class="file-button">{"open report files"}
                    <input type="file" multiple=true accept=".md,.json,text/plain" onchange={on_files} /></label></p>
            <ul class="report-messages">
                { for said.iter().map(|(problem, text)| html! {
                    <li class={classes!(problem.then_some("error"))} role={problem.then_some("alert")}>{text}</li>
                }) }
            </ul>
            if !table.rows.is_empty() {
                {results(&table)}
            }
        </main>
    }
}

/// The table: a row per learner (and course), a column per exercise.
fn results(table: &ClassTable) -> Html {
    html! {
        <div class="table-scroll">
            <table class="class-table" data-test="class-table">
                <thead><tr>
                    <th scope="col">{"Learner"}</th>
                    <th scope="col">{"Course"}</th>
                    { for table.exercises.iter().map(|(id, title)| html! { <th scope="col" title={id.clone()}>{title}</th> }) }
                </tr></thead>
                <tbody>
                    { for table.rows.iter().enumerate().map(|(row, report)| html! {
                        <tr>
                            <th scope="row">{&report.learner}</th>
                            <td>{report.course.as_ref().map_or("built-in exercises".to_string(), |c| c.title.clone())}</td>
                            { for table.exercises.iter().map(|(id, _)| match table.cell(row, id) {
                                Some(cell) if cell.status == Status::Solved => html! {
                                    <td class="solved">{"✓ solved"}
                                        if let Some(at) = &cell.solved_at { <br /><small>{at}</small> }
                                        if let Some(run) = &cell.run { <br /><a href={run.clone()}>{"replay"}</a> }
                                    </td>
                                },
                                Some(_) => html! { <td class="tried">{"tried"}</td> },
                                None => html! { <td></td> },
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
