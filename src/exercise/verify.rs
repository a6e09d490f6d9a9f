//! Proving an exercise works: on each of its seeds the starting configuration fails at least one
//! goal and the reference solution passes every goal (rustlings' `dev check`, for experiments),
//! and every proof behind a question's answer holds.

use super::{Exercise, Expect, Goal};
use crate::sim::Engine;

/// What the checker saw on each seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    pub seeds: Vec<u64>,
    /// Per seed: the goals the starting configuration failed (indices).
    pub start_failures: Vec<Vec<usize>>,
    /// Per seed: the goals the solution failed (should be none).
    pub solution_failures: Vec<Vec<usize>>,
    /// Knob values a learner can pick that make the scenario invalid (should be none).
    pub invalid_knob_values: Vec<String>,
    /// Proofs behind questions' answers that did not hold (should be none).
    pub unproven_answers: Vec<String>,
}

impl Verification {
    pub fn is_ok(&self) -> bool {
        self.start_failures.iter().all(|failed| !failed.is_empty())
            && self.solution_failures.iter().all(Vec::is_empty)
            && self.invalid_knob_values.is_empty()
            && self.unproven_answers.is_empty()
    }

    /// A sentence per problem, for `queuelab check` and test failures.
    pub fn problems(&self, exercise: &Exercise) -> Vec<String> {
        let mut problems = self.invalid_knob_values.clone();
        problems.extend(self.unproven_answers.iter().cloned());
        let describe = |indices: &[usize]| {
            indices
                .iter()
                .map(|&i| exercise.goals[i].to_string())
                .collect::<Vec<_>>()
                .join("; ")
        };
        // A question-only exercise has no goals, so no runs to prove.
        for (i, seed) in self
            .seeds
            .iter()
            .enumerate()
            .take(self.start_failures.len())
        {
            if self.start_failures[i].is_empty() {
                problems.push(format!(
                    "{}: with seed {seed} the starting configuration already passes every goal",
                    exercise.origin
                ));
            }
            if !self.solution_failures[i].is_empty() {
                problems.push(format!(
                    "{}: with seed {seed} the solution fails: {}",
                    exercise.origin,
                    describe(&self.solution_failures[i])
                ));
            }
        }
        problems
    }
}

fn failed_goals(
    exercise: &Exercise,
    goals: &[Goal],
    values: &[(String, super::KnobValue)],
    seed: u64,
) -> Result<Vec<usize>, String> {
    let mut config = exercise.config_with(values).map_err(|e| e.to_string())?;
    config.seed = seed;
    let summary = Engine::new(&config).run();
    Ok(goals
        .iter()
        .enumerate()
        .filter(|(_, goal)| !goal.evaluate(&summary).passed)
        .map(|(i, _)| i)
        .collect())
}

/// Checks every proof behind every question's answer; a sentence per proof that fails.
fn unproven_answers(exercise: &Exercise) -> Result<Vec<String>, String> {
    let mut problems = Vec::new();
    for (i, question) in exercise.questions.iter().enumerate() {
        for (k, proof) in question.proofs.iter().enumerate() {
            let at = format!("{}: questions[{i}].proof[{k}]", exercise.origin);
            let mut values = exercise.start_values();
            for (path, value) in &proof.set {
                if let Some(slot) = values.iter_mut().find(|(p, _)| p == path) {
                    slot.1 = value.clone();
                }
            }
            match (&proof.expect, exercise.config_with(&values)) {
                (Expect::Refused(text), Ok(_)) => problems.push(format!(
                    "{at}: expected the scenario to be refused with {text:?}, but it is valid"
                )),
                (Expect::Refused(text), Err(errors)) if !errors.to_string().contains(text) => {
                    problems.push(format!(
                        "{at}: expected a refusal with {text:?}, got: {errors}"
                    ))
                }
                (Expect::Refused(_), Err(_)) => {}
                (Expect::Goals(_), Err(errors)) => {
                    problems.push(format!("{at}: the scenario is refused: {errors}"))
                }
                (Expect::Goals(goals), Ok(_)) => {
                    for &seed in &exercise.seeds {
                        let failed = failed_goals(exercise, goals, &values, seed)?;
                        if !failed.is_empty() {
                            let names: Vec<String> =
                                failed.iter().map(|&g| goals[g].to_string()).collect();
                            problems.push(format!(
                                "{at}: with seed {seed} this does not hold: {}",
                                names.join("; ")
                            ));
                        }
                    }
                }
            }
        }
    }
    Ok(problems)
}

/// Every choice a select offers must give a valid scenario (with the other knobs at their
/// start) that still has every chart the exercise watches. Sliders are not checked for
/// validity at their ends: coupled sliders (a low and a high watermark) can legitimately be set
/// into an invalid pair, which the page then explains inline; where valid, their ends must keep
/// the watched charts too (a shard slider down to one shard has no per-shard chart).
fn unreachable_knob_values(exercise: &Exercise) -> Vec<String> {
    use super::KnobKind;
    let mut problems = Vec::new();
    for knob in &exercise.knobs {
        let ends = match &knob.kind {
            KnobKind::Choice(_) | KnobKind::Script => Vec::new(),
            KnobKind::Integer { min, max, .. } => {
                vec![
                    super::KnobValue::Integer(*min),
                    super::KnobValue::Integer(*max),
                ]
            }
            KnobKind::Float { min, max, .. } => {
                vec![super::KnobValue::Float(*min), super::KnobValue::Float(*max)]
            }
            KnobKind::Duration { min, max, .. } => {
                vec![
                    super::KnobValue::Duration(*min),
                    super::KnobValue::Duration(*max),
                ]
            }
        };
        for value in ends {
            if let Ok(config) = exercise.config_with(&[(knob.path.clone(), value.clone())]) {
                problems.extend(missing_watched_charts(
                    exercise, &knob.path, &value, &config,
                ));
            }
        }
        let KnobKind::Choice(choices) = &knob.kind else {
            continue;
        };
        for value in choices.clone() {
            match exercise.config_with(&[(knob.path.clone(), value.clone())]) {
                Ok(config) => problems.extend(missing_watched_charts(
                    exercise, &knob.path, &value, &config,
                )),
                Err(errors) => problems.push(format!(
                    "{}: knob {} offers {value}, which makes the scenario invalid: {}",
                    exercise.origin,
                    knob.path,
                    errors
                        .0
                        .iter()
                        .map(|e| format!("{}: {}", e.path, e.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                )),
            }
        }
    }
    problems
}

/// A sentence for each chart the exercise watches that `config` (a knob at `value`) lacks.
fn missing_watched_charts(
    exercise: &Exercise,
    path: &str,
    value: &super::KnobValue,
    config: &crate::scenario::Config,
) -> Vec<String> {
    let has = crate::chart::watchable_for(config);
    exercise
        .watch
        .iter()
        .filter(|name| !has.iter().any(|kind| kind.name() == name.as_str()))
        .map(|name| {
            format!(
                "{}: knob {path} offers {value}, where the watched chart {name:?} does not exist",
                exercise.origin
            )
        })
        .collect()
}

/// Runs the starting configuration and the solution on every seed of the exercise.
pub fn verify(exercise: &Exercise) -> Result<Verification, String> {
    let start = exercise.start_values();
    let solution = exercise.solution_values();
    let mut verification = Verification {
        seeds: exercise.seeds.clone(),
        start_failures: Vec::new(),
        solution_failures: Vec::new(),
        invalid_knob_values: unreachable_knob_values(exercise),
        unproven_answers: unproven_answers(exercise)?,
    };
    if exercise.goals.is_empty() {
        return Ok(verification);
    }
    for &seed in &exercise.seeds {
        verification
            .start_failures
            .push(failed_goals(exercise, &exercise.goals, &start, seed)?);
        verification.solution_failures.push(failed_goals(
            exercise,
            &exercise.goals,
            &solution,
            seed,
        )?);
    }
    Ok(verification)
}
