//! The course file as written (serde, unknown fields refused). An entry is read as a TOML value
//! and told apart by [`super::validate`]: a string (a built-in id or a `#/x/…` link) or a table
//! (`builtin = "ID"`, `link = "#/x/…"`, or an exercise's own fields).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCourse {
    pub format_version: Option<i64>,
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub chapters: Vec<RawChapter>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChapter {
    pub title: Option<String>,
    #[serde(default)]
    pub exercises: Vec<toml::Value>,
}
