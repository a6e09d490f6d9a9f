//! A learner's code for each script exercise, kept in the browser's local storage as JSON, so the
//! code survives leaving the page and coming back by the catalog or a reload.
//!
//! Three things are kept per script knob: the code as last typed (saved on every keystroke, so
//! code not yet applied survives a reload), the code last applied (which the page's address then
//! carries), and code the page set aside without the learner typing it — replaced by "Reset to
//! the starter", or hidden by a link that carries other code — offered back until taken. A link
//! that carries code wins over the draft (it is what its sender meant), unless it carries the code
//! this browser last applied: then it is this page's own address, and what was typed since wins.
//!
//! Saved text this version cannot read is never overwritten (see `web::script_knob`).

use crate::exercise::{Exercise, KnobKind, KnobValue};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Exercises whose code is kept at most; the least recently edited go first past it. Each draft
/// is at most a few scripts of 20 000 characters, and browsers give a site about 5 MB.
pub const MAX_DRAFTED_EXERCISES: usize = 40;

/// The learner's code per exercise and script knob, the most recently edited exercise last.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeDrafts {
    exercises: Vec<ExerciseCode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ExerciseCode {
    id: String,
    /// Knob path → code as last typed.
    code: BTreeMap<String, String>,
    /// Knob path → code last applied.
    #[serde(default)]
    applied: BTreeMap<String, String>,
    /// Knob path → code set aside by a reset or by a link's other code.
    #[serde(default)]
    aside: BTreeMap<String, String>,
}

impl ExerciseCode {
    fn is_empty(&self) -> bool {
        self.code.is_empty() && self.aside.is_empty()
    }
}

/// What opening an exercise found in the drafts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Restored {
    /// Knobs whose code came back from the drafts.
    pub restored: Vec<String>,
    /// Knobs whose draft the link's other code hid: (path, the draft), to set aside.
    pub shadowed: Vec<(String, String)>,
}

impl CodeDrafts {
    /// Drafts from their JSON; `Err` when the text is not drafts (the caller keeps it aside).
    pub fn from_json(text: &str) -> Result<CodeDrafts, String> {
        if text.trim().is_empty() {
            return Ok(CodeDrafts::default());
        }
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn entry(&self, exercise: &str) -> Option<&ExerciseCode> {
        self.exercises.iter().find(|entry| entry.id == exercise)
    }

    /// The code last typed for one knob of one exercise.
    pub fn get(&self, exercise: &str, knob: &str) -> Option<&str> {
        self.entry(exercise)
            .and_then(|entry| entry.code.get(knob))
            .map(String::as_str)
    }

    /// The code set aside for a knob, offered back to the learner.
    pub fn aside(&self, exercise: &str, knob: &str) -> Option<&str> {
        self.entry(exercise)
            .and_then(|entry| entry.aside.get(knob))
            .map(String::as_str)
    }

    /// Changes one exercise's entry; it becomes the most recent, an empty one is dropped, and
    /// past the limit the least recent is forgotten.
    fn edit(&mut self, exercise: &str, change: impl FnOnce(&mut ExerciseCode)) {
        let mut entry = match self.exercises.iter().position(|e| e.id == exercise) {
            Some(at) => self.exercises.remove(at),
            None => ExerciseCode {
                id: exercise.to_string(),
                code: BTreeMap::new(),
                applied: BTreeMap::new(),
                aside: BTreeMap::new(),
            },
        };
        change(&mut entry);
        if !entry.is_empty() {
            self.exercises.push(entry);
        }
        let excess = self.exercises.len().saturating_sub(MAX_DRAFTED_EXERCISES);
        self.exercises.drain(..excess);
    }

    /// Keeps `code` as typed for a knob; `None` (the code is back to the starter) forgets it.
    pub fn keep(&mut self, exercise: &str, knob: &str, code: Option<&str>) {
        self.edit(exercise, |entry| match code {
            Some(code) => {
                entry.code.insert(knob.to_string(), code.to_string());
            }
            None => {
                entry.code.remove(knob);
            }
        });
    }

    /// Sets code aside for a knob (`None` once it is taken back).
    pub fn set_aside(&mut self, exercise: &str, knob: &str, code: Option<&str>) {
        self.edit(exercise, |entry| match code {
            Some(code) => {
                entry.aside.insert(knob.to_string(), code.to_string());
            }
            None => {
                entry.aside.remove(knob);
            }
        });
    }

    /// Puts the kept code into `values` for each script knob: where the link (`params`) does not
    /// set it, or sets it to the code this browser last applied (its own address). Kept code
    /// that no longer reads as the knob's value (a limit lowered since) stays kept, unused.
    pub fn restore(
        &self,
        exercise: &Exercise,
        params: &[(String, String)],
        values: &mut [(String, KnobValue)],
    ) -> Restored {
        let mut found = Restored::default();
        let Some(entry) = self.entry(&exercise.id) else {
            return found;
        };
        for knob in exercise.knobs.iter().filter(|k| k.kind == KnobKind::Script) {
            let (Some(draft), Some(slot)) = (
                entry.code.get(&knob.path),
                values.iter_mut().find(|(path, _)| *path == knob.path),
            ) else {
                continue;
            };
            let linked = params.iter().any(|(key, _)| *key == knob.path);
            let own_address = entry.applied.get(&knob.path) == Some(&slot.1.to_string());
            if linked && !own_address {
                if *draft != slot.1.to_string() {
                    found.shadowed.push((knob.path.clone(), draft.clone()));
                }
                continue;
            }
            if let Ok(value) = knob.parse(draft) {
                if slot.1 != value {
                    slot.1 = value;
                    found.restored.push(knob.path.clone());
                }
            }
        }
        found
    }

    /// The learner applied `values`: keeps each script knob's code as typed and as applied;
    /// code back at the starter is forgotten (a reset sets the replaced code aside first).
    pub fn remember(&mut self, exercise: &Exercise, values: &[(String, KnobValue)]) {
        for knob in exercise.knobs.iter().filter(|k| k.kind == KnobKind::Script) {
            if let Some((_, value)) = values.iter().find(|(path, _)| *path == knob.path) {
                let code = value.to_string();
                let changed = *value != knob.start;
                self.edit(&exercise.id, |entry| {
                    if changed {
                        entry.code.insert(knob.path.clone(), code.clone());
                        entry.applied.insert(knob.path.clone(), code);
                    } else {
                        entry.code.remove(&knob.path);
                        entry.applied.remove(&knob.path);
                    }
                });
            }
        }
    }
}

#[cfg(test)]
mod tests;
