//! Fuzzing the parser and validator (and the engine on whatever they accept): no panic, no hang.
//!
//! Two generators: arbitrary text, and structured scenarios built from the real field names with
//! hostile values (negative, zero, huge, NaN, wrong types). Accepted scenarios are run with a
//! small event limit, so the engine itself is fuzzed too.

use proptest::prelude::*;
use queuelab::scenario;
use queuelab::sim::Engine;

fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        (-3i64..70).prop_map(|n| n.to_string()),
        prop::sample::select(vec![
            "0",
            "-1",
            "1e308",
            "nan",
            "inf",
            "-inf",
            "0.000001",
            "9223372036854775807",
            "true",
            "\"\"",
            "\"0\"",
            "\"1ns\"",
            "\"5ms\"",
            "\"1s\"",
            "\"3h\"",
            "\"-1s\"",
            "\"1e9h\"",
            "[]",
            "{}",
            "\"poisson\"",
            "\"closed\"",
            "\"schedule\"",
            "\"bursts\"",
            "\"constant\"",
            "\"mixture\"",
            "\"block\"",
            "\"timeout\"",
            "\"watermark\"",
            "\"drop-oldest\"",
            "\"lifo\"",
            "\"priority\"",
            "\"exponential\"",
            "\"lognormal\"",
            "\"gamma\"",
            "\"erlang\"",
            "\"uniform\"",
            "\"cancel\"",
            "[{ duration = \"1s\", rate = 5 }]",
            "[{ duration = \"1ns\", from = 0, to = 1e-300 }]",
            "[{ weight = 1, distribution = \"constant\", mean = \"0\" }]",
            "\"aimd\"",
            "\"vegas\"",
            "\"gradient2\"",
            "\"slo\"",
            "\"fixed\"",
            "\"hpa\"",
            "\"pid\"",
            "\"wait-time\"",
            "\"delay\"",
            "\"time\"",
            "0.5",
            "{ distribution = \"exponential\", mean = \"5ms\" }",
            "[{ from = \"1s\", to = \"2s\", slowdown = 3, error_rate = 1.0 }]",
            "\"aimd\"",
            "\"vegas\"",
            "\"gradient2\"",
            "\"slo\"",
            "\"fixed\"",
            "\"hpa\"",
            "\"pid\"",
            "\"wait-time\"",
            "\"delay\"",
            "\"time\"",
            "0.5",
            "1.0",
            "{ distribution = \"exponential\", mean = \"5ms\" }",
            "[{ from = \"1s\", to = \"2s\", slowdown = 3, error_rate = 1.0 }]",
        ])
        .prop_map(str::to_string),
    ]
}

const FIELDS: &[(&str, &[&str])] = &[
    (
        "run",
        &["seed", "customers", "duration", "warmup", "sample_interval"],
    ),
    (
        "arrivals",
        &[
            "process", "rate", "segments", "after", "spacing", "on", "off", "off_rate", "clients",
        ],
    ),
    (
        "service",
        &[
            "distribution",
            "mean",
            "value",
            "min",
            "max",
            "scv",
            "k",
            "shape",
            "components",
        ],
    ),
    (
        "pool",
        &[
            "workers",
            "scale_down",
            "start_up",
            "idle_timeout",
            "min_workers",
        ],
    ),
    (
        "queue",
        &[
            "capacity",
            "on_full",
            "timeout",
            "shed_at",
            "resume_below",
            "discipline",
        ],
    ),
    ("deadline", &["timeout", "started_work"]),
    ("rate_limit", &["rate", "burst", "on_limit", "per_class"]),
    (
        "limiter",
        &[
            "kind",
            "limit",
            "min_limit",
            "max_limit",
            "backoff",
            "timeout",
            "smoothing",
            "target",
            "percentile",
            "headroom",
        ],
    ),
    ("downstream", &["latency", "error_rate", "incidents"]),
    (
        "breaker",
        &[
            "failure_rate_threshold",
            "window",
            "window_size",
            "minimum_calls",
            "wait_in_open",
            "permitted_in_half_open",
        ],
    ),
    (
        "retry",
        &["max_attempts", "backoff", "multiplier", "jitter", "budget"],
    ),
    ("hedge", &["delay"]),
    (
        "chaos",
        &[
            "panic_rate",
            "restart",
            "slow_rate",
            "slow_factor",
            "drift_per_hour",
        ],
    ),
    (
        "autoscaler",
        &[
            "kind",
            "interval",
            "min_workers",
            "max_workers",
            "scale_up_queue_fill",
            "scale_up_queue_len",
            "scale_down_utilization",
        ],
    ),
];

fn structured_scenario() -> impl Strategy<Value = String> {
    let base = "[run]\ncustomers = 300\n[arrivals]\nprocess = \"poisson\"\nrate = 50\n\
                [service]\ndistribution = \"exponential\"\nmean = \"10ms\"\n[pool]\nworkers = 2\n[queue]\ncapacity = 4\n";
    prop::collection::vec((0..FIELDS.len(), 0usize..10, hostile_value()), 0..6).prop_map(
        move |edits| {
            let mut text = base.to_string();
            for (table, field, value) in edits {
                let (name, fields) = FIELDS[table];
                let field = fields[field % fields.len()];
                // Append to the table (later duplicate keys are themselves a parse error to survive).
                text.push_str(&format!("\n[{name}]\n{field} = {value}\n"));
            }
            text
        },
    )
}

fn run_if_valid(text: &str) {
    if let Ok(config) = scenario::parse(text, "fuzz.toml") {
        let summary = Engine::new(&config).with_event_limit(20_000).run();
        assert!(summary.events <= 20_001);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        let _ = scenario::parse(&text, "fuzz.toml");
    }

    #[test]
    fn hostile_scenarios_are_refused_or_run(text in structured_scenario()) {
        run_if_valid(&text);
    }

    #[test]
    fn overrides_with_hostile_values_never_panic(path in "[a-z_.\\[\\]0-9]{1,30}", value in hostile_value()) {
        let base = "[run]\ncustomers = 100\n[arrivals]\nprocess = \"poisson\"\nrate = 5\n\
                    [service]\ndistribution = \"exponential\"\nmean = \"10ms\"\n[pool]\nworkers = 2\n";
        if let Ok(edit) = format!("{path}={value}").parse::<scenario::Override>() {
            if let Ok(config) = scenario::parse_with_overrides(base, "fuzz.toml", &[edit]) {
                let _ = Engine::new(&config).with_event_limit(20_000).run();
            }
        }
    }
}

#[test]
fn duplicate_tables_from_the_generator_are_errors_not_panics() {
    let text = "[pool]\nworkers = 1\n[pool]\nworkers = 2\n";
    assert!(scenario::parse(text, "dup.toml").is_err());
}
