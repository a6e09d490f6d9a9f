//! Question validation: an ask, at least two distinct choices, an answer among them, an
//! explanation, and proofs that turn only knobs and say exactly one thing.

use super::goals::goal;
use super::knobs::knob_value;
use super::Problems;
use crate::exercise::knob::Knob;
use crate::exercise::raw::{RawProof, RawQuestion};
use crate::exercise::{Expect, Proof, Question};

pub(super) fn question(
    p: &mut Problems,
    i: usize,
    raw: &RawQuestion,
    knobs: &[Knob],
    scenario: Option<&crate::scenario::Config>,
) -> Option<Question> {
    let here = |field: &str| format!("questions[{i}].{field}");
    let ask = p.required(&here("ask"), &raw.ask).to_string();
    let explanation = p
        .required(&here("explanation"), &raw.explanation)
        .to_string();
    if raw.choices.len() < 2 {
        p.add(
            here("choices"),
            format!("give at least two choices (found {})", raw.choices.len()),
        );
    }
    for (j, choice) in raw.choices.iter().enumerate() {
        if choice.trim().is_empty() {
            p.add(format!("questions[{i}].choices[{j}]"), "is empty");
        } else if raw.choices[..j].contains(choice) {
            p.add(
                format!("questions[{i}].choices[{j}]"),
                "repeats an earlier choice",
            );
        }
    }
    let answer = match raw.answer {
        None => {
            p.add(
                here("answer"),
                "is required: the index of the right choice, from 0",
            );
            None
        }
        Some(n) if n < 0 || n as usize >= raw.choices.len() => {
            p.add(
                here("answer"),
                format!(
                    "must be the index of a choice, from 0 to {}, got {n}",
                    raw.choices.len().saturating_sub(1)
                ),
            );
            None
        }
        Some(n) => Some(n as usize),
    };
    let proofs: Vec<Proof> = raw
        .proof
        .iter()
        .enumerate()
        .filter_map(|(k, raw)| {
            proof(
                p,
                &format!("questions[{i}].proof[{k}]"),
                raw,
                knobs,
                scenario,
            )
        })
        .collect();
    Some(Question {
        ask,
        choices: raw.choices.clone(),
        answer: answer?,
        explanation,
        proofs,
    })
}

fn proof(
    p: &mut Problems,
    at: &str,
    raw: &RawProof,
    knobs: &[Knob],
    scenario: Option<&crate::scenario::Config>,
) -> Option<Proof> {
    let mut set = Vec::new();
    for (path, value) in &raw.set {
        let field = format!("{at}.set.{path}");
        match knobs.iter().find(|k| k.path == *path) {
            None => p.add(
                field,
                format!("{path:?} is not a knob; a proof turns only what the learner can turn"),
            ),
            Some(knob) => match knob_value(knob, value) {
                Ok(value) => set.push((path.clone(), value)),
                Err(message) => p.add(field, message),
            },
        }
    }
    let expect = match (&raw.refused, raw.goals.is_empty()) {
        (Some(text), true) if !text.trim().is_empty() => Expect::Refused(text.clone()),
        (None, false) => Expect::Goals(
            raw.goals
                .iter()
                .enumerate()
                .filter_map(|(g, raw)| goal(p, &format!("{at}.goals[{g}]"), raw, scenario))
                .collect(),
        ),
        _ => {
            p.add(
                at,
                "say exactly one thing: refused = \"part of the message\", or goals = [...]",
            );
            return None;
        }
    };
    Some(Proof { set, expect })
}
