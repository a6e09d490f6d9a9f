//! Where a request goes: its key and the shard that serves it, its class's queue level, and its
//! work at each later pipeline stage. Both runtimes route by these, so a real run sends each
//! request where the simulated one did.

use crate::dist::Distribution;
use crate::rng::streams::{ROUTE_STREAM, STAGE_STREAM};
use crate::rng::Rng;
use crate::scenario::{Config, Discipline, KeyConfig, Next, Route};
use crate::time::SimDuration;

/// A request's key: the hot key (0) with probability `hot_share`, else one of `count` evenly.
pub fn draw_key(keys: &KeyConfig, rng: &mut Rng) -> u64 {
    if rng.next_f64() < keys.hot_share {
        0
    } else {
        rng.below(keys.count)
    }
}

/// Which shard serves a key: a fixed mix of the key, so one key always lands on one shard and
/// keys spread evenly over shards.
pub fn shard_of(key: u64, shards: usize) -> usize {
    let mut z = key.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) % shards as u64) as usize
}

/// Distinct priorities, highest first, become queue levels 0, 1, ...; non-priority disciplines
/// use one level.
pub fn priority_levels(config: &Config) -> Vec<usize> {
    match config.queue.discipline {
        Discipline::Fair => return (0..config.classes.len()).collect(),
        Discipline::Priority => {}
        _ => return vec![0; config.classes.len()],
    }
    let mut priorities: Vec<u8> = config.classes.iter().map(|class| class.priority).collect();
    priorities.sort_unstable_by(|a, b| b.cmp(a));
    priorities.dedup();
    config
        .classes
        .iter()
        .map(|class| {
            priorities
                .iter()
                .position(|&p| p == class.priority)
                .unwrap_or(0)
        })
        .collect()
}

/// Request `serial`'s work at later stage `stage` (0 = the stage after the pool) on its `hop`-th
/// station (the pool is hop 0): drawn from its own stream, so changing one stage's K never
/// changes another stage's work, and a real run (`--mode threads`) draws the very same work. An
/// item on the straight path (hop = stage + 1, every pipeline without routes) draws as it always
/// has; one that looped back or skipped ahead draws afresh at each visit.
pub fn stage_work(
    seed: u64,
    stage: usize,
    serial: u64,
    hop: u16,
    service: &Distribution,
) -> SimDuration {
    let off_path = u64::from(hop).wrapping_sub(stage as u64 + 1);
    let stream = (STAGE_STREAM + ((stage as u64) << 36) + serial).wrapping_add(off_path << 48);
    service.sample(&mut Rng::stream(seed, stream))
}

/// Where request `serial`'s item goes when it leaves a station on its `hop`-th hop, given the
/// station's `routes` (empty: `default`, on down the line). One draw from a stream of the
/// request's own per hop, so both runtimes route every item alike.
pub fn next_station(seed: u64, routes: &[Route], default: Next, serial: u64, hop: u16) -> Next {
    if routes.is_empty() {
        return default;
    }
    let stream = ROUTE_STREAM | u64::from(hop) << 40 | (serial & ((1 << 40) - 1));
    let mut draw = Rng::stream(seed, stream).next_f64();
    for route in routes {
        if draw < route.share {
            return route.to;
        }
        draw -= route.share;
    }
    // Rounding left the draw just above the last share.
    routes.last().map_or(default, |route| route.to)
}
