//! The learner's progress (tried / solved per exercise), saved by the browser in localStorage.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Tried,
    Solved,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub exercises: BTreeMap<String, Status>,
}

impl Progress {
    /// Reads saved progress; anything unreadable starts afresh rather than failing.
    pub fn from_json(text: &str) -> Progress {
        serde_json::from_str(text).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Records a result; solved is never downgraded to tried.
    pub fn record(&mut self, id: &str, status: Status) {
        let entry = self.exercises.entry(id.to_string()).or_insert(status);
        *entry = (*entry).max(status);
    }

    pub fn status(&self, id: &str) -> Option<Status> {
        self.exercises.get(id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solved_is_never_downgraded_and_garbage_is_ignored() {
        let mut progress = Progress::from_json("{not json");
        progress.record("a", Status::Solved);
        progress.record("a", Status::Tried);
        progress.record("b", Status::Tried);
        let restored = Progress::from_json(&progress.to_json());
        assert_eq!(restored.status("a"), Some(Status::Solved));
        assert_eq!(restored.status("b"), Some(Status::Tried));
        assert_eq!(restored.status("c"), None);
    }
}
