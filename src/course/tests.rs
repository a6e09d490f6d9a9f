//! Course files: the example, and every problem said where and what.

use super::*;
use crate::exercise::template::TEMPLATE;
use crate::playground::share;

fn built_in() -> Vec<Exercise> {
    crate::exercise::catalog()
}

fn errors(text: &str) -> String {
    Course::parse(text, "c.toml", &built_in())
        .expect_err("the course is refused")
        .to_string()
}

const HEAD: &str = "id = \"c\"\ntitle = \"C\"\n";

/// The template as an inline exercise of chapter 1: every table prefixed.
fn inline_template(id: &str) -> String {
    let body = TEMPLATE
        .replace("id = \"my-first-exercise\"", &format!("id = {id:?}"))
        .replace("[scenario", "[chapters.exercises.scenario")
        .replace("[[knobs]]", "[[chapters.exercises.knobs]]")
        .replace("[[goals]]", "[[chapters.exercises.goals]]")
        .replace("[solution]", "[chapters.exercises.solution]")
        .replace("format_version = 1\n", "");
    format!("{HEAD}[[chapters]]\ntitle = \"One\"\n[[chapters.exercises]]\nbuiltin = \"find-the-knee\"\n[[chapters.exercises]]\n{body}")
}

#[test]
fn the_example_course_parses_with_each_kind_of_entry_and_its_own_exercise_proves() {
    let course = Course::parse(EXAMPLE, "queues-in-a-week.toml", &built_in())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(course.id, "queues-in-a-week");
    assert_eq!(course.chapters.len(), 3);
    assert_eq!(course.exercises().count(), 8);
    let own: Vec<&Exercise> = course.own_exercises().collect();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].id, "lunch-rush");
    assert!(
        !own[0].source().contains("chapters."),
        "{}",
        own[0].source()
    );
    assert!(
        own[0].source().starts_with("id = \"lunch-rush\""),
        "{}",
        own[0].source()
    );
    assert!(crate::exercise::verify(own[0]).unwrap().is_ok());
    let unsourced = EXAMPLE.replace("sources = [\"Queues in a week, Tuesday\"]\n", "");
    let message = errors(&unsourced);
    assert!(
        message
            .starts_with("c.toml:28:1: chapters[1].exercises[1].sources: chapter 2, entry 2: cite"),
        "{message}"
    );
    assert!(is_course(EXAMPLE));
    assert!(!is_course(TEMPLATE));
}

#[test]
fn an_unknown_id_says_where_and_the_closest() {
    let text = format!("{HEAD}[[chapters]]\ntitle = \"One\"\nexercises = [\"littles-law\"]\n[[chapters]]\ntitle = \"Two\"\nexercises = [\"find-the-knee\", \"shed-vs-block\", \"bound-the-queu\"]\n");
    assert_eq!(
        errors(&text),
        "c.toml:8:48: chapters[1].exercises[2]: chapter 2, entry 3: no built-in exercise \"bound-the-queu\"; did you mean \"bound-the-queue\"?"
    );
}

#[test]
fn an_inline_exercise_has_its_own_problems_at_their_place_in_the_course() {
    let good = inline_template("lunch");
    let course = Course::parse(&good, "c.toml", &built_in()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(course.chapters[0].entries[1].source, Source::Inline);
    let bad = good.replace("below = \"500ms\"", "below = \"5 parsecs\"");
    let line = bad.lines().position(|l| l.contains("parsecs")).unwrap() + 1;
    let message = errors(&bad);
    assert!(
        message.starts_with(&format!(
            "c.toml:{line}:9: chapters[0].exercises[1].goals[0].below: chapter 1, entry 2: "
        )),
        "{message}"
    );
    let unknown = good.replace("difficulty = \"junior\"", "dificulty = \"junior\"");
    let line = unknown
        .lines()
        .position(|l| l.starts_with("dificulty"))
        .unwrap()
        + 1;
    let message = errors(&unknown);
    assert!(message.contains(&format!("c.toml:{line}:1: ")), "{message}");
    assert!(
        message.contains("chapter 1, entry 2: ") && message.contains("dificulty"),
        "{message}"
    );
}

#[test]
fn duplicates_empty_chapters_and_missing_fields_are_each_said() {
    let text = "title = \"\"\n[[chapters]]\nexercises = [\"littles-law\", \"littles-law\"]\n[[chapters]]\ntitle = \"Empty\"\n";
    let message = errors(text);
    for expected in [
        "c.toml: id: is required",
        "c.toml:1:9: title: is required",
        "chapters[0].title: is required",
        "c.toml:3:29: chapters[0].exercises[1]: chapter 1, entry 2: the exercise \"littles-law\" is already in this course (chapter 1, entry 1)",
        "chapters[1]: chapter 2 has no exercises",
    ] {
        assert!(message.contains(expected), "{expected}\n{message}");
    }
    let none = errors(HEAD);
    assert!(
        none.contains("chapters: is required: a course has at least one [[chapters]]"),
        "{none}"
    );
    let unknown = errors(&format!("{HEAD}chapter = []\n"));
    assert!(
        unknown.contains("c.toml:3:1") && unknown.contains("unknown field `chapter`"),
        "{unknown}"
    );
}

#[test]
fn links_open_or_say_what_is_wrong() {
    let link = share::link(&TEMPLATE.replace("my-first-exercise", "shared-one")).unwrap();
    let text = format!("{HEAD}[[chapters]]\ntitle = \"One\"\nexercises = [{link:?}, {{ link = \"https://example.org/queuelab/{link}\" }}]\n");
    let message = errors(&text);
    assert!(message.contains("chapter 1, entry 2: the exercise \"shared-one\" is already in this course (chapter 1, entry 1)"), "{message}");
    let once = format!("{HEAD}[[chapters]]\ntitle = \"One\"\nexercises = [{link:?}]\n");
    let course = Course::parse(&once, "c.toml", &built_in()).unwrap();
    assert_eq!(course.chapters[0].entries[0].source, Source::Link);
    let cut = once.replace(&link, &link[..link.len() / 2]);
    let message = errors(&cut);
    assert!(message.contains("c.toml:5:14: chapters[0].exercises[0]: chapter 1, entry 1: This link's exercise is damaged"), "{message}");
    let permalink = once.replace(&link, "https://example.org/q/#/exercise/littles-law");
    assert!(
        errors(&permalink).contains("chapter 1, entry 1: a shared exercise's link has \"#/x/\"")
    );
    let broken =
        share::link(&TEMPLATE.replace("chapter = \"pools\"", "chapter = \"poolz\"")).unwrap();
    let message = errors(&once.replace(&link, &broken));
    assert!(
        message.contains("the linked exercise has 1 problem(s)")
            && message.contains("unknown chapter \"poolz\""),
        "{message}"
    );
}

#[test]
fn an_own_exercise_may_not_take_a_built_in_id() {
    let message = errors(&inline_template("littles-law"));
    assert!(message.contains("chapters[0].exercises[1].id: chapter 1, entry 2: \"littles-law\" is the id of a built-in exercise"), "{message}");
}

#[test]
fn entries_of_the_wrong_shape_and_sizes_past_the_caps_are_refused() {
    let text = format!("{HEAD}[[chapters]]\ntitle = \"One\"\nexercises = [7, {{ builtin = \"littles-law\", link = \"#/x/a\" }}, {{ builtin = 3 }}]\n");
    let message = errors(&text);
    assert!(
        message.contains("chapter 1, entry 1: expected a built-in exercise's id"),
        "{message}"
    );
    assert!(
        message.contains("chapter 1, entry 2: an entry is `builtin = \"ID\"`"),
        "{message}"
    );
    assert!(
        message.contains("chapters[0].exercises[2].builtin: chapter 1, entry 3: must be a string"),
        "{message}"
    );
    let many = format!(
        "{HEAD}{}",
        "[[chapters]]\ntitle = \"x\"\nexercises = [\"littles-law\"]\n".repeat(101)
    );
    assert!(errors(&many).contains("101 chapters, more than the limit of 100"));
    let ids = vec!["\"littles-law\""; 501].join(",");
    let long = format!("{HEAD}[[chapters]]\ntitle = \"x\"\nexercises = [{ids}]\n");
    assert!(errors(&long).contains("501 exercises in all chapters, more than the limit of 500"));
}

#[test]
fn an_inline_brace_table_is_an_exercise_too() {
    let text = format!("{HEAD}[[chapters]]\ntitle = \"x\"\nexercises = [{{ id = \"tiny\" }}]\n");
    let message = errors(&text);
    assert!(
        message.contains("c.toml:5:")
            && message.contains("chapters[0].exercises[0].title: chapter 1, entry 1: is required"),
        "{message}"
    );
}
