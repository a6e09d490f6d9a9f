//! Oversized and unusual inputs for the hostile corpus, built at test time rather than kept as
//! files: past the size cap, past each list's limit, pipes, symlink loops, enormous flags.

use super::{Case, ROOT};
use std::path::Path;

/// Oversized inputs, built here rather than kept as files: each is past one limit.
pub(super) fn generated_cases(dir: &Path) -> Vec<(Case, Vec<String>)> {
    let base = "[run]\ncustomers = 1000\n[arrivals]\nprocess = \"poisson\"\nrate = 3\n[service]\ndistribution = \"exponential\"\nmean = \"50ms\"\n[pool]\nworkers = 4\n";
    let repeat = |unit: &dyn Fn(usize) -> String, n: usize| (0..n).map(unit).collect::<String>();
    let files: Vec<(&str, String, &str)> = vec![
        ("empty.toml", String::new(), "run: set run.customers"),
        (
            "over-a-mebibyte.toml",
            format!("{base}#{}\n", "x".repeat(1 << 20)),
            "more than the limit of 1048576 bytes",
        ),
        (
            "100000-classes.toml",
            base.to_string() + &*repeat(&|i| format!("[[classes]]\nname = \"c{i}\"\n"), 100_000),
            "more than the limit of 1048576 bytes",
        ),
        (
            "30000-classes.toml",
            base.to_string() + &*repeat(&|i| format!("[[classes]]\nname = \"c{i}\"\n"), 30_000),
            "classes[1000]: 30000 classes, more than the limit of 1000",
        ),
        (
            "1000-class-pools-of-100000.toml",
            base.replace("[pool]\nworkers = 4\n", "")
                + &*repeat(
                    &|i| format!("[[classes]]\nname = \"c{i}\"\nworkers = 100000\n"),
                    1000,
                ),
            "classes[1].workers: the run's pools and stages would have 100000000 workers in all",
        ),
        (
            "900-bad-weights.toml",
            base.to_string()
                + &*repeat(
                    &|i| format!("[[classes]]\nname = \"c{i}\"\nweight = -1\n"),
                    900,
                ),
            "and 801 more problems (only the first 100 are listed)",
        ),
        (
            "10001-segments.toml",
            base.replace(
                "process = \"poisson\"\nrate = 3\n",
                &format!(
                    "process = \"schedule\"\nsegments = [{}]\n",
                    vec!["{ duration = \"1s\", rate = 3 }"; 10_001].join(", ")
                ),
            ),
            "arrivals.segments[10000]: 10001 rate segments, more than the limit of 10000",
        ),
        (
            "1001-components.toml",
            base.replace(
                "distribution = \"exponential\"\nmean = \"50ms\"\n",
                &format!(
                    "distribution = \"mixture\"\ncomponents = [{}]\n",
                    vec!["{ weight = 1, distribution = \"constant\", mean = \"5ms\" }"; 1001]
                        .join(", ")
                ),
            ),
            "service.components[1000]: 1001 mixture components, more than the limit of 1000",
        ),
        (
            "65-stages.toml",
            base.to_string()
                + &*repeat(
                    &|i| {
                        format!("[[stages]]\nname = \"s{i}\"\nworkers = 1\nservice = {{ distribution = \"constant\", mean = \"1ms\" }}\n")
                    },
                    65,
                ),
            "stages[64]: 65 stages, more than the limit of 64",
        ),
        (
            "10000-alerts.toml",
            base.to_string()
                + &*repeat(
                    &|i| {
                        format!("[[alerts]]\nname = \"a{i}\"\nsignal = \"queue_len\"\nabove = 1\n")
                    },
                    10_000,
                ),
            "alerts[100]: 10000 alerts, more than the limit of 100",
        ),
        (
            "1001-incidents.toml",
            base.to_string()
                + "[downstream]\n"
                + &*repeat(
                    &|i| format!("[[downstream.incidents]]\nfrom = \"{i}s\"\nto = \"{i}.5s\"\n"),
                    1001,
                ),
            "downstream.incidents[1000]: 1001 incidents, more than the limit of 1000",
        ),
        (
            "1001-prewarm-steps.toml",
            base.to_string()
                + "[autoscaler]\nmax_workers = 8\nscale_up_queue_len = 4\n"
                + &*repeat(
                    &|i| {
                        format!(
                            "[[autoscaler.prewarm]]\nat = \"{}s\"\nmin_workers = 2\n",
                            i + 1
                        )
                    },
                    1001,
                ),
            "autoscaler.prewarm[1000]: 1001 prewarm steps, more than the limit of 1000",
        ),
        (
            "deep-arrays.toml",
            format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
            "cannot recurse further",
        ),
    ];
    let mut cases = Vec::new();
    for (name, text, expect) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        cases.push((
            Case {
                label: name.to_string(),
                args: vec!["run".into(), "-q".into(), path.display().to_string()],
                expect: expect.to_string(),
            },
            vec![name.to_string()],
        ));
    }
    // A sweep of 1000 values over 1000 class pools: each point reports every class and pool, and
    // holding them all took 14.7 GB; refused before the configurations pile up.
    let pools = dir.join("1000-class-pools-swept.toml");
    std::fs::write(
        &pools,
        base.replace("[pool]\nworkers = 4\n", "")
            + &*repeat(
                &|i| format!("[[classes]]\nname = \"c{i}\"\nworkers = 10\n"),
                1000,
            ),
    )
    .unwrap();
    cases.push((
        Case {
            label: "sweep 1000 values of 1000 class pools".into(),
            args: vec![
                "sweep".into(),
                "-q".into(),
                pools.display().to_string(),
                "--param".into(),
                "arrivals.rate=1..1000:1".into(),
            ],
            expect: "1000 values × 1 replications of a scenario with 2000 classes, shards, pools and stages report about 2001000 results, more than the limit of 25000".into(),
        },
        vec!["--param arrivals.rate".to_string()],
    ));
    // Bytes that are not UTF-8, after a valid line.
    let bad_utf8 = dir.join("latin1.toml");
    std::fs::write(&bad_utf8, b"[run]\nname = \"caf\xe9\"\n").unwrap();
    cases.push(file_case(
        &bad_utf8,
        "run",
        "latin1.toml:2:12: the file is not UTF-8 text",
    ));
    // An exercise proving on 100 000 seeds, and a knob of 100 000 choices.
    let exercise =
        std::fs::read_to_string(Path::new(ROOT).join("exercises/05-find-the-knee.toml")).unwrap();
    let seeds: Vec<String> = (0..100_000).map(|i| i.to_string()).collect();
    let many_seeds = dir.join("100000-seeds.toml");
    std::fs::write(
        &many_seeds,
        format!("seeds = [{}]\n{exercise}", seeds.join(",")),
    )
    .unwrap();
    cases.push(file_case(
        &many_seeds,
        "check",
        "seeds[16]: 100000 seeds to prove on, more than the limit of 16",
    ));
    let many_choices = dir.join("100000-choices.toml");
    std::fs::write(
        &many_choices,
        exercise.replacen(
            "min = 50\nmax = 600\nstep = 10",
            &format!("choices = [{}]", seeds.join(",")),
            1,
        ),
    )
    .unwrap();
    cases.push(file_case(
        &many_choices,
        "check",
        "knobs[0].choices[64]: 100000 choices",
    ));

    let mmc = || vec!["run".to_string(), "-q".into(), "scenarios/mmc.toml".into()];
    let with = |extra: Vec<String>, expect: &str| {
        let mut args = mmc();
        args.extend(extra);
        (
            Case {
                label: format!(
                    "run mmc.toml {}",
                    args[3..].join(" ").chars().take(80).collect::<String>()
                ),
                args,
                expect: expect.to_string(),
            },
            vec!["--set".to_string()],
        )
    };
    cases.push(with(
        vec!["--set".into(), format!("{}=1", vec!["a"; 10_000].join("."))],
        "--set: the field path has 19999 characters, more than the limit of 256",
    ));
    cases.push(with(
        vec!["--set".into(), format!("{}=1", vec!["a"; 33].join("."))],
        "--set: the field path has more than 32 steps",
    ));
    cases.push(with(
        (0..65)
            .flat_map(|_| ["--set".to_string(), "pool.workers=4".into()])
            .collect(),
        "--set: 65 overrides, more than the limit of 64",
    ));
    cases.push(with(
        vec![
            "--set".into(),
            format!("pool.workers={}", "[".repeat(100_000)),
        ],
        "--set pool.workers",
    ));

    // Files that are not files.
    let fifo = dir.join("pipe.toml");
    let c_path = std::ffi::CString::new(fifo.display().to_string()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    cases.push(file_case(&fifo, "run", "it is a pipe, not a regular file"));
    let looped = dir.join("looped");
    std::fs::create_dir_all(&looped).unwrap();
    std::os::unix::fs::symlink(".", looped.join("self")).unwrap();
    cases.push(file_case(&looped, "check", "is a symbolic link back to"));
    let chain = dir.join("chain-a.toml");
    std::os::unix::fs::symlink(dir.join("chain-b.toml"), &chain).unwrap();
    std::os::unix::fs::symlink(&chain, dir.join("chain-b.toml")).unwrap();
    cases.push(file_case(
        &chain,
        "run",
        "Too many levels of symbolic links",
    ));
    let empty = dir.join("no-toml-here");
    std::fs::create_dir_all(&empty).unwrap();
    cases.push(file_case(&empty, "check", "no .toml files found"));
    cases
}

fn file_case(path: &Path, command: &str, expect: &str) -> (Case, Vec<String>) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut args = vec![command.to_string()];
    if command == "run" {
        args.push("-q".into());
    }
    args.push(path.display().to_string());
    (
        Case {
            label: name.clone(),
            args,
            expect: expect.to_string(),
        },
        vec![name],
    )
}
