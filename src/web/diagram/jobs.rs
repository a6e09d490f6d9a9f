//! The diagram at 1× and 10×: every job drawn where it is, one row per station.
//!
//! Each job is one keyed SVG group placed by a CSS `transform`; when the job moves (queue slot →
//! worker → exit) the browser animates the move with a CSS transition, and a job new to the
//! picture slides in (static/style.css; both off under `prefers-reduced-motion`). A class has a
//! colour (the charts' part palette, colour-blind safe) and a shape, so colour is never the only
//! cue. Exits collect in bins by how they left — done on the right, rejected, dropped, timed out
//! and failed below — and fade.

use crate::chart::palette;
use crate::sim::engine::{How, JobMark, StationView};
use crate::sim::WatchView;
use std::collections::HashSet;
use yew::prelude::*;

/// Station rows drawn; more are summed up in a line.
pub const MAX_ROWS: usize = 6;
const ROW: f64 = 84.0;
const SLOTS: usize = 16;
const WORKERS: usize = 24;
const BIN: usize = 6;

/// A job's colour and shape by class.
fn glyph(class: u16) -> Html {
    let colour = palette::PARTS[class as usize % palette::PARTS.len()];
    let fill = format!("fill: rgb({}, {}, {})", colour.0, colour.1, colour.2);
    match class % 4 {
        0 => html! { <circle r="4" style={fill.clone()} /> },
        1 => html! { <rect x="-3.5" y="-3.5" width="7" height="7" style={fill.clone()} /> },
        2 => html! { <path d="M0,-4.5 L4.5,3.5 L-4.5,3.5 Z" style={fill.clone()} /> },
        _ => html! { <path d="M0,-5 L5,0 L0,5 L-5,0 Z" style={fill} /> },
    }
}

fn job_key(job: &JobMark) -> String {
    format!("{}{}", if job.hedge { "h" } else { "j" }, job.id)
}

/// One job at (x, y), with its words for a pointer's tooltip.
fn job(job: &JobMark, x: f64, y: f64, state: &str, title: String) -> Html {
    let shape = glyph(job.class);
    html! {
        <g key={job_key(job)} class={classes!("job", state.to_string())} data-job={job.id.to_string()}
            style={format!("transform: translate({x:.1}px, {y:.1}px)")}>
            <g class="body">{shape}<title>{title}</title></g>
        </g>
    }
}

fn slot_x(i: usize) -> f64 {
    204.0 - 10.0 * i as f64
}

fn worker_xy(j: usize, y0: f64) -> (f64, f64) {
    (
        258.0 + 17.0 * (j % 12) as f64,
        y0 + 30.0 + 17.0 * (j / 12) as f64,
    )
}

/// Where an exit's bin is in a row, and its name.
fn bin(how: How) -> (f64, f64, &'static str) {
    match how {
        How::Done => (478.0, 30.0, "done"),
        How::Rejected(_) => (48.0, 64.0, "rejected"),
        How::Dropped => (118.0, 64.0, "dropped"),
        How::TimedOut => (188.0, 64.0, "timed out"),
        How::Failed(_) => (258.0, 64.0, "failed"),
    }
}

#[derive(Properties, PartialEq)]
pub struct JobsProps {
    pub view: std::rc::Rc<WatchView>,
    pub names: std::rc::Rc<Vec<String>>,
    pub classes: std::rc::Rc<Vec<String>>,
    /// Simulated seconds per real second: exits stay this × 2 s in their bins.
    pub factor: f64,
    pub label: String,
}

#[function_component(Jobs)]
pub fn jobs(props: &JobsProps) -> Html {
    let view = &props.view;
    let rows = view.stations.len().min(MAX_ROWS);
    let class_name = |class: u16| {
        props
            .classes
            .get(class as usize)
            .cloned()
            .unwrap_or_else(|| format!("class {class}"))
    };
    let mut frames = Vec::new();
    let mut glyphs = Vec::new();
    let mut live = HashSet::new();
    for (r, station) in view.stations.iter().take(rows).enumerate() {
        let y0 = 4.0 + ROW * r as f64;
        let name = props.names.get(r).cloned().unwrap_or_default();
        frames.push(row_frame(station, r, y0, &name, view.outside));
        for (i, mark) in station.queued.iter().take(SLOTS).enumerate() {
            live.insert(job_key(mark));
            let title = format!(
                "job {} ({}), waiting, {} ahead",
                mark.id,
                class_name(mark.class),
                i
            );
            glyphs.push(job(mark, slot_x(i) + 4.5, y0 + 30.0, "queued", title));
        }
        for (i, mark) in station.blocked.iter().take(8).enumerate() {
            live.insert(job_key(mark));
            let (x, y) = (8.0 + 9.0 * (i % 3) as f64, y0 + 22.0 + 9.0 * (i / 3) as f64);
            let title = format!(
                "job {} ({}), waiting outside",
                mark.id,
                class_name(mark.class)
            );
            glyphs.push(job(mark, x, y, "blocked", title));
        }
        for (j, worker) in station.workers.iter().take(WORKERS).enumerate() {
            let (cx, cy) = worker_xy(j, y0);
            let Some(on) = worker.job else { continue };
            live.insert(job_key(&on.job));
            let progress = on.progress(view.now);
            let circumference = 2.0 * std::f64::consts::PI * 8.0;
            frames.push(html! {
                <circle cx={format!("{cx:.1}")} cy={format!("{cy:.1}")} r="8" class="progress"
                    style={format!("stroke-dasharray: {:.2} {circumference:.2}", progress * circumference)}
                    transform={format!("rotate(-90 {cx:.1} {cy:.1})")} />
            });
            let state = if on.held {
                "held"
            } else if on.abandoned {
                "abandoned"
            } else {
                "working"
            };
            let title = format!(
                "job {} ({}) on worker {}, {:.0}% done{}",
                on.job.id,
                class_name(on.job.class),
                worker.id,
                progress * 100.0,
                if on.held {
                    ", held for the next stage"
                } else if on.abandoned {
                    ", its client gave up"
                } else {
                    ""
                }
            );
            glyphs.push(job(&on.job, cx, cy, state, title));
        }
    }
    // The newest exits of the last two real seconds, each bin its newest few.
    let since = view.now.as_secs_f64() - 2.0 * props.factor;
    let mut in_bin = std::collections::HashMap::new();
    let last_row = rows.saturating_sub(1);
    for exit in view.exits.iter().rev() {
        if exit.at.as_secs_f64() < since || !live.insert(job_key(&exit.job)) {
            continue;
        }
        let row = match exit.how {
            How::Done if view.stations.iter().any(|s| s.position > 0) => last_row,
            _ => (exit.lane as usize).min(last_row),
        };
        let (x, y, name) = bin(exit.how);
        let count = in_bin.entry((row, name)).or_insert(0usize);
        if *count == BIN {
            continue;
        }
        let (x, y) = (x + 9.0 * *count as f64, 4.0 + ROW * row as f64 + y);
        *count += 1;
        let title = format!(
            "job {} ({}): {}",
            exit.job.id,
            class_name(exit.job.class),
            crate::playground::narrate::how_words(exit.how)
        );
        glyphs.push(job(
            &exit.job,
            x,
            y,
            &format!("gone {}", name.replace(' ', "-")),
            title,
        ));
    }
    let hidden = view.stations.len() - rows;
    let height = 4.0 + ROW * rows as f64 + if hidden > 0 { 16.0 } else { 0.0 };
    html! {
        <svg class="diagram jobs" viewBox={format!("0 0 560 {height:.0}")} role="img"
            aria-label={props.label.clone()} data-test="diagram">
            {frames}
            if hidden > 0 {
                <text x="4" y={format!("{:.0}", height - 4.0)} class="label">
                    {format!("+ {hidden} more stations (not drawn one by one)")}
                </text>
            }
            <g class="job-layer">{glyphs}</g>
        </svg>
    }
}

/// A station's fixed parts: its name, queue slots, workers and exit bins.
fn row_frame(station: &StationView, r: usize, y0: f64, name: &str, outside: usize) -> Html {
    let slots = station.capacity.unwrap_or(SLOTS).min(SLOTS);
    let queue_label = match station.capacity {
        Some(capacity) => format!("queue {}/{capacity}", station.queued_total),
        None => format!("queue {}", station.queued_total),
    };
    let busy = station.workers.iter().filter(|w| w.job.is_some()).count();
    let more_queued = station.queued_total.saturating_sub(SLOTS);
    let y = |dy: f64| format!("{:.1}", y0 + dy);
    html! {
        <g class="station">
            <text x="4" y={y(10.0)} class="label name">{name.to_string()}</text>
            <line x1="4" y1={y(30.0)} x2="36" y2={y(30.0)} class="arrow" />
            if r == 0 && outside > 0 {
                <text x="4" y={y(54.0)} class="label warn">{format!("{outside} held back")}</text>
            }
            if station.blocked_total > 0 {
                <text x="4" y={y(48.0)} class="label warn">{format!("{} outside", station.blocked_total)}</text>
            }
            <text x="60" y={y(14.0)} class="label">{queue_label}</text>
            { for (0..slots).map(|i| html! {
                <rect x={format!("{:.1}", slot_x(i))} y={y(23.0)} width="9" height="14" class="slot" />
            }) }
            if more_queued > 0 {
                <text x="40" y={y(48.0)} class="label">{format!("+{more_queued} waiting")}</text>
            }
            <line x1="218" y1={y(30.0)} x2="246" y2={y(30.0)} class="arrow" />
            <text x="250" y={y(14.0)} class="label">{format!("workers {busy} busy / {}", station.workers_total)}</text>
            { for station.workers.iter().take(WORKERS).enumerate().map(|(j, _)| {
                let (cx, cy) = worker_xy(j, y0);
                html! { <circle cx={format!("{cx:.1}")} cy={format!("{cy:.1}")} r="6" class="worker" /> }
            }) }
            <line x1="462" y1={y(30.0)} x2="474" y2={y(30.0)} class="arrow" />
            <text x="474" y={y(14.0)} class="label">{"done"}</text>
            { for [How::Dropped, How::TimedOut, How::Failed(crate::policy::FailReason::Panic),
                   How::Rejected(crate::policy::RejectReason::QueueFull)].into_iter().map(|how| {
                let (x, dy, name) = bin(how);
                html! { <text x={format!("{:.0}", x - 4.0)} y={y(dy + 16.0)} class={classes!("label", "bin", name.replace(' ', "-"))}>{name}</text> }
            }) }
        </g>
    }
}
