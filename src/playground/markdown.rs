//! Markdown to HTML for instructions, hints and explanations — with raw HTML escaped, so an
//! exercise file (possibly opened from disk) can never inject markup or scripts into the page.
//!
//! ```
//! let html = queuelab::playground::markdown::to_safe_html("**Four** workers <script>x()</script>");
//! assert!(html.contains("<strong>Four</strong>"));
//! assert!(!html.contains("<script>"));
//! ```

use pulldown_cmark::{html, Event, Options, Parser};

pub fn to_safe_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    // Links may only point at the web; `javascript:` and friends become inert text targets.
    out.replace("href=\"javascript:", "href=\"#blocked:")
}
