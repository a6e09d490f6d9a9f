//! One panel: a title, a legend above the plot (never over the data), axes with units, the
//! run's curves over the previous run's grey ghost, and goals as labelled dashed lines. Sizes
//! are in CSS pixels times `scale`, so a phone's 3× screen gets the same legible 13-px labels.

use super::axis::{clock, Unit};
use super::palette::{GHOST, GOAL, INK};
use super::{err, ChartResult};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One line of a chart: a label (empty: not in the legend), a colour, and its (simulated
/// time, value) points.
pub struct Curve {
    pub label: String,
    pub color: RGBColor,
    pub points: Vec<(f64, f64)>,
    /// Drawn dashed: a share of another line in the same colour ("of those, …").
    pub dashed: bool,
}

/// A goal's target on a chart: a dashed line, named in the legend by the goal's words.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalLine {
    pub value: f64,
    pub label: String,
}

/// What one panel shows.
pub struct Panel<'a> {
    pub title: &'a str,
    pub unit: Unit,
    pub curves: &'a [Curve],
    pub ghosts: &'a [Curve],
    pub goals: &'a [GoalLine],
    pub scale: f64,
}

/// A legend entry: its words, its colour, whether its line is dashed.
type Entry = (String, RGBColor, bool);

fn font(size: f64, scale: f64) -> FontDesc<'static> {
    ("sans-serif", size * scale).into_font()
}

/// Draws the title in the top band and returns the area under it.
fn title_band<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    scale: f64,
) -> Result<DrawingArea<DB, Shift>, String> {
    let (top, rest) = area.split_vertically((24.0 * scale) as u32);
    let style = font(15.0, scale).color(&INK);
    top.draw(&Text::new(
        title.to_string(),
        ((8.0 * scale) as i32, (5.0 * scale) as i32),
        style,
    ))
    .map_err(err)?;
    Ok(rest)
}

/// Lays the entries out in rows across the width, draws them, returns the area under them.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    scale: f64,
) -> Result<DrawingArea<DB, Shift>, String> {
    if entries.is_empty() {
        return Ok(area.clone());
    }
    let width = area.dim_in_pixel().0 as f64;
    let row_height = 17.0 * scale;
    // DejaVu Sans at 12 px averages about 6.6 px a character.
    let entry_width = |label: &str| (28.0 + 6.6 * label.chars().count() as f64 + 14.0) * scale;
    let mut placed: Vec<(f64, f64, &Entry)> = Vec::new();
    let (mut x, mut y) = (8.0 * scale, 0.0);
    for entry in entries {
        let w = entry_width(&entry.0);
        if x + w > width && x > 8.0 * scale {
            x = 8.0 * scale;
            y += row_height;
        }
        placed.push((x, y, entry));
        x += w;
    }
    let (band, rest) = area.split_vertically((y + row_height + 2.0 * scale) as u32);
    for (x, y, (label, color, dashed)) in placed {
        let middle = (y + row_height / 2.0) as i32;
        let (x0, stroke) = (x as i32, (2.0 * scale).max(1.0) as u32);
        let style = color.stroke_width(stroke);
        if *dashed {
            let dash = (5.0 * scale) as i32;
            for start in [0, 2 * dash, 4 * dash - dash / 2] {
                band.draw(&PathElement::new(
                    vec![(x0 + start, middle), (x0 + start + dash, middle)],
                    style,
                ))
                .map_err(err)?;
            }
        } else {
            band.draw(&PathElement::new(
                vec![(x0, middle), (x0 + (20.0 * scale) as i32, middle)],
                style,
            ))
            .map_err(err)?;
        }
        let text = font(12.0, scale)
            .color(&INK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        band.draw(&Text::new(
            label.clone(),
            (x0 + (26.0 * scale) as i32, middle),
            text,
        ))
        .map_err(err)?;
    }
    Ok(rest)
}

/// Before the first run: the title and what will appear, not empty axes.
pub fn draw_placeholder<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    scale: f64,
) -> ChartResult {
    let rest = title_band(area, title, scale)?;
    let (w, h) = rest.dim_in_pixel();
    let style = font(13.0, scale)
        .color(&INK.mix(0.7))
        .pos(Pos::new(HPos::Center, VPos::Center));
    rest.draw(&Text::new(
        "Press Run: this chart fills in as the simulation runs".to_string(),
        (w as i32 / 2, h as i32 / 2),
        style,
    ))
    .map_err(err)
}

/// The legend's entries: each named curve, the previous run, each goal.
fn entries(panel: &Panel) -> Vec<Entry> {
    let mut entries: Vec<Entry> = panel
        .curves
        .iter()
        .filter(|c| !c.label.is_empty())
        .map(|c| (c.label.clone(), c.color, c.dashed))
        .collect();
    if !panel.ghosts.is_empty() {
        entries.push(("previous run".into(), GHOST, false));
    }
    for goal in panel.goals {
        entries.push((format!("goal: {}", goal.label), GOAL, true));
    }
    // One named line and nothing else: the title already says what it is.
    if entries.len() == 1 && panel.goals.is_empty() && panel.ghosts.is_empty() {
        entries.clear();
    }
    entries
}

/// Draws one panel: curves over time, optionally with a previous run's (`ghosts`) in grey
/// behind them, and goals as dashed lines labelled at their right end.
pub fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &Panel) -> ChartResult {
    let scale = panel.scale;
    let rest = title_band(area, panel.title, scale)?;
    let plot = legend(&rest, &entries(panel), scale)?;
    let all_points = panel
        .curves
        .iter()
        .chain(panel.ghosts)
        .flat_map(|c| &c.points);
    let x_max = all_points
        .clone()
        .map(|p| p.0)
        .fold(0.0, f64::max)
        .max(1e-9);
    let data_max = all_points
        .map(|p| p.1)
        .chain(panel.goals.iter().map(|g| g.value))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let y_max = match panel.unit {
        Unit::Fraction => data_max.max(1.0) * 1.05,
        Unit::BreakerState => 2.2,
        _ if data_max > 0.0 => data_max * 1.1,
        _ => 1.0,
    };
    // Ticks fall on round clock times: the axis counts minutes (or hours) on longer runs, so
    // plotters' 1-2-5 steps land on 1:00, 2:00 rather than 1:40, 3:20.
    let per_tick_unit = if x_max >= 3.0 * 3600.0 {
        3600.0
    } else if x_max >= 180.0 {
        60.0
    } else {
        1.0
    };
    let x_end = x_max / per_tick_unit;
    let at = move |(t, v): (f64, f64)| (t / per_tick_unit, v);
    let px = |v: f64| (v * scale) as u32;
    let mut chart = ChartBuilder::on(&plot)
        // PLOT_LEFT = margin + y-label area, PLOT_RIGHT = margin: the crosshair maps by them.
        .margin_right(px(super::readout::PLOT_RIGHT))
        .margin_top(px(6.0))
        .margin_left(px(4.0))
        .x_label_area_size(px(36.0))
        .y_label_area_size(px(super::readout::PLOT_LEFT - 4.0))
        .build_cartesian_2d(0.0..x_end, 0.0..y_max)
        .map_err(err)?;
    let unit = panel.unit;
    chart
        .configure_mesh()
        .x_desc("simulated time")
        .x_labels(6)
        .y_labels(if unit == Unit::BreakerState { 3 } else { 5 })
        .x_label_formatter(&|x| clock(*x * per_tick_unit, x_max))
        .y_label_formatter(&|y| unit.tick(*y, y_max))
        .label_style(font(12.0, scale).color(&INK))
        .axis_desc_style(font(12.0, scale).color(&INK.mix(0.7)))
        .bold_line_style(RGBColor(229, 231, 235).stroke_width(1))
        .light_line_style(WHITE.mix(0.0))
        .axis_style(INK.mix(0.5))
        .draw()
        .map_err(err)?;
    let stroke = (1.5 * scale).max(1.0) as u32;
    for ghost in panel.ghosts {
        chart
            .draw_series(LineSeries::new(
                ghost.points.iter().copied().map(at),
                GHOST.stroke_width(stroke),
            ))
            .map_err(err)?;
    }
    for curve in panel.curves {
        let style = curve.color.stroke_width(stroke);
        let points = curve.points.iter().copied().map(at);
        if curve.dashed {
            let (dash, gap) = ((5.0 * scale) as u32, (3.0 * scale) as u32);
            chart
                .draw_series(DashedLineSeries::new(points, dash, gap, style))
                .map_err(err)?;
        } else {
            chart
                .draw_series(LineSeries::new(points, style))
                .map_err(err)?;
        }
    }
    for goal in panel.goals {
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, goal.value), (x_end, goal.value)],
                (6.0 * scale) as u32,
                (4.0 * scale) as u32,
                GOAL.stroke_width(stroke),
            ))
            .map_err(err)?;
        let words = format!("goal {}", unit.tick(goal.value, y_max));
        let style = font(12.0, scale)
            .color(&GOAL)
            .pos(Pos::new(HPos::Right, VPos::Bottom));
        chart
            .draw_series(std::iter::once(Text::new(
                words,
                (x_max, goal.value),
                style,
            )))
            .map_err(err)?;
    }
    Ok(())
}
