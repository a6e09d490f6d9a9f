//! Routing between stations (`pool.routes`, `stages[].routes`): splits and feedback loops form an
//! open Jackson network, whose theory the simulation must meet; both runtimes route every item
//! alike; a network that traps items is refused.

use super::support::{
    assert_every_request_counted_once, assert_refused, config, interval, replicate,
};
use queuelab::sim::Engine;
use queuelab::theory::{jackson, NotJackson};

/// A web tier (2 workers, 50 ms) answers 40 % of requests itself and sends 60 % to the database;
/// the database answers 70 % and sends 30 % on to rendering; rendering sends 20 % back to the
/// database (a second query) and answers the rest.
fn network(customers: u64, buffer: u64) -> String {
    format!(
        "[run]\nseed = 3\ncustomers = {customers}\nwarmup = \"20s\"\n\
         [arrivals]\nprocess = \"poisson\"\nrate = 20\n\
         [service]\ndistribution = \"exponential\"\nmean = \"50ms\"\n\
         [pool]\nworkers = 2\nroutes = [{{ to = \"db\", share = 0.6 }}, {{ to = \"exit\", share = 0.4 }}]\n\
         [[stages]]\nname = \"db\"\nworkers = 1\nbuffer = {buffer}\n\
         service = {{ distribution = \"exponential\", mean = \"25ms\" }}\n\
         routes = [{{ to = \"exit\", share = 0.7 }}, {{ to = \"render\", share = 0.3 }}]\n\
         [[stages]]\nname = \"render\"\nworkers = 1\nbuffer = {buffer}\n\
         service = {{ distribution = \"exponential\", mean = \"40ms\" }}\n\
         routes = [{{ to = \"db\", share = 0.2 }}, {{ to = \"exit\", share = 0.8 }}]\n"
    )
}

#[test]
fn a_network_with_feedback_meets_jacksons_theorem() {
    let config = config(&network(40_000, 100_000));
    let theory = jackson(&config).expect("a Jackson network");
    // Traffic equations: v_db = 0.6 + 0.2 · v_render, v_render = 0.3 · v_db.
    let v_db = 0.6 / (1.0 - 0.06);
    assert!((theory.stations[1].visits - v_db).abs() < 1e-9);
    assert!((theory.stations[2].visits - 0.3 * v_db).abs() < 1e-9);
    let runs = replicate(&config, 10);
    let (latency, half_width) = interval(&runs, "latency.mean");
    assert!(
        (latency - theory.latency_mean).abs() < half_width + 0.002,
        "mean latency {latency:.4} ± {half_width:.4} s, Jackson {:.4} s",
        theory.latency_mean
    );
    for station in &theory.stations {
        let (utilization, half_width) =
            interval(&runs, &format!("stages.{}.utilization", station.name));
        assert!(
            (utilization - station.utilization).abs() < half_width + 0.005,
            "{}: utilisation {utilization:.4} ± {half_width:.4}, Jackson {:.4}",
            station.name,
            station.utilization
        );
    }
    // Every request leaves exactly once, whatever way it took.
    let whole = Engine::new(&super::support::config(
        &network(5_000, 100_000).replace("warmup = \"20s\"\n", ""),
    ))
    .run();
    assert_every_request_counted_once(&whole);
    assert_eq!(whole.in_flight_at_end, 0);
}

#[test]
fn routes_are_drawn_per_request_and_a_straight_pipeline_is_unchanged() {
    let text = network(3_000, 100_000);
    let first = Engine::new(&config(&text)).run();
    let again = Engine::new(&config(&text)).run();
    assert_eq!(
        serde_json::to_string(&first).unwrap(),
        serde_json::to_string(&again).unwrap()
    );
    // Writing out the default route (on to the next stage, then out) changes nothing.
    let line = "[run]\nseed = 2\ncustomers = 2000\n[arrivals]\nprocess = \"poisson\"\nrate = 10\n\
                [service]\ndistribution = \"exponential\"\nmean = \"50ms\"\n[pool]\nworkers = 1\n\
                [[stages]]\nname = \"a\"\nworkers = 1\nbuffer = 3\n\
                service = { distribution = \"exponential\", mean = \"40ms\" }\n";
    let spelled = line.replace(
        "workers = 1\n[[stages]]",
        "workers = 1\nroutes = [{ to = \"a\", share = 1 }]\n[[stages]]",
    ) + "routes = [{ to = \"exit\", share = 1.0 }]\n";
    assert_eq!(
        serde_json::to_string(&Engine::new(&config(line)).run()).unwrap(),
        serde_json::to_string(&Engine::new(&config(&spelled)).run()).unwrap()
    );
}

#[test]
fn small_buffers_block_and_the_theory_says_so() {
    let blocked = config(&network(5_000, 2));
    assert!(matches!(
        jackson(&blocked),
        Err(NotJackson::Bounded { station }) if station == "db"
    ));
    let summary = Engine::new(&blocked).run();
    assert!(summary.completed > 4_000, "{}", summary.completed);
}

#[test]
fn bad_routes_are_refused_where_they_are() {
    let build = |edit: &str| network(10, 100).replace("{ to = \"render\", share = 0.3 }", edit);
    assert_refused(
        &[
            ("{ to = \"cache\", share = 0.3 }", "stages[0].routes[1].to: no stage is named \"cache\" (it may be one of: \"db\", \"render\", \"exit\")"),
            ("{ to = \"pool\", share = 0.3 }", "routing back to \"pool\""),
            ("{ to = \"render\", share = 0.4 }", "stages[0].routes: the shares must add up to 1, they add up to 1.1"),
            ("{ to = \"render\", share = -0.3 }", "must be a share above 0 and at most 1, got -0.3"),
            ("{ to = \"render\" }", "stages[0].routes[1].share: is required"),
            ("{ to = \"exit\", share = 0.3 }", "goes where an earlier route already goes"),
            ("{ to = \"render\", share = 0.3, weight = 1 }", "unknown field `weight`"),
        ],
        build,
    );
    // A loop with no way out traps items: db → render → db for ever.
    let trap = network(10, 100)
        .replace(
            "{ to = \"exit\", share = 0.7 }, { to = \"render\", share = 0.3 }",
            "{ to = \"render\", share = 1 }",
        )
        .replace(
            "{ to = \"db\", share = 0.2 }, { to = \"exit\", share = 0.8 }",
            "{ to = \"db\", share = 1 }",
        );
    let error = queuelab::scenario::parse(&trap, "trap.toml")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("stages[0].routes: items that reach \"db\" can never leave"),
        "{error}"
    );
    // Routes without stages, and a loop the work budget cannot afford.
    let lonely = "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
                  [service]\ndistribution = \"constant\"\nmean = \"1s\"\n[pool]\nworkers = 1\n\
                  routes = [{ to = \"exit\", share = 1 }]\n";
    let error = queuelab::scenario::parse(lonely, "l.toml")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("pool.routes: routes lead to later stages"),
        "{error}"
    );
    let busy_loop = network(1_000_000, 100).replace(
        "{ to = \"db\", share = 0.2 }, { to = \"exit\", share = 0.8 }",
        "{ to = \"render\", share = 0.9999 }, { to = \"exit\", share = 0.0001 }",
    );
    let error = queuelab::scenario::parse(&busy_loop, "b.toml")
        .unwrap_err()
        .to_string();
    assert!(error.contains("visits to later stages"), "{error}");
}

#[test]
fn real_threads_route_every_item_as_the_simulation_does() {
    let _one = super::threads::ONE_AT_A_TIME.lock();
    let text = network(400, 100_000).replace("warmup = \"20s\"\n", "");
    let config = config(&text);
    let sim = Engine::new(&config).run();
    let options = queuelab::threads::ThreadOptions {
        time_scale: 0.2,
        ..Default::default()
    };
    let real = queuelab::threads::run(&config, &options).unwrap().summary;
    assert_every_request_counted_once(&real);
    // The same routes drawn for the same requests: the same number of passes at each station.
    for name in ["pool", "db", "render"] {
        assert_eq!(
            sim.stages[name].completed, real.stages[name].completed,
            "passes through {name}"
        );
    }
}
