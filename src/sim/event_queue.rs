//! The future event list: a binary heap ordered by (time, insertion sequence).
//!
//! Ties in time break by insertion order, so events scheduled for the same instant run first-in,
//! first-out and a run is reproducible regardless of how the heap shuffles equal keys.
//!
//! ```
//! use queuelab::sim::event_queue::EventQueue;
//! use queuelab::time::SimTime;
//! let mut events = EventQueue::new();
//! events.push(SimTime::from_nanos(5), "late");
//! events.push(SimTime::from_nanos(1), "first");
//! events.push(SimTime::from_nanos(1), "second");
//! assert_eq!(events.pop(), Some((SimTime::from_nanos(1), "first")));
//! assert_eq!(events.pop(), Some((SimTime::from_nanos(1), "second")));
//! ```

use crate::time::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

struct Entry<E> {
    at: SimTime,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed, so the max-heap pops the earliest (then lowest sequence) first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }

    pub fn push(&mut self, at: SimTime, event: E) {
        self.heap.push(Entry {
            at,
            seq: self.next_seq,
            event,
        });
        self.next_seq += 1;
    }

    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap.pop().map(|entry| (entry.at, entry.event))
    }

    /// Every pending event with its time, in no particular order (for watching, not running).
    pub fn pending(&self) -> impl Iterator<Item = (SimTime, &E)> {
        self.heap.iter().map(|entry| (entry.at, &entry.event))
    }

    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|entry| entry.at)
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn pops_in_the_same_order_as_a_stable_sort() {
        let mut rng = Rng::new(9);
        let mut queue = EventQueue::new();
        let mut reference = Vec::new();
        for id in 0..5_000u32 {
            // Few distinct times, so ties are common.
            let at = SimTime::from_nanos(rng.below(50));
            queue.push(at, id);
            reference.push((at, id));
            if rng.below(3) == 0 {
                reference.sort_by_key(|&(at, _)| at); // stable: insertion order within ties
                let expected = reference.remove(0);
                assert_eq!(queue.pop(), Some(expected));
            }
        }
        reference.sort_by_key(|&(at, _)| at);
        for expected in reference {
            assert_eq!(queue.pop(), Some(expected));
        }
        assert!(queue.is_empty());
    }
}
