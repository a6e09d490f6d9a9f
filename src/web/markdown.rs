//! Exercise text on the page: Markdown made safe by [`to_safe_html`] (no raw HTML, no link
//! that leaves the web), put in as markup.

use crate::playground::markdown::to_safe_html;
use yew::{AttrValue, Html};

pub(super) fn markdown(text: &str) -> Html {
    Html::from_html_unchecked(AttrValue::from(format!(
        "<div class=\"markdown\">{}</div>",
        to_safe_html(text)
    )))
}
