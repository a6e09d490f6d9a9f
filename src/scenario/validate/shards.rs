//! Validation of a split pool: shards (`pool.shards`, with the request keys that route to them,
//! `[keys]`) or classes with pools of their own (`classes[].workers`).

use super::{Checker, FRONT_STAGE};
use crate::scenario::config::KeyConfig;
use crate::scenario::limits::{MAX_KEYS, MAX_SHARDS};
use crate::scenario::raw::{RawAutoscaler, RawPool, RawScenario};

/// How the pool is split.
pub(super) struct Split {
    /// 1 without `pool.shards`.
    pub(super) shards: usize,
    pub(super) keys: Option<KeyConfig>,
    /// `autoscaler.budget`, shared by the classes' own pools.
    pub(super) budget: Option<usize>,
    /// `autoscaler.reclaim`.
    pub(super) reclaim: bool,
}

/// The number of shards, the key distribution, and the classes' pools' shared budget.
pub(super) fn split(c: &mut Checker, raw: &RawScenario, workers: Option<usize>) -> Split {
    let pool = raw.pool.clone().unwrap_or_default();
    let shards = c
        .count("pool.shards", Some(pool.shards.unwrap_or(1)), 1, MAX_SHARDS)
        .unwrap_or(1);
    let keys = raw.keys.as_ref().and_then(|keys| {
        if keys.count.is_none() {
            c.error(
                "keys.count",
                "is required: how many distinct keys requests carry (e.g. 1000)",
            );
        }
        c.count("keys.count", keys.count, 1, MAX_KEYS)?;
        // Taken from the raw value: a count past 2³² would be cut to 32 bits by the browser's
        // `usize`, routing requests there to other shards than natively.
        let count = keys.count? as u64;
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
    if shared_pool && class_pools > 0 {
        // The summary's `pools` names the shared pool `pool`: a class's pool by that name would
        // hide one of them.
        for (i, class) in raw.classes.iter().enumerate() {
            if class.workers.is_some() && class.name.as_deref() == Some(FRONT_STAGE) {
                c.error(
                    &format!("classes[{i}].name"),
                    format!("\"{FRONT_STAGE}\" names the shared pool (pool.workers) in the summary's pools; choose another name for a class with workers of its own"),
                );
            }
        }
    }
    if shards > 1 && class_pools > 0 {
        c.error(
            "pool.shards",
            "cannot be combined with classes that have pools of their own (classes[].workers): shard one pool, or give classes pools",
        );
    }
    let pools = class_pools + shared_pool as usize;
    let budget = budget(c, raw, pools, workers);
    let reclaim = raw
        .autoscaler
        .as_ref()
        .and_then(|autoscaler| autoscaler.reclaim)
        .unwrap_or(false);
    if reclaim && budget.is_none() {
        c.error(
            "autoscaler.reclaim",
            "takes workers back within a shared budget: set autoscaler.budget too",
        );
    }
    if shards == 1 {
        // Keys change nothing on one shard; keeping them lets `pool.shards = 1` be compared
        // with more shards on the very same requests.
        if pools > 1 {
            // Each class's pool has an autoscaler of its own; only these resize a pool as a whole.
            refuse_resizing(c, &pool, None, "a class's own pool keeps its workers");
        }
        return Split {
            shards: 1,
            keys,
            budget,
            reclaim,
        };
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
    refuse_resizing(
        c,
        &pool,
        raw.autoscaler.as_ref(),
        "a sharded pool keeps its size",
    );
    Split {
        shards,
        keys,
        budget,
        reclaim,
    }
}

/// `autoscaler.budget`: only for several pools, and at least what they start with.
fn budget(
    c: &mut Checker,
    raw: &RawScenario,
    pools: usize,
    workers: Option<usize>,
) -> Option<usize> {
    let raw_budget = raw.autoscaler.as_ref()?.budget;
    let budget = c.count("autoscaler.budget", raw_budget, 1, 1_000_000)?;
    if pools < 2 {
        c.error(
            "autoscaler.budget",
            "shares workers between classes' pools of their own (classes[].workers); for one pool use autoscaler.max_workers",
        );
        return None;
    }
    if let Some(workers) = workers.filter(|&workers| workers > budget) {
        c.error(
            "autoscaler.budget",
            format!("{budget} is less than the {workers} workers the pools start with"),
        );
        return None;
    }
    Some(budget)
}

/// A split pool keeps each part's workers: only an autoscaler per class pool may resize one.
fn refuse_resizing(c: &mut Checker, pool: &RawPool, autoscaler: Option<&RawAutoscaler>, why: &str) {
    let refused = [
        (autoscaler.is_some(), "autoscaler"),
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
