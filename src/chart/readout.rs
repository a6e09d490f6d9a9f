//! The crosshair's readout: every line of a chart, and the previous run's, at one instant —
//! what a learner reads off by pointing at (or touching) a chart.

use super::{clock, count, duration, percent, ChartKind, Unit};
use crate::report::Series;

/// Where the plot sits inside a chart drawn at scale 1, in pixels from the left and right edges
/// (the y-axis labels and margins of [`super::draw_panel`]).
pub const PLOT_LEFT: f64 = 66.0;
pub const PLOT_RIGHT: f64 = 14.0;

/// The simulated time a chart `width` pixels wide (at scale 1) shows at `x`, if `x` is on the plot.
pub fn time_at(x: f64, width: f64, series: &Series, ghost: Option<&Series>) -> Option<f64> {
    let end = [Some(series), ghost]
        .into_iter()
        .flatten()
        .filter_map(|s| s.points().last().map(|p| p.end))
        .fold(0.0, f64::max);
    let span = width - PLOT_LEFT - PLOT_RIGHT;
    let fraction = (x - PLOT_LEFT) / span;
    (end > 0.0 && span > 0.0 && (0.0..=1.0).contains(&fraction)).then_some(fraction * end)
}

/// A value as the chart's axis would say it: "1.2 s", "40/s", "75 %".
pub(super) fn value_text(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Seconds => duration(value, value.abs().max(1e-9) * 1.01),
        Unit::PerSecond => format!("{}/s", count(value, value.abs())),
        Unit::Count => count(value, value.abs()),
        Unit::Fraction => percent(value, 1.0),
        Unit::BreakerState => unit.tick(value.round(), 2.0),
    }
}

/// "1:23" and each named line's value at the sample nearest `time` (the previous run's lines
/// prefixed "previous").
pub fn readout(
    kind: ChartKind,
    series: &Series,
    ghost: Option<&Series>,
    time: f64,
) -> (String, Vec<(String, String)>) {
    let span = series.points().last().map_or(time, |p| p.end);
    let mut rows = Vec::new();
    for (prefix, source) in [("", Some(series)), ("previous ", ghost)] {
        let Some(source) = source else { continue };
        for curve in kind.curves(source) {
            let nearest = curve
                .points
                .iter()
                .min_by(|a, b| (a.0 - time).abs().total_cmp(&(b.0 - time).abs()));
            if let (false, Some(&(_, value))) = (curve.label.is_empty(), nearest) {
                rows.push((
                    format!("{prefix}{}", curve.label),
                    value_text(kind.unit(), value),
                ));
            }
        }
    }
    (clock(time, span.max(time)), rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::SeriesPoint;
    use crate::time::SimDuration;

    fn series(p99: f64) -> Series {
        let mut series = Series::new(SimDuration::from_secs(1), 1000);
        for i in 0..120 {
            series.push(SeriesPoint {
                start: i as f64,
                end: i as f64 + 1.0,
                p99_latency: p99 * (i + 1) as f64,
                p50_latency: 0.01,
                ..Default::default()
            });
        }
        series
    }

    #[test]
    fn the_readout_gives_every_line_and_the_previous_run_at_the_pointed_time() {
        let (now, ghost) = (series(0.002), series(0.001));
        let (at, rows) = readout(ChartKind::Latency, &now, Some(&ghost), 60.2);
        assert_eq!(at, "1:00");
        assert_eq!(
            rows,
            [
                ("p99 latency".to_string(), "120 ms".to_string()),
                ("p50 latency".to_string(), "10 ms".to_string()),
                ("previous p99 latency".to_string(), "60 ms".to_string()),
                ("previous p50 latency".to_string(), "10 ms".to_string()),
            ]
        );
    }

    #[test]
    fn only_the_plot_maps_to_a_time() {
        let now = series(0.001);
        let width = PLOT_LEFT + 100.0 + PLOT_RIGHT;
        assert_eq!(time_at(PLOT_LEFT + 50.0, width, &now, None), Some(60.0));
        assert_eq!(time_at(10.0, width, &now, None), None);
        assert_eq!(time_at(width - 1.0, width, &now, None), None);
    }
}
