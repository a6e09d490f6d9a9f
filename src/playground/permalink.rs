//! Permalinks: exercise + knob values + seed in the URL's fragment, so a link reproduces a run.
//!
//! `#/exercise/shed-vs-block?seed=3&queue.on_full=reject` — knob values are checked against the
//! exercise like typed input; a bad value becomes a message shown on the page, never a panic.
//! `#/embed/exercise/…` is the same exercise with minimal chrome, for an iframe in a course page
//! or a blog post.
//!
//! ```
//! use queuelab::playground::Permalink;
//! let link = Permalink::parse("#/exercise/shed-vs-block?seed=3&queue.capacity=8");
//! assert_eq!(link, Permalink::Exercise { id: "shed-vs-block".into(), seed: Some(3), values: vec![("queue.capacity".into(), "8".into())] });
//! assert_eq!(link.to_hash(), "#/exercise/shed-vs-block?seed=3&queue.capacity=8");
//! ```

use crate::exercise::{Exercise, KnobValue};
use crate::scenario::limits::MAX_URL_FRAGMENT_BYTES;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Permalink {
    Catalog,
    Sandbox,
    /// `#/author`: the authoring page.
    Author,
    /// `#/progress`: the instructor's page, where learners' progress reports are read.
    Progress,
    /// `#/x/PAYLOAD`: an exercise carried whole in the link ([`super::share`]).
    Shared(String),
    /// `#/course/PAYLOAD`: a course carried whole in the link, packed as a shared exercise is.
    Course(String),
    Exercise {
        id: String,
        seed: Option<u64>,
        values: Vec<(String, String)>,
    },
    /// `#/embed/exercise/ID?…`: an exercise as [`Permalink::Exercise`], shown with minimal chrome
    /// for an iframe.
    Embed {
        id: String,
        seed: Option<u64>,
        values: Vec<(String, String)>,
    },
    /// An address that means nothing here; the page says so.
    Unknown(String),
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'[' | b']' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An exercise address's seed and knob values: a `seed` that is not a whole number is kept as a
/// value, for [`resolve`] to report.
fn seed_and_values(query: &str) -> (Option<u64>, Vec<(String, String)>) {
    let mut seed = None;
    let mut values = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (decode(key), decode(value));
        if key == "seed" {
            match value.parse() {
                Ok(n) => seed = Some(n),
                Err(_) => values.push((key, value)),
            }
        } else {
            values.push((key, value));
        }
    }
    (seed, values)
}

impl Permalink {
    /// Whether a location fragment is one of the playground's routes (`#/…`, or empty for the
    /// catalog) rather than an in-page anchor such as `#goals` from a link in an exercise.
    pub fn is_route(hash: &str) -> bool {
        let hash = hash.trim_start_matches('#');
        hash.is_empty() || hash.starts_with('/')
    }

    /// Parses a location fragment (with or without the leading `#`). A fragment longer than
    /// [`MAX_URL_FRAGMENT_BYTES`] is not read: it is an unknown address that says its length.
    pub fn parse(hash: &str) -> Permalink {
        let hash = hash.trim_start_matches('#');
        if hash.len() > MAX_URL_FRAGMENT_BYTES {
            let start: String = hash.chars().take(40).collect();
            return Permalink::Unknown(format!(
                "{start}… ({} characters, more than the {MAX_URL_FRAGMENT_BYTES} a playground address may have)",
                hash.len()
            ));
        }
        let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [] => Permalink::Catalog,
            ["sandbox"] => Permalink::Sandbox,
            ["author"] => Permalink::Author,
            ["progress"] => Permalink::Progress,
            ["x", payload] if query.is_empty() => Permalink::Shared(payload.to_string()),
            ["course", payload] if query.is_empty() => Permalink::Course(payload.to_string()),
            ["exercise", id] => {
                let (seed, values) = seed_and_values(query);
                Permalink::Exercise {
                    id: decode(id),
                    seed,
                    values,
                }
            }
            ["embed", "exercise", id] => {
                let (seed, values) = seed_and_values(query);
                Permalink::Embed {
                    id: decode(id),
                    seed,
                    values,
                }
            }
            _ => Permalink::Unknown(hash.to_string()),
        }
    }

    pub fn to_hash(&self) -> String {
        match self {
            Permalink::Catalog => "#/".into(),
            Permalink::Sandbox => "#/sandbox".into(),
            Permalink::Author => "#/author".into(),
            Permalink::Progress => "#/progress".into(),
            Permalink::Shared(payload) => format!("{}{payload}", super::share::ROUTE),
            Permalink::Course(payload) => format!("{}{payload}", super::share::COURSE_ROUTE),
            Permalink::Unknown(text) => format!("#{text}"),
            Permalink::Embed { id, seed, values } => {
                let exercise = Permalink::Exercise {
                    id: id.clone(),
                    seed: *seed,
                    values: values.clone(),
                };
                format!("#/embed{}", &exercise.to_hash()[1..])
            }
            Permalink::Exercise { id, seed, values } => {
                let mut params: Vec<String> = seed.iter().map(|s| format!("seed={s}")).collect();
                params.extend(
                    values
                        .iter()
                        .map(|(k, v)| format!("{}={}", encode(k), encode(v))),
                );
                if params.is_empty() {
                    format!("#/exercise/{}", encode(id))
                } else {
                    format!("#/exercise/{}?{}", encode(id), params.join("&"))
                }
            }
        }
    }

    /// The same exercise address shown embedded (`#/embed/exercise/…`); other addresses as they are.
    pub fn embedded(self) -> Permalink {
        match self {
            Permalink::Exercise { id, seed, values } => Permalink::Embed { id, seed, values },
            other => other,
        }
    }

    /// The permalink of an exercise run: only knobs that differ from the start are written.
    pub fn for_run(exercise: &Exercise, values: &[(String, KnobValue)], seed: u64) -> Permalink {
        let changed = values
            .iter()
            .filter(|(path, value)| exercise.knob(path).is_some_and(|knob| knob.start != *value))
            .map(|(path, value)| (path.clone(), value.to_string()))
            .collect();
        Permalink::Exercise {
            id: exercise.id.clone(),
            seed: Some(seed),
            values: changed,
        }
    }
}

/// Knob values from a permalink: every knob at its start unless the link sets it. Bad or unknown
/// parameters are reported, and ignored.
pub fn resolve(
    exercise: &Exercise,
    params: &[(String, String)],
) -> (Vec<(String, KnobValue)>, Vec<String>) {
    let mut values = exercise.start_values();
    let mut problems = Vec::new();
    for (key, text) in params {
        match exercise.knob(key) {
            None if key == "seed" => problems.push(format!(
                "URL parameter seed={text}: must be a whole number from 0 to {} (ignored)",
                u64::MAX
            )),
            None => problems.push(format!(
                "URL parameter {key}: this exercise has no such knob (ignored)"
            )),
            Some(knob) => match knob.parse(text) {
                Ok(value) => {
                    if let Some(slot) = values.iter_mut().find(|(path, _)| path == key) {
                        slot.1 = value;
                    }
                }
                Err(message) => {
                    problems.push(format!("URL parameter {key}={text}: {message} (ignored)"))
                }
            },
        }
    }
    // A knob set more than once: the last good value counts, and the page says so.
    for (path, _) in exercise.start_values() {
        let given = params.iter().filter(|(key, _)| *key == path).count();
        if given > 1 {
            problems.push(format!(
                "URL parameter {path}: given {given} times; the last valid value is used"
            ));
        }
    }
    (values, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_parse() {
        assert_eq!(Permalink::parse(""), Permalink::Catalog);
        assert_eq!(Permalink::parse("#/"), Permalink::Catalog);
        assert_eq!(Permalink::parse("#/sandbox"), Permalink::Sandbox);
        assert_eq!(
            Permalink::parse("#/nowhere/x"),
            Permalink::Unknown("/nowhere/x".into())
        );
    }

    #[test]
    fn encoding_round_trips_awkward_values() {
        let link = Permalink::Exercise {
            id: "x".into(),
            seed: None,
            values: vec![
                ("queue.timeout".into(), "1m30s &=?".into()),
                ("classes[0].weight".into(), "µ".into()),
            ],
        };
        assert_eq!(Permalink::parse(&link.to_hash()), link);
        assert!(Permalink::is_route(&link.to_hash()));
        assert!(Permalink::is_route("") && Permalink::is_route("#"));
        assert!(!Permalink::is_route("#goals"));
    }

    #[test]
    fn malformed_percent_escapes_do_not_panic() {
        for hash in [
            "#/exercise/a?x=%",
            "#/exercise/a?x=%z",
            "#/exercise/a?x=%zz%",
            "#/exercise/%",
        ] {
            let _ = Permalink::parse(hash);
        }
    }

    #[test]
    fn an_overlong_fragment_is_an_unknown_address_that_says_why() {
        let params = vec!["a=1"; 50_000].join("&");
        let started = std::time::Instant::now();
        let link = Permalink::parse(&format!("#/exercise/x?{params}"));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        let Permalink::Unknown(text) = link else {
            panic!("{link:?}")
        };
        assert!(text.starts_with("/exercise/x?a=1&"), "{text}");
        assert!(
            text.contains("200011 characters, more than the 8192"),
            "{text}"
        );
        let fits = format!("/exercise/x?{}", vec!["a=1"; 2000].join("&"));
        assert!(matches!(
            Permalink::parse(&fits),
            Permalink::Exercise { .. }
        ));
    }

    #[test]
    fn embed_addresses_round_trip_and_keep_their_knobs() {
        let link = Permalink::parse("#/embed/exercise/shed-vs-block?seed=3&queue.capacity=8");
        assert_eq!(
            link,
            Permalink::Embed {
                id: "shed-vs-block".into(),
                seed: Some(3),
                values: vec![("queue.capacity".into(), "8".into())],
            }
        );
        assert_eq!(
            link.to_hash(),
            "#/embed/exercise/shed-vs-block?seed=3&queue.capacity=8"
        );
        let plain = Permalink::parse("#/exercise/shed-vs-block?seed=3&queue.capacity=8");
        assert_eq!(plain.embedded(), link);
        assert_eq!(Permalink::Sandbox.embedded(), Permalink::Sandbox);
        assert_eq!(
            Permalink::parse("#/embed/sandbox"),
            Permalink::Unknown("/embed/sandbox".into())
        );
    }

    #[test]
    fn bad_seed_is_kept_for_reporting() {
        let Permalink::Exercise { seed, values, .. } = Permalink::parse("#/exercise/a?seed=-4")
        else {
            panic!()
        };
        assert_eq!(seed, None);
        assert_eq!(values, vec![("seed".to_string(), "-4".to_string())]);
    }
}
