//! The theory lines under `queuelab run`'s table: the same analysis the playground's theory box
//! shows — ρ per station counting all the time a job holds a worker, and a closed form only
//! where its assumptions hold, otherwise the assumptions the scenario breaks.

use crate::report::format::{number, seconds};
use crate::theory::{Analysis, Station};
use std::fmt::Write;

fn rho(station: &Station) -> String {
    match (station.rho, station.workers) {
        (Some(rho), Some(workers)) => format!(
            "ρ = λ·S/c = {}/s × {} / {workers} = {rho:.3}",
            number(station.arrival_rate),
            seconds(station.hold_secs)
        ),
        _ => format!(
            "offered work λ·S = {:.2} workers' worth (c changes during the run)",
            station.offered_work
        ),
    }
}

/// The lines, in the table's two-column layout; `utilization` is the measured one.
pub fn theory_lines(analysis: &Analysis, utilization: f64) -> String {
    let mut out = String::new();
    match analysis.stations.as_slice() {
        [] => return out,
        [one] => {
            let _ = writeln!(
                out,
                "{:<22}{} (measured utilisation {:.1}%)",
                "theory",
                rho(one),
                utilization * 100.0
            );
        }
        many => {
            let _ = writeln!(
                out,
                "{:<22}S includes any downstream call",
                "theory per station"
            );
            for station in many.iter().take(24) {
                let _ = writeln!(out, "{:<22}{}", format!("  {}", station.name), rho(station));
            }
            if many.len() > 24 {
                let _ = writeln!(out, "{:<22}and {} more", "", many.len() - 24);
            }
        }
    }
    if let Some((model, p)) = &analysis.prediction {
        let _ = writeln!(
            out,
            "{:<22}{}: mean wait {}, mean latency {}, P(wait) {:.1}%, rejected {:.2}%, utilisation {:.1}%",
            "prediction",
            model.label(),
            seconds(p.wait_mean),
            seconds(p.latency_mean),
            p.waited_ratio * 100.0,
            p.rejected_ratio * 100.0,
            p.utilization * 100.0
        );
    } else if let Some(network) = &analysis.network {
        let _ = writeln!(
            out,
            "{:<22}open Jackson network (each station an M/M/c at λ × its visits): mean latency {}",
            "prediction",
            seconds(network.latency_mean),
        );
    } else if let Some(priority) = &analysis.priority {
        let _ = writeln!(
            out,
            "{:<22}{}: mean latency",
            "prediction",
            priority.model.label()
        );
        for class in &priority.classes {
            let name = format!("  {} ({})", class.class, class.priority);
            let _ = writeln!(out, "{name:<22}{}", seconds(class.latency_mean));
        }
    } else if !analysis.caveats.is_empty() {
        let _ = writeln!(out, "{:<22}no closed form here:", "prediction");
        for caveat in &analysis.caveats {
            let _ = writeln!(out, "{:<22}- {caveat}", "");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_pool_gets_its_formula_and_a_downstream_retry_loop_gets_its_reasons() {
        let plain = crate::scenario::parse(
            "[run]\nduration = \"10s\"\n[arrivals]\nprocess = \"poisson\"\nrate = 3.6\n[service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 4\n",
            "plain.toml",
        )
        .unwrap();
        let lines = theory_lines(&Analysis::of(&plain), 0.9);
        assert!(lines.contains("3.600/s × 1.000 s / 4 = 0.900"), "{lines}");
        assert!(
            lines.contains("M/M/c (Erlang C): mean wait 1.969 s"),
            "{lines}"
        );
        let retried = crate::scenario::parse(
            "[run]\nduration = \"10s\"\n[arrivals]\nprocess = \"poisson\"\nrate = 200\n[service]\ndistribution = \"constant\"\nmean = \"5ms\"\n[pool]\nworkers = 16\n\
             [downstream]\nlatency = { distribution = \"exponential\", mean = \"20ms\" }\nerror_rate = 0.01\n[retry]\nmax_attempts = 5\n",
            "retried.toml",
        )
        .unwrap();
        let lines = theory_lines(&Analysis::of(&retried), 0.3);
        assert!(lines.contains("/ 16 = 0.316"), "{lines}");
        assert!(
            lines.contains("- retries feed back into arrivals"),
            "{lines}"
        );
    }
}
