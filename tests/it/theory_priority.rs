//! Held-back theory points for the priority discipline: each class's mean latency in the engine
//! lands inside the 99.9 % interval of Cobham's non-preemptive priority formula, which the theory
//! box shows (M/M/c with one exponential for all classes; M/G/1 with each class its own service).

use super::support::{config, interval, replicate};
use queuelab::theory::{Analysis, PriorityModel};

const REPLICATIONS: u64 = 16;

fn check(text: &str, model: PriorityModel) {
    let scenario = config(text);
    let analysis = Analysis::of(&scenario);
    let predicted = analysis.priority.expect("a priority prediction");
    assert_eq!(predicted.model, model);
    assert!(analysis.prediction.is_none(), "FIFO's formulas stay silent");
    let runs = replicate(&scenario, REPLICATIONS);
    let mut failures = Vec::new();
    for class in &predicted.classes {
        let (mean, half) = interval(&runs, &format!("classes.{}.latency.mean", class.class));
        // The histogram's resolution, as for the FIFO points.
        let allowance = 0.005 * class.latency_mean;
        let inside = (mean - class.latency_mean).abs() <= half + allowance;
        let narrow = half <= 0.10 * class.latency_mean;
        if !inside || !narrow {
            failures.push(format!(
                "{}: predicted {:.5} s, simulated {mean:.5} ± {half:.5}",
                class.class, class.latency_mean
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Priority moves waiting between classes: the most urgent waits least.
    let waits: Vec<f64> = predicted.classes.iter().map(|c| c.wait_mean).collect();
    assert!(waits.windows(2).all(|w| w[0] < w[1]), "{waits:?}");
}

#[test]
fn three_priority_levels_on_three_workers_match_cobham() {
    check(
        "[run]\nseed = 3\ncustomers = 120000\nwarmup = \"250s\"\n\
         [arrivals]\nprocess = \"poisson\"\nrate = 25.5\n\
         [service]\ndistribution = \"exponential\"\nmean = \"100ms\"\n[pool]\nworkers = 3\n\
         [queue]\ndiscipline = \"priority\"\n\
         [[classes]]\nname = \"gold\"\nweight = 1\npriority = 2\n\
         [[classes]]\nname = \"silver\"\nweight = 1\npriority = 1\n\
         [[classes]]\nname = \"bronze\"\nweight = 2\npriority = 0\n",
        PriorityModel::Mmc,
    );
}

#[test]
fn one_worker_with_each_class_its_own_service_matches_cobham() {
    check(
        "[run]\nseed = 4\ncustomers = 120000\nwarmup = \"300s\"\n\
         [arrivals]\nprocess = \"poisson\"\nrate = 8\n\
         [service]\ndistribution = \"exponential\"\nmean = \"100ms\"\n[pool]\nworkers = 1\n\
         [queue]\ndiscipline = \"priority\"\n\
         [[classes]]\nname = \"checkout\"\nweight = 1\npriority = 1\n\
         service = { distribution = \"constant\", mean = \"50ms\" }\n\
         [[classes]]\nname = \"report\"\nweight = 1\npriority = 0\n",
        PriorityModel::Mg1,
    );
}

#[test]
fn no_priority_prediction_where_its_assumptions_break() {
    let base = "[run]\nseed = 1\ncustomers = 1000\n[arrivals]\nprocess = \"poisson\"\nrate = 20\n\
         [service]\ndistribution = \"constant\"\nmean = \"100ms\"\n[pool]\nworkers = 3\n\
         [queue]\ndiscipline = \"priority\"\n\
         [[classes]]\nname = \"a\"\npriority = 1\n[[classes]]\nname = \"b\"\n";
    // Several workers but not exponential service: no closed form, and the box says why.
    let analysis = Analysis::of(&config(base));
    assert!(analysis.priority.is_none());
    assert!(!analysis.caveats.is_empty());
    // A bounded queue, or a FIFO queue (Erlang C speaks there instead).
    let bounded = base
        .replace("constant", "exponential")
        .replace("discipline", "capacity = 10\ndiscipline");
    assert!(Analysis::of(&config(&bounded)).priority.is_none());
    let fifo = base
        .replace("constant", "exponential")
        .replace("discipline = \"priority\"", "");
    let analysis = Analysis::of(&config(&fifo));
    assert!(analysis.priority.is_none() && analysis.prediction.is_some());
}
