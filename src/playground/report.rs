//! "Copy my progress": a short report a learner hands in — what was solved, when, and the
//! permalink of the solving run — so a class without a server can collect results by mail or a
//! form; and the instructor's side, which reads pasted reports back (each checked, each problem
//! said) into a table of learners × exercises ([`ClassTable`]).
//!
//! The report is JSON (format `queuelab-progress`, version 1; fields in `docs/reference.md`),
//! and its Markdown form is a table for people with the same JSON in a fenced block at its end,
//! so either form can be pasted on the instructor's page.
//!
//! ```
//! use queuelab::playground::{report, Progress};
//! let mut progress = Progress::default();
//! progress.record_solved("littles-law", "2026-12-03T17:00:00.000Z", "#/exercise/littles-law?seed=2");
//! let made = report::Report::new("Ada", None, "2026-12-03T18:00:00.000Z", &progress, &[("littles-law".into(), "Little's law".into())]);
//! let read = report::Report::parse(&made.to_markdown("https://example.org/queuelab/")).unwrap();
//! assert_eq!(read, made);
//! ```

use super::progress::{Progress, Status};
use crate::scenario::limits::{MAX_INPUT_BYTES, MAX_URL_FRAGMENT_BYTES};
use serde::{Deserialize, Serialize};

/// The `format` every report carries.
pub const FORMAT: &str = "queuelab-progress";
/// Exercises one report may list.
pub const MAX_REPORT_EXERCISES: usize = 1_000;
/// Characters of a learner's name or an exercise's title in a report.
pub const MAX_NAME_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub format: String,
    pub version: u32,
    /// The learner's name as they typed it.
    pub learner: String,
    /// The course the progress is in; `None`: the built-in exercises.
    #[serde(default)]
    pub course: Option<CourseRef>,
    /// When the report was made (ISO 8601, UTC).
    pub made_at: String,
    pub exercises: Vec<ReportedExercise>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseRef {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportedExercise {
    pub id: String,
    pub title: String,
    pub status: Status,
    /// When it was first solved, if the browser recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solved_at: Option<String>,
    /// The solving run's permalink (`#/exercise/ID?seed=N&…`), if recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
}

impl Report {
    /// The report of `progress`, listing the exercises of `exercises` (id, title) that were
    /// tried or solved, in that order.
    pub fn new(
        learner: &str,
        course: Option<CourseRef>,
        made_at: &str,
        progress: &Progress,
        exercises: &[(String, String)],
    ) -> Report {
        let exercises = exercises
            .iter()
            .filter_map(|(id, title)| {
                let status = progress.status(id)?;
                let solved = progress.solved.get(id);
                Some(ReportedExercise {
                    id: id.clone(),
                    title: title.clone(),
                    status,
                    solved_at: solved.map(|solved| solved.at.clone()),
                    run: solved.map(|solved| solved.run.clone()),
                })
            })
            .collect();
        Report {
            format: FORMAT.into(),
            version: 1,
            learner: learner.trim().to_string(),
            course,
            made_at: made_at.to_string(),
            exercises,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The report for people: a table, each solving run a link at `address` (the playground's
    /// address), then the JSON for the instructor's page.
    pub fn to_markdown(&self, address: &str) -> String {
        let solved = self
            .exercises
            .iter()
            .filter(|e| e.status == Status::Solved)
            .count();
        let mut out = format!("# Queue Lab progress: {}\n\n", cell(&self.learner));
        match &self.course {
            Some(course) => {
                out += &format!("Course: {} (`{}`)  \n", cell(&course.title), course.id)
            }
            None => out += "The built-in exercises  \n",
        }
        out += &format!(
            "Made {} · {solved} solved, {} tried\n\n| Exercise | Status | Solved at | Solving run |\n|---|---|---|---|\n",
            self.made_at,
            self.exercises.len() - solved
        );
        for exercise in &self.exercises {
            let status = match exercise.status {
                Status::Solved => "solved",
                Status::Tried => "tried",
            };
            let run = exercise
                .run
                .as_ref()
                .map(|run| format!("[replay]({address}{run})"))
                .unwrap_or_default();
            out += &format!(
                "| {} (`{}`) | {status} | {} | {run} |\n",
                cell(&exercise.title),
                exercise.id,
                exercise.solved_at.as_deref().unwrap_or("")
            );
        }
        out + "\nFor the instructor's page (Queue Lab, `#/progress`):\n\n```json\n"
            + self.to_json().as_str()
            + "\n```\n"
    }

    /// Reads a pasted report (its JSON, or its Markdown with the JSON block), checking every
    /// field; the error is a sentence saying what and where.
    pub fn parse(text: &str) -> Result<Report, String> {
        if text.len() > MAX_INPUT_BYTES {
            return Err(format!(
                "The report is {} bytes, more than the {MAX_INPUT_BYTES} a report may have.",
                text.len()
            ));
        }
        let trimmed = text.trim();
        let json = if trimmed.starts_with('{') {
            trimmed
        } else {
            let start = text.find("```json").ok_or(
                "This is not a Queue Lab progress report: it has no ```json block. Paste the whole report, as \"Copy my progress\" gave it.",
            )? + "```json".len();
            let end = text[start..].find("```").ok_or(
                "The report's ```json block has no closing ```: was it cut short? Paste the whole report.",
            )?;
            &text[start..start + end]
        };
        let report: Report = serde_json::from_str(json).map_err(|error| {
            format!(
                "The report's JSON does not read, at line {} column {} of the JSON: {error}. Paste the report as it was copied.",
                error.line(),
                error.column()
            )
        })?;
        report.checked()
    }

    fn checked(self) -> Result<Report, String> {
        if self.format != FORMAT {
            return Err(format!(
                "format: {:?} is not a Queue Lab progress report (expected {FORMAT:?}).",
                short(&self.format)
            ));
        }
        if self.version != 1 {
            return Err(format!(
                "version: {} is not read by this Queue Lab (it reads version 1); open the report in a newer one.",
                self.version
            ));
        }
        if self.learner.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "learner: a name longer than {MAX_NAME_CHARS} characters."
            ));
        }
        if self.exercises.len() > MAX_REPORT_EXERCISES {
            return Err(format!(
                "exercises: {} listed, more than the {MAX_REPORT_EXERCISES} a report may have.",
                self.exercises.len()
            ));
        }
        for (i, exercise) in self.exercises.iter().enumerate() {
            let where_ = format!("exercises[{i}]");
            if exercise.id.is_empty()
                || !exercise
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return Err(format!(
                    "{where_}.id: {:?} is not an exercise id (lowercase letters, digits and '-').",
                    short(&exercise.id)
                ));
            }
            if exercise.title.chars().count() > MAX_NAME_CHARS {
                return Err(format!(
                    "{where_}.title: longer than {MAX_NAME_CHARS} characters."
                ));
            }
            if let Some(run) = &exercise.run {
                let own = format!("#/exercise/{}", exercise.id);
                let is_own = run == &own || run.starts_with(&format!("{own}?"));
                if !is_own || run.len() > MAX_URL_FRAGMENT_BYTES {
                    return Err(format!(
                        "{where_}.run: {:?} is not a permalink of the exercise {:?} (\"{own}?seed=…\").",
                        short(run),
                        exercise.id
                    ));
                }
            }
        }
        Ok(self)
    }
}

/// Text made safe for a Markdown table cell: one line, `|` escaped.
fn cell(text: &str) -> String {
    text.replace(['\n', '\r'], " ").replace('|', "\\|")
}

/// At most 80 characters of a value quoted back.
fn short(text: &str) -> String {
    text.chars().take(80).collect()
}

/// Reports gathered on the instructor's page: one row per learner and course, one column per
/// exercise (in the order they first appear).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClassTable {
    /// (id, title) of every column.
    pub exercises: Vec<(String, String)>,
    pub rows: Vec<Report>,
}

impl ClassTable {
    /// Adds a report; one from the same learner in the same course replaces theirs when it is
    /// newer. Says which happened.
    pub fn add(&mut self, report: Report) -> String {
        for exercise in &report.exercises {
            if !self.exercises.iter().any(|(id, _)| *id == exercise.id) {
                self.exercises
                    .push((exercise.id.clone(), exercise.title.clone()));
            }
        }
        let same = |row: &Report| {
            row.learner == report.learner
                && row.course.as_ref().map(|c| &c.id) == report.course.as_ref().map(|c| &c.id)
        };
        let said = match self.rows.iter().position(same) {
            Some(at) if self.rows[at].made_at > report.made_at => {
                return format!(
                    "{}'s report of {} is older than the one in the table ({}): kept the newer.",
                    report.learner, report.made_at, self.rows[at].made_at
                )
            }
            Some(at) => {
                self.rows.remove(at);
                format!(
                    "Replaced {}'s earlier report with this one of {}.",
                    report.learner, report.made_at
                )
            }
            None => format!(
                "Added {}'s report ({} exercises).",
                report.learner,
                report.exercises.len()
            ),
        };
        self.rows.push(report);
        said
    }

    /// The cell of `row` for the exercise `id`.
    pub fn cell(&self, row: usize, id: &str) -> Option<&ReportedExercise> {
        self.rows
            .get(row)?
            .exercises
            .iter()
            .find(|exercise| exercise.id == id)
    }
}

#[cfg(test)]
mod tests;
