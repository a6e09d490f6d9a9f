//! One chart on a canvas, drawn with the same plotters code as the CLI's SVG/PNG files.

use super::browser;
use crate::chart::{readout, ChartKind, GoalLine, Picture, SingleChart};
use crate::report::Series;
use plotters_canvas::CanvasBackend;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub kind: ChartKind,
    pub series: Rc<Series>,
    pub ghost: Option<Rc<Series>>,
    pub thresholds: Vec<GoalLine>,
    /// Changes whenever the data does; the canvas is redrawn then.
    pub version: u64,
}

/// Sizes the canvas's pixels to its width on screen times the device pixel ratio, so text and
/// lines stay sharp on high-DPI screens and as legible on a phone as on a desktop; returns that
/// ratio (the scale the chart draws its fonts and lines at).
fn fit_to_screen(canvas: &web_sys::HtmlCanvasElement) -> f64 {
    let ratio = browser::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 3.0);
    let css_width = match canvas.client_width() {
        0 => 520.0,
        width => width as f64,
    };
    // Wide panels get a 2:1 frame; narrow (phone) ones a taller one so the plot keeps its height.
    let css_height = (css_width * 0.5).max(240.0);
    let (width, height) = (
        (css_width * ratio).round() as u32,
        (css_height * ratio).round() as u32,
    );
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    ratio
}

#[function_component(Chart)]
pub fn chart(props: &ChartProps) -> Html {
    let canvas = use_node_ref();
    let error = use_state(|| None::<String>);
    // The crosshair: where the pointer (mouse or finger) is, in CSS pixels from the left.
    let pointer = use_state(|| None::<f64>);
    {
        let canvas = canvas.clone();
        let error = error.clone();
        let series = props.series.clone();
        let ghost = props.ghost.clone();
        let thresholds = props.thresholds.clone();
        let kind = props.kind;
        // The first drawing waits for a task of its own: a page with six charts then mounts in
        // short tasks instead of one long one (the start of an exercise page, see web::start).
        let first = use_mut_ref(|| true);
        use_effect_with((props.version, props.ghost.is_some()), move |_| {
            let draw = move || {
                if let Some(element) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                    let scale = fit_to_screen(&element);
                    if let Some(backend) = CanvasBackend::with_canvas_object(element) {
                        let picture = SingleChart {
                            kind,
                            series: &series,
                            ghost: ghost.as_deref(),
                            thresholds: &thresholds,
                            scale,
                        };
                        let result = picture.draw(
                            &plotters::prelude::IntoDrawingArea::into_drawing_area(backend),
                        );
                        if let Err(message) = result {
                            error.set(Some(message));
                        }
                    }
                }
            };
            let later = first
                .replace(false)
                .then(|| gloo_timers::callback::Timeout::new(0, draw.clone()));
            if later.is_none() {
                draw();
            }
            // A newer drawing (or leaving the page) cancels a first one not yet done.
            move || drop(later)
        });
    }
    let export = {
        let canvas = canvas.clone();
        let name = format!("queuelab-{}.png", props.kind.name());
        Callback::from(move |_: MouseEvent| {
            if let Some(element) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                if let Ok(url) = element.to_data_url() {
                    browser::download_url(&name, &url);
                }
            }
        })
    };
    let on_move = {
        let pointer = pointer.clone();
        Callback::from(move |event: PointerEvent| pointer.set(Some(event.offset_x() as f64)))
    };
    let on_leave = {
        let pointer = pointer.clone();
        Callback::from(move |_: PointerEvent| pointer.set(None))
    };
    // The overlay is placed in the figure, the pointer measured on the canvas inside it.
    let (width, inset) = canvas
        .cast::<web_sys::HtmlCanvasElement>()
        .map_or((520.0, 0.0), |c| {
            (c.client_width() as f64, c.offset_left() as f64)
        });
    let readout = (*pointer).and_then(|x| {
        let ghost = props.ghost.as_deref();
        let time = readout::time_at(x, width, &props.series, ghost)?;
        Some((x, readout::readout(props.kind, &props.series, ghost, time)))
    });
    // The chart in words (where each line starts, peaks and ends), for screen readers.
    let words = use_memo((props.kind, props.version), {
        let series = props.series.clone();
        move |(kind, _)| crate::chart::summary::describe(*kind, &series)
    });
    let words_id = format!("chart-words-{}", props.kind.name());
    html! {
        <figure class="chart" data-chart={props.kind.name()}>
            <canvas ref={canvas} width="520" height="260" role="img" aria-label={props.kind.title()}
                aria-describedby={words_id.clone()}
                onpointermove={on_move.clone()} onpointerdown={on_move} onpointerleave={on_leave}></canvas>
            <p id={words_id} class="visually-hidden" data-test="chart-words">{(*words).clone()}</p>
            if let Some((x, (at, rows))) = readout {
                <div class="crosshair" style={format!("left: {:.0}px", x + inset)} aria-hidden="true"></div>
                <div class="readout" data-test="readout" style={format!("left: {:.0}px", (x + inset + 8.0).min(width - 240.0).max(0.0))}>
                    <strong>{at}</strong>
                    { for rows.into_iter().map(|(label, value)| html! { <span>{format!("{label}: {value}")}</span> }) }
                </div>
            }
            <figcaption>
                <button class="link" onclick={export} title="Download this chart as PNG">{"PNG"}</button>
                if let Some(message) = &*error { <span class="error">{message}</span> }
            </figcaption>
        </figure>
    }
}
