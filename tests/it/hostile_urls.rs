//! The hostile-address corpus (`tests/hostile/urls.txt`) and oversized addresses built here, run
//! natively against the playground's own address handling: [`Permalink::parse`], the page the
//! app picks ([`route::page`]) and, for an exercise, its parameters ([`resolve`]). Each must
//! lead to a page that says what was wrong, never panic, and take at most [`TIME_BOUND`].

use queuelab::course::Course;
use queuelab::exercise::Exercise;
use queuelab::playground::permalink::{resolve, Permalink};
use queuelab::playground::route::{self, Page};
use std::time::{Duration, Instant};

/// Per address, a hang guard with room for a loaded machine: every case takes well under a
/// millisecond (the old 50 000-parameter address blocked the page for 4.6 s).
const TIME_BOUND: Duration = Duration::from_secs(1);

/// What the page says for an address (the debug route not allowed), and how long deciding took.
fn what_the_page_says(hash: &str, exercises: &[Exercise]) -> (Result<String, String>, Duration) {
    let started = Instant::now();
    let said = std::panic::catch_unwind(|| {
        let link = Permalink::parse(hash);
        match route::page(&link, exercises, false) {
            Page::Catalog => "the catalog".to_string(),
            Page::Sandbox => "the sandbox".to_string(),
            Page::Author => "the authoring page".to_string(),
            Page::ClassProgress => "the instructor's progress page".to_string(),
            Page::Shared(Ok(text)) => match Exercise::parse(&text, "shared") {
                Ok(exercise) => format!("the shared exercise {}", exercise.id),
                Err(errors) => format!("the authoring page with {errors}"),
            },
            Page::Shared(Err(message)) | Page::Course(Err(message)) => message,
            Page::Course(Ok(text)) => match Course::parse(&text, "course link", exercises) {
                Ok(course) => format!("the course {}", course.id),
                Err(errors) => format!("the course's problems: {errors}"),
            },
            Page::DebugPanic => "a deliberate panic".to_string(),
            Page::NoSuchExercise(message) | Page::Unknown(message) => message,
            Page::Exercise {
                exercise, values, ..
            } => {
                let (_, problems) = resolve(exercise, values);
                // The page starts from these values: they must make a valid scenario.
                let (resolved, _) = resolve(exercise, values);
                match exercise.config_with(&resolved) {
                    Ok(_) => problems.join("\n"),
                    Err(e) => format!("resolved values do not build: {e}"),
                }
            }
        }
    })
    .map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    });
    (said, started.elapsed())
}

fn corpus() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/hostile/urls.txt"
    ))
    .expect("tests/hostile/urls.txt exists");
    text.lines()
        .filter(|line| line.starts_with("#/"))
        .map(|line| {
            let (hash, expect) = line.split_once(" => ").expect("FRAGMENT => EXPECTED");
            (hash.to_string(), expect.to_string())
        })
        .collect()
}

/// Oversized and generated addresses, with what the page must say.
fn generated() -> Vec<(String, String)> {
    let many = |n: usize, pair: &str| vec![pair; n].join("&");
    let mut cases = vec![
        // 50 000 parameters: past the 8 KiB limit, not parsed at all.
        (
            format!(
                "#/exercise/shed-vs-block?{}",
                many(50_000, "queue.capacity=1")
            ),
            "more than the 8192 a playground address may have".to_string(),
        ),
        (
            format!("#/exercise/shed-vs-block?{}", many(50_000, "a=1")),
            "(200023 characters, more than the 8192".to_string(),
        ),
        // 10 MB of one id, of one value, of slashes, of percent signs.
        (
            format!("#/exercise/{}", "x".repeat(10 << 20)),
            "more than the 8192".to_string(),
        ),
        (
            format!(
                "#/exercise/shed-vs-block?queue.capacity={}",
                "9".repeat(10 << 20)
            ),
            "more than the 8192".to_string(),
        ),
        (
            format!("#{}", "/".repeat(1 << 20)),
            "more than the 8192".to_string(),
        ),
        (
            format!("#/{}", "%".repeat(1 << 20)),
            "more than the 8192".to_string(),
        ),
        (
            format!("#/{}", "%25".repeat(1 << 20)),
            "more than the 8192".to_string(),
        ),
        // Just under the limit: every parameter is read, each reported, quickly.
        (
            format!("#/exercise/shed-vs-block?{}", many(1150, "nope=1")),
            "URL parameter nope: this exercise has no such knob".to_string(),
        ),
        (
            format!(
                "#/exercise/shed-vs-block?{}",
                many(360, "queue.capacity=999999")
            ),
            "URL parameter queue.capacity: given 360 times".to_string(),
        ),
        (
            format!("#/exercise/shed-vs-block?{}", many(4000, "&")),
            String::new(),
        ),
        (
            format!("#/exercise/{}", "x".repeat(8000)),
            "… (8000 characters)".to_string(),
        ),
        (
            format!("#/{}", "a/".repeat(4000)),
            "Unknown address #/a/a/a/".to_string(),
        ),
        (
            format!(
                "#/exercise/shed-vs-block?queue.capacity={}",
                "%25".repeat(2700)
            ),
            "URL parameter queue.capacity=%%%%".to_string(),
        ),
        (
            format!("#/exercise/shed-vs-block?{}=1", "a.".repeat(4000)),
            "this exercise has no such knob".to_string(),
        ),
        (
            format!("#/exercise/shed-vs-block?seed={}", "9".repeat(8000)),
            "must be a whole number from 0".to_string(),
        ),
    ];
    // Every byte, percent-encoded, as an id and as a knob value.
    for byte in (0..=255u8).step_by(17).filter(|b| !b.is_ascii_digit()) {
        cases.push((
            format!("#/exercise/%{byte:02X}"),
            "There is no exercise called".to_string(),
        ));
        cases.push((
            format!("#/exercise/shed-vs-block?queue.capacity=%{byte:02X}"),
            "URL parameter queue.capacity=".to_string(),
        ));
    }
    cases
}

#[test]
fn every_hostile_address_leads_to_a_page_that_says_what_was_wrong() {
    let exercises = queuelab::exercise::catalog();
    let corpus = corpus();
    let built = generated();
    assert!(
        corpus.len() >= 150,
        "the corpus has {} addresses",
        corpus.len()
    );
    let mut failures = Vec::new();
    let mut slowest = Duration::ZERO;
    for (hash, expect) in corpus.iter().chain(&built) {
        let (said, took) = what_the_page_says(hash, &exercises);
        slowest = slowest.max(took);
        let shown: String = hash.chars().take(100).collect();
        match said {
            Err(panic) => failures.push(format!("{shown}: panicked: {panic}")),
            Ok(message) => {
                if expect.is_empty() {
                    // `&&&&…`: no parameter at all, so nothing to report and nothing wrong.
                    if !message.is_empty() {
                        failures.push(format!("{shown}: expected no problem, got {message}"));
                    }
                } else if !message.contains(expect.as_str()) {
                    failures.push(format!(
                        "{shown}:\n  expected {expect:?}\n  got      {:?}",
                        message.chars().take(300).collect::<String>()
                    ));
                }
            }
        }
        if took > TIME_BOUND {
            failures.push(format!("{shown}: took {took:?}"));
        }
    }
    eprintln!(
        "{} hostile addresses ({} in the corpus, {} built): slowest {:.2} ms",
        corpus.len() + built.len(),
        corpus.len(),
        built.len(),
        slowest.as_secs_f64() * 1e3
    );
    assert!(
        failures.is_empty(),
        "{} addresses misbehaved:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The exercises' own permalinks still open as written: the corpus tests refusals, this that
/// good addresses are not refused along with them.
#[test]
fn good_addresses_open_their_page_without_a_problem() {
    let exercises = queuelab::exercise::catalog();
    for exercise in &exercises {
        let link = Permalink::for_run(exercise, &exercise.start_values(), exercise.seeds[0]);
        let hash = link.to_hash();
        let (said, _) = what_the_page_says(&hash, &exercises);
        assert_eq!(said, Ok(String::new()), "{hash}");
        let embedded = link.embedded().to_hash();
        assert!(embedded.starts_with("#/embed/exercise/"), "{embedded}");
        let (said, _) = what_the_page_says(&embedded, &exercises);
        assert_eq!(said, Ok(String::new()), "{embedded}");
    }
    let (said, _) = what_the_page_says(
        "#/exercise/shed-vs-block?seed=3&queue.capacity=8",
        &exercises,
    );
    assert_eq!(said, Ok(String::new()));
    for (hash, page) in [
        ("", "the catalog"),
        ("#/", "the catalog"),
        ("#/sandbox", "the sandbox"),
        ("#/author", "the authoring page"),
        ("#/progress", "the instructor's progress page"),
    ] {
        assert_eq!(what_the_page_says(hash, &exercises).0, Ok(page.to_string()));
    }
    // The example course, shared whole in a link, opens as itself.
    let link = queuelab::playground::share::course_link(queuelab::course::EXAMPLE).unwrap();
    assert_eq!(
        what_the_page_says(&link, &exercises).0,
        Ok("the course queues-in-a-week".to_string())
    );
    // Every built-in exercise, shared whole in a link, opens as itself.
    for (name, text) in queuelab::exercise::catalog_files() {
        let link =
            queuelab::playground::share::link(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let id = Exercise::parse(text, name).unwrap().id;
        assert_eq!(
            what_the_page_says(&link, &exercises).0,
            Ok(format!("the shared exercise {id}"))
        );
    }
}
