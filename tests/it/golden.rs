//! The refactoring guard rail: the summary JSON of every shipped scenario, and of every exercise
//! at its start and at its solution, on three seeds each, must hash to the values recorded in
//! `tests/golden/summaries.txt`, bit for bit. A commit that changes numbers on purpose says so and
//! re-records the file in that commit only: `QUEUELAB_BLESS=1 cargo test --test it golden`.

use queuelab::exercise::Exercise;
use queuelab::scenario::Config;
use queuelab::sim::Engine;
use rayon::prelude::*;
use std::path::Path;

const GOLDEN: &str = include_str!("../golden/summaries.txt");

/// FNV-1a over the summary's JSON: any change in any field, however small, changes it.
fn hash_of(config: &Config) -> String {
    let json = serde_json::to_string(&Engine::new(config).run()).expect("a summary serialises");
    let hash = json.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

fn files_in(directory: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(directory);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&root)
        .expect("the directory exists")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .map(|path| {
            let name = format!(
                "{directory}/{}",
                path.file_name().unwrap().to_string_lossy()
            );
            (name, std::fs::read_to_string(&path).expect("readable"))
        })
        .collect();
    files.sort();
    files
}

/// (label, configuration) of every run the golden file covers.
fn runs() -> Vec<(String, Config)> {
    let mut runs = Vec::new();
    for (name, text) in files_in("scenarios") {
        let config = queuelab::scenario::parse(&text, &name).expect("a shipped scenario parses");
        for seed in config.seed..config.seed + 3 {
            runs.push((
                format!("{name} seed={seed}"),
                Config {
                    seed,
                    ..config.clone()
                },
            ));
        }
    }
    for (name, text) in files_in("exercises") {
        let exercise = Exercise::parse(&text, &name).expect("a shipped exercise parses");
        let solution = exercise
            .config_with(&exercise.solution_values())
            .expect("the solution is valid");
        for &seed in exercise.seeds.iter().take(3) {
            for (at, config) in [("start", &exercise.scenario), ("solution", &solution)] {
                runs.push((
                    format!("{name} {at} seed={seed}"),
                    Config {
                        seed,
                        ..config.clone()
                    },
                ));
            }
        }
    }
    runs
}

#[test]
fn every_scenario_and_exercise_reproduces_its_golden_summary() {
    let runs = runs();
    let lines: Vec<String> = runs
        .par_iter()
        .map(|(label, config)| format!("{label} {}", hash_of(config)))
        .collect();
    let recorded = lines.join("\n") + "\n";
    if std::env::var_os("QUEUELAB_BLESS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/summaries.txt");
        std::fs::write(path, recorded).unwrap();
        return;
    }
    let golden: Vec<&str> = GOLDEN.lines().collect();
    let changed: Vec<String> = lines
        .iter()
        .filter(|line| !golden.contains(&line.as_str()))
        .cloned()
        .collect();
    let gone: Vec<&str> = golden
        .iter()
        .filter(|line| !lines.contains(&line.to_string()))
        .copied()
        .collect();
    assert!(
        changed.is_empty() && gone.is_empty(),
        "{} of {} summaries differ from tests/golden/summaries.txt:\nnow:\n{}\nrecorded:\n{}\nIf the change of numbers is deliberate, say so in the commit and rerun with QUEUELAB_BLESS=1.",
        changed.len(),
        lines.len(),
        changed.join("\n"),
        gone.join("\n")
    );
    assert!(lines.len() >= 20 * 3 + 62 * 6, "{} runs", lines.len());
}
