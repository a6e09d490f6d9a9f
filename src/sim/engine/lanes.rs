//! Lanes: the first pool split into shards (`pool.shards`) or into pools of their own for some
//! classes (`classes[].workers`), each lane a queue with its own workers.
//!
//! Most scenarios have one lane: one queue served by every worker. A class with workers of its
//! own gets a lane no other class uses (tiered pools: premium work never waits behind free
//! work, and never borrows free workers either). A sharded pool routes each
//! request by the hash of its key to one shard and only that shard's workers serve it, as in a
//! Go pool of N goroutines each reading its own channel: requests for one key stay in order on one
//! shard, but a shard's idle workers never help a busy one. Admission policies (rate limit,
//! limiter, bulkheads, breaker) stay shared; the overflow policy and blocked senders act per lane,
//! as each shard's channel blocks or refuses on its own.
//!
//! A lane is a [`Station`](super::station::Station) at position 0; the engine keeps its lanes first in its list of
//! stations, so a lane's index is its station's index.

use super::station::Counts;
use super::*;

impl Engine {
    /// What the first pool holds, all its lanes together: its one lane's counts, or (with
    /// several lanes) the sum of theirs as of the end of the last event — each lane an event
    /// touches is added in once when reported, so an event costs O(lanes it touches).
    pub(super) fn pool_counts(&self) -> Counts {
        match self.lanes() {
            [lane] => lane.counts(),
            _ => self.lane_tracking.totals,
        }
    }

    /// How many workers the first pool should have: its lanes' targets.
    pub(super) fn pool_target(&self) -> usize {
        self.lanes().iter().map(|lane| lane.target).sum()
    }

    /// Jobs waiting in every lane's queue (between events, see [`Engine::pool_counts`]).
    pub(super) fn queued(&self) -> usize {
        self.pool_counts().queued
    }

    /// The lane a new request of `class` goes to: the shard of its key, or its class's pool.
    pub(super) fn route(&mut self, class: u16, given_key: Option<u64>) -> u16 {
        let Some(keys) = self.producers.keys else {
            return self.producers.lane_of_class[class as usize] as u16;
        };
        let key = given_key.unwrap_or_else(|| draw_key(&keys, &mut self.producers.key_rng));
        shard_of(key, self.pool.lanes) as u16
    }

    /// Station `station`'s levels (queue, busy, held or workers) change in this event: its
    /// meter hears of it at the event's end. Events cost O(stations they touch), not
    /// O(stations). A lane is metered on its own only when the pool has several.
    pub(super) fn touch(&mut self, station: usize) {
        let metered = self.lane_tracking.per_lane || !self.is_lane(station);
        let state = &mut self.stations[station];
        if !state.touched && metered {
            state.touched = true;
            self.lane_tracking.touched.push(station as u32);
        }
    }

    /// Reports the stations this event changed, with their new levels, to the recorder.
    pub(super) fn report_touched_lanes(&mut self) {
        if self.lane_tracking.touched.is_empty() {
            return;
        }
        // Taken and given back, so the list keeps its allocation from event to event.
        let mut touched = std::mem::take(&mut self.lane_tracking.touched);
        for &station in &touched {
            let station = station as usize;
            let lane = self.is_lane(station);
            let state = &mut self.stations[station];
            state.touched = false;
            let levels = state.levels();
            if !lane {
                let position = usize::from(state.position);
                self.recorder.stage_changed(position, self.now, levels);
                continue;
            }
            let now = state.counts();
            let was = std::mem::replace(&mut state.counted, now);
            self.lane_tracking.totals = self.lane_tracking.totals.shifted(was, now);
            self.recorder.shard_changed(station, self.now, levels);
        }
        touched.clear();
        self.lane_tracking.touched = touched;
    }
}

#[cfg(test)]
mod tests {
    use super::shard_of;

    #[test]
    fn keys_spread_evenly_over_shards() {
        let mut counts = [0u32; 4];
        for key in 0..40_000 {
            counts[shard_of(key, 4)] += 1;
        }
        for count in counts {
            assert!((9_500..10_500).contains(&count), "{counts:?}");
        }
        assert_eq!(shard_of(17, 4), shard_of(17, 4));
    }
}
