//! An admission policy: asked for every arriving request (every attempt of it) before the token
//! bucket, the bulkheads and the limiter, it lets the request in, turns it away, or holds it
//! back for a while — what a learner writes as `fn admit(request)` (`[admission]`).

use crate::policy::PolicyFault;
use crate::time::{SimDuration, SimTime};

/// What an admission policy sees of a request and of the system as it arrives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RequestView<'a> {
    pub class: &'a str,
    /// 0 for the first attempt, 1 for the first retry, …
    pub attempt: u32,
    /// Jobs waiting in the queue(s) right now.
    pub queued: usize,
    /// Admitted requests not finished yet (what a concurrency limit counts).
    pub in_flight: usize,
    /// How long until the client gives up, if it has a deadline.
    pub deadline_in: Option<SimDuration>,
}

/// An admission policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accept,
    /// Refused at once (`rejected_by_reason.admission`).
    Reject,
    /// Let in after this long (the request waits outside, its latency running). A delay at or
    /// past the client's deadline refuses it instead, as a rate limiter's would.
    Delay(SimDuration),
}

pub trait AdmissionPolicy: std::fmt::Debug + Send {
    fn decide(&mut self, now: SimTime, request: &RequestView<'_>) -> Verdict;

    /// A script policy's failure, once: the run stops there.
    fn take_fault(&mut self) -> Option<PolicyFault> {
        None
    }

    /// What a script policy printed: (simulated seconds, line).
    fn printed(&self) -> Vec<(f64, String)> {
        Vec::new()
    }
}
