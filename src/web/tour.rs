//! The first visit's tour of an exercise page: one line offering a one-minute tour, then five
//! steps that outline the part they explain (the story, the knobs, the run controls, the charts
//! with the ghost run, the goals). Dismissed or finished, it is remembered in local storage and
//! never shown again; the first paint (src/prerender) carries the same line and its router drops
//! it once remembered, so the app's take-over moves nothing.

use super::browser;
use yew::prelude::*;

/// Set once the learner has dismissed or finished the tour (its value is the time it was).
use crate::prerender::TOUR_KEY;

/// One step: what it explains, and the CSS selector of the part outlined while it is shown.
struct Step {
    title: &'static str,
    text: &'static str,
    target: &'static str,
}

const STEPS: [Step; 5] = [
    Step {
        title: "The story",
        text: "What is going on, and what you are asked to achieve. On a phone it starts folded: tap it to read.",
        target: "details.story",
    },
    Step {
        title: "The knobs",
        text: "Each knob changes the system. The address keeps every value and the seed, so the link reproduces your run for anyone.",
        target: "section.knobs",
    },
    Step {
        title: "Run it",
        text: "Run plays the simulation at the speed you choose; Step advances it one event at a time. The same seed gives the same run, every time.",
        target: ".lab .controls",
    },
    Step {
        title: "The charts",
        text: "What happened over time. The grey lines are the ghost: your previous run, to see what your last change did.",
        target: ".lab .charts",
    },
    Step {
        title: "The goals",
        text: "They turn green when met. A run that meets them all is then checked on hidden seeds: pass those and the exercise is solved.",
        target: ".lab .goals",
    },
];

/// Outlines the part a step explains (and no other), bringing it into view.
fn outline(target: Option<&str>) {
    let Some(document) = browser::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(Some(previous)) = document.query_selector("[data-tour-focus]") {
        let _ = previous.remove_attribute("data-tour-focus");
    }
    if let Some(element) = target.and_then(|t| document.query_selector(t).ok().flatten()) {
        let _ = element.set_attribute("data-tour-focus", "");
        element.scroll_into_view();
    }
}

#[function_component(Tour)]
pub fn tour() -> Html {
    let hidden = use_state(|| browser::load(TOUR_KEY).is_some());
    // None: the offer; Some(i): step i is shown.
    let step = use_state(|| None::<usize>);
    {
        let target = step.filter(|_| !*hidden).map(|i| STEPS[i].target);
        use_effect_with(target, move |target| {
            outline(*target);
            || outline(None)
        });
    }
    if *hidden {
        return html! {};
    }
    let finish = {
        let hidden = hidden.clone();
        Callback::from(move |_: MouseEvent| {
            browser::save(TOUR_KEY, &browser::now_iso());
            hidden.set(true);
        })
    };
    let go = |to: Option<usize>| {
        let step = step.clone();
        Callback::from(move |_: MouseEvent| step.set(to))
    };
    html! {
        <section class={classes!("tour", step.is_some().then_some("touring"))} aria-label="How this page works" data-test="tour">
            { match *step {
                None => html! {
                    <p>{"New here? "}
                        <button class="link" onclick={go(Some(0))} data-test="tour-start">{"Take the one-minute tour"}</button>
                        {" · "}
                        <button class="link" onclick={finish} data-test="tour-dismiss">{"No thanks"}</button>
                    </p>
                },
                Some(i) => html! {
                    <div aria-live="polite">
                        <p><strong>{format!("{} of {}: {}", i + 1, STEPS.len(), STEPS[i].title)}</strong>{" — "}{STEPS[i].text}</p>
                        <p class="tour-buttons">
                            if i > 0 { <button onclick={go(Some(i - 1))}>{"Back"}</button> }
                            if i + 1 < STEPS.len() {
                                <button class="primary" onclick={go(Some(i + 1))} data-test="tour-next">{"Next"}</button>
                            } else {
                                <button class="primary" onclick={finish.clone()} data-test="tour-done">{"Got it"}</button>
                            }
                            <button class="link" onclick={finish} data-test="tour-dismiss">{"Close the tour"}</button>
                        </p>
                    </div>
                },
            } }
        </section>
    }
}
