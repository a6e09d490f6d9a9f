//! Courses: an instructor's own catalog — a title, chapters, and in each chapter an ordered mix
//! of built-in exercises (by id), exercises shared as links (`#/x/…`) and exercises written
//! inline in the course file. The format is in `docs/reference.md` ("Course file"); an example
//! is `courses/queues-in-a-week.toml`.
//!
//! A course is checked like an exercise file: every problem comes back with `file:line:col`,
//! the field path and which chapter and entry it is in, including each inline exercise's own
//! problems at their place in the course file ([`inline`] cuts them out without moving them).
//! `queuelab check course.toml` then proves every exercise with the same prover as exercise
//! files; the playground shows a valid course as the catalog (`#/course/…`) and keeps the
//! learner's progress per course.
//!
//! ```
//! let built_in = queuelab::exercise::catalog();
//! let text = "id = \"week\"\ntitle = \"A week of queues\"\n[[chapters]]\ntitle = \"Pools\"\nexercises = [\"find-the-knee\"]\n";
//! let course = queuelab::course::Course::parse(text, "week.toml", &built_in).unwrap();
//! assert_eq!(course.chapters[0].entries[0].exercise.id, "find-the-knee");
//! let typo = text.replace("find-the-knee", "find-the-kne");
//! let errors = queuelab::course::Course::parse(&typo, "week.toml", &built_in).unwrap_err();
//! assert!(errors.to_string().contains("week.toml:5:14: chapters[0].exercises[0]: chapter 1, entry 1: no built-in exercise \"find-the-kne\"; did you mean \"find-the-knee\""));
//! ```

pub mod inline;
mod raw;
mod validate;

use crate::exercise::Exercise;
use crate::scenario::ScenarioErrors;

/// Where an entry's exercise came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A built-in exercise, named by its id.
    BuiltIn,
    /// A shared link (`#/x/…`).
    Link,
    /// Written in the course file.
    Inline,
}

/// One exercise of a chapter.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub source: Source,
    /// For a built-in exercise, the built-in itself; else the exercise the course carries (its
    /// `origin` says the course and where in it).
    pub exercise: Exercise,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    pub title: String,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Course {
    /// Lowercase letters, digits and '-': the learner's progress is kept under it.
    pub id: String,
    pub title: String,
    /// Markdown; may be empty.
    pub description: String,
    pub chapters: Vec<Chapter>,
    /// File name for messages.
    pub origin: String,
    source: String,
}

impl Course {
    /// Parses and validates a course file against the built-in exercises (`built_in`, as
    /// [`crate::exercise::catalog`] gives them), collecting every problem.
    pub fn parse(
        text: &str,
        origin: &str,
        built_in: &[Exercise],
    ) -> Result<Course, ScenarioErrors> {
        validate::parse(text, origin, built_in)
    }

    /// The course file's text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Every exercise, in course order.
    pub fn exercises(&self) -> impl Iterator<Item = &Exercise> {
        self.chapters
            .iter()
            .flat_map(|chapter| chapter.entries.iter().map(|entry| &entry.exercise))
    }

    /// The exercises the course brings besides the built-in ones (inline and linked), which the
    /// playground adds to its catalog so their pages open.
    pub fn own_exercises(&self) -> impl Iterator<Item = &Exercise> {
        self.chapters.iter().flat_map(|chapter| {
            chapter
                .entries
                .iter()
                .filter(|entry| entry.source != Source::BuiltIn)
                .map(|entry| &entry.exercise)
        })
    }
}

/// True when the text looks like a course rather than an exercise or scenario: a top-level
/// `chapters` list, which neither of those has.
pub fn is_course(text: &str) -> bool {
    toml::from_str::<toml::Table>(text).is_ok_and(|table| table.contains_key("chapters"))
}

/// "chapter 2, entry 3": where an entry is, counted from 1 as an instructor counts.
pub fn place(chapter: usize, entry: usize) -> String {
    format!("chapter {}, entry {}", chapter + 1, entry + 1)
}

/// The example course shipped in `courses/`, which the catalog offers to open.
pub const EXAMPLE: &str = include_str!("../../courses/queues-in-a-week.toml");

#[cfg(test)]
mod tests;
