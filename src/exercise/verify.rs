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
}

impl Verification {
    pub fn is_ok(&self) -> bool {
        self.start_failures.iter().all(|failed| !failed.is_empty())
            && self.solution_failures.iter().all(Vec::is_empty)
    }

    /// A sentence per problem, for `queuelab check` and test failures.
    pub fn problems(&self, exercise: &Exercise) -> Vec<String> {
        let mut problems = Vec::new();
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

/// Runs the starting configuration and the solution on every seed of the exercise.
pub fn verify(exercise: &Exercise) -> Result<Verification, String> {
    let start = exercise.start_values();
    let solution = exercise.solution_values();
    let mut verification = Verification {
        seeds: exercise.seeds.clone(),
        start_failures: Vec::new(),
        solution_failures: Vec::new(),
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
