//! The instructor's drafts ("my exercises"), kept in the browser's local storage as JSON: a
//! list of named texts. Whatever replaces the editor's text (a template, a remix, a file, a
//! shared link) first keeps the text it replaces here, so nothing typed is lost; a text that
//! cannot be read back as drafts is kept aside by the page, never overwritten.

use serde::{Deserialize, Serialize};

/// Drafts kept at most; the oldest go first past it (each is at most an exercise file, 1 MiB,
/// but browsers give a site about 5 MB of storage).
pub const MAX_DRAFTS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The exercise's id when the text has one, else `untitled`.
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drafts {
    pub drafts: Vec<Draft>,
}

impl Drafts {
    /// Drafts from their JSON; `Err` when the text is not drafts (the page keeps it aside).
    pub fn from_json(text: &str) -> Result<Drafts, String> {
        if text.trim().is_empty() {
            return Ok(Drafts::default());
        }
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Keeps `text` under `name`, replacing a draft of that name; the newest comes first.
    /// An empty text, or one already kept under that name, changes nothing.
    pub fn keep(&mut self, name: &str, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        self.drafts.retain(|draft| draft.name != name);
        self.drafts.insert(
            0,
            Draft {
                name: name.to_string(),
                text: text.to_string(),
            },
        );
        self.drafts.truncate(MAX_DRAFTS);
    }

    pub fn remove(&mut self, name: &str) {
        self.drafts.retain(|draft| draft.name != name);
    }

    pub fn get(&self, name: &str) -> Option<&Draft> {
        self.drafts.iter().find(|draft| draft.name == name)
    }
}

/// The name a text is kept under: the value of its top-level `id`, when it has one that reads.
pub fn name_of(text: &str) -> String {
    text.lines()
        .take_while(|line| !line.trim_start().starts_with('['))
        .find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "id").then(|| value.trim().trim_matches('"').to_string())
        })
        .filter(|id| !id.is_empty() && id.len() <= 64)
        .unwrap_or_else(|| "untitled".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_round_trip_replace_by_name_and_stay_bounded() {
        let mut drafts = Drafts::default();
        drafts.keep("a", "one");
        drafts.keep("b", "two");
        drafts.keep("a", "three");
        drafts.keep("c", "  ");
        assert_eq!(drafts.drafts.len(), 2);
        assert_eq!(drafts.drafts[0].text, "three");
        let back = Drafts::from_json(&drafts.to_json()).unwrap();
        assert_eq!(back, drafts);
        for i in 0..100 {
            drafts.keep(&format!("d{i}"), "x");
        }
        assert_eq!(drafts.drafts.len(), MAX_DRAFTS);
        drafts.remove("d99");
        assert!(drafts.get("d99").is_none());
        assert!(Drafts::from_json("not json").is_err());
        assert_eq!(Drafts::from_json("").unwrap(), Drafts::default());
    }

    #[test]
    fn a_draft_is_named_by_its_id() {
        assert_eq!(
            name_of("# c\nid = \"mine\"\n[scenario]\nid = \"x\""),
            "mine"
        );
        assert_eq!(name_of("[scenario]\nid = \"x\""), "untitled");
        assert_eq!(name_of("title = \"t\""), "untitled");
    }
}
