//! Oversized but well-formed scenarios, generated: every list near or past its limit. Within the
//! limits a scenario is accepted with every entry; past any of them it is refused, naming the
//! list and its limit — and either way validation stays quick.

use proptest::prelude::*;
use queuelab::scenario::limits::*;
use std::time::{Duration, Instant};

/// How many entries of each list a generated scenario has.
#[derive(Debug, Clone)]
struct Sizes {
    classes: usize,
    stages: usize,
    alerts: usize,
    segments: usize,
    components: usize,
    incidents: usize,
    prewarm: usize,
}

/// A count near `limit`: none, a few, just under or at it (most often), just past or far past.
fn around(limit: usize) -> impl Strategy<Value = usize> {
    prop_oneof![
        2 => Just(0),
        2 => 1..4usize,
        3 => (limit - 3)..=limit,
        1 => (limit + 1)..=(limit + 3),
        1 => (limit * 2)..=(limit * 3),
    ]
}

fn sizes() -> impl Strategy<Value = Sizes> {
    (
        around(MAX_CLASSES),
        around(MAX_STAGES),
        around(MAX_ALERTS),
        around(MAX_RATE_SEGMENTS),
        around(MAX_MIXTURE_COMPONENTS),
        around(MAX_INCIDENTS),
        around(MAX_PREWARM_STEPS),
    )
        .prop_map(
            |(classes, stages, alerts, segments, components, incidents, prewarm)| Sizes {
                classes,
                stages,
                alerts,
                segments,
                components,
                incidents,
                prewarm,
            },
        )
}

fn scenario(sizes: &Sizes) -> String {
    let mut text = String::from("[run]\ncustomers = 1000\n[arrivals]\n");
    if sizes.segments > 0 {
        let segments = vec!["{ duration = \"1s\", rate = 50 }"; sizes.segments].join(", ");
        text += &format!("process = \"schedule\"\nsegments = [{segments}]\n");
    } else {
        text += "process = \"poisson\"\nrate = 50\n";
    }
    if sizes.components > 0 {
        let components =
            vec!["{ weight = 1, distribution = \"constant\", mean = \"1ms\" }"; sizes.components];
        text += &format!(
            "[service]\ndistribution = \"mixture\"\ncomponents = [{}]\n",
            components.join(", ")
        );
    } else {
        text += "[service]\ndistribution = \"exponential\"\nmean = \"1ms\"\n";
    }
    text += "[pool]\nworkers = 4\n[queue]\ncapacity = 100\n";
    for i in 0..sizes.classes {
        text += &format!("[[classes]]\nname = \"c{i}\"\n");
    }
    for i in 0..sizes.stages {
        text += &format!("[[stages]]\nname = \"s{i}\"\nworkers = 1\nbuffer = 2\nservice = {{ distribution = \"constant\", mean = \"10us\" }}\n");
    }
    for i in 0..sizes.alerts {
        text += &format!(
            "[[alerts]]\nname = \"a{i}\"\nsignal = \"queue_len\"\nabove = {}\n",
            i + 1
        );
    }
    if sizes.incidents > 0 {
        text += "[downstream]\nlatency = { distribution = \"constant\", mean = \"1ms\" }\n";
        for i in 0..sizes.incidents {
            text += &format!("[[downstream.incidents]]\nfrom = \"{i}s\"\nto = \"{i}.5s\"\n");
        }
    }
    if sizes.prewarm > 0 && sizes.stages == 0 {
        text += "[autoscaler]\nmax_workers = 8\nscale_up_queue_fill = 0.5\n";
        for i in 0..sizes.prewarm {
            text += &format!(
                "[[autoscaler.prewarm]]\nat = \"{}s\"\nmin_workers = 2\n",
                i + 1
            );
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn lists_within_their_limits_are_kept_and_past_them_refused(sizes in sizes()) {
        let text = scenario(&sizes);
        let started = Instant::now();
        let parsed = queuelab::scenario::parse(&text, "big.toml");
        let took = started.elapsed();
        // The largest generated file is about 1 MiB; validation, built to refuse early, takes
        // milliseconds (the bound leaves room for a slow machine and a test build).
        prop_assert!(took < Duration::from_secs(5), "validation took {took:?}");
        let prewarm = if sizes.stages == 0 { sizes.prewarm } else { 0 };
        let over: Vec<(&str, usize, usize)> = [
            ("classes", sizes.classes, MAX_CLASSES),
            ("stages", sizes.stages, MAX_STAGES),
            ("alerts", sizes.alerts, MAX_ALERTS),
            ("arrivals.segments", sizes.segments, MAX_RATE_SEGMENTS),
            ("service.components", sizes.components, MAX_MIXTURE_COMPONENTS),
            ("downstream.incidents", sizes.incidents, MAX_INCIDENTS),
            ("autoscaler.prewarm", prewarm, MAX_PREWARM_STEPS),
        ]
        .into_iter()
        .filter(|(_, count, limit)| count > limit)
        .collect();
        if text.len() > MAX_INPUT_BYTES {
            let message = parsed.expect_err("an oversized file is refused").to_string();
            prop_assert!(message.contains("more than the limit of 1048576 bytes"), "{message}");
        } else if over.is_empty() {
            let config = parsed.map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(config.classes.len(), sizes.classes.max(1));
            prop_assert_eq!(config.stages.len(), sizes.stages);
            prop_assert_eq!(config.alerts.len(), sizes.alerts);
        } else {
            let message = parsed.expect_err("a list past its limit is refused").to_string();
            for (path, count, limit) in over {
                let expected = format!("{path}[{limit}]: {count} ");
                prop_assert!(message.contains(&expected), "{expected} not in {message}");
                prop_assert!(message.contains(&format!("more than the limit of {limit}")), "{message}");
            }
            prop_assert!(message.starts_with("big.toml:"), "not positioned: {message}");
        }
    }
}
