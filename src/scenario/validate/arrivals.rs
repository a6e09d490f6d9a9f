//! Validation of arrival processes: open (Poisson, constant, schedules, bursts) and closed loops.

use super::distribution::distribution;
use super::Checker;
use crate::dist::Distribution;
use crate::scenario::config::*;
use crate::scenario::limits::MAX_CLIENTS;
use crate::scenario::raw::RawArrivals;

const PROCESSES: [&str; 6] = [
    "poisson", "constant", "schedule", "bursts", "closed", "trace",
];

pub(super) fn closed_arrivals(c: &mut Checker, raw: &RawArrivals) -> Option<Arrivals> {
    // `rate` and the other open-loop fields may stay (a knob can switch open and closed loops);
    // a closed loop ignores them: the clients' pace sets the rate.
    super::trace::refuse_trace_fields(c, "arrivals", raw);
    if raw.clients.is_none() {
        c.error(
            "arrivals.clients",
            "is required for process = \"closed\": the number of clients",
        );
    }
    let clients = c.count("arrivals.clients", raw.clients, 1, MAX_CLIENTS);
    let think = match &raw.think {
        Some(think) => distribution(c, "arrivals.think", think),
        None => Some(Distribution::constant(0.0)),
    };
    Some(Arrivals::Closed {
        clients: clients?,
        think: think?,
    })
}

pub(super) fn open_process(c: &mut Checker, path: &str, raw: &RawArrivals) -> Option<OpenProcess> {
    let process = match raw.process.as_deref() {
        Some(p) => c.choice(&format!("{path}.process"), Some(p), &PROCESSES, "")?,
        None => {
            c.error(
                &format!("{path}.process"),
                format!("is required; expected one of: {}", PROCESSES.join(", ")),
            );
            return None;
        }
    };
    if process == "trace" {
        c.error(&format!("{path}.process"), "a class cannot replay a trace of its own; use process = \"trace\" in the scenario's [arrivals], with class_column naming each row's class");
        return None;
    }
    super::trace::refuse_trace_fields(c, path, raw);
    if process == "closed" {
        c.error(&format!("{path}.process"), "a class cannot have its own closed loop; use process = \"closed\" in the scenario's [arrivals]");
        return None;
    }
    let spacing = match c.choice(
        &format!("{path}.spacing"),
        raw.spacing.as_deref(),
        &["poisson", "even"],
        "poisson",
    )? {
        "even" => Spacing::Even,
        _ => Spacing::Poisson,
    };
    let needs_rate = |c: &mut Checker| {
        if raw.rate.is_none() {
            c.error(&format!("{path}.rate"), "is required: arrivals per second");
        }
        c.rate(&format!("{path}.rate"), raw.rate)
    };
    match process {
        "poisson" | "constant" => {
            let rate = needs_rate(c)?;
            let spacing = if process == "constant" {
                Spacing::Even
            } else {
                spacing
            };
            Some(OpenProcess {
                schedule: RateSchedule::constant(rate),
                spacing,
            })
        }
        "bursts" => {
            let rate = needs_rate(c);
            let on = c.positive_duration(&format!("{path}.on"), &raw.on);
            let off = c.positive_duration(&format!("{path}.off"), &raw.off);
            let off_rate = c.rate(&format!("{path}.off_rate"), raw.off_rate.or(Some(0.0)));
            let (rate, on, off, off_rate) = (rate?, on?, off?, off_rate?);
            let segments = vec![
                RateSegment {
                    duration_secs: on.as_secs_f64(),
                    from: rate,
                    to: rate,
                },
                RateSegment {
                    duration_secs: off.as_secs_f64(),
                    from: off_rate,
                    to: off_rate,
                },
            ];
            Some(OpenProcess {
                schedule: RateSchedule {
                    segments,
                    after: AfterSchedule::Repeat,
                },
                spacing,
            })
        }
        _ => schedule(c, path, raw).map(|schedule| OpenProcess { schedule, spacing }),
    }
}

fn schedule(c: &mut Checker, path: &str, raw: &RawArrivals) -> Option<RateSchedule> {
    let Some(raw_segments) = raw.segments.as_ref().filter(|s| !s.is_empty()) else {
        c.error(&format!("{path}.segments"), "process = \"schedule\" needs segments, e.g. [{ duration = \"60s\", from = 100, to = 2000 }, { duration = \"60s\", rate = 2000 }]");
        return None;
    };
    let after = match c.choice(
        &format!("{path}.after"),
        raw.after.as_deref(),
        &["hold", "repeat"],
        "hold",
    )? {
        "repeat" => AfterSchedule::Repeat,
        _ => AfterSchedule::Hold,
    };
    let mut segments = Vec::new();
    for (i, segment) in raw_segments.iter().enumerate() {
        let segment_path = format!("{path}.segments[{i}]");
        let duration = c.positive_duration(&format!("{segment_path}.duration"), &segment.duration);
        let (from, to) = match (segment.rate, segment.from, segment.to) {
            (Some(rate), None, None) => (Some(rate), Some(rate)),
            (None, Some(from), Some(to)) => (Some(from), Some(to)),
            _ => {
                c.error(
                    &segment_path,
                    "give either rate = R (constant) or from = A and to = B (a linear ramp)",
                );
                (None, None)
            }
        };
        let from = c.rate(&format!("{segment_path}.from"), from);
        let to = c.rate(&format!("{segment_path}.to"), to);
        if let (Some(duration), Some(from), Some(to)) = (duration, from, to) {
            segments.push(RateSegment {
                duration_secs: duration.as_secs_f64(),
                from,
                to,
            });
        }
    }
    (segments.len() == raw_segments.len()).then_some(RateSchedule { segments, after })
}
