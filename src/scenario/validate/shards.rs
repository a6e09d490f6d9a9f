//! Validation of a split pool: shards (`pool.shards`, with the request keys that route to them,
//! `[keys]`) or classes with pools of their own (`classes[].workers`).

use super::Checker;
use crate::scenario::config::KeyConfig;
use crate::scenario::raw::{RawPool, RawScenario};

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
    let class_pools = raw
        .classes
        .iter()
        .filter(|class| class.workers.is_some())
        .count();
    let shared_pool =
        raw.classes.is_empty() || raw.classes.iter().any(|class| class.workers.is_none());
    if shards > 1 && class_pools > 0 {
        c.error(
            "pool.shards",
            "cannot be combined with classes that have pools of their own (classes[].workers): shard one pool, or give classes pools",
        );
    }
    if shards == 1 {
        // Keys change nothing on one shard; keeping them lets `pool.shards = 1` be compared
        // with more shards on the very same requests.
        if class_pools + shared_pool as usize > 1 {
            refuse_resizing(c, &pool, raw, "a class's own pool keeps its size");
        }
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
    refuse_resizing(c, &pool, raw, "a sharded pool keeps its size");
    (shards, keys)
}

/// A split pool keeps each part's size: nothing may resize it.
fn refuse_resizing(c: &mut Checker, pool: &RawPool, raw: &RawScenario, why: &str) {
    let refused = [
        (raw.autoscaler.is_some(), "autoscaler"),
        (
            pool.scale_down.as_deref() == Some("preempt"),
            "pool.scale_down",
        ),
        (pool.idle_timeout.is_some(), "pool.idle_timeout"),
    ];
    for (present, path) in refused {
        if present {
            c.error(
                path,
                format!("cannot be combined with a split pool: {why} (resizing would have to choose a part)"),
            );
        }
    }
}
