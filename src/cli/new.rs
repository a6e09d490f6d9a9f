//! `queuelab new exercise FILE [--from ID] [--force]`: a commented starting file, the
//! authoring page's "Start from" on the command line — the template, or a remix of a built-in
//! exercise under an id of its own (both from [`crate::exercise::template`]). An existing file
//! is never overwritten without `--force`.

use crate::exercise::template;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// Write a new exercise file: the commented template, or a built-in exercise to remix.
    Exercise {
        /// The file to write (refused if it exists, unless --force).
        file: PathBuf,
        /// Start from this built-in exercise (its id, as in `#/exercise/ID`).
        #[arg(long, value_name = "ID")]
        from: Option<String>,
        /// Overwrite FILE if it exists.
        #[arg(long)]
        force: bool,
    },
}

pub fn new(args: NewArgs) -> Result<ExitCode, String> {
    let What::Exercise { file, from, force } = args.what;
    let text = match &from {
        None => template::TEMPLATE.to_string(),
        Some(id) => template::remix(id).ok_or_else(|| unknown_exercise(id))?,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut out = options.open(&file).map_err(|error| match error.kind() {
        std::io::ErrorKind::AlreadyExists => format!(
            "{} already exists; pass --force to overwrite it",
            file.display()
        ),
        _ => format!("{}: {error}", file.display()),
    })?;
    out.write_all(text.as_bytes())
        .map_err(|error| format!("{}: {error}", file.display()))?;
    super::emit(&format!(
        "wrote {} ({}); check it with `queuelab check {}`\n",
        file.display(),
        from.map_or("the template".to_string(), |id| format!("a remix of {id}")),
        file.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// "No built-in exercise …", with the closest ids.
fn unknown_exercise(id: &str) -> String {
    let mut ids: Vec<String> = crate::exercise::catalog()
        .into_iter()
        .map(|e| e.id)
        .collect();
    ids.sort_by_key(|candidate| strsim::levenshtein(id, candidate));
    format!(
        "--from {id:?}: no built-in exercise has this id; the closest: {}",
        ids.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
    )
}
