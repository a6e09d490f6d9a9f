//! A chart in words, for screen readers and anyone who cannot see the canvas: for each line,
//! where it starts, its highest point and when, and where it ends — "p99 latency: 20 ms at 0:00,
//! highest 1.2 s at 2:10, 45 ms at 6:00." The same readout formats as the crosshair.

use super::readout::value_text;
use super::{clock, ChartKind};
use crate::report::Series;

/// One sentence per named line of `kind` over `series`; "No data yet." before the first sample.
pub fn describe(kind: ChartKind, series: &Series) -> String {
    let span = series.points().last().map_or(0.0, |p| p.end);
    let unit = kind.unit();
    let sentences: Vec<String> = kind
        .curves(series)
        .into_iter()
        .filter(|curve| !curve.label.is_empty())
        .filter_map(|curve| {
            let first = curve.points.first()?;
            let last = curve.points.last()?;
            let highest =
                curve.points.iter().fold(
                    first,
                    |best, point| if point.1 > best.1 { point } else { best },
                );
            let at = |point: &(f64, f64)| {
                format!("{} at {}", value_text(unit, point.1), clock(point.0, span))
            };
            let said = |point: &(f64, f64)| value_text(unit, point.1);
            let peak_stands_out = said(highest) != said(first) && said(highest) != said(last);
            Some(if peak_stands_out {
                format!(
                    "{}: {}, highest {}, {}.",
                    curve.label,
                    at(first),
                    at(highest),
                    at(last)
                )
            } else {
                format!("{}: {}, {}.", curve.label, at(first), at(last))
            })
        })
        .collect();
    if sentences.is_empty() {
        return format!("{}: no data yet.", kind.title());
    }
    format!("{}. {}", kind.title(), sentences.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_in_words_names_the_peak_and_when() {
        let config = crate::scenario::parse(
            "[run]\nseed = 1\nduration = \"2m\"\n[arrivals]\nprocess = \"schedule\"\n\
             segments = [{ duration = \"1m\", rate = 5 }, { duration = \"30s\", rate = 40 }, { duration = \"30s\", rate = 5 }]\n\
             [service]\ndistribution = \"exponential\"\nmean = \"100ms\"\n[pool]\nworkers = 2\n",
            "t.toml",
        )
        .unwrap();
        let (_, series) = crate::sim::Engine::new(&config).run_with_series();
        let text = describe(ChartKind::Queue, &series);
        assert!(text.starts_with("Queue"), "{text}");
        assert!(text.contains(", highest "), "{text}");
        let peak_time = text.split(", highest ").nth(1).unwrap();
        // The backlog builds while 40 a second arrive for 2 workers (1:00–1:30).
        assert!(peak_time.contains(" at 1:"), "{text}");
        assert_eq!(
            describe(
                ChartKind::Queue,
                &Series::new(crate::time::SimDuration::from_secs(1), 100)
            ),
            format!("{}: no data yet.", ChartKind::Queue.title())
        );
    }
}
