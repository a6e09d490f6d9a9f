//! What the engine's Web Worker is asked to do and what it answers, as serde messages (JSON
//! text both ways), and the work itself — no DOM, so it is tested natively. `src/web/worker.rs`
//! carries these messages between the page and the worker; the worker runs [`run`].
//!
//! A proof is sent as the exercise's TOML text, not as a parsed [`Exercise`]: the worker runs the
//! page's own WebAssembly module, so it parses the text with the same code into the same
//! exercise, and the data files an exercise may name are the shipped ones, compiled into that
//! module (`crate::data::shipped`) — nothing else needs to travel. It answers after every step
//! with the whole [`Verification`] so far (a few numbers per seed and goal), so the page's table
//! fills in as the proof goes, exactly as when the page steps the same [`Prover`] itself.

use crate::exercise::{Exercise, Prover, Verification};
use serde::{Deserialize, Serialize};

/// A job for the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Job {
    /// Prove the exercise in `source` (its file name for messages: `origin`).
    Prove { source: String, origin: String },
}

/// What the worker says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// The engine has started in the worker (sent by `static/engine-worker.js`, as `"ready"`).
    Ready,
    /// One more step of the proof ran: how many have, whether that was the last, and what they
    /// found.
    Progress {
        done: usize,
        finished: bool,
        verification: Verification,
    },
    /// The job stopped: a run could not be set up, or the worker itself failed (before `Ready`,
    /// the page proves in the page instead).
    Failed { message: String },
}

impl Job {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Job, String> {
        serde_json::from_str(text)
            .map_err(|error| format!("the worker got no job it knows: {error}"))
    }
}

impl Reply {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Reply {
        serde_json::from_str(text).unwrap_or_else(|error| Reply::Failed {
            message: format!("the engine's worker said something unreadable: {error}"),
        })
    }
}

/// Does `job`, telling `post` after every step.
pub fn run(job: &Job, mut post: impl FnMut(Reply)) {
    match job {
        Job::Prove { source, origin } => {
            let exercise = match Exercise::parse(source, origin) {
                Ok(exercise) => exercise,
                Err(errors) => {
                    return post(Reply::Failed {
                        message: errors.to_string(),
                    })
                }
            };
            let mut prover = Prover::new(exercise);
            while !prover.is_finished() {
                if let Err(message) = prover.step() {
                    return post(Reply::Failed { message });
                }
                post(Reply::Progress {
                    done: prover.done(),
                    finished: prover.is_finished(),
                    verification: prover.verification().clone(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_proves_as_verify_does_and_its_messages_read_back_exactly() {
        let (name, source) = crate::exercise::catalog_files()
            .iter()
            .find(|(name, _)| name.contains("find-the-knee"))
            .expect("a built-in exercise");
        let exercise = Exercise::parse(source, name).unwrap();
        let expected = crate::exercise::verify(&exercise).unwrap();
        let job = Job::from_json(
            &Job::Prove {
                source: source.to_string(),
                origin: name.to_string(),
            }
            .to_json(),
        )
        .unwrap();
        let mut replies = Vec::new();
        run(&job, |reply| {
            replies.push(Reply::from_json(&reply.to_json()))
        });
        let steps = Prover::new(exercise).steps().len();
        assert_eq!(replies.len(), steps, "one reply a step");
        let Some(Reply::Progress {
            done,
            finished: true,
            verification,
        }) = replies.last()
        else {
            panic!("the last reply ends the proof: {:?}", replies.last());
        };
        assert_eq!((*done, verification), (steps, &expected));
    }

    #[test]
    fn values_that_json_cannot_hold_still_read_back() {
        let verification = Verification {
            seeds: vec![1],
            start_failures: vec![vec![0]],
            solution_failures: vec![vec![]],
            invalid_knob_values: vec![],
            unproven_answers: vec![],
            start_values: vec![vec![f64::NAN, f64::INFINITY, -0.1, 1e-300]],
            solution_values: vec![vec![f64::NEG_INFINITY, 0.1 + 0.2]],
        };
        let reply = Reply::Progress {
            done: 1,
            finished: false,
            verification: verification.clone(),
        };
        let Reply::Progress {
            verification: back, ..
        } = Reply::from_json(&reply.to_json())
        else {
            panic!("read back");
        };
        assert!(back.start_values[0][0].is_nan());
        assert_eq!(back.start_values[0][1..], verification.start_values[0][1..]);
        assert_eq!(back.solution_values, verification.solution_values);
        assert_eq!(Reply::from_json("\"ready\""), Reply::Ready);
        assert!(matches!(
            Reply::from_json("{\"nonsense\": 1}"),
            Reply::Failed { .. }
        ));
    }

    #[test]
    fn an_exercise_that_does_not_parse_fails_with_its_errors() {
        let job = Job::Prove {
            source: "id = 3".into(),
            origin: "mine.toml".into(),
        };
        let mut replies = Vec::new();
        run(&job, |reply| replies.push(reply));
        assert!(
            matches!(&replies[..], [Reply::Failed { message }] if message.contains("mine.toml")),
            "{replies:?}"
        );
    }
}
