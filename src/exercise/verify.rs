//! Proving an exercise works: on each of its seeds the starting configuration fails at least one
//! goal and the reference solution passes every goal (rustlings' `dev check`, for experiments),
//! and every proof behind a question's answer holds.
//!
//! The proof is a list of steps ([`Prover`]): the knobs' choices, each question's proofs, and
//! per seed the start and the solution. `queuelab check` runs them all at once ([`verify`]);
//! the authoring page runs the very same steps one at a time — in the engine's Web Worker, or
//! between frames where no worker can start — so it can show progress and stop when asked: one
//! checker, driven two ways.

mod floats;

use super::{Exercise, Expect, Goal};
use crate::sim::Engine;
use serde::{Deserialize, Serialize};

/// What the checker saw on each seed (serialized when the engine's Web Worker proves it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Per seed: each goal's measured value with the starting configuration.
    #[serde(with = "floats")]
    pub start_values: Vec<Vec<f64>>,
    /// Per seed: each goal's measured value with the solution.
    #[serde(with = "floats")]
    pub solution_values: Vec<Vec<f64>>,
}

impl Verification {
    pub fn is_ok(&self) -> bool {
        self.start_failures.iter().all(|failed| !failed.is_empty())
            && self.solution_failures.iter().all(Vec::is_empty)
            && self.invalid_knob_values.is_empty()
            && self.unproven_answers.is_empty()
    }

    /// The one problem to fix first, or `None` when there is none: a choice that breaks the
    /// scenario, then the solution missing a goal (the first seed, the first goal it misses,
    /// the measured value against the bound), then a start that already passes, then a
    /// question's proof. Each problem after the first often goes away with it.
    pub fn fix_first(&self, exercise: &Exercise) -> Option<String> {
        if let Some(problem) = self.invalid_knob_values.first() {
            return Some(problem.clone());
        }
        for (i, seed) in self.seeds.iter().enumerate() {
            if let Some(&goal) = self.solution_failures.get(i).and_then(|f| f.first()) {
                let value = self
                    .solution_values
                    .get(i)
                    .and_then(|v| v.get(goal))
                    .copied();
                return Some(format!(
                    "with seed {seed} the solution misses {}: make the solution meet it, or loosen the goal",
                    goal_against_value(exercise, goal, value)
                ));
            }
        }
        for (i, seed) in self.seeds.iter().enumerate() {
            if self.start_failures.get(i).is_some_and(Vec::is_empty) {
                let measured = self.start_values.get(i).map_or(&[][..], Vec::as_slice);
                let closest = (0..exercise.goals.len())
                    .map(|g| goal_against_value(exercise, g, measured.get(g).copied()))
                    .collect::<Vec<_>>()
                    .join("; ");
                return Some(format!(
                    "with seed {seed} the start already meets every goal ({closest}): make the start worse or a goal stricter"
                ));
            }
        }
        self.unproven_answers.first().cloned()
    }

    /// A sentence per problem, for `queuelab check` and test failures.
    pub fn problems(&self, exercise: &Exercise) -> Vec<String> {
        let mut problems = self.invalid_knob_values.clone();
        problems.extend(self.unproven_answers.iter().cloned());
        let describe = |indices: &[usize], values: &[f64]| {
            indices
                .iter()
                .map(|&i| goal_against_value(exercise, i, values.get(i).copied()))
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
                    "{}: with seed {seed} the starting configuration already passes every goal ({})",
                    exercise.origin,
                    describe(
                        &(0..exercise.goals.len()).collect::<Vec<_>>(),
                        self.start_values.get(i).map_or(&[], Vec::as_slice)
                    )
                ));
            }
            if !self.solution_failures[i].is_empty() {
                problems.push(format!(
                    "{}: with seed {seed} the solution fails: {}",
                    exercise.origin,
                    describe(
                        &self.solution_failures[i],
                        self.solution_values.get(i).map_or(&[], Vec::as_slice)
                    )
                ));
            }
        }
        problems
    }
}

/// `p99 latency < 200ms: measured 340ms`: a goal with what the run measured.
fn goal_against_value(exercise: &Exercise, goal: usize, value: Option<f64>) -> String {
    let goal = &exercise.goals[goal];
    match value {
        Some(value) if !value.is_nan() => {
            format!("{goal}: measured {}", goal.format_measured(value))
        }
        _ => goal.to_string(),
    }
}

fn failed_goals(
    exercise: &Exercise,
    goals: &[Goal],
    values: &[(String, super::KnobValue)],
    seed: u64,
) -> Result<Vec<usize>, String> {
    Ok(goal_results(exercise, goals, values, seed)?
        .iter()
        .enumerate()
        .filter(|(_, result)| !result.passed)
        .map(|(i, _)| i)
        .collect())
}

/// Runs the exercise with these knob values on `seed` and evaluates every goal.
fn goal_results(
    exercise: &Exercise,
    goals: &[Goal],
    values: &[(String, super::KnobValue)],
    seed: u64,
) -> Result<Vec<super::GoalResult>, String> {
    let mut config = exercise.config_with(values).map_err(|e| e.to_string())?;
    config.seed = seed;
    let summary = Engine::new(&config).run();
    Ok(goals.iter().map(|goal| goal.evaluate(&summary)).collect())
}

/// Checks every proof behind question `i`'s answer; a sentence per proof that fails.
fn unproven_answers(exercise: &Exercise, i: usize) -> Result<Vec<String>, String> {
    let mut problems = Vec::new();
    let question = &exercise.questions[i];
    {
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

/// One step of the proof; see [`Prover`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Every choice a knob offers (and the sliders' ends) keeps the scenario valid.
    Knobs,
    /// The proofs behind question `i`'s answer hold on every seed.
    Question(usize),
    /// The starting configuration on seed number `i` (fails a goal).
    Start(usize),
    /// The solution on seed number `i` (passes every goal).
    Solution(usize),
}

/// The proof of an exercise as steps, run one at a time: the authoring page reports each one
/// (progress, cancel), `queuelab check` runs all at once through [`verify`].
#[derive(Debug, Clone)]
pub struct Prover {
    exercise: Exercise,
    steps: Vec<Step>,
    done: usize,
    verification: Verification,
}

impl Prover {
    pub fn new(exercise: Exercise) -> Prover {
        let mut steps = vec![Step::Knobs];
        steps.extend((0..exercise.questions.len()).map(Step::Question));
        if !exercise.goals.is_empty() {
            for i in 0..exercise.seeds.len() {
                steps.extend([Step::Start(i), Step::Solution(i)]);
            }
        }
        let verification = Verification {
            seeds: exercise.seeds.clone(),
            start_failures: Vec::new(),
            solution_failures: Vec::new(),
            invalid_knob_values: Vec::new(),
            unproven_answers: Vec::new(),
            start_values: Vec::new(),
            solution_values: Vec::new(),
        };
        Prover {
            exercise,
            steps,
            done: 0,
            verification,
        }
    }

    pub fn exercise(&self) -> &Exercise {
        &self.exercise
    }

    /// Every step, in the order they run.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// How many steps have run.
    pub fn done(&self) -> usize {
        self.done
    }

    pub fn is_finished(&self) -> bool {
        self.done == self.steps.len()
    }

    /// What the steps so far found.
    pub fn verification(&self) -> &Verification {
        &self.verification
    }

    pub fn into_verification(self) -> Verification {
        self.verification
    }

    /// Runs the next step, if any. An error is a run that could not be set up at all (the
    /// scenario refused with a knob value the exercise itself names).
    pub fn step(&mut self) -> Result<(), String> {
        let Some(&step) = self.steps.get(self.done) else {
            return Ok(());
        };
        let exercise = &self.exercise;
        let found = &mut self.verification;
        match step {
            Step::Knobs => found.invalid_knob_values = unreachable_knob_values(exercise),
            Step::Question(i) => found
                .unproven_answers
                .extend(unproven_answers(exercise, i)?),
            Step::Start(i) | Step::Solution(i) => {
                let (values, failures, measured) = match step {
                    Step::Start(_) => (
                        exercise.start_values(),
                        &mut found.start_failures,
                        &mut found.start_values,
                    ),
                    _ => (
                        exercise.solution_values(),
                        &mut found.solution_failures,
                        &mut found.solution_values,
                    ),
                };
                let results = goal_results(exercise, &exercise.goals, &values, exercise.seeds[i])?;
                failures.push((0..results.len()).filter(|&g| !results[g].passed).collect());
                measured.push(results.iter().map(|result| result.actual).collect());
            }
        }
        self.done += 1;
        Ok(())
    }
}

/// Runs the starting configuration and the solution on every seed of the exercise.
pub fn verify(exercise: &Exercise) -> Result<Verification, String> {
    let mut prover = Prover::new(exercise.clone());
    while !prover.is_finished() {
        prover.step()?;
    }
    Ok(prover.into_verification())
}
