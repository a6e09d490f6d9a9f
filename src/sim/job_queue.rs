//! The waiting queue: one FIFO per priority level (or per class under fair queuing); a job whose
//! client gives up while waiting stays in place as a tombstone and is skipped when reached, so
//! reneging costs O(1).

use super::jobs::{JobKey, JobSlab, JobState};
use crate::policy::fair::Fair;
use std::collections::VecDeque;

/// Waiting jobs: one deque per priority level (level 0 is served first).
#[derive(Debug)]
pub struct JobQueue {
    levels: Vec<VecDeque<JobKey>>,
    lifo: bool,
    live: usize,
    /// Fair queuing: one level per class served by smooth weighted round-robin (nginx's
    /// algorithm) with these weights, instead of strict level order.
    fair: Option<Fair>,
}

impl JobQueue {
    pub fn new(levels: usize, lifo: bool) -> Self {
        JobQueue {
            levels: (0..levels.max(1)).map(|_| VecDeque::new()).collect(),
            lifo,
            live: 0,
            fair: None,
        }
    }

    /// One level per class, served in proportion to `weights` (fair queuing across tenants).
    pub fn fair(weights: Vec<f64>) -> Self {
        let levels = weights.len().max(1);
        JobQueue {
            levels: (0..levels).map(|_| VecDeque::new()).collect(),
            lifo: false,
            live: 0,
            fair: Some(Fair::new(weights)),
        }
    }

    /// Jobs actually waiting (tombstones excluded).
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    pub fn push(&mut self, level: usize, key: JobKey) {
        self.levels[level].push_back(key);
        self.live += 1;
    }

    /// Puts a job back where it is served next (a preempted job).
    pub fn push_next(&mut self, level: usize, key: JobKey) {
        if self.lifo {
            self.levels[level].push_back(key);
        } else {
            self.levels[level].push_front(key);
        }
        self.live += 1;
    }

    /// The jobs waiting, in the order they would be served (each level in turn, first-in or
    /// last-in first; fair queuing's interleaving is not replayed), tombstones skipped. For
    /// watching only: the engine never reads it.
    pub fn waiting<'a>(&'a self, slab: &'a JobSlab) -> impl Iterator<Item = JobKey> + 'a {
        self.levels
            .iter()
            .flat_map(move |level| {
                let (front, back) = (level.iter(), level.iter().rev());
                let ordered: Box<dyn Iterator<Item = &JobKey>> = if self.lifo {
                    Box::new(back)
                } else {
                    Box::new(front)
                };
                ordered
            })
            .copied()
            .filter(move |&key| slab.get(key).state != JobState::Tombstone)
    }

    /// Records that a queued job became a tombstone.
    pub fn mark_gone(&mut self) {
        self.live -= 1;
    }

    /// The next job to serve: highest level first, FIFO or LIFO within it. Frees tombstones passed.
    pub fn pop_next(&mut self, slab: &mut JobSlab) -> Option<JobKey> {
        if self.live == 0 {
            self.clear_tombstones(slab);
            return None;
        }
        if self.fair.is_some() {
            return self.pop_fair(slab);
        }
        if let ([only], false) = (&mut self.levels[..], self.lifo) {
            // One first-in first-out level (one class, a later stage's buffer): the common case.
            while let Some(key) = only.pop_front() {
                if slab.get(key).state == JobState::Tombstone {
                    slab.remove(key);
                    continue;
                }
                self.live -= 1;
                return Some(key);
            }
            return None;
        }
        for level in 0..self.levels.len() {
            loop {
                let key = if self.lifo {
                    self.levels[level].pop_back()
                } else {
                    self.levels[level].pop_front()
                };
                let Some(key) = key else { break };
                if slab.get(key).state == JobState::Tombstone {
                    slab.remove(key);
                    continue;
                }
                self.live -= 1;
                return Some(key);
            }
        }
        None
    }

    fn pop_fair(&mut self, slab: &mut JobSlab) -> Option<JobKey> {
        loop {
            let non_empty: Vec<bool> = self.levels.iter().map(|level| !level.is_empty()).collect();
            let level = self.fair.as_mut()?.pick(&non_empty)?;
            let key = self.levels[level].pop_front()?;
            if slab.get(key).state == JobState::Tombstone {
                slab.remove(key);
                continue;
            }
            self.live -= 1;
            return Some(key);
        }
    }

    /// The victim of drop-oldest: the oldest job of the least important level, or under fair
    /// queuing the oldest of the longest queue (the tenant taking the most room pays).
    pub fn pop_oldest(&mut self, slab: &mut JobSlab) -> Option<JobKey> {
        if self.fair.is_some() {
            let longest =
                (0..self.levels.len()).max_by_key(|&l| (self.levels[l].len(), usize::MAX - l))?;
            while let Some(key) = self.levels[longest].pop_front() {
                if slab.get(key).state == JobState::Tombstone {
                    slab.remove(key);
                    continue;
                }
                self.live -= 1;
                return Some(key);
            }
        }
        for level in (0..self.levels.len()).rev() {
            while let Some(key) = self.levels[level].pop_front() {
                if slab.get(key).state == JobState::Tombstone {
                    slab.remove(key);
                    continue;
                }
                self.live -= 1;
                return Some(key);
            }
        }
        None
    }

    fn clear_tombstones(&mut self, slab: &mut JobSlab) {
        for level in &mut self.levels {
            for key in level.drain(..) {
                slab.remove(key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::jobs::tests::job;

    #[test]
    fn queue_serves_levels_in_order_and_skips_tombstones() {
        let mut slab = JobSlab::default();
        let mut queue = JobQueue::new(2, false);
        let keys: Vec<_> = (0..4).map(|_| slab.insert(job())).collect();
        queue.push(1, keys[0]);
        queue.push(0, keys[1]);
        queue.push(1, keys[2]);
        queue.push(0, keys[3]);
        slab.get_mut(keys[1]).state = JobState::Tombstone;
        queue.mark_gone();
        assert_eq!(queue.len(), 3);
        assert_eq!(queue.pop_next(&mut slab), Some(keys[3]));
        assert_eq!(queue.pop_oldest(&mut slab), Some(keys[0]));
        assert_eq!(queue.pop_next(&mut slab), Some(keys[2]));
        assert_eq!(queue.pop_next(&mut slab), None);
        assert!(queue.is_empty());
    }

    #[test]
    fn a_one_level_fifo_serves_in_order_and_frees_tombstones() {
        let mut slab = JobSlab::default();
        let mut queue = JobQueue::new(1, false);
        let keys: Vec<_> = (0..3).map(|_| slab.insert(job())).collect();
        for &key in &keys {
            queue.push(0, key);
        }
        slab.get_mut(keys[0]).state = JobState::Tombstone;
        queue.mark_gone();
        assert_eq!(queue.pop_next(&mut slab), Some(keys[1]));
        assert_eq!(slab.len(), 2, "the tombstone passed is freed");
        queue.push_next(0, keys[1]);
        assert_eq!(
            queue.pop_next(&mut slab),
            Some(keys[1]),
            "put back in front"
        );
        assert_eq!(queue.pop_next(&mut slab), Some(keys[2]));
        assert_eq!(queue.pop_next(&mut slab), None);
    }

    #[test]
    fn fair_queuing_serves_levels_by_weight() {
        let mut slab = JobSlab::default();
        let mut queue = JobQueue::fair(vec![3.0, 1.0]);
        let mut level_of = std::collections::HashMap::new();
        for i in 0..40 {
            let key = slab.insert(job());
            queue.push(i % 2, key);
            level_of.insert(key, i % 2);
        }
        let served: Vec<usize> = (0..8)
            .map(|_| level_of[&queue.pop_next(&mut slab).unwrap()])
            .collect();
        assert_eq!(served.iter().filter(|&&l| l == 0).count(), 6, "{served:?}");
        assert_eq!(served.iter().filter(|&&l| l == 1).count(), 2, "{served:?}");
    }

    #[test]
    fn lifo_serves_the_newest_first() {
        let mut slab = JobSlab::default();
        let mut queue = JobQueue::new(1, true);
        let keys: Vec<_> = (0..3).map(|_| slab.insert(job())).collect();
        for &key in &keys {
            queue.push(0, key);
        }
        assert_eq!(queue.pop_next(&mut slab), Some(keys[2]));
        assert_eq!(queue.pop_oldest(&mut slab), Some(keys[0]));
    }
}
