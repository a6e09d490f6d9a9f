//! Validation of a sharded pool (`pool.shards`) and the request keys that route to it (`[keys]`).

use super::Checker;
use crate::scenario::config::KeyConfig;
use crate::scenario::raw::RawScenario;

/// The number of shards (1 without `pool.shards`) and the key distribution.
pub(super) fn shards(
    c: &mut Checker,
    raw: &RawScenario,
    workers: Option<usize>,
) -> (usize, Option<KeyConfig>) {
    let pool = raw.pool.clone().unwrap_or_default();
    let shards = c
        .count("pool.shards", Some(pool.shards.unwrap_or(1)), 1, 10_000)
        .unwrap_or(1);
    let keys = raw.keys.as_ref().and_then(|keys| {
        if keys.count.is_none() {
            c.error(
                "keys.count",
                "is required: how many distinct keys requests carry (e.g. 1000)",
            );
        }
        let count = c.count("keys.count", keys.count, 1, 1 << 40)? as u64;
        let hot_share = c.fraction("keys.hot_share", keys.hot_share, 0.0);
        Some(KeyConfig { count, hot_share })
    });
    if shards == 1 {
        // Keys change nothing on one shard; keeping them lets `pool.shards = 1` be compared
        // with more shards on the very same requests.
        return (1, keys);
    }
    if raw.keys.is_none() {
        c.error(
            "pool.shards",
            "a sharded pool routes each request by its key: add a [keys] table (e.g. count = 1000)",
        );
    }
    if let Some(workers) = workers.filter(|workers| workers % shards != 0) {
        c.error(
            "pool.workers",
            format!("{workers} workers cannot be split evenly over pool.shards = {shards}; use a multiple of {shards}"),
        );
    }
    let refused = [
        (
            raw.autoscaler.is_some(),
            "autoscaler",
            "a sharded pool keeps its size: resizing would have to choose a shard",
        ),
        (
            pool.scale_down.as_deref() == Some("preempt"),
            "pool.scale_down",
            "\"preempt\" resizes the pool, and a sharded pool keeps its size",
        ),
        (
            pool.idle_timeout.is_some(),
            "pool.idle_timeout",
            "idle expiry shrinks the pool, and a sharded pool keeps its size",
        ),
    ];
    for (present, path, why) in refused {
        if present {
            c.error(path, format!("cannot be combined with pool.shards: {why}"));
        }
    }
    (shards, keys)
}
