//! A learner's code for each script exercise, kept in the browser's local storage as JSON, so the
//! code survives leaving the page and coming back by the catalog (a reload keeps it too, through
//! the permalink). A link that carries code wins over the draft: it is what its sender meant.
//!
//! Saved text this version cannot read is never overwritten: the page keeps it under another key
//! (see `web::script_knob`) and starts a fresh store.

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
    /// Knob path → code.
    code: BTreeMap<String, String>,
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

    /// The code kept for one knob of one exercise.
    pub fn get(&self, exercise: &str, knob: &str) -> Option<&str> {
        self.exercises
            .iter()
            .find(|entry| entry.id == exercise)
            .and_then(|entry| entry.code.get(knob))
            .map(String::as_str)
    }

    /// Keeps `code` for a knob; `None` (the code is back to the starter) forgets it. The
    /// exercise becomes the most recent; past the limit the least recent is forgotten.
    pub fn keep(&mut self, exercise: &str, knob: &str, code: Option<&str>) {
        let mut entry = match self.exercises.iter().position(|e| e.id == exercise) {
            Some(at) => self.exercises.remove(at),
            None => ExerciseCode {
                id: exercise.to_string(),
                code: BTreeMap::new(),
            },
        };
        match code {
            Some(code) => entry.code.insert(knob.to_string(), code.to_string()),
            None => entry.code.remove(knob),
        };
        if !entry.code.is_empty() {
            self.exercises.push(entry);
        }
        let excess = self.exercises.len().saturating_sub(MAX_DRAFTED_EXERCISES);
        self.exercises.drain(..excess);
    }

    /// Puts the kept code into `values` for each script knob the link (`params`) did not set;
    /// returns the paths of the knobs restored. Kept code that no longer reads as the knob's
    /// value (a limit lowered since) stays kept and is not used.
    pub fn restore(
        &self,
        exercise: &Exercise,
        params: &[(String, String)],
        values: &mut [(String, KnobValue)],
    ) -> Vec<String> {
        let mut restored = Vec::new();
        for knob in exercise.knobs.iter().filter(|k| k.kind == KnobKind::Script) {
            if params.iter().any(|(key, _)| *key == knob.path) {
                continue;
            }
            let kept = self
                .get(&exercise.id, &knob.path)
                .map(|code| knob.parse(code));
            if let (Some(Ok(value)), Some(slot)) =
                (kept, values.iter_mut().find(|(path, _)| *path == knob.path))
            {
                if slot.1 != value {
                    slot.1 = value;
                    restored.push(knob.path.clone());
                }
            }
        }
        restored
    }

    /// Keeps the code of each script knob in `values`; code back at the starter is forgotten.
    pub fn remember(&mut self, exercise: &Exercise, values: &[(String, KnobValue)]) {
        for knob in exercise.knobs.iter().filter(|k| k.kind == KnobKind::Script) {
            if let Some((_, value)) = values.iter().find(|(path, _)| *path == knob.path) {
                let code = value.to_string();
                let changed = *value != knob.start;
                self.keep(&exercise.id, &knob.path, changed.then_some(code.as_str()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_kept_per_exercise_and_knob_and_forgotten_at_the_starter() {
        let mut drafts = CodeDrafts::default();
        drafts.keep("a", "autoscaler.code", Some("fn x() {}"));
        drafts.keep("a", "retry.code", Some("fn y() {}"));
        drafts.keep("b", "autoscaler.code", Some("fn z() {}"));
        assert_eq!(drafts.get("a", "retry.code"), Some("fn y() {}"));
        assert_eq!(drafts.get("b", "autoscaler.code"), Some("fn z() {}"));
        assert_eq!(drafts.get("b", "retry.code"), None);
        drafts.keep("a", "retry.code", None);
        drafts.keep("a", "autoscaler.code", None);
        assert_eq!(drafts.get("a", "autoscaler.code"), None);
        let back = CodeDrafts::from_json(&drafts.to_json()).unwrap();
        assert_eq!(back, drafts);
        assert_eq!(
            back.exercises.len(),
            1,
            "an exercise with no code left is gone"
        );
    }

    #[test]
    fn the_least_recently_edited_exercise_goes_first() {
        let mut drafts = CodeDrafts::default();
        for i in 0..MAX_DRAFTED_EXERCISES {
            drafts.keep(&format!("e{i}"), "k", Some("code"));
        }
        drafts.keep("e0", "k", Some("edited again"));
        drafts.keep("new", "k", Some("code"));
        assert_eq!(drafts.exercises.len(), MAX_DRAFTED_EXERCISES);
        assert_eq!(drafts.get("e1", "k"), None);
        assert_eq!(drafts.get("e0", "k"), Some("edited again"));
    }

    #[test]
    fn a_script_exercise_gets_its_code_back_unless_the_link_carries_code() {
        let exercise = crate::exercise::catalog()
            .into_iter()
            .find(|e| e.knobs.iter().any(|k| k.kind == KnobKind::Script))
            .expect("a script exercise");
        let knob = exercise
            .knobs
            .iter()
            .find(|k| k.kind == KnobKind::Script)
            .unwrap();
        let mine = format!("// mine\n{}", knob.start);
        let mut values = exercise.start_values();
        let mut drafts = CodeDrafts::default();
        drafts.remember(&exercise, &values);
        assert_eq!(drafts, CodeDrafts::default(), "the starter is not a draft");
        values.iter_mut().find(|(p, _)| *p == knob.path).unwrap().1 = knob.parse(&mine).unwrap();
        drafts.remember(&exercise, &values);

        let mut opened = exercise.start_values();
        assert_eq!(
            drafts.restore(&exercise, &[], &mut opened),
            vec![knob.path.clone()]
        );
        assert_eq!(opened, values);
        let linked = vec![(knob.path.clone(), "fn other() {}".to_string())];
        let mut from_link = exercise.start_values();
        assert!(drafts
            .restore(&exercise, &linked, &mut from_link)
            .is_empty());
        assert_eq!(from_link, exercise.start_values());
    }

    #[test]
    fn text_that_is_not_drafts_is_refused_not_read_as_empty() {
        assert!(CodeDrafts::from_json("{\"exercises\": 3}").is_err());
        assert!(CodeDrafts::from_json("not json").is_err());
        assert_eq!(CodeDrafts::from_json("").unwrap(), CodeDrafts::default());
    }
}
