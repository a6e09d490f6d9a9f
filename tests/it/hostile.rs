//! The hostile-input corpus (`tests/hostile/`): bad files, bad flags, and oversized inputs built
//! here. Each runs the real binary and must fail (exit 1 or 2) with the expected message, which
//! says where (the file, usually `file:line:col`, or the flag); must not panic; and must stay
//! within a time and a peak-memory bound, measured from the child's own resource usage.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Wall time a refusal may take. Every case takes well under a second; this leaves room for a
/// loaded 2-core machine.
const TIME_BOUND: Duration = Duration::from_secs(15);
/// Peak resident memory of the refusing process. The largest cases (1 MiB of TOML) peak near
/// 60 MB; a regression that reads /dev/zero or builds 10⁵ classes goes far past this.
const RSS_BOUND_KB: i64 = 400 * 1024;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

mod generated;
use generated::generated_cases;

struct Case {
    label: String,
    args: Vec<String>,
    expect: String,
}

struct Outcome {
    code: Option<i32>,
    signal: Option<i32>,
    stderr: String,
    elapsed: Duration,
    peak_rss_kb: i64,
    timed_out: bool,
}

/// Runs the binary, reaping it with `wait4` to read its peak RSS; kills it past the time bound.
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which std's wait cannot replace: it returns no rusage"
)]
fn run_bounded(args: &[String]) -> Outcome {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_queuelab"))
        .args(args)
        .current_dir(ROOT)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut pipe = child.stderr.take().expect("stderr is piped");
    let reader = std::thread::spawn(move || {
        // At most 1 MiB of messages; a runaway writer is cut off, not buffered.
        let mut bytes = Vec::new();
        let _ = (&mut pipe).take(1 << 20).read_to_end(&mut bytes);
        let _ = std::io::copy(&mut pipe, &mut std::io::sink());
        String::from_utf8_lossy(&bytes).into_owned()
    });
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data, fully written by wait4 when it reaps the child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut timed_out = false;
    loop {
        // SAFETY: waits only for our own child, with valid pointers.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break;
        }
        assert!(
            reaped == 0,
            "wait4 failed: {}",
            std::io::Error::last_os_error()
        );
        if started.elapsed() > TIME_BOUND && !timed_out {
            timed_out = true;
            // SAFETY: the child is not reaped yet, so the pid is still ours.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let elapsed = started.elapsed();
    let stderr = reader.join().expect("the reader thread ends");
    let (code, signal) = if libc::WIFEXITED(status) {
        (Some(libc::WEXITSTATUS(status)), None)
    } else {
        (None, Some(libc::WTERMSIG(status)))
    };
    Outcome {
        code,
        signal,
        stderr,
        elapsed,
        peak_rss_kb: usage.ru_maxrss,
        timed_out,
    }
}

/// Asserts everything a hostile case must satisfy; returns a problem or nothing, with the time
/// and peak RSS it took.
fn judge(case: &Case, where_: &[String]) -> (Option<String>, Duration, i64) {
    let outcome = run_bounded(&case.args);
    let mut problems = Vec::new();
    if outcome.timed_out {
        problems.push(format!("still running after {TIME_BOUND:?} (killed)"));
    }
    match (outcome.code, outcome.signal) {
        (Some(1 | 2), _) => {}
        (Some(code), _) => problems.push(format!("exit code {code}, expected 1 or 2")),
        (None, Some(signal)) => problems.push(format!("killed by signal {signal}")),
        (None, None) => problems.push("no exit status".into()),
    }
    if outcome.stderr.contains("panicked") || outcome.stderr.contains("overflowed its stack") {
        problems.push("panicked".into());
    }
    if !outcome.stderr.contains(&case.expect) {
        problems.push(format!("expected the message to contain {:?}", case.expect));
    }
    if !where_
        .iter()
        .any(|place| outcome.stderr.contains(place.as_str()))
    {
        problems.push(format!("the message does not say where ({where_:?})"));
    }
    if outcome.peak_rss_kb > RSS_BOUND_KB {
        problems.push(format!(
            "peak RSS {} MB, above the bound of {} MB",
            outcome.peak_rss_kb / 1024,
            RSS_BOUND_KB / 1024
        ));
    }
    let problem = (!problems.is_empty()).then(|| {
        format!(
            "{}: {} ({:.2} s, {} MB)\n  stderr: {}",
            case.label,
            problems.join("; "),
            outcome.elapsed.as_secs_f64(),
            outcome.peak_rss_kb / 1024,
            outcome.stderr.chars().take(600).collect::<String>()
        )
    });
    (problem, outcome.elapsed, outcome.peak_rss_kb)
}

/// Every file of `tests/hostile/files/`: the file ends with `# expect: FRAGMENT` and optionally
/// `# command: ARGS` (default `run -q`); the file name goes last.
fn file_cases() -> Vec<(Case, Vec<String>)> {
    let dir = Path::new(ROOT).join("tests/hostile/files");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/hostile/files exists")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("readable");
            let text = String::from_utf8_lossy(&bytes);
            let footer = |key: &str| {
                text.lines()
                    .rev()
                    .find_map(|line| line.strip_prefix(key))
                    .map(str::to_string)
            };
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let expect = footer("# expect: ").unwrap_or_else(|| panic!("{name} has no # expect:"));
            let command = footer("# command: ").unwrap_or_else(|| "run -q".into());
            let mut args: Vec<String> = command.split_whitespace().map(String::from).collect();
            // Relative to the repository root, so that messages read `files/NAME.toml:…`.
            args.push(format!("tests/hostile/files/{name}"));
            let case = Case {
                label: name.clone(),
                args,
                expect: format!("tests/hostile/files/{expect}"),
            };
            (case, vec![name])
        })
        .collect()
}

/// Every line of `tests/hostile/flags.txt`: `ARGS => FRAGMENT`.
fn flag_cases() -> Vec<(Case, Vec<String>)> {
    let text = std::fs::read_to_string(Path::new(ROOT).join("tests/hostile/flags.txt"))
        .expect("tests/hostile/flags.txt exists");
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (args, expect) = line.split_once(" => ").expect("ARGS => FRAGMENT");
            let args: Vec<String> = args.split_whitespace().map(String::from).collect();
            // Where: the message must name one of the flags given or the file read.
            let where_: Vec<String> = args
                .iter()
                .skip(1)
                .map(|arg| arg.split('=').next().unwrap_or(arg).to_string())
                .filter(|arg| !arg.is_empty())
                .collect();
            let case = Case {
                label: line.to_string(),
                args,
                expect: expect.to_string(),
            };
            (case, where_)
        })
        .collect()
}

#[test]
fn every_hostile_file_and_flag_is_refused_quickly_with_a_positioned_message() {
    let dir = std::env::temp_dir().join(format!("queuelab-hostile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut cases = file_cases();
    let files = cases.len();
    cases.extend(flag_cases());
    let flags = cases.len() - files;
    cases.extend(generated_cases(&dir));
    assert!(files >= 150, "the corpus has {files} files");
    assert!(flags >= 50, "the corpus has {flags} flag cases");
    // Two at a time: the machine has two cores, and the bounds must hold while others run.
    let judged: Vec<(Option<String>, Duration, i64)> = std::thread::scope(|scope| {
        let halves: Vec<_> = cases
            .chunks(cases.len().div_ceil(2))
            .map(|half| {
                scope.spawn(move || {
                    half.iter()
                        .map(|(case, where_)| judge(case, where_))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        halves
            .into_iter()
            .flat_map(|half| half.join().expect("a judging thread"))
            .collect()
    });
    let slowest = judged
        .iter()
        .map(|(_, time, _)| *time)
        .max()
        .unwrap_or_default();
    let largest = judged
        .iter()
        .map(|(_, _, rss)| *rss)
        .max()
        .unwrap_or_default();
    eprintln!(
        "{} hostile cases ({files} files, {flags} flags): slowest {:.2} s, largest peak RSS {} MB",
        cases.len(),
        slowest.as_secs_f64(),
        largest / 1024
    );
    let failures: Vec<String> = judged
        .into_iter()
        .filter_map(|(problem, _, _)| problem)
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases misbehaved:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// `--replications` at scale holds one time series, not one per replication: 1000 replications of
/// a 10-hour run (about 150 KB of series each, 157 MB peak when every series was kept, now about
/// 20 MB) stay within a small amount of memory beyond their summaries. 1000, not more, so that it
/// stays well inside the 15 s bound while the rest of the suite loads the machine.
#[test]
fn replications_keep_one_series_not_one_each() {
    let dir = std::env::temp_dir().join(format!("queuelab-replications-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("long.toml");
    std::fs::write(
        &file,
        "[run]\nseed = 1\nduration = \"10h\"\n[arrivals]\nprocess = \"poisson\"\nrate = 0.5\n\
         [service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 1\n",
    )
    .unwrap();
    let run = |replications: &str| {
        let args: Vec<String> = ["run", file.to_str().unwrap(), "-q", "--replications"]
            .iter()
            .map(|s| s.to_string())
            .chain([replications.to_string()])
            .collect();
        let outcome = run_bounded(&args);
        assert!(
            !outcome.timed_out,
            "--replications {replications} took over {TIME_BOUND:?}"
        );
        assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
        outcome.peak_rss_kb
    };
    let one = run("2");
    let many = run("1000");
    let _ = std::fs::remove_dir_all(&dir);
    // The summaries themselves: a few KB each.
    assert!(
        many - one < 50 * 1024,
        "2 replications peak at {} MB, 1000 at {} MB",
        one / 1024,
        many / 1024
    );
}
