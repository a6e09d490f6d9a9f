//! Course file → [`Course`]: every problem collected with its field path (positioned in the file
//! afterwards, like a scenario's) and the chapter and entry it is in, counted from 1.

use super::raw::{RawChapter, RawCourse};
use super::{inline, place, Chapter, Course, Entry, Source};
use crate::exercise::Exercise;
use crate::playground::share;
use crate::scenario::limits::{
    too_many, MAX_COURSE_CHAPTERS, MAX_COURSE_EXERCISES, MAX_COURSE_LINKED_BYTES,
    MAX_REPORTED_ERRORS,
};
use crate::scenario::{self, ErrorKind, ScenarioError, ScenarioErrors};

/// What one course collects while it is read.
struct Reading<'a> {
    text: &'a str,
    origin: &'a str,
    built_in: &'a [Exercise],
    document: Option<toml_edit::Document<&'a str>>,
    /// Problems with a field path, positioned at the end.
    unplaced: Vec<ScenarioError>,
    /// Problems already positioned (an inline exercise's own).
    placed: Vec<ScenarioError>,
    linked_bytes: usize,
    /// The id of every exercise accepted so far, with where it is.
    seen: Vec<(String, String)>,
}

pub(super) fn parse(
    text: &str,
    origin: &str,
    built_in: &[Exercise],
) -> Result<Course, ScenarioErrors> {
    scenario::check_input_size(text, origin)?;
    let raw: RawCourse = toml::from_str(text)
        .map_err(|e| ScenarioErrors(vec![scenario::syntax_error(&e, text, origin)]))?;
    let mut reading = Reading {
        text,
        origin,
        built_in,
        document: toml_edit::Document::parse(text).ok(),
        unplaced: Vec::new(),
        placed: Vec::new(),
        linked_bytes: 0,
        seen: Vec::new(),
    };
    if raw.format_version.is_some_and(|version| version != 1) {
        reading.add(
            "format_version",
            "unsupported; this queuelab reads format_version = 1",
        );
    }
    let id = reading.required("id", &raw.id);
    if !id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        reading.add(
            "id",
            "use lowercase letters, digits and '-' only (the learner's progress is kept under it)",
        );
    }
    let title = reading.required("title", &raw.title);
    let total: usize = raw
        .chapters
        .iter()
        .map(|chapter| chapter.exercises.len())
        .sum();
    if raw.chapters.len() > MAX_COURSE_CHAPTERS || total > MAX_COURSE_EXERCISES {
        let (path, message) = if raw.chapters.len() > MAX_COURSE_CHAPTERS {
            (
                "chapters",
                too_many(raw.chapters.len(), MAX_COURSE_CHAPTERS, "chapters"),
            )
        } else {
            (
                "chapters",
                too_many(total, MAX_COURSE_EXERCISES, "exercises in all chapters"),
            )
        };
        let error = ScenarioError::at_path(path, message).of_kind(ErrorKind::TooLarge);
        return Err(ScenarioErrors(scenario::position_errors(
            vec![error],
            text,
            origin,
            "",
            &[],
        )));
    }
    if raw.chapters.is_empty() {
        reading.add(
            "chapters",
            "is required: a course has at least one [[chapters]] with a title and its exercises",
        );
    }
    let chapters: Vec<Chapter> = raw
        .chapters
        .iter()
        .enumerate()
        .map(|(i, chapter)| reading.chapter(i, chapter))
        .collect();
    let mut errors =
        scenario::position_errors(std::mem::take(&mut reading.unplaced), text, origin, "", &[]);
    errors.append(&mut reading.placed);
    if errors.is_empty() {
        return Ok(Course {
            id,
            title,
            description: raw.description.unwrap_or_default(),
            chapters,
            origin: origin.to_string(),
            source: text.to_string(),
        });
    }
    errors.sort_by_key(|error| (error.line == 0, error.line, error.column));
    if errors.len() > MAX_REPORTED_ERRORS {
        let more = errors.len() - MAX_REPORTED_ERRORS;
        errors.truncate(MAX_REPORTED_ERRORS);
        errors.push(ScenarioError::unplaced(
            ErrorKind::MoreProblems,
            origin,
            format!("and {more} more problems (only the first {MAX_REPORTED_ERRORS} are listed)"),
        ));
    }
    Err(ScenarioErrors(errors))
}

impl Reading<'_> {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.unplaced.push(ScenarioError::at_path(path, message));
    }

    fn required(&mut self, path: &str, value: &Option<String>) -> String {
        match value.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() => text.to_string(),
            _ => {
                self.add(path, "is required");
                String::new()
            }
        }
    }

    fn chapter(&mut self, i: usize, chapter: &RawChapter) -> Chapter {
        let title = self.required(&format!("chapters[{i}].title"), &chapter.title);
        if chapter.exercises.is_empty() {
            self.add(
                format!("chapters[{i}]"),
                format!(
                    "chapter {} has no exercises: list at least one in `exercises`",
                    i + 1
                ),
            );
        }
        let entries = chapter
            .exercises
            .iter()
            .enumerate()
            .filter_map(|(j, value)| self.entry(i, j, value))
            .collect();
        Chapter { title, entries }
    }

    /// The entry at `chapters[i].exercises[j]`, or `None` with its problems recorded. An
    /// exercise appears once per course.
    fn entry(&mut self, i: usize, j: usize, value: &toml::Value) -> Option<Entry> {
        let at = format!("chapters[{i}].exercises[{j}]");
        let here = place(i, j);
        let entry = self.resolve(&at, &here, i, j, value)?;
        let id = &entry.exercise.id;
        if let Some((_, first)) = self.seen.iter().find(|(seen, _)| seen == id) {
            let message = format!(
                "{here}: the exercise {id:?} is already in this course ({first}); each exercise appears once"
            );
            self.add(at, message);
            return None;
        }
        self.seen.push((id.clone(), here));
        Some(entry)
    }

    fn resolve(
        &mut self,
        at: &str,
        here: &str,
        i: usize,
        j: usize,
        value: &toml::Value,
    ) -> Option<Entry> {
        match value {
            toml::Value::String(text) if text.contains("#/x/") => self.link(at, here, text),
            toml::Value::String(text) if text.contains("://") || text.starts_with('#') => {
                self.link(at, here, text)
            }
            toml::Value::String(id) => self.built_in(at, here, id),
            toml::Value::Table(table)
                if table.contains_key("builtin") || table.contains_key("link") =>
            {
                if table.len() != 1 {
                    self.add(at, format!("{here}: an entry is `builtin = \"ID\"`, `link = \"#/x/…\"` or an exercise's own fields, one of them only"));
                    return None;
                }
                let (key, value) = table.iter().next()?;
                let at = format!("{at}.{key}");
                match (key.as_str(), value.as_str()) {
                    ("builtin", Some(id)) => self.built_in(&at, here, id),
                    ("link", Some(link)) => self.link(&at, here, link),
                    _ => {
                        self.add(at, format!("{here}: must be a string"));
                        None
                    }
                }
            }
            toml::Value::Table(_) => self.inline(i, j, at, here),
            _ => {
                self.add(at, format!("{here}: expected a built-in exercise's id, a shared link (\"#/x/…\") or a table with an exercise of your own"));
                None
            }
        }
    }

    fn built_in(&mut self, at: &str, here: &str, id: &str) -> Option<Entry> {
        if let Some(exercise) = self.built_in.iter().find(|exercise| exercise.id == id) {
            return Some(Entry {
                source: Source::BuiltIn,
                exercise: exercise.clone(),
            });
        }
        let closest = self
            .built_in
            .iter()
            .min_by_key(|exercise| strsim::levenshtein(id, &exercise.id))
            .map(|exercise| format!("; did you mean {:?}?", exercise.id))
            .unwrap_or_default();
        self.add(at, format!("{here}: no built-in exercise {id:?}{closest}"));
        None
    }

    fn link(&mut self, at: &str, here: &str, link: &str) -> Option<Entry> {
        let Some((_, payload)) = link.split_once(share::ROUTE) else {
            self.add(
                at,
                format!("{here}: a shared exercise's link has \"#/x/\" followed by the exercise"),
            );
            return None;
        };
        let text = match share::decode(payload.trim()) {
            Ok(text) => text,
            Err(message) => {
                self.add(at, format!("{here}: {message}"));
                return None;
            }
        };
        self.linked_bytes += text.len();
        if self.linked_bytes > MAX_COURSE_LINKED_BYTES {
            self.unplaced.push(
                ScenarioError::at_path(at, format!("{here}: the course's linked exercises unpack to more than {MAX_COURSE_LINKED_BYTES} bytes together, the most a course may carry; put some in the course file or a second course"))
                    .of_kind(ErrorKind::TooLarge),
            );
            return None;
        }
        let origin = format!("{} ({here}, a link)", self.origin);
        match Exercise::parse_for_authoring(&text, &origin) {
            Ok((exercise, unsafe_links)) if unsafe_links.is_empty() => {
                self.not_a_built_in_id(at, here, &exercise.id);
                Some(Entry {
                    source: Source::Link,
                    exercise,
                })
            }
            Ok((_, problems)) | Err(ScenarioErrors(problems)) => {
                let first = problems
                    .first()
                    .map(|error| error.to_string())
                    .unwrap_or_default();
                self.add(at, format!("{here}: the linked exercise has {} problem(s) (open the link to see them marked in the authoring page); the first: {first}", problems.len()));
                None
            }
        }
    }

    fn inline(&mut self, i: usize, j: usize, at: &str, here: &str) -> Option<Entry> {
        let label = format!("{} ({here})", self.origin);
        let carved = self.document.as_ref().and_then(|document| {
            let exercise = document
                .get("chapters")?
                .as_array_of_tables()?
                .get(i)?
                .get("exercises")?
                .as_array_of_tables()?
                .get(j)?;
            inline::carve(self.text, document, exercise)
        });
        let relabel = |mut error: ScenarioError| {
            error.path = if error.path.is_empty() {
                at.to_string()
            } else {
                format!("{at}.{}", error.path)
            };
            error.message = format!("{here}: {}", error.message);
            error
        };
        let Some(carved) = carved else {
            // An inline `{ … }` table: no header to cut along, so its problems are placed by path.
            let text = self
                .document
                .as_ref()
                .and_then(|document| inline::inline_table_text(document, i, j))
                .unwrap_or_default();
            return match Exercise::parse_for_authoring(&text, &label) {
                Ok((exercise, unsafe_links)) if unsafe_links.is_empty() => {
                    self.not_a_built_in_id(&format!("{at}.id"), here, &exercise.id);
                    Some(Entry {
                        source: Source::Inline,
                        exercise,
                    })
                }
                Ok((_, problems)) | Err(ScenarioErrors(problems)) => {
                    for error in problems {
                        let error = relabel(ScenarioError {
                            line: 0,
                            column: 0,
                            span: None,
                            ..error
                        });
                        self.unplaced.push(error);
                    }
                    None
                }
            };
        };
        match Exercise::parse_for_authoring(&carved.in_place, self.origin) {
            Ok((_, unsafe_links)) if unsafe_links.is_empty() => {}
            Ok((_, problems)) | Err(ScenarioErrors(problems)) => {
                // A missing field has no place in the exercise's text: its table in the course has.
                let (placed, unplaced): (Vec<_>, Vec<_>) = problems
                    .into_iter()
                    .map(relabel)
                    .partition(|error| error.line > 0);
                self.placed.extend(placed);
                self.unplaced.extend(unplaced);
                return None;
            }
        }
        match Exercise::parse(&carved.compact, &label) {
            Ok(exercise) => {
                self.not_a_built_in_id(&format!("{at}.id"), here, &exercise.id);
                Some(Entry {
                    source: Source::Inline,
                    exercise,
                })
            }
            Err(errors) => {
                // Not expected: the same fields parsed in place.
                self.add(at, format!("{here}: {errors}"));
                None
            }
        }
    }

    /// The playground keeps progress by exercise id, so a course's own exercise may not take a
    /// built-in exercise's.
    fn not_a_built_in_id(&mut self, at: &str, here: &str, id: &str) {
        if self.built_in.iter().any(|exercise| exercise.id == id) {
            self.add(at, format!("{here}: {id:?} is the id of a built-in exercise; give your own exercise an id of its own (e.g. \"my-{id}\"), or list the built-in one by its id"));
        }
    }
}
