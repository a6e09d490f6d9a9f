//! The iframe snippet an instructor pastes into a course page or a blog post to show one exercise
//! (`#/embed/exercise/…`, the page with minimal chrome). Kept apart from the DOM so what is copied
//! is tested natively: the exercise's title comes from a file anyone may write, so every attribute
//! is escaped and the snippet is one element and nothing else.

use super::permalink::Permalink;

/// Height of the embedded page, in CSS pixels: the story, the knobs, Run and the first charts.
const EMBED_HEIGHT_PX: u32 = 760;

/// `text` safe inside a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The `<iframe>` that shows `link` (an exercise's address, embedded whatever form it is given
/// in) from the playground at `page_address` (`https://host/path/`, no fragment).
pub fn snippet(page_address: &str, link: Permalink, title: &str) -> String {
    let source = format!("{page_address}{}", link.embedded().to_hash());
    format!(
        "<iframe src=\"{}\" title=\"Queue Lab: {}\" width=\"100%\" height=\"{EMBED_HEIGHT_PX}\" style=\"border:1px solid #ccc;border-radius:6px\" loading=\"lazy\"></iframe>",
        attribute(&source),
        attribute(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_embeds_the_run_and_escapes_what_a_file_wrote() {
        let link = Permalink::parse("#/exercise/shed-vs-block?seed=3&queue.capacity=8");
        let html = snippet(
            "https://example.org/lab/",
            link,
            "Shed \"or\" <script>alert(1)</script> & block",
        );
        assert!(
            html.starts_with("<iframe src=\"https://example.org/lab/#/embed/exercise/shed-vs-block?seed=3&amp;queue.capacity=8\""),
            "{html}"
        );
        assert!(html.contains("title=\"Queue Lab: Shed &quot;or&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; block\""), "{html}");
        assert_eq!(html.matches('<').count(), 2, "one element: {html}");
        assert!(html.ends_with("></iframe>"));
    }

    #[test]
    fn an_embed_address_stays_embedded() {
        let link = Permalink::parse("#/embed/exercise/a");
        assert_eq!(
            snippet("http://127.0.0.1:8080/", link, "A"),
            format!("<iframe src=\"http://127.0.0.1:8080/#/embed/exercise/a\" title=\"Queue Lab: A\" width=\"100%\" height=\"{EMBED_HEIGHT_PX}\" style=\"border:1px solid #ccc;border-radius:6px\" loading=\"lazy\"></iframe>")
        );
    }
}
