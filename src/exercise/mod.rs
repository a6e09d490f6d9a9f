//! Exercises: a scenario, the knobs a learner may turn, goals that check themselves, hints and a
//! reference solution — authored by instructors as TOML in `exercises/` (guide: `exercises/README.md`).
//!
//! Parsing follows the scenario's two stages (serde raw structs, then validation collecting every
//! problem with its field path and `file:line:col`). [`verify`] then proves an exercise works: on
//! each of its seeds, the starting configuration fails a goal and the solution passes them all.
//!
//! ```
//! let exercise = queuelab::exercise::catalog().into_iter().next().expect("the catalog has exercises");
//! let solved = exercise.config_with(&exercise.solution).unwrap();
//! let summary = queuelab::sim::Engine::new(&solved).run();
//! assert!(exercise.goals.iter().all(|goal| goal.evaluate(&summary).passed));
//! ```

pub mod goal;
mod grade;
pub mod knob;
pub mod question;
pub mod raw;
pub mod template;
mod validate;
mod verify;

pub use goal::{Comparator, Goal, GoalResult};
pub use grade::SeedVerdict;
pub use knob::{Knob, KnobKind, KnobValue};
pub use question::{Expect, Proof, Question};
pub use validate::HIDDEN_SEEDS;
pub use verify::{verify, Prover, Step, Verification};

use crate::scenario::{self, Config, ScenarioErrors};

/// Chapters of the curriculum, in catalog order.
pub const CHAPTERS: [&str; 6] = [
    "pools",
    "backpressure",
    "limiters",
    "autoscaling",
    "steady-state",
    "build-it",
];
/// A chapter's heading in the catalog (the app's and the prerendered first paint's).
pub fn chapter_title(chapter: &str) -> &'static str {
    match chapter {
        "pools" => "Worker pools",
        "backpressure" => "Backpressure",
        "limiters" => "Limiters",
        "autoscaling" => "Autoscaling",
        "build-it" => "Build it: write the policy",
        _ => "Steady state",
    }
}

pub const DIFFICULTIES: [&str; 3] = ["junior", "middle", "senior"];

#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    pub id: String,
    pub title: String,
    pub chapter: String,
    pub difficulty: String,
    pub sources: Vec<String>,
    pub summary: String,
    /// Markdown.
    pub instructions: String,
    pub knobs: Vec<Knob>,
    pub goals: Vec<Goal>,
    pub par: Option<Par>,
    pub hints: Vec<String>,
    /// Knob values of the reference solution (knobs it does not name keep their start).
    pub solution: Vec<(String, KnobValue)>,
    /// Markdown.
    pub explanation: String,
    pub seeds: Vec<u64>,
    pub watch: Vec<String>,
    /// Questions with choices, answered from the run or the validation error.
    pub questions: Vec<Question>,
    /// The starting configuration.
    pub scenario: Config,
    /// File name for messages.
    pub origin: String,
    /// The exercise file's text: knob values are applied to it.
    source: String,
}

/// The instructor's best value of one knob; at or below it is "par".
#[derive(Debug, Clone, PartialEq)]
pub struct Par {
    pub path: String,
    pub value: KnobValue,
}

impl Exercise {
    /// Parses and validates an exercise file.
    pub fn parse(text: &str, origin: &str) -> Result<Exercise, ScenarioErrors> {
        validate::parse(text, origin)
    }

    /// What `queuelab check` and the authoring page hold an exercise file to before proving
    /// it: it parses and validates ([`Exercise::parse`]), and no link in its text would be
    /// removed ([`Exercise::unsafe_links`]). The exercise comes back with the link problems so it
    /// can still be proven.
    pub fn parse_for_authoring(
        text: &str,
        origin: &str,
    ) -> Result<(Exercise, Vec<scenario::ScenarioError>), ScenarioErrors> {
        let exercise = Exercise::parse(text, origin)?;
        let unsafe_links = exercise.unsafe_links();
        Ok((exercise, unsafe_links))
    }

    /// The exercise file's text.
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn knob(&self, path: &str) -> Option<&Knob> {
        self.knobs.iter().find(|knob| knob.path == path)
    }

    /// The scenario with these knob values applied (others keep their start). Every value is
    /// checked against its knob first.
    pub fn config_with(&self, values: &[(String, KnobValue)]) -> Result<Config, ScenarioErrors> {
        let mut overrides = Vec::new();
        for (path, value) in values {
            let knob = self.knob(path).ok_or_else(|| {
                ScenarioErrors(vec![scenario::ScenarioError::at_path(
                    path.clone(),
                    "is not a knob of this exercise",
                )])
            })?;
            knob.check(value).map_err(|message| {
                ScenarioErrors(vec![scenario::ScenarioError::at_path(
                    path.clone(),
                    message,
                )])
            })?;
            overrides.push(value.to_override(path));
        }
        validate::scenario_with(&self.source, &self.origin, &overrides)
            .map_err(|errors| validate::blame_overrides(errors, "knob"))
    }

    /// The solution's knob values merged over the starting ones (one value per knob).
    pub fn solution_values(&self) -> Vec<(String, KnobValue)> {
        self.knobs
            .iter()
            .map(|knob| {
                let value = self
                    .solution
                    .iter()
                    .find(|(path, _)| *path == knob.path)
                    .map_or(knob.start.clone(), |(_, value)| value.clone());
                (knob.path.clone(), value)
            })
            .collect()
    }

    /// The starting knob values.
    pub fn start_values(&self) -> Vec<(String, KnobValue)> {
        self.knobs
            .iter()
            .map(|knob| (knob.path.clone(), knob.start.clone()))
            .collect()
    }

    /// Whether `values` reach par: the par knob at or below the instructor's value.
    pub fn at_par(&self, values: &[(String, KnobValue)]) -> Option<bool> {
        let par = self.par.as_ref()?;
        let value = values
            .iter()
            .find(|(path, _)| *path == par.path)?
            .1
            .as_f64()?;
        Some(value <= par.value.as_f64()?)
    }

    /// Every Markdown text of the exercise with the field path it came from: instructions, hints,
    /// questions and their explanations, the solution's explanation.
    pub fn markdown_fields(&self) -> Vec<(String, &str)> {
        let mut fields = vec![("instructions".to_string(), self.instructions.as_str())];
        for (i, hint) in self.hints.iter().enumerate() {
            fields.push((format!("hints[{i}]"), hint));
        }
        for (i, question) in self.questions.iter().enumerate() {
            fields.push((format!("questions[{i}].ask"), &question.ask));
            fields.push((format!("questions[{i}].explanation"), &question.explanation));
        }
        fields.push(("solution.explanation".to_string(), &self.explanation));
        fields
    }

    /// Links the playground would remove when showing this exercise (`javascript:` and any
    /// scheme besides http, https and mailto), each at its field's `file:line:col`. The playground
    /// still opens such a file, links removed; `queuelab check` refuses it so authors hear first.
    pub fn unsafe_links(&self) -> Vec<scenario::ScenarioError> {
        let errors = self
            .markdown_fields()
            .into_iter()
            .flat_map(|(path, text)| {
                crate::playground::markdown::unsafe_destinations(text)
                    .into_iter()
                    .map(move |destination| {
                        scenario::ScenarioError::at_path(
                            path.clone(),
                            format!(
                                "links to {destination:?}, which the playground removes: only http, https, mailto and relative links are allowed"
                            ),
                        )
                    })
            })
            .collect();
        scenario::position_errors(errors, &self.source, &self.origin, "", &[])
    }

    /// Evaluates every goal on a summary.
    pub fn evaluate(&self, summary: &crate::report::Summary) -> Vec<GoalResult> {
        self.goals
            .iter()
            .map(|goal| goal.evaluate(summary))
            .collect()
    }
}

/// The scenario of an exercise file with `--set` overrides on it (paths as in the scenario:
/// `pool.workers`), for `queuelab run` and `sweep`. The exercise's other fields are not checked.
pub fn scenario_of(
    text: &str,
    origin: &str,
    overrides: &[scenario::Override],
) -> Result<Config, ScenarioErrors> {
    validate::scenario_with(text, origin, overrides)
        .map_err(|errors| validate::blame_overrides(errors, "--set"))
}

/// Top-level keys only an exercise file has: a file with one of them but no `[scenario]` is an
/// exercise missing its scenario, and is told so (not "unknown field `chapter`").
const EXERCISE_KEYS: [&str; 16] = [
    "scenario",
    "id",
    "title",
    "chapter",
    "difficulty",
    "sources",
    "summary",
    "instructions",
    "knobs",
    "goals",
    "par",
    "hints",
    "solution",
    "seeds",
    "watch",
    "questions",
];

/// True when the text is an exercise (a `[scenario]` table, or any key only exercises have)
/// rather than a scenario.
pub fn is_exercise(text: &str) -> bool {
    toml::from_str::<toml::Table>(text)
        .is_ok_and(|table| EXERCISE_KEYS.iter().any(|key| table.contains_key(*key)))
}

thread_local! {
    /// The built-in catalog once parsed: parsing every file is the largest part of the
    /// playground's start, so it happens once per thread (the browser does it in slices, see
    /// [`CatalogParse`]), and [`catalog`] hands out copies.
    static CATALOG: std::cell::OnceCell<Vec<Exercise>> = const { std::cell::OnceCell::new() };
}

/// The built-in curriculum: every file in `exercises/`, compiled in, in catalog order: by
/// chapter, then junior → middle → senior within it (a path through each topic), then file name.
/// Files that fail to parse are left out here; `queuelab check` and the test suite report them.
pub fn catalog() -> Vec<Exercise> {
    let mut parse = CatalogParse::default();
    while !parse.step(|| true) {}
    CATALOG.with(|catalog| catalog.get().cloned().unwrap_or_default())
}

/// Parses the built-in catalog a few files at a time, so the browser can parse it between
/// frames instead of in one long task that holds the page (Lighthouse counts every task past
/// 50 ms as blocking). Once done, [`catalog`] has it without parsing again.
#[derive(Default)]
pub struct CatalogParse {
    parsed: Vec<Exercise>,
    next: usize,
}

impl CatalogParse {
    /// Parses files while `more()` says so (at least one per call); true once the whole catalog
    /// is parsed (or already was).
    pub fn step(&mut self, more: impl Fn() -> bool) -> bool {
        if CATALOG.with(|catalog| catalog.get().is_some()) {
            return true;
        }
        let files = catalog_files();
        while let Some((name, text)) = files.get(self.next) {
            self.next += 1;
            if let Ok(exercise) = Exercise::parse(text, name) {
                self.parsed.push(exercise);
            }
            if !more() {
                break;
            }
        }
        if self.next < files.len() {
            return false;
        }
        let mut exercises = std::mem::take(&mut self.parsed);
        exercises.sort_by_key(|e| {
            (
                CHAPTERS.iter().position(|c| *c == e.chapter),
                DIFFICULTIES.iter().position(|d| *d == e.difficulty),
                e.origin.clone(),
            )
        });
        CATALOG.with(|catalog| {
            let _ = catalog.set(exercises);
        });
        true
    }
}

/// (file name, text) of every exercise compiled into the binary.
pub fn catalog_files() -> &'static [(&'static str, &'static str)] {
    include!(concat!(env!("OUT_DIR"), "/exercise_catalog.rs"))
}
