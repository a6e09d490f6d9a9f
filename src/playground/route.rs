//! Which page an address shows: the decision the app makes for every fragment, kept out of the
//! DOM code so it is tested natively against a corpus of hostile addresses
//! (`tests/hostile/urls.txt`). Every address leads to a page; a bad one to a page that says
//! what was wrong (an unknown address, a missing exercise, or the exercise with the bad URL
//! parameters listed and ignored), never to a panic.

use super::permalink::Permalink;
use crate::exercise::Exercise;

/// The `localStorage` key and value that let `#/debug/panic` panic on purpose in a release
/// build. Only script of the page's own origin can set it (the end-to-end test does), never a
/// link, so a shared address cannot knock the page over; debug builds always allow it.
pub const DEBUG_PANIC_KEY: &str = "queuelab.debug";
pub const DEBUG_PANIC_VALUE: &str = "panic-panel";

/// Characters of an address or exercise id quoted back in a message; the rest is counted. Room
/// for [`Permalink::parse`]'s own note on an overlong fragment.
const QUOTED_CHARS: usize = 160;

#[derive(Debug, Clone, PartialEq)]
pub enum Page<'a> {
    Catalog,
    Sandbox,
    /// The authoring page.
    Author,
    /// The instructor's page of learners' progress reports.
    ClassProgress,
    /// A shared exercise: its text, or the sentence saying why the link cannot be read.
    Shared(Result<String, String>),
    /// A shared course: its text, or the sentence saying why the link cannot be read.
    Course(Result<String, String>),
    /// An exercise; its `seed` and knob values from the address are resolved by
    /// [`super::permalink::resolve`], which reports the bad ones.
    Exercise {
        exercise: &'a Exercise,
        seed: Option<u64>,
        values: &'a [(String, String)],
        /// `#/embed/exercise/…`: shown with minimal chrome, for an iframe.
        embed: bool,
    },
    /// No exercise has this id: the message says so.
    NoSuchExercise(String),
    /// An address that means nothing here: the message says so.
    Unknown(String),
    /// `#/debug/panic`, when allowed: the page panics on purpose to show the error panel.
    DebugPanic,
}

/// `text` as shown in a message: at most [`QUOTED_CHARS`] characters, then how many there were.
fn shortened(text: &str) -> String {
    let count = text.chars().count();
    if count <= QUOTED_CHARS {
        text.to_string()
    } else {
        let start: String = text.chars().take(QUOTED_CHARS).collect();
        format!("{start}… ({count} characters)")
    }
}

/// The page for a parsed address. `debug_panic`: whether `#/debug/panic` may panic (see
/// [`DEBUG_PANIC_KEY`]); otherwise it is an unknown address like any other.
pub fn page<'a>(link: &'a Permalink, exercises: &'a [Exercise], debug_panic: bool) -> Page<'a> {
    match link {
        Permalink::Catalog => Page::Catalog,
        Permalink::Sandbox => Page::Sandbox,
        Permalink::Author => Page::Author,
        Permalink::Progress => Page::ClassProgress,
        Permalink::Shared(payload) => Page::Shared(super::share::decode(payload)),
        Permalink::Course(payload) => Page::Course(super::share::decode_text(payload, "course")),
        Permalink::Exercise { id, seed, values } => {
            exercise_page(exercises, id, *seed, values, false)
        }
        Permalink::Embed { id, seed, values } => exercise_page(exercises, id, *seed, values, true),
        Permalink::Unknown(text) if debug_panic && text.trim_matches('/') == "debug/panic" => {
            Page::DebugPanic
        }
        Permalink::Unknown(text) => Page::Unknown(format!("Unknown address #{}.", shortened(text))),
    }
}

fn exercise_page<'a>(
    exercises: &'a [Exercise],
    id: &str,
    seed: Option<u64>,
    values: &'a [(String, String)],
    embed: bool,
) -> Page<'a> {
    match exercises.iter().find(|exercise| exercise.id == id) {
        Some(exercise) => Page::Exercise {
            exercise,
            seed,
            values,
            embed,
        },
        None => Page::NoSuchExercise(format!(
            "There is no exercise called {:?}. An exercise from a shared link (#/x/…) or a course (#/course/…) opens at its own address once that link has been opened in this browser: ask for the link it came from.",
            shortened(id)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_debug_panic_route_needs_the_opt_in() {
        let link = Permalink::parse("#/debug/panic");
        assert_eq!(page(&link, &[], true), Page::DebugPanic);
        let Page::Unknown(message) = page(&link, &[], false) else {
            panic!("a shared link must not panic the page")
        };
        assert_eq!(message, "Unknown address #/debug/panic.");
    }

    #[test]
    fn long_ids_and_addresses_are_quoted_short() {
        let id = "x".repeat(5000);
        let link = Permalink::parse(&format!("#/exercise/{id}"));
        let Page::NoSuchExercise(message) = page(&link, &[], false) else {
            panic!()
        };
        assert!(message.contains("… (5000 characters)"), "{message}");
        assert!(message.len() < 420, "{message}");
    }
}
