//! The live picture of the system: senders waiting, the queue's slots filling, each worker busy
//! or idle, and the jobs that were turned away. At 1× and 10× (and while stepping) it draws every
//! job ([`jobs`]); faster, it sums them up: filled slots, busy workers, counters.

use crate::sim::{Snapshot, WatchView};
use std::rc::Rc;
use yew::prelude::*;

mod jobs;

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub snapshot: Snapshot,
    pub rejected: u64,
    pub dropped: u64,
    pub timed_out: u64,
    pub completed: u64,
    /// The jobs one by one, when the speed lets a person follow them.
    #[prop_or_default]
    pub watch: Option<Rc<WatchView>>,
    /// Each station's name (see [`crate::playground::narrate::station_names`]).
    #[prop_or_default]
    pub names: Rc<Vec<String>>,
    #[prop_or_default]
    pub classes: Rc<Vec<String>>,
    /// Simulated seconds per real second.
    #[prop_or(1.0)]
    pub factor: f64,
}

/// The diagram in words: each station, then how many left and how.
fn words(props: &DiagramProps, view: &WatchView) -> String {
    let mut parts: Vec<String> = view
        .stations
        .iter()
        .zip(props.names.iter().chain(std::iter::repeat(&String::new())))
        .take(jobs::MAX_ROWS)
        .map(|(station, name)| {
            let busy: Vec<String> = station
                .workers
                .iter()
                .filter_map(|w| w.job.map(|on| format!("job {}", on.job.id)))
                .collect();
            let place = if name.is_empty() {
                String::new()
            } else {
                format!("{name}: ")
            };
            format!(
                "{place}{} waiting in the queue, {} outside, {} of {} workers busy{}",
                station.queued_total,
                station.blocked_total,
                busy.len(),
                station.workers_total,
                if busy.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", busy.join(", "))
                }
            )
        })
        .collect();
    if let Some(exit) = view.exits.last() {
        parts.push(format!(
            "latest: {} {}",
            crate::playground::narrate::job_name(&exit.job),
            crate::playground::narrate::how_words(exit.how)
        ));
    }
    parts.push(format!(
        "{} done, {} rejected, {} dropped, {} timed out",
        props.completed, props.rejected, props.dropped, props.timed_out
    ));
    parts.join("; ")
}

const MAX_DRAWN: usize = 48;

#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    if let Some(view) = &props.watch {
        return html! {
            <jobs::Jobs view={view.clone()} names={props.names.clone()} classes={props.classes.clone()}
                factor={props.factor} label={words(props, view)} />
        };
    }
    let s = &props.snapshot;
    let slots = s.capacity.unwrap_or(0);
    let queue_boxes: Html = match s.capacity {
        Some(capacity) if capacity <= MAX_DRAWN => (0..capacity)
            .map(|i| {
                let filled = i < s.queued;
                html! { <rect x={(200 - (i % 24) * 7).to_string()} y={(40 + (i / 24) * 14).to_string()} width="6" height="12"
                    class={if filled { "slot filled" } else { "slot" }} /> }
            })
            .collect(),
        _ => {
            let fraction = match s.capacity {
                Some(capacity) if capacity > 0 => (s.queued as f64 / capacity as f64).min(1.0),
                _ => (s.queued as f64 / 100.0).min(1.0),
            };
            html! {
                <>
                    <rect x="40" y="40" width="168" height="26" class="slot" />
                    <rect x={format!("{:.1}", 208.0 - 168.0 * fraction)} y="40" width={format!("{:.1}", 168.0 * fraction)} height="26" class="slot filled" />
                </>
            }
        }
    };
    let workers = s.pool_size.max(1);
    let worker_shapes: Html = if workers <= MAX_DRAWN {
        (0..s.pool_size)
            .map(|i| {
                let (col, row) = (i % 12, i / 12);
                html! { <circle cx={(270 + col * 16).to_string()} cy={(46 + row * 16).to_string()} r="6"
                    class={if i < s.busy { "worker busy" } else { "worker" }} /> }
            })
            .collect()
    } else {
        let fraction = s.busy as f64 / workers as f64;
        html! {
            <>
                <rect x="262" y="40" width="190" height="26" class="worker" />
                <rect x="262" y="40" width={format!("{:.1}", 190.0 * fraction)} height="26" class="worker busy" />
            </>
        }
    };
    let queue_label = match s.capacity {
        Some(_) => format!("queue {}/{slots}", s.queued),
        None => format!("queue {} (unbounded)", s.queued),
    };
    let lost = props.rejected + props.dropped + props.timed_out;
    html! {
        <svg class="diagram" viewBox="0 0 560 130" role="img"
            aria-label={format!("{} waiting senders, {queue_label}, {} of {} workers busy, {lost} lost", s.blocked, s.busy, s.pool_size)}>
            <text x="4" y="72" class="label">{"arrivals"}</text>
            <line x1="4" y1="53" x2="36" y2="53" class="arrow" />
            if s.blocked > 0 {
                <text x="4" y="100" class="label warn">{format!("{} waiting outside", s.blocked)}</text>
            }
            {queue_boxes}
            <text x="40" y="30" class="label">{queue_label}</text>
            if s.shedding { <text x="120" y="84" class="label warn">{"shedding"}</text> }
            <line x1="214" y1="53" x2="256" y2="53" class="arrow" />
            {worker_shapes}
            <text x="262" y="30" class="label">{format!("workers {} busy / {}", s.busy, s.pool_size)}</text>
            <line x1="462" y1="53" x2="500" y2="53" class="arrow" />
            <text x="504" y="57" class="label">{format!("{} done", props.completed)}</text>
            <line x1="110" y1="70" x2="110" y2="100" class="arrow lost" />
            <text x="118" y="120" class="label lost">
                {format!("{} rejected · {} dropped · {} timed out", props.rejected, props.dropped, props.timed_out)}
            </text>
        </svg>
    }
}
