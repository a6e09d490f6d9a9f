//! Questions with choices, for lessons a run alone cannot grade: a validation error that *is* the
//! lesson (seed 001 T22, K = 0), or reading what a dashboard says (000 T9).
//!
//! An answer can carry proofs that the checker confirms on the scenario itself — "this setting is
//! refused with that message", "at this setting these goals hold on every seed" — so the right
//! answer is what the engine shows, not only what the author believes.

use super::{Goal, KnobValue};

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Markdown.
    pub ask: String,
    pub choices: Vec<String>,
    /// Index of the right choice.
    pub answer: usize,
    /// Markdown, shown once the question is answered right.
    pub explanation: String,
    pub proofs: Vec<Proof>,
}

/// One fact behind an answer: the scenario with these knob values (the others at their start)
/// behaves as `expect` says.
#[derive(Debug, Clone, PartialEq)]
pub struct Proof {
    pub set: Vec<(String, KnobValue)>,
    pub expect: Expect,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// Validation refuses the scenario with a message containing this text.
    Refused(String),
    /// The scenario runs, and on every seed of the exercise each goal holds.
    Goals(Vec<Goal>),
}

impl Question {
    pub fn is_right(&self, choice: usize) -> bool {
        choice == self.answer
    }
}
