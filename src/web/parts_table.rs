//! The table of a run's parts, live: a pipeline's stages, a sharded pool's shards or the
//! classes' pools. At most [`MAX_ROWS`] rows, in order, then how many more there are: a table of
//! 1000 class pools rebuilt on every frame held the page for a tenth of a second each time.

use yew::prelude::*;

/// Rows shown; the rest are counted (all are in the JSON summary).
pub const MAX_ROWS: usize = 24;

#[derive(Properties, PartialEq)]
pub struct PartsProps {
    pub title: &'static str,
    pub label: &'static str,
    pub parts: std::collections::BTreeMap<String, crate::report::StageSummary>,
}

/// A pipeline's stages, a sharded pool's shards or the classes' pools, live: where the work
/// waits, who is busy and who is blocked.
#[function_component(PartsTable)]
pub fn parts_table(props: &PartsProps) -> Html {
    if props.parts.is_empty() {
        return html! {};
    }
    let mut parts: Vec<_> = props.parts.iter().collect();
    parts.sort_by_key(|(_, part)| part.position);
    let hidden = parts.len().saturating_sub(MAX_ROWS);
    parts.truncate(MAX_ROWS);
    let percent = |v: f64| format!("{:.0}%", v * 100.0);
    html! {
        <section class="stages" data-test={props.label}>
            <h2 class="part">{props.title}</h2>
            <table>
                <thead><tr><th>{props.label}</th><th>{"K"}</th><th>{"working"}</th><th>{"blocked"}</th>
                    <th>{"mean queue"}</th><th>{"max queue"}</th><th>{"mean time"}</th></tr></thead>
                <tbody>
                    { for parts.iter().map(|(name, part)| html! {
                        <tr data-part={name.to_string()}>
                            <td>{name.to_string()}</td>
                            <td>{format!("{:.0}", part.workers)}</td>
                            <td>{percent(part.utilization)}</td>
                            <td>{percent(part.blocked_ratio)}</td>
                            <td>{format!("{:.1}", part.mean_queue_len)}</td>
                            <td>{part.max_queue_len}</td>
                            <td>{crate::report::format::seconds(part.latency.mean)}</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if hidden > 0 {
                <p class="note" data-test="parts-hidden">{format!("… and {hidden} more (every one is in the JSON summary below)")}</p>
            }
        </section>
    }
}
