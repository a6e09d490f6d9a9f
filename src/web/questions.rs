//! An exercise's questions: choices as radio buttons; a right answer reveals its explanation, a
//! wrong one says so and lets the learner choose again.

use super::markdown::markdown;
use crate::exercise::Question;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QuestionsProps {
    pub questions: Rc<Vec<Question>>,
    /// The learner's choice per question, if any.
    pub answers: Vec<Option<usize>>,
    /// (question, choice)
    pub on_answer: Callback<(usize, usize)>,
}

#[function_component(Questions)]
pub fn questions(props: &QuestionsProps) -> Html {
    let right = props
        .questions
        .iter()
        .zip(&props.answers)
        .filter(|(q, a)| a.is_some_and(|a| q.is_right(a)))
        .count();
    html! {
        <section class="questions" aria-label="Questions" data-test="questions">
            <h2 class="part">{format!("Questions ({right} of {} answered right)", props.questions.len())}</h2>
            { for props.questions.iter().enumerate().map(|(i, question)| {
                let chosen = props.answers.get(i).copied().flatten();
                let status = match chosen {
                    None => "open",
                    Some(choice) if question.is_right(choice) => "right",
                    Some(_) => "wrong",
                };
                html! {
                    <fieldset class={classes!("question", status)} data-question={i.to_string()} data-status={status}>
                        {markdown(&question.ask)}
                        { for question.choices.iter().enumerate().map(|(j, choice)| {
                            let on_answer = props.on_answer.clone();
                            let pick = Callback::from(move |_: Event| on_answer.emit((i, j)));
                            html! {
                                <label class="choice">
                                    <input type="radio" name={format!("question-{i}")} checked={chosen == Some(j)}
                                        onchange={pick} data-choice={j.to_string()} />
                                    {format!(" {choice}")}
                                </label>
                            }
                        }) }
                        if status == "wrong" {
                            <p class="verdict fail" role="status">{"Not this one. Look at the run again and choose another."}</p>
                        }
                        if status == "right" {
                            <div class="explanation" role="status">{markdown(&question.explanation)}</div>
                        }
                    </fieldset>
                }
            }) }
        </section>
    }
}
