//! `queuelab check`: validate scenario files and print every problem as `file:line:col: ...`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories (every .toml below a directory is checked).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
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
    for file in &files {
        let origin = file.display().to_string();
        let text =
            std::fs::read_to_string(file).map_err(|e| format!("cannot read {origin}: {e}"))?;
        if let Err(errors) = crate::scenario::parse(&text, &origin) {
            failed += 1;
            eprintln!("{errors}");
        }
    }
    let ok = files.len() - failed;
    super::emit(&format!(
        "checked {} file(s): {ok} ok, {failed} with errors\n",
        files.len()
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
        let entry = entry.map_err(|e| e.to_string())?;
        let child = entry.path();
        if child.is_dir() {
            collect_toml(&child, files)?;
        } else if child.extension().is_some_and(|e| e == "toml") {
            files.push(child);
        }
    }
    Ok(())
}
