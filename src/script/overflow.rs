//! `[queue] on_full = "script"`: the learner's `fn on_full(offer)` decides, for each job that
//! finds the queue full, what Submit does — refuse it (TrySubmit), evict the oldest waiting job
//! (a latest-N buffer), make the sender wait (Submit) or wait at most so long (SubmitCtx with a
//! deadline): seed book 002 T2, T5 and T6, chosen per job.

use super::scripted::{seconds, Scripted};
use super::{Console, Hook, ScriptError};
use crate::policy::overflow::{FullQueuePolicy, OfferView};
use crate::policy::{Admission, PolicyFault, RejectReason};
use crate::time::{SimDuration, SimTime};
use rhai::{Dynamic, ImmutableString};

/// What `on_full(offer)` sees.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OfferInput {
    now: f64,
    class: ImmutableString,
    attempt: i64,
    queued: i64,
    capacity: i64,
}

impl std::fmt::Display for OfferInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "#{{now: {}, class: \"{}\", attempt: {}, queued: {}, capacity: {}}}",
            self.now, self.class, self.attempt, self.queued, self.capacity
        )
    }
}

/// Makes [`OfferInput`] known to a script engine: its fields, and how it prints.
pub(crate) fn register_offer(engine: &mut rhai::Engine) {
    engine
        .register_type_with_name::<OfferInput>("Offer")
        .register_get("now", |o: &mut OfferInput| o.now)
        .register_get("class", |o: &mut OfferInput| o.class.clone())
        .register_get("attempt", |o: &mut OfferInput| o.attempt)
        .register_get("queued", |o: &mut OfferInput| o.queued)
        .register_get("capacity", |o: &mut OfferInput| o.capacity)
        .register_fn("to_string", |o: &mut OfferInput| o.to_string())
        .register_fn("to_debug", |o: &mut OfferInput| o.to_string());
}

/// A full-queue policy whose every decision is a script's.
#[derive(Debug)]
pub struct ScriptOverflow {
    script: Scripted,
}

impl ScriptOverflow {
    pub fn new(code: &str) -> Result<Self, ScriptError> {
        Ok(ScriptOverflow {
            script: Scripted::new(Hook::Overflow, code)?,
        })
    }

    /// For code validation has compiled already: should it fail all the same, a full queue
    /// rejects and the error is reported as a fault at the start.
    pub fn checked(code: &str) -> Self {
        ScriptOverflow {
            script: Scripted::checked(Hook::Overflow, code),
        }
    }

    pub fn console(&self) -> Console {
        self.script.console()
    }
}

const SAY: &str =
    "say \"reject\", \"drop_oldest\", \"wait\", or how long the sender may wait in seconds";

/// Reads what `on_full` returned, for an offer at `now`.
fn decision(value: &Dynamic, now: SimTime) -> Result<Admission, String> {
    if let Ok(word) = value.clone().into_immutable_string() {
        return match word.as_str() {
            "reject" => Ok(Admission::Reject(RejectReason::QueueFull)),
            "drop_oldest" | "drop-oldest" => Ok(Admission::EvictOldestThenEnqueue),
            "wait" => Ok(Admission::Wait { give_up_at: None }),
            other => Err(format!("returned \"{}\": {SAY}", super::printable(other))),
        };
    }
    let seconds = seconds(value, "wait", SAY)?;
    Ok(Admission::Wait {
        give_up_at: Some(now + SimDuration::from_secs_f64(seconds)),
    })
}

impl FullQueuePolicy for ScriptOverflow {
    fn decide(&mut self, now: SimTime, offer: &OfferView<'_>) -> Admission {
        let input = || {
            Dynamic::from(OfferInput {
                now: now.as_secs_f64(),
                class: offer.class.into(),
                attempt: i64::from(offer.attempt),
                queued: offer.queued as i64,
                capacity: offer.capacity as i64,
            })
        };
        self.script
            .ask(now, input, |value| decision(value, now))
            .unwrap_or(Admission::Reject(RejectReason::QueueFull))
    }

    fn take_fault(&mut self) -> Option<PolicyFault> {
        self.script.take_fault()
    }

    fn printed(&self) -> Vec<(f64, String)> {
        self.script.printed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(class: &str) -> OfferView<'_> {
        OfferView {
            class,
            attempt: 0,
            queued: 10,
            capacity: 10,
        }
    }

    #[test]
    fn each_class_gets_its_own_submit() {
        let mut policy = ScriptOverflow::new(
            "fn on_full(offer) {\n\
               if offer.class == \"checkout\" { return 2; }\n\
               if offer.class == \"beacon\" { return \"drop_oldest\"; }\n\
               if offer.class == \"batch\" { return \"wait\"; }\n\
               \"reject\"\n\
             }",
        )
        .unwrap();
        let now = SimTime::from_nanos(1_000_000_000);
        assert_eq!(
            policy.decide(now, &offer("checkout")),
            Admission::Wait {
                give_up_at: Some(SimTime::from_nanos(3_000_000_000))
            }
        );
        assert_eq!(
            policy.decide(now, &offer("beacon")),
            Admission::EvictOldestThenEnqueue
        );
        assert_eq!(
            policy.decide(now, &offer("batch")),
            Admission::Wait { give_up_at: None }
        );
        assert_eq!(
            policy.decide(now, &offer("other")),
            Admission::Reject(RejectReason::QueueFull)
        );
        assert!(policy.take_fault().is_none());
    }

    #[test]
    fn a_bad_answer_is_a_fault_and_the_queue_rejects() {
        for (code, expected) in [
            ("fn on_full(offer) { \"later\" }", "returned \"later\""),
            ("fn on_full(offer) { -1 }", "a wait of -1 s"),
            ("fn on_full(offer) { true }", "returned a bool"),
            ("fn on_full(offer) { offer.size }", "size"),
        ] {
            let mut policy = ScriptOverflow::new(code).unwrap();
            assert_eq!(
                policy.decide(SimTime::ZERO, &offer("a")),
                Admission::Reject(RejectReason::QueueFull),
                "{code}"
            );
            let fault = policy.take_fault().expect(code);
            assert_eq!(fault.hook, "overflow");
            assert!(fault.message.contains(expected), "{code}: {fault}");
        }
    }
}
