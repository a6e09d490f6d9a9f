//! What a run will cost, estimated before it starts: its events and the time they span on the
//! simulated clock, and its workers across pools and stages. Runs past a limit are refused.

use super::Checker;
use crate::scenario::config::*;
use crate::scenario::limits::{readable, CLOCK_SECONDS, MAX_EXPECTED_EVENTS, MAX_TOTAL_WORKERS};
use crate::time::SimDuration;

/// Estimates the events a run will need and refuses runs that would take unreasonably long, or
/// whose customers could not all arrive before the simulated clock ends.
pub(super) fn check_event_budget(
    c: &mut Checker,
    customers: Option<u64>,
    duration: Option<SimDuration>,
    arrivals: &Arrivals,
    classes: &[ClassConfig],
    stage_visits: f64,
    fanout_calls: usize,
) {
    let mut processes: Vec<&OpenProcess> = classes
        .iter()
        .filter_map(|class| class.arrivals.as_ref())
        .collect();
    if let Arrivals::Open(Some(process)) = arrivals {
        processes.push(process);
    }
    let closed_cycle = |clients: usize, think: &crate::dist::Distribution| {
        let cycle = think.mean()
            + classes
                .iter()
                .map(|class| class.service.mean())
                .fold(f64::INFINITY, f64::min);
        (cycle > 0.0).then(|| cycle / clients as f64)
    };
    let trace = match arrivals {
        Arrivals::Trace(trace) => Some(trace),
        _ => None,
    };
    // The customers' shortest span on the clock, checked after the events.
    let mut span = None;
    let expected_arrivals = match (customers, duration) {
        (Some(customers), _) => {
            // The quickest the customers can arrive: every process at its peak rate.
            let (shortest_span, rate) = match arrivals {
                Arrivals::Open(_) | Arrivals::Trace(_) => {
                    let total_rate: f64 = processes
                        .iter()
                        .map(|p| p.schedule.peak_rate())
                        .sum::<f64>()
                        + trace.map_or(0.0, |trace| trace.mean_rate());
                    if total_rate == 0.0 {
                        c.error("arrivals.rate", format!("every arrival rate is 0, so the {customers} customers of run.customers would never arrive"));
                        return;
                    }
                    (customers as f64 / total_rate, Some(total_rate))
                }
                Arrivals::Closed { clients, think } => (
                    closed_cycle(*clients, think).map_or(0.0, |gap| gap * customers as f64),
                    None,
                ),
            };
            span = Some((shortest_span, rate, customers));
            customers as f64
        }
        (None, Some(duration)) => match arrivals {
            Arrivals::Closed { clients, think } => match closed_cycle(*clients, think) {
                Some(gap) => duration.as_secs_f64() / gap,
                None => {
                    c.error("arrivals.think", "closed-loop clients with zero think time and zero service time would loop forever; give them think time");
                    return;
                }
            },
            Arrivals::Open(_) | Arrivals::Trace(_) => {
                processes
                    .iter()
                    .map(|p| p.schedule.mass_until(duration.as_secs_f64()))
                    .sum::<f64>()
                    + trace.map_or(0.0, |trace| {
                        let rows = trace.mean_rate() * duration.as_secs_f64();
                        match trace.looped {
                            true => rows,
                            false => rows.min(trace.replayed as f64),
                        }
                    })
            }
        },
        (None, None) => return,
    };
    // Arrival, departure and an occasional deadline or block-timeout event per customer, an
    // arrival and a departure at each later stage, and each fan-out call's draw counted as one.
    let per_customer = 3.0 + 2.0 * stage_visits + fanout_calls as f64;
    let expected_events = expected_arrivals * per_customer;
    if expected_events > MAX_EXPECTED_EVENTS {
        let field = if customers.is_some() {
            "run.customers"
        } else {
            "run.duration"
        };
        let per_customer = match (stage_visits, fanout_calls) {
            (0.0, 0) => String::new(),
            (visits, 0) if visits.fract() == 0.0 => {
                format!(" ({per_customer} per customer through {visits} later stages)")
            }
            (visits, 0) => format!(
                " ({per_customer:.1} per customer through {visits:.2} visits to later stages)"
            ),
            (_, calls) => format!(" ({per_customer} per customer, {calls} of them fan-out calls)"),
        };
        c.error(field, format!(
            "this run needs about {:.1e} events{per_customer}, more than the limit of {MAX_EXPECTED_EVENTS:.0e}; shorten run.duration, lower run.customers or the arrival rate",
            expected_events
        ));
        return;
    }
    if let Some((shortest_span, rate, customers)) =
        span.filter(|&(span, _, _)| span >= CLOCK_SECONDS)
    {
        let pace = rate.map_or_else(
            || "at the clients' pace".to_string(),
            |rate| format!("at {} arrivals per second", readable(rate)),
        );
        c.error(
            "run.customers",
            format!(
                "{pace}, the {customers} customers would take at least {shortest_span:.2e} s of simulated time, past the clock's end at {CLOCK_SECONDS:.2e} s (584 years): raise the arrival rate or lower run.customers"
            ),
        );
    }
}

/// Refuses runs with more than [`MAX_TOTAL_WORKERS`] workers at once: the shared pool, each
/// class's own pool and each stage, a resized pool counted at its autoscaler's maximum (the
/// classes' pools within `autoscaler.budget` when there is one). The error sits on the entry
/// that crosses the limit.
pub(super) fn check_total_workers(
    c: &mut Checker,
    shared: usize,
    classes: &[ClassConfig],
    stages: &[StageConfig],
    autoscaler: Option<&AutoscalerConfig>,
    budget: Option<usize>,
) {
    let peak = |start: usize| autoscaler.map_or(start, |a| start.max(a.max_workers()));
    let mut parts: Vec<(String, usize)> = Vec::new();
    if shared > 0 {
        parts.push(("pool.workers".into(), peak(shared)));
    }
    let mut class_pools = 0;
    for (i, class) in classes.iter().enumerate() {
        if let Some(workers) = class.workers {
            let workers = peak(workers);
            let within_budget = budget.map_or(workers, |budget| {
                workers.min(budget.saturating_sub(class_pools))
            });
            class_pools += within_budget;
            parts.push((format!("classes[{i}].workers"), within_budget));
        }
    }
    for (i, stage) in stages.iter().enumerate() {
        parts.push((format!("stages[{i}].workers"), stage.workers));
    }
    let mut total = 0usize;
    for (path, workers) in &parts {
        total = total.saturating_add(*workers);
        if total > MAX_TOTAL_WORKERS {
            let all: usize = parts.iter().map(|(_, w)| *w).sum();
            let resized = if autoscaler.is_some() {
                " (a resized pool counted at autoscaler.max_workers)"
            } else {
                ""
            };
            c.error(
                path,
                format!(
                    "the run's pools and stages would have {all} workers in all{resized}, more than the limit of {MAX_TOTAL_WORKERS}"
                ),
            );
            return;
        }
    }
}
