//! A quantile–quantile chart (`queuelab fit --chart`): the measured percentiles against the
//! fitted distribution's. A fit that describes the data puts the points on the diagonal; points
//! that bend away at the top say the tail is heavier (above) or lighter (below) than the fit's.

use super::{ChartResult, Picture};
use plotters::coord::Shift;
use plotters::prelude::*;

pub struct QqChart<'a> {
    /// (fitted quantile, measured quantile) in seconds, low to high.
    pub points: &'a [(f64, f64)],
    /// What the fit is, for the title: "lognormal (mean 23.5 ms, SCV 1.8)".
    pub fitted: &'a str,
}

impl Picture for QqChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> ChartResult {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        let top = self
            .points
            .iter()
            .flat_map(|&(x, y)| [x, y])
            .fold(1e-9, f64::max)
            * 1e3
            * 1.05;
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("QQ: measured against {}", self.fitted),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..top, 0.0..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("fitted quantile (ms)")
            .y_desc("measured quantile (ms)")
            .draw()
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new([(0.0, 0.0), (top, top)], BLACK.mix(0.4)))
            .map_err(err)?;
        let blue = RGBColor(0, 114, 178);
        chart
            .draw_series(
                self.points
                    .iter()
                    .map(|&(x, y)| Circle::new((x * 1e3, y * 1e3), 3, blue.filled())),
            )
            .map_err(err)?;
        root.present().map_err(err)?;
        Ok(())
    }
}
