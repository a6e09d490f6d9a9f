//! Reports made, read back and refused with what and where.

use super::*;

fn exercises() -> Vec<(String, String)> {
    vec![
        ("littles-law".into(), "Little's law | and more".into()),
        ("find-the-knee".into(), "Find the knee".into()),
        ("shed-vs-block".into(), "Shed or block".into()),
    ]
}

fn report(learner: &str, made_at: &str) -> Report {
    let mut progress = Progress::default();
    progress.record_solved(
        "littles-law",
        "2026-12-03T17:00:00.000Z",
        "#/exercise/littles-law?seed=2",
    );
    progress.record("find-the-knee", Status::Tried);
    let course = CourseRef {
        id: "week".into(),
        title: "A week".into(),
    };
    Report::new(learner, Some(course), made_at, &progress, &exercises())
}

#[test]
fn a_report_lists_what_was_tried_and_solved_and_reads_back_from_either_form() {
    let made = report("Ada", "2026-12-03T18:00:00.000Z");
    assert_eq!(made.exercises.len(), 2, "untouched exercises are left out");
    assert_eq!(
        made.exercises[0].run.as_deref(),
        Some("#/exercise/littles-law?seed=2")
    );
    assert_eq!(made.exercises[1].solved_at, None);
    let markdown = made.to_markdown("https://example.org/q/");
    assert!(markdown.contains("| Little's law \\| and more (`littles-law`) | solved | 2026-12-03T17:00:00.000Z | [replay](https://example.org/q/#/exercise/littles-law?seed=2) |"), "{markdown}");
    assert!(
        markdown.contains("| Find the knee (`find-the-knee`) | tried |  |  |"),
        "{markdown}"
    );
    assert_eq!(Report::parse(&markdown).unwrap(), made);
    assert_eq!(Report::parse(&made.to_json()).unwrap(), made);
}

#[test]
fn pasted_text_that_is_no_report_says_what_is_wrong() {
    let made = report("Ada", "2026-12-03T18:00:00.000Z");
    let cases = [
        ("hello", "it has no ```json block"),
        ("x\n```json\n{", "has no closing ```"),
        ("{\"format\": 3}", "at line 1 column"),
        (&made.to_json().replace("queuelab-progress", "other"), "format: \"other\" is not a Queue Lab progress report"),
        (&made.to_json().replace("\"version\": 1", "\"version\": 2"), "version: 2 is not read"),
        (&made.to_json().replace("\"solved\"", "\"done\""), "unknown variant `done`"),
        (&made.to_json().replace("#/exercise/littles-law?seed=2", "javascript:alert(1)"), "exercises[0].run: \"javascript:alert(1)\" is not a permalink of the exercise \"littles-law\""),
        (&made.to_json().replace("#/exercise/littles-law?seed=2", "#/exercise/littles-lawyer"), "exercises[0].run"),
        (&made.to_json().replace("\"id\": \"find-the-knee\"", "\"id\": \"Find The Knee\""), "exercises[1].id"),
    ];
    for (text, expected) in cases {
        let message = Report::parse(text).unwrap_err();
        assert!(message.contains(expected), "{expected}\n{message}");
    }
    let huge = " ".repeat(MAX_INPUT_BYTES + 1);
    assert!(Report::parse(&huge)
        .unwrap_err()
        .contains("more than the 1048576"));
}

#[test]
fn the_class_table_keeps_one_row_per_learner_and_course_the_newest() {
    let mut table = ClassTable::default();
    assert!(table
        .add(report("Ada", "2026-12-03T18:00:00.000Z"))
        .starts_with("Added Ada's"));
    assert!(table
        .add(report("Grace", "2026-12-03T18:00:00.000Z"))
        .starts_with("Added Grace's"));
    assert!(table
        .add(report("Ada", "2026-12-02T18:00:00.000Z"))
        .contains("kept the newer"));
    assert!(table
        .add(report("Ada", "2026-12-04T18:00:00.000Z"))
        .starts_with("Replaced Ada's"));
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.exercises.len(), 2);
    let ada = table
        .rows
        .iter()
        .position(|row| row.learner == "Ada")
        .unwrap();
    assert_eq!(
        table.cell(ada, "littles-law").unwrap().status,
        Status::Solved
    );
    assert!(table.cell(ada, "shed-vs-block").is_none());
}
