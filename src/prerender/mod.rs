//! The playground's first paint, generated at build time from the built-in catalog.
//!
//! Why: the app is a WebAssembly bundle of over a megabyte; on a phone on a slow network nothing
//! painted until it had loaded and run (Lighthouse's largest paint at ~7 s). So the release build
//! carries the pages as static HTML too: `index.html` holds the catalog, and
//! `first-paint/exercise/ID.html` / `first-paint/sandbox.html` hold each exercise's story, knobs
//! and goals and the sandbox. A small inline script (`first-paint.js`, pinned by its hash in the
//! Content-Security-Policy by scripts/csp.py) shows the one for the address's route until the app
//! mounts and replaces the body. Search engines and readers without WebAssembly get the text.
//!
//! One source of truth: the markup comes from the same [`crate::exercise::catalog`] the app
//! parses, and mirrors the components' elements and classes ([`markup`]), so the page does not
//! jump when the app takes over. `queuelab prerender DIR` runs it, as Trunk's post_build hook
//! (scripts/post_build.sh) on every `trunk build` and `trunk serve` rebuild.

pub mod markup;

use crate::exercise::Exercise;

/// Where the generated body goes in `index.html`: the page declares this empty element.
pub const PLACEHOLDER: &str = "<div id=\"first-paint\"></div>";
/// The first line of every fragment file; the script shows nothing else (a static host answers
/// a missing file with `index.html`).
pub const FRAGMENT_MARK: &str = "<!-- first-paint -->";
/// Local storage's record that the learner has taken or dismissed the first visit's tour
/// (src/web/tour.rs); the router (`first-paint.js`) reads the same key.
pub const TOUR_KEY: &str = "queuelab.tour.v1";
/// The sandbox's starting scenario, as src/web/sandbox.rs starts it.
const SANDBOX_STARTER: &str = include_str!("../../scenarios/mmc.toml");
/// The route switcher, inlined into the page.
const SCRIPT: &str = include_str!("first-paint.js");

/// The body of `index.html`: the header and the catalog, then the route switcher.
pub fn index_body(exercises: &[Exercise]) -> String {
    let script: String = SCRIPT
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .map(|line| format!("{}\n", line.trim()))
        .collect();
    format!(
        "{}<div id=\"first-paint\">{}</div><script>{script}</script>",
        markup::header(),
        markup::catalog(exercises)
    )
}

/// The fragment files: (path under the site's root, content).
pub fn fragments(exercises: &[Exercise]) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = exercises
        .iter()
        .map(|exercise| {
            (
                format!("first-paint/exercise/{}.html", exercise.id),
                format!("{FRAGMENT_MARK}\n{}", markup::exercise(exercise)),
            )
        })
        .collect();
    let seed = crate::scenario::parse(SANDBOX_STARTER, "sandbox.toml").map_or(0, |c| c.seed);
    files.push((
        "first-paint/sandbox.html".to_string(),
        format!(
            "{FRAGMENT_MARK}\n{}",
            markup::sandbox(SANDBOX_STARTER, seed)
        ),
    ));
    files
}

/// `page` (the built `index.html`) with the first paint in place of [`PLACEHOLDER`].
pub fn fill_index(page: &str, exercises: &[Exercise]) -> Result<String, String> {
    if !page.contains(PLACEHOLDER) {
        return Err(format!("the page has no {PLACEHOLDER} to fill"));
    }
    Ok(page.replacen(PLACEHOLDER, &index_body(exercises), 1))
}

/// Fills `dir/index.html` and writes the fragments under `dir`; returns how many files it wrote.
#[cfg(not(target_arch = "wasm32"))]
pub fn write_site(dir: &std::path::Path) -> Result<usize, String> {
    let exercises = crate::exercise::catalog();
    let index = dir.join("index.html");
    let page = std::fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let filled = fill_index(&page, &exercises).map_err(|e| format!("{}: {e}", index.display()))?;
    let mut written = 0;
    for (name, content) in fragments(&exercises)
        .into_iter()
        .chain([("index.html".to_string(), filled)])
    {
        let path = dir.join(&name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, content).map_err(|e| format!("{}: {e}", path.display()))?;
        written += 1;
    }
    Ok(written)
}
