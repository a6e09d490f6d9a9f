//! The markup of the first paint: the catalog, an exercise page and the sandbox as the yew
//! components render them on a fresh visit (no progress, the knobs at their start, nothing run
//! yet), with the same elements and classes so the page does not move when the app takes over.
//! Controls are `disabled` until then (a value typed before the app runs would be lost), and carry
//! none of the app's `data-test`/`data-knob` hooks, so tests and scripts only ever act on the live
//! app.

use crate::exercise::{Exercise, Goal, Knob, KnobKind, KnobValue, CHAPTERS};
use crate::playground::markdown::to_safe_html;
use crate::playground::Speed;
use std::fmt::Write;

/// Text as element content.
pub fn text(raw: &str) -> String {
    raw.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text as a double-quoted attribute value.
pub fn attr(raw: &str) -> String {
    text(raw).replace('"', "&quot;")
}

/// The site's header, as the app shell (src/web/app.rs) renders it on every page.
pub fn header() -> String {
    "<header class=\"top\"><a class=\"brand\" href=\"#/\">Queue Lab</a><nav>\
     <a href=\"#/\">Exercises</a><a href=\"#/sandbox\">Sandbox</a><a href=\"#/author\">Write</a>\
     </nav></header>"
        .to_string()
}

/// The catalog page (src/web/catalog.rs) for a visitor with no progress yet.
pub fn catalog(exercises: &[Exercise]) -> String {
    let mut out = String::from("<main class=\"page catalog\"><section class=\"intro\">");
    out.push_str("<h1>Learn worker pools, queues and backpressure by experiment</h1>");
    out.push_str("<p>Each exercise is a small system under load. Read the story, turn the knobs, run it, and watch the goals turn green. Same seed, same arrivals: every change is a fair A/B test.</p>");
    let _ = write!(
        out,
        "<p class=\"progress-line\">0 of {} solved · <a href=\"#/sandbox\">Open the sandbox</a></p></section>",
        exercises.len()
    );
    for chapter in CHAPTERS {
        let in_chapter: Vec<&Exercise> =
            exercises.iter().filter(|e| e.chapter == chapter).collect();
        if in_chapter.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "<section class=\"chapter\"><h2>{}</h2><ul class=\"cards\">",
            text(crate::exercise::chapter_title(chapter))
        );
        for exercise in in_chapter {
            let _ = write!(
                out,
                "<li class=\"card\"><a href=\"#/exercise/{id}\"><span class=\"title\">{title}</span>\
                 <span class=\"difficulty {difficulty}\">{difficulty_text}</span>\
                 <span class=\"blurb\">{summary}</span></a></li>",
                id = attr(&exercise.id),
                title = text(&exercise.title),
                difficulty = attr(&exercise.difficulty),
                difficulty_text = text(&exercise.difficulty),
                summary = text(&exercise.summary),
            );
        }
        out.push_str("</ul></section>");
    }
    out.push_str(
        "<section class=\"open-file\"><h2>Preview an exercise file</h2>\
         <p>Instructors: drop an exercise .toml here, or <label class=\"file-button\">choose a file\
         <input type=\"file\" accept=\".toml,text/plain\" disabled></label>. \
         It is checked like <code>queuelab check</code> and opened if valid.</p></section></main>",
    );
    out
}

/// The first visit's offer of a tour (src/web/tour.rs); the first paint's router removes it once
/// the learner has dismissed or taken the tour, as the app does.
const TOUR_OFFER: &str =
    "<section class=\"tour\" aria-label=\"How this page works\" data-test=\"tour\"><p>New here? \
    <button class=\"link\" data-test=\"tour-start\">Take the one-minute tour</button> · \
    <button class=\"link\" data-test=\"tour-dismiss\">No thanks</button></p></section>";

/// An exercise page (src/web/exercise_page.rs) at its start: the story (open; the first-paint
/// script folds it on a phone, as the app does), the knobs at their start values, the hints
/// folded, and the run panel before the first run with every goal pending.
pub fn exercise(exercise: &Exercise) -> String {
    let mut out = format!(
        "<main class=\"page exercise\"><div class=\"embed\"><button class=\"link\" aria-expanded=\"false\" data-test=\"embed\">Embed</button></div><nav class=\"crumbs\"><a href=\"#/\">Exercises</a> › {} · {}</nav>\
         <h1>{}</h1><p class=\"sources\">From the exercise books: {}</p>{TOUR_OFFER}\
         <div class=\"layout\"><aside class=\"side\">\
         <details class=\"story\" open><summary>The story</summary>{}</details>\
         <section class=\"knobs\" aria-label=\"Knobs\"><h2 class=\"part\">Knobs</h2>",
        text(&exercise.chapter),
        text(&exercise.difficulty),
        text(&exercise.title),
        text(&exercise.sources.join(", ")),
        markdown(&exercise.instructions),
    );
    for knob in &exercise.knobs {
        out.push_str(&knob_input(knob));
    }
    out.push_str("</section>");
    if let Some(par) = &exercise.par {
        let label = exercise
            .knob(&par.path)
            .map_or(par.path.as_str(), |k| &k.label);
        let reached = match exercise.at_par(&exercise.start_values()) {
            Some(true) => " · you are at or under par",
            Some(false) => " · you are over par",
            None => "",
        };
        let _ = write!(
            out,
            "<p class=\"par\">Par: {} ≤ {}{reached}</p>",
            text(label),
            text(&par.value.to_string())
        );
    }
    out.push_str("<section class=\"hints\"><h2 class=\"part\">Hints</h2><ol></ol>");
    if !exercise.hints.is_empty() {
        let _ = write!(
            out,
            "<button disabled>Show hint 1 of {}</button>",
            exercise.hints.len()
        );
    }
    out.push_str("<button class=\"link\" disabled>Reveal the solution</button></section></aside><div class=\"main\">");
    if !exercise.questions.is_empty() {
        out.push_str(&questions(exercise));
    }
    out.push_str(&lab(exercise.seeds[0], &exercise.goals));
    out.push_str("</div></div></main>");
    out
}

/// The sandbox (src/web/sandbox.rs) with its starting scenario.
pub fn sandbox(starter: &str, seed: u64) -> String {
    format!(
        "<main class=\"page sandbox\"><h1>Sandbox</h1><p>Any scenario in the <code>queuelab run</code> \
         format; see docs/reference.md for every field.</p><div class=\"layout\"><aside class=\"side\">\
         {}<button class=\"primary\" disabled>Apply</button></aside><div class=\"main\">{}</div></div></main>",
        code_editor("sandbox-editor", "Scenario TOML", starter, 30),
        lab(seed, &[]),
    )
}

/// Exercise text as the app shows it (src/web/markdown.rs): the same safe HTML.
fn markdown(source: &str) -> String {
    format!("<div class=\"markdown\">{}</div>", to_safe_html(source))
}

/// One knob as src/web/knob_input.rs draws it at its start value.
fn knob_input(knob: &Knob) -> String {
    let id = format!("knob-{}", knob.path.replace(['.', '[', ']'], "-"));
    let value = knob.start.to_string();
    let slider = |min: String, max: String, step: String, range_value: String, field: String| {
        format!(
            "<span class=\"slider\"><input type=\"range\" min=\"{min}\" max=\"{max}\" step=\"{step}\" \
             value=\"{range_value}\" aria-labelledby=\"{id}-label\" disabled>{field}</span>"
        )
    };
    let control = match &knob.kind {
        KnobKind::Script => format!(
            "<span class=\"script-editor\">{}<span class=\"help\">Applied when you leave the editor, or with Ctrl/⌘-Enter.</span></span>",
            code_editor(&id, &knob.label, &value, (value.lines().count() + 2).clamp(8, 40))
        ),
        KnobKind::Choice(choices) => {
            let options: String = choices
                .iter()
                .map(|choice| {
                    let selected = if *choice == knob.start { " selected" } else { "" };
                    format!(
                        "<option value=\"{}\"{selected}>{}</option>",
                        attr(&choice.to_string()),
                        text(&choice.to_string())
                    )
                })
                .collect();
            format!("<select id=\"{id}\" disabled>{options}</select>")
        }
        KnobKind::Integer { min, max, step } => number_slider(
            &slider,
            (min.to_string(), max.to_string(), step.to_string()),
            &id,
            &value,
            knob,
        ),
        KnobKind::Float { min, max, step } => number_slider(
            &slider,
            (min.to_string(), max.to_string(), step.to_string()),
            &id,
            &value,
            knob,
        ),
        KnobKind::Duration { min, max, step } => {
            let nanos = match &knob.start {
                KnobValue::Duration(d) => d.as_nanos(),
                _ => min.as_nanos(),
            };
            slider(
                min.as_nanos().to_string(),
                max.as_nanos().to_string(),
                step.as_nanos().to_string(),
                nanos.to_string(),
                format!(
                    "<input id=\"{id}\" type=\"text\" value=\"{}\" size=\"8\" disabled>",
                    attr(&value)
                ),
            )
        }
    };
    let help = knob
        .help
        .as_deref()
        .map(|help| format!("<p class=\"help\">{}</p>", text(help)))
        .unwrap_or_default();
    format!(
        "<div class=\"knob\"><label id=\"{id}-label\" for=\"{id}\">{}</label>{control}{help}</div>",
        text(&knob.label)
    )
}

/// An integer or float knob: the slider, its number field and unit.
fn number_slider(
    slider: &impl Fn(String, String, String, String, String) -> String,
    (min, max, step): (String, String, String),
    id: &str,
    value: &str,
    knob: &Knob,
) -> String {
    let field = format!(
        "<input id=\"{id}\" type=\"number\" min=\"{min}\" max=\"{max}\" step=\"{step}\" value=\"{}\" disabled>\
         <span class=\"unit\">{}</span>",
        attr(value),
        text(knob.unit.as_deref().unwrap_or_default())
    );
    slider(min, max, step, attr(value), field)
}

/// The code editor (src/web/code_editor.rs) holding `code`: gutter, mirror and textarea.
fn code_editor(id: &str, label: &str, code: &str, rows: usize) -> String {
    let lines = code.split('\n').count().max(rows);
    let digits = lines.to_string().len();
    let numbers: String = (1..=lines).map(|n| format!("{n}\n")).collect();
    format!(
        "<div class=\"code-editor\"><div class=\"frame\"><div class=\"gutter-box\" style=\"width: calc({digits}ch + .9rem)\">\
         <pre class=\"gutter\" aria-hidden=\"true\">{numbers}</pre></div><div class=\"field\">\
         <pre class=\"mirror\" aria-hidden=\"true\">{code_text}\n</pre>\
         <textarea id=\"{id}\" class=\"code\" spellcheck=\"false\" autocomplete=\"off\" autocapitalize=\"off\" \
         wrap=\"off\" rows=\"{rows}\" aria-label=\"{label}\" aria-invalid=\"false\" disabled>{code_text}</textarea>\
         </div></div></div>",
        code_text = text(code),
        label = attr(label),
    )
}

/// The questions (src/web/questions.rs), none answered yet.
fn questions(exercise: &Exercise) -> String {
    let mut out = format!(
        "<section class=\"questions\" aria-label=\"Questions\"><h2 class=\"part\">Questions (0 of {} answered right)</h2>",
        exercise.questions.len()
    );
    for (i, question) in exercise.questions.iter().enumerate() {
        let _ = write!(
            out,
            "<fieldset class=\"question open\">{}",
            markdown(&question.ask)
        );
        for choice in &question.choices {
            let _ = write!(
                out,
                "<label class=\"choice\"><input type=\"radio\" name=\"question-{i}\" disabled> {}</label>",
                text(choice)
            );
        }
        out.push_str("</fieldset>");
    }
    out.push_str("</section>");
    out
}

/// The run panel (src/web/lab.rs) before the first run: the controls, an empty diagram and the
/// goals, pending.
fn lab(seed: u64, goals: &[Goal]) -> String {
    let speeds: String = Speed::ALL
        .iter()
        .map(|speed| {
            let selected = if *speed == Speed::X100 {
                " selected"
            } else {
                ""
            };
            format!(
                "<option value=\"{label}\"{selected}>{label}</option>",
                label = speed.label()
            )
        })
        .collect();
    let mut out = format!(
        "<section class=\"lab\" data-state=\"ready\"><div class=\"controls\" role=\"toolbar\" aria-label=\"Run controls\">\
         <button class=\"primary\" disabled>Run</button><button disabled title=\"Process one event\">Step</button>\
         <button disabled>Reset</button><label>Speed <select disabled>{speeds}</select></label>\
         <span class=\"seed\">seed {seed}</span>\
         <button disabled title=\"Same knobs, different random arrivals\">New seed</button>\
         <progress max=\"1\" value=\"0.000\" aria-label=\"Run progress\"></progress>\
         <span class=\"clock\">t = 0.0 s · 0 events</span></div>\
         <svg class=\"diagram\" viewBox=\"0 0 560 130\" role=\"img\" aria-label=\"Nothing has run yet\"></svg>\
         <p class=\"step-told\" aria-live=\"polite\"></p>"
    );
    if !goals.is_empty() {
        out.push_str("<section class=\"goals\"><h2 class=\"part\">Goals (live)</h2><ul>");
        for goal in goals {
            let _ = write!(
                out,
                "<li class=\"goal pending\"><span class=\"mark\">…</span><span class=\"what\">{}</span>\
                 <span class=\"actual\">now –</span></li>",
                text(&goal.to_string())
            );
        }
        out.push_str("</ul></section>");
    }
    out.push_str("</section>");
    out
}
