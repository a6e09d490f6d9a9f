//! Grading a learner's answer so it cannot be gamed: a run that meets every goal on the seed the
//! learner sees is run again on the exercise's hidden seeds (at least
//! [`HIDDEN_SEEDS`](super::validate::HIDDEN_SEEDS), the seeds `queuelab check` proves the
//! reference on), and it is solved only if it meets every goal on each. One seed at a time, so
//! the browser can show progress and yield between runs.

use super::{Exercise, GoalResult, KnobValue};
use crate::sim::Engine;

/// How the answer did on one hidden seed.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedVerdict {
    pub seed: u64,
    /// One result per goal, in the exercise's order.
    pub goals: Vec<GoalResult>,
}

impl SeedVerdict {
    pub fn passed(&self) -> bool {
        self.goals.iter().all(|goal| goal.passed)
    }

    /// The first goal missed, as a sentence: "p99 latency under 1 s: 1.2 s".
    pub fn first_miss(&self, exercise: &Exercise) -> Option<String> {
        let (goal, result) = exercise
            .goals
            .iter()
            .zip(&self.goals)
            .find(|(_, result)| !result.passed)?;
        Some(format!("{goal}: {}", goal.format_value(result.actual)))
    }
}

impl Exercise {
    /// The seeds a passing run on `shown` is graded on: the exercise's seeds but that one.
    pub fn hidden_seeds(&self, shown: u64) -> Vec<u64> {
        self.seeds
            .iter()
            .copied()
            .filter(|&seed| seed != shown)
            .collect()
    }

    /// Runs the learner's knob `values` on `seed` and checks every goal.
    pub fn grade_on(
        &self,
        values: &[(String, KnobValue)],
        seed: u64,
    ) -> Result<SeedVerdict, String> {
        let mut config = self.config_with(values).map_err(|e| e.to_string())?;
        config.seed = seed;
        let summary = Engine::new(&config).run();
        Ok(SeedVerdict {
            seed,
            goals: self.evaluate(&summary),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise() -> Exercise {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/exercises/74-build-submit-backpressure.toml"
        ))
        .unwrap();
        Exercise::parse(&text, "74.toml").unwrap()
    }

    #[test]
    fn at_least_three_hidden_seeds_besides_the_shown_one() {
        let exercise = exercise();
        assert_eq!(exercise.seeds, [1, 2, 3, 4]);
        assert_eq!(exercise.hidden_seeds(1), [2, 3, 4]);
        assert_eq!(exercise.hidden_seeds(77), [1, 2, 3, 4]);
    }

    #[test]
    fn the_reference_passes_every_hidden_seed_and_the_start_misses_with_a_reason() {
        let exercise = exercise();
        let solution = exercise.solution_values();
        for seed in exercise.hidden_seeds(1) {
            let verdict = exercise.grade_on(&solution, seed).unwrap();
            assert!(
                verdict.passed(),
                "seed {seed}: {:?}",
                verdict.first_miss(&exercise)
            );
        }
        // Accepting everything, the line grows for the whole run.
        let start = exercise.start_values();
        let verdict = exercise.grade_on(&start, 2).unwrap();
        assert!(!verdict.passed());
        let miss = verdict.first_miss(&exercise).unwrap();
        assert!(miss.starts_with("p99 latency under 1 s: "), "{miss}");
    }
}
