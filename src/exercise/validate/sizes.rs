//! An exercise's lists against their limits, checked right after parsing: the checker runs the
//! scenario for every seed, knob choice and question proof, so these bound `queuelab check`.

use super::Problems;
use crate::exercise::raw::RawExercise;
use crate::scenario::limits::*;

/// True when every list is within its limit; each one past it is a problem on its first entry
/// past the limit.
pub(super) fn within_limits(p: &mut Problems, raw: &RawExercise) -> bool {
    let before = p.0.len();
    let mut list = |path: &str, count: usize, limit: usize, what: &str| {
        if count > limit {
            p.add(
                format!("{path}[{limit}]"),
                too_many(count, limit, what) + "; the limits are listed in docs/reference.md",
            );
        }
    };
    list("knobs", raw.knobs.len(), MAX_KNOBS, "knobs");
    list("goals", raw.goals.len(), MAX_GOALS, "goals");
    list("questions", raw.questions.len(), MAX_QUESTIONS, "questions");
    list("hints", raw.hints.len(), MAX_HINTS, "hints");
    if let Some(seeds) = &raw.seeds {
        list("seeds", seeds.len(), MAX_PROOF_SEEDS, "seeds to prove on");
    }
    for (i, knob) in raw.knobs.iter().enumerate().take(MAX_KNOBS) {
        if let Some(choices) = &knob.choices {
            list(
                &format!("knobs[{i}].choices"),
                choices.len(),
                MAX_KNOB_CHOICES,
                "choices (the checker tries each)",
            );
        }
    }
    for (i, question) in raw.questions.iter().enumerate().take(MAX_QUESTIONS) {
        list(
            &format!("questions[{i}].proof"),
            question.proof.len(),
            MAX_PROOFS,
            "proofs (each runs on every seed)",
        );
        list(
            &format!("questions[{i}].choices"),
            question.choices.len(),
            MAX_KNOB_CHOICES,
            "choices",
        );
    }
    p.0.len() == before
}
