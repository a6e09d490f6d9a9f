//! The learner's progress (tried / solved per exercise), saved by the browser in localStorage.
//!
//! Saved progress is never thrown away: what this version can read is kept, and what it cannot
//! (an unknown status, an unknown field, text that is not JSON at all) is set aside as it was —
//! saved again with the progress, so a later version or a person can still recover it — and
//! [`Progress::notice`] says so for the page to show.
//!
//! ```
//! use queuelab::playground::{Progress, Status};
//! let progress = Progress::from_json(r#"{"exercises":{"a":"solved","b":"bogus"}}"#);
//! assert_eq!(progress.status("a"), Some(Status::Solved));
//! assert_eq!(progress.status("b"), None);
//! assert!(progress.notice().unwrap().contains("exercises.b"));
//! assert!(progress.to_json().contains("bogus"), "set aside, not lost");
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Tried,
    Solved,
}

/// When an exercise was first solved, and the run that solved it, for the learner's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Solved {
    /// The time, as the browser gave it (ISO 8601 in UTC: `2026-12-03T17:25:00.000Z`).
    pub at: String,
    /// The solving run's permalink (`#/exercise/ID?seed=N&…`).
    pub run: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub exercises: BTreeMap<String, Status>,
    /// For solved exercises, when and by which run (progress saved before this field existed
    /// has none: its exercises are solved, with no time or run).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub solved: BTreeMap<String, Solved>,
    /// What the saved progress held that this version could not read, by where it was
    /// (`exercises.ID` for an entry, a top-level field's name, or `saved text` for text that was
    /// not a JSON object), kept as it was and saved again.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set_aside: BTreeMap<String, Value>,
}

/// The key under which saved text that is not a JSON object is kept.
const UNREADABLE_TEXT: &str = "saved text";

impl Progress {
    /// Reads saved progress, keeping every entry it can read and setting the rest aside.
    pub fn from_json(text: &str) -> Progress {
        let mut progress = Progress::default();
        if text.trim().is_empty() {
            return progress;
        }
        let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(text) else {
            progress
                .set_aside
                .insert(UNREADABLE_TEXT.into(), Value::String(text.to_string()));
            return progress;
        };
        for (field, value) in fields {
            match (field.as_str(), value) {
                ("exercises", Value::Object(entries)) => {
                    for (id, status) in entries {
                        match serde_json::from_value::<Status>(status.clone()) {
                            Ok(status) => {
                                progress.exercises.insert(id, status);
                            }
                            Err(_) => {
                                progress.set_aside.insert(format!("exercises.{id}"), status);
                            }
                        }
                    }
                }
                ("solved", Value::Object(entries)) => {
                    for (id, entry) in entries {
                        match serde_json::from_value::<Solved>(entry.clone()) {
                            Ok(solved) => {
                                progress.solved.insert(id, solved);
                            }
                            Err(_) => {
                                progress.set_aside.insert(format!("solved.{id}"), entry);
                            }
                        }
                    }
                }
                // Entries an earlier load set aside stay aside.
                ("set_aside", Value::Object(entries)) => progress.set_aside.extend(entries),
                (_, value) => {
                    progress.set_aside.insert(field, value);
                }
            }
        }
        progress
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A sentence for the page when part of the saved progress could not be read.
    pub fn notice(&self) -> Option<String> {
        if self.set_aside.is_empty() {
            return None;
        }
        const SHOWN: usize = 5;
        let mut names: Vec<&str> = self
            .set_aside
            .keys()
            .map(String::as_str)
            .take(SHOWN)
            .collect();
        if self.set_aside.len() > SHOWN {
            names.push("…");
        }
        Some(format!(
            "Part of your saved progress could not be read ({}); it is kept aside, unchanged, and everything else was restored.",
            names.join(", ")
        ))
    }

    /// Records a result; solved is never downgraded to tried.
    pub fn record(&mut self, id: &str, status: Status) {
        let entry = self.exercises.entry(id.to_string()).or_insert(status);
        *entry = (*entry).max(status);
        // A fresh result replaces an unreadable old one.
        self.set_aside.remove(&format!("exercises.{id}"));
    }

    /// Records a solve at `at` by the run `run`; the first solve is the one kept.
    pub fn record_solved(&mut self, id: &str, at: &str, run: &str) {
        self.record(id, Status::Solved);
        self.solved.entry(id.to_string()).or_insert_with(|| Solved {
            at: at.to_string(),
            run: run.to_string(),
        });
        self.set_aside.remove(&format!("solved.{id}"));
    }

    pub fn status(&self, id: &str) -> Option<Status> {
        self.exercises.get(id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solved_is_never_downgraded() {
        let mut progress = Progress::default();
        progress.record("a", Status::Solved);
        progress.record("a", Status::Tried);
        progress.record("b", Status::Tried);
        let restored = Progress::from_json(&progress.to_json());
        assert_eq!(restored.status("a"), Some(Status::Solved));
        assert_eq!(restored.status("b"), Some(Status::Tried));
        assert_eq!(restored.status("c"), None);
        assert_eq!(restored.notice(), None);
        assert_eq!(
            progress.to_json(),
            r#"{"exercises":{"a":"solved","b":"tried"}}"#
        );
    }

    #[test]
    fn one_bad_entry_keeps_the_others_and_is_set_aside() {
        let progress = Progress::from_json(r#"{"exercises":{"a":"solved","b":"bogus","c":7}}"#);
        assert_eq!(progress.status("a"), Some(Status::Solved));
        assert_eq!(progress.exercises.len(), 1);
        assert_eq!(progress.set_aside["exercises.b"], "bogus");
        assert_eq!(progress.set_aside["exercises.c"], 7);
        let notice = progress.notice().unwrap();
        assert!(notice.contains("exercises.b, exercises.c"), "{notice}");
        // Saved and read again, nothing is lost, and nothing is set aside twice.
        let again = Progress::from_json(&progress.to_json());
        assert_eq!(again, progress);
    }

    #[test]
    fn unreadable_text_and_unknown_fields_are_kept() {
        let mut progress = Progress::from_json("{not json");
        assert_eq!(progress.set_aside[UNREADABLE_TEXT], "{not json");
        progress.record("a", Status::Solved);
        let saved = progress.to_json();
        assert!(saved.contains("{not json"), "{saved}");
        let progress = Progress::from_json(r#"{"exercises":{},"streak":3}"#);
        assert_eq!(progress.set_aside["streak"], 3);
        let progress = Progress::from_json(r#"{"exercises":["a"]}"#);
        assert!(progress.set_aside.contains_key("exercises"));
        assert!(Progress::from_json("").notice().is_none());
    }

    #[test]
    fn a_solve_keeps_its_first_time_and_run_and_old_progress_still_reads() {
        let old = r#"{"exercises":{"a":"solved","b":"tried"}}"#;
        let mut progress = Progress::from_json(old);
        assert_eq!(progress.to_json(), old, "nothing added until a new solve");
        progress.record_solved("b", "2026-12-03T17:00:00.000Z", "#/exercise/b?seed=2");
        progress.record_solved("b", "2026-12-04T09:00:00.000Z", "#/exercise/b?seed=3");
        let again = Progress::from_json(&progress.to_json());
        assert_eq!(again.status("b"), Some(Status::Solved));
        assert_eq!(again.solved["b"].at, "2026-12-03T17:00:00.000Z");
        assert_eq!(again.solved["b"].run, "#/exercise/b?seed=2");
        assert!(!again.solved.contains_key("a"));
        let odd = Progress::from_json(r#"{"exercises":{},"solved":{"c":{"at":1}}}"#);
        assert!(odd.set_aside.contains_key("solved.c"));
    }

    #[test]
    fn a_new_result_replaces_an_unreadable_one() {
        let mut progress = Progress::from_json(r#"{"exercises":{"b":"bogus"}}"#);
        progress.record("b", Status::Tried);
        assert_eq!(progress.status("b"), Some(Status::Tried));
        assert!(progress.notice().is_none());
    }
}
