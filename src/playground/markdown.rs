//! Markdown to HTML for instructions, hints and explanations, safe to put into the page whatever
//! an exercise file (opened from disk or from a shared link) says:
//! - raw HTML is shown as text, never as markup;
//! - a link or image may only point at `http`, `https`, `mailto` or a relative address (a path,
//!   `?query` or `#fragment`). Anything else (`javascript:`, `data:`, `vbscript:`, in any case,
//!   written with entities, tabs or control characters) loses its link and is shown as plain
//!   text marked "link removed".
//! - an image from another site (an absolute `http`/`https` or `//host` address) is not loaded:
//!   the page's Content-Security-Policy allows images from its own origin only (`img-src 'self'
//!   data: blob:`), so that opening a shared exercise never tells a third party who opened it.
//!   It shows as its alt text and its address, marked "image from another site, not loaded",
//!   instead of a broken image; an image at a relative address is shown.
//!
//! The decision is made on the destination pulldown-cmark hands over, which has already had its
//! entities and backslash escapes decoded, after the clean-up a browser does before it reads a
//! scheme (leading and trailing control characters and spaces dropped, tabs and newlines removed
//! anywhere). So what is checked is what the browser would follow. We keep this rather than the
//! `ammonia` sanitiser: we never let raw HTML through, so the only attack surface is the
//! destinations pulldown-cmark writes, and html5ever would add about 300 KB to the wasm bundle.
//!
//! ```
//! use queuelab::playground::markdown::to_safe_html;
//! let html = to_safe_html("**Four** workers <script>x()</script> [docs](https://example.com)");
//! assert!(html.contains("<strong>Four</strong>"));
//! assert!(!html.contains("<script>"));
//! assert!(html.contains("href=\"https://example.com\""));
//! assert!(!to_safe_html("[x](JavaScript:alert(1))").contains("href"));
//! ```

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// The schemes a link may use, besides relative addresses.
pub const ALLOWED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

const REMOVED_NOTE: &str =
    "link removed: only http, https, mailto and relative links are allowed here";

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// What became of an open link or image, so that its end matches its start.
enum Opened {
    Kept,
    Removed,
    /// An image from another site, shown as text.
    Elsewhere(String),
}

/// Whether an image at `url` (already found safe) would be fetched from another site.
fn is_elsewhere(url: &str) -> bool {
    let url = url.trim_matches(|c: char| c <= ' ');
    url.starts_with("//")
        || url
            .find([':', '/', '?', '#'])
            .is_some_and(|end| url[end..].starts_with(':'))
}

pub fn to_safe_html(markdown: &str) -> String {
    // One entry per open link or image. Links cannot nest, but an image can sit inside a link,
    // so a stack keeps each end paired with its start.
    let mut opened: Vec<Opened> = Vec::new();
    let parser = Parser::new_ext(markdown, options()).flat_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => vec![Event::Text(raw)],
        Event::Start(Tag::Link {
            link_type,
            ref dest_url,
            ..
        })
        | Event::Start(Tag::Image {
            link_type,
            ref dest_url,
            ..
        }) => {
            let image = matches!(event, Event::Start(Tag::Image { .. }));
            if !is_safe_destination(link_type, dest_url) {
                opened.push(Opened::Removed);
                vec![Event::InlineHtml(CowStr::from(format!(
                    "<span class=\"link-removed\" title=\"{REMOVED_NOTE}\">"
                )))]
            } else if image && is_elsewhere(dest_url) {
                opened.push(Opened::Elsewhere(dest_url.to_string()));
                vec![Event::InlineHtml(CowStr::Borrowed(
                    "<span class=\"image-elsewhere\">[image: ",
                ))]
            } else {
                opened.push(Opened::Kept);
                vec![event]
            }
        }
        Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => match opened.pop() {
            Some(Opened::Removed) => vec![Event::InlineHtml(CowStr::Borrowed(
                " <small class=\"link-removed-mark\">(link removed)</small></span>",
            ))],
            Some(Opened::Elsewhere(url)) => vec![
                Event::InlineHtml(CowStr::Borrowed(
                    "] <small class=\"image-elsewhere-mark\">(image from another site, not loaded: ",
                )),
                Event::Text(CowStr::from(url)),
                Event::InlineHtml(CowStr::Borrowed(")</small></span>")),
            ],
            _ => vec![event],
        },
        other => vec![other],
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

/// Every link or image destination in `markdown` that [`to_safe_html`] would remove, as written
/// after decoding; authoring checks report them so the author learns before a learner does.
pub fn unsafe_destinations(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, options())
        .filter_map(|event| match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            })
            | Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) if !is_safe_destination(link_type, &dest_url) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect()
}

fn is_safe_destination(link_type: LinkType, dest_url: &str) -> bool {
    // An e-mail autolink is written as `mailto:` + its address, which cannot hold a scheme.
    matches!(link_type, LinkType::Email) || is_safe_url(dest_url)
}

/// Whether a browser following `url` would stay on the web: no scheme (a relative address), or
/// one of [`ALLOWED_SCHEMES`], compared without regard to case.
pub fn is_safe_url(url: &str) -> bool {
    // The URL standard's first steps: strip leading and trailing C0 controls and spaces, then
    // remove every tab and newline.
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    match cleaned.find([':', '/', '?', '#']) {
        Some(end) if cleaned[end..].starts_with(':') => {
            let scheme = &cleaned[..end];
            ALLOWED_SCHEMES
                .iter()
                .any(|allowed| scheme.eq_ignore_ascii_case(allowed))
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every way of writing a script link the hostile-input review found, and more.
    const HOSTILE: [&str; 14] = [
        "[x](javascript:alert(1))",
        "[x](JavaScript:alert(1))",
        "[x](Javascript&colon;alert(1))",
        "[x](&#x4A;avascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "<JAVASCRIPT:alert(1)>",
        "[x][r]\n\n[r]: JaVaScRiPt:alert(1)",
        "[x](<java\tscript:alert(1)>)",
        "[x](<\u{1}javascript:alert(1)>)",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![img](javascript:alert(1))",
        "[![img](https://example.com/a.png)](javascript:alert(1))",
        "[x](java\\script:alert(1))",
    ];

    #[test]
    fn every_hostile_link_loses_its_href() {
        for text in HOSTILE {
            let html = to_safe_html(text);
            let lower = html.to_ascii_lowercase();
            assert!(
                !lower.contains("href=\"javascript")
                    && !lower.contains("href=\"vbscript")
                    && !lower.contains("href=\"data")
                    && !lower.contains("src=\"javascript"),
                "{text:?} → {html}"
            );
            assert!(html.contains("link removed"), "{text:?} → {html}");
            assert!(!unsafe_destinations(text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn safe_links_keep_their_href() {
        for (text, href) in [
            (
                "[x](https://example.com/a?b=1)",
                "https://example.com/a?b=1",
            ),
            ("[x](HTTP://example.com)", "HTTP://example.com"),
            (
                "[x](mailto:someone@example.com)",
                "mailto:someone@example.com",
            ),
            ("<someone@example.com>", "mailto:someone@example.com"),
            ("[x](#goals)", "#goals"),
            ("[x](../exercises/README.md)", "../exercises/README.md"),
            ("[x](?seed=4)", "?seed=4"),
            ("[x](a/b:c)", "a/b:c"),
        ] {
            let html = to_safe_html(text);
            assert!(
                html.contains(&format!("href=\"{href}\"")),
                "{text:?} → {html}"
            );
            assert!(!html.contains("link removed"), "{text:?} → {html}");
            assert!(unsafe_destinations(text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn a_removed_link_keeps_its_text_and_the_rest_of_the_paragraph() {
        let html = to_safe_html("see [the docs](javascript:x) and [more](https://e.com) after");
        assert!(html.contains("the docs"), "{html}");
        assert!(
            html.contains("<a href=\"https://e.com\">more</a> after"),
            "{html}"
        );
    }

    #[test]
    fn images_from_other_sites_show_as_text_and_relative_ones_load() {
        for (text, url) in [
            (
                "![queue](https://example.com/q.png)",
                "https://example.com/q.png",
            ),
            (
                "![queue](HTTP://tracker.example/p?id=1)",
                "HTTP://tracker.example/p?id=1",
            ),
            (
                "![queue](//tracker.example/p.gif)",
                "//tracker.example/p.gif",
            ),
            (
                "[![queue](https://e.com/q.png)](https://e.com)",
                "https://e.com/q.png",
            ),
        ] {
            let html = to_safe_html(text);
            assert!(!html.contains("<img"), "{text:?} → {html}");
            assert!(
                html.contains("[image: queue]")
                    && html.contains(&format!("not loaded: {}", url.replace('&', "&amp;"))),
                "{text:?} → {html}"
            );
        }
        // The address is element text (a quote in it is harmless there), never an attribute.
        let html = to_safe_html("![x](https://e.com/\"onerror=alert(1)//)");
        assert!(
            !html.contains("<img") && html.contains("not loaded: https://e.com/\"onerror"),
            "{html}"
        );
        for text in [
            "![chart](img/chart.png)",
            "![chart](/chart.png)",
            "![c](?x=1)",
        ] {
            let html = to_safe_html(text);
            assert!(
                html.contains("<img src=") && html.contains("alt=\"c"),
                "{text:?} → {html}"
            );
        }
    }

    #[test]
    fn raw_html_stays_text() {
        let html = to_safe_html("<a href=\"javascript:x\">y</a> <img src=x onerror=alert(1)>");
        assert!(!html.contains("<a "), "{html}");
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn scheme_decisions() {
        assert!(is_safe_url(""));
        assert!(is_safe_url("//example.com/x"));
        assert!(!is_safe_url(":x"));
        assert!(!is_safe_url("\u{0}javascript:x"));
        assert!(!is_safe_url("file:///etc/passwd"));
        assert!(!is_safe_url("jav\nascript:x"));
    }
}
