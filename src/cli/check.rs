//! `queuelab check`: validate scenario and exercise files, print every problem as
//! `file:line:col: ...`, and prove each exercise (its start fails a goal, its solution passes all).

use crate::exercise::{self, Exercise};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories (every .toml below a directory is checked).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Only validate exercises; do not run them to prove start and solution.
    #[arg(long)]
    no_run: bool,
}

/// Exercise files have a [scenario] table; scenario files do not.
fn is_exercise(text: &str) -> bool {
    text.parse::<toml::Table>()
        .is_ok_and(|table| table.contains_key("scenario"))
}

pub fn check(args: CheckArgs) -> Result<ExitCode, String> {
    let mut files = Vec::new();
    for path in &args.paths {
        collect_toml(path, &mut files)?;
    }
    files.sort();
    if files.is_empty() {
        return Err("no .toml files found under the given paths".into());
    }
    let mut failed = 0;
    let mut exercises: Vec<Exercise> = Vec::new();
    for file in &files {
        let origin = file.display().to_string();
        let text =
            std::fs::read_to_string(file).map_err(|e| format!("cannot read {origin}: {e}"))?;
        let result = if is_exercise(&text) {
            Exercise::parse(&text, &origin).and_then(|exercise| {
                let unsafe_links = exercise.unsafe_links();
                exercises.push(exercise);
                if unsafe_links.is_empty() {
                    Ok(())
                } else {
                    Err(crate::scenario::ScenarioErrors(unsafe_links))
                }
            })
        } else {
            crate::scenario::parse(&text, &origin).map(|_| ())
        };
        if let Err(errors) = result {
            failed += 1;
            eprintln!("{errors}");
        }
    }
    for (i, exercise) in exercises.iter().enumerate() {
        if let Some(first) = exercises[..i].iter().find(|other| other.id == exercise.id) {
            failed += 1;
            eprintln!(
                "{}: id: {:?} is already used by {}",
                exercise.origin, exercise.id, first.origin
            );
        }
    }
    if !args.no_run && !exercises.is_empty() {
        let bar = super::progress_bar(exercises.len() as u64, false, "proving exercises");
        let problems: Vec<Vec<String>> = exercises
            .par_iter()
            .map(|exercise| {
                let problems = match exercise::verify(exercise) {
                    Ok(verification) => verification.problems(exercise),
                    Err(message) => vec![format!("{}: {message}", exercise.origin)],
                };
                bar.inc(1);
                problems
            })
            .collect();
        bar.finish_and_clear();
        for problem_list in problems.iter().filter(|list| !list.is_empty()) {
            failed += 1;
            for problem in problem_list {
                eprintln!("{problem}");
            }
        }
    }
    let ok = files.len().saturating_sub(failed);
    super::emit(&format!(
        "checked {} file(s) ({} exercises): {ok} ok, {failed} with errors\n",
        files.len(),
        exercises.len()
    ))?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn collect_toml(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let metadata =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if metadata.is_file() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let entries =
        std::fs::read_dir(path).map_err(|e| format!("cannot list {}: {e}", path.display()))?;
    for entry in entries {
        let child = entry.map_err(|e| e.to_string())?.path();
        if child.is_dir() {
            collect_toml(&child, files)?;
        } else if child.extension().is_some_and(|e| e == "toml") {
            files.push(child);
        }
    }
    Ok(())
}
