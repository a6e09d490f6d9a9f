//! `queuelab check`: validate scenario and exercise files, print every problem as
//! `file:line:col: ...`, and prove each exercise (its start fails a goal, its solution passes all).
//! The checks themselves are the library's ([`Exercise::parse_for_authoring`],
//! [`exercise::verify`]), which the browser's authoring page runs too; this module reads files
//! and prints, ending each failing exercise with the one problem to fix first.
//!
//! A course file (`chapters = …`, [`crate::course`]) is validated as a whole, then every exercise
//! it lists is proven like an exercise file — built-in ones too, since the course stands on them —
//! each named by the course and its place in it.

use crate::exercise::{self, Exercise};
use rayon::prelude::*;
use std::path::PathBuf;
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

pub fn check(args: CheckArgs) -> Result<ExitCode, String> {
    let files = super::input::toml_files(&args.paths)?;
    if files.is_empty() {
        let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        return Err(format!("no .toml files found under {}", paths.join(", ")));
    }
    let mut failed = 0;
    let mut exercises: Vec<Exercise> = Vec::new();
    // A course's exercises: proven, but not held to the files' one-id-each rule (a course lists
    // built-in exercises that `check exercises/` also reads).
    let mut in_courses: Vec<Exercise> = Vec::new();
    let mut built_in: Option<Vec<Exercise>> = None;
    for file in &files {
        let origin = file.display().to_string();
        let text = super::input::read_input(file)?;
        let result = if crate::course::is_course(&text) {
            let built_in = built_in.get_or_insert_with(exercise::catalog);
            crate::course::Course::parse(&text, &origin, built_in)
                .map(|course| in_courses.extend(course_exercises(&course)))
        } else if exercise::is_exercise(&text) {
            Exercise::parse_for_authoring(&text, &origin).and_then(|(exercise, unsafe_links)| {
                exercises.push(exercise);
                if unsafe_links.is_empty() {
                    Ok(())
                } else {
                    Err(crate::scenario::ScenarioErrors(unsafe_links))
                }
            })
        } else {
            let files = super::files_next_to(file);
            crate::scenario::parse_with_files(&text, &origin, &[], Some(files)).map(|_| ())
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
    exercises.extend(in_courses);
    if !args.no_run && !exercises.is_empty() {
        let bar = super::progress_bar(exercises.len() as u64, false, "proving exercises");
        let problems: Vec<Vec<String>> = exercises
            .par_iter()
            .map(|exercise| {
                let problems = match exercise::verify(exercise) {
                    Ok(verification) => {
                        let mut problems = verification.problems(exercise);
                        if let Some(first) = verification.fix_first(exercise) {
                            problems.push(format!("{}: fix first: {first}", exercise.origin));
                        }
                        problems
                    }
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

/// A course's exercises, each named by the course file and its place (`course.toml, chapter 2,
/// entry 3 (find-the-knee)`), so a failing proof says which entry to fix.
fn course_exercises(course: &crate::course::Course) -> Vec<Exercise> {
    course
        .chapters
        .iter()
        .enumerate()
        .flat_map(|(i, chapter)| {
            chapter.entries.iter().enumerate().map(move |(j, entry)| {
                let mut exercise = entry.exercise.clone();
                exercise.origin = format!(
                    "{}, {} ({})",
                    course.origin,
                    crate::course::place(i, j),
                    exercise.id
                );
                exercise
            })
        })
        .collect()
}
