//! What a run leaves behind: the simulation run with a progress bar, `--csv` files and `--chart`
//! pictures. `run`, `sweep` and the real-thread modes all write through here.

use super::progress_bar;
use crate::report::{Series, Summary};
use crate::scenario::Config;
use crate::sim::Engine;
use std::path::Path;

/// Runs one engine, showing progress on a terminal.
pub fn run_with_progress(config: &Config, quiet: bool) -> (Summary, Series) {
    let mut engine = Engine::new(config);
    let bar = progress_bar(1000, quiet, "simulating");
    'outer: loop {
        for _ in 0..200_000 {
            if !engine.step() {
                break 'outer;
            }
        }
        bar.set_position((engine.progress() * 1000.0) as u64);
    }
    bar.finish_and_clear();
    (engine.summary(), engine.series().clone())
}

/// What policy scripts printed, to stderr (the report stays on stdout), with simulated times.
pub fn print_console(summary: &Summary) {
    if summary.script_console.is_empty() {
        return;
    }
    eprintln!("script console ({} lines):", summary.script_console.len());
    for line in &summary.script_console {
        eprintln!(
            "  t = {:>10.3} s  {:<10} {}",
            line.at_seconds, line.hook, line.text
        );
    }
}

pub fn write_csv(dir: &Path, series: &Series, json: &serde_json::Value) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let series_path = dir.join("series.csv");
    std::fs::write(&series_path, series.to_csv())
        .map_err(|e| format!("cannot write {}: {e}", series_path.display()))?;
    let summary_path = dir.join("summary.json");
    let text = serde_json::to_string_pretty(json).map_err(|e| e.to_string())?;
    std::fs::write(&summary_path, text + "\n")
        .map_err(|e| format!("cannot write {}: {e}", summary_path.display()))?;
    eprintln!(
        "wrote {} and {}",
        series_path.display(),
        summary_path.display()
    );
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Svg,
    Png,
}

pub fn chart_kind(path: &Path) -> Result<ChartKind, String> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") => Ok(ChartKind::Svg),
        Some("png") => Ok(ChartKind::Png),
        _ => Err(format!(
            "--chart {}: the file name must end in .svg or .png",
            path.display()
        )),
    }
}

pub fn write_chart(
    path: &Path,
    series: &Series,
    ghost: Option<&Series>,
    config: &Config,
) -> Result<(), String> {
    let kinds = crate::chart::kinds_for(config);
    let height = 360 * kinds.len().div_ceil(2) as u32;
    draw_to_file(
        path,
        (1200, height),
        &crate::chart::Dashboard {
            series,
            ghost,
            kinds: &kinds,
        },
    )
}

/// Draws a picture into an SVG or PNG file chosen by the extension.
pub fn draw_to_file(
    path: &Path,
    size: (u32, u32),
    picture: &impl crate::chart::Picture,
) -> Result<(), String> {
    use plotters::prelude::*;
    crate::chart::register_embedded_font();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    match chart_kind(path)? {
        ChartKind::Svg => picture.draw(&SVGBackend::new(path, size).into_drawing_area())?,
        ChartKind::Png => picture.draw(&BitMapBackend::new(path, size).into_drawing_area())?,
    }
    eprintln!("wrote {}", path.display());
    Ok(())
}
