//! What happens to a job that finds every worker busy and the queue full.
//!
//! | policy | on a full queue | lesson |
//! |---|---|---|
//! | `reject` | refuse at once (HTTP 503) | shedding keeps latency bounded |
//! | `block` | the producer waits for a slot | backpressure moves the queue upstream |
//! | `timeout` | wait up to a duration, then refuse | bounded waiting, bounded drops |
//! | `drop-oldest` | evict the oldest waiting job, admit the new one | freshness over completeness |
//! | `watermark` | shed from a high mark until below a low mark | hysteresis stops flapping |
//!
//! [`Overflow::on_offer`] only decides; the engine (or the thread runtime) carries out the decision.
//!
//! ```
//! use queuelab::policy::{Admission, Offer, Overflow, OverflowPolicy, RejectReason};
//! use queuelab::time::SimTime;
//! let first = Offer::FIRST;
//! let mut overflow = Overflow::new(OverflowPolicy::Watermark { high: 24, low: 12 });
//! let now = SimTime::ZERO;
//! assert_eq!(overflow.on_offer(now, 23, Some(32), first), Admission::Enqueue);
//! assert_eq!(overflow.on_offer(now, 24, Some(32), first), Admission::Reject(RejectReason::Watermark));
//! assert_eq!(overflow.on_offer(now, 13, Some(32), first), Admission::Reject(RejectReason::Watermark));
//! assert_eq!(overflow.on_offer(now, 11, Some(32), first), Admission::Enqueue);
//! ```

use crate::time::{SimDuration, SimTime};

/// The configured policy (the scenario's `queue.on_full`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverflowPolicy {
    Reject,
    Block,
    Timeout(SimDuration),
    DropOldest,
    Watermark {
        high: usize,
        low: usize,
    },
    /// The learner's `fn on_full(offer)` decides (`queue.code`).
    Script,
}

impl OverflowPolicy {
    /// The name used in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            OverflowPolicy::Reject => "reject",
            OverflowPolicy::Block => "block",
            OverflowPolicy::Timeout(_) => "timeout",
            OverflowPolicy::DropOldest => "drop-oldest",
            OverflowPolicy::Watermark { .. } => "watermark",
            OverflowPolicy::Script => "script",
        }
    }

    pub const NAMES: [&'static str; 6] = [
        "reject",
        "block",
        "timeout",
        "drop-oldest",
        "watermark",
        "script",
    ];
}

/// Why a job was refused admission. Names are the keys of `rejected_by_reason` in the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RejectReason {
    /// The queue was full and the policy sheds.
    QueueFull,
    /// The producer blocked for its whole `timeout` without getting a slot.
    BlockTimeout,
    /// Shedding between the high and the low watermark.
    Watermark,
    /// The token bucket was empty (`[rate_limit]` with `on_limit = "reject"`).
    RateLimited,
    /// The concurrency limit (`[limiter]`) was reached.
    Limit,
    /// The job's class had `max_in_flight` jobs in flight already (a bulkhead).
    Bulkhead,
    /// The admission policy (`[admission]`) turned it away, or would have held it past its
    /// client's deadline.
    Admission,
}

impl RejectReason {
    pub const ALL: [RejectReason; 7] = [
        RejectReason::QueueFull,
        RejectReason::BlockTimeout,
        RejectReason::Watermark,
        RejectReason::RateLimited,
        RejectReason::Limit,
        RejectReason::Bulkhead,
        RejectReason::Admission,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RejectReason::QueueFull => "queue_full",
            RejectReason::BlockTimeout => "timeout",
            RejectReason::Watermark => "watermark",
            RejectReason::RateLimited => "rate_limited",
            RejectReason::Limit => "limit",
            RejectReason::Bulkhead => "bulkhead",
            RejectReason::Admission => "admission",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// The decision for one offered job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Enqueue,
    /// Evict the oldest waiting job (it counts as dropped), then enqueue this one.
    EvictOldestThenEnqueue,
    Reject(RejectReason),
    /// The producer waits for a free slot; it gives up at `give_up_at` if there is one.
    Wait {
        give_up_at: Option<SimTime>,
    },
}

/// What a full-queue script sees of the job offered to a full queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OfferView<'a> {
    pub class: &'a str,
    /// 0 for the first attempt.
    pub attempt: u32,
    pub queued: usize,
    pub capacity: usize,
}

/// A learner's answer to a full queue: `"reject"`, `"drop_oldest"`, `"wait"` or a wait in
/// seconds — the built-in policies' decisions, chosen per job.
pub trait FullQueuePolicy: std::fmt::Debug + Send {
    fn decide(&mut self, now: SimTime, offer: &OfferView<'_>) -> Admission;

    /// A script policy's failure, once: the run stops there.
    fn take_fault(&mut self) -> Option<crate::policy::PolicyFault> {
        None
    }

    /// What a script policy printed: (simulated seconds, line).
    fn printed(&self) -> Vec<(f64, String)> {
        Vec::new()
    }
}

/// The job a full queue is offered, for a script: its class and attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    pub class: usize,
    /// 0 for the first attempt.
    pub attempt: u32,
}

impl Offer {
    /// The first attempt of a job of the first class.
    pub const FIRST: Offer = Offer {
        class: 0,
        attempt: 0,
    };
}

/// The policy plus its state (the watermark's shedding flag, a script's program).
#[derive(Debug)]
pub struct Overflow {
    policy: OverflowPolicy,
    shedding: bool,
    spells: u64,
    script: Option<Box<dyn FullQueuePolicy>>,
    /// The classes' names, for the script (empty without one).
    class_names: Vec<String>,
}

impl Overflow {
    pub fn new(policy: OverflowPolicy) -> Self {
        Overflow {
            policy,
            shedding: false,
            spells: 0,
            script: None,
            class_names: Vec::new(),
        }
    }

    /// `on_full = "script"`: the policy with the learner's script, which sees each job's class
    /// by its name in `class_names`.
    pub fn scripted(script: Box<dyn FullQueuePolicy>, class_names: Vec<String>) -> Self {
        let mut overflow = Overflow::new(OverflowPolicy::Script);
        overflow.script = Some(script);
        overflow.class_names = class_names;
        overflow
    }

    /// A script policy's failure, once: the run stops there.
    pub fn take_fault(&mut self) -> Option<crate::policy::PolicyFault> {
        self.script.as_mut().and_then(|script| script.take_fault())
    }

    /// What the script printed.
    pub fn printed(&self) -> Vec<(f64, String)> {
        self.script
            .as_ref()
            .map_or_else(Vec::new, |script| script.printed())
    }

    pub fn policy(&self) -> OverflowPolicy {
        self.policy
    }

    /// True while a watermark policy sheds.
    pub fn is_shedding(&self) -> bool {
        self.shedding
    }

    /// How many times a watermark policy started shedding (a readiness probe's flips to
    /// "not ready").
    pub fn shedding_spells(&self) -> u64 {
        self.spells
    }

    /// Decides for a job offered at `now` when `queued` jobs wait in a queue of `capacity` slots
    /// (`None` = unbounded) and no worker is free.
    pub fn on_offer(
        &mut self,
        now: SimTime,
        queued: usize,
        capacity: Option<usize>,
        offer: Offer,
    ) -> Admission {
        let full = capacity.is_some_and(|capacity| queued >= capacity);
        match self.policy {
            OverflowPolicy::Watermark { high, low } => {
                if self.shedding && queued < low {
                    self.shedding = false;
                } else if !self.shedding && queued >= high {
                    self.shedding = true;
                    self.spells += 1;
                }
                if self.shedding {
                    Admission::Reject(RejectReason::Watermark)
                } else if full {
                    Admission::Reject(RejectReason::QueueFull)
                } else {
                    Admission::Enqueue
                }
            }
            _ if !full => Admission::Enqueue,
            OverflowPolicy::Reject => Admission::Reject(RejectReason::QueueFull),
            OverflowPolicy::Block => Admission::Wait { give_up_at: None },
            OverflowPolicy::Timeout(limit) => Admission::Wait {
                give_up_at: Some(now + limit),
            },
            OverflowPolicy::DropOldest => {
                if capacity == Some(0) {
                    Admission::Reject(RejectReason::QueueFull)
                } else {
                    Admission::EvictOldestThenEnqueue
                }
            }
            OverflowPolicy::Script => {
                let Some(script) = self.script.as_mut() else {
                    return Admission::Reject(RejectReason::QueueFull);
                };
                let capacity = capacity.unwrap_or(0);
                let view = OfferView {
                    class: self.class_names.get(offer.class).map_or("", String::as_str),
                    attempt: offer.attempt,
                    queued,
                    capacity,
                };
                match script.decide(now, &view) {
                    Admission::EvictOldestThenEnqueue if capacity == 0 => {
                        Admission::Reject(RejectReason::QueueFull)
                    }
                    decision => decision,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: SimTime = SimTime::from_nanos(1_000);

    #[test]
    fn every_policy_enqueues_while_there_is_room() {
        for policy in [
            OverflowPolicy::Reject,
            OverflowPolicy::Block,
            OverflowPolicy::Timeout(SimDuration::from_millis(5)),
            OverflowPolicy::DropOldest,
            OverflowPolicy::Watermark { high: 8, low: 4 },
        ] {
            assert_eq!(
                Overflow::new(policy).on_offer(NOW, 3, Some(10), Offer::FIRST),
                Admission::Enqueue
            );
            assert_eq!(
                Overflow::new(policy).on_offer(NOW, 3, None, Offer::FIRST),
                Admission::Enqueue
            );
        }
    }

    #[test]
    fn full_queue_decisions_follow_the_policy() {
        let full = |policy| Overflow::new(policy).on_offer(NOW, 10, Some(10), Offer::FIRST);
        assert_eq!(
            full(OverflowPolicy::Reject),
            Admission::Reject(RejectReason::QueueFull)
        );
        assert_eq!(
            full(OverflowPolicy::Block),
            Admission::Wait { give_up_at: None }
        );
        assert_eq!(
            full(OverflowPolicy::Timeout(SimDuration::from_nanos(500))),
            Admission::Wait {
                give_up_at: Some(SimTime::from_nanos(1_500))
            }
        );
        assert_eq!(
            full(OverflowPolicy::DropOldest),
            Admission::EvictOldestThenEnqueue
        );
    }

    #[test]
    fn drop_oldest_without_waiting_slots_rejects() {
        let mut overflow = Overflow::new(OverflowPolicy::DropOldest);
        assert_eq!(
            overflow.on_offer(NOW, 0, Some(0), Offer::FIRST),
            Admission::Reject(RejectReason::QueueFull)
        );
    }

    #[test]
    fn watermark_sheds_from_high_until_below_low() {
        let mut overflow = Overflow::new(OverflowPolicy::Watermark { high: 24, low: 12 });
        let trace: Vec<bool> = [10, 20, 24, 30, 20, 12, 11, 20, 23, 24]
            .iter()
            .map(|&queued| {
                overflow.on_offer(NOW, queued, Some(32), Offer::FIRST) == Admission::Enqueue
            })
            .collect();
        assert_eq!(
            trace,
            [true, true, false, false, false, false, true, true, true, false]
        );
        assert_eq!(
            overflow.shedding_spells(),
            2,
            "shedding started at 24 twice"
        );
    }

    #[test]
    fn watermark_still_respects_capacity() {
        let mut overflow = Overflow::new(OverflowPolicy::Watermark { high: 40, low: 20 });
        assert_eq!(
            overflow.on_offer(NOW, 32, Some(32), Offer::FIRST),
            Admission::Reject(RejectReason::QueueFull)
        );
        assert!(!overflow.is_shedding());
    }
}
