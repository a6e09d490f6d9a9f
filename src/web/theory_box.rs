//! Theory beside measurement: the offered load ρ of each station — all the time a job holds a
//! worker, its downstream call included — and a closed form only where its assumptions hold;
//! otherwise the assumptions the scenario breaks, in words. A teaching tool must not show a wrong
//! formula confidently.

use super::parts_table::MAX_ROWS;
use crate::report::format::{number, seconds};
use crate::report::Summary;
use crate::theory::{Analysis, Station};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TheoryProps {
    pub analysis: Rc<Analysis>,
    pub summary: Summary,
}

/// The engine's utilisation of a station, once something ran.
fn measured(summary: &Summary, analysis: &Analysis, station: &Station) -> Option<f64> {
    if summary.events == 0 {
        return None;
    }
    if analysis.stations.len() == 1 {
        return Some(summary.utilization);
    }
    [&summary.stages, &summary.shards, &summary.pools]
        .iter()
        .find_map(|parts| parts.get(&station.name))
        .map(|part| part.utilization)
}

/// ρ, or where an autoscaler sizes the pool, the offered work over the workers the run had.
fn rho_text(station: &Station, summary: &Summary) -> String {
    match (station.rho, station.workers) {
        (Some(rho), Some(workers)) => format!(
            "ρ = λ·S/c = {}/s × {} / {workers} = {rho:.2}",
            number(station.arrival_rate),
            seconds(station.hold_secs)
        ),
        _ if summary.pool.mean > 0.0 => format!(
            "offered work λ·S = {:.1} workers' worth; over the {:.1} workers the run had on average, ρ = {:.2}",
            station.offered_work,
            summary.pool.mean,
            station.offered_work / summary.pool.mean
        ),
        _ => format!(
            "offered work λ·S = {:.1} workers' worth (ρ depends on how many workers the autoscaler keeps)",
            station.offered_work
        ),
    }
}

#[function_component(TheoryBox)]
pub fn theory_box(props: &TheoryProps) -> Html {
    let analysis = &props.analysis;
    let summary = &props.summary;
    let Some(first) = analysis.stations.first() else {
        return html! {};
    };
    let overloaded = analysis.peak_rho().filter(|rho| *rho >= 1.0).map(|rho| {
        html! { <p class="warn" role="alert">{format!("Offered load ρ = {rho:.2} ≥ 1: more work arrives than the workers can do. An unbounded queue grows without bound; a bounded one must shed.")}</p> }
    });
    let percent = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{:.0}%", v * 100.0));
    let single = analysis.stations.len() == 1;
    let hidden = analysis.stations.len().saturating_sub(MAX_ROWS);
    html! {
        <section class="theory" data-test="theory">
            <h2 class="part">{"Theory"}</h2>
            if single {
                <p data-test="rho">{rho_text(first, summary)}
                    <span class="unit">{format!(" · measured utilisation {}", percent(measured(summary, analysis, first)))}</span>
                </p>
            } else {
                <table data-test="rho">
                    <thead><tr><th>{"station"}</th><th>{"workers"}</th><th>{"λ"}</th><th>{"S (held)"}</th><th>{"ρ"}</th><th>{"measured busy"}</th></tr></thead>
                    <tbody>
                        { for analysis.stations.iter().take(MAX_ROWS).map(|station| html! {
                            <tr>
                                <th scope="row">{station.name.clone()}</th>
                                <td>{station.workers.map_or("varies".to_string(), |w| w.to_string())}</td>
                                <td>{format!("{}/s", number(station.arrival_rate))}</td>
                                <td>{seconds(station.hold_secs)}</td>
                                <td>{station.rho.map_or("–".to_string(), |rho| format!("{rho:.2}"))}</td>
                                <td>{percent(measured(summary, analysis, station))}</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                if hidden > 0 {
                    <p class="unit">{format!("and {hidden} more stations")}</p>
                }
            }
            <p class="unit">{"S is all the time a job holds a worker: its own work and any downstream call it waits on."}</p>
            {overloaded}
            if let Some((model, p)) = analysis.prediction {
                <PredictionTable model={model.label()} prediction={p} summary={summary.clone()} />
            } else if let Some(network) = &analysis.network {
                <p data-test="network">{format!(
                    "An open Jackson network: Poisson arrivals, exponential service, unbounded buffers, so each station is an M/M/c queue at λ × its visits per request. Predicted mean latency {:.1} ms; measured {:.1} ms.",
                    network.latency_mean * 1e3,
                    summary.latency.mean * 1e3
                )}</p>
            } else if let Some(priority) = &analysis.priority {
                <table data-test="priority-prediction">
                    <caption>{priority.model.label()}</caption>
                    <thead><tr><th scope="col">{"class (priority)"}</th><th scope="col">{"predicted mean latency"}</th><th scope="col">{"measured"}</th></tr></thead>
                    <tbody>
                        { for priority.classes.iter().map(|class| {
                            let measured = summary.classes.get(&class.class)
                                .filter(|_| summary.events > 0)
                                .map_or("–".to_string(), |c| seconds(c.latency.mean));
                            html! { <tr><th scope="row">{format!("{} ({})", class.class, class.priority)}</th>
                                <td>{seconds(class.latency_mean)}</td><td>{measured}</td></tr> }
                        }) }
                    </tbody>
                </table>
            } else if !analysis.caveats.is_empty() {
                <div class="caveats" data-test="caveats">
                    <p>{"No closed form here, because:"}</p>
                    <ul>{ for analysis.caveats.iter().map(|caveat| html! { <li>{caveat.to_string()}</li> }) }</ul>
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PredictionProps {
    model: &'static str,
    prediction: crate::theory::Prediction,
    summary: Summary,
}

#[function_component(PredictionTable)]
fn prediction_table(props: &PredictionProps) -> Html {
    let (p, s) = (&props.prediction, &props.summary);
    let row = |label: &str, predicted: f64, measured: f64, time: bool| {
        let show = |v: f64| {
            if time {
                seconds(v)
            } else {
                format!("{:.1}%", v * 100.0)
            }
        };
        let measured = if s.events == 0 {
            "–".to_string()
        } else {
            show(measured)
        };
        html! { <tr><th scope="row">{label.to_string()}</th><td>{show(predicted)}</td><td>{measured}</td></tr> }
    };
    html! {
        <table data-test="prediction">
            <caption>{props.model}</caption>
            <thead><tr><th scope="col">{"quantity"}</th><th scope="col">{ if p.approximate { "predicted (approx.)" } else { "predicted" } }</th><th scope="col">{"measured"}</th></tr></thead>
            <tbody>
                {row("mean wait", p.wait_mean, s.wait.mean, true)}
                {row("mean latency", p.latency_mean, s.latency.mean, true)}
                {row("P(wait)", p.waited_ratio, s.waited_ratio, false)}
                {row("rejected", p.rejected_ratio, s.rejected_ratio, false)}
                {row("utilisation", p.utilization, s.utilization, false)}
            </tbody>
        </table>
    }
}
