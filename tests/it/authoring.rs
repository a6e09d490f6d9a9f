//! Authoring exercises (issue 15): `queuelab new exercise`, the fix-first line of `queuelab
//! check`, the step-by-step prover the browser runs against the all-at-once `verify` the CLI
//! runs (one checker), and shared links of every built-in exercise.

use crate::cli::{queuelab, scratch, stderr, stdout};
use queuelab::exercise::{self, template, Exercise, Prover};
use queuelab::playground::share;

#[test]
fn new_exercise_writes_a_file_that_checks_and_refuses_to_overwrite() {
    let dir = scratch("new-exercise");
    let file = dir.join("mine.toml");
    let path = file.to_str().unwrap();
    let output = queuelab(&["new", "exercise", path]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("the template"),
        "{}",
        stdout(&output)
    );
    let check = queuelab(&["check", path]);
    assert!(check.status.success(), "{}", stderr(&check));

    let again = queuelab(&["new", "exercise", path, "--from", "find-the-knee"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already exists; pass --force"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), template::TEMPLATE);

    let forced = queuelab(&[
        "new",
        "exercise",
        path,
        "--from",
        "find-the-knee",
        "--force",
    ]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("# Remixed from the built-in exercise \"find-the-knee\""));
    assert!(text.contains("id = \"my-find-the-knee\""));
    assert!(queuelab(&["check", path]).status.success());

    let unknown = queuelab(&["new", "exercise", path, "--from", "find-the-kne", "--force"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("the closest: find-the-knee"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn check_ends_a_failing_exercise_with_what_to_fix_first() {
    let dir = scratch("fix-first");
    let file = dir.join("broken.toml");
    // The solution's 2 workers miss the goal, as the start does.
    let broken = template::TEMPLATE.replace(
        "set = { \"pool.workers\" = 4 }",
        "set = { \"pool.workers\" = 2 }",
    );
    std::fs::write(&file, broken).unwrap();
    let output = queuelab(&["check", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("broken.toml: fix first: with seed 1 the solution misses p99 latency under 500 ms: measured"),
        "{message}"
    );
}

/// The browser's prover, step by step, ends where `verify` ends, on every built-in exercise
/// with goals, and counts its steps as the page shows them.
#[test]
fn the_step_by_step_prover_is_the_checker() {
    for exercise in exercise::catalog().into_iter().step_by(20) {
        let all_at_once = exercise::verify(&exercise).unwrap();
        let mut prover = Prover::new(exercise.clone());
        let steps = prover.steps().len();
        let mut done = 0;
        while !prover.is_finished() {
            prover.step().unwrap();
            done += 1;
            assert_eq!(prover.done(), done);
        }
        assert_eq!(done, steps);
        assert_eq!(prover.verification(), &all_at_once, "{}", exercise.id);
        assert!(
            all_at_once.fix_first(&exercise).is_none(),
            "{}",
            exercise.id
        );
    }
}

#[test]
fn a_remix_shared_as_a_link_comes_back_and_proves() {
    let remixed = template::remix("find-the-knee").unwrap();
    let link = share::link(&remixed).unwrap();
    let text = share::decode(&link[share::ROUTE.len()..]).unwrap();
    assert_eq!(text, remixed);
    let exercise = Exercise::parse(&text, "shared").unwrap();
    assert!(exercise::verify(&exercise).unwrap().is_ok());
}
