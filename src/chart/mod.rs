//! Charts of a run, generic over the plotters backend.
//!
//! The same drawing code serves the browser's canvas and the CLI's SVG/PNG files, so what a learner
//! sees and what a script saves are the same picture. Each `draw_*` takes a drawing area and the
//! data; none knows where the pixels go.
//!
//! ```
//! # #[cfg(not(target_arch = "wasm32"))] {
//! use plotters::prelude::*;
//! use queuelab::report::{Series, SeriesPoint};
//! use queuelab::time::SimDuration;
//! let mut series = Series::new(SimDuration::from_secs(1), 100);
//! series.push(SeriesPoint { start: 0.0, end: 1.0, p99_latency: 0.2, ..Default::default() });
//! let mut svg = String::new();
//! {
//!     queuelab::chart::register_embedded_font();
//!     let root = SVGBackend::with_string(&mut svg, (640, 480)).into_drawing_area();
//!     queuelab::chart::draw_dashboard(&root, &series, None, &queuelab::chart::ChartKind::ALL).unwrap();
//! }
//! assert!(svg.contains("p99 latency"));
//! # }
//! ```

mod kinds;
pub mod qq;

pub use kinds::{kinds_for, ChartKind};

use crate::report::Series;
use plotters::coord::Shift;
use plotters::prelude::*;

const MAIN: RGBColor = RGBColor(37, 99, 235);
const SECOND: RGBColor = RGBColor(220, 38, 38);
const THIRD: RGBColor = RGBColor(217, 119, 6);
const FOURTH: RGBColor = RGBColor(124, 58, 237);
const GHOST: RGBColor = RGBColor(160, 160, 160);
const GOAL: RGBColor = RGBColor(22, 163, 74);

pub type ChartResult = Result<(), String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("could not draw the chart: {e:?}")
}

/// Registers the bundled DejaVu Sans as plotters' "sans-serif" (native only: browsers have fonts).
#[cfg(not(target_arch = "wasm32"))]
pub fn register_embedded_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let font: &'static [u8] = include_bytes!("../../static/fonts/DejaVuSans.ttf");
        // The bytes are a valid TTF compiled into the binary; failure would be a build defect.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, font);
    });
}

/// Something that can be drawn on any backend (a trait, because a closure cannot be generic).
pub trait Picture {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> ChartResult;
}

/// The dashboard of a run (the given charts), optionally over a previous run's ghost.
pub struct Dashboard<'a> {
    pub series: &'a Series,
    pub ghost: Option<&'a Series>,
    pub kinds: &'a [ChartKind],
}

impl Picture for Dashboard<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> ChartResult {
        draw_dashboard(root, self.series, self.ghost, self.kinds)
    }
}

/// A sweep: x, mean y and its confidence half-width per point.
pub struct SweepChart<'a> {
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub points: &'a [(f64, f64, f64)],
}

impl Picture for SweepChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> ChartResult {
        draw_sweep(root, self.x_label, self.y_label, self.points)
    }
}

/// One line of a chart: a label (empty: not in the legend), a colour, and its (simulated
/// time, value) points.
pub struct Curve {
    pub label: String,
    pub color: RGBColor,
    pub points: Vec<(f64, f64)>,
}

/// One chart of a run on its own (the browser draws each on its own canvas).
pub struct SingleChart<'a> {
    pub kind: ChartKind,
    pub series: &'a Series,
    pub ghost: Option<&'a Series>,
    pub thresholds: &'a [f64],
}

impl Picture for SingleChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> ChartResult {
        root.fill(&WHITE).map_err(err)?;
        draw_chart(root, self.kind, self.series, self.ghost, self.thresholds)?;
        root.present().map_err(err)
    }
}

/// Draws one panel: curves over time, optionally with a previous run's (`ghosts`) in grey
/// behind them.
pub fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y_label: &str,
    curves: &[Curve],
    ghosts: &[Curve],
    thresholds: &[f64],
) -> ChartResult {
    let all_points = curves.iter().chain(ghosts).flat_map(|c| &c.points);
    let x_max = all_points
        .clone()
        .map(|p| p.0)
        .fold(0.0, f64::max)
        .max(1e-9);
    let y_max = all_points
        .map(|p| p.1)
        .chain(thresholds.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let y_max = if y_max > 0.0 { y_max * 1.1 } else { 1.0 };
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 16))
        .margin(8)
        .x_label_area_size(32)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("simulated time (s)")
        .y_desc(y_label)
        .label_style(("sans-serif", 12))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    for ghost in ghosts {
        chart
            .draw_series(LineSeries::new(
                ghost.points.iter().copied(),
                GHOST.stroke_width(1),
            ))
            .map_err(err)?;
    }
    for curve in curves {
        let color = curve.color;
        let drawn = chart
            .draw_series(LineSeries::new(
                curve.points.iter().copied(),
                color.stroke_width(1),
            ))
            .map_err(err)?;
        if !curve.label.is_empty() {
            drawn.label(curve.label.as_str()).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(1))
            });
        }
    }
    for &threshold in thresholds {
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, threshold), (x_max, threshold)],
                6,
                4,
                GOAL.stroke_width(1),
            ))
            .map_err(err)?
            .label("goal")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], GOAL.stroke_width(1)));
    }
    if curves.len() > 1 || !ghosts.is_empty() || !thresholds.is_empty() {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 12))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(err)?;
    }
    Ok(())
}

/// Draws one chart, with a previous run as a grey ghost and goal targets as dashed lines.
pub fn draw_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    kind: ChartKind,
    series: &Series,
    ghost: Option<&Series>,
    thresholds: &[f64],
) -> ChartResult {
    let ghosts = ghost.map(|g| kind.curves(g)).unwrap_or_default();
    draw_panel(
        area,
        kind.title(),
        kind.y_label(),
        &kind.curves(series),
        &ghosts,
        thresholds,
    )
}

/// The given charts of a run, two per row.
pub fn draw_dashboard<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    series: &Series,
    ghost: Option<&Series>,
    kinds: &[ChartKind],
) -> ChartResult {
    root.fill(&WHITE).map_err(err)?;
    let panels = root.split_evenly((kinds.len().div_ceil(2).max(1), 2));
    for (panel, kind) in panels.iter().zip(kinds) {
        draw_chart(panel, *kind, series, ghost, &[])?;
    }
    root.present().map_err(err)
}

/// A sweep: one metric (mean, with its 95 % interval as whiskers when known) against a parameter.
pub fn draw_sweep<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    x_label: &str,
    y_label: &str,
    points: &[(f64, f64, f64)],
) -> ChartResult {
    root.fill(&WHITE).map_err(err)?;
    let finite = points.iter().filter(|p| p.0.is_finite() && p.1.is_finite());
    let x_min = finite.clone().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let x_max = finite
        .clone()
        .map(|p| p.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let y_max = finite.map(|p| p.1 + p.2).fold(0.0, f64::max);
    let (x_min, x_max) = if x_min.is_finite() && x_max > x_min {
        (x_min, x_max)
    } else {
        (0.0, 1.0)
    };
    let y_max = if y_max > 0.0 { y_max * 1.1 } else { 1.0 };
    let mut chart = ChartBuilder::on(root)
        .caption(format!("{y_label} against {x_label}"), ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(x_min..x_max, 0.0..y_max)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .label_style(("sans-serif", 12))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            points.iter().map(|p| (p.0, p.1)),
            MAIN.stroke_width(1),
        ))
        .map_err(err)?;
    chart
        .draw_series(
            points
                .iter()
                .map(|p| Circle::new((p.0, p.1), 3, MAIN.filled())),
        )
        .map_err(err)?;
    chart
        .draw_series(
            points
                .iter()
                .filter(|p| p.2 > 0.0)
                .map(|p| PathElement::new(vec![(p.0, p.1 - p.2), (p.0, p.1 + p.2)], MAIN.mix(0.6))),
        )
        .map_err(err)?;
    root.present().map_err(err)
}
