//! `[admission] kind = "script"`: the learner's `fn admit(request)` decides, for every arriving
//! request, whether it comes in, is turned away, or waits — a token bucket (002 T12), a
//! per-tenant limiter (000 T15) or backpressure at submit (003 T4), written by hand.

use super::scripted::{seconds, Scripted};
use super::{Console, Hook, ScriptError};
use crate::policy::admit::{AdmissionPolicy, RequestView, Verdict};
use crate::policy::PolicyFault;
use crate::time::{SimDuration, SimTime};
use rhai::Dynamic;

/// What `admit(request)` sees: a typed value with read-only fields (it runs once per request).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Request {
    now: f64,
    class: rhai::ImmutableString,
    attempt: i64,
    queued: i64,
    in_flight: i64,
    /// Seconds until the client gives up; negative: no deadline (`()` to the script).
    deadline_in: f64,
}

impl std::fmt::Display for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "#{{now: {}, class: \"{}\", attempt: {}, queued: {}, in_flight: {}, deadline_in: ",
            self.now, self.class, self.attempt, self.queued, self.in_flight
        )?;
        if self.deadline_in < 0.0 {
            f.write_str("()}")
        } else {
            write!(f, "{}}}", self.deadline_in)
        }
    }
}

/// Makes [`Request`] known to a script engine: its fields, and how it prints.
pub(crate) fn register_request(engine: &mut rhai::Engine) {
    engine
        .register_type_with_name::<Request>("Request")
        .register_get("now", |r: &mut Request| r.now)
        .register_get("class", |r: &mut Request| r.class.clone())
        .register_get("attempt", |r: &mut Request| r.attempt)
        .register_get("queued", |r: &mut Request| r.queued)
        .register_get("in_flight", |r: &mut Request| r.in_flight)
        .register_get("deadline_in", |r: &mut Request| {
            if r.deadline_in < 0.0 {
                Dynamic::UNIT
            } else {
                Dynamic::from(r.deadline_in)
            }
        })
        .register_fn("to_string", |r: &mut Request| r.to_string())
        .register_fn("to_debug", |r: &mut Request| r.to_string());
}

/// An admission policy whose every decision is a script's.
#[derive(Debug)]
pub struct ScriptAdmission {
    script: Scripted,
}

impl ScriptAdmission {
    pub fn new(code: &str) -> Result<Self, ScriptError> {
        Ok(ScriptAdmission {
            script: Scripted::new(Hook::Admission, code)?,
        })
    }

    /// For code validation has compiled already: should it fail all the same, every request is
    /// let in and the error is reported as a fault at the start.
    pub fn checked(code: &str) -> Self {
        ScriptAdmission {
            script: Scripted::checked(Hook::Admission, code),
        }
    }

    pub fn console(&self) -> Console {
        self.script.console()
    }
}

const SAY: &str = "say true or \"accept\", false or \"reject\", or a delay in seconds";

/// Reads what `admit` returned: `true`/`"accept"`, `false`/`"reject"`, or a delay in seconds.
fn verdict(value: &Dynamic) -> Result<Verdict, String> {
    if let Ok(accept) = value.as_bool() {
        return Ok(if accept {
            Verdict::Accept
        } else {
            Verdict::Reject
        });
    }
    if let Ok(word) = value.clone().into_immutable_string() {
        return match word.as_str() {
            "accept" => Ok(Verdict::Accept),
            "reject" => Ok(Verdict::Reject),
            other => Err(format!("returned \"{}\": {SAY}", super::printable(other))),
        };
    }
    let seconds = seconds(value, "delay", SAY)?;
    Ok(if seconds == 0.0 {
        Verdict::Accept
    } else {
        Verdict::Delay(SimDuration::from_secs_f64(seconds))
    })
}

impl AdmissionPolicy for ScriptAdmission {
    fn decide(&mut self, now: SimTime, view: &RequestView<'_>) -> Verdict {
        let request = || {
            Dynamic::from(Request {
                now: now.as_secs_f64(),
                class: view.class.into(),
                attempt: i64::from(view.attempt),
                queued: view.queued as i64,
                in_flight: view.in_flight as i64,
                deadline_in: view.deadline_in.map_or(-1.0, SimDuration::as_secs_f64),
            })
        };
        self.script
            .ask(now, request, verdict)
            .unwrap_or(Verdict::Accept)
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

    fn view(class: &str, in_flight: usize) -> RequestView<'_> {
        RequestView {
            class,
            attempt: 0,
            queued: 0,
            in_flight,
            deadline_in: None,
        }
    }

    #[test]
    fn a_token_bucket_written_as_a_script() {
        // 2 tokens a second, a burst of 2: the third request at t = 0 waits half a second.
        let mut bucket = ScriptAdmission::new(
            "let tokens = 2.0; let last = 0.0;\n\
             fn admit(request) {\n\
               tokens = min(2.0, tokens + (request.now - last) * 2.0); last = request.now;\n\
               if tokens >= 1.0 { tokens -= 1.0; return true; }\n\
               let wait = (1.0 - tokens) / 2.0; tokens -= 1.0; wait\n\
             }",
        )
        .unwrap();
        let now = SimTime::ZERO;
        assert_eq!(bucket.decide(now, &view("default", 0)), Verdict::Accept);
        assert_eq!(bucket.decide(now, &view("default", 1)), Verdict::Accept);
        assert_eq!(
            bucket.decide(now, &view("default", 2)),
            Verdict::Delay(SimDuration::from_millis(500))
        );
        assert!(bucket.take_fault().is_none());
    }

    #[test]
    fn words_booleans_and_classes() {
        let mut gate = ScriptAdmission::new(
            "fn admit(request) { if request.class == \"free\" && request.in_flight > 3 { \"reject\" } else { \"accept\" } }",
        )
        .unwrap();
        assert_eq!(
            gate.decide(SimTime::ZERO, &view("free", 4)),
            Verdict::Reject
        );
        assert_eq!(
            gate.decide(SimTime::ZERO, &view("paid", 4)),
            Verdict::Accept
        );
        assert_eq!(
            gate.decide(SimTime::ZERO, &view("free", 1)),
            Verdict::Accept
        );
    }

    #[test]
    fn a_bad_answer_is_a_fault_that_names_what_came_back() {
        for (code, expected) in [
            ("fn admit(request) { \"maybe\" }", "returned \"maybe\""),
            ("fn admit(request) { -1 }", "a delay of -1 s"),
            ("fn admit(request) { [] }", "returned a array"),
            ("fn admit(request) { request.deadlin }", "deadlin"),
        ] {
            let mut gate = ScriptAdmission::new(code).unwrap();
            assert_eq!(gate.decide(SimTime::ZERO, &view("a", 0)), Verdict::Accept);
            let fault = gate.take_fault().expect(code);
            assert_eq!(fault.hook, "admission");
            assert!(fault.message.contains(expected), "{code}: {fault}");
        }
    }
}
