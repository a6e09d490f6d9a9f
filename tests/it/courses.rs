//! Courses (issue 15): `queuelab check` proves a course file whole — its built-in, linked and
//! inline exercises with the same prover as exercise files — and says where a broken one is.

use crate::cli::{queuelab, scratch, stderr, stdout};
use queuelab::course::{self, Course};
use queuelab::exercise::template::TEMPLATE;
use queuelab::playground::share;

/// A course with a fast built-in exercise and the template shared as a link, `solution` being
/// the link's solution line.
fn course_with_link(solution: &str) -> String {
    let shared = TEMPLATE
        .replace("my-first-exercise", "shared-lunch")
        .replace("set = { \"pool.workers\" = 4 }", solution);
    let link = share::link(&shared).unwrap();
    format!(
        "id = \"mine\"\ntitle = \"Mine\"\n\n[[chapters]]\ntitle = \"One\"\nexercises = [\"littles-law\", \"https://example.org/queuelab/{link}\"]\n"
    )
}

#[test]
fn check_proves_the_example_course_and_a_directory_of_courses() {
    let output = queuelab(&["check", "courses/queues-in-a-week.toml"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("checked 1 file(s) (8 exercises): 1 ok, 0 with errors"),
        "{}",
        stdout(&output)
    );
    let directory = queuelab(&["check", "--no-run", "courses"]);
    assert!(directory.status.success(), "{}", stderr(&directory));
}

#[test]
fn a_course_exercise_that_fails_its_proof_is_named_by_its_place_with_what_to_fix_first() {
    let dir = scratch("course-proof");
    let file = dir.join("c.toml");
    std::fs::write(&file, course_with_link("set = { \"pool.workers\" = 2 }")).unwrap();
    let output = queuelab(&["check", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("c.toml, chapter 1, entry 2 (shared-lunch): fix first: with seed 1 the solution misses p99 latency under 500 ms: measured"),
        "{message}"
    );
    std::fs::write(&file, course_with_link("set = { \"pool.workers\" = 4 }")).unwrap();
    let output = queuelab(&["check", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn a_course_naming_a_missing_exercise_is_refused_before_anything_runs() {
    let dir = scratch("course-missing");
    let file = dir.join("c.toml");
    let text = course::EXAMPLE.replace("\"find-the-knee\"", "\"find-the-kneee\"");
    std::fs::write(&file, &text).unwrap();
    let output = queuelab(&["check", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let line = text.lines().position(|l| l.contains("kneee")).unwrap() + 1;
    assert!(
        stderr(&output).contains(&format!(
            "c.toml:{line}:29: chapters[0].exercises[1]: chapter 1, entry 2: no built-in exercise \"find-the-kneee\"; did you mean \"find-the-knee\"?"
        )),
        "{}",
        stderr(&output)
    );
}

#[test]
fn every_exercise_of_the_example_course_fits_a_link_and_the_course_too() {
    let course = Course::parse(course::EXAMPLE, "example", &queuelab::exercise::catalog()).unwrap();
    for exercise in course.own_exercises() {
        share::link(exercise.source()).unwrap();
    }
    let payload = share::encode(course::EXAMPLE);
    assert_eq!(share::decode(&payload).unwrap(), course::EXAMPLE);
}
