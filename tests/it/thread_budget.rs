//! The real-thread runtime counts every thread it would start against its limit of 4096 —
//! producers and the per-lane helpers too — and refuses a run past it before starting any.

use queuelab::threads::{self, ThreadOptions, Threads, MAX_THREADS};

fn sharded(workers: usize, shards: usize) -> queuelab::scenario::Config {
    super::support::config(&format!(
        "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
         [service]\ndistribution = \"constant\"\nvalue = \"1ms\"\n\
         [pool]\nworkers = {workers}\nshards = {shards}\n[keys]\ncount = 100000\n"
    ))
}

#[test]
fn shards_helpers_count_against_the_thread_limit() {
    // 4096 workers on 4096 shards would start 4096 workers, a producer, the delay line and a
    // blocked-sender line per shard: 8194 threads, not 4096.
    let config = sharded(4096, 4096);
    let need = Threads::of(&config);
    assert_eq!(
        need,
        Threads {
            workers: 4096,
            producers: 1,
            lanes: 4096
        }
    );
    assert_eq!(need.total(), 8194);
    let started = std::time::Instant::now();
    let error = threads::run(&config, &ThreadOptions::default())
        .err()
        .expect("refused");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(
        error.contains("needs 8194 threads")
            && error.contains("workers 4096,")
            && error.contains(") 4097;")
            && error.contains("4096 lanes")
            && error.contains("at most 4096"),
        "{error}"
    );
}

#[test]
fn the_largest_run_that_fits_is_accepted_and_one_more_thread_is_not() {
    // One lane: a worker pool, one producer, two helpers.
    let fits = sharded(MAX_THREADS - 3, 1);
    assert_eq!(Threads::of(&fits).total(), MAX_THREADS);
    assert_eq!(threads::check_supported(&fits), Ok(()));
    let over = sharded(MAX_THREADS - 2, 1);
    let error = threads::check_supported(&over).expect_err("refused");
    assert!(error.contains("needs 4097 threads"), "{error}");
    // Shards add a helper each: as many workers on two shards are one thread too many.
    let split = sharded(MAX_THREADS - 4, 2);
    assert_eq!(Threads::of(&split).total(), MAX_THREADS);
    assert_eq!(threads::check_supported(&split), Ok(()));
    let split = sharded(MAX_THREADS - 4, 4);
    assert_eq!(Threads::of(&split).total(), MAX_THREADS + 2);
    assert!(threads::check_supported(&split).is_err());
}

#[test]
fn closed_loop_clients_and_class_pools_are_counted() {
    let clients = super::support::config(
        "[run]\nduration = \"1s\"\n[arrivals]\nprocess = \"closed\"\nclients = 4000\nthink = { distribution = \"constant\", value = \"1s\" }\n\
         [service]\ndistribution = \"constant\"\nvalue = \"1ms\"\n[pool]\nworkers = 100\n",
    );
    // 100 workers + 4000 clients + 2 helpers.
    assert_eq!(Threads::of(&clients).total(), 4102);
    let error = threads::check_supported(&clients).expect_err("refused");
    assert!(error.contains("clients) 4000,"), "{error}");
    let mut pools = String::from(
        "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
         [service]\ndistribution = \"constant\"\nvalue = \"1ms\"\n",
    );
    for class in 0..200 {
        pools += &format!("[[classes]]\nname = \"c{class}\"\nworkers = 20\n");
    }
    // 4000 workers in 200 pools: 200 blocked-sender lines and the delay line too.
    let need = Threads::of(&super::support::config(&pools));
    assert_eq!((need.workers, need.lanes, need.total()), (4000, 200, 4202));
}
