//! Browser tests (headless Chromium via wasm-bindgen-test-runner and chromedriver):
//! the engine's determinism in the browser, the playground's components rendering into a real
//! DOM, and the speed figures the README reports.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown
//!  --no-default-features --test browser`
#![cfg(target_arch = "wasm32")]

use queuelab::sim::Engine;
use std::time::Duration;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "browser/author.rs"]
mod author;
#[path = "browser/courses.rs"]
mod courses;
#[path = "browser/sizes.rs"]
mod sizes;
#[path = "browser/watch.rs"]
mod watch;

const GOLDEN: &str = include_str!("golden/determinism.toml");
const GOLDEN_FINGERPRINT: &str = include_str!("golden/determinism.fingerprint");

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[wasm_bindgen_test]
fn engine_in_the_browser_matches_the_native_fingerprint() {
    let config = queuelab::scenario::parse(GOLDEN, "determinism.toml").unwrap();
    let summary = Engine::new(&config).run();
    assert_eq!(
        format!("{:016x}", summary.fingerprint()),
        GOLDEN_FINGERPRINT.trim()
    );
}

/// Policy scripts with transcendental maths give the native run in the browser too (their maths
/// goes through libm, never the platform's).
#[wasm_bindgen_test]
fn policy_scripts_in_the_browser_match_the_native_fingerprint() {
    let text = include_str!("golden/script.toml");
    let config = queuelab::scenario::parse(text, "script.toml").unwrap();
    let summary = Engine::new(&config).run();
    assert!(summary.script_error.is_none());
    assert_eq!(
        format!("{:016x}", summary.fingerprint()),
        include_str!("golden/script.fingerprint").trim()
    );
}

/// Admission, retry, breaker and full-queue scripts give the native run in the browser too.
#[wasm_bindgen_test]
fn hook_scripts_in_the_browser_match_the_native_fingerprint() {
    let text = include_str!("golden/hooks.toml");
    let config = queuelab::scenario::parse(text, "hooks.toml").unwrap();
    let summary = Engine::new(&config).run();
    assert!(summary.script_error.is_none());
    assert_eq!(
        format!("{:016x}", summary.fingerprint()),
        include_str!("golden/hooks.fingerprint").trim()
    );
}

/// A runaway script — an endless loop in a learner's retry policy, a recursion in their
/// admission policy — stops at the sandbox's limits in the browser too: the run ends at once with
/// the fault naming the hook and the time, instead of freezing the tab. (The bound is a hang
/// guard, not a speed goal.)
#[wasm_bindgen_test]
fn a_runaway_script_stops_at_its_limits_and_frees_the_page() {
    let base = "[run]\nseed = 1\nduration = \"10m\"\n[arrivals]\nprocess = \"poisson\"\nrate = 50\n\
                [service]\ndistribution = \"exponential\"\nmean = \"100ms\"\n[pool]\nworkers = 2\n[queue]\ncapacity = 5\n";
    for (hook, table, expected) in [
        (
            "retry",
            "[retry]\nkind = \"script\"\ncode = '''fn retry(failure) { loop { } }'''\n",
            "endless loop",
        ),
        (
            "admission",
            "[admission]\nkind = \"script\"\ncode = '''fn deeper(n) { deeper(n + 1) }\nfn admit(request) { deeper(0) }'''\n",
            "endless recursion",
        ),
    ] {
        let config = queuelab::scenario::parse(&format!("{base}{table}"), "runaway.toml").unwrap();
        let started = now_ms();
        let summary = Engine::new(&config).run();
        let elapsed = now_ms() - started;
        let error = summary.script_error.expect("the runaway script is stopped");
        assert_eq!(error.hook, hook);
        assert!(error.message.contains(expected), "{}", error.message);
        assert!(summary.truncated);
        assert!(elapsed < 5_000.0, "{hook}: the tab was busy for {elapsed:.0} ms");
    }
}

#[wasm_bindgen_test]
fn one_million_customers_of_mm4_report_their_speed() {
    let text =
        "[run]\nseed = 1\ncustomers = 1000000\n[arrivals]\nprocess = \"poisson\"\nrate = 3.6\n\
                [service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 4\n";
    let config = queuelab::scenario::parse(text, "mm4.toml").unwrap();
    let started = now_ms();
    let summary = Engine::new(&config).run();
    let elapsed = now_ms() - started;
    assert_eq!(summary.completed, 1_000_000);
    console_log!(
        "browser speed: 1,000,000-customer M/M/4 (rho 0.9) in {:.0} ms = {:.2} M customers/s, {:.1} M events/s",
        elapsed,
        1e3 / elapsed,
        summary.events as f64 / elapsed / 1e3
    );
}

#[wasm_bindgen_test]
fn a_frame_stays_within_its_budget() {
    use queuelab::playground::{Session, Speed};
    let exercise = queuelab::exercise::catalog().remove(0);
    let mut session = Session::new(exercise.scenario.clone());
    session.speed = Speed::Max;
    let mut times = Vec::new();
    while !session.is_finished() && times.len() < 200 {
        let started = now_ms();
        session.frame(0.016, &now_ms, 8.0);
        times.push(now_ms() - started);
    }
    let first = times[0];
    let worst_after_first = times[1..].iter().copied().fold(0.0, f64::max);
    console_log!(
        "browser frames: {} frames at max speed; first {first:.1} ms (includes compiling the wasm), worst of the rest {worst_after_first:.1} ms (budget 8 ms of engine time)",
        times.len()
    );
    assert!(!times.is_empty());
}

#[wasm_bindgen_test]
fn redrawing_every_chart_reports_its_frame_rate() {
    use plotters::prelude::IntoDrawingArea;
    use queuelab::chart::{ChartKind, Picture, SingleChart};
    let config = queuelab::scenario::parse(
        include_str!("../scenarios/spike-autoscale.toml"),
        "spike.toml",
    )
    .unwrap();
    let (_, series) = Engine::new(&config).run_with_series();
    let document = web_sys::window().unwrap().document().unwrap();
    let canvases: Vec<web_sys::HtmlCanvasElement> = (0..ChartKind::ALL.len())
        .map(|_| {
            let canvas: web_sys::HtmlCanvasElement = document
                .create_element("canvas")
                .unwrap()
                .dyn_into()
                .unwrap();
            canvas.set_width(520);
            canvas.set_height(260);
            document.body().unwrap().append_child(&canvas).unwrap();
            canvas
        })
        .collect();
    let rounds = 10;
    let started = now_ms();
    for _ in 0..rounds {
        for (canvas, kind) in canvases.iter().zip(ChartKind::ALL) {
            let backend =
                plotters_canvas::CanvasBackend::with_canvas_object(canvas.clone()).unwrap();
            let picture = SingleChart {
                kind,
                series: &series,
                ghost: Some(&series),
                thresholds: &[queuelab::chart::GoalLine {
                    value: 0.5,
                    label: "p99 under 500 ms".into(),
                }],
                scale: 1.0,
            };
            picture.draw(&backend.into_drawing_area()).unwrap();
        }
    }
    let per_redraw = (now_ms() - started) / rounds as f64;
    console_log!(
        "browser charts: all {} charts ({} points each, with ghost) redrawn in {per_redraw:.1} ms = {:.0} redraws/s",
        ChartKind::ALL.len(),
        series.points().len(),
        1000.0 / per_redraw
    );
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(100)).await;
}

/// Waits until `selector` is under `root`, or 10 s have passed (a generous hang guard, not a
/// speed goal: every app earlier tests left mounted answers an address change too, and the
/// machine may be busy). The caller's assertions then say what is missing.
async fn settle_until(root: &web_sys::Element, selector: &str) {
    let started = now_ms();
    while root.query_selector(selector).unwrap().is_none() && now_ms() - started < 10_000.0 {
        settle().await;
    }
}

thread_local! {
    /// The app a test mounted, unmounted when the next test mounts its own.
    static MOUNTED: std::cell::RefCell<Option<(web_sys::Element, yew::AppHandle<queuelab::web::App>)>> =
        const { std::cell::RefCell::new(None) };
}

/// Mounts a fresh playground, as a page load would. The tests share one page: an app left
/// mounted would go on answering later tests' address changes and saving what it follows (a
/// course), so the previous test's app is unmounted first, and the followed course and shared
/// exercises are forgotten, as for a first visit.
fn mount() -> web_sys::Element {
    let (root, app) = mount_app();
    MOUNTED.with(|mounted| mounted.borrow_mut().replace((root.clone(), app)));
    root
}

/// [`mount`], handing the app to the caller to unmount.
fn mount_app() -> (web_sys::Element, yew::AppHandle<queuelab::web::App>) {
    if let Some((root, app)) = MOUNTED.with(|mounted| mounted.borrow_mut().take()) {
        app.destroy();
        root.remove();
    }
    let window = web_sys::window().unwrap();
    // What a visit leaves behind that changes the catalog: a followed course, shared exercises.
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.remove_item("queuelab.course.v1");
        let _ = storage.remove_item("queuelab.shared.v1");
    }
    let document = window.document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let app = yew::Renderer::<queuelab::web::App>::with_root(root.clone()).render();
    (root, app)
}

#[wasm_bindgen_test]
async fn catalog_then_exercise_render_in_the_dom() {
    web_sys::window()
        .unwrap()
        .location()
        .set_hash("#/")
        .unwrap();
    let root = mount();
    settle().await;
    let cards = root.query_selector_all(".card").unwrap().length();
    assert_eq!(cards as usize, queuelab::exercise::catalog().len());

    web_sys::window()
        .unwrap()
        .location()
        .set_hash("#/exercise/shed-vs-block?queue.capacity=8")
        .unwrap();
    // Every app earlier tests left mounted answers the address too: wait (a generous hang
    // guard, not a speed goal) rather than for a fixed time.
    settle_until(&root, ".lab[data-state=ready]").await;
    let goals = root.query_selector_all(".goal").unwrap().length();
    assert!(goals >= 2, "goals shown: {goals}");
    let capacity = root
        .query_selector("[data-knob='queue.capacity']")
        .unwrap()
        .unwrap();
    let value = capacity
        .dyn_ref::<web_sys::HtmlInputElement>()
        .unwrap()
        .value();
    assert_eq!(value, "8", "the permalink set the knob");
    assert!(root
        .query_selector(".lab[data-state=ready]")
        .unwrap()
        .is_some());
    // Only charts that can show something: with `block` nothing is lost and K never changes,
    // so there is no losses chart and no pool-size chart.
    let charts = root.query_selector_all("[data-chart]").unwrap();
    let names: Vec<String> = (0..charts.length())
        .filter_map(|i| charts.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
        .filter_map(|element| element.get_attribute("data-chart"))
        .collect();
    assert_eq!(names, ["latency", "queue", "throughput", "utilization"]);
}

#[wasm_bindgen_test]
async fn unknown_exercise_and_bad_parameters_show_messages() {
    web_sys::window()
        .unwrap()
        .location()
        .set_hash("#/exercise/no-such-thing")
        .unwrap();
    let root = mount();
    settle().await;
    assert!(root
        .text_content()
        .unwrap()
        .contains("There is no exercise called"));
    web_sys::window()
        .unwrap()
        .location()
        .set_hash("#/exercise/shed-vs-block?queue.on_full=explode")
        .unwrap();
    settle_until(&root, "[data-test=url-errors]").await;
    let errors = root
        .query_selector("[data-test=url-errors]")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(
        errors.contains("must be one of: block, reject, timeout"),
        "{errors}"
    );
}

use wasm_bindgen::JsCast;

fn element<T: JsCast>(root: &web_sys::Element, selector: &str) -> T {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into()
        .unwrap_or_else(|_| panic!("{selector} is not the element expected"))
}

/// An exercise with goals and a question, the question answered right while its (passing) run
/// is still going: when the run ends, the exercise is saved as solved. (The run's timer once
/// kept the callback of the render that pressed Run, when the question was still open.)
#[wasm_bindgen_test]
async fn answering_during_a_passing_run_solves_the_exercise() {
    let window = web_sys::window().unwrap();
    let storage = window.local_storage().unwrap().unwrap();
    storage.remove_item("queuelab.progress.v1").unwrap();
    window
        .location()
        .set_hash("#/exercise/sharded-pool?pool.shards=4")
        .unwrap();
    let root = mount();
    settle().await;
    let speed: web_sys::HtmlSelectElement = element(&root, "[data-test=speed]");
    // Slow enough to answer while it runs (300 simulated seconds take about 3 s), and left
    // alone after: changing the speed would restart the run's timer with a fresh callback.
    speed.set_value("100×");
    speed
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    settle().await;
    element::<web_sys::HtmlElement>(&root, "[data-test=run]").click();
    settle().await;
    assert!(
        root.query_selector(".lab[data-state=running]")
            .unwrap()
            .is_some(),
        "still running when the question is answered"
    );
    let choice: web_sys::HtmlInputElement = element(&root, "[data-question='0'] [data-choice='2']");
    choice.set_checked(true);
    choice
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    for _ in 0..600 {
        if root
            .query_selector(".lab[data-state=finished]")
            .unwrap()
            .is_some()
        {
            break;
        }
        settle().await;
    }
    // Then the same knobs are graded on the exercise's hidden seeds, one per turn.
    for _ in 0..600 {
        if root
            .query_selector("[data-test=grading][data-done=true]")
            .unwrap()
            .is_some()
        {
            break;
        }
        settle().await;
    }
    settle().await;
    let verdict: web_sys::HtmlElement = element(&root, "[data-test=verdict]");
    assert!(
        verdict.class_name().contains("pass")
            && verdict
                .text_content()
                .unwrap_or_default()
                .starts_with("Every goal met on seed 1 and on 4 hidden seeds"),
        "{:?}",
        verdict.text_content()
    );
    let progress = storage
        .get_item("queuelab.progress.v1")
        .unwrap()
        .unwrap_or_default();
    assert!(
        progress.contains("\"sharded-pool\":\"solved\""),
        "every goal met and the question right, yet progress is {progress}"
    );
    assert!(
        progress.contains("\"run\":\"#/exercise/sharded-pool?seed=1&pool.shards=4\""),
        "the solving run is kept for the progress report: {progress}"
    );
}

/// Every Markdown surface of the hostile exercise, put into the page the way the playground puts
/// it (as HTML): the browser's own parse of every link and image left in it is http, https,
/// mailto or this page, and each unsafe link is shown as removed. (The end-to-end test clicks
/// them in the shipped page, under its Content-Security-Policy.)
#[wasm_bindgen_test]
fn no_link_in_a_hostile_exercise_leaves_the_web() {
    let exercise =
        queuelab::exercise::Exercise::parse(include_str!("hostile/links.toml"), "links.toml")
            .expect("the hostile exercise parses; only its links are hostile");
    let document = web_sys::window().unwrap().document().unwrap();
    let page_origin = web_sys::window().unwrap().location().origin().unwrap();
    let mut removed_total = 0;
    for (field, text) in exercise.markdown_fields() {
        let container = document.create_element("div").unwrap();
        container.set_inner_html(&queuelab::playground::markdown::to_safe_html(text));
        let anchors = container.query_selector_all("a").unwrap();
        for i in 0..anchors.length() {
            let anchor: web_sys::HtmlAnchorElement = anchors.get(i).unwrap().dyn_into().unwrap();
            let protocol = anchor.protocol();
            assert!(
                ["http:", "https:", "mailto:"].contains(&protocol.as_str())
                    || anchor.origin() == page_origin,
                "{field}: a link to {:?} ({protocol}) was kept",
                anchor.href()
            );
        }
        let images = container.query_selector_all("img").unwrap();
        assert_eq!(images.length(), 0, "{field}: the only image is hostile");
        let removed = container
            .query_selector_all(".link-removed")
            .unwrap()
            .length();
        let expected = queuelab::playground::markdown::unsafe_destinations(text).len();
        assert_eq!(removed as usize, expected, "{field}");
        removed_total += expected;
    }
    assert!(removed_total >= 15, "{removed_total} hostile links found");
}
