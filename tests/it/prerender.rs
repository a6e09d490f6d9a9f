//! The first paint (src/prerender) cannot drift from the catalog: every exercise's title, summary,
//! story, knobs and goals are in the static HTML `queuelab prerender` writes, which is what a
//! visitor sees before the WebAssembly has loaded (and what a search engine indexes).

use queuelab::exercise::{self, KnobKind};
use queuelab::playground::markdown::to_safe_html;
use queuelab::prerender::{self, markup};
use std::process::Command;

/// A built page as Trunk stages it: the head, then the placeholder the generator fills.
const PAGE: &str = "<!doctype html><html><head><title>t</title></head><body><div id=\"first-paint\"></div></body></html>";

#[test]
fn the_static_html_holds_every_exercise_of_the_catalog() {
    let exercises = exercise::catalog();
    assert!(exercises.len() > 50, "the catalog has its exercises");
    let index = prerender::fill_index(PAGE, &exercises).unwrap();
    let fragments = prerender::fragments(&exercises);
    for exercise in &exercises {
        let link = format!("href=\"#/exercise/{}\"", exercise.id);
        assert!(
            index.contains(&link),
            "{}: no card in the catalog",
            exercise.id
        );
        assert!(
            index.contains(&markup::text(&exercise.title)),
            "{}: title",
            exercise.id
        );
        assert!(
            index.contains(&markup::text(&exercise.summary)),
            "{}: summary",
            exercise.id
        );
        let name = format!("first-paint/exercise/{}.html", exercise.id);
        let (_, page) = fragments
            .iter()
            .find(|(path, _)| *path == name)
            .unwrap_or_else(|| panic!("no {name}"));
        assert!(page.starts_with(prerender::FRAGMENT_MARK), "{name}");
        let id = &exercise.id;
        assert!(
            page.contains(&format!("<h1>{}</h1>", markup::text(&exercise.title))),
            "{id}: title"
        );
        assert!(
            page.contains(&to_safe_html(&exercise.instructions)),
            "{id}: the story"
        );
        for knob in &exercise.knobs {
            assert!(
                page.contains(&markup::text(&knob.label)),
                "{id}: knob {}",
                knob.label
            );
            if !matches!(knob.kind, KnobKind::Script) {
                let value = markup::attr(&knob.start.to_string());
                assert!(
                    page.contains(&format!("value=\"{value}\"")),
                    "{id}: {} starts at {value}",
                    knob.path
                );
            }
        }
        for goal in &exercise.goals {
            let shown = format!(
                "<span class=\"what\">{}</span>",
                markup::text(&goal.to_string())
            );
            assert!(page.contains(&shown), "{id}: goal {goal}");
        }
        for question in &exercise.questions {
            assert!(
                page.contains(&to_safe_html(&question.ask)),
                "{id}: a question"
            );
        }
    }
    assert_eq!(
        fragments.len(),
        exercises.len() + 1,
        "every exercise and the sandbox"
    );
    let (_, sandbox) = fragments
        .iter()
        .find(|(path, _)| path == "first-paint/sandbox.html")
        .unwrap();
    assert!(
        sandbox.contains("<h1>Sandbox</h1>") && sandbox.contains("[pool]"),
        "the sandbox's starter"
    );
}

#[test]
fn the_page_gets_the_header_the_catalog_and_the_router_in_place_of_the_placeholder() {
    let index = prerender::fill_index(PAGE, &exercise::catalog()).unwrap();
    assert!(!index.contains(prerender::PLACEHOLDER));
    let body = &index[index.find("<body>").unwrap()..];
    assert!(
        body.starts_with("<body><header class=\"top\">"),
        "{}",
        &body[..80]
    );
    assert!(body.contains("<div id=\"first-paint\"><main class=\"page catalog\">"));
    assert!(
        body.contains("<script>") && body.contains("first-paint/"),
        "the router is inline"
    );
    assert!(
        body.contains(&format!("localStorage.getItem('{}')", prerender::TOUR_KEY)),
        "the router drops the tour's offer as the app does"
    );
    // Nothing in the markup is a script or a handler: only the router runs.
    assert_eq!(index.matches("<script").count(), 1);
    for handler in [
        "onclick=",
        "onerror=",
        "onload=",
        "onchange=",
        "javascript:",
    ] {
        assert!(!index.contains(handler), "no inline handler: {handler}");
    }
    // Text from the catalog is escaped.
    assert!(!markup::catalog(&exercise::catalog()).contains("<script"));
    assert!(
        prerender::fill_index("<body></body>", &[]).is_err(),
        "no placeholder: an error"
    );
}

#[test]
fn queuelab_prerender_writes_the_site() {
    let dir = std::env::temp_dir().join(format!("queuelab-it-{}-prerender", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), PAGE).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_queuelab"))
        .args(["prerender"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(index.contains("class=\"page catalog\""));
    for exercise in exercise::catalog() {
        assert!(dir
            .join(format!("first-paint/exercise/{}.html", exercise.id))
            .is_file());
    }
    assert!(dir.join("first-paint/sandbox.html").is_file());
    // A page without the placeholder (built from another index.html) is refused, not half-filled.
    let again = Command::new(env!("CARGO_BIN_EXE_queuelab"))
        .args(["prerender"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("first-paint"));
    std::fs::remove_dir_all(&dir).unwrap();
}
