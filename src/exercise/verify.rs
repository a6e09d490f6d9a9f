//! Proving an exercise works: on each of its seeds the starting configuration fails at least one
//! goal and the reference solution passes every goal (rustlings' `dev check`, for experiments).

use super::Exercise;
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
}

impl Verification {
    pub fn is_ok(&self) -> bool {
        self.start_failures.iter().all(|failed| !failed.is_empty())
            && self.solution_failures.iter().all(Vec::is_empty)
            && self.invalid_knob_values.is_empty()
    }

    /// A sentence per problem, for `queuelab check` and test failures.
    pub fn problems(&self, exercise: &Exercise) -> Vec<String> {
        let mut problems = self.invalid_knob_values.clone();
        let describe = |indices: &[usize]| {
            indices
                .iter()
                .map(|&i| exercise.goals[i].to_string())
                .collect::<Vec<_>>()
                .join("; ")
        };
        for (i, seed) in self.seeds.iter().enumerate() {
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
    values: &[(String, super::KnobValue)],
    seed: u64,
) -> Result<Vec<usize>, String> {
    let mut config = exercise.config_with(values).map_err(|e| e.to_string())?;
    config.seed = seed;
    let summary = Engine::new(&config).run();
    Ok(exercise
        .evaluate(&summary)
        .iter()
        .enumerate()
        .filter(|(_, result)| !result.passed)
        .map(|(i, _)| i)
        .collect())
}

/// Every choice a select offers must give a valid scenario (with the other knobs at their
/// start). Sliders are not checked at their ends: coupled sliders (a low and a high watermark)
/// can legitimately be set into an invalid pair, which the page then explains inline.
fn unreachable_knob_values(exercise: &Exercise) -> Vec<String> {
    use super::KnobKind;
    let mut problems = Vec::new();
    for knob in &exercise.knobs {
        let KnobKind::Choice(choices) = &knob.kind else {
            continue;
        };
        for value in choices.clone() {
            if let Err(errors) = exercise.config_with(&[(knob.path.clone(), value.clone())]) {
                problems.push(format!(
                    "{}: knob {} offers {value}, which makes the scenario invalid: {}",
                    exercise.origin,
                    knob.path,
                    errors
                        .0
                        .iter()
                        .map(|e| format!("{}: {}", e.path, e.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                ));
            }
        }
    }
    problems
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
    };
    for &seed in &exercise.seeds {
        verification
            .start_failures
            .push(failed_goals(exercise, &start, seed)?);
        verification
            .solution_failures
            .push(failed_goals(exercise, &solution, seed)?);
    }
    Ok(verification)
}
