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

mod axis;
mod kinds;
pub mod palette;
mod panel;
pub mod qq;
pub mod readout;
pub mod summary;

pub use axis::{clock, count, duration, percent, Unit};
pub use kinds::{kinds_for, watchable_for, ChartKind};
pub use panel::{draw_panel, Curve, GoalLine};

use crate::report::Series;
use palette::MAIN;
use plotters::coord::Shift;
use plotters::prelude::*;

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

/// One chart of a run on its own (the browser draws each on its own canvas).
pub struct SingleChart<'a> {
    pub kind: ChartKind,
    pub series: &'a Series,
    pub ghost: Option<&'a Series>,
    /// The goals whose metric this chart shows, drawn as labelled dashed lines.
    pub thresholds: &'a [GoalLine],
    /// Device pixels per CSS pixel (fonts and lines grow with it: sharp on high-DPI screens).
    pub scale: f64,
}

impl Picture for SingleChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> ChartResult {
        root.fill(&WHITE).map_err(err)?;
        if self.series.points().is_empty() {
            panel::draw_placeholder(root, self.kind.title(), self.scale)?;
        } else {
            draw_chart(
                root,
                self.kind,
                self.series,
                self.ghost,
                self.thresholds,
                self.scale,
            )?;
        }
        root.present().map_err(err)
    }
}

/// Draws one chart, with a previous run as a grey ghost and goal targets as dashed lines.
pub fn draw_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    kind: ChartKind,
    series: &Series,
    ghost: Option<&Series>,
    goals: &[GoalLine],
    scale: f64,
) -> ChartResult {
    let ghosts = ghost.map(|g| kind.curves(g)).unwrap_or_default();
    draw_panel(
        area,
        &panel::Panel {
            title: kind.title(),
            unit: kind.unit(),
            curves: &kind.curves(series),
            ghosts: &ghosts,
            goals,
            scale,
        },
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
        draw_chart(panel, *kind, series, ghost, &[], 1.0)?;
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
