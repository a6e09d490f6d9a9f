//! Every exercise in `exercises/` is valid and proven: on each of its seeds the starting knobs
//! fail a goal and the reference solution passes them all. Bad exercise files are explained.

use queuelab::exercise::{self, Exercise, KnobValue};
use rayon::prelude::*;

#[test]
fn every_exercise_file_parses_and_is_in_the_catalog() {
    let files = exercise::catalog_files();
    assert!(!files.is_empty());
    let mut errors = Vec::new();
    for (name, text) in files {
        if let Err(e) = Exercise::parse(text, name) {
            errors.push(e.to_string());
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let catalog = exercise::catalog();
    assert_eq!(catalog.len(), files.len());
    let mut ids: Vec<&str> = catalog.iter().map(|e| e.id.as_str()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len(), "duplicate exercise ids");
}

#[test]
fn every_exercise_start_fails_and_solution_passes_on_every_seed() {
    let problems: Vec<String> = exercise::catalog()
        .par_iter()
        .flat_map(|exercise| match exercise::verify(exercise) {
            Ok(verification) => {
                assert!(verification.seeds.len() >= 3, "{}", exercise.id);
                verification.problems(exercise)
            }
            Err(message) => vec![format!("{}: {message}", exercise.origin)],
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_exercise_teaches_with_hints_sources_and_an_explanation() {
    for exercise in exercise::catalog() {
        assert!(exercise.hints.len() >= 2, "{}", exercise.id);
        assert!(!exercise.sources.is_empty(), "{}", exercise.id);
        assert!(
            exercise.explanation.len() > 80,
            "{}: explain the trade-off",
            exercise.id
        );
        assert!(
            exercise.instructions.len() > 200,
            "{}: tell the story",
            exercise.id
        );
    }
}

const GOOD: &str = include_str!("../../exercises/01-shed-vs-block.toml");

fn error_of(text: &str) -> String {
    Exercise::parse(text, "bad.toml")
        .expect_err("should be refused")
        .to_string()
}

#[test]
fn bad_exercises_get_positioned_errors() {
    let cases = [
        (
            "metric = \"latency.p99\"",
            "metric = \"latency.p77\"",
            "goals[0].metric: \"latency.p77\" is not a field of the run summary",
        ),
        (
            "path = \"queue.capacity\"",
            "path = \"queue.depth\"",
            "knobs[1].path: \"queue.depth\" is not set in [scenario]",
        ),
        (
            "set = { \"queue.on_full\" = \"reject\" }",
            "set = { \"queue.capacity\" = 999 }",
            "solution.set.queue.capacity: must be a whole number from 0 to 256",
        ),
        (
            "set = { \"queue.on_full\" = \"reject\" }",
            "set = { \"pool.workers\" = 8 }",
            "solution.set.pool.workers: \"pool.workers\" is not a knob",
        ),
        (
            "chapter = \"backpressure\"",
            "chapter = \"cooking\"",
            "bad.toml:4:11: chapter: unknown chapter \"cooking\"",
        ),
        (
            "workers = 4",
            "workers = 0",
            "scenario.pool.workers: must be between 1 and 100000",
        ),
        (
            "below = \"1s\"",
            "below = \"1 fortnight\"",
            "goals[0].below: invalid duration",
        ),
        (
            "difficulty = \"junior\"",
            "difficulty = \"junior\"\nauthor = \"me\"",
            "unknown field `author`",
        ),
        (
            "watch = [\"latency\", \"queue\", \"drops\"]",
            "watch = [\"latency\", \"queues\"]",
            "watch[1]: unknown chart \"queues\"; expected one of: latency, queue,",
        ),
        (
            "watch = [\"latency\", \"queue\", \"drops\"]",
            "watch = [\"part_queues\"]",
            "watch[0]: this scenario has no \"part_queues\" chart; it has: latency,",
        ),
    ];
    for (from, to, expected) in cases {
        assert!(GOOD.contains(from), "{from}");
        let error = error_of(&GOOD.replacen(from, to, 1));
        assert!(
            error.contains(expected),
            "for {to:?}\nexpected: {expected}\n     got: {error}"
        );
        assert!(error.starts_with("bad.toml:"), "{error}");
    }
}

#[test]
fn missing_hints_and_misplaced_keys_are_explained() {
    let start = GOOD.find("hints = [").unwrap();
    let end = start + GOOD[start..].find("]\n").unwrap() + 2;
    let without_hints = format!("{}{}", &GOOD[..start], &GOOD[end..]);
    assert!(error_of(&without_hints).contains("hints: give at least two progressive hints"));
    let misplaced = format!("{without_hints}\n[[goals]]\nmetric = \"throughput\"\nat_least = 1\nhints = [\"a\", \"b\"]\n");
    assert!(error_of(&misplaced).contains("must come before the first [table] header"));
}

#[test]
fn knob_values_from_learners_are_checked() {
    let exercise = Exercise::parse(GOOD, "good.toml").unwrap();
    let capacity = exercise.knob("queue.capacity").unwrap();
    assert_eq!(capacity.parse("64"), Ok(KnobValue::Integer(64)));
    assert!(capacity.parse("300").unwrap_err().contains("from 0 to 256"));
    assert!(capacity
        .parse("lots")
        .unwrap_err()
        .contains("not a whole number"));
    let policy = exercise.knob("queue.on_full").unwrap();
    assert!(policy
        .parse("explode")
        .unwrap_err()
        .contains("must be one of: block, reject, timeout"));
    let bad = vec![("queue.capacity".to_string(), KnobValue::Integer(-5))];
    assert!(exercise.config_with(&bad).is_err());
    let not_a_knob = vec![("pool.workers".to_string(), KnobValue::Integer(5))];
    assert!(exercise
        .config_with(&not_a_knob)
        .unwrap_err()
        .to_string()
        .contains("is not a knob"));
}

const QUESTIONS: &str = include_str!("../../exercises/61-k-zero.toml");

#[test]
fn bad_questions_get_positioned_errors() {
    let cases = [
        (
            "answer = 1\n",
            "answer = 3\n",
            "questions[0].answer: must be the index of a choice, from 0 to 2, got 3",
        ),
        ("answer = 1\n", "", "questions[0].answer: is required"),
        (
            "refused = \"pool.workers: must be between 1\"\n",
            "refused = \"x\"\ngoals = [{ metric = \"completed\", at_least = 1 }]\n",
            "questions[0].proof[0]: say exactly one thing",
        ),
        (
            "set = { \"pool.workers\" = 0 }",
            "set = { \"queue.capacity\" = 0 }",
            "questions[0].proof[0].set.queue.capacity: \"queue.capacity\" is not a knob",
        ),
        (
            "set = { \"pool.workers\" = 1 }\ngoals = [{ metric = \"completed\"",
            "set = { \"pool.workers\" = 1 }\ngoals = [{ metric = \"completions\"",
            "questions[0].proof[1].goals[0].metric: \"completions\" is not a field",
        ),
        (
            "  \"It quietly uses one worker instead\",\n",
            "  \"It runs: jobs wait in the queue until it is full, then every job is refused\",\n",
            "questions[0].choices[2]: repeats an earlier choice",
        ),
    ];
    for (from, to, expected) in cases {
        assert!(QUESTIONS.contains(from), "{from}");
        let error = error_of(&QUESTIONS.replacen(from, to, 1));
        assert!(
            error.contains(expected),
            "for {to:?}\nexpected: {expected}\n     got: {error}"
        );
        assert!(error.starts_with("bad.toml:"), "{error}");
    }
    let no_goals_no_questions = QUESTIONS[..QUESTIONS.find("[[questions]]").unwrap()].to_string()
        + &QUESTIONS[QUESTIONS.find("[solution]").unwrap()..];
    assert!(error_of(&no_goals_no_questions).contains("or a question ([[questions]])"));
}

/// The checker holds answers to their proofs: a refusal with another message, or a goal that
/// does not hold on a seed, is reported with the question and the seed.
#[test]
fn the_checker_proves_the_answers() {
    let exercise = Exercise::parse(QUESTIONS, "k-zero.toml").expect("valid");
    let verification = exercise::verify(&exercise).expect("runs");
    assert!(
        verification.is_ok(),
        "{:?}",
        verification.problems(&exercise)
    );
    assert!(
        verification.start_failures.is_empty(),
        "no goals, no runs to prove"
    );
    let wrong = QUESTIONS
        .replace(
            "refused = \"pool.workers: must be between 1\"",
            "refused = \"must be positive\"",
        )
        .replace("at_least = 1000 }", "at_least = 1000000 }");
    let exercise = Exercise::parse(&wrong, "k-zero.toml").expect("valid");
    let problems = exercise::verify(&exercise)
        .expect("runs")
        .problems(&exercise);
    assert!(
        problems[0].contains("questions[0].proof[0]: expected a refusal with \"must be positive\", got: knob pool.workers=0: scenario.pool.workers: must be between 1"),
        "{problems:?}"
    );
    assert_eq!(
        problems
            .iter()
            .filter(|p| p.contains("questions[0].proof[1]: with seed"))
            .count(),
        exercise.seeds.len(),
        "{problems:?}"
    );
}

/// The catalog is a path: chapter by chapter, and within each from junior to senior.
#[test]
fn the_catalog_goes_from_junior_to_senior_within_each_chapter() {
    let rank = |e: &Exercise| {
        exercise::DIFFICULTIES
            .iter()
            .position(|d| *d == e.difficulty)
    };
    let catalog = exercise::catalog();
    for pair in catalog.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.chapter == b.chapter {
            assert!(
                rank(a) <= rank(b),
                "{} ({}) before {} ({})",
                a.id,
                a.difficulty,
                b.id,
                b.difficulty
            );
        }
    }
    let chapters: Vec<&str> = catalog.iter().map(|e| e.chapter.as_str()).collect();
    let mut seen = Vec::new();
    for chapter in chapters {
        if seen.last() != Some(&chapter) {
            assert!(
                !seen.contains(&chapter),
                "{chapter} comes back after another chapter"
            );
            seen.push(chapter);
        }
    }
}
