//! `queuelab fit FILE`: an engineer's measured latencies, summarised and fitted to the
//! distributions a scenario can name, with the table to paste into `[service]` (or
//! `[downstream] latency`), and a QQ chart to see the fit.

use super::output::{chart_kind, draw_to_file};
use crate::data::samples::{read_samples, Column};
use crate::data::{unit_secs, DataFiles, Directory};
use crate::scenario::limits::MAX_SAMPLES_FILE_BYTES;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct FitArgs {
    /// Measured latencies: one value per line, a CSV column, or a Prometheus histogram.
    file: PathBuf,
    /// The CSV column with the values: its header's name, or its number from 1.
    #[arg(long)]
    column: Option<String>,
    /// The unit of bare numbers: ns, us, ms, s, m or h.
    #[arg(long, default_value = "s")]
    unit: String,
    /// Draw the QQ chart (measured against fitted percentiles) to this file (.svg or .png).
    #[arg(long)]
    chart: Option<PathBuf>,
}

pub fn fit(args: FitArgs) -> Result<ExitCode, String> {
    let unit = unit_secs(&args.unit).ok_or_else(|| {
        format!(
            "--unit {}: not a unit; give ns, us, ms, s, m or h",
            args.unit
        )
    })?;
    if let Some(chart) = &args.chart {
        chart_kind(chart)?;
    }
    let column = args
        .column
        .as_ref()
        .map(|column| match column.parse::<usize>() {
            Ok(number) => Column::Number(number),
            Err(_) => Column::Name(column.clone()),
        });
    let directory = Directory {
        base: PathBuf::new(),
    };
    let name = args.file.to_string_lossy();
    let file = directory.open(&name, MAX_SAMPLES_FILE_BYTES)?;
    let measured = read_samples(file.reader, &file.origin, unit, column.as_ref())?;
    let fit = crate::fit::fit(&measured);
    let mut out = String::new();
    let ms = |seconds: f64| format!("{:.3} ms", seconds * 1e3);
    out.push_str(&format!(
        "{} values: mean {}, SCV {:.3}\n",
        fit.count,
        ms(fit.mean),
        fit.scv
    ));
    for (q, value) in &fit.percentiles {
        out.push_str(&format!("  p{:<5} {}\n", q * 100.0, ms(*value)));
    }
    out.push_str("\nfit (Kolmogorov–Smirnov distance, smaller is closer):\n");
    for candidate in &fit.candidates {
        out.push_str(&format!(
            "  {:<12} {:.3}\n",
            candidate.name, candidate.distance
        ));
    }
    out.push_str(&format!("\n{}.\n", fit.verdict()));
    if fit.best().distance <= crate::fit::NO_FIT {
        out.push_str(&format!(
            "\n[service]          # or [downstream] latency = {{ ... }}\n{}\n",
            fit.best().toml
        ));
    } else {
        out.push_str(&format!(
            "\n[service]\ndistribution = \"empirical\"\nfile = {:?}\n",
            name
        ));
    }
    super::emit(&out)?;
    if let Some(path) = &args.chart {
        let best = fit.best();
        let points: Vec<(f64, f64)> = (1..=199)
            .map(|i| f64::from(i) / 200.0)
            .chain([0.999])
            .map(|q| (best.distribution.quantile(q), measured.quantile(q)))
            .collect();
        let title = format!("{} (KS {:.3})", best.name, best.distance);
        draw_to_file(
            path,
            (800, 800),
            &crate::chart::qq::QqChart {
                points: &points,
                fitted: &title,
            },
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
