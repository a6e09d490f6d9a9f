//! Bad scenario files give `file:line:col: path: message` errors — never a panic.

use queuelab::scenario::{self, Override};

const VALID: &str = r#"[run]
customers = 1000
[arrivals]
process = "poisson"
rate = 3
[service]
distribution = "exponential"
mean = "1s"
[pool]
workers = 4
[queue]
capacity = 16
on_full = "reject"
"#;

fn error_of(text: &str) -> String {
    scenario::parse(text, "bad.toml")
        .expect_err("should be refused")
        .to_string()
}

#[test]
fn the_valid_base_parses() {
    assert!(scenario::parse(VALID, "ok.toml").is_ok());
}

#[test]
fn each_mistake_is_reported_with_its_position_and_a_hint() {
    let cases = [
        ("workers = 4", "workers = 0", "bad.toml:10:11: pool.workers: must be between 1 and 100000, got 0"),
        ("workers = 4", "worker = 4", "bad.toml:10:1: unknown field `worker`"),
        ("capacity = 16", "capacity = -1", "bad.toml:12:12: queue.capacity: must be ≥ 0"),
        ("rate = 3", "rate = -2", "bad.toml:5:8: arrivals.rate: must be a finite rate ≥ 0"),
        ("rate = 3", "rate = 0", "arrivals.rate: every arrival rate is 0"),
        ("on_full = \"reject\"", "on_full = \"explode\"", "bad.toml:13:11: queue.on_full: unknown value \"explode\"; expected one of: reject, block, timeout, drop-oldest, watermark"),
        ("mean = \"1s\"", "mean = \"1 parsec\"", "bad.toml:8:8: service.mean: invalid duration \"1 parsec\""),
        ("mean = \"1s\"", "mean = 1", "bad.toml:8:8: service.mean: a duration needs a unit: write \"1s\" or \"1ms\", not 1"),
        ("workers = 4", "workers = \"four\"", "bad.toml:10:11: pool.workers: invalid type: string \"four\", expected a whole number"),
        ("customers = 1000", "duration = \"1m\"\nwarmup = \"2m\"", "bad.toml:3:10: run.warmup: must be shorter than run.duration (1m), got 2m"),
        ("customers = 1000", "", "run: set run.customers"),
        ("customers = 1000", "customers = 1000000000000", "run.customers: this run needs about"),
        ("on_full = \"reject\"", "on_full = \"watermark\"\nshed_at = 24\nresume_below = 30", "queue.resume_below: must not exceed shed_at (24)"),
        ("on_full = \"reject\"", "on_full = \"timeout\"", "queue.timeout: is required"),
        ("distribution = \"exponential\"", "distribution = \"pareto\"", "service.distribution: unknown value \"pareto\"; expected one of: exponential, constant, uniform, lognormal, erlang, gamma, mixture, empirical"),
        ("[queue]", "[queue]\nfoo = 1", "bad.toml:12:1: unknown field `foo`"),
        ("rate = 3", "rate = 3\nrate = 4", "bad.toml:6:1: duplicate key"),
        ("[queue]", "[hedge]\n[queue]", "hedge.delay: is required"),
        ("[queue]", "[shutdown]\ndrain_timeout = \"5s\"\n[queue]", "shutdown.at: is required"),
        ("[queue]", "[[alerts]]\nname = \"q\"\nsignal = \"heap\"\nabove = 1\n[queue]", "bad.toml:13:10: alerts[0].signal: unknown value \"heap\"; expected one of: queue_len, in_system, utilization"),
        ("[queue]", "[[alerts]]\nname = \"q\"\n[queue]", "alerts[0].above: is required"),
        ("[queue]", "[[alerts]]\nname = \"q\"\nabove = 1\n[[alerts]]\nname = \"q\"\nabove = 2\n[queue]", "alerts[1].name: \"q\" is used by an earlier alert"),
        ("customers = 1000", "duration = \"1m\"\n[shutdown]\nat = \"2m\"", "bad.toml:4:6: shutdown.at: must come before run.duration (1m), got 2m"),
        ("[queue]", "[hedge]\ndelay = \"0s\"\n[queue]", "bad.toml:12:9: hedge.delay: must be longer than zero"),
        ("[queue]", "[hedge]\ndelay = \"soon\"\n[queue]", "bad.toml:12:9: hedge.delay: invalid duration"),
        ("[queue]", "[[classes]]\nweight = 1\n[[classes]]\nname = \"class0\"\n[queue]", "classes[1].name: duplicate class name \"class0\""),
        ("[queue]", "[[classes]]\nname = \"class1\"\n[[classes]]\nweight = 2\n[queue]", "classes[1].name: duplicate class name \"class1\""),
    ];
    for (from, to, expected) in cases {
        let text = VALID.replacen(from, to, 1);
        let error = error_of(&text);
        assert!(
            error.contains(expected),
            "for {to:?}\nexpected: {expected}\n     got: {error}"
        );
    }
}

#[test]
fn slo_limiter_mistakes_are_reported_with_their_position() {
    // VALID is 13 lines: [limiter] is line 14, `kind` 15, the field under test 16 (then the
    // required target, unless the case is about the target).
    let cases = [
        ("", "bad.toml:14:1: limiter.target: is required for kind = \"slo\""),
        ("target = \"0ms\"", "bad.toml:16:10: limiter.target: must be longer than zero"),
        ("target = 1", "bad.toml:16:10: limiter.target: a duration needs a unit"),
        ("percentile = 1.0", "bad.toml:16:14: limiter.percentile: must be in (0, 1), got 1"),
        ("percentile = 0", "bad.toml:16:14: limiter.percentile: must be in (0, 1), got 0"),
        ("window = 0", "bad.toml:16:10: limiter.window: must be between 1 and 1000000, got 0"),
        ("backoff = 1.0", "bad.toml:16:11: limiter.backoff: must be in (0, 1), got 1"),
        ("headroom = 1.5", "bad.toml:16:12: limiter.headroom: must be in (0, 1], got 1.5"),
        ("limit = 300", "bad.toml:16:9: limiter.limit: must be between min_limit (1) and max_limit (200), got 300"),
        ("min_limit = 30", "bad.toml:16:13: limiter.min_limit: must not exceed the initial limit (20 by default)"),
        ("max_limit = 10", "bad.toml:16:13: limiter.max_limit: must be at least the initial limit (20 by default)"),
        ("max_limit = 0", "bad.toml:16:13: limiter.max_limit: must be between 1 and 1000000, got 0"),
        ("timeout = \"1s\"", "bad.toml:16:11: limiter.timeout: applies only to kind = \"aimd\""),
        ("smoothing = 0.5", "bad.toml:16:13: limiter.smoothing: applies only to kind = \"vegas\" or \"gradient2\""),
    ];
    for (field, expected) in cases {
        let mut text = format!("{VALID}[limiter]\nkind = \"slo\"\n{field}\n");
        if !field.is_empty() && !field.starts_with("target") {
            text.push_str("target = \"200ms\"\n");
        }
        let error = error_of(&text);
        assert!(
            error.contains(expected),
            "for {field:?}\nexpected: {expected}\n     got: {error}"
        );
    }
    let error = error_of(&format!(
        "{VALID}[limiter]\nkind = \"gradient2\"\ntarget = \"200ms\"\nheadroom = 0.5\n"
    ));
    assert!(
        error.contains("bad.toml:16:10: limiter.target: applies only to kind = \"slo\"")
            && error.contains("bad.toml:17:12: limiter.headroom: applies only to kind = \"slo\""),
        "{error}"
    );
    let fine = format!(
        "{VALID}[limiter]\nkind = \"slo\"\ntarget = \"200ms\"\nheadroom = 1.0\nlimit = 1\n"
    );
    assert!(scenario::parse(&fine, "ok.toml").is_ok());
}

#[test]
fn every_problem_in_a_file_is_reported_at_once() {
    let text = VALID
        .replace("workers = 4", "workers = 0")
        .replace("capacity = 16", "capacity = -3");
    let error = error_of(&text);
    assert!(
        error.contains("pool.workers") && error.contains("queue.capacity"),
        "{error}"
    );
    assert_eq!(error.lines().count(), 2);
}

#[test]
fn overrides_are_validated_like_file_values() {
    let overrides: Vec<Override> = vec!["pool.workers=0".parse().unwrap()];
    let error = scenario::parse_with_overrides(VALID, "ok.toml", &overrides)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("--set pool.workers=0: pool.workers: must be between 1"),
        "{error}"
    );
    assert!("no-equals-sign".parse::<Override>().is_err());
    let wrong_type: Vec<Override> = vec![
        "run.seed=3".parse().unwrap(),
        "pool.workers=abc".parse().unwrap(),
    ];
    let error = scenario::parse_with_overrides(VALID, "ok.toml", &wrong_type)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("--set pool.workers=\"abc\": pool.workers: invalid type"),
        "a wrong type from --set is the flag's fault, not the file's: {error}"
    );
    let nested: Vec<Override> = vec![
        "queue.on_full=block".parse().unwrap(),
        "run.seed=9".parse().unwrap(),
    ];
    let config = scenario::parse_with_overrides(VALID, "ok.toml", &nested).unwrap();
    assert_eq!(config.seed, 9);
    assert_eq!(config.queue.overflow.name(), "block");
}

#[test]
fn block_on_an_unbounded_queue_is_refused() {
    let text = VALID
        .replace("capacity = 16\n", "")
        .replace("\"reject\"", "\"block\"");
    assert!(error_of(&text).contains("needs a bounded queue"));
}

/// Closed-loop clients with no think time, refused at once, resend at once: simulated time
/// stops. The run stops there too, quickly, and says why, instead of burning the event limit.
#[test]
fn a_run_stuck_at_one_instant_stops_and_says_why() {
    let text = "[run]\nduration = \"10s\"\n[arrivals]\nprocess = \"closed\"\nclients = 50\n\
                [service]\ndistribution = \"exponential\"\nmean = \"100ms\"\n[pool]\nworkers = 1\n\
                [queue]\ncapacity = 0\non_full = \"reject\"\n";
    let summary = queuelab::sim::Engine::new(&crate::support::config(text)).run();
    assert!(summary.truncated);
    assert_eq!(summary.stalled_at_seconds, Some(0.0));
    let why = summary.cut_short().expect("cut short");
    assert!(
        why.contains("got stuck at t = 0.000 s") && why.contains("think time"),
        "{why}"
    );
    let thinking = text.replace(
        "clients = 50\n",
        "clients = 50\nthink = { distribution = \"exponential\", mean = \"50ms\" }\n",
    );
    let summary = queuelab::sim::Engine::new(&crate::support::config(&thinking)).run();
    assert!(summary.cut_short().is_none(), "{summary:?}");
}

#[test]
fn every_error_says_its_kind_and_where_its_value_is() {
    use queuelab::scenario::{parse, parse_with_overrides, ErrorKind, Override};
    let base = "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
                [service]\ndistribution = \"constant\"\nmean = \"1s\"\n[pool]\nworkers = 1\n";
    let kind_of = |text: &str| parse(text, "k.toml").unwrap_err().0[0].kind;
    assert_eq!(kind_of("[run\n"), ErrorKind::Syntax);
    assert_eq!(
        kind_of(&format!("{base}colour = 3\n")),
        ErrorKind::UnknownField
    );
    assert_eq!(
        kind_of(&base.replace("workers = 1", "workers = \"one\"")),
        ErrorKind::Malformed
    );
    assert_eq!(
        kind_of(&base.replace("mean = \"1s\"", "mean = \"1 parsec\"")),
        ErrorKind::Malformed
    );
    assert_eq!(
        kind_of(&base.replace("workers = 1", "workers = 0")),
        ErrorKind::OutOfRange
    );
    assert_eq!(
        kind_of(&base.replace("\"poisson\"", "\"bursty\"")),
        ErrorKind::UnknownChoice
    );
    assert_eq!(
        kind_of(&format!(
            "{base}[fanout]\nlatency = {{ distribution = \"constant\", mean = \"1ms\" }}\n"
        )),
        ErrorKind::Missing
    );
    assert_eq!(
        kind_of(
            &format!("{base}[autoscaler]\nkind = \"pid\"\nmin_workers = 4\nmax_workers = 2\n")
                .replace("workers = 1", "workers = 3")
        ),
        ErrorKind::Invalid
    );
    let many_stages: String = (0..70)
        .map(|i| format!("[[stages]]\nname = \"s{i}\"\nworkers = 1\nservice = {{ distribution = \"constant\", mean = \"1ms\" }}\n"))
        .collect();
    assert_eq!(
        kind_of(&format!("{base}{many_stages}")),
        ErrorKind::TooLarge
    );
    #[cfg(feature = "script")]
    assert_eq!(
        kind_of(&format!(
            "{base}[limiter]\nkind = \"script\"\ncode = \"fn new_limit(sample) {{ 1 +\"\n"
        )),
        ErrorKind::Script
    );
    let flag = parse_with_overrides(
        base,
        "k.toml",
        &["pool.workers.x=3".parse::<Override>().unwrap()],
    )
    .unwrap_err()
    .0[0]
        .kind;
    assert_eq!(flag, ErrorKind::Override);
    assert_eq!(
        "novalue".parse::<Override>().unwrap_err().kind,
        ErrorKind::Override
    );
    // The span is the faulty value's place in the text.
    let text = base.replace("workers = 1", "workers = 0");
    let error = &parse(&text, "k.toml").unwrap_err().0[0];
    let span = error.byte_range().expect("a positioned error has a span");
    assert_eq!(&text[span], "0");
}
