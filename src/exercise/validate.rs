//! Stage two for exercises: raw file → [`Exercise`], every problem with its path and position.

use super::knob::Knob;
use super::raw::RawExercise;
use super::{Exercise, Goal, Par, CHAPTERS, DIFFICULTIES};
use crate::scenario::{self, Config, Override, ScenarioError, ScenarioErrors};

mod goals;
mod knobs;
mod questions;
mod sizes;

use crate::chart::ChartKind;
use goals::goal;
use knobs::{knob, knob_value};

const MISSING_SCENARIO: &str =
    "is required: an exercise file has a [scenario] table in the format of `queuelab run` files";

struct Problems(Vec<ScenarioError>);

impl Problems {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(ScenarioError::at_path(path, message));
    }

    fn required<'a>(&mut self, path: &str, value: &'a Option<String>) -> &'a str {
        match value.as_deref() {
            Some(text) if !text.trim().is_empty() => text,
            _ => {
                self.add(path, "is required");
                ""
            }
        }
    }
}

fn raw_exercise(text: &str, origin: &str) -> Result<RawExercise, ScenarioErrors> {
    toml::from_str(text).map_err(|e| {
        let mut error = scenario::syntax_error(&e, text, origin);
        let top_level = ["hints", "par", "seeds", "watch", "sources", "summary", "instructions", "title"];
        if top_level.iter().any(|key| error.message.contains(&format!("unknown field `{key}`"))) {
            error.message.push_str(
                " (top-level keys such as hints, par, seeds and watch must come before the first [table] header; written after [[goals]] they belong to the last goal)",
            );
        }
        ScenarioErrors(vec![error])
    })
}

fn prefixed(errors: Vec<ScenarioError>) -> Vec<ScenarioError> {
    errors
        .into_iter()
        .map(|mut error| {
            error.path = if error.path.is_empty() {
                "scenario".into()
            } else {
                format!("scenario.{}", error.path)
            };
            error
        })
        .collect()
}

/// The exercise's scenario with knob overrides applied.
pub(super) fn scenario_with(
    source: &str,
    origin: &str,
    overrides: &[Override],
) -> Result<Config, ScenarioErrors> {
    scenario::check_input_size(source, origin)?;
    let edited = scenario::apply_overrides(source, "scenario", overrides)
        .map_err(|e| ScenarioErrors(vec![e]))?;
    let raw = raw_exercise(&edited, origin).map_err(|errors| {
        match scenario::culprit_override::<RawExercise>(source, "scenario", overrides) {
            Some(error) => ScenarioErrors(vec![error]),
            None => errors,
        }
    })?;
    let Some(raw_scenario) = raw.scenario else {
        let mut error = ScenarioError::at_path("scenario", MISSING_SCENARIO);
        error.origin = origin.to_string();
        return Err(ScenarioErrors(vec![error]));
    };
    // An exercise reads only the data files that ship with Queue Lab, the same everywhere.
    let files = Some(crate::data::shipped::shipped());
    scenario::validate::validate_with_files(&raw_scenario, files).map_err(|errors| {
        let prefixed_overrides: Vec<Override> = overrides
            .iter()
            .map(|o| Override::new(format!("scenario.{}", o.path), o.value.clone()))
            .collect();
        ScenarioErrors(scenario::position_errors(
            prefixed(errors),
            &edited,
            origin,
            "",
            &prefixed_overrides,
        ))
    })
}

/// Errors blamed on an override (`--set scenario.pool.workers=0`) name it as `blame` does:
/// `knob pool.workers=0` for a learner's knob, `--set pool.workers=0` on the command line.
pub(super) fn blame_overrides(mut errors: ScenarioErrors, blame: &str) -> ScenarioErrors {
    for error in &mut errors.0 {
        if let Some(edit) = error.origin.strip_prefix("--set scenario.") {
            error.origin = format!("{blame} {edit}");
        }
    }
    errors
}

pub(super) fn parse(text: &str, origin: &str) -> Result<Exercise, ScenarioErrors> {
    scenario::check_input_size(text, origin)?;
    let raw = raw_exercise(text, origin)?;
    let mut p = Problems(Vec::new());
    if !sizes::within_limits(&mut p, &raw) {
        return Err(ScenarioErrors(scenario::position_errors(
            p.0,
            text,
            origin,
            "",
            &[],
        )));
    }
    if raw.format_version.is_some_and(|v| v != 1) {
        p.add(
            "format_version",
            "unsupported; this queuelab reads format_version = 1",
        );
    }
    let id = p.required("id", &raw.id).to_string();
    if !id.is_empty()
        && !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        p.add(
            "id",
            "use lowercase letters, digits and '-' only (it appears in URLs)",
        );
    }
    let title = p.required("title", &raw.title).to_string();
    let chapter = p.required("chapter", &raw.chapter).to_string();
    if !chapter.is_empty() && !CHAPTERS.contains(&chapter.as_str()) {
        p.add(
            "chapter",
            format!(
                "unknown chapter {chapter:?}; expected one of: {}",
                CHAPTERS.join(", ")
            ),
        );
    }
    let difficulty = p.required("difficulty", &raw.difficulty).to_string();
    if !difficulty.is_empty() && !DIFFICULTIES.contains(&difficulty.as_str()) {
        p.add(
            "difficulty",
            format!(
                "unknown difficulty {difficulty:?}; expected one of: {}",
                DIFFICULTIES.join(", ")
            ),
        );
    }
    if raw.sources.is_empty() {
        p.add(
            "sources",
            "cite at least one seed task, e.g. sources = [\"002 T2\"]",
        );
    }
    let summary = p.required("summary", &raw.summary).to_string();
    let instructions = p.required("instructions", &raw.instructions).to_string();

    let scenario = match &raw.scenario {
        None => {
            p.add("scenario", MISSING_SCENARIO);
            None
        }
        Some(raw_scenario) => match scenario::validate::validate_with_files(
            raw_scenario,
            Some(crate::data::shipped::shipped()),
        ) {
            Ok(config) => Some(config),
            Err(errors) => {
                p.0.extend(prefixed(errors));
                None
            }
        },
    };
    let document: Option<toml::Table> = toml::from_str(text).ok();
    let scenario_table = document.as_ref().and_then(|d| d.get("scenario"));

    let mut knobs: Vec<Knob> = Vec::new();
    for (i, raw_knob) in raw.knobs.iter().enumerate() {
        if let Some(knob) = knob(&mut p, i, raw_knob, scenario_table) {
            if knobs.iter().any(|k| k.path == knob.path) {
                p.add(
                    format!("knobs[{i}].path"),
                    format!("{:?} is already a knob", knob.path),
                );
            }
            knobs.push(knob);
        }
    }
    if raw.knobs.is_empty() {
        p.add(
            "knobs",
            "give the learner at least one knob ([[knobs]] with path and label)",
        );
    }

    let goals: Vec<Goal> = raw
        .goals
        .iter()
        .enumerate()
        .filter_map(|(i, g)| goal(&mut p, &format!("goals[{i}]"), g, scenario.as_ref()))
        .collect();
    let questions: Vec<_> = raw
        .questions
        .iter()
        .enumerate()
        .filter_map(|(i, q)| questions::question(&mut p, i, q, &knobs, scenario.as_ref()))
        .collect();
    if raw.goals.is_empty() && raw.questions.is_empty() {
        p.add(
            "goals",
            "add at least one goal ([[goals]] with metric and below/above/at_most/at_least) or a question ([[questions]])",
        );
    }

    if raw.hints.len() < 2 {
        p.add(
            "hints",
            format!(
                "give at least two progressive hints (found {})",
                raw.hints.len()
            ),
        );
    }
    for (i, hint) in raw.hints.iter().enumerate() {
        if hint.trim().is_empty() {
            p.add(format!("hints[{i}]"), "is empty");
        }
    }

    let mut solution = Vec::new();
    let mut explanation = String::new();
    match &raw.solution {
        None => p.add(
            "solution",
            "is required: [solution] with set = { ... } and an explanation",
        ),
        Some(raw_solution) => {
            explanation = p
                .required("solution.explanation", &raw_solution.explanation)
                .to_string();
            if raw_solution.set.is_empty() && !raw.goals.is_empty() {
                p.add(
                    "solution.set",
                    "name the knob values of the solution, e.g. set = { \"pool.workers\" = 6 }",
                );
            }
            for (path, value) in &raw_solution.set {
                let field = format!("solution.set.{path}");
                match knobs.iter().find(|k| k.path == *path) {
                    None => p.add(
                        field,
                        format!("{path:?} is not a knob; a solution may only turn knobs"),
                    ),
                    Some(knob) => match knob_value(knob, value) {
                        Ok(value) => solution.push((path.clone(), value)),
                        Err(message) => p.add(field, message),
                    },
                }
            }
        }
    }

    let par = raw.par.as_ref().and_then(|raw_par| {
        let path = p.required("par.path", &raw_par.path).to_string();
        let knob = knobs.iter().find(|k| k.path == path);
        match (knob, &raw_par.value) {
            (None, _) if !path.is_empty() => {
                p.add("par.path", format!("{path:?} is not a knob"));
                None
            }
            (Some(knob), Some(value)) => match knob_value(knob, value) {
                Ok(value) if value.as_f64().is_some() => Some(Par { path, value }),
                Ok(_) => {
                    p.add(
                        "par.value",
                        "par needs a numeric knob (fewer or less is better)",
                    );
                    None
                }
                Err(message) => {
                    p.add("par.value", message);
                    None
                }
            },
            (Some(_), None) => {
                p.add("par.value", "is required");
                None
            }
            _ => None,
        }
    });

    let seeds = match (&raw.seeds, &scenario) {
        (Some(seeds), _) if seeds.len() < 3 => {
            p.add(
                "seeds",
                "list at least three seeds: the checker proves the exercise on each",
            );
            Vec::new()
        }
        (Some(seeds), _) => seeds.clone(),
        (None, Some(config)) => vec![
            config.seed,
            config.seed.wrapping_add(1),
            config.seed.wrapping_add(2),
        ],
        (None, None) => Vec::new(),
    };
    let seeds = with_hidden_seeds(seeds, scenario.as_ref().map(|config| config.seed));
    for (i, chart) in raw.watch.iter().enumerate() {
        let has = scenario.as_ref().map(crate::chart::watchable_for);
        match (ChartKind::from_name(chart), has) {
            (None, _) => {
                let names: Vec<&str> = ChartKind::EVERY.iter().map(|k| k.name()).collect();
                p.add(
                    format!("watch[{i}]"),
                    format!(
                        "unknown chart {chart:?}; expected one of: {}",
                        names.join(", ")
                    ),
                );
            }
            (Some(kind), Some(has)) if !has.contains(&kind) => {
                let names: Vec<&str> = has.iter().map(|k| k.name()).collect();
                p.add(
                    format!("watch[{i}]"),
                    format!(
                        "this scenario has no {chart:?} chart; it has: {}",
                        names.join(", ")
                    ),
                );
            }
            _ => {}
        }
    }

    match scenario {
        Some(scenario) if p.0.is_empty() => Ok(Exercise {
            id,
            title,
            chapter,
            difficulty,
            sources: raw.sources,
            summary,
            instructions,
            knobs,
            goals,
            par,
            hints: raw.hints,
            solution,
            explanation,
            seeds,
            watch: raw.watch,
            questions,
            scenario,
            origin: origin.to_string(),
            source: text.to_string(),
        }),
        _ => Err(ScenarioErrors(scenario::position_errors(
            p.0,
            text,
            origin,
            "",
            &[],
        ))),
    }
}

/// The seeds, with more added after the largest until at least [`HIDDEN_SEEDS`] differ from the
/// scenario's own (the seed a learner sees): a passing run is graded on those, so the checker
/// proves the exercise on them too.
fn with_hidden_seeds(mut seeds: Vec<u64>, shown: Option<u64>) -> Vec<u64> {
    let Some(shown) = shown.filter(|_| !seeds.is_empty()) else {
        return seeds;
    };
    while seeds.iter().filter(|&&seed| seed != shown).count() < HIDDEN_SEEDS {
        let next = seeds.iter().max().map_or(shown, |&max| max.wrapping_add(1));
        seeds.push(next);
    }
    seeds
}

/// How many seeds besides the one shown a learner's passing run is graded on.
pub const HIDDEN_SEEDS: usize = 3;
